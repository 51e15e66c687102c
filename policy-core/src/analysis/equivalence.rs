//! Comparing policies by what they grant, not by their text.
//!
//! A document is taken apart into grants: one effect for one principal, one action, one
//! resource, under one set of conditions. A statement naming two principals and three actions
//! is six grants; two documents are equivalent when their grants are the same, once grants
//! covered by a wider one (`ecr:*` covers `ecr:PutImage`, `"*"` covers every principal) are
//! left out. So the order of statements, actions, principals and values, a string versus a
//! one-element list, the letter case of actions and condition keys, and a bare account id
//! versus its root ARN make no difference; anything that changes who can do what does.
//!
//! The comparison is conservative: equivalent documents grant the same access, but two
//! documents that grant the same access through different conditions or overlapping patterns
//! may be reported as different.

use std::collections::BTreeSet;

use policy_catalogue::checks::{action_covers_action, has_policy_variable};

use crate::analysis::changes::{changes, Setting};

use crate::model::condition::{ConditionValue, Conditions};
use crate::model::document::PolicyDocument;
use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::statement::Statement;
use crate::model::version::{Effect, Version};

/// A principal, action or resource of a grant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Target {
    /// The element is absent (an identity policy's statement has no principal or resource).
    Unspecified,
    /// One value, in canonical text.
    One(String),
    /// Everything but these (`NotPrincipal`, `NotAction`, `NotResource`).
    AllExcept(BTreeSet<String>),
}

/// One condition test: operator, key in lowercase, the values as a set.
pub(crate) type Test = (String, String, BTreeSet<String>);

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Grant {
    pub effect: Effect,
    pub resource: Target,
    pub when: BTreeSet<Test>,
    pub principal: Target,
    pub action: Target,
}

/// Beyond this many grants a document is compared statement by statement instead.
const MAX_GRANTS: usize = 100_000;

/// The grants of a document, widest-covered ones removed, plus the version when it matters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Grants {
    pub grants: BTreeSet<Grant>,
    /// The effective version, when a policy variable makes it matter.
    version: Option<Version>,
}

pub(crate) fn principal_text(p: &Principal) -> String {
    match p {
        // IAM treats `"Principal": "*"` and `{"AWS": "*"}` alike.
        Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone) => "*".to_owned(),
        Principal::Aws(AwsPrincipal::Account {
            partition, account, ..
        }) => format!("arn:{partition}:iam::{account}:root"),
        Principal::Aws(other) => other.to_string(),
        Principal::Service(s) => format!("service {}", s.as_str().to_ascii_lowercase()),
        Principal::Federated(s) => format!("federated {s}"),
        Principal::CanonicalUser(s) => format!("canonical user {s}"),
    }
}

fn tests(c: &Conditions) -> BTreeSet<Test> {
    c.tests()
        .iter()
        .map(|t| {
            let op = t.operator.operator;
            let fold = matches!(
                op,
                policy_catalogue::Operator::StringEqualsIgnoreCase
                    | policy_catalogue::Operator::StringNotEqualsIgnoreCase
                    | policy_catalogue::Operator::Bool
            );
            let values = t
                .values
                .iter()
                .map(|v| {
                    let text = v.as_text();
                    if fold || matches!(v, ConditionValue::Bool(_)) {
                        text.to_lowercase()
                    } else {
                        text.into_owned()
                    }
                })
                .collect();
            (
                t.operator.to_string(),
                t.key.as_str().to_ascii_lowercase(),
                values,
            )
        })
        .collect()
}

fn targets<T>(element: Option<(bool, &[T])>, text: impl Fn(&T) -> String) -> Vec<Target> {
    match element {
        None => vec![Target::Unspecified],
        Some((true, items)) => vec![Target::AllExcept(items.iter().map(text).collect())],
        Some((false, items)) => {
            let set: BTreeSet<String> = items.iter().map(text).collect();
            set.into_iter().map(Target::One).collect()
        }
    }
}

fn action_targets(s: &Statement) -> Vec<Target> {
    let element = s.action.as_ref().map(|a| (a.negated, &a.actions[..]));
    let mut out = targets(element, |a| a.as_str().to_ascii_lowercase());
    if let [Target::AllExcept(set)] = out.as_mut_slice() {
        // NotAction [ecr:*, ecr:PutImage] excludes exactly what NotAction [ecr:*] does.
        let wide: Vec<String> = set
            .iter()
            .filter(|a| a.contains(['*', '?']))
            .cloned()
            .collect();
        set.retain(|a| !wide.iter().any(|w| action_covers_action(w, a)));
    }
    out
}

fn principal_targets(s: &Statement) -> Vec<Target> {
    let element = s.principal.as_ref().map(|p| (p.negated, &p.principals[..]));
    let mut out = targets(element, principal_text);
    if out.iter().any(|t| *t == Target::One("*".to_owned())) {
        out = vec![Target::One("*".to_owned())];
    }
    out
}

fn resource_targets(s: &Statement) -> Vec<Target> {
    let element = s.resource.as_ref().map(|r| (r.negated, &r.resources[..]));
    targets(element, Clone::clone)
}

fn uses_variables(doc: &PolicyDocument) -> bool {
    doc.statements.iter().any(|s| {
        s.principal.as_ref().is_some_and(|p| {
            p.principals
                .iter()
                .any(|x| has_policy_variable(&x.to_string()))
        }) || s
            .resource
            .as_ref()
            .is_some_and(|r| r.resources.iter().any(|x| has_policy_variable(x)))
            || s.condition
                .tests()
                .iter()
                .any(|t| t.values.iter().any(|v| has_policy_variable(&v.as_text())))
    })
}

