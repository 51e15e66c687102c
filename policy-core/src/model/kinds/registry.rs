//! [`RegistryPolicy`]: the permissions policy of a private registry (`PutRegistryPolicy`).
//!
//! Facts relied on (ECR user guide, "Private registry permissions",
//! <https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html>, and its
//! examples, <https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html>):
//! - one policy per registry and Region; its statements name principals (other accounts for
//!   replication, IAM entities for pull through cache) and a `Resource` of repository ARNs of
//!   the registry, `repository/*` or a prefix such as `repository/ecr-public/*`;
//! - two registry policy scopes: under **V1** "Amazon ECR only enforces" `ecr:ReplicateImage`,
//!   `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository`, and other actions cause an
//!   error; under **V2**, "the default registry policy scope", "Amazon ECR allows all ECR
//!   actions in the policy and enforces the registry policy in all ECR requests"
//!   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-account-settings.html>).

use policy_catalogue::Action;

use crate::model::action::ActionItem;
use crate::model::document::PolicyDocument;
use crate::model::kind::{action_service, PolicyKind};
use crate::model::kinds::rules::{
    common, entry, finish, has_principal, has_resource, policy_accessors,
};
use crate::model::kinds::rules::{KindRuleViolation, NotAPolicyOfKind};
use crate::model::names::{AccountId, Partition, Region, RepositoryName};

/// The registry policy scope, the account setting `REGISTRY_POLICY_SCOPE`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegistryPolicyScope {
    /// Only `ecr:ReplicateImage`, `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository`
    /// are enforced; a policy with other actions is refused.
    V1,
    /// Every ECR action is allowed and enforced: the default, and the scope of every registry
    /// created since AWS introduced it.
    #[default]
    V2,
}

impl RegistryPolicyScope {
    /// The actions a V1 registry policy may hold.
    pub const V1_ACTIONS: [Action; 3] = [
        Action::ReplicateImage,
        Action::BatchImportUpstreamImage,
        Action::CreateRepository,
    ];

    /// `"V1"` or `"V2"`, the value of the account setting.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            RegistryPolicyScope::V1 => "V1",
            RegistryPolicyScope::V2 => "V2",
        }
    }

    /// Whether a registry policy of this scope may hold `action`.
    ///
    /// ```
    /// use policy_core::Action;
    /// use policy_core::model::RegistryPolicyScope;
    /// assert!(RegistryPolicyScope::V2.allows(Action::BatchGetImage));
    /// assert!(!RegistryPolicyScope::V1.allows(Action::BatchGetImage));
    /// assert!(RegistryPolicyScope::V1.allows(Action::ReplicateImage));
    /// ```
    #[must_use]
    pub fn allows(self, action: Action) -> bool {
        self == RegistryPolicyScope::V2 || Self::V1_ACTIONS.contains(&action)
    }
}

/// A registry policy: every statement has a principal, an action and a `Resource` naming
/// repositories of one private registry; no `ecr-public:` action.
///
/// ```
/// use policy_core::model::RegistryPolicy;
///
/// let policy = RegistryPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{
///   "Sid":"ReplicationAccessCrossAccount","Effect":"Allow",
///   "Principal":{"AWS":"arn:aws:iam::111122223333:root"},
///   "Action":["ecr:CreateRepository","ecr:ReplicateImage"],
///   "Resource":["arn:aws:ecr:us-west-2:444455556666:repository/*"]}]}"#)?;
/// let (account, region) = policy.registry().unwrap();
/// assert_eq!((account.as_str(), region.as_str()), ("444455556666", "us-west-2"));
/// assert!(RegistryPolicy::from_json(r#"{"Statement":[{"Effect":"Allow","Principal":"*",
///   "Action":"ecr:ReplicateImage"}]}"#).is_err());
/// # Ok::<(), policy_core::json::InvalidPolicy>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RegistryPolicy {
    document: PolicyDocument,
}

policy_accessors!(RegistryPolicy);

impl RegistryPolicy {
    /// Checks `document` by the rules of registry policies under `scope`.
    ///
    /// # Errors
    /// [`NotAPolicyOfKind`] with every violation.
    pub fn check(
        document: PolicyDocument,
        scope: RegistryPolicyScope,
    ) -> Result<Self, NotAPolicyOfKind> {
        finish(PolicyKind::Registry, violations(&document, scope))?;
        Ok(RegistryPolicy { document })
    }

