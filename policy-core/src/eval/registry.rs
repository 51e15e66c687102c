//! Decisions in which a private registry's policy takes part: cross-account replication,
//! pull through cache and, under the registry policy scope V2, every ECR action on a
//! repository of the registry.
//!
//! See [`RegistryEvaluator`] for the rules and the AWS pages they rest on.

use std::borrow::Cow;

use policy_catalogue::Action;

use crate::model::arn::RepositoryArn;
use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::kinds::RegistryPolicyScope;
use crate::model::names::AccountId;
use crate::model::version::Effect;

use super::decision::{applies, explain, Decision, Mismatch, Outcome, Reason, Tallies};
use super::prepared::PreparedPolicy;
use super::principal_match::PrincipalMatch;
use super::request::{repository_policy_consulted, Caller, Request, RequestAction, NO_RESOURCE};

/// Decides requests on a private registry's repositories against its registry policy, under
/// its registry policy scope, together with the repository policy and the caller's identity
/// policy where AWS consults them.
///
/// A request names the registry through its repository: the repository ARN
/// `arn:aws:ecr:REGION:ACCOUNT:repository/NAME` says which registry (the account and Region)
/// and which of its repositories (the one replicated into, cached into or created). A
/// registry policy's `Resource` names repositories of its registry (`repository/*`, a
/// prefix such as `repository/ecr-public/*`, or one name), so a statement covers the request
/// when its `Resource` matches that ARN.
///
/// What AWS documents, and what the decision rests on:
/// - Scope V1: "Amazon ECR only enforces" `ecr:ReplicateImage`, `ecr:BatchImportUpstreamImage`
///   and `ecr:CreateRepository` at the registry level; scope V2, the default, "allows all ECR
///   actions in the policy and enforces the registry policy in all ECR requests"
///   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create.html>).
///   Under V1 the registry policy takes no part in any other action.
/// - Cross-account replication: "A registry policy must grant permission for the
///   `ecr:ReplicateImage` API action", with `ecr:CreateRepository` optional (without it the
///   destination repository must exist); "By default, you have permission to configure
///   cross-Region replication within your own registry. You only need to configure the
///   registry policy if you're granting another account permission"
///   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html>).
///   AWS's examples name the source account (`arn:aws:iam::SOURCE:root`) as the principal
///   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html>),
///   so a replication request is made by the source account itself:
///   [`Request::replication`], whose caller is the source account's root. Replication runs
///   through a role AWS manages for the source account, so no identity policy of the source
///   account is consulted, and a repository policy does not grant `ecr:ReplicateImage`.
///   What the destination repository's own policy does is not documented: as a `Deny` wins
///   wherever it stands, its `Deny` statements are taken to stop replication into it.
/// - Pull through cache: `ecr:BatchImportUpstreamImage` "can be granted by using the private
///   registry permissions policy, an identity-based IAM policy, or by using the
///   resource-based repository permissions policy"; `ecr:CreateRepository` "by either an
///   identity-based IAM policy or the private registry permissions policy"; and "If an IAM
///   entity has more permissions granted by an IAM policy than the registry permissions policy
///   is granting, the IAM policy takes precedence"
///   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html>):
///   the grants add up. A repository that `ecr:CreateRepository` would create has no policy
///   yet, so no repository policy takes part in it.
/// - How the policies combine is otherwise IAM's rule for a resource-based policy beside an
///   identity policy (ECR-FACTS section 5), with the registry policy as a second
///   resource-based policy over the repositories it names: an explicit `Deny` in any policy
///   wins; in the registry's own account an `Allow` of the registry policy, the repository
///   policy or the identity policy is enough (a grant to the whole account, `:root`, only
///   delegates to its identity policies); from another account the identity policy and one
///   of the resource-based policies must both allow; the root user of another account needs
///   only the resource-based allow; actions without a resource (`ecr:CreatePullThroughCacheRule`,
///   which "must be granted via an identity-based IAM policy") only an identity policy grants.
///
/// Which policy AWS consults for which action:
///
/// | action | registry policy | repository policy | identity policy |
/// |---|---|---|---|
/// | `ecr:ReplicateImage` | V1 and V2 | its `Deny` statements only | callers that have one |
/// | `ecr:CreateRepository` | V1 and V2 | no (the repository does not exist yet) | callers that have one |
/// | `ecr:BatchImportUpstreamImage` | V1 and V2 | yes | callers that have one |
/// | any other action on a repository | V2 only | yes | callers that have one |
/// | an action without a resource | no | no | callers that have one |
///
/// ```
/// use policy_core::eval::{Outcome, Reason, RegistryEvaluator, Request};
/// use policy_core::model::RegistryPolicy;
/// use policy_core::{AccountId, Action};
///
/// // AWS's replication example: account 111122223333 may replicate into every repository
/// // of the registry of 444455556666 in us-west-2.
/// let policy = RegistryPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{
///   "Sid":"ReplicationAccessCrossAccount","Effect":"Allow",
///   "Principal":{"AWS":"arn:aws:iam::111122223333:root"},
///   "Action":["ecr:CreateRepository","ecr:ReplicateImage"],
///   "Resource":["arn:aws:ecr:us-west-2:444455556666:repository/*"]}]}"#)?;
/// let evaluator = RegistryEvaluator::new(&policy);
/// let destination = "arn:aws:ecr:us-west-2:444455556666:repository/app".parse()?;
///
/// let source = AccountId::new("111122223333")?;
/// let replicate = Request::replication(source, Action::ReplicateImage, destination);
/// let decision = evaluator.explain(&replicate);
/// assert_eq!(decision.outcome, Outcome::Allowed);
/// assert_eq!(decision.reason, Reason::CrossAccountRootRegistryAllow);
///
/// let stranger = AccountId::new("999988887777")?;
/// let replicate = Request::replication(stranger, Action::ReplicateImage, replicate.repository().clone());
/// assert_eq!(evaluator.decide(&replicate), Outcome::ImplicitlyDenied);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct RegistryEvaluator {
    // Kept as copies, so that the evaluator borrows nothing.
    registry: Option<PreparedPolicy<'static>>,
    scope: RegistryPolicyScope,
    repository: Option<PreparedPolicy<'static>>,
    identity: Option<PreparedPolicy<'static>>,
}

