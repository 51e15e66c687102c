//! The decision: allowed, explicitly denied or implicitly denied, and why.

use std::borrow::Cow;
use std::fmt;

use policy_catalogue::ConditionOperator;

use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::kinds::{AnyPolicy, IdentityPolicy, PublicRepositoryPolicy, RegistryPolicy};
use crate::model::policy::RepositoryPolicy;
use crate::model::version::Effect;

use super::condition::{ContextSource, Lookup, Tri};
use super::keys::CallerKeys;
use super::prepared::{PreparedPolicy, PreparedStatement};
use super::principal_match::{element_cover, PrincipalMatch};
use super::request::{repository_policy_consulted, Caller, Request, RequestAction};
use super::why::{Applies, HeldCondition};

/// The answer to "may this caller do this action on this repository?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Allowed.
    Allowed,
    /// A `Deny` statement applies: nothing can allow it.
    ExplicitlyDenied,
    /// No combination of `Allow` statements that AWS requires applies.
    ImplicitlyDenied,
}

impl Outcome {
    /// Whether the request is allowed.
    #[must_use]
    pub const fn is_allowed(self) -> bool {
        matches!(self, Outcome::Allowed)
    }

    /// `"allowed"`, `"explicitly denied"` or `"implicitly denied"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::ExplicitlyDenied => "explicitly denied",
            Outcome::ImplicitlyDenied => "implicitly denied",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Outcome {
    type Err = policy_catalogue::RuleViolation;

    /// The outcome of its text, [`Outcome::as_str`].
    ///
    /// ```
    /// use policy_core::eval::Outcome;
    /// assert_eq!("explicitly denied".parse::<Outcome>()?, Outcome::ExplicitlyDenied);
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Outcome::Allowed,
            Outcome::ExplicitlyDenied,
            Outcome::ImplicitlyDenied,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
        .ok_or_else(|| {
            policy_catalogue::RuleViolation::new(
                "outcome",
                "\"allowed\", \"explicitly denied\" or \"implicitly denied\"",
                s,
                "is not an outcome",
            )
        })
    }
}

#[cfg(feature = "serde")]
crate::model::serde_text::text_serde! {
    Outcome => "\"allowed\", \"explicitly denied\" or \"implicitly denied\"",
}

/// Which rule of AWS's evaluation logic (ECR-FACTS section 5) produced the outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// A `Deny` statement of either policy applies; an explicit deny wins over every allow.
    ExplicitDeny,
    /// Same account: the repository policy names the caller (or `"*"`), which is enough.
    SameAccountRepositoryAllow,
    /// Same account: the caller's identity policy allows, which is enough.
    SameAccountIdentityAllow,
    /// Across accounts: both the identity policy and the repository policy allow.
    CrossAccountBothAllow,
    /// The action has no resource (`ecr:GetAuthorizationToken`, ...) and the identity policy
    /// allows it on `"Resource": "*"`, which is all it takes, from any account.
    IdentityAllowsActionWithoutResource,
    /// A service principal: the repository policy allows it, which is enough.
    ServiceRepositoryAllow,
    /// The root user of the repository's account may do anything not explicitly denied.
    RootOfRepositoryAccount,
    /// The root user of another account: the repository policy allows its account.
    CrossAccountRootRepositoryAllow,
    /// No statement allows the request.
    NoAllow,
    /// Same account: the repository policy allows only the caller's whole account
    /// (`:root`), which delegates to the account's identity policies, and none allows.
    AccountGrantNeedsIdentityAllow,
    /// Across accounts: the repository policy allows, but the caller's identity policy
    /// does not.
    CrossAccountNoIdentityAllow,
    /// Across accounts: the identity policy allows, but the repository policy does not
    /// allow the caller.
    CrossAccountNoRepositoryAllow,
    /// The action has no resource (`ecr:GetAuthorizationToken`, ...): only an identity policy
    /// allowing it on `"Resource": "*"` can grant it, and none does.
    ActionNeedsIdentityPolicy,
    /// Same account: the registry policy names the caller, which is enough.
    SameAccountRegistryAllow,
    /// Across accounts: the identity policy and the registry policy both allow.
    CrossAccountIdentityAndRegistryAllow,
    /// The root user of another account, as the source account of cross-account replication
    /// is: the registry policy allows its account.
    CrossAccountRootRegistryAllow,
    /// A service principal: the registry policy allows it, which is enough.
    ServiceRegistryAllow,
    /// Same account: the registry policy allows only the caller's whole account (`:root`),
    /// which delegates to the account's identity policies, and none allows.
    RegistryAccountGrantNeedsIdentityAllow,
    /// Across accounts: the registry policy allows, but the caller's identity policy does not.
    CrossAccountRegistryNoIdentityAllow,
    /// Across accounts: the identity policy allows, but neither the registry policy nor a
    /// repository policy AWS consults for the action allows the caller.
    CrossAccountNoRegistryAllow,
}

