//! The access one repository policy allows and another does not, decided by the access
//! analysis over every repository the policies could be set on, each change with a request
//! that proves it: what [`equivalent`](crate::compare::equivalent) and
//! [`diff`](crate::compare::diff) answer with.
//!
//! # Over which repositories and identity policies
//!
//! Without a repository the owning account is open, and a policy means something else in each
//! account (the owner's root user needs no allow; a principal naming the owner's account
//! delegates to its identity policies). The comparison is made with the owner as an account
//! neither policy names, then as each account they name (principals, `aws:PrincipalAccount`,
//! `aws:PrincipalArn`, `aws:ResourceAccount`) and the two accounts at the ends of each
//! partial account pattern in those keys (`arn:aws:iam::4444*:root` stands for the accounts
//! from `444400000000` to `444499999999`), with the region open. One pattern inside another
//! (`44440*` inside `4444*`) leaves an end of the wider one outside the narrower, so an owner
//! between the two is tried. The callers' identity
//! policies are a yes or no for each request, so two readings cover them: the owner's allow
//! nothing (other accounts' everything), then every identity policy allows everything. The
//! first reading that tells the policies apart is the one reported.
//!
//! # What is compared
//!
//! Every action of the catalogue that acts on a repository, for every caller class
//! (`ecr:GetAuthorizationToken` and the other actions without a repository are not decided by a
//! repository policy). A document that is not a repository policy, or one that names an
//! action outside the catalogue (another service's, or an `ecr:` name it does not know), a
//! pattern that matches no repository action, a federated principal, a `Resource` other than
//! `*`, or, with the other policy, more than [`MAX_OWNERS`] accounts, is compared by its grants
//! instead (the conservative comparison).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::rc::Rc;

use policy_analysis::ir;
use policy_catalogue::Action;

use crate::analysis::access::{
    allow_all, request_of, AccessAnalysis, AnalysisOptions, CallerClass, Certainty, ClassAccess,
    ConfirmedGrant, IdentityAssumption, Route, Witness,
};
use crate::eval::{Evaluator, Outcome, Request};
use crate::model::action::ActionItem;
use crate::model::arn::RepositoryArn;
use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::names::AccountId;
use crate::model::principal::Principal;

/// At most this many named accounts are tried as the repository's owner; a pair of policies
/// naming more is compared by its grants.
pub const MAX_OWNERS: usize = 8;

/// A request that proves an access change: the policy with the access allows it, the other
/// does not (both decided by [`Evaluator::decide`] with the same identity policy), when
/// [`certainty`](Self::certainty) is `Certain`. A `Possible` one is a change the analysis could
/// not rule out: the request needs something outside the model (tags, policy variables, keys
/// the catalogue does not know), or is anonymous, which the evaluator has no request for.
///
/// ```
/// use policy_core::compare::diff;
/// use policy_core::eval::Outcome;
/// use policy_core::PolicyDocument;
///
/// let before = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
///   "Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage"}]}"#)?;
/// let after = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
///   "Principal":{"AWS":"444455556666"},"Action":["ecr:BatchGetImage","ecr:PutImage"]}]}"#)?;
/// let changes = diff(&before, &after);
/// let proof = changes.added[0].counterexample.as_ref().unwrap();
/// assert!(proof.is_certain());
/// assert_eq!(proof.outcome(&after), Some(Outcome::Allowed));
/// assert_ne!(proof.outcome(&before), Some(Outcome::Allowed));
/// assert!(proof.request().unwrap().to_string().contains("ecr:PutImage"));
/// # Ok::<(), policy_core::json::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Counterexample {
    /// The class of callers the change is about.
    pub class: CallerClass,
    /// The class in words.
    pub stands_for: String,
    /// The first action of the change, the one the request asks for.
    pub action: Action,
    /// The repository of the request.
    pub repository: RepositoryArn,
    /// The caller and the context keys the policies' conditions need.
    pub witness: Witness,
    /// The rule of AWS's evaluation by which the policy with the access allows it.
    pub route: Route,
    /// Whether the request is decided with an identity policy of the caller that allows
    /// everything (`true`) or with none (`false`).
    pub with_identity_policy: bool,
    /// `Certain` when both evaluators confirm the change.
    pub certainty: Certainty,
}