/// What the statements that apply add up to.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    deny: bool,
    registry_allow: Option<PrincipalMatch>,
    repository_allow: Option<PrincipalMatch>,
    identity_allow: bool,
}

impl Tallies for Tally {
    fn add(&mut self, kind: PolicyKind, effect: Effect, m: PrincipalMatch) {
        match (effect, kind) {
            (Effect::Deny, _) => self.deny = true,
            (Effect::Allow, PolicyKind::Registry) => {
                self.registry_allow = self.registry_allow.max(Some(m));
            }
            (Effect::Allow, PolicyKind::Repository | PolicyKind::PublicRepository) => {
                self.repository_allow = self.repository_allow.max(Some(m));
            }
            (Effect::Allow, PolicyKind::Identity) => self.identity_allow = true,
        }
    }
}

const V1_ONLY: &str = "a registry of policy scope V1 enforces only ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository";
const PUBLIC_ACTION: &str = "an ECR Public action does not reach a private registry";
const NO_IDENTITY: &str = "the caller (a root user or a service) has no identity policies";

impl RegistryEvaluator {
    /// An evaluator for a registry policy (a [`RegistryPolicy`](crate::model::RegistryPolicy)
    /// or any [`PolicyDocument`]) under the default scope, V2.
    #[must_use]
    pub fn new(registry_policy: impl AsRef<PolicyDocument>) -> Self {
        RegistryEvaluator {
            registry: Some(PreparedPolicy::of(
                PolicyKind::Registry,
                Cow::Owned(registry_policy.as_ref().clone()),
            )),
            ..Self::without_registry_policy()
        }
    }