impl Reason {
    /// The rule in words.
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Reason::ExplicitDeny => "an explicit Deny applies, and a Deny wins over every Allow",
            Reason::SameAccountRepositoryAllow => {
                "same account: the repository policy allows the caller, which is enough"
            }
            Reason::SameAccountIdentityAllow => {
                "same account: the identity policy allows, which is enough"
            }
            Reason::CrossAccountBothAllow => {
                "another account: the identity policy and the repository policy both allow"
            }
            Reason::IdentityAllowsActionWithoutResource => {
                "the action has no resource, and the identity policy allows it on \"Resource\": \"*\""
            }
            Reason::ServiceRepositoryAllow => {
                "a service principal: the repository policy allows it, which is enough"
            }
            Reason::RootOfRepositoryAccount => {
                "the root user of the repository's account may do anything not denied"
            }
            Reason::CrossAccountRootRepositoryAllow => {
                "the root user of another account: the repository policy allows its account"
            }
            Reason::NoAllow => "no statement allows the request",
            Reason::AccountGrantNeedsIdentityAllow => {
                "the repository policy allows only the caller's whole account (:root), which leaves the decision to the account's identity policies, and none allows"
            }
            Reason::CrossAccountNoIdentityAllow => {
                "another account: the repository policy allows, but the caller's identity policy must allow too, and it does not"
            }
            Reason::CrossAccountNoRepositoryAllow => {
                "another account: the identity policy allows, but the repository policy must allow the caller too, and it does not"
            }
            Reason::ActionNeedsIdentityPolicy => {
                "the action has no resource: only an identity policy allowing it on \"Resource\": \"*\" can grant it, and none does"
            }
            Reason::SameAccountRegistryAllow => {
                "same account: the registry policy allows the caller, which is enough"
            }
            Reason::CrossAccountIdentityAndRegistryAllow => {
                "another account: the identity policy and the registry policy both allow"
            }
            Reason::CrossAccountRootRegistryAllow => {
                "the root user of another account (the source of replication): the registry policy allows its account"
            }
            Reason::ServiceRegistryAllow => {
                "a service principal: the registry policy allows it, which is enough"
            }
            Reason::RegistryAccountGrantNeedsIdentityAllow => {
                "the registry policy allows only the caller's whole account (:root), which leaves the decision to the account's identity policies, and none allows"
            }
            Reason::CrossAccountRegistryNoIdentityAllow => {
                "another account: the registry policy allows, but the caller's identity policy must allow too, and it does not"
            }
            Reason::CrossAccountNoRegistryAllow => {
                "another account: the identity policy allows, but the registry policy (or a repository policy, where AWS consults one for the action) must allow the caller too, and none does"
            }
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A statement of one of the policies: its policy, position and Sid.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StatementRef {
    /// The policy.
    pub policy: PolicyKind,
    /// Position in the policy's `Statement` list, from 0.
    pub index: usize,
    /// The Sid, if the statement has one.
    pub sid: Option<String>,
    /// A short description, shown for a statement without a Sid: the effect, the principal
    /// and the actions in brief (`Deny *: ecr:DeleteRepository, ecr:BatchDeleteImage`).
    pub description: String,
    /// `Allow` or `Deny`.
    pub effect: Effect,
}

impl StatementRef {
    pub(crate) fn of(policy: PolicyKind, s: &PreparedStatement<'_>) -> Self {
        StatementRef {
            policy,
            index: s.index,
            sid: s.sid().map(str::to_owned),
            description: s.description(),
            effect: s.effect,
        }
    }
}

impl fmt::Display for StatementRef {
    /// `repository policy statement "AllowPull" (#0, Allow)`, or without a Sid
    /// `repository policy statement #1 (Deny *: ecr:DeleteRepository)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} statement ", self.policy)?;
        match &self.sid {
            Some(sid) => write!(f, "{sid:?} (#{}, {})", self.index, self.effect),
            None => write!(f, "#{} ({})", self.index, self.description),
        }
    }
}

