//! What access changes between two policies, in words a reviewer understands, each change of a
//! repository policy with a request that proves it.

use std::collections::BTreeMap;
use std::fmt;

use crate::analysis::changes::{changes, Change, Counterexample};
use crate::analysis::equivalence::{Grant, Grants, Target, Test};
use crate::model::document::PolicyDocument;
use crate::model::version::Effect;

/// Access that one side grants (or denies) and the other does not.
///
/// Between two repository policies the access analysis decides it: a class of callers that
/// may now (or no longer) perform some actions, `effect` `Allow`, the class in `principal`, no
/// resource or conditions, and the request that proves it in
/// [`counterexample`](Self::counterexample). Between other documents (or repository policies
/// the analysis does not decide, see [`equivalent`](crate::compare::equivalent)) it is one
/// effect for one principal, on some actions, under some conditions, as written, without a
/// counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AccessChange {
    /// `Allow` or `Deny`; `Allow` for a change the analysis found (what changes is what is
    /// allowed).
    pub effect: Effect,
    /// Who: a principal ARN, `*` for everyone, `service codebuild.amazonaws.com`,
    /// `everyone except ...`, or `the policy's holder` for a statement without a principal;
    /// for a change the analysis found, the class of callers in words (`any session of a role
    /// the policy does not name, in account 444455556666`).
    pub principal: String,
    /// The actions, in lowercase as compared (`ecr:putimage`), or `every action except ...`.
    pub actions: Vec<String>,
    /// The resource, when the statement names one.
    pub resource: Option<String>,
    /// The conditions, each as `Operator key value`, all of which must hold.
    pub conditions: Vec<String>,
    /// The request that proves a change the analysis found: allowed by the policy with the
    /// access, refused by the other when it is `Certain`.
    pub counterexample: Option<Counterexample>,
}

/// The difference in access between two policies: what the second adds and what it removes.
/// Empty exactly when the policies are [equivalent](crate::analysis::equivalence::equivalent).
///
/// ```
/// use policy_core::PolicyDocument;
/// use policy_core::compare::diff;
/// use policy_core::eval::Outcome;
///
/// let before = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Allow",
///     "Principal": {"AWS": "arn:aws:iam::123456789012:role/ci"}, "Action": ["ecr:BatchGetImage", "ecr:PutImage"]}]}"#)?;
/// let after = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Allow",
///     "Principal": {"AWS": "arn:aws:iam::123456789012:role/ci"}, "Action": ["ecr:BatchGetImage", "ecr:BatchDeleteImage"]}]}"#)?;
/// let d = diff(&before, &after);
/// let text = d.to_string();
/// assert!(text.starts_with(
///     "+ Allow any session of role /ci in account 123456789012: ecr:batchdeleteimage\n"
/// ));
/// assert!(text.contains("- Allow any session of role /ci in account 123456789012: ecr:putimage\n"));
/// // Each change comes with a request one policy allows and the other refuses.
/// let proof = d.added[0].counterexample.as_ref().unwrap();
/// assert!(proof.is_certain());
/// assert_eq!(proof.outcome(&after), Some(Outcome::Allowed));
/// assert_ne!(proof.outcome(&before), Some(Outcome::Allowed));
///
/// // The same access written otherwise is no change.
/// let reworded = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Allow",
///     "Principal": {"AWS": "arn:aws:iam::123456789012:role/ci"}, "Action": ["ecr:BatchGetIm*", "ecr:PutImage"],
///     "Condition": {"StringLike": {"aws:PrincipalArn": "*"}}}]}"#)?;
/// assert!(diff(&before, &reworded).is_empty());
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
                counterexample: None,
            },
        )
        .collect()
}

/// A change the analysis found, in words.
fn exact_change(c: Change) -> AccessChange {
    AccessChange {
        effect: Effect::Allow,
        principal: c.proof.stands_for.clone(),
        actions: c
            .access
            .actions
            .iter()
            .map(|a| a.as_str().to_ascii_lowercase())
            .collect(),
        resource: None,
        conditions: Vec::new(),
        counterexample: Some(c.proof),
    }
}

/// What access `b` adds to and removes from `a`.
///
/// Between two repository policies the access analysis answers (see
/// [`equivalent`](crate::compare::equivalent) for when and over which repositories): one
/// change for each class of callers and group of actions that one policy allows and the other
/// does not, with a request that proves it. Otherwise the grants are compared as written: a
/// grant counts as added only when `a` does not already grant it, directly or through a wider
/// grant (and likewise for removed).
#[must_use]
pub fn diff(a: &PolicyDocument, b: &PolicyDocument) -> PolicyDiff {
    let ga = Grants::of(a);
    let gb = Grants::of(b);
    if ga.grants != gb.grants {
        if let Some(c) = changes(a, b) {
            return PolicyDiff {
                added: c.added.into_iter().map(exact_change).collect(),
                removed: c.removed.into_iter().map(exact_change).collect(),
                version_changed: false,
            };
        }
    }
    diff_grants(&ga, &gb)
}

/// [`diff`] by the grants as written, whatever the documents.
pub(crate) fn diff_by_grants(a: &PolicyDocument, b: &PolicyDocument) -> PolicyDiff {
    diff_grants(&Grants::of(a), &Grants::of(b))
}

fn diff_grants(ga: &Grants, gb: &Grants) -> PolicyDiff {
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
        if let Some(proof) = &self.counterexample {
            let how = if proof.is_certain() {
                "e.g."
            } else {
                "possibly (not confirmed by the evaluator), e.g."
            };
            write!(f, "\n    {how} {proof}")?;
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
