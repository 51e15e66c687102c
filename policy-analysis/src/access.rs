//! Who can do what: caller classes, how statements cover them, and the search for a request
//! that a policy allows.
//!
//! Access is decided as AWS decides it (ECR-FACTS section 5,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>):
//! an explicit `Deny` wins; within the owning account either the repository policy (naming
//! the caller) or the caller's identity policy suffices, and a repository policy naming only
//! the account (`:root`) delegates to the identity policies; across accounts both must allow;
//! a service principal needs the repository policy alone; the owning account's root user may
//! do anything not denied.

use std::collections::BTreeSet;

use policy_catalogue::principal_arn::{parse_principal_arn, PrincipalArn};
use policy_catalogue::rules::check_account_id;
use policy_catalogue::{Action, Operator};

use crate::condition::{Constraint, Origin, SharedText, Test};
use crate::ir::{ActionSet, Condition, Effect, Policy, PrincipalItem, Principals};
use crate::keys::Kind;
use crate::solve::live_reference;
use crate::solve::{
    admits_alone, fresh_account, is_derived, live, refused_on_context, solve, Choice, Refusals,
    Solved, Who, Witness,
};

/// An account as a caller class sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountClass {
    /// The partition.
    pub partition: String,
    /// The account id; for an account the policy does not name, a stand-in id no policy
    /// names (the witness may pick another one its conditions need).
    pub id: String,
    /// Whether the policy (or the options) name the account.
    pub named: bool,
    /// The account that owns the repository.
    pub owner: bool,
    /// One of the trusted accounts (the owner included).
    pub trusted: bool,
}

/// An IAM user or role name with its path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    /// The path, `/` for none.
    pub path: String,
    /// The name.
    pub name: String,
}

/// A class of callers the policies cannot tell apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallerClass {
    /// The root user of an account.
    Root {
        /// The account.
        account: AccountClass,
    },
    /// A user: the one named, or any user the policy does not name.
    User {
        /// The account.
        account: AccountClass,
        /// `None`: any user the policy does not name.
        user: Option<Name>,
    },
    /// A role session: of the role named (or any role the policy does not name), with the
    /// session named (or any other).
    Session {
        /// The account.
        account: AccountClass,
        /// `None`: any role the policy does not name.
        role: Option<Name>,
        /// `None`: any session the policy does not name.
        session: Option<String>,
    },
    /// A service principal: the one named, or any other.
    Service {
        /// `None`: any service the policy does not name.
        name: Option<String>,
    },
    /// A caller without credentials.
    Anonymous,
}

impl CallerClass {
    /// The account, for IAM callers.
    #[must_use]
    pub fn account(&self) -> Option<&AccountClass> {
        match self {
            CallerClass::Root { account }
            | CallerClass::User { account, .. }
            | CallerClass::Session { account, .. } => Some(account),
            _ => None,
        }
    }

    /// Whether the class stands for callers inside the trusted accounts (services and
    /// anonymous callers are outside).
    #[must_use]
    pub fn is_trusted(&self) -> bool {
        self.account().is_some_and(|a| a.trusted)
    }

    /// The class in words, e.g. "the role deploy in account 123456789012", "the user ci
    /// (path /team/) in the owning account 111122223333", "any role the policy does not name,
    /// in an account the policy does not name": the form lint, diff and assert messages share.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            CallerClass::Root { account } => format!("the root user {}", account.place()),
            CallerClass::User {
                account,
                user: Some(u),
            } => format!("the user {} {}", u.words(), account.place()),
            CallerClass::User {
                account,
                user: None,
            } => format!("any user the policy does not name, {}", account.place()),
            CallerClass::Session {
                account,
                role: Some(r),
                session: Some(s),
            } => format!(
                "the session {s} of the role {} {}",
                r.words(),
                account.place()
            ),
            CallerClass::Session {
                account,
                role: Some(r),
                session: None,
            } => format!("the role {} {}", r.words(), account.place()),
            CallerClass::Session {
                account,
                role: None,
                ..
            } => format!("any role the policy does not name, {}", account.place()),
            CallerClass::Service { name: Some(n) } => format!("the service {n}"),
            CallerClass::Service { name: None } => {
                "any service principal the policy does not name".to_owned()
            }
            CallerClass::Anonymous => "an anonymous caller".to_owned(),
        }
    }
}

impl AccountClass {
    /// Where a caller of the account is, in words: "in the owning account 111122223333", "in
    /// account 444455556666", "in an account the policy does not name".
    #[must_use]
    pub fn place(&self) -> String {
        if self.owner {
            format!("in the owning account {}", self.id)
        } else if self.named {
            format!("in account {}", self.id)
        } else {
            "in an account the policy does not name".to_owned()
        }
    }
}

impl Name {
    /// The name, with its path when it has one: `ci`, `ci (path /team/)`.
    ///
    /// ```
    /// use policy_analysis::Name;
    /// let name = |path: &str| Name { path: path.to_owned(), name: "ci".to_owned() };
    /// assert_eq!(name("/").words(), "ci");
    /// assert_eq!(name("/team/").words(), "ci (path /team/)");
    /// ```
    #[must_use]
    pub fn words(&self) -> String {
        if self.path == "/" || self.path.is_empty() {
            self.name.clone()
        } else {
            format!("{} (path {})", self.name, self.path)
        }
    }
}

/// What the analysis assumes of the callers' identity policies.
#[derive(Clone, Debug, Default)]
pub enum IdentityPolicies {
    /// Not known: another account's identity policies are taken to allow everything (that
    /// account controls them), the owning account's to allow nothing (access comes from the
    /// repository policy alone). What IAM Access Analyzer assumes for external access.
    #[default]
    Unknown,
    /// Every IAM caller's identity policy allows everything: who could act if the owning
    /// account's administrators granted it (the question behind a lock-out).
    AllowAll,
    /// This identity policy applies to every IAM user and role session.
    Policy(Policy),
}

/// What the analysis is told about the repository and its account.
#[derive(Clone, Debug)]
pub struct Options {
    /// The owning account; `None` picks a stand-in the policy does not name.
    pub owner: Option<String>,
    /// Accounts trusted besides the owner (callers in them are not "outside").
    pub trusted: Vec<String>,
    /// The partition, `aws` by default.
    pub partition: String,
    /// The repository's region, if known (`aws:RequestedRegion`).
    pub region: Option<String>,
    /// The repository's ARN, if known, to decide `Resource` elements.
    pub repository: Option<String>,
    /// The identity policies.
    pub identity: IdentityPolicies,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            owner: None,
            trusted: Vec::new(),
            partition: "aws".to_owned(),
            region: None,
            repository: None,
            identity: IdentityPolicies::Unknown,
        }
    }
}

/// How sure an answer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Certainty {
    /// The witness is a request the policy allows, on the model's exact semantics.
    Certain,
    /// The answer rests on something outside the model (tags, policy variables, keys the
    /// model does not know, an undocumented value): the witness shows the shape of a request
    /// that may be allowed.
    Possible,
}

/// The rule of AWS's evaluation logic a grant follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// The owning account's root user, which no allow needs.
    RootOfOwner,
    /// The repository policy allows the caller (by name, `*`, or its account for a root
    /// user of another account), which is enough.
    RepositoryPolicy,
    /// Another account: the repository policy trusts the caller or its account, and the
    /// caller's identity policy allows too (assumed when not given).
    CrossAccount,
    /// The owning account: the identity policy allows, which is enough.
    IdentityPolicy,
}

/// A grant: how, by which statements, how surely, and a request that proves it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Grant {
    /// The rule it follows.
    pub route: Route,
    /// The repository policy's allowing statements (positions), if any.
    pub statements: Vec<usize>,
    /// The identity policy's allowing statement, if one was needed.
    pub identity_statement: Option<usize>,
    /// How sure it is.
    pub certainty: Certainty,
    /// The request.
    pub witness: Witness,
}

/// The answer for one caller class and action.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Some request of the class is (or may be) allowed.
    Allowed(Grant),
    /// No request of the class is allowed: no allow applies in any context, or a deny applies
    /// in every context where one does.
    Denied,
}

/// The access of one caller class to a set of actions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Access {
    /// The class.
    pub class: CallerClass,
    /// The actions granted this way.
    pub actions: ActionSet,
    /// How (the witness is for the first action of the set).
    pub grant: Grant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Match {
    No,
    Account,
    Direct,
}

#[derive(Debug)]
pub(crate) struct Prepared {
    index: usize,
    effect: Effect,
    principal: Option<Principals>,
    actions: ActionSet,
    /// `Some(covers)`, or `None` when it cannot be decided.
    resource: Option<bool>,
    pub(crate) constraints: Vec<Constraint>,
    negated: Vec<Constraint>,
    /// The conditions as written, each with whether its values hold a policy variable:
    /// two equal entries lower to the same constraint. Shared with the constraints' origins.
    sources: Vec<(std::rc::Rc<Condition>, bool)>,
}

impl Prepared {
    pub(crate) fn new(policy: &Policy, identity: bool, repository: Option<&str>) -> Vec<Prepared> {
        // Room for every condition in the memory at once, rather than growing it (and hashing
        // every condition again) step by step.
        let conditions = policy.statements.iter().map(|s| s.conditions.len()).sum();
        reserve_lowered(conditions);
        policy
            .statements
            .iter()
            .enumerate()
            .map(|(index, s)| {
                // Only denies are escaped by negating a condition.
                let deny = s.effect == Effect::Deny;
                let mut constraints: Vec<Constraint> = Vec::with_capacity(s.conditions.len());
                let mut negated: Vec<Constraint> = Vec::new();
                let mut sources = Vec::with_capacity(s.conditions.len());
                if deny {
                    negated.reserve_exact(s.conditions.len());
                }
                for c in &s.conditions {
                    let (constraint, negation) = lowered_once_with(c, policy.variables, deny);
                    let variable = policy.variables && c.values.iter().any(|v| v.contains("${"));
                    sources.push((constraint.origin.0.condition().clone(), variable));
                    constraints.push(constraint);
                    negated.extend(negation);
                }
                let resource = match &s.resources {
                    // An identity-policy statement without `Resource` covers nothing.
                    None => Some(!identity),
                    Some(r) => r.covers(repository),
                };
                Prepared {
                    index,
                    effect: s.effect,
                    principal: s.principal.clone(),
                    actions: s.actions.resolve(),
                    resource,
                    constraints,
                    negated,
                    sources,
                }
            })
            .collect()
    }
}

thread_local! {
    /// Conditions lowered by [`Prepared::new`], by whether `${...}` are variables: the lint
    /// reads one policy into several analyzers (its findings, the lock-out check's owners),
    /// and lowering a pattern builds its automaton.
    /// Each condition is kept once, shared with the constraints' origins.
    static LOWERED: std::cell::RefCell<
        crate::text::FastMap<std::rc::Rc<Condition>, [Option<Lowered>; 2]>,
    > = std::cell::RefCell::default();
}

/// Room in the memory of [`lowered_once_with`] for the `conditions` of a policy, less the
/// conditions it holds already: most often those of the policy that its letters read first
/// (`literal`), which reserved the room, and which the engine asks again rather than adds.
/// When the memory holds another policy's conditions instead, it grows as it fills.
pub(crate) fn reserve_lowered(conditions: usize) {
    LOWERED.with(|m| {
        let mut m = m.borrow_mut();
        let held = m.len();
        m.reserve(conditions.saturating_sub(held));
    });
}

/// Past this many conditions the memory of [`lowered_once`] starts again: a policy at ECR's
/// size limit holds about a hundred.
const LOWERED_KEPT: usize = 1024;

/// A condition lowered, and its negation once a deny asked for it.
struct Lowered {
    constraint: Constraint,
    negation: Option<Constraint>,
}

/// [`Constraint::lower`], remembered per thread: the same constraint, its automaton shared.
#[cfg(test)]
pub(crate) fn lowered_once(c: &Condition, variables: bool) -> Constraint {
    lowered_once_with(c, variables, false).0
}

/// [`lowered_once`], with the constraint's negation ([`Constraint::negate`], remembered with
/// it) when `negated` asks for it: an IP set's or an interval's complement is worked out once.
pub(crate) fn lowered_once_with(
    c: &Condition,
    variables: bool,
    negated: bool,
) -> (Constraint, Option<Constraint>) {
    with_lowered(c, variables, |known| {
        let negation = negated.then(|| {
            known
                .negation
                .get_or_insert_with(|| known.constraint.negate())
                .clone()
        });
        (known.constraint.clone(), negation)
    })
}

/// What `read` reads of `c` lowered ([`lowered_once_with`]'s constraint, remembered), without
/// a copy of the constraint.
pub(crate) fn read_lowered<R>(
    c: &Condition,
    variables: bool,
    read: impl FnOnce(&Constraint) -> R,
) -> R {
    with_lowered(c, variables, |known| read(&known.constraint))
}

/// `c` lowered and remembered, handed to `f`.
fn with_lowered<R>(c: &Condition, variables: bool, f: impl FnOnce(&mut Lowered) -> R) -> R {
    LOWERED.with(|m| {
        let mut m = m.borrow_mut();
        let (slots, fresh) = match m.get_mut(c) {
            Some(slots) => (slots, None),
            None => {
                if m.len() >= LOWERED_KEPT {
                    m.clear();
                }
                let shared = std::rc::Rc::new(c.clone());
                (m.entry(shared.clone()).or_default(), Some(shared))
            }
        };
        let v = usize::from(variables);
        if slots[v].is_none() {
            // A condition kept is shared by the lowering of its other slot.
            let shared = fresh.unwrap_or_else(|| {
                let other = slots[1 - v].as_ref().expect("a condition kept was lowered");
                other.constraint.origin.0.condition().clone()
            });
            slots[v] = Some(Lowered {
                constraint: Constraint::lower_shared(shared, variables),
                negation: None,
            });
        }
        f(slots[v].as_mut().expect("lowered just now"))
    })
}