/// A part of a statement that does not match the request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mismatch {
    /// `Principal`/`NotPrincipal` does not cover the caller (its ARN is given).
    Principal {
        /// The caller.
        caller: String,
    },
    /// `Action`/`NotAction` does not cover the action.
    Action {
        /// The action.
        action: String,
    },
    /// `Resource`/`NotResource` does not cover the resource (`*` for actions without one).
    Resource {
        /// The resource.
        resource: String,
    },
    /// A condition test is false.
    Condition {
        /// Position of the test in the statement's conditions, from 0.
        index: usize,
        /// The operator.
        operator: ConditionOperator,
        /// The key as written.
        key: String,
        /// The policy values.
        values: Vec<String>,
        /// The request's values of the key, `None` when the request does not have it.
        found: Option<Vec<String>>,
    },
    /// The action has no resource, so a repository policy cannot grant or deny it.
    NotARepositoryAction,
    /// AWS does not consult this policy for the action (a registry policy of scope V1
    /// outside the actions it enforces, a repository policy for `ecr:CreateRepository`).
    NotConsulted {
        /// Why, in words.
        reason: &'static str,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Principal { caller } => write!(f, "principal: does not cover {caller}"),
            Mismatch::Action { action } => write!(f, "action: does not cover {action}"),
            Mismatch::Resource { resource } => write!(f, "resource: does not cover {resource}"),
            Mismatch::Condition {
                index,
                operator,
                key,
                values,
                found,
            } => {
                write!(f, "condition #{index} {operator} {key} {values:?}: ")?;
                match found {
                    None => write!(f, "the request has no {key}"),
                    Some(v) => write!(f, "false for {key} = {v:?}"),
                }
            }
            Mismatch::NotARepositoryAction => f.write_str(
                "the action has no resource, so a repository policy does not apply to it",
            ),
            Mismatch::NotConsulted { reason } => write!(f, "not consulted: {reason}"),
        }
    }
}

/// What one statement did with the request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StatementReport {
    /// The statement.
    pub statement: StatementRef,
    /// `Ok` with why the statement applies (how the principal covers the caller, why each
    /// condition holds), or the parts that did not match.
    pub result: Result<Applies, Vec<Mismatch>>,
}

impl fmt::Display for StatementReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.statement)?;
        match &self.result {
            Ok(applies) => {
                f.write_str("applies")?;
                if applies.principal == PrincipalMatch::Account {
                    f.write_str(", through the caller's account")?;
                }
                if let Some(cover) = &applies.principal_cover {
                    write!(f, "\n      {cover}")?;
                }
                for c in &applies.conditions {
                    write!(f, "\n      {c}")?;
                }
                Ok(())
            }
            Err(parts) => {
                f.write_str("does not apply: ")?;
                for (i, m) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{m}")?;
                }
                Ok(())
            }
        }
    }
}

/// A decision with its explanation. Its `Display` is a readable report.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decision {
    /// Allowed, explicitly denied or implicitly denied.
    pub outcome: Outcome,
    /// The rule that produced the outcome.
    pub reason: Reason,
    /// The statements that decided: the `Deny` statements that apply, or the `Allow`
    /// statements the outcome rests on (for an implicit deny, those that applied without
    /// being enough).
    pub deciding: Vec<StatementRef>,
    /// Every statement of both policies, in order, with what it did.
    pub statements: Vec<StatementReport>,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.outcome, self.reason)?;
        if !self.deciding.is_empty() {
            f.write_str("\n  decided by:")?;
            for s in &self.deciding {
                write!(f, "\n    {s}")?;
            }
        }
        f.write_str("\n  statements:")?;
        for r in &self.statements {
            write!(f, "\n    {r}")?;
        }
        Ok(())
    }
}