    /// An evaluator for a registry that has no registry policy (`GetRegistryPolicy` answers
    /// `RegistryPolicyNotFoundException`): only the other policies grant.
    ///
    /// ```
    /// use policy_core::eval::{Outcome, RegistryEvaluator, Request};
    /// use policy_core::{AccountId, Action};
    ///
    /// let evaluator = RegistryEvaluator::without_registry_policy();
    /// let destination = "arn:aws:ecr:eu-west-1:444455556666:repository/app".parse()?;
    /// // Replication between Regions of the same registry needs no registry policy...
    /// let own = Request::replication(AccountId::new("444455556666")?, Action::ReplicateImage, destination);
    /// assert_eq!(evaluator.decide(&own), Outcome::Allowed);
    /// // ...replication from another account does.
    /// let other = Request::replication(AccountId::new("111122223333")?, Action::ReplicateImage, own.repository().clone());
    /// assert_eq!(evaluator.decide(&other), Outcome::ImplicitlyDenied);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn without_registry_policy() -> Self {
        RegistryEvaluator {
            registry: None,
            scope: RegistryPolicyScope::default(),
            repository: None,
            identity: None,
        }
    }

    /// Sets the registry policy scope, the account setting `REGISTRY_POLICY_SCOPE`.
    #[must_use]
    pub fn scope(mut self, scope: RegistryPolicyScope) -> Self {
        self.scope = scope;
        self
    }

    /// Adds the policy of the repository the request names, consulted for the actions AWS
    /// lets a repository policy grant (all but `ecr:CreateRepository` and
    /// `ecr:ReplicateImage`) and, for `ecr:ReplicateImage`, for its `Deny` statements.
    #[must_use]
    pub fn with_repository_policy(mut self, repository_policy: impl AsRef<PolicyDocument>) -> Self {
        self.repository = Some(PreparedPolicy::of(
            PolicyKind::Repository,
            Cow::Owned(repository_policy.as_ref().clone()),
        ));
        self
    }

    /// Adds the caller's identity policy (statements with `Resource`, no `Principal`).
    /// Without one, callers are taken to have no identity-policy permissions.
    #[must_use]
    pub fn with_identity_policy(mut self, identity_policy: impl AsRef<PolicyDocument>) -> Self {
        self.identity = Some(PreparedPolicy::of(
            PolicyKind::Identity,
            Cow::Owned(identity_policy.as_ref().clone()),
        ));
        self
    }

    fn policies(&self) -> impl Iterator<Item = &PreparedPolicy<'static>> {
        self.registry
            .iter()
            .chain(self.repository.as_ref())
            .chain(self.identity.as_ref())
    }

    /// Whether AWS consults the statements of `effect` of a policy of `kind` for the
    /// request, and if not, why.
    fn consulted(
        &self,
        kind: PolicyKind,
        effect: Effect,
        request: &Request,
    ) -> Result<(), &'static str> {
        let action = &request.action;
        match kind {
            PolicyKind::Registry => match action {
                RequestAction::Ecr(_) if !action.is_repository_action() => Err(NO_RESOURCE),
                RequestAction::Ecr(a) if !self.scope.allows(*a) => Err(V1_ONLY),
                RequestAction::Ecr(_) => Ok(()),
                RequestAction::Other(name) if !is_private_ecr_action(name) => Err(PUBLIC_ACTION),
                RequestAction::Other(_) if self.scope == RegistryPolicyScope::V1 => Err(V1_ONLY),
                RequestAction::Other(_) => Ok(()),
            },
            PolicyKind::Repository | PolicyKind::PublicRepository => {
                repository_policy_consulted(action, effect)
            }
            PolicyKind::Identity if request.caller.has_identity_policies() => Ok(()),
            PolicyKind::Identity => Err(NO_IDENTITY),
        }
    }

    /// Decides the request.
    #[must_use]
    pub fn decide(&self, request: &Request) -> Outcome {
        let mut tally = Tally::default();
        for policy in self.policies() {
            for s in &policy.statements {
                if self.consulted(policy.kind, s.effect, request).is_err() {
                    continue;
                }
                let m = applies(policy.kind, s, request);
                if m != PrincipalMatch::No {
                    tally.add(policy.kind, s.effect, m);
                    if tally.deny {
                        return Outcome::ExplicitlyDenied;
                    }
                }
            }
        }
        self.conclude(&tally, request).0
    }

    /// Decides the request and explains the decision statement by statement: the registry
    /// policy's statements first, then the repository policy's, then the identity policy's.
    #[must_use]
    pub fn explain(&self, request: &Request) -> Decision {
        explain(
            self.policies(),
            request,
            |kind, effect| {
                self.consulted(kind, effect, request)
                    .map_err(|reason| Mismatch::NotConsulted { reason })
            },
            |tally: &Tally| self.conclude(tally, request),
            |reason, s, m| rests_on(reason, s.policy, m),
        )
    }

    /// Whether the registry policy is the resource-based policy a request from another
    /// account lacks: the registry has one and AWS consults it, or no repository policy can
    /// grant the action.
    fn only_registry_could_grant(&self, request: &Request) -> bool {
        let allow = |kind| self.consulted(kind, Effect::Allow, request);
        let registry = self.registry.is_some() && allow(PolicyKind::Registry).is_ok();
        registry || allow(PolicyKind::Repository).is_err()
    }

    fn conclude(&self, tally: &Tally, request: &Request) -> (Outcome, Reason) {
        use Outcome::{Allowed, ExplicitlyDenied, ImplicitlyDenied};
        if tally.deny {
            return (ExplicitlyDenied, Reason::ExplicitDeny);
        }
        let registry = tally.registry_allow;
        let repository = tally.repository_allow;
        let on_repository = request.action.is_repository_action();
        match &request.caller {
            Caller::Service(_) => match (registry, repository) {
                (Some(_), _) => (Allowed, Reason::ServiceRegistryAllow),
                (None, Some(_)) => (Allowed, Reason::ServiceRepositoryAllow),
                (None, None) => (ImplicitlyDenied, Reason::NoAllow),
            },
            Caller::Root { account, .. } if account == request.repository.account() => {
                (Allowed, Reason::RootOfRepositoryAccount)
            }
            Caller::Root { .. } => match (registry, repository) {
                (Some(_), _) => (Allowed, Reason::CrossAccountRootRegistryAllow),
                (None, Some(_)) => (Allowed, Reason::CrossAccountRootRepositoryAllow),
                (None, None) if !on_repository => {
                    (ImplicitlyDenied, Reason::ActionNeedsIdentityPolicy)
                }
                (None, None) => (ImplicitlyDenied, Reason::NoAllow),
            },
            _ if !on_repository => {
                if tally.identity_allow {
                    (Allowed, Reason::IdentityAllowsActionWithoutResource)
                } else {
                    (ImplicitlyDenied, Reason::ActionNeedsIdentityPolicy)
                }
            }
            caller => {
                let same = caller.account() == Some(request.repository.account());
                let identity = tally.identity_allow;
                let direct = Some(PrincipalMatch::Direct);
                match (same, identity) {
                    (true, _) if registry == direct => (Allowed, Reason::SameAccountRegistryAllow),
                    (true, _) if repository == direct => {
                        (Allowed, Reason::SameAccountRepositoryAllow)
                    }
                    (true, true) => (Allowed, Reason::SameAccountIdentityAllow),
                    (true, false) if registry.is_some() => (
                        ImplicitlyDenied,
                        Reason::RegistryAccountGrantNeedsIdentityAllow,
                    ),
                    (true, false) if repository.is_some() => {
                        (ImplicitlyDenied, Reason::AccountGrantNeedsIdentityAllow)
                    }
                    (false, true) if registry.is_some() => {
                        (Allowed, Reason::CrossAccountIdentityAndRegistryAllow)
                    }
                    (false, true) if repository.is_some() => {
                        (Allowed, Reason::CrossAccountBothAllow)
                    }
                    (false, true) if self.only_registry_could_grant(request) => {
                        (ImplicitlyDenied, Reason::CrossAccountNoRegistryAllow)
                    }
                    (false, true) => (ImplicitlyDenied, Reason::CrossAccountNoRepositoryAllow),
                    (false, false) if registry.is_some() => (
                        ImplicitlyDenied,
                        Reason::CrossAccountRegistryNoIdentityAllow,
                    ),
                    (false, false) if repository.is_some() => {
                        (ImplicitlyDenied, Reason::CrossAccountNoIdentityAllow)
                    }
                    (_, false) => (ImplicitlyDenied, Reason::NoAllow),
                }
            }
        }
    }
}