/// A policy read for analysis, with its caller classes. Reading is linear in the policy;
/// [`Analyzer::decide`] answers one class and action, [`Analyzer::access`] all of them.
///
/// ```
/// use policy_analysis::ir::{Actions, Condition, Effect, Policy, PrincipalItem, Principals, Statement};
/// use policy_analysis::{Analyzer, CallerClass, Options, Verdict};
/// use policy_catalogue::{Action, Operator};
///
/// // Public pull behind a condition that narrows nothing.
/// let policy = Policy {
///     variables: true,
///     statements: vec![Statement {
///         sid: None,
///         effect: Effect::Allow,
///         principal: Some(Principals { negated: false, items: vec![PrincipalItem::Anyone] }),
///         actions: Actions { negated: false, items: vec!["ecr:BatchGetImage".into()] },
///         resources: None,
///         conditions: vec![Condition::new(Operator::StringLike.into(), "aws:PrincipalOrgID", ["o-*"])],
///     }],
/// };
/// let options = Options { owner: Some("123456789012".into()), ..Options::default() };
/// let analyzer = Analyzer::new(&policy, &options);
/// let outsider = analyzer
///     .classes()
///     .iter()
///     .find(|c| matches!(c, CallerClass::User { account, .. } if !account.named))
///     .unwrap();
/// let Verdict::Allowed(grant) = analyzer.decide(outsider, Action::BatchGetImage) else { panic!() };
/// let org = grant.witness.values("aws:PrincipalOrgID").unwrap();
/// assert!(org[0].starts_with("o-") && org[0].len() >= 12);
/// # assert_eq!(grant.certainty, policy_analysis::Certainty::Certain);
/// ```
#[derive(Debug)]
pub struct Analyzer {
    repository: Vec<Prepared>,
    identity: Option<Vec<Prepared>>,
    identity_allows_all: bool,
    classes: Vec<CallerClass>,
    whos: Vec<Who>,
    owner: String,
    /// What the caller classes were read from besides the policy.
    names_from: NamesFrom,
    /// The accounts the policy names with their partitions, the owner's and the trusted ones
    /// among them, and whether the options named the owner ([`Names`]).
    accounts: BTreeSet<(String, String)>,
    owner_named: bool,
    /// Conditions lowered by [`Analyzer::satisfy`], by whether `${...}` are variables: the
    /// same probes and conditions are asked about for class after class.
    lowered: std::cell::RefCell<crate::text::FastMap<Condition, [Option<Constraint>; 2]>>,
    /// What [`refused_on_context`] found for the probes asked so far.
    refusals: Refusals,
}

/// At most this many solver calls for one class and group of actions; past it the answer is
/// `Possible`.
pub(crate) const SEARCH_BUDGET: usize = 256;

impl Analyzer {
    /// Reads the policy and works out its caller classes.
    #[must_use]
    pub fn new(policy: &Policy, options: &Options) -> Analyzer {
        Analyzer::with_names_of(policy, options, &[])
    }

    /// Reads the policy with the caller classes of it and of `others` together, so that two
    /// analyzers built this way over the same policies have the same classes, in the same
    /// order: what [`Analyzer::difference`] needs.
    #[must_use]
    pub fn with_names_of(policy: &Policy, options: &Options, others: &[&Policy]) -> Analyzer {
        let repo = options.repository.as_deref();
        let repository = Prepared::new(policy, false, repo);
        let (identity, identity_allows_all) = match &options.identity {
            IdentityPolicies::Unknown => (None, false),
            IdentityPolicies::AllowAll => (None, true),
            IdentityPolicies::Policy(p) => (Some(Prepared::new(p, true, repo)), false),
        };
        let names = Names::collect(policy, options, others);
        let (classes, whos) = names.classes(options);
        Analyzer {
            repository,
            identity,
            identity_allows_all,
            classes,
            whos,
            owner: names.owner,
            names_from: NamesFrom::of(options, !others.is_empty()),
            accounts: names.accounts,
            owner_named: names.owner_named,
            lowered: std::cell::RefCell::default(),
            refusals: Refusals::default(),
        }
    }

    /// The owning account (the stand-in when the options do not name one).
    #[must_use]
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The caller classes, in a fixed order: named principals, then the root, an unnamed user
    /// and an unnamed role session of each named account, the same of an unnamed account,
    /// services, and the anonymous caller.
    #[must_use]
    pub fn classes(&self) -> &[CallerClass] {
        &self.classes
    }

    /// Whether a class can perform an action on the repository, with a witness.
    #[must_use]
    pub fn decide(&self, class: &CallerClass, action: Action) -> Verdict {
        let Some(i) = self.classes.iter().position(|c| c == class) else {
            return Verdict::Denied;
        };
        let relevant = self.relevant(i);
        let sig = self.signature(&relevant, action);
        self.search(i, &sig)
    }

    /// Every class's access, grouped by class and by the statements that decide, in class
    /// order. Actions whose statements are the same share one search.
    #[must_use]
    pub fn access(&self) -> Vec<Access> {
        self.access_where(|_| true)
    }

    /// [`Analyzer::access`] for the classes `keep` accepts only, in class order.
    ///
    /// ```
    /// use policy_analysis::{Analyzer, CallerClass, Options};
    /// use policy_analysis::ir::Policy;
    ///
    /// let analyzer = Analyzer::new(&Policy::default(), &Options::default());
    /// let services = analyzer.access_where(|c| matches!(c, CallerClass::Service { .. }));
    /// assert!(services.is_empty());
    /// ```
    #[must_use]
    pub fn access_where(&self, keep: impl Fn(&CallerClass) -> bool) -> Vec<Access> {
        let mut out = Vec::new();
        for i in 0..self.classes.len() {
            if !keep(&self.classes[i]) {
                continue;
            }
            let relevant = self.relevant(i);
            // Actions no relevant statement tells apart share a group.
            let parts = ActionSet::repository_groups(relevant.iter().map(|(_, s, _)| s.actions.0));
            let groups: Vec<(Signature, ActionSet)> = parts
                .into_iter()
                .map(|g| {
                    let set = ActionSet(g);
                    let first = set.iter().next().expect("a non-empty group");
                    (self.signature(&relevant, first), set)
                })
                .collect();
            let mut by_grant: Vec<(Grant, ActionSet)> = Vec::new();
            for (sig, actions) in groups {
                if let Verdict::Allowed(grant) = self.search(i, &sig) {
                    match by_grant.iter_mut().find(|(g, _)| {
                        g.route == grant.route
                            && g.statements == grant.statements
                            && g.certainty == grant.certainty
                            && g.witness == grant.witness
                    }) {
                        Some((_, set)) => set.0 |= actions.0,
                        None => by_grant.push((grant, actions)),
                    }
                }
            }
            for (grant, actions) in by_grant {
                out.push(Access {
                    class: self.classes[i].clone(),
                    actions,
                    grant,
                });
            }
        }
        out
    }

    /// A request of the class for the action that this policy allows and `other` does not, or
    /// `None` when every request this policy allows, `other` allows too. Both analyzers must
    /// share their classes ([`Analyzer::with_names_of`]); a class `other` lacks counts as
    /// never allowed there.
    ///
    /// The search: the request meets one of this policy's ways to be allowed, escapes its
    /// denies, and either escapes every way `other` allows it (taken as denies) or meets one
    /// of `other`'s denies.
    #[must_use]
    pub fn difference(
        &self,
        other: &Analyzer,
        class: &CallerClass,
        action: Action,
    ) -> Option<Grant> {
        let i = self.classes.iter().position(|c| c == class)?;
        let Some(j) = other.classes.iter().position(|c| c == class) else {
            return match self.decide(class, action) {
                Verdict::Allowed(g) => Some(g),
                Verdict::Denied => None,
            };
        };
        let who = &self.whos[i];
        let sig = self.signature(&self.relevant(i), action);
        let other_sig = other.signature(&other.relevant(j), action);
        let (denies, mut mention) = self.denies_of(&sig);
        let (other_denies, other_mention) = other.denies_of(&other_sig);
        // `other`'s ways to be allowed, as statements to escape.
        let blockers: Vec<Prepared> = other
            .candidates(j, &other_sig)
            .iter()
            .map(|c| {
                let (cs, exact) = other.candidate_constraints(c);
                let constraints: Vec<Constraint> = cs.into_iter().cloned().collect();
                Prepared {
                    index: usize::MAX,
                    effect: Effect::Deny,
                    principal: None,
                    actions: ActionSet::ALL,
                    resource: exact.then_some(true),
                    negated: constraints.iter().map(Constraint::negate).collect(),
                    constraints,
                    sources: other.candidate_sources(c),
                }
            })
            .collect();
        let mut escape: Vec<&Prepared> = denies.clone();
        escape.extend(blockers.iter());
        mention.extend(blockers.iter().flat_map(|d| d.constraints.iter()));
        mention.extend(other_mention);
        let mut budget = SEARCH_BUDGET;
        for candidate in self.candidates(i, &sig) {
            let (route, s, id) = candidate;
            let (base, exact) = self.candidate_constraints(&candidate);
            let grant = |solved: Solved| Grant {
                route,
                statements: s.into_iter().collect(),
                identity_statement: id,
                certainty: if solved.exact && exact {
                    Certainty::Certain
                } else {
                    Certainty::Possible
                },
                witness: solved.witness,
            };
            // A blocker whose every condition the candidate has too holds whenever the
            // candidate does: no request escapes it, however inexact the solver is on them.
            let sources = self.candidate_sources(&candidate);
            let blocked = blockers
                .iter()
                .any(|b| b.resource == Some(true) && b.sources.iter().all(|c| sources.contains(c)));
            if !blocked {
                if let Some(solved) = satisfy(who, base.clone(), &escape, &mention, &mut budget) {
                    return Some(grant(solved));
                }
            }
            for d in &other_denies {
                if d.resource.is_none() {
                    continue;
                }
                let mut with = base.clone();
                with.extend(d.constraints.iter());
                if let Some(solved) = satisfy(who, with, &denies, &mention, &mut budget) {
                    return Some(grant(solved));
                }
            }
        }
        None
    }

    /// Every class and group of actions where this policy allows a request `other` does not,
    /// with the request ([`Analyzer::difference`]); empty when `other` allows everything this
    /// policy does.
    #[must_use]
    pub fn differences(&self, other: &Analyzer) -> Vec<Access> {
        let mut out = Vec::new();
        for (i, class) in self.classes.iter().enumerate() {
            let mut masks: Vec<u128> = self
                .relevant(i)
                .iter()
                .map(|(_, s, _)| s.actions.0)
                .collect();
            if let Some(j) = other.classes.iter().position(|c| c == class) {
                masks.extend(other.relevant(j).iter().map(|(_, s, _)| s.actions.0));
            }
            for g in ActionSet::repository_groups(masks) {
                let set = ActionSet(g);
                let first = set.iter().next().expect("a non-empty group");
                if let Some(grant) = self.difference(other, class, first) {
                    out.push(Access {
                        class: class.clone(),
                        actions: set,
                        grant,
                    });
                }
            }
        }
        out
    }

    /// A request of the class that meets all of `conditions` (lowered as in this policy),
    /// or `None` when none does: to tell a dead condition from a live one.
    #[must_use]
    pub fn satisfy(
        &self,
        class: &CallerClass,
        conditions: &[Condition],
        variables: bool,
    ) -> Option<(Witness, Certainty)> {
        let i = self.classes.iter().position(|c| c == class)?;
        let cs = self.lowered(conditions, variables);
        let refs: Vec<&Constraint> = cs.iter().collect();
        solve(&self.whos[i], &refs, &[]).map(|s| {
            let certainty = if s.exact {
                Certainty::Certain
            } else {
                Certainty::Possible
            };
            (s.witness, certainty)
        })
    }

    /// `conditions` lowered as in this policy, from the cache of earlier questions.
    fn lowered(&self, conditions: &[Condition], variables: bool) -> Vec<Constraint> {
        let mut lowered = self.lowered.borrow_mut();
        conditions
            .iter()
            .map(|c| {
                let slot = match lowered.get_mut(c) {
                    Some(slots) => &mut slots[usize::from(variables)],
                    None => &mut lowered.entry(c.clone()).or_default()[usize::from(variables)],
                };
                slot.get_or_insert_with(|| Constraint::lower(c, variables))
                    .clone()
            })
            .collect()
    }