impl Grants {
    pub(crate) fn of(doc: &PolicyDocument) -> Grants {
        let mut grants = BTreeSet::new();
        let mut count = 0usize;
        for s in doc.statements.iter() {
            let principals = principal_targets(s);
            let actions = action_targets(s);
            let resources = resource_targets(s);
            count = count.saturating_add(
                principals
                    .len()
                    .saturating_mul(actions.len())
                    .saturating_mul(resources.len()),
            );
            if count > MAX_GRANTS {
                return Grants::by_statement(doc);
            }
            let when = tests(&s.condition);
            for r in &resources {
                for p in &principals {
                    for a in &actions {
                        grants.insert(Grant {
                            effect: s.effect,
                            resource: r.clone(),
                            when: when.clone(),
                            principal: p.clone(),
                            action: a.clone(),
                        });
                    }
                }
            }
        }
        let version = uses_variables(doc).then(|| doc.version.unwrap_or(Version::V2008_10_17));
        Grants {
            grants: prune(grants),
            version,
        }
    }

    /// For documents too large to take apart: one grant per statement, its lists as sets.
    fn by_statement(doc: &PolicyDocument) -> Grants {
        let join =
            |v: Vec<Target>| Target::AllExcept(v.into_iter().map(|t| format!("{t:?}")).collect());
        let grants = doc
            .statements
            .iter()
            .map(|s| Grant {
                effect: s.effect,
                resource: join(resource_targets(s)),
                when: tests(&s.condition),
                principal: join(principal_targets(s)),
                action: join(action_targets(s)),
            })
            .collect();
        Grants {
            grants,
            version: uses_variables(doc).then(|| doc.version.unwrap_or(Version::V2008_10_17)),
        }
    }

    /// Whether `g` is granted by one of these grants, exactly or through a wider one.
    pub(crate) fn covers(&self, g: &Grant) -> bool {
        self.grants.contains(g) || self.grants.iter().any(|w| covers(w, g))
    }
}

fn covers_target(wide: &Target, narrow: &Target, actions: bool) -> bool {
    match (wide, narrow) {
        (Target::One(w), Target::One(n)) => {
            w == n || (!actions && w == "*") || (actions && action_covers_action(w, n))
        }
        (w, n) => w == n,
    }
}

/// Whether grant `w` covers grant `g` (and is not the same grant).
fn covers(w: &Grant, g: &Grant) -> bool {
    w != g
        && w.effect == g.effect
        && w.resource == g.resource
        && w.when == g.when
        && covers_target(&w.principal, &g.principal, false)
        && covers_target(&w.action, &g.action, true)
}

/// Drops every grant that a wider grant covers.
fn prune(grants: BTreeSet<Grant>) -> BTreeSet<Grant> {
    // Only grants with a wildcard principal or action can cover another one.
    let wide: Vec<&Grant> = grants
        .iter()
        .filter(|g| {
            matches!(&g.principal, Target::One(p) if p == "*")
                || matches!(&g.action, Target::One(a) if a.contains(['*', '?']))
        })
        .collect();
    if wide.is_empty() {
        return grants;
    }
    let by_context = crate::model::order::group(
        wide.into_iter()
            .map(|w| ((w.effect, &w.resource, &w.when), w))
            .collect(),
    );
    grants
        .iter()
        .filter(|g| {
            !crate::model::order::values_of(&by_context, &(g.effect, &g.resource, &g.when))
                .is_some_and(|ws| ws.iter().any(|w| covers(w, g)))
        })
        .cloned()
        .collect()
}

/// Whether two documents grant the same access (see the [module](crate::compare) documentation).
///
/// ```
/// use policy_core::PolicyDocument;
/// use policy_core::compare::equivalent;
///
/// let a = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
///     "Principal": {"AWS": "123456789012"}, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}"#)?;
/// let b = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [
///     {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]}, "Action": "ecr:getdownloadurlforlayer"},
///     {"Sid": "Pull", "Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "ecr:BatchGetImage"}]}"#)?;
/// assert!(equivalent(&a, &b));
/// let c = PolicyDocument::from_json(r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}}"#)?;
/// assert!(!equivalent(&a, &c));
/// # Ok::<(), policy_core::json::ParseError>(())
/// ```
#[must_use]
pub fn equivalent(a: &PolicyDocument, b: &PolicyDocument) -> bool {
    let (ga, gb) = (Grants::of(a), Grants::of(b));
    if ga == gb {
        return true;
    }
    // Equal grants under another version: policy variables read otherwise.
    ga.grants != gb.grants && changes(a, b, &Setting::default()).is_some_and(|c| c.is_empty())
}

/// [`equivalent`] by the grants as written, whatever the documents.
pub(crate) fn equivalent_by_grants(a: &PolicyDocument, b: &PolicyDocument) -> bool {
    Grants::of(a) == Grants::of(b)
}

impl PolicyDocument {
    /// Whether this document grants the same access as `other`; see [`equivalent`].
    #[must_use]
    pub fn equivalent(&self, other: &PolicyDocument) -> bool {
        equivalent(self, other)
    }
}

impl crate::model::policy::RepositoryPolicy {
    /// Whether this policy grants the same access as `other`; see [`equivalent`].
    #[must_use]
    pub fn equivalent(&self, other: impl AsRef<PolicyDocument>) -> bool {
        equivalent(self.document(), other.as_ref())
    }
}