/// Decides requests against a repository policy and, optionally, the caller's identity
/// policy, without calling AWS (ECR-FACTS section 5):
///
/// - an explicit `Deny` in either policy wins;
/// - same account: an `Allow` in either policy is enough, except that a repository policy
///   naming the account (`:root`) only delegates to the account's identity policies;
/// - across accounts: both must allow (the repository policy naming the caller or its
///   account);
/// - a service principal gets access from the repository policy alone;
/// - an action without a resource (`ecr:GetAuthorizationToken`) only from an identity policy
///   with `"Resource": "*"`;
/// - the root user of the repository's account may do anything not denied.
///
/// Policies are read once; [`decide`](Evaluator::decide) then answers without allocating and
/// [`explain`](Evaluator::explain) says why. The evaluator borrows a policy given by
/// reference (`Evaluator::new(&policy)`, which copies nothing) and keeps one given by value
/// (`Evaluator::new(policy)`, an `Evaluator<'static>`); see [`EvaluatedPolicy`]. Not modelled: SCPs, permission boundaries,
/// session policies, VPC endpoint policies, and policy variables (`${aws:username}` is
/// compared as written).
///
/// ```
/// use policy_core::eval::{Caller, Evaluator, Outcome, Request};
/// use policy_core::{AccountId, Action, Bundle, RepositoryPolicy, StatementBuilder, UserName};
///
/// let account = AccountId::new("123456789012")?;
/// let policy = RepositoryPolicy::builder()
///     .account(account.clone())
///     .statement(StatementBuilder::allow().user(UserName::new("ci")?).bundle(Bundle::Pull))
///     .build()?;
/// let evaluator = Evaluator::new(&policy);
/// let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app".parse()?;
/// let ci = Caller::user(account, UserName::new("ci")?);
///
/// let pull = Request::new(ci.clone(), Action::BatchGetImage, repo);
/// assert_eq!(evaluator.decide(&pull), Outcome::Allowed);
///
/// let push = Request::new(ci, Action::PutImage, pull.repository().clone());
/// let decision = evaluator.explain(&push);
/// assert_eq!(decision.outcome, Outcome::ImplicitlyDenied);
/// assert!(decision.to_string().contains("action: does not cover ecr:PutImage"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// An evaluator kept in a struct names its lifetime: `Evaluator<'a>` when it borrows the
/// policies, `Evaluator<'static>` when it was given them by value.
#[derive(Clone, Debug)]
pub struct Evaluator<'a> {
    repository: PreparedPolicy<'a>,
    identity: Option<PreparedPolicy<'a>>,
}

/// A policy an [`Evaluator`] reads: a reference to any policy type (borrowed for the
/// evaluator's lifetime `'a`, nothing copied), or a policy document or policy type by value
/// (kept by the evaluator, which then borrows nothing).
///
/// ```
/// use policy_core::eval::Evaluator;
/// use policy_core::{AccountId, Bundle, RepositoryPolicy, StatementBuilder, UserName};
///
/// let policy = RepositoryPolicy::builder()
///     .account(AccountId::new("123456789012")?)
///     .statement(StatementBuilder::allow().user(UserName::new("ci")?).bundle(Bundle::Pull))
///     .build()?;
/// let borrowing: Evaluator<'_> = Evaluator::new(&policy);
/// let owning: Evaluator<'static> = Evaluator::new(policy.clone());
/// # let _ = (borrowing, owning);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait EvaluatedPolicy<'a> {
    /// The document, borrowed or owned.
    fn into_document(self) -> Cow<'a, PolicyDocument>;
}

impl<'a, P: AsRef<PolicyDocument> + ?Sized> EvaluatedPolicy<'a> for &'a P {
    fn into_document(self) -> Cow<'a, PolicyDocument> {
        Cow::Borrowed(self.as_ref())
    }
}

impl<'a> EvaluatedPolicy<'a> for PolicyDocument {
    fn into_document(self) -> Cow<'a, PolicyDocument> {
        Cow::Owned(self)
    }
}

macro_rules! owned_policies {
    ($($ty:ty),*) => {$(
        impl<'a> EvaluatedPolicy<'a> for $ty {
            fn into_document(self) -> Cow<'a, PolicyDocument> {
                Cow::Owned(<$ty>::into_document(self))
            }
        }
    )*};
}