    /// [`Analyzer::satisfy`] past the denies: the actions of `actions` (in their order) for
    /// which a request of the class meets all of `conditions` and escapes every deny that
    /// covers the class and the action, with such a request for the first of them; `None`
    /// when there is none. With the conditions of an allow among `conditions`, the request is
    /// one [`Analyzer::decide`] allows through that allow (for a caller the repository policy
    /// alone lets in, such as a service). Actions the same denies cover share one search.
    #[must_use]
    pub fn satisfy_past_denies(
        &self,
        class: &CallerClass,
        actions: &[Action],
        conditions: &[Condition],
        variables: bool,
    ) -> Option<(Vec<Action>, Witness, Certainty)> {
        let i = self.classes.iter().position(|c| c == class)?;
        let cs = self.lowered(conditions, variables);
        let relevant = self.relevant(i);
        let who = &self.whos[i];
        let mut searched: Vec<(Signature, Option<Solved>)> = Vec::new();
        let mut first: Option<Solved> = None;
        let mut allowed = Vec::new();
        for &action in actions {
            let sig = self.signature(&relevant, action);
            let known = searched.iter().position(|(s, _)| s.denies == sig.denies);
            let at = match known {
                Some(at) => at,
                None => {
                    let (denies, mention) = self.denies_of(&sig);
                    let mut budget = SEARCH_BUDGET;
                    let solved = satisfy(who, cs.iter().collect(), &denies, &mention, &mut budget);
                    searched.push((sig, solved));
                    searched.len() - 1
                }
            };
            if let Some(solved) = &searched[at].1 {
                first.get_or_insert_with(|| solved.clone());
                allowed.push(action);
            }
        }
        let solved = first?;
        let certainty = if solved.exact {
            Certainty::Certain
        } else {
            Certainty::Possible
        };
        Some((allowed, solved.witness, certainty))
    }

    /// The statements of the repository policy that no request of any class can satisfy
    /// (their principal covers nobody, or their conditions never hold together for a caller
    /// the principal covers), by position.
    #[must_use]
    pub fn dead_statements(&self) -> Vec<usize> {
        let mut dead = Vec::new();
        // The class the last live statement was live for is asked first: whether some class
        // is live does not depend on the order they are asked in, and the statements of a
        // policy are often live for the same class (the others may each cost a search that
        // finds nothing).
        let mut first = 0;
        for s in &self.repository {
            let cs: Vec<&Constraint> = s.constraints.iter().collect();
            let mut order = std::iter::once(first)
                .chain((0..self.classes.len()).filter(|&i| i != first))
                .filter(|&i| i < self.classes.len());
            let found = order.find(|&i| {
                principal_match(s.principal.as_ref(), &self.classes[i]) != Match::No
                    && live(&self.whos[i], &cs)
            });
            match found {
                Some(i) => first = i,
                None => dead.push(s.index),
            }
        }
        // The steps [`live`] takes to answer cheaply change no answer.
        #[cfg(debug_assertions)]
        debug_assert_eq!(dead, self.dead_statements_reference());
        dead
    }

    /// [`Analyzer::dead_statements`] by the reference of its cheaper steps: every class asked
    /// in order, and each question whole, without the steps of `crate::live`. The caller is
    /// the identity step's (or the one remembered for the class, as it is), and its values are
    /// told by `Constraint::holds` (a text test by its patterns as written, `Patterns::takes`);
    /// the other keys are answered by the solver, which searches their tests' automata where
    /// a test does not list its values. For the tests that compare them (in release builds
    /// too, where no debug assertion does).
    #[doc(hidden)]
    #[must_use]
    pub fn dead_statements_reference(&self) -> Vec<usize> {
        self.repository
            .iter()
            .filter(|s| {
                let cs: Vec<&Constraint> = s.constraints.iter().collect();
                !(0..self.classes.len()).any(|i| {
                    principal_match(s.principal.as_ref(), &self.classes[i]) != Match::No
                        && live_reference(&self.whos[i], &cs)
                })
            })
            .map(|s| s.index)
            .collect()
    }

    /// The repository and identity statements that cover class `i`, with how.
    fn relevant(&self, i: usize) -> Vec<(bool, &Prepared, Match)> {
        let class = &self.classes[i];
        let mut out = Vec::new();
        for s in &self.repository {
            let m = principal_match(s.principal.as_ref(), class);
            if m != Match::No && s.resource != Some(false) {
                out.push((false, s, m));
            }
        }
        if matches!(
            class,
            CallerClass::User { .. } | CallerClass::Session { .. }
        ) {
            for s in self.identity.iter().flatten() {
                if s.resource != Some(false) {
                    out.push((true, s, Match::Direct));
                }
            }
        }
        out
    }

    fn signature(&self, relevant: &[(bool, &Prepared, Match)], a: Action) -> Signature {
        // Sized first: a policy of many denies would grow the list step by step, for each
        // class and action asked.
        let (mut denies, mut allows, mut identity_allows) = (0, 0, 0);
        for &(identity, s, _) in relevant {
            if s.actions.contains(a) {
                match (s.effect, identity) {
                    (Effect::Deny, _) => denies += 1,
                    (Effect::Allow, false) => allows += 1,
                    (Effect::Allow, true) => identity_allows += 1,
                }
            }
        }
        let mut sig = Signature {
            allows: Vec::with_capacity(allows),
            identity_allows: Vec::with_capacity(identity_allows),
            denies: Vec::with_capacity(denies),
        };
        for &(identity, s, m) in relevant {
            if !s.actions.contains(a) {
                continue;
            }
            match (s.effect, identity) {
                (Effect::Deny, _) => sig.denies.push((identity, s.index)),
                (Effect::Allow, false) => sig.allows.push((s.index, m == Match::Direct)),
                (Effect::Allow, true) => sig.identity_allows.push(s.index),
            }
        }
        sig
    }

    /// The denies of `sig`, and every constraint they hold (what a search must keep false).
    fn denies_of(&self, sig: &Signature) -> (Vec<&Prepared>, Vec<&Constraint>) {
        let denies: Vec<&Prepared> = sig
            .denies
            .iter()
            .map(|&(id, k)| self.statement(id, k))
            .collect();
        let mut mention = Vec::with_capacity(denies.iter().map(|d| d.constraints.len()).sum());
        mention.extend(denies.iter().flat_map(|d| d.constraints.iter()));
        (denies, mention)
    }

    fn statement(&self, identity: bool, index: usize) -> &Prepared {
        if identity {
            &self.identity.as_ref().expect("identity statements")[index]
        } else {
            &self.repository[index]
        }
    }

    /// Finds a request of class `i` that the statements of `sig` allow.
    /// The ways a request of class `i` can be allowed under `sig`: route, repository allow,
    /// identity allow; unconditional ones first.
    fn candidates(&self, i: usize, sig: &Signature) -> Vec<Candidate> {
        self.candidates_with(i, sig, self.identity_allows_all)
    }

    /// [`Analyzer::candidates`], with identity policies that allow everything when
    /// `identity_allows_all` (as an analyzer built with [`IdentityPolicies::AllowAll`] reads
    /// them).
    fn candidates_with(
        &self,
        i: usize,
        sig: &Signature,
        identity_allows_all: bool,
    ) -> Vec<Candidate> {
        let class = &self.classes[i];
        let owner = class.account().is_some_and(|a| a.owner);
        let mut candidates: Vec<Candidate> = Vec::new();
        let identity_all = identity_allows_all || (self.identity.is_none() && !owner);
        match class {
            CallerClass::Root { .. } if owner => candidates.push((Route::RootOfOwner, None, None)),
            CallerClass::Root { .. } | CallerClass::Service { .. } => {
                for &(s, _) in &sig.allows {
                    candidates.push((Route::RepositoryPolicy, Some(s), None));
                }
            }
            CallerClass::Anonymous => {
                for &(s, direct) in &sig.allows {
                    if direct {
                        candidates.push((Route::RepositoryPolicy, Some(s), None));
                    }
                }
            }
            CallerClass::User { .. } | CallerClass::Session { .. } if owner => {
                for &(s, direct) in &sig.allows {
                    if direct {
                        candidates.push((Route::RepositoryPolicy, Some(s), None));
                    }
                }
                if identity_allows_all {
                    candidates.push((Route::IdentityPolicy, None, None));
                }
                for &j in &sig.identity_allows {
                    candidates.push((Route::IdentityPolicy, None, Some(j)));
                }
            }
            CallerClass::User { .. } | CallerClass::Session { .. } => {
                for &(s, _) in &sig.allows {
                    if identity_all {
                        candidates.push((Route::CrossAccount, Some(s), None));
                    } else {
                        for &j in &sig.identity_allows {
                            candidates.push((Route::CrossAccount, Some(s), Some(j)));
                        }
                    }
                }
            }
        }
        // Unconditional allows first: they give the simplest witnesses.
        candidates.sort_by_key(|(_, s, j)| {
            let n =
                |x: &Option<usize>, id| x.map_or(0, |k| self.statement(id, k).constraints.len());
            n(s, false) + n(j, true)
        });
        candidates
    }

    /// The conditions of a candidate, and whether its resources are known to cover the
    /// repository.
    fn candidate_constraints(&self, (_, s, j): &Candidate) -> (Vec<&Constraint>, bool) {
        let mut base: Vec<&Constraint> = Vec::new();
        let mut exact = true;
        for (id, k) in [(false, s), (true, j)] {
            if let Some(k) = k {
                let p = self.statement(id, *k);
                base.extend(p.constraints.iter());
                exact &= p.resource.is_some();
            }
        }
        (base, exact)
    }

    /// The conditions of a candidate as written (see [`Prepared::sources`]).
    fn candidate_sources(&self, (_, s, j): &Candidate) -> Vec<(std::rc::Rc<Condition>, bool)> {
        [(false, s), (true, j)]
            .into_iter()
            .filter_map(|(id, k)| k.map(|k| self.statement(id, k)))
            .flat_map(|p| p.sources.iter().cloned())
            .collect()
    }

    /// Finds a request of class `i` that the statements of `sig` allow.
    fn search(&self, i: usize, sig: &Signature) -> Verdict {
        self.search_with(i, sig, self.identity_allows_all)
    }

    /// [`Analyzer::search`] with the identity policies of [`Analyzer::candidates_with`].
    fn search_with(&self, i: usize, sig: &Signature, identity_allows_all: bool) -> Verdict {
        let who = &self.whos[i];
        let candidates = self.candidates_with(i, sig, identity_allows_all);
        let (denies, mention) = self.denies_of(sig);
        let mut budget = SEARCH_BUDGET;
        // The budget an earlier candidate without conditions spent when no request met it
        // ([`refused_again`]).
        let mut refused: Option<usize> = None;
        for candidate in candidates {
            let (route, s, j) = candidate;
            let (base, exact) = self.candidate_constraints(&candidate);
            if base.is_empty() && refused_again(refused, &mut budget) {
                continue;
            }
            let before = budget;
            let unconditional = base.is_empty();
            if let Some(mut solved) = satisfy(who, base, &denies, &mention, &mut budget) {
                solved.exact &= exact;
                return Verdict::Allowed(Grant {
                    route,
                    statements: s.into_iter().collect(),
                    identity_statement: j,
                    certainty: if solved.exact {
                        Certainty::Certain
                    } else {
                        Certainty::Possible
                    },
                    witness: solved.witness,
                });
            }
            // Left with some budget, the search never ran out of it.
            if unconditional && budget > 0 {
                refused = Some(before - budget);
            }
        }
        Verdict::Denied
    }
}

/// A way to be allowed: route, repository allow, identity allow.
type Candidate = (Route, Option<usize>, Option<usize>);

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Signature {
    /// Repository allows: position, and whether they name the caller (not only its account).
    allows: Vec<(usize, bool)>,
    identity_allows: Vec<usize>,
    /// `(identity policy, position)`.
    denies: Vec<(bool, usize)>,
}

