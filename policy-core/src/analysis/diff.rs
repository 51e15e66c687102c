//! What access changes between two policies, in words a reviewer understands, each change of a
//! repository policy with a request that proves it.

use std::fmt;

use policy_catalogue::{Action, Bundle, PublicAction};

use crate::analysis::access::CallerClass;
use crate::analysis::changes::{changes, Change, Changes, Counterexample, Setting};
use crate::analysis::equivalence::{Grant, Grants, Target, Test};
use crate::analysis::groups::{group as group_classes, Context, Group};
use crate::model::arn::RepositoryArn;
use crate::model::document::PolicyDocument;
use crate::model::names::AccountId;
use crate::model::version::Effect;

/// Access that one side grants (or denies) and the other does not.
///
/// Between two repository policies the access analysis decides it: the caller classes that
/// may now (or no longer) perform the same actions, `effect` `Allow`, the classes in
/// [`classes`](Self::classes) and their union in words in `principal`, no resource or
/// conditions, and a request that proves it for one of them in
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
    /// for a change the analysis found, the classes of callers in words (`anyone, anonymous
    /// callers included`, `any principal in account 444455556666`, `the role deploy in account
    /// 123456789012; the service codebuild.amazonaws.com`).
    pub principal: String,
    /// The caller classes of a change the analysis found, each of whose access changes by
    /// exactly [`actions`](Self::actions); empty for a change of grants as written.
    pub classes: Vec<CallerClass>,
    /// The actions in the catalogue's spelling (`ecr:PutImage`), sorted, or as written when
    /// the catalogue does not know them (`ecr:batch*`, `every action except ...`).
    pub actions: Vec<String>,
    /// The bundle whose actions [`actions`](Self::actions) are exactly, if any: `pull` is
    /// shown as `pull (ecr:BatchCheckLayerAvailability, ecr:BatchGetImage,
    /// ecr:GetDownloadUrlForLayer)`.
    pub bundle: Option<Bundle>,
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
/// assert!(text.starts_with("+ Allow the role ci in account 123456789012: ecr:BatchDeleteImage\n"));
/// assert!(text.contains("- Allow the role ci in account 123456789012: ecr:PutImage\n"));
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
    let pairs = grants
        .into_iter()
        .map(|g| {
            let when: Vec<String> = g.when.iter().map(describe_test).collect();
            let action = describe_target(&g.action, "no action", "every action except");
            ((g.effect, &g.principal, &g.resource, when), action)
        })
        .collect();
    crate::model::order::group(pairs)
        .into_iter()
        .map(
            |((effect, principal, resource, conditions), actions)| AccessChange {
                effect,
                principal: describe_target(principal, "the policy's holder", "everyone except"),
                classes: Vec::new(),
                bundle: None,
                actions: spelled(actions),
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

/// Action names in the catalogue's spelling where it knows them, sorted and without
/// repeats.
fn spelled(actions: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = actions
        .into_iter()
        .map(|a| {
            if a.contains(['*', '?', ' ']) {
                a
            } else if let Ok(known) = a.parse::<Action>() {
                known.as_str().to_owned()
            } else if let Ok(known) = a.parse::<PublicAction>() {
                known.to_string()
            } else {
                a
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The changes the analysis found, grouped and in words.
fn exact_changes(c: Changes) -> (Vec<AccessChange>, Vec<AccessChange>) {
    let Some(reading) = c.reading.clone() else {
        return (Vec::new(), Vec::new());
    };
    let shared = reading.shared();
    let cx = Context {
        universe: reading.after.classes(),
        shared: &shared,
        owner_named: reading.owner_named,
    };
    let entries = |changes: &[Change]| {
        group_classes(changes, &cx)
            .into_iter()
            .map(exact_change)
            .collect::<Vec<_>>()
    };
    (entries(&c.added), entries(&c.removed))
}

/// An entry of changes the analysis found.
fn exact_change(g: Group) -> AccessChange {
    let mut actions = g.actions;
    crate::model::order::sort_by_key(&mut actions, |a| a.as_str());
    let bundle = Bundle::ALL.into_iter().find(|b| {
        let mut members = b.actions().to_vec();
        crate::model::order::sort_by_key(&mut members, |a| a.as_str());
        members == actions
    });
    AccessChange {
        effect: Effect::Allow,
        principal: g.words,
        classes: g.classes,
        actions: actions.iter().map(|a| a.as_str().to_owned()).collect(),
        bundle,
        resource: None,
        conditions: Vec::new(),
        counterexample: Some(g.proof),
    }
}

/// What the compared policies are known to be set on, for [`diff_with`]: the example
/// requests are made on the repository (or in the account) given, and the comparison reads
/// it first.
///
/// ```
/// use policy_core::compare::DiffOptions;
/// use policy_core::model::RepositoryArn;
/// use policy_core::AccountId;
///
/// let arn: RepositoryArn = "arn:aws:ecr:eu-west-1:123456789012:repository/app".parse()?;
/// let on_repository = DiffOptions::on(arn);
/// let in_account = DiffOptions::in_account(AccountId::new("123456789012")?);
/// assert_eq!(on_repository.repository.unwrap().account(), in_account.owner.as_ref().unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiffOptions {
    /// The repository both policies are (to be) set on: its account owns it, its region is
    /// the one requested.
    pub repository: Option<RepositoryArn>,
    /// The owning account, when the repository itself is not known; ignored when
    /// [`repository`](Self::repository) is given.
    pub owner: Option<AccountId>,
}

impl DiffOptions {
    /// The policies of `repository`.
    #[must_use]
    pub fn on(repository: RepositoryArn) -> Self {
        DiffOptions {
            repository: Some(repository),
            owner: None,
        }
    }

    /// The policies of a repository of `owner`.
    #[must_use]
    pub fn in_account(owner: AccountId) -> Self {
        DiffOptions {
            repository: None,
            owner: Some(owner),
        }
    }
}

/// What access `b` adds to and removes from `a`, as [`diff`] says it, for the repository (or
/// account) `options` names: the comparison reads that repository first and its example
/// requests are made on it. A difference that repository does not see (one only another
/// owner or region would) is still shown, with a request on another repository, so the diff
/// is empty exactly when the policies are [equivalent](crate::compare::equivalent).
///
/// ```
/// use policy_core::compare::{diff_with, DiffOptions};
/// use policy_core::PolicyDocument;
///
/// let code = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Allow",
///     "Principal": {"AWS": "210987654321"}, "Action": ["ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer"]}]}"#)?;
/// let deployed = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Allow",
///     "Principal": "*", "Action": "ecr:BatchGetImage"}]}"#)?;
/// let repository = "arn:aws:ecr:eu-west-1:123456789012:repository/base".parse()?;
/// let d = diff_with(&code, &deployed, &DiffOptions::on(repository));
/// let text = d.to_string();
/// assert!(text.starts_with("+ Allow anyone, anonymous callers included: ecr:BatchGetImage\n"), "{text}");
/// assert!(text.contains(" on arn:aws:ecr:eu-west-1:123456789012:repository/base"), "{text}");
/// assert!(text.contains("- Allow any principal in account 210987654321: \
///     ecr:BatchCheckLayerAvailability, ecr:GetDownloadUrlForLayer\n"), "{text}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn diff_with(a: &PolicyDocument, b: &PolicyDocument, options: &DiffOptions) -> PolicyDiff {
    let ga = Grants::of(a);
    let gb = Grants::of(b);
    if ga.grants != gb.grants {
        let on = Setting {
            owner: options
                .repository
                .as_ref()
                .map(|r| r.account().clone())
                .or_else(|| options.owner.clone()),
            repository: options.repository.clone(),
        };
        if let Some(c) = changes(a, b, &on) {
            let (added, removed) = exact_changes(c);
            return PolicyDiff {
                added,
                removed,
                version_changed: false,
            };
        }
    }
    diff_grants(&ga, &gb)
}

/// What access `b` adds to and removes from `a`.
///
/// Between two repository policies the access analysis answers (see
/// [`equivalent`](crate::compare::equivalent) for when and over which repositories): one
/// change for each set of actions that one policy allows some callers and the other does
/// not, the callers said together ("anyone, anonymous callers included", "any principal in
/// account 444455556666"), with a request that proves it. [`diff_with`] says which repository
/// the policies are on, for requests on it. Otherwise the grants are compared as written: a
/// grant counts as added only when `a` does not already grant it, directly or through a wider
/// grant (and likewise for removed).
#[must_use]
pub fn diff(a: &PolicyDocument, b: &PolicyDocument) -> PolicyDiff {
    diff_with(a, b, &DiffOptions::default())
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

    /// What access `other` adds to and removes from this document on the repository `options`
    /// names; see [`diff_with`].
    #[must_use]
    pub fn diff_with(&self, other: &PolicyDocument, options: &DiffOptions) -> PolicyDiff {
        diff_with(self, other, options)
    }
}

impl fmt::Display for AccessChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: ", self.effect, self.principal)?;
        match self.bundle {
            Some(b) => write!(f, "{b} ({})", self.actions.join(", "))?,
            None => f.write_str(&self.actions.join(", "))?,
        }
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