owned_policies!(
    RepositoryPolicy,
    AnyPolicy,
    IdentityPolicy,
    PublicRepositoryPolicy,
    RegistryPolicy
);

/// What the statements that apply add up to.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    deny: bool,
    repository_allow: Option<PrincipalMatch>,
    identity_allow: bool,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for a repository policy (a [`RepositoryPolicy`] or any [`PolicyDocument`],
    /// for example one read from JSON that carries a `Resource`), by reference or by value.
    #[must_use]
    pub fn new(repository_policy: impl EvaluatedPolicy<'a>) -> Self {
        Evaluator {
            repository: PreparedPolicy::of(
                PolicyKind::Repository,
                repository_policy.into_document(),
            ),
            identity: None,
        }
    }

    /// Adds the caller's identity policy (statements with `Resource`, no `Principal`).
    /// Without one, callers are taken to have no identity-policy permissions.
    #[must_use]
    pub fn with_identity_policy(mut self, identity_policy: impl EvaluatedPolicy<'a>) -> Self {
        self.identity = Some(PreparedPolicy::of(
            PolicyKind::Identity,
            identity_policy.into_document(),
        ));
        self
    }

    fn policies(&self) -> impl Iterator<Item = &PreparedPolicy<'a>> {
        std::iter::once(&self.repository).chain(self.identity.as_ref())
    }

    /// Decides the request.
    #[must_use]
    pub fn decide(&self, request: &Request) -> Outcome {
        let mut tally = Tally::default();
        // A repository policy takes part only in actions on a repository it can grant (its
        // Deny statements in ecr:ReplicateImage), an identity policy only for IAM users and
        // role sessions (`considered`).
        if request.repository_denies && tally.scan(&self.repository, request) {
            return Outcome::ExplicitlyDenied;
        }
        if let Some(identity) = &self.identity {
            if request.caller.has_identity_policies() && tally.scan(identity, request) {
                return Outcome::ExplicitlyDenied;
            }
        }
        conclude(&tally, request).0
    }

    /// Decides the request and explains the decision statement by statement.
    #[must_use]
    pub fn explain(&self, request: &Request) -> Decision {
        explain(
            self.policies(),
            request,
            |kind, effect| {
                if !considered(kind, request) {
                    Err(Mismatch::NotARepositoryAction)
                } else if kind == PolicyKind::Identity {
                    Ok(())
                } else {
                    repository_policy_consulted(&request.action, effect)
                        .map_err(|reason| Mismatch::NotConsulted { reason })
                }
            },
            |tally: &Tally| conclude(tally, request),
            |reason, s, m| match reason {
                Reason::SameAccountRepositoryAllow => {
                    m != PrincipalMatch::Account && s.policy != PolicyKind::Identity
                }
                Reason::SameAccountIdentityAllow => s.policy != PolicyKind::Repository,
                _ => true,
            },
        )
    }
}

/// What an evaluator's statements that apply add up to.
pub(super) trait Tallies: Default {
    /// Counts a statement of `kind` that applies, covering the caller as `m`.
    fn add(&mut self, kind: PolicyKind, effect: Effect, m: PrincipalMatch);
}

/// Decides the request and explains it statement by statement, in the order of `policies`:
/// the explanation of every evaluator. `consulted` says whether AWS consults the statements
/// of `effect` of a policy of a kind for the request, and if not, what the report says;
/// `conclude` decides from the tally; `rests_on` says whether an applying `Allow` statement,
/// covering the caller as given, is one an allowed outcome for its reason rests on.
pub(super) fn explain<'p, 'a: 'p, T: Tallies>(
    policies: impl IntoIterator<Item = &'p PreparedPolicy<'a>>,
    request: &Request,
    consulted: impl Fn(PolicyKind, Effect) -> Result<(), Mismatch>,
    conclude: impl FnOnce(&T) -> (Outcome, Reason),
    rests_on: impl Fn(Reason, &StatementRef, PrincipalMatch) -> bool,
) -> Decision {
    let mut tally = T::default();
    let mut statements = Vec::new();
    let mut applying: Vec<(StatementRef, PrincipalMatch)> = Vec::new();
    for policy in policies {
        for s in &policy.statements {
            let statement = StatementRef::of(policy.kind, s);
            let result = match consulted(policy.kind, s.effect) {
                Err(skipped) => Err(vec![skipped]),
                Ok(()) => {
                    let found = mismatches(policy.kind, s, request);
                    if found.is_empty() {
                        let m = s.principal_match(policy.kind, &request.caller);
                        tally.add(policy.kind, s.effect, m);
                        applying.push((statement.clone(), m));
                        Ok(why(policy.kind, s, request, m))
                    } else {
                        Err(found)
                    }
                }
            };
            statements.push(StatementReport { statement, result });
        }
    }
    let (outcome, reason) = conclude(&tally);
    let deciding = applying
        .into_iter()
        .filter(|(s, m)| match outcome {
            Outcome::ExplicitlyDenied => s.effect == Effect::Deny,
            Outcome::Allowed => s.effect == Effect::Allow && rests_on(reason, s, *m),
            Outcome::ImplicitlyDenied => s.effect == Effect::Allow,
        })
        .map(|(s, _)| s)
        .collect();
    Decision {
        outcome,
        reason,
        deciding,
        statements,
    }
}