/// Finds a context meeting `base` in which no deny applies: solve, find a deny that holds on
/// the witness, and branch on which of its conditions to falsify.
pub(crate) fn satisfy<'a>(
    who: &Who,
    base: Vec<&'a Constraint>,
    denies: &[&'a Prepared],
    mention: &[&'a Constraint],
    budget: &mut usize,
) -> Option<Solved> {
    if *budget == 0 {
        let mut s = solve(who, &base, mention)?;
        s.exact = false;
        return Some(s);
    }
    *budget -= 1;
    let solved = solve(who, &base, mention)?;
    let mut unsure = false;
    let mut looked: Looked = Vec::new();
    for d in denies {
        let holds = deny_holds(d, &solved.witness, &mut looked);
        if holds == Some(false) {
            continue;
        }
        if d.resource.is_none() {
            // Whether it covers the repository is not known: assume it does not.
            unsure = true;
            continue;
        }
        if d.constraints.is_empty() {
            return None;
        }
        let mut found = None;
        for n in &d.negated {
            let mut next = base.clone();
            next.push(n);
            if let Some(s) = satisfy(who, next, denies, mention, budget) {
                found = Some(s);
                break;
            }
        }
        let mut s = found?;
        s.exact &= holds.is_some();
        return Some(s);
    }
    let mut solved = solved;
    solved.exact &= !unsure;
    Some(solved)
}

/// Whether [`satisfy`] refuses a candidate without conditions again, with the same class,
/// denies and budget left, as it refused an earlier one that spent `refused` without running
/// out of budget; spending what it spent then. It does: it asks the same questions in the
/// same order, each call entered with budget left since at least what it spent is left,
/// and the solver answers a question alike whenever it is asked. Candidates of one search
/// often have no condition (an unconditional allow and identity policies allowing
/// everything, for the owner's users and sessions).
fn refused_again(refused: Option<usize>, budget: &mut usize) -> bool {
    match refused {
        Some(spent) if *budget >= spent => {
            *budget -= spent;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
#[path = "access_refused_tests.rs"]
mod refused_tests;

/// The values of the witness's keys asked so far, by the key lowercased (`None`: not in the
/// witness): the denies of a search mostly test the same few keys.
type Looked<'a, 'w> = Vec<(&'a str, Option<Option<&'w [String]>>)>;

/// Whether all of a deny's conditions hold for the witness.
fn deny_holds<'a, 'w>(
    d: &'a Prepared,
    w: &'w Witness,
    looked: &mut Looked<'a, 'w>,
) -> Option<bool> {
    let mut unknown = false;
    for c in &d.constraints {
        let key = c.key.as_str();
        let values = match looked.iter().find(|(k, _)| *k == key) {
            Some(&(_, values)) => values,
            None => {
                let values = w
                    .context
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v.as_deref());
                looked.push((key, values));
                values
            }
        };
        match values.map(|v| holds_quickly(c, v)) {
            Some(Some(false)) => return Some(false),
            Some(Some(true)) => {}
            _ => unknown = true,
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

/// [`Constraint::holds`], where a value that no pattern of a `StringLike` or `StringEquals`
/// test (or their negations) can take is told by the patterns' letters ([`cannot_match`])
/// before the test reads it: a witness is checked against every deny of a search, and denies
/// of many patterns (a deny by role name each) mostly do not apply. Any other value, and
/// every other test, goes to [`Test::eval`] (a text test by its patterns as written,
/// `Patterns::takes`). Neither path builds or walks an automaton:
/// `tests::quick_holds_as_the_automaton` checks both against one.
fn holds_quickly(c: &Constraint, values: Option<&[String]>) -> Option<bool> {
    let Test::Text { negated, .. } = c.test else {
        return c.holds(values);
    };
    let operator = c.origin.0.condition().operator.operator;
    let wildcards = match operator {
        Operator::StringLike | Operator::StringNotLike => true,
        Operator::StringEquals | Operator::StringNotEquals => false,
        _ => return c.holds(values),
    };
    let patterns = c.origin.0.values();
    c.holds_by(values, |v| {
        // The test's automaton (`Nfa::strings`) takes exactly the values a pattern matches:
        // none here.
        if patterns.iter().all(|p| cannot_match(p, v, wildcards)) {
            Some(negated)
        } else {
            c.test.eval(v)
        }
    })
}

/// Whether `text` surely does not match `pattern` (with `*` and `?` when `wildcards`, as
/// `StringLike` reads them, case-sensitive; else the text itself): it lacks one of the
/// pattern's runs of letters, in order, or does not begin or end with the run a pattern
/// begins or ends with. `false` says nothing.
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String>)
///
/// Read by bytes: `*` and `?` are ASCII, so no byte of another character is one, and the runs
/// between them are those of the characters ([`cannot_match_by_chars`] in the tests).
fn cannot_match(pattern: &str, text: &str, wildcards: bool) -> bool {
    if !wildcards {
        return pattern != text;
    }
    let (pattern, text) = (pattern.as_bytes(), text.as_bytes());
    let wild = |b: &u8| *b == b'*' || *b == b'?';
    // The first run begins the text unless the pattern begins with a wildcard (then it is
    // empty), the last ends it likewise; without a wildcard both are the whole pattern.
    let Some(head) = pattern.iter().position(wild) else {
        return !(text.starts_with(pattern) && text.ends_with(pattern));
    };
    let first = &pattern[..head];
    if !text.starts_with(first) {
        return true;
    }
    let tail = pattern.iter().rposition(wild).map_or(0, |k| k + 1);
    if !text.ends_with(&pattern[tail..]) {
        return true;
    }
    let mut at = first.len();
    for run in pattern[head + 1..].split(wild) {
        match find(&text[at..], run) {
            Some(k) => at += k + run.len(),
            None => return true,
        }
    }
    false
}

/// Where `needle` first occurs in `hay`: the runs of a pattern are short, and setting up
/// `str::find`'s searcher costs more than this scan.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let last = hay.len().checked_sub(needle.len())?;
    (0..=last).find(|&i| hay[i] == first && hay[i + 1..i + needle.len()] == *rest)
}

/// How a `Principal` / `NotPrincipal` element covers a class, as `policy_core::eval` decides
/// for a caller of the class. `NotPrincipal` follows AWS's documented rule: the statement
/// applies unless every identity of the request (account, user; or account, role, session)
/// is listed (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>).
fn principal_match(element: Option<&Principals>, class: &CallerClass) -> Match {
    let Some(element) = element else {
        return Match::No;
    };
    if !element.negated {
        return element
            .items
            .iter()
            .map(|p| item_match(p, class))
            .max()
            .unwrap_or(Match::No);
    }
    if element.items.contains(&PrincipalItem::Anyone) {
        return Match::No;
    }
    let listed = |want: fn(&PrincipalItem) -> bool| {
        element
            .items
            .iter()
            .any(|p| want(p) && item_match(p, class) != Match::No)
    };
    let account = |p: &PrincipalItem| matches!(p, PrincipalItem::Account { .. });
    let all_listed = match class {
        CallerClass::User { .. } => {
            listed(account) && listed(|p| matches!(p, PrincipalItem::User { .. }))
        }
        CallerClass::Session { .. } => {
            listed(account)
                && listed(|p| matches!(p, PrincipalItem::Role { .. }))
                && listed(|p| matches!(p, PrincipalItem::Session { .. }))
        }
        CallerClass::Root { .. } => listed(account),
        CallerClass::Service { .. } => listed(|p| matches!(p, PrincipalItem::Service(_))),
        CallerClass::Anonymous => false,
    };
    if all_listed {
        Match::No
    } else {
        Match::Direct
    }
}

fn item_match(p: &PrincipalItem, class: &CallerClass) -> Match {
    let same = |a: &AccountClass, partition: &str, id: &str| {
        a.partition == partition && a.id == id && a.named
    };
    match (p, class) {
        (PrincipalItem::Anyone, _) => Match::Direct,
        (PrincipalItem::Account { partition, id }, CallerClass::Root { account })
            if same(account, partition, id) =>
        {
            Match::Direct
        }
        (
            PrincipalItem::Account { partition, id },
            CallerClass::User { account, .. } | CallerClass::Session { account, .. },
        ) if same(account, partition, id) => Match::Account,
        (
            PrincipalItem::User {
                partition,
                account: id,
                path,
                name,
            },
            CallerClass::User {
                account,
                user: Some(u),
            },
        ) if same(account, partition, id)
            && *path == u.path
            && name.eq_ignore_ascii_case(&u.name) =>
        {
            Match::Direct
        }
        (
            PrincipalItem::Role {
                partition,
                account: id,
                path,
                name,
            },
            CallerClass::Session {
                account,
                role: Some(r),
                ..
            },
        ) if same(account, partition, id)
            && *path == r.path
            && name.eq_ignore_ascii_case(&r.name) =>
        {
            Match::Direct
        }
        (
            PrincipalItem::Session {
                partition,
                account: id,
                role,
                session,
            },
            CallerClass::Session {
                account,
                role: Some(r),
                session: Some(s),
            },
        ) if same(account, partition, id) && role.eq_ignore_ascii_case(&r.name) && session == s => {
            Match::Direct
        }
        (PrincipalItem::Service(s), CallerClass::Service { name: Some(n) })
            if s.eq_ignore_ascii_case(n) =>
        {
            Match::Direct
        }
        _ => Match::No,
    }
}

/// `(partition, account)` of an `aws:PrincipalArn` pattern whose partition, service, Region
/// and account are written out (`arn:aws:iam::444455556666:role/*`): with nothing wild
/// before it, the account field is literal under `ArnLike` and `StringLike` alike.
fn pattern_account(value: &str) -> Option<(String, String)> {
    // The first five `:`s, by bytes: six fields (the last takes the rest) or none.
    let mut colons = [0usize; 5];
    let mut n = 0;
    for (i, &c) in value.as_bytes().iter().enumerate() {
        if c == b':' {
            colons[n] = i;
            n += 1;
            if n == 5 {
                break;
            }
        }
    }
    if n < 5 {
        return None;
    }
    let field = |k: usize| &value[if k == 0 { 0 } else { colons[k - 1] + 1 }..colons[k]];
    let (arn, partition, service, region, account) =
        (field(0), field(1), field(2), field(3), field(4));
    let literal = |f: &str| !f.contains(['*', '?', '$']);
    (arn == "arn"
        && literal(partition)
        && !partition.is_empty()
        && matches!(service, "iam" | "sts")
        && region.is_empty()
        && check_account_id(account).is_ok())
    .then(|| (partition.to_owned(), account.to_owned()))
}

/// What [`Names::collect`] and [`Names::classes`] read besides the policy: one policy read
/// from equal sources has the same names and caller classes.
#[derive(Debug, PartialEq, Eq)]
struct NamesFrom {
    owner: Option<String>,
    partition: String,
    trusted: Vec<String>,
    region: Option<String>,
    /// Whether identity policies or other policies added their names.
    more: bool,
}

impl NamesFrom {
    fn of(options: &Options, others: bool) -> NamesFrom {
        NamesFrom {
            owner: options.owner.clone(),
            partition: options.partition.clone(),
            trusted: options.trusted.clone(),
            region: options.region.clone(),
            more: others || matches!(options.identity, IdentityPolicies::Policy(_)),
        }
    }

    /// Whether [`Names::collect`] of the policy with `options` (and no other policy) reads
    /// the names these sources gave.
    fn names_as(&self, options: &Options) -> bool {
        !self.more
            && !matches!(options.identity, IdentityPolicies::Policy(_))
            && self.owner == options.owner
            && self.partition == options.partition
            && self.trusted == options.trusted
    }
}

/// The names a policy mentions, from which its caller classes follow.
struct Names {
    owner: String,
    owner_named: bool,
    /// `(partition, account)`.
    accounts: BTreeSet<(String, String)>,
    /// `(partition, account, path, name)`.
    users: BTreeSet<(String, String, String, String)>,
    roles: BTreeSet<(String, String, String, String)>,
    /// `(partition, account, role, session)`.
    sessions: BTreeSet<(String, String, String, String)>,
    services: BTreeSet<String>,
}

impl Names {
    fn collect(policy: &Policy, options: &Options, others: &[&Policy]) -> Names {
        let mut n = Names {
            owner: String::new(),
            owner_named: options.owner.is_some(),
            accounts: BTreeSet::new(),
            users: BTreeSet::new(),
            roles: BTreeSet::new(),
            sessions: BTreeSet::new(),
            services: BTreeSet::new(),
        };
        let add = |n: &mut Names, p: &PrincipalItem| match p {
            PrincipalItem::Account { partition, id } => {
                n.accounts.insert((partition.clone(), id.clone()));
            }
            PrincipalItem::User {
                partition,
                account,
                path,
                name,
            } => {
                n.accounts.insert((partition.clone(), account.clone()));
                n.users.insert((
                    partition.clone(),
                    account.clone(),
                    path.clone(),
                    name.clone(),
                ));
            }
            PrincipalItem::Role {
                partition,
                account,
                path,
                name,
            } => {
                n.accounts.insert((partition.clone(), account.clone()));
                n.roles.insert((
                    partition.clone(),
                    account.clone(),
                    path.clone(),
                    name.clone(),
                ));
            }
            PrincipalItem::Session {
                partition,
                account,
                role,
                session,
            } => {
                n.accounts.insert((partition.clone(), account.clone()));
                n.roles.insert((
                    partition.clone(),
                    account.clone(),
                    "/".to_owned(),
                    role.clone(),
                ));
                n.sessions.insert((
                    partition.clone(),
                    account.clone(),
                    role.clone(),
                    session.clone(),
                ));
            }
            PrincipalItem::Service(s) => {
                n.services.insert(s.to_ascii_lowercase());
            }
            PrincipalItem::Federated(_) | PrincipalItem::Other(_) | PrincipalItem::Anyone => {}
        };
        let identity = match &options.identity {
            IdentityPolicies::Policy(p) => Some(p),
            _ => None,
        };
        for s in policy
            .statements
            .iter()
            .chain(others.iter().flat_map(|p| p.statements.iter()))
            .chain(identity.into_iter().flat_map(|p| p.statements.iter()))
        {
            if let Some(p) = &s.principal {
                for item in &p.items {
                    add(&mut n, item);
                }
            }
            for c in &s.conditions {
                // Keys ignore case; only these three name callers.
                let key = [
                    "aws:principalarn",
                    "aws:principalaccount",
                    "aws:principalservicename",
                ]
                .into_iter()
                .find(|k| c.key.eq_ignore_ascii_case(k));
                let Some(key) = key else { continue };
                for v in &c.values {
                    if v.contains(['*', '?', '$']) {
                        // A pattern such as `arn:aws:iam::444455556666:role/*` still names
                        // its account: callers of that account are not strangers.
                        if key == "aws:principalarn" {
                            if let Some(account) = pattern_account(v) {
                                n.accounts.insert(account);
                            }
                        }
                        continue;
                    }
                    match key {
                        "aws:principalarn" => {
                            if matches!(
                                parse_principal_arn(v),
                                Ok(PrincipalArn::User { .. }
                                    | PrincipalArn::Role { .. }
                                    | PrincipalArn::Account { .. })
                            ) {
                                add(&mut n, &PrincipalItem::aws(v));
                            }
                        }
                        "aws:principalaccount" if check_account_id(v).is_ok() => {
                            n.accounts.insert((options.partition.clone(), v.clone()));
                        }
                        "aws:principalservicename" => {
                            n.services.insert(v.to_ascii_lowercase());
                        }
                        _ => {}
                    }
                }
            }
        }
        let named: Vec<String> = n.accounts.iter().map(|(_, a)| a.clone()).collect();
        n.owner = options
            .owner
            .clone()
            .unwrap_or_else(|| fresh_account(&named));
        n.accounts
            .insert((options.partition.clone(), n.owner.clone()));
        for t in &options.trusted {
            n.accounts.insert((options.partition.clone(), t.clone()));
        }
        n
    }

    fn classes(&self, options: &Options) -> (Vec<CallerClass>, Vec<Who>) {
        // Room for every class at once: a user each, a session of each role's named sessions
        // and an unnamed one, three of each account and of an unnamed account, a service
        // each, an unnamed service and the anonymous caller.
        let count = self.users.len()
            + self.roles.len()
            + self.sessions.len()
            + 3 * (self.accounts.len() + 1)
            + self.services.len()
            + 2;
        let mut classes = Vec::with_capacity(count);
        let mut whos = Vec::with_capacity(count);
        let account_class = |partition: &str, id: &str, named: bool| AccountClass {
            partition: partition.to_owned(),
            id: id.to_owned(),
            named: named && (id != self.owner || self.owner_named),
            owner: id == self.owner,
            trusted: id == self.owner || options.trusted.iter().any(|t| t == id),
        };
        let ids: Vec<String> = self.accounts.iter().map(|(_, a)| a.clone()).collect();
        let unnamed = fresh_account(&ids);
        // One copy of the partition, the owner and the unnamed account's exclusions for all
        // the classes that share them (a class a name, and three an account).
        let shared_partition: std::rc::Rc<str> = options.partition.as_str().into();
        let owner: std::rc::Rc<str> = self.owner.as_str().into();
        let free: std::rc::Rc<[String]> = ids.as_slice().into();
        let who = |kind,
                   partition: &str,
                   account: Choice,
                   name: Option<(String, String)>,
                   excluded,
                   session| Who {
            kind,
            partition: if partition == &*shared_partition {
                shared_partition.clone()
            } else {
                partition.into()
            },
            account,
            name,
            excluded,
            session,
            owner: owner.clone(),
            region: options.region.clone(),
        };
        for (p, a, path, name) in &self.users {
            classes.push(CallerClass::User {
                account: account_class(p, a, true),
                user: Some(Name {
                    path: path.clone(),
                    name: name.clone(),
                }),
            });
            whos.push(who(
                Kind::User,
                p,
                Choice::Fixed(a.clone()),
                Some((path.clone(), name.clone())),
                Vec::new(),
                None,
            ));
        }
        for (p, a, path, name) in &self.roles {
            let role = Name {
                path: path.clone(),
                name: name.clone(),
            };
            let named_sessions: Vec<&String> = self
                .sessions
                .iter()
                .filter(|(sp, sa, r, _)| sp == p && sa == a && r.eq_ignore_ascii_case(name))
                .map(|(_, _, _, s)| s)
                .collect();
            for s in &named_sessions {
                classes.push(CallerClass::Session {
                    account: account_class(p, a, true),
                    role: Some(role.clone()),
                    session: Some((*s).clone()),
                });
                whos.push(who(
                    Kind::Session,
                    p,
                    Choice::Fixed(a.clone()),
                    Some((path.clone(), name.clone())),
                    Vec::new(),
                    Some((*s).clone()),
                ));
            }
            let free_session = (0..)
                .map(|i| {
                    if i == 0 {
                        "unnamed-session".to_owned()
                    } else {
                        format!("unnamed-session-{i}")
                    }
                })
                .find(|s| !named_sessions.contains(&s))
                .expect("a free session name");
            classes.push(CallerClass::Session {
                account: account_class(p, a, true),
                role: Some(role),
                session: None,
            });
            whos.push(who(
                Kind::Session,
                p,
                Choice::Fixed(a.clone()),
                Some((path.clone(), name.clone())),
                Vec::new(),
                Some(free_session),
            ));
        }
        // The named accounts, then an unnamed one, read in place.
        let accounts = self
            .accounts
            .iter()
            .map(|(p, a)| (p.as_str(), a.as_str(), true))
            .chain([(options.partition.as_str(), unnamed.as_str(), false)]);
        for (p, a, named) in accounts {
            let choice = if named {
                Choice::Fixed(a.to_owned())
            } else {
                Choice::Free(free.clone())
            };
            let users: Vec<String> = self
                .users
                .iter()
                .filter(|(up, ua, _, _)| up == p && ua == a)
                .map(|(_, _, path, name)| {
                    format!("arn:{p}:iam::{a}:user{path}{name}").to_ascii_lowercase()
                })
                .collect();
            let roles: Vec<String> = self
                .roles
                .iter()
                .filter(|(rp, ra, _, _)| rp == p && ra == a)
                .map(|(_, _, path, name)| {
                    format!("arn:{p}:iam::{a}:role{path}{name}").to_ascii_lowercase()
                })
                .collect();
            let ac = account_class(p, a, named);
            classes.push(CallerClass::Root {
                account: ac.clone(),
            });
            whos.push(who(Kind::Root, p, choice.clone(), None, Vec::new(), None));
            classes.push(CallerClass::User {
                account: ac.clone(),
                user: None,
            });
            whos.push(who(Kind::User, p, choice.clone(), None, users, None));
            classes.push(CallerClass::Session {
                account: ac,
                role: None,
                session: None,
            });
            whos.push(who(
                Kind::Session,
                p,
                choice,
                None,
                roles,
                Some("unnamed-session".to_owned()),
            ));
        }
        for s in &self.services {
            classes.push(CallerClass::Service {
                name: Some(s.clone()),
            });
            whos.push(who(
                Kind::Service,
                &options.partition,
                Choice::Fixed(String::new()),
                Some((String::new(), s.clone())),
                Vec::new(),
                None,
            ));
        }
        classes.push(CallerClass::Service { name: None });
        whos.push(who(
            Kind::Service,
            &options.partition,
            Choice::Fixed(String::new()),
            None,
            self.services.iter().cloned().collect(),
            None,
        ));
        classes.push(CallerClass::Anonymous);
        whos.push(who(
            Kind::Anonymous,
            &options.partition,
            Choice::Fixed(String::new()),
            None,
            Vec::new(),
            None,
        ));
        (classes, whos)
    }
}

impl Analyzer {
    /// Like [`Analyzer::decide`], for requests that also meet `assumed` (lowered as in this
    /// policy): whether a caller of the class in a given situation (say, outside every
    /// organization, from an address on the internet) can perform the action.
    #[must_use]
    pub fn decide_assuming(
        &self,
        class: &CallerClass,
        action: Action,
        assumed: &[Condition],
        variables: bool,
    ) -> Verdict {
        match self.decide_assuming_first(class, &[action], assumed, variables) {
            Some((_, grant)) => Verdict::Allowed(grant),
            None => Verdict::Denied,
        }
    }

    /// The first of `actions` (in their order) that a caller of the class can perform under
    /// `assumed`, with its grant, as [`Analyzer::decide_assuming`] would find it for each in
    /// turn. Actions that the same statements cover share one verdict, so each such group is
    /// decided once.
    ///
    /// ```
    /// use policy_analysis::{Analyzer, CallerClass, Options};
    /// use policy_analysis::ir::Policy;
    /// use policy_catalogue::Action;
    ///
    /// let analyzer = Analyzer::new(&Policy::default(), &Options::default());
    /// let class = CallerClass::Anonymous;
    /// let actions = [Action::BatchGetImage, Action::PutImage];
    /// assert!(analyzer.decide_assuming_first(&class, &actions, &[], false).is_none());
    /// ```
    #[must_use]
    pub fn decide_assuming_first(
        &self,
        class: &CallerClass,
        actions: &[Action],
        assumed: &[Condition],
        variables: bool,
    ) -> Option<(Action, Grant)> {
        self.decide_assumed_first(class, actions, &Assumption::new(assumed, variables))
    }

    /// [`Analyzer::decide_assuming_first`] with the assumed conditions lowered once
    /// ([`Assumption::new`]), for questions asked again and again.
    ///
    /// ```
    /// use policy_analysis::{Analyzer, Assumption, CallerClass, Options};
    /// use policy_analysis::ir::Policy;
    /// use policy_catalogue::Action;
    ///
    /// let analyzer = Analyzer::new(&Policy::default(), &Options::default());
    /// let nothing = Assumption::new(&[], false);
    /// let actions = [Action::BatchGetImage];
    /// assert!(analyzer.decide_assumed_first(&CallerClass::Anonymous, &actions, &nothing).is_none());
    /// ```
    #[must_use]
    pub fn decide_assumed_first(
        &self,
        class: &CallerClass,
        actions: &[Action],
        assumed: &Assumption,
    ) -> Option<(Action, Grant)> {
        let i = self.classes.iter().position(|c| c == class)?;
        let assumed = &assumed.0;
        let relevant = self.relevant(i);
        // The verdict depends on the action only through its signature.
        let mut denied: Vec<Signature> = Vec::new();
        for &action in actions {
            let sig = self.signature(&relevant, action);
            if denied.contains(&sig) {
                continue;
            }
            if let Some(found) = self.first_grant(i, &sig, action, assumed) {
                return Some(found);
            }
            denied.push(sig);
        }
        None
    }

    /// [`Analyzer::decide_assumed_first`] for one probe of a list asked in turn for the same
    /// class and actions (the situations of a stranger), `memory` kept from probe to probe:
    /// a probe is refused without a search where an earlier one was refused whose
    /// constraints on the keys the question tests are the same (see [`ProbeMemory`]).
    pub(crate) fn decide_probed_first(
        &self,
        class: &CallerClass,
        actions: &[Action],
        assumed: &Assumption,
        memory: &mut ProbeMemory,
    ) -> Option<(Action, Grant)> {
        let asked_before = memory.asked.as_ref().is_some_and(|(i, listed, _)| {
            self.classes.get(*i) == Some(class) && listed.as_slice() == actions
        });
        if !asked_before {
            let i = self.classes.iter().position(|c| c == class)?;
            let relevant = self.relevant(i);
            let sigs = actions
                .iter()
                .map(|&a| self.signature(&relevant, a))
                .collect();
            *memory = ProbeMemory {
                asked: Some((i, actions.to_vec(), sigs)),
                by_signature: Vec::new(),
            };
        }
        let ProbeMemory {
            asked: Some((i, _, sigs)),
            by_signature,
        } = memory
        else {
            return None;
        };
        let i = *i;
        let assumed = &assumed.0;
        let who = &self.whos[i];
        let mut denied: Vec<&Signature> = Vec::new();
        for (&action, sig) in actions.iter().zip(sigs.iter()) {
            if denied.contains(&sig) {
                continue;
            }
            let at = match by_signature.iter().position(|(s, _, _)| s == sig) {
                Some(at) => at,
                None => {
                    by_signature.push((sig.clone(), self.tested_keys(i, sig), Vec::new()));
                    by_signature.len() - 1
                }
            };
            let (_, tested, refused) = &mut by_signature[at];
            let seen: Vec<(std::rc::Rc<Origin>, bool)> = assumed
                .iter()
                .filter(|c| tested.contains(&c.key) || is_derived(&c.key, who))
                .map(|c| c.origin.clone())
                .collect();
            let untested: Vec<Constraint> = assumed
                .iter()
                .filter(|c| !tested.contains(&c.key) && !is_derived(&c.key, who))
                .cloned()
                .collect();
            let known = refused
                .iter_mut()
                .filter(|r| same_origins(&r.seen, &seen))
                .any(|r| r.refuses_too(who, &untested));
            if known {
                denied.push(sig);
                continue;
            }
            if let Some(found) = self.first_grant(i, sig, action, assumed) {
                return Some(found);
            }
            refused.push(Refused {
                seen,
                untested,
                admits: Vec::new(),
            });
            denied.push(sig);
        }
        None
    }

    /// The grant of [`Analyzer::decide_assumed_first`] for class `i` and `action` of
    /// signature `sig` under `assumed`: the first candidate a request meets.
    fn first_grant(
        &self,
        i: usize,
        sig: &Signature,
        action: Action,
        assumed: &[Constraint],
    ) -> Option<(Action, Grant)> {
        let who = &self.whos[i];
        let (denies, mention) = self.denies_of(sig);
        let mut budget = SEARCH_BUDGET;
        for candidate in self.candidates(i, sig) {
            let (route, s, j) = candidate;
            let (mut base, exact) = self.candidate_constraints(&candidate);
            if refused_on_context(who, &base, assumed, &self.refusals) {
                // What `satisfy` would spend on the refusal.
                budget = budget.saturating_sub(1);
                continue;
            }
            base.extend(assumed.iter());
            if let Some(solved) = satisfy(who, base, &denies, &mention, &mut budget) {
                return Some((
                    action,
                    Grant {
                        route,
                        statements: s.into_iter().collect(),
                        identity_statement: j,
                        certainty: if solved.exact && exact {
                            Certainty::Certain
                        } else {
                            Certainty::Possible
                        },
                        witness: solved.witness,
                    },
                ));
            }
        }
        None
    }

    /// The keys the candidates and denies of `sig` test for class `i`.
    fn tested_keys(&self, i: usize, sig: &Signature) -> Vec<SharedText> {
        let mut keys: Vec<SharedText> = Vec::new();
        let (_, mention) = self.denies_of(sig);
        let candidates = self.candidates(i, sig);
        let of_candidates = candidates
            .iter()
            .flat_map(|c| self.candidate_constraints(c).0);
        for c in of_candidates.chain(mention) {
            if !keys.contains(&c.key) {
                keys.push(c.key.clone());
            }
        }
        keys
    }
}

/// What [`Analyzer::decide_probed_first`] keeps from one probe to the next, for one class and
/// list of actions (another class or list starts it again): for each signature asked, the
/// keys its candidates and denies test, and the probes refused under it, each by the origins
/// of its constraints on those keys and on the keys derived from the caller.
///
/// A probe whose constraints on those keys are an earlier refused probe's (equal origins, so
/// equal constraints) is refused too, when on each other key the two have equal constraints
/// or the earlier one's admit some value alone ([`admits_alone`], asked only then). The
/// solver works such keys out one by one, apart from the rest: nothing else reads them (no
/// candidate, no deny, not the caller). Equal constraints on one refuse both probes or
/// neither; where the earlier probe's admit a value, it was refused on the other keys, whose
/// questions both probes' searches ask alike, with the same answers, all the way to the same
/// refusal. The situations of a stranger share their organization's constraints across their
/// networks, which statements that name an organization do not test.
#[derive(Debug, Default)]
pub(crate) struct ProbeMemory {
    /// The class's position, the actions and their signatures, worked out at the first probe.
    asked: Option<(usize, Vec<Action>, Vec<Signature>)>,
    by_signature: Vec<(Signature, Vec<SharedText>, Vec<Refused>)>,
}

/// A probe refused: the origins of its constraints on the keys its signature tests and on the
/// caller's, its other constraints, and for the keys of those asked so far whether they admit
/// some value alone ([`Refused::refuses_too`]).
#[derive(Debug)]
struct Refused {
    seen: Vec<(std::rc::Rc<Origin>, bool)>,
    untested: Vec<Constraint>,
    admits: Vec<(SharedText, bool)>,
}

/// Whether two lists of origins are the same, in order: equal origins lower to equal
/// constraints.
fn same_origins(a: &[(std::rc::Rc<Origin>, bool)], b: &[(std::rc::Rc<Origin>, bool)]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.1 == y.1 && (std::rc::Rc::ptr_eq(&x.0, &y.0) || x.0 == y.0))
}

impl Refused {
    /// Whether a probe with the same constraints on the tested keys and the caller's, and
    /// `untested` on the others, is refused as this one was: on each other key, its
    /// constraints are this one's, or this one's admit some value alone (an answer kept).
    fn refuses_too(&mut self, who: &Who, untested: &[Constraint]) -> bool {
        let on = |cs: &[Constraint], key: &SharedText| -> Vec<(std::rc::Rc<Origin>, bool)> {
            cs.iter()
                .filter(|c| c.key == *key)
                .map(|c| c.origin.clone())
                .collect()
        };
        let mut asked: Vec<&SharedText> = Vec::new();
        for c in self.untested.iter().chain(untested) {
            if asked.contains(&&c.key) {
                continue;
            }
            asked.push(&c.key);
            if same_origins(&on(&self.untested, &c.key), &on(untested, &c.key)) {
                continue;
            }
            let admits = match self.admits.iter().find(|(k, _)| *k == c.key) {
                Some(&(_, admits)) => admits,
                None => {
                    let cs: Vec<&Constraint> =
                        self.untested.iter().filter(|d| d.key == c.key).collect();
                    let admits = cs.is_empty() || admits_alone(who, &c.key, &cs);
                    self.admits.push((c.key.clone(), admits));
                    admits
                }
            };
            if !admits {
                return false;
            }
        }
        true
    }
}

impl Analyzer {
    /// Whether some class of the owning account can perform `action`, as
    /// [`Analyzer::decide`] answers class by class. With `denied_like`, an action that no
    /// such class can perform: a class for which both actions have the same statements has
    /// the same verdict for both (a search depends on the action only through them), so it
    /// is not searched again. `identity_allows_all`: as [`Analyzer::candidates_with`].
    pub(crate) fn owner_allowed(
        &self,
        action: Action,
        denied_like: Option<Action>,
        identity_allows_all: bool,
    ) -> bool {
        self.classes
            .iter()
            .filter(|c| c.account().is_some_and(|a| a.owner))
            .any(|class| {
                // As `decide` finds it: the first class equal to this one.
                let Some(i) = self.classes.iter().position(|c| c == class) else {
                    return false;
                };
                let relevant = self.relevant(i);
                let sig = self.signature(&relevant, action);
                if denied_like.is_some_and(|d| self.signature(&relevant, d) == sig) {
                    return false;
                }
                matches!(
                    self.search_with(i, &sig, identity_allows_all),
                    Verdict::Allowed(_)
                )
            })
    }
}

impl Analyzer {
    /// Whether this analyzer, read with `options` and identity policies allowing
    /// everything, is what `Analyzer::new(policy, options)` builds, given that it was built
    /// from `policy` on the repository of `options`: no identity policy of its own, and the
    /// same caller classes and owner. Its statements are then those of the new one.
    pub(crate) fn reads_as(&self, policy: &Policy, options: &Options) -> bool {
        if self.identity.is_some() || !matches!(options.identity, IdentityPolicies::AllowAll) {
            return false;
        }
        // Read from the same sources, the policy has these names and classes.
        (self.names_from.names_as(options) && self.names_from.region == options.region)
            || self.reads_as_afresh(policy, options)
    }

    /// [`Analyzer::reads_as`] past its first test, by reading the policy's names again.
    fn reads_as_afresh(&self, policy: &Policy, options: &Options) -> bool {
        let names = Names::collect(policy, options, &[]);
        if names.owner != self.owner {
            return false;
        }
        let (classes, whos) = names.classes(options);
        classes == self.classes && whos == self.whos
    }
}

/// The accounts among the caller classes of `Analyzer::new(policy, options)` that the policy
/// names (`AccountClass::named`), without preparing its statements: those of `analyzer`, built
/// from `policy`, when it read the names from the same sources.
pub(crate) fn named_accounts(
    policy: &Policy,
    options: &Options,
    analyzer: Option<&Analyzer>,
) -> BTreeSet<String> {
    if let Some(a) = analyzer.filter(|a| a.names_from.names_as(options)) {
        return a
            .accounts
            .iter()
            .map(|(_, id)| id)
            .filter(|id| **id != a.owner || a.owner_named)
            .cloned()
            .collect();
    }
    let names = Names::collect(policy, options, &[]);
    // `Names::classes` gives every account of `names.accounts` its classes, named unless it
    // is the stand-in owner; the unnamed account it adds is never named.
    names
        .accounts
        .into_iter()
        .map(|(_, id)| id)
        .filter(|id| *id != names.owner || names.owner_named)
        .collect()
}

/// Conditions lowered once for [`Analyzer::decide_assumed_first`]: a situation of the caller
/// (outside every organization, from an address on the internet, ...) asked about for many
/// classes and actions.
#[derive(Clone, Debug)]
pub struct Assumption(pub(crate) Vec<Constraint>);

impl Assumption {
    /// Lowers `conditions` (`variables`: `${...}` in values are policy variables).
    #[must_use]
    pub fn new(conditions: &[Condition], variables: bool) -> Assumption {
        Assumption(
            conditions
                .iter()
                .map(|c| Constraint::lower(c, variables))
                .collect(),
        )
    }

    /// The conditions of every part, in order, as one assumption.
    #[must_use]
    pub fn join(parts: &[&Assumption]) -> Assumption {
        Assumption(parts.iter().flat_map(|p| p.0.iter().cloned()).collect())
    }
}

#[cfg(test)]
mod tests {
    /// [`pattern_account`] as first written, with `splitn`.
    fn pattern_account_by_splitting(value: &str) -> Option<(String, String)> {
        let mut fields = value.splitn(6, ':');
        let (arn, partition, service, region, account) = (
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
        );
        fields.next()?;
        let literal = |f: &str| !f.contains(['*', '?', '$']);
        (arn == "arn"
            && literal(partition)
            && !partition.is_empty()
            && matches!(service, "iam" | "sts")
            && region.is_empty()
            && check_account_id(account).is_ok())
        .then(|| (partition.to_owned(), account.to_owned()))
    }

    /// The fields found by bytes are the fields `splitn` gives: fixed and 20,000 random
    /// patterns of ARN pieces.
    #[test]
    fn pattern_accounts_by_bytes_as_by_splitting() {
        for p in [
            "arn:aws:iam::444455556666:role/*",
            "arn:aws:iam::*:role/team-1-*",
            "arn:aws:sts::444455556666:assumed-role/r/*",
            "arn:aws:iam::444455556666",
            "arn:aws:iam::444455556666:",
            "arn:aws:iam:us-east-1:444455556666:role/*",
            "arn:aws-cn:iam::444455556666:user/a:b:c",
            "",
            ":::::",
        ] {
            assert_eq!(pattern_account(p), pattern_account_by_splitting(p), "{p:?}");
        }
        let pieces = [
            "arn",
            ":",
            "aws",
            "iam",
            "sts",
            "s3",
            "444455556666",
            "*",
            "?",
            "$",
            "role/",
            "x",
            "\u{e9}",
            "::",
        ];
        let mut next = crate::test_random::xorshift(0x1234_5678_9abc_def1);
        for _ in 0..20_000 {
            let p: String = (0..next(14))
                .map(|_| pieces[next(pieces.len() as u64) as usize])
                .collect();
            assert_eq!(
                pattern_account(&p),
                pattern_account_by_splitting(&p),
                "{p:?}"
            );
        }
    }

    use super::*;
    use crate::ir::{Actions, Statement};
    use policy_catalogue::ConditionOperator;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        let operator: ConditionOperator = op.parse().expect("an operator");
        Condition::new(operator, key, values.iter().copied())
    }

    fn statement(effect: Effect, principals: &[&str], conditions: Vec<Condition>) -> Statement {
        Statement {
            sid: None,
            effect,
            principal: Some(Principals {
                negated: false,
                items: principals
                    .iter()
                    .map(|p| match p.strip_prefix("service:") {
                        Some(s) => PrincipalItem::Service(s.to_owned()),
                        None => PrincipalItem::aws(p),
                    })
                    .collect(),
            }),
            actions: Actions {
                negated: false,
                items: vec!["ecr:*".to_owned()],
            },
            resources: None,
            conditions,
        }
    }

    /// [`Names::classes`] as first written: the accounts copied into a list before they are
    /// read, the lists of classes grown one class at a time.
    fn classes_as_first_written(n: &Names, options: &Options) -> (Vec<CallerClass>, Vec<Who>) {
        let mut classes = Vec::new();
        let mut whos = Vec::new();
        let account_class = |partition: &str, id: &str, named: bool| AccountClass {
            partition: partition.to_owned(),
            id: id.to_owned(),
            named: named && (id != n.owner || n.owner_named),
            owner: id == n.owner,
            trusted: id == n.owner || options.trusted.iter().any(|t| t == id),
        };
        let ids: Vec<String> = n.accounts.iter().map(|(_, a)| a.clone()).collect();
        let unnamed = fresh_account(&ids);
        let who = |kind,
                   partition: &str,
                   account: Choice,
                   name: Option<(String, String)>,
                   excluded,
                   session| Who {
            kind,
            partition: partition.into(),
            account,
            name,
            excluded,
            session,
            owner: n.owner.as_str().into(),
            region: options.region.clone(),
        };
        for (p, a, path, name) in &n.users {
            classes.push(CallerClass::User {
                account: account_class(p, a, true),
                user: Some(Name {
                    path: path.clone(),
                    name: name.clone(),
                }),
            });
            whos.push(who(
                Kind::User,
                p,
                Choice::Fixed(a.clone()),
                Some((path.clone(), name.clone())),
                Vec::new(),
                None,
            ));
        }
        for (p, a, path, name) in &n.roles {
            let role = Name {
                path: path.clone(),
                name: name.clone(),
            };
            let named_sessions: Vec<&String> = n
                .sessions
                .iter()
                .filter(|(sp, sa, r, _)| sp == p && sa == a && r.eq_ignore_ascii_case(name))
                .map(|(_, _, _, s)| s)
                .collect();
            for s in &named_sessions {
                classes.push(CallerClass::Session {
                    account: account_class(p, a, true),
                    role: Some(role.clone()),
                    session: Some((*s).clone()),
                });
                whos.push(who(
                    Kind::Session,
                    p,
                    Choice::Fixed(a.clone()),
                    Some((path.clone(), name.clone())),
                    Vec::new(),
                    Some((*s).clone()),
                ));
            }
            let free_session = (0..)
                .map(|i| {
                    if i == 0 {
                        "unnamed-session".to_owned()
                    } else {
                        format!("unnamed-session-{i}")
                    }
                })
                .find(|s| !named_sessions.contains(&s))
                .expect("a free session name");
            classes.push(CallerClass::Session {
                account: account_class(p, a, true),
                role: Some(role),
                session: None,
            });
            whos.push(who(
                Kind::Session,
                p,
                Choice::Fixed(a.clone()),
                Some((path.clone(), name.clone())),
                Vec::new(),
                Some(free_session),
            ));
        }
        let mut accounts: Vec<(String, String, bool)> = n
            .accounts
            .iter()
            .map(|(p, a)| (p.clone(), a.clone(), true))
            .collect();
        accounts.push((options.partition.clone(), unnamed.clone(), false));
        for (p, a, named) in accounts {
            let choice = if named {
                Choice::Fixed(a.clone())
            } else {
                Choice::Free(ids.as_slice().into())
            };
            let users: Vec<String> = n
                .users
                .iter()
                .filter(|(up, ua, _, _)| *up == p && *ua == a)
                .map(|(_, _, path, name)| {
                    format!("arn:{p}:iam::{a}:user{path}{name}").to_ascii_lowercase()
                })
                .collect();
            let roles: Vec<String> = n
                .roles
                .iter()
                .filter(|(rp, ra, _, _)| *rp == p && *ra == a)
                .map(|(_, _, path, name)| {
                    format!("arn:{p}:iam::{a}:role{path}{name}").to_ascii_lowercase()
                })
                .collect();
            let ac = account_class(&p, &a, named);
            classes.push(CallerClass::Root {
                account: ac.clone(),
            });
            whos.push(who(Kind::Root, &p, choice.clone(), None, Vec::new(), None));
            classes.push(CallerClass::User {
                account: ac.clone(),
                user: None,
            });
            whos.push(who(Kind::User, &p, choice.clone(), None, users, None));
            classes.push(CallerClass::Session {
                account: ac,
                role: None,
                session: None,
            });
            whos.push(who(
                Kind::Session,
                &p,
                choice,
                None,
                roles,
                Some("unnamed-session".to_owned()),
            ));
        }
        for s in &n.services {
            classes.push(CallerClass::Service {
                name: Some(s.clone()),
            });
            whos.push(who(
                Kind::Service,
                &options.partition,
                Choice::Fixed(String::new()),
                Some((String::new(), s.clone())),
                Vec::new(),
                None,
            ));
        }
        classes.push(CallerClass::Service { name: None });
        whos.push(who(
            Kind::Service,
            &options.partition,
            Choice::Fixed(String::new()),
            None,
            n.services.iter().cloned().collect(),
            None,
        ));
        classes.push(CallerClass::Anonymous);
        whos.push(who(
            Kind::Anonymous,
            &options.partition,
            Choice::Fixed(String::new()),
            None,
            Vec::new(),
            None,
        ));
        (classes, whos)
    }

    /// The caller classes are the classes as first written, in the same order: for fixed
    /// policies naming accounts, users, roles,
    /// sessions and services in principals and conditions, and 400 random ones, each read
    /// with owners named or not, trusted accounts, partitions and regions.
    #[test]
    fn classes_are_as_first_written() {
        let mut policies: Vec<Vec<Statement>> = vec![
            vec![],
            vec![statement(Effect::Allow, &["*"], vec![])],
            vec![statement(
                Effect::Allow,
                &[
                    "arn:aws:iam::111122223333:root",
                    "arn:aws:iam::444455556666:role/deploy",
                    "arn:aws:iam::444455556666:role/Deploy",
                    "arn:aws:iam::444455556666:user/ci/builder",
                    "arn:aws-cn:iam::444455556666:role/deploy",
                    "arn:aws:sts::444455556666:assumed-role/deploy/unnamed-session",
                    "arn:aws:sts::444455556666:assumed-role/DEPLOY/s",
                    "service:CodeBuild.amazonaws.com",
                ],
                vec![
                    cond(
                        "ArnNotLike",
                        "aws:PrincipalArn",
                        &["arn:aws:iam::123456789012:role/*"],
                    ),
                    cond("StringEquals", "aws:PrincipalAccount", &["777788889999"]),
                    cond(
                        "StringEquals",
                        "aws:PrincipalServiceName",
                        &["ecs.amazonaws.com"],
                    ),
                ],
            )],
        ];
        let mut next = crate::test_random::xorshift(0x6a09_e667_f3bc_c909);
        let accounts = [
            "111122223333",
            "444455556666",
            "777788889999",
            "210987654321",
        ];
        let names = [
            "deploy",
            "Deploy",
            "ci",
            "unnamed-session",
            "unnamed-session-1",
        ];
        for _ in 0..400 {
            let mut principals: Vec<String> = Vec::new();
            let mut conditions = Vec::new();
            for _ in 0..next(7) {
                let partition = ["aws", "aws", "aws-cn"][next(3) as usize];
                let a = accounts[next(accounts.len() as u64) as usize];
                let name = names[next(names.len() as u64) as usize];
                let other = names[next(names.len() as u64) as usize];
                principals.push(match next(7) {
                    0 => format!("arn:{partition}:iam::{a}:root"),
                    1 => format!("arn:{partition}:iam::{a}:user/{name}"),
                    2 => format!("arn:{partition}:iam::{a}:role/team/{name}"),
                    3 => format!("arn:{partition}:iam::{a}:role/{name}"),
                    4 => format!("arn:{partition}:sts::{a}:assumed-role/{name}/{other}"),
                    5 => format!("service:{name}.amazonaws.com"),
                    _ => "*".to_owned(),
                });
                if next(3) == 0 {
                    conditions.push(match next(3) {
                        0 => cond(
                            "StringLike",
                            "aws:PrincipalArn",
                            &[&format!("arn:{partition}:iam::{a}:role/*")],
                        ),
                        1 => cond("StringEquals", "aws:principalaccount", &[a]),
                        _ => cond(
                            "ArnEquals",
                            "aws:PrincipalArn",
                            &[&format!("arn:{partition}:iam::{a}:user/{other}")],
                        ),
                    });
                }
            }
            let principals: Vec<&str> = principals.iter().map(String::as_str).collect();
            policies.push(vec![statement(Effect::Allow, &principals, conditions)]);
        }
        let mut options = Vec::new();
        for owner in [None, Some("111122223333"), Some("210987654321")] {
            for trusted in [vec![], vec!["444455556666".to_owned()]] {
                for (partition, region) in [("aws", None), ("aws-cn", Some("cn-north-1"))] {
                    options.push(Options {
                        owner: owner.map(str::to_owned),
                        trusted: trusted.clone(),
                        partition: partition.to_owned(),
                        region: region.map(str::to_owned),
                        repository: None,
                        identity: IdentityPolicies::Unknown,
                    });
                }
            }
        }
        for statements in policies {
            let policy = Policy {
                variables: true,
                statements,
            };
            for o in &options {
                let names = Names::collect(&policy, o, &[]);
                let (classes, whos) = names.classes(o);
                let (first_classes, first_whos) = classes_as_first_written(&names, o);
                assert_eq!(classes, first_classes, "{policy:?} {o:?}");
                assert_eq!(whos, first_whos, "{policy:?} {o:?}");
                assert_eq!(classes.len(), whos.len());
            }
        }
    }

    /// An analyzer that read its names from the same sources answers [`Analyzer::reads_as`]
    /// and [`named_accounts`] as reading the policy's names again does: policies naming
    /// accounts, users, roles, sessions and services in principals and conditions, each read
    /// with every pair of options (owners named or not, trusted accounts, partitions, regions,
    /// identity policies allowing all, unknown or given, other policies' names).
    #[test]
    fn names_read_once_answer_as_read_again() {
        let account = "arn:aws:iam::111122223333:root";
        let role = "arn:aws:iam::444455556666:role/deploy";
        let policies = [
            vec![statement(Effect::Allow, &["*"], vec![])],
            vec![statement(Effect::Allow, &[account, role], vec![])],
            vec![
                statement(
                    Effect::Allow,
                    &["*"],
                    vec![cond(
                        "StringEquals",
                        "aws:PrincipalAccount",
                        &["777788889999"],
                    )],
                ),
                statement(
                    Effect::Deny,
                    &["*"],
                    vec![cond(
                        "ArnLike",
                        "aws:PrincipalArn",
                        &["arn:aws:iam::123456789012:role/*"],
                    )],
                ),
            ],
            vec![
                statement(Effect::Allow, &["service:codebuild.amazonaws.com"], vec![]),
                statement(
                    Effect::Allow,
                    &["arn:aws:sts::444455556666:assumed-role/r/s"],
                    vec![],
                ),
            ],
        ]
        .map(|statements| Policy {
            variables: true,
            statements,
        });
        let other = Policy {
            variables: true,
            statements: vec![statement(
                Effect::Allow,
                &["arn:aws:iam::999988887777:root"],
                vec![],
            )],
        };
        let mut options = Vec::new();
        for owner in [None, Some("111122223333"), Some("210987654321")] {
            for trusted in [vec![], vec!["444455556666".to_owned()]] {
                for (partition, region) in
                    [("aws", None), ("aws", Some("us-east-1")), ("aws-cn", None)]
                {
                    for identity in [
                        IdentityPolicies::Unknown,
                        IdentityPolicies::AllowAll,
                        IdentityPolicies::Policy(other.clone()),
                    ] {
                        options.push(Options {
                            owner: owner.map(str::to_owned),
                            trusted: trusted.clone(),
                            partition: partition.to_owned(),
                            region: region.map(str::to_owned),
                            repository: None,
                            identity,
                        });
                    }
                }
            }
        }
        for policy in &policies {
            for built in &options {
                for others in [&[][..], &[&other][..]] {
                    let analyzer = Analyzer::with_names_of(policy, built, others);
                    for asked in &options {
                        let guarded = analyzer.identity.is_none()
                            && matches!(asked.identity, IdentityPolicies::AllowAll);
                        assert_eq!(
                            analyzer.reads_as(policy, asked),
                            guarded && analyzer.reads_as_afresh(policy, asked),
                            "{policy:?} {built:?} {asked:?}"
                        );
                        assert_eq!(
                            named_accounts(policy, asked, Some(&analyzer)),
                            named_accounts(policy, asked, None),
                            "{policy:?} {built:?} {asked:?}"
                        );
                    }
                }
            }
        }
    }

    /// Two constraints alike: key, quantifiers, origin and test (automata compared by their
    /// states, other sets as written out).
    fn same(a: &Constraint, b: &Constraint) -> bool {
        use crate::condition::Test;
        let tests = match (&a.test, &b.test) {
            (
                Test::Text {
                    patterns,
                    negated,
                    finite,
                },
                Test::Text {
                    patterns: other,
                    negated: n,
                    finite: f,
                },
            ) => patterns == other && negated == n && finite == f,
            (x, y) => format!("{x:?}") == format!("{y:?}"),
        };
        tests
            && a.key == b.key
            && a.name == b.name
            && a.when_missing == b.when_missing
            && a.all == b.all
            && a.origin == b.origin
    }

    /// A condition lowered from the memory of [`lowered_once`] is the one lowered afresh, for
    /// fixed conditions that differ only in their operator, qualifier, key case, values or
    /// reading of `${...}`, and 600 random ones, each asked for in turn and again.
    #[test]
    fn remembered_lowering_is_lowering_afresh() {
        let mut conditions = vec![
            cond(
                "StringLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:role/team-1-*"],
            ),
            cond(
                "StringNotLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:role/team-1-*"],
            ),
            cond(
                "ArnLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:role/team-1-*"],
            ),
            cond(
                "StringLike",
                "aws:principalarn",
                &["arn:aws:iam::*:role/team-1-*"],
            ),
            cond(
                "ForAllValues:StringLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:role/team-1-*"],
            ),
            cond(
                "StringLikeIfExists",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:role/team-1-*"],
            ),
            cond(
                "StringLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:role/team-2-*"],
            ),
            cond("StringEquals", "aws:username", &["${aws:username}"]),
            cond("StringEqualsIgnoreCase", "aws:username", &["CI"]),
            cond("StringEquals", "aws:username", &["CI"]),
            cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
            cond("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
            cond("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
            cond(
                "DateGreaterThan",
                "aws:CurrentTime",
                &["2026-01-01T00:00:00Z"],
            ),
            cond("Bool", "aws:SecureTransport", &["false"]),
            cond("Null", "aws:PrincipalOrgID", &["true"]),
            cond("Null", "aws:PrincipalOrgID", &["false"]),
        ];
        let mut next = crate::test_random::xorshift(0x5851_f42d_4c95_7f2d);
        let operators = [
            "StringLike",
            "StringNotLike",
            "StringEquals",
            "StringNotEqualsIgnoreCase",
            "ForAnyValue:StringLike",
            "ArnLike",
            "ArnNotLikeIfExists",
        ];
        let keys = [
            "aws:PrincipalArn",
            "aws:userid",
            "aws:PrincipalOrgID",
            "aws:USERID",
        ];
        let pieces = ["a", "*", "?", ":", "${aws:username}", "role/", "o-"];
        for _ in 0..600 {
            let values: Vec<String> = (0..1 + next(2))
                .map(|_| {
                    (0..1 + next(3))
                        .map(|_| pieces[next(pieces.len() as u64) as usize])
                        .collect()
                })
                .collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            conditions.push(cond(
                operators[next(operators.len() as u64) as usize],
                keys[next(keys.len() as u64) as usize],
                &values,
            ));
        }
        for round in 0..2 {
            for (k, c) in conditions.iter().enumerate() {
                for variables in [k % 2 == 0, k % 2 != 0] {
                    let remembered = lowered_once(c, variables);
                    let afresh = Constraint::lower(c, variables);
                    assert!(
                        same(&remembered, &afresh),
                        "round {round}: {c:?} {variables}"
                    );
                    // And the negation remembered with it is the negation afresh, whether
                    // it was asked for first (the second round) or remembered.
                    let (constraint, negation) = lowered_once_with(c, variables, k % 3 != 0);
                    assert!(same(&constraint, &afresh), "round {round}: {c:?}");
                    if let Some(negation) = negation {
                        assert!(
                            same(&negation, &afresh.negate()),
                            "round {round}: {c:?} {variables} negated"
                        );
                    }
                }
            }
        }
    }

    /// The dead-statement check's question without a witness answers as the solver does, for
    /// every statement and class: live and dead statements, keys the caller fixes and keys
    /// it does not, names and accounts the class leaves free.
    #[test]
    fn live_answers_as_the_solver() {
        let deny = |c| statement(Effect::Deny, &["*"], c);
        let statements = vec![
            statement(Effect::Allow, &["*"], vec![]),
            deny(vec![
                cond(
                    "StringLike",
                    "aws:PrincipalArn",
                    &["arn:aws:iam::*:role/team-1-*"],
                ),
                cond("StringNotLike", "aws:userid", &["*:ci-1-*"]),
            ]),
            deny(vec![cond(
                "ArnLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:user/ci/*"],
            )]),
            deny(vec![cond(
                "StringLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:ro?t"],
            )]),
            deny(vec![cond(
                "StringEquals",
                "aws:PrincipalAccount",
                &["not-an-account"],
            )]),
            deny(vec![
                cond("StringLike", "aws:userid", &["4444*"]),
                cond("StringLike", "aws:PrincipalAccount", &["*5"]),
            ]),
            deny(vec![
                cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
                cond("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
            ]),
            deny(vec![cond("StringLike", "aws:username", &["ci-*"])]),
            deny(vec![cond(
                "StringEquals",
                "aws:PrincipalServiceName",
                &["x"],
            )]),
            statement(
                Effect::Allow,
                &[
                    "arn:aws:iam::444455556666:root",
                    "service:codebuild.amazonaws.com",
                ],
                vec![cond("ArnLike", "aws:SourceArn", &["arn:aws:iam::*:role/*"])],
            ),
            statement(
                Effect::Allow,
                &["arn:aws:iam::444455556666:role/deploy"],
                vec![cond("StringNotLike", "aws:PrincipalArn", &["*deploy"])],
            ),
        ];
        let policy = Policy {
            variables: true,
            statements,
        };
        let options = Options {
            owner: Some("111122223333".to_owned()),
            ..Options::default()
        };
        let analyzer = Analyzer::new(&policy, &options);
        let (mut live_ones, mut dead_ones) = (0, 0);
        let mut dead = Vec::new();
        for s in &analyzer.repository {
            let cs: Vec<&Constraint> = s.constraints.iter().collect();
            let mut any = false;
            for (i, class) in analyzer.classes.iter().enumerate() {
                if principal_match(s.principal.as_ref(), class) == Match::No {
                    continue;
                }
                let who = &analyzer.whos[i];
                let solved = solve(who, &cs, &[]).is_some();
                assert_eq!(live(who, &cs), solved, "statement {} {class:?}", s.index);
                any |= solved;
                if solved {
                    live_ones += 1;
                } else {
                    dead_ones += 1;
                }
            }
            if !any {
                dead.push(s.index);
            }
        }
        assert!(live_ones > 10 && dead_ones > 10, "{live_ones} {dead_ones}");
        // The dead statements, whichever class each check asks first.
        assert!(dead.len() > 2 && dead.len() < analyzer.repository.len());
        assert_eq!(analyzer.dead_statements(), dead);
    }

    /// [`cannot_match`] read by characters (`str::split` and `str::find`): the reference the
    /// reading by bytes is checked against.
    fn cannot_match_by_chars(pattern: &str, text: &str, wildcards: bool) -> bool {
        if !wildcards {
            return pattern != text;
        }
        let wild = |c: char| c == '*' || c == '?';
        let mut runs = pattern.split(wild);
        let first = runs.next().unwrap_or_default();
        if !text.starts_with(first) {
            return true;
        }
        let last = pattern.rsplit(wild).next().unwrap_or_default();
        if !text.ends_with(last) {
            return true;
        }
        let mut at = first.len();
        for run in runs {
            match text[at..].find(run) {
                Some(k) => at += k + run.len(),
                None => return true,
            }
        }
        false
    }

    /// The letters' pre-check read by bytes answers as read by characters: fixed cases, and
    /// 50,000 random patterns (with `*`, `?` and a character of two bytes) against random
    /// texts and texts made from the pattern, with and without wildcards.
    #[test]
    fn cannot_match_by_bytes_as_by_chars() {
        let fixed = [
            ("", ""),
            ("", "a"),
            ("*", ""),
            ("?", "é"),
            ("aa", "aaa"),
            ("a*a", "a"),
            ("é*", "é"),
            ("*é?", "xéy"),
            (
                "arn:aws:iam::*:role/team-1-*",
                "arn:aws:iam::1:role/team-1-x",
            ),
            ("*:ci-1-*", "AROA:ci-2-x"),
            ("**", "b"),
            ("a?*?b", "ab"),
        ];
        for (p, t) in fixed {
            for w in [true, false] {
                assert_eq!(
                    cannot_match(p, t, w),
                    cannot_match_by_chars(p, t, w),
                    "{p:?} {t:?}"
                );
            }
        }
        let mut next = crate::test_random::xorshift_usize(0x5851_f42d_4c95_7f2d);
        let pieces = ["a", "b", "ab", ":", "*", "?", "é", "-", "ba"];
        let word = |n: usize, next: &mut dyn FnMut(usize) -> usize| -> String {
            (0..n).map(|_| pieces[next(pieces.len())]).collect()
        };
        let mut differ = 0;
        for _ in 0..50_000 {
            let n = next(7);
            let p = word(n, &mut next);
            let t = if next(2) == 0 {
                let fill = word(next(3), &mut next);
                p.replace('*', &fill).replace('?', "é")
            } else {
                let n = next(8);
                word(n, &mut next)
            };
            for w in [true, false] {
                let cannot = cannot_match(&p, &t, w);
                assert_eq!(cannot, cannot_match_by_chars(&p, &t, w), "{p:?} {t:?} {w}");
                differ += usize::from(cannot);
            }
        }
        assert!(differ > 10_000 && differ < 90_000, "{differ}");
    }

    /// The checks of a witness against a deny's constraints, with the patterns' letters read
    /// first, answer as the automata answer ([`Test::eval_by_automaton`]), and so does
    /// [`Constraint::holds`]: fixed cases and 20,000 random constraints (one to three patterns
    /// or values of `StringLike`, `StringEquals` and their negations, with and without
    /// qualifiers and `IfExists`, and an ARN pattern) against random values, missing, empty,
    /// one or two, and each value alone.
    #[test]
    fn quick_holds_as_the_automaton() {
        for (p, t, cannot) in [
            (
                "arn:aws:iam::*:role/team-1-*",
                "arn:aws:iam::1:user/unnamed-user",
                true,
            ),
            (
                "arn:aws:iam::*:role/team-1-*",
                "arn:aws:iam::1:role/team-1-x",
                false,
            ),
            ("ab*ba", "aba", true),
            ("a?", "a", false),
            ("*", "", false),
            ("?", "", false),
            ("a*", "ba", true),
            ("*a", "ab", true),
        ] {
            assert_eq!(cannot_match(p, t, true), cannot, "{p:?} {t:?}");
        }
        let mut next = crate::test_random::xorshift_usize(0x2545_f491_4f6c_dd1d);
        let pieces = ["a", "b", "ab", ":", "/", "*", "?", "team-", "é"];
        let operators = [
            "StringLike",
            "StringNotLike",
            "StringEquals",
            "StringNotEquals",
            "ForAnyValue:StringLike",
            "ForAllValues:StringNotLike",
            "StringLikeIfExists",
            "StringNotEqualsIfExists",
            "ArnLike",
        ];
        let mut word =
            |n: usize| -> String { (0..n).map(|_| pieces[next(pieces.len())]).collect() };
        let mut cases: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
        let mut pick = crate::test_random::xorshift_usize(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let operator = operators[pick(operators.len())].to_owned();
            let patterns: Vec<String> = (0..1 + pick(3)).map(|_| word(pick(5))).collect();
            let values: Vec<String> = (0..pick(3))
                .map(|_| {
                    // Often a value made from a pattern, its wildcards filled.
                    if pick(2) == 0 {
                        let p = &patterns[pick(patterns.len())];
                        p.replace('*', &word(pick(3))).replace('?', "b")
                    } else {
                        word(pick(6))
                    }
                })
                .collect();
            cases.push((operator, patterns, values));
        }
        let mut told = 0;
        for (operator, patterns, values) in &cases {
            let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
            let c = Constraint::lower(&cond(operator, "aws:PrincipalArn", &patterns), false);
            let by_automaton = |v| c.holds_by(v, |x| c.test.eval_by_automaton(x));
            let each = values.iter().map(|v| Some(std::slice::from_ref(v)));
            for v in [None, Some(&values[..])].into_iter().chain(each) {
                let expected = by_automaton(v);
                assert_eq!(
                    holds_quickly(&c, v),
                    expected,
                    "{operator} {patterns:?} {v:?}"
                );
                assert_eq!(c.holds(v), expected, "{operator} {patterns:?} {v:?}");
            }
            for v in values {
                for p in &patterns {
                    assert_eq!(
                        find(v.as_bytes(), p.as_bytes()),
                        v.find(p),
                        "{p:?} in {v:?}"
                    );
                }
                if patterns.iter().all(|p| cannot_match(p, v, true)) {
                    told += 1;
                    assert!(
                        !crate::text::Nfa::strings(patterns.iter().copied(), true, false)
                            .matches(v),
                        "{patterns:?} {v:?}"
                    );
                }
            }
        }
        assert!(told > 2_000, "{told} values told by their letters");
    }

    /// The dead-statement check's cheaper steps (the tests read from the conditions, the
    /// remembered caller refilled from a statement's patterns) answer as the reference, for
    /// every statement and class of 300 random policies, asked in order and then backwards
    /// (the memories of earlier questions differ), and of the shapes they were made for: a
    /// deny by pattern after another, on principal ARNs, user names, sessions, accounts and
    /// organizations.
    #[test]
    fn live_answers_as_the_reference() {
        let mut next = crate::test_random::xorshift(0x9e37_79b9_7f4a_7c15);
        let operators = [
            "StringLike",
            "StringNotLike",
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "ArnLike",
            "ArnNotLike",
            "ArnEquals",
            "ForAnyValue:StringLike",
            "StringLikeIfExists",
            "Null",
        ];
        let keys = [
            "aws:PrincipalArn",
            "aws:PrincipalAccount",
            "aws:username",
            "aws:userid",
            "aws:PrincipalOrgID",
            "aws:PrincipalType",
            "aws:PrincipalServiceName",
        ];
        let pieces = [
            "arn:aws:iam::",
            "*",
            "?",
            ":",
            "111122223333",
            "444455556666",
            "99999999999?",
            ":role/",
            ":user/",
            "team-",
            "ci-",
            "/",
            "AROA",
            "x",
            "o-",
            "${aws:username}",
        ];
        let principals = [
            "*",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::444455556666:role/deploy",
            "arn:aws:iam::444455556666:user/u",
            "444455556666",
        ];
        let mut policies = Vec::new();
        // The shapes: denies of one pattern each, after an allow of everyone.
        for (key, pattern) in [
            ("aws:PrincipalArn", "arn:aws:iam::*:role/team-{i}-*"),
            ("aws:PrincipalArn", "arn:aws:iam::*:user/ci/{i}/*"),
            ("aws:username", "ci-{i}-*"),
            ("aws:userid", "*:ci-{i}-*"),
            ("aws:PrincipalAccount", "10000000000{i}"),
            ("aws:PrincipalOrgID", "o-{i}*"),
            ("aws:PrincipalOrgID", "o-{i}?bcdefghij"),
        ] {
            for op in ["StringLike", "ArnLike", "StringNotLike"] {
                let mut statements = vec![statement(Effect::Allow, &["*"], vec![])];
                for i in 1..6 {
                    let value = pattern.replace("{i}", &i.to_string());
                    statements.push(statement(
                        Effect::Deny,
                        &["*"],
                        vec![
                            cond(op, key, &[&value]),
                            cond("StringNotLike", "aws:userid", &[&format!("*:ci-{i}-*")]),
                        ],
                    ));
                }
                policies.push(statements);
            }
        }
        for _ in 0..300 {
            let statements = (0..1 + next(6))
                .map(|_| {
                    let conditions = (0..next(4))
                        .map(|_| {
                            let values: Vec<String> = (0..1 + next(2))
                                .map(|_| {
                                    (0..1 + next(6))
                                        .map(|_| pieces[next(pieces.len() as u64) as usize])
                                        .collect()
                                })
                                .collect();
                            let values: Vec<&str> = values.iter().map(String::as_str).collect();
                            let op = operators[next(operators.len() as u64) as usize];
                            let values = if op == "Null" {
                                vec![["true", "false"][next(2) as usize]]
                            } else {
                                values
                            };
                            cond(op, keys[next(keys.len() as u64) as usize], &values)
                        })
                        .collect();
                    let effect = [Effect::Allow, Effect::Deny][next(2) as usize];
                    let who = principals[next(principals.len() as u64) as usize];
                    statement(effect, &[who], conditions)
                })
                .collect();
            policies.push(statements);
        }
        let (mut asked, mut live_ones) = (0, 0);
        for (k, statements) in policies.into_iter().enumerate() {
            let policy = Policy {
                variables: k % 2 == 0,
                statements,
            };
            let options = Options {
                owner: Some("111122223333".to_owned()),
                ..Options::default()
            };
            let analyzer = Analyzer::new(&policy, &options);
            let n = analyzer.repository.len();
            for pass in 0..2 {
                for at in 0..n {
                    let s = &analyzer.repository[if pass == 0 { at } else { n - 1 - at }];
                    let cs: Vec<&Constraint> = s.constraints.iter().collect();
                    for (i, class) in analyzer.classes.iter().enumerate() {
                        if principal_match(s.principal.as_ref(), class) == Match::No {
                            continue;
                        }
                        let who = &analyzer.whos[i];
                        let fast = live(who, &cs);
                        assert_eq!(
                            fast,
                            live_reference(who, &cs),
                            "policy {k} statement {} {class:?}",
                            s.index
                        );
                        asked += 1;
                        live_ones += usize::from(fast);
                    }
                }
            }
            assert_eq!(
                analyzer.dead_statements(),
                analyzer.dead_statements_reference()
            );
        }
        assert!(asked > 5_000 && live_ones > 1_000, "{asked} {live_ones}");
    }
}