impl Counterexample {
    /// Whether the evaluators confirm the change.
    #[must_use]
    pub fn is_certain(&self) -> bool {
        self.certainty == Certainty::Certain
    }

    /// The request; `None` for an anonymous caller, which has no request form.
    #[must_use]
    pub fn request(&self) -> Option<Request> {
        request_of(&self.witness, self.action, self.repository.clone())
    }

    /// How `policy` decides the request, with the identity policy the change assumes; `None`
    /// for an anonymous caller.
    #[must_use]
    pub fn outcome(&self, policy: &PolicyDocument) -> Option<Outcome> {
        let request = self.request()?;
        let evaluator = Evaluator::new(policy);
        let evaluator = if self.with_identity_policy {
            evaluator.with_identity_policy(allow_all())
        } else {
            evaluator
        };
        Some(evaluator.decide(&request))
    }
}

/// Keys AWS derives from the caller and the repository: the request shows them already.
const DERIVED: [&str; 9] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:username",
    "aws:userid",
    "aws:resourceaccount",
    "aws:requestedregion",
];

impl fmt::Display for Counterexample {
    /// `CALLER calls ACTION on REPOSITORY`, then the context keys the conditions need: `with
    /// KEY = VALUE`, `without KEY`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.request() {
            Some(r) => write!(
                f,
                "{} calls {} on {}",
                r.caller(),
                self.action,
                self.repository
            )?,
            None => write!(
                f,
                "an anonymous caller calls {} on {}",
                self.action, self.repository
            )?,
        }
        let mut first = true;
        for (key, values) in &self.witness.context {
            if DERIVED.contains(&key.to_ascii_lowercase().as_str()) {
                continue;
            }
            f.write_str(if first { ", " } else { " and " })?;
            first = false;
            match values.as_deref() {
                None => write!(f, "without {key}")?,
                Some([one]) => write!(f, "with {key} = {one:?}")?,
                Some(many) => write!(f, "with {key} = {many:?}")?,
            }
        }
        if self.with_identity_policy && !matches!(self.route, Route::CrossAccount) {
            f.write_str(", with an identity policy that allows it")?;
        }
        Ok(())
    }
}

/// One change: the class, its actions, and the proof.
#[derive(Clone, Debug)]
pub(crate) struct Change {
    pub(crate) access: ClassAccess,
    pub(crate) proof: Counterexample,
}

/// What `after` adds to and removes from `before`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Changes {
    pub(crate) added: Vec<Change>,
    pub(crate) removed: Vec<Change>,
    /// The reading that told the policies apart.
    pub(crate) reading: Option<Rc<Reading>>,
}

/// The two analyses of the reading that tells two policies apart.
#[derive(Debug)]
pub(crate) struct Reading {
    pub(crate) before: AccessAnalysis,
    pub(crate) after: AccessAnalysis,
    /// Whether the owner is a real account (given, or one the policies name).
    pub(crate) owner_named: bool,
}

impl Reading {
    /// For each class, the actions both policies allow it.
    pub(crate) fn shared(&self) -> BTreeMap<CallerClass, BTreeSet<Action>> {
        let allowed = |analysis: &AccessAnalysis| {
            let mut map: BTreeMap<CallerClass, BTreeSet<Action>> = BTreeMap::new();
            for a in analysis.access() {
                map.entry(a.class).or_default().extend(a.actions);
            }
            map
        };
        let before = allowed(&self.before);
        let mut after = allowed(&self.after);
        after.retain(|class, actions| {
            actions.retain(|a| before.get(class).is_some_and(|b| b.contains(a)));
            !actions.is_empty()
        });
        after
    }
}