impl Tally {
    /// Adds the statements of a policy that apply to the request; true as soon as a `Deny`
    /// does, which decides.
    #[inline(always)]
    fn scan(&mut self, policy: &PreparedPolicy<'_>, request: &Request) -> bool {
        let kind = policy.kind;
        let identity = kind == PolicyKind::Identity;
        // A repository policy's Allow statements are left out of the actions it cannot grant.
        let allows = identity || request.repository_allows;
        let keys = &request.keys;
        let ecr = match &request.action {
            RequestAction::Ecr(a) => Some(a.index()),
            RequestAction::Other(_) => None,
        };
        for s in &policy.statements {
            // The two quick tests first: most statements are about other actions or other
            // principals.
            let action = match ecr {
                Some(index) => s.covers_ecr_action(index),
                None => s.covers_action(&request.action),
            };
            if !action || !(identity || s.may_cover(keys)) || (!allows && s.effect == Effect::Allow)
            {
                continue;
            }
            let m = applies_keyed(kind, s, request, keys);
            if m != PrincipalMatch::No {
                self.add(kind, s.effect, m);
                if self.deny {
                    return true;
                }
            }
        }
        false
    }
}

impl Tallies for Tally {
    fn add(&mut self, kind: PolicyKind, effect: Effect, m: PrincipalMatch) {
        match (effect, kind) {
            (Effect::Deny, _) => self.deny = true,
            // The evaluator prepares only repository and identity policies; the other
            // resource-based kinds would count as the resource's policy.
            (
                Effect::Allow,
                PolicyKind::Repository | PolicyKind::Registry | PolicyKind::PublicRepository,
            ) => {
                self.repository_allow = self.repository_allow.max(Some(m));
            }
            (Effect::Allow, PolicyKind::Identity) => self.identity_allow = true,
        }
    }
}

/// Whether a policy takes part in deciding the request: a repository policy only for actions
/// on a repository; an identity policy only for IAM users and role sessions.
fn considered(kind: PolicyKind, request: &Request) -> bool {
    match kind {
        PolicyKind::Repository | PolicyKind::Registry | PolicyKind::PublicRepository => {
            request.on_repository
        }
        PolicyKind::Identity => request.caller.has_identity_policies(),
    }
}

fn target(request: &Request) -> &str {
    if request.on_repository {
        request.repository.as_str()
    } else {
        "*"
    }
}

/// How the statement applies to the request: `No` when it does not.
pub(super) fn applies(
    kind: PolicyKind,
    s: &PreparedStatement<'_>,
    request: &Request,
) -> PrincipalMatch {
    if !s.covers_action(&request.action) {
        return PrincipalMatch::No;
    }
    applies_keyed(kind, s, request, &request.keys)
}

/// How a statement that covers the action applies to the request: `No` when it does not.
#[inline]
fn applies_keyed(
    kind: PolicyKind,
    s: &PreparedStatement<'_>,
    request: &Request,
    keys: &CallerKeys,
) -> PrincipalMatch {
    let m = s.principal_match_keyed(kind, &request.caller, keys);
    if m == PrincipalMatch::No
        || !s.covers_resource(kind, target(request))
        || s.conditions_hold(request) != Tri::True
    {
        return PrincipalMatch::No;
    }
    m
}