/// Whether an `Allow` statement of `policy` that covers the caller as `m` is one an allowed
/// outcome for `reason` rests on.
fn rests_on(reason: Reason, policy: PolicyKind, m: PrincipalMatch) -> bool {
    match reason {
        Reason::SameAccountRegistryAllow => {
            policy == PolicyKind::Registry && m == PrincipalMatch::Direct
        }
        Reason::SameAccountRepositoryAllow => {
            policy == PolicyKind::Repository && m == PrincipalMatch::Direct
        }
        Reason::SameAccountIdentityAllow | Reason::IdentityAllowsActionWithoutResource => {
            policy == PolicyKind::Identity
        }
        Reason::CrossAccountIdentityAndRegistryAllow => policy != PolicyKind::Repository,
        Reason::CrossAccountBothAllow => policy != PolicyKind::Registry,
        Reason::CrossAccountRootRegistryAllow | Reason::ServiceRegistryAllow => {
            policy == PolicyKind::Registry
        }
        Reason::CrossAccountRootRepositoryAllow | Reason::ServiceRepositoryAllow => {
            policy == PolicyKind::Repository
        }
        _ => true,
    }
}

/// `ecr:` (any case), and not `ecr-public:`.
fn is_private_ecr_action(name: &str) -> bool {
    name.get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("ecr:"))
}

impl Request {
    /// A request of cross-account (or cross-Region) replication: the source account
    /// replicating into `destination`, the repository of the destination registry that
    /// receives the images. `action` is `ecr:ReplicateImage`, or `ecr:CreateRepository`
    /// when the destination repository does not exist yet. The caller is the source
    /// account's root user, the principal AWS's examples of registry policies name
    /// (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html>).
    ///
    /// ```
    /// use policy_core::eval::{Caller, Request};
    /// use policy_core::{AccountId, Action};
    ///
    /// let destination = "arn:aws:ecr:us-west-2:444455556666:repository/app".parse()?;
    /// let r = Request::replication(AccountId::new("111122223333")?, Action::ReplicateImage, destination);
    /// assert_eq!(r.caller().arn(), "arn:aws:iam::111122223333:root");
    /// assert_eq!(r.repository().account().as_str(), "444455556666");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn replication(source: AccountId, action: Action, destination: RepositoryArn) -> Self {
        let caller = Caller::Root {
            partition: destination.partition(),
            account: source,
        };
        Request::new(caller, action, destination)
    }
}