impl Changes {
    pub(crate) fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// What the compared policies are known to be set on: the repository, or only its account.
#[derive(Clone, Debug, Default)]
pub(crate) struct Setting {
    pub(crate) repository: Option<RepositoryArn>,
    pub(crate) owner: Option<AccountId>,
}

/// Whether the analysis decides everything the document grants (see the module docs).
pub(crate) fn comparable(doc: &PolicyDocument) -> bool {
    if PolicyKind::detect(doc) != Some(PolicyKind::Repository) {
        return false;
    }
    doc.statements.iter().all(|s| {
        let actions = s.action.as_ref().is_some_and(|a| {
            a.actions.iter().all(|item| match item {
                ActionItem::Ecr(_) => true,
                ActionItem::Pattern(p) => !ir::Actions {
                    negated: false,
                    items: vec![p.as_str().to_owned()],
                }
                .resolve()
                .is_empty(),
                ActionItem::Public(_) | ActionItem::Other(_) => false,
            })
        });
        let resource = s.resource.as_ref().is_none_or(|r| {
            !r.negated && !r.resources.is_empty() && r.resources.iter().all(|x| x == "*")
        });
        let principals = s.principal.as_ref().is_some_and(|p| {
            !p.principals
                .iter()
                .any(|x| matches!(x, Principal::Federated(_)))
        });
        actions && resource && principals
    })
}

/// The accounts to try as the owner besides one neither policy names, or `None` when there
/// are more than [`MAX_OWNERS`].
fn owners(analysis: &AccessAnalysis, docs: [&PolicyDocument; 2]) -> Option<Vec<AccountId>> {
    let mut ids: BTreeSet<String> = analysis
        .classes()
        .iter()
        .filter_map(CallerClass::account)
        .filter(|a| a.named && !a.owner)
        .map(|a| a.id.clone())
        .collect();
    for doc in docs {
        for s in doc.statements.iter() {
            for t in s.condition.tests() {
                let key = t.key.as_str().to_ascii_lowercase();
                for v in t.values.iter() {
                    let v = v.as_text();
                    let account = match key.as_str() {
                        "aws:resourceaccount" | "aws:principalaccount" => Some(&*v),
                        "aws:principalarn" => v.split(':').nth(4),
                        _ => None,
                    };
                    // An account pattern that some accounts match and others do not: the
                    // accounts at its ends stand for them.
                    let ends = account.map(instances).unwrap_or_default();
                    if !ends.is_empty() {
                        ids.extend(ends);
                    } else if key == "aws:resourceaccount" {
                        ids.insert(v.into_owned());
                    }
                }
            }
        }
    }
    let ids: Vec<AccountId> = ids
        .into_iter()
        .filter_map(|id| AccountId::new(id.as_str()).ok())
        .collect();
    (ids.len() <= MAX_OWNERS).then_some(ids)
}

/// The 12-digit accounts at the two ends of a partial account pattern (`4444*`,
/// `1234567890??`): its wildcards filled with `0`s, then with `9`s (the first `*` takes the
/// digits missing, the others none). Both ends are tried as the owner, so that a pattern
/// inside another (`44440*` inside `4444*`) leaves the wider one's other end outside it.
/// Empty for a pattern without wildcards or of wildcards only, or one no account matches.
fn instances(pattern: &str) -> Vec<String> {
    if !pattern.contains(['*', '?']) || pattern.chars().all(|c| c == '*') {
        return Vec::new();
    }
    let fixed = pattern.chars().filter(|&c| c != '*').count();
    let Some(missing) = 12usize.checked_sub(fixed) else {
        return Vec::new();
    };
    let fill = |digit: char| {
        let mut out = String::new();
        let mut first = true;
        for c in pattern.chars() {
            match c {
                '*' if first => {
                    first = false;
                    out.extend(std::iter::repeat_n(digit, missing));
                }
                '*' => {}
                '?' => out.push(digit),
                c => out.push(c),
            }
        }
        out
    };
    let mut out: Vec<String> = [fill('0'), fill('9')]
        .into_iter()
        .filter(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    out.dedup();
    out
}

/// The class in words, for two policies, the stand-in owner said as such.
pub(crate) fn stands_for(class: &CallerClass, owner_named: bool) -> String {
    let words = class
        .describe()
        .replace("the policy does not name", "neither policy names");
    match class.account() {
        Some(a) if a.owner && !owner_named => words.replace(
            &format!("in the owning account {}", a.id),
            "in the repository's account (one neither policy names)",
        ),
        _ => words,
    }
}

impl Counterexample {
    /// The request that proves `grant` of `analysis` to `class`.
    pub(crate) fn of(
        analysis: &AccessAnalysis,
        class: &CallerClass,
        action: Action,
        grant: &ConfirmedGrant,
        owner_named: bool,
    ) -> Counterexample {
        Counterexample {
            class: class.clone(),
            stands_for: stands_for(class, owner_named),
            action,
            repository: analysis.repository_for(&grant.witness),
            witness: grant.witness.clone(),
            route: grant.route,
            with_identity_policy: analysis.uses_identity(class, grant.route),
            certainty: grant.certainty,
        }
    }

    /// The same request for another action, `Certain` only when `with` allows it and
    /// `without` does not.
    pub(crate) fn for_action(
        &self,
        action: Action,
        with: &PolicyDocument,
        without: &PolicyDocument,
    ) -> Counterexample {
        let mut proof = self.clone();
        proof.action = action;
        let confirmed = proof.outcome(with) == Some(Outcome::Allowed)
            && proof
                .outcome(without)
                .is_some_and(|o| o != Outcome::Allowed);
        if !confirmed {
            proof.certainty = Certainty::Possible;
        }
        proof
    }
}

fn proven(from: &AccessAnalysis, to: &AccessAnalysis, owner_named: bool, out: &mut Vec<Change>) {
    for access in from.differences(to) {
        let proof = Counterexample::of(
            from,
            &access.class,
            access.actions[0],
            &access.grant,
            owner_named,
        );
        out.push(Change { access, proof });
    }
}

/// Which changes to look for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    /// Added and removed access.
    Both,
    /// Added access only.
    Added,
}

/// What `after` adds to and removes from `before`, from the first reading (owner, identity
/// policies) that tells them apart; `None` when either is not [`comparable`] or they name too
/// many accounts.
pub(crate) fn changes(
    before: &PolicyDocument,
    after: &PolicyDocument,
    on: &Setting,
) -> Option<Changes> {
    if !comparable(before) || !comparable(after) {
        return None;
    }
    compare(before, after, Want::Both, on)
}

/// Like [`changes`], for any two documents (what the analysis does not model is not
/// compared); `None` only when they name more than [`MAX_OWNERS`] accounts.
///
/// The repository or owner `on` gives is read first; when it shows no change, every owner
/// is tried as without it, so that no change means the policies are equivalent.
pub(crate) fn compare(
    before: &PolicyDocument,
    after: &PolicyDocument,
    want: Want,
    on: &Setting,
) -> Option<Changes> {
    let identities = [IdentityAssumption::Unknown, IdentityAssumption::AllowAll];
    if on.repository.is_some() || on.owner.is_some() {
        for identity in identities.clone() {
            let options = AnalysisOptions {
                identity,
                repository: on.repository.clone(),
                ..AnalysisOptions::default()
            };
            let pair = AccessAnalysis::pair_with_owner(before, after, &options, on.owner.clone());
            if let Some(found) = tell_apart(pair, want, true) {
                return Some(found);
            }
        }
    }
    let mut owners_to_try: Option<Vec<Option<AccountId>>> = None;
    for identity in identities {
        let options = AnalysisOptions {
            identity,
            ..AnalysisOptions::default()
        };
        let (b, a) = AccessAnalysis::pair_with_owner(before, after, &options, None);
        let owners = match &owners_to_try {
            Some(o) => o.clone(),
            None => {
                let mut o = vec![None];
                o.extend(owners(&b, [before, after])?.into_iter().map(Some));
                owners_to_try = Some(o.clone());
                o
            }
        };
        let mut first = Some((b, a));
        for owner in owners {
            let pair = match first.take() {
                Some(pair) => pair,
                None => AccessAnalysis::pair_with_owner(before, after, &options, owner.clone()),
            };
            if let Some(found) = tell_apart(pair, want, owner.is_some()) {
                return Some(found);
            }
        }
    }
    Some(Changes::default())
}

/// The changes of one reading, `None` when it finds none.
fn tell_apart(
    (b, a): (AccessAnalysis, AccessAnalysis),
    want: Want,
    owner_named: bool,
) -> Option<Changes> {
    let mut found = Changes::default();
    proven(&a, &b, owner_named, &mut found.added);
    if want == Want::Both {
        proven(&b, &a, owner_named, &mut found.removed);
    }
    if found.is_empty() {
        return None;
    }
    found.reading = Some(Rc::new(Reading {
        before: b,
        after: a,
        owner_named,
    }));
    Some(found)
}