pub(super) fn mismatches(
    kind: PolicyKind,
    s: &PreparedStatement<'_>,
    request: &Request,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if s.principal_match(kind, &request.caller) == PrincipalMatch::No {
        out.push(Mismatch::Principal {
            caller: request.caller.arn(),
        });
    }
    if !s.covers_action(&request.action) {
        out.push(Mismatch::Action {
            action: request.action.as_str().to_owned(),
        });
    }
    let target = target(request);
    if !s.covers_resource(kind, target) {
        out.push(Mismatch::Resource {
            resource: target.to_owned(),
        });
    }
    for (index, c) in s.conditions().enumerate() {
        if c.evaluate(request) != Tri::True {
            let found = match ContextSource::lookup(request, c.key) {
                Lookup::Values(v) => Some(v.iter().map(|v| v.as_str().to_owned()).collect()),
                _ => None,
            };
            out.push(Mismatch::Condition {
                index,
                operator: c.operator,
                key: c.key.to_owned(),
                values: c.texts().map(str::to_owned).collect(),
                found,
            });
        }
    }
    out
}

/// Why a statement that applies does.
pub(super) fn why(
    kind: PolicyKind,
    s: &PreparedStatement<'_>,
    request: &Request,
    m: PrincipalMatch,
) -> Applies {
    let principal_cover = match kind {
        PolicyKind::Identity => None,
        PolicyKind::Repository | PolicyKind::Registry | PolicyKind::PublicRepository => s
            .principal()
            .and_then(|p| element_cover(p, &request.caller)),
    };
    let conditions = s
        .conditions()
        .enumerate()
        .filter_map(|(index, c)| {
            let rule = c.rule_that_holds(request)?;
            Some(HeldCondition {
                index,
                operator: c.operator,
                key: c.key.to_owned(),
                values: c.texts().map(str::to_owned).collect(),
                found: request
                    .lookup(c.key)
                    .map(|v| v.iter().map(|v| v.as_str().to_owned()).collect()),
                rule,
            })
        })
        .collect();
    Applies {
        principal: m,
        principal_cover,
        conditions,
    }
}

fn conclude(tally: &Tally, request: &Request) -> (Outcome, Reason) {
    use Outcome::{Allowed, ExplicitlyDenied, ImplicitlyDenied};
    if tally.deny {
        return (ExplicitlyDenied, Reason::ExplicitDeny);
    }
    let repo = tally.repository_allow;
    // Worked out with the request: whether the caller's account owns the repository.
    let same = request.same_account;
    match &request.caller {
        Caller::Service(_) => match repo {
            Some(_) => (Allowed, Reason::ServiceRepositoryAllow),
            None => (ImplicitlyDenied, Reason::NoAllow),
        },
        Caller::Root { .. } if same => (Allowed, Reason::RootOfRepositoryAccount),
        Caller::Root { .. } => match repo {
            Some(_) => (Allowed, Reason::CrossAccountRootRepositoryAllow),
            None if !request.on_repository => (ImplicitlyDenied, Reason::ActionNeedsIdentityPolicy),
            None => (ImplicitlyDenied, Reason::NoAllow),
        },
        _ if !request.on_repository => {
            if tally.identity_allow {
                (Allowed, Reason::IdentityAllowsActionWithoutResource)
            } else {
                (ImplicitlyDenied, Reason::ActionNeedsIdentityPolicy)
            }
        }
        _ => {
            let identity = tally.identity_allow;
            match (same, identity, repo) {
                (true, _, Some(PrincipalMatch::Direct)) => {
                    (Allowed, Reason::SameAccountRepositoryAllow)
                }
                (true, true, _) => (Allowed, Reason::SameAccountIdentityAllow),
                (false, true, Some(_)) => (Allowed, Reason::CrossAccountBothAllow),
                (true, false, Some(_)) => {
                    (ImplicitlyDenied, Reason::AccountGrantNeedsIdentityAllow)
                }
                (false, false, Some(_)) => (ImplicitlyDenied, Reason::CrossAccountNoIdentityAllow),
                (false, true, None) => (ImplicitlyDenied, Reason::CrossAccountNoRepositoryAllow),
                (_, false, None) => (ImplicitlyDenied, Reason::NoAllow),
            }
        }
    }
}