    /// The registry the policy covers: the account and Region of its first `Resource`.
    #[must_use]
    pub fn registry(&self) -> Option<(AccountId, Region)> {
        let first = self
            .document
            .statements
            .iter()
            .filter_map(|s| s.resource.as_ref())
            .flat_map(|r| r.resources.iter())
            .next()?;
        repository_arn(first).map(|r| (r.account, r.region))
    }

    /// The actions of the policy that a registry of `scope` refuses (none under V2 but
    /// `ecr-public:` ones, which no registry policy holds).
    #[must_use]
    pub fn refused_under(&self, scope: RegistryPolicyScope) -> Vec<KindRuleViolation> {
        action_violations(&self.document, scope)
    }
}

impl TryFrom<PolicyDocument> for RegistryPolicy {
    type Error = NotAPolicyOfKind;

    /// [`RegistryPolicy::check`] under the default scope, V2.
    fn try_from(document: PolicyDocument) -> Result<Self, Self::Error> {
        Self::check(document, RegistryPolicyScope::V2)
    }
}

struct RegistryArn {
    partition: Partition,
    region: Region,
    account: AccountId,
}

/// `arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME`, where NAME may end in (or be) a
/// wildcard prefix.
fn repository_arn(text: &str) -> Option<RegistryArn> {
    let mut f = text.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("ecr"), Some(region), Some(account), Some(rest)) =
        (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
    else {
        return None;
    };
    let name = rest.strip_prefix("repository/")?;
    if name.is_empty() {
        return None;
    }
    if !name.contains(['*', '?']) {
        RepositoryName::new(name).ok()?;
    }
    Some(RegistryArn {
        partition: partition.parse().ok()?,
        region: Region::new(region).ok()?,
        account: AccountId::new(account).ok()?,
    })
}

fn violations(doc: &PolicyDocument, scope: RegistryPolicyScope) -> Vec<KindRuleViolation> {
    let mut out = Vec::new();
    common(doc, &mut out);
    let mut registry: Option<(Partition, Region, AccountId)> = None;
    for (i, s) in doc.statements.iter().enumerate() {
        if !has_principal(s) {
            out.push(KindRuleViolation::MissingPrincipal { statement: i });
        }
        if !has_resource(s) {
            out.push(KindRuleViolation::MissingResource { statement: i });
        }
        let Some(r) = &s.resource else { continue };
        for (j, text) in r.resources.iter().enumerate() {
            let Some(arn) = repository_arn(text) else {
                out.push(KindRuleViolation::NotARepositoryArn {
                    statement: i,
                    index: entry(&r.resources, j),
                    resource: text.clone(),
                });
                continue;
            };
            match &registry {
                None => registry = Some((arn.partition, arn.region, arn.account)),
                Some((p, r, a)) if *p == arn.partition && *r == arn.region && *a == arn.account => {
                }
                Some((_, region, a)) => out.push(KindRuleViolation::OtherRegistry {
                    statement: i,
                    index: entry(&r.resources, j),
                    resource: text.clone(),
                    registry: format!("{a} in {region}"),
                }),
            }
        }
    }
    out.extend(action_violations(doc, scope));
    out
}

fn action_violations(doc: &PolicyDocument, scope: RegistryPolicyScope) -> Vec<KindRuleViolation> {
    let mut out = Vec::new();
    for (i, s) in doc.statements.iter().enumerate() {
        let Some(a) = &s.action else { continue };
        if a.negated {
            continue;
        }
        for (j, item) in a.actions.iter().enumerate() {
            let refused = match item {
                ActionItem::Ecr(x) if !scope.allows(*x) => Some(
                    "a registry of scope V1 enforces only ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository; switch the registry to V2 (aws ecr put-account-setting --name REGISTRY_POLICY_SCOPE --value V2) or grant the action in a repository or identity policy",
                ),
                _ if action_service(item).is_some_and(|s| s.eq_ignore_ascii_case("ecr-public")) => Some(
                    "ECR Public actions belong in the ECR Public repository policy or an identity policy, not in a private registry's policy",
                ),
                _ => None,
            };
            if let Some(reason) = refused {
                out.push(KindRuleViolation::ActionRefused {
                    kind: PolicyKind::Registry,
                    statement: i,
                    index: entry(&a.actions, j),
                    action: item.as_str().to_owned(),
                    reason,
                });
            }
        }
    }
    out
}
