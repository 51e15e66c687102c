//! What access changes between two policies, in words a reviewer understands.

use std::collections::BTreeMap;
use std::fmt;

use crate::analysis::equivalence::{Grant, Grants, Target, Test};
use crate::model::document::PolicyDocument;
use crate::model::version::Effect;

/// Access that one side grants (or denies) and the other does not: one effect for one
/// principal, on some actions, under some conditions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AccessChange {
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// Who: a principal ARN, `*` for everyone, `service codebuild.amazonaws.com`,
    /// `everyone except ...`, or `the policy's holder` for a statement without a principal.
    pub principal: String,
    /// The actions, in lowercase as compared (`ecr:putimage`), or `every action except ...`.
    pub actions: Vec<String>,
    /// The resource, when the statement names one.
    pub resource: Option<String>,
    /// The conditions, each as `Operator key value`, all of which must hold.
    pub conditions: Vec<String>,
}

/// The difference in access between two policies: what the second adds and what it removes.
/// Empty exactly when the policies are [equivalent](crate::analysis::equivalence::equivalent).
///
/// ```
/// use policy_core::PolicyDocument;
/// use policy_core::compare::diff;
///
/// let before = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Allow",
///     "Principal": {"AWS": "arn:aws:iam::123456789012:role/ci"}, "Action": ["ecr:BatchGetImage", "ecr:PutImage"]}]}"#)?;
/// let after = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Allow",
///     "Principal": {"AWS": "arn:aws:iam::123456789012:role/ci"}, "Action": ["ecr:BatchGetImage", "ecr:BatchDeleteImage"]}]}"#)?;
/// let d = diff(&before, &after);
/// assert_eq!(
///     d.to_string(),
///     "+ Allow arn:aws:iam::123456789012:role/ci: ecr:batchdeleteimage\n- Allow arn:aws:iam::123456789012:role/ci: ecr:putimage\n"
/// );
/// # Ok::<(), policy_core::json::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyDiff {
    /// Access the second policy grants or denies that the first does not.
    pub added: Vec<AccessChange>,
    /// Access the first policy grants or denies that the second does not.
    pub removed: Vec<AccessChange>,
    /// Set when the documents differ only in `Version` and use policy variables, which the
    /// version turns on or off.
    pub version_changed: bool,
}

impl PolicyDiff {
    /// Whether nothing changes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && !self.version_changed
    }
}

fn describe_target(t: &Target, unspecified: &str, except: &str) -> String {
    match t {
        Target::Unspecified => unspecified.to_owned(),
        Target::One(s) => s.clone(),
        Target::AllExcept(set) => {
            format!(
                "{except} {}",
                set.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        }
    }
}

fn describe_test((op, key, values): &Test) -> String {
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    match values.as_slice() {
        [one] => format!("{op} {key} {one}"),
        many => format!("{op} {key} any of [{}]", many.join(", ")),
    }
}

/// Groups grants by effect, principal, resource and conditions, listing their actions.
fn group(grants: Vec<&Grant>) -> Vec<AccessChange> {
    let mut groups: BTreeMap<(Effect, &Target, &Target, Vec<String>), Vec<String>> =
        BTreeMap::new();
    for g in grants {
        let when: Vec<String> = g.when.iter().map(describe_test).collect();
        groups
            .entry((g.effect, &g.principal, &g.resource, when))
            .or_default()
            .push(describe_target(
                &g.action,
                "no action",
                "every action except",
            ));
    }
    groups
        .into_iter()
        .map(
            |((effect, principal, resource, conditions), actions)| AccessChange {
                effect,
                principal: describe_target(principal, "the policy's holder", "everyone except"),
                actions,
                resource: match resource {
                    Target::Unspecified => None,
                    r => Some(describe_target(r, "", "every resource except")),
                },
                conditions,
            },
        )
        .collect()
}

/// What access `b` adds to and removes from `a`. A grant counts as added only when `a` does
/// not already grant it, directly or through a wider grant (and likewise for removed).
#[must_use]
pub fn diff(a: &PolicyDocument, b: &PolicyDocument) -> PolicyDiff {
    let ga = Grants::of(a);
    let gb = Grants::of(b);
    let added = gb.grants.iter().filter(|g| !ga.covers(g)).collect();
    let removed = ga.grants.iter().filter(|g| !gb.covers(g)).collect();
    let added = group(added);
    let removed = group(removed);
    let version_changed = added.is_empty() && removed.is_empty() && ga != gb;
    PolicyDiff {
        added,
        removed,
        version_changed,
    }
}

impl PolicyDocument {
    /// What access `other` adds to and removes from this document; see [`diff`].
    #[must_use]
    pub fn diff(&self, other: &PolicyDocument) -> PolicyDiff {
        diff(self, other)
    }
}

impl fmt::Display for AccessChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.effect,
            self.principal,
            self.actions.join(", ")
        )?;
        if let Some(r) = &self.resource {
            write!(f, " on {r}")?;
        }
        if !self.conditions.is_empty() {
            write!(f, " when {}", self.conditions.join(" and "))?;
        }
        Ok(())
    }
}

impl fmt::Display for PolicyDiff {
    /// One line per change: `+` for access added, `-` for access removed; nothing when the
    /// policies are equivalent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.added {
            writeln!(f, "+ {c}")?;
        }
        for c in &self.removed {
            writeln!(f, "- {c}")?;
        }
        if self.version_changed {
            writeln!(f, "~ Version changes, which turns policy variables such as ${{aws:username}} on or off")?;
        }
        Ok(())
    }
}
