//! [`PublicRepositoryPolicy`]: the repository policy of an ECR Public repository
//! (`ecr-public:SetRepositoryPolicy`).
//!
//! Facts relied on (ECR Public user guide,
//! <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policies.html> and
//! <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policy-examples.html>;
//! actions from <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistrypublic.html>):
//! - pull is public and cannot be restricted, so the policy grants push and management, with
//!   `ecr-public:` actions, to the principals it names;
//! - AWS's current examples write `"Resource": "*"`, its older ones no `Resource`: both are
//!   accepted; any other `Resource` is refused.

use crate::model::document::PolicyDocument;
use crate::model::kind::{action_service, PolicyKind};
use crate::model::kinds::rules::{common, entry, finish, has_principal, policy_accessors};
use crate::model::kinds::rules::{KindRuleViolation, NotAPolicyOfKind};

/// An ECR Public repository policy: every statement has a principal and an action, no action
/// of private ECR (`ecr:`), and no `Resource` other than `"*"`.
///
/// ```
/// use policy_core::model::PublicRepositoryPolicy;
///
/// let policy = PublicRepositoryPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{
///   "Sid":"AllowPush","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/push-pull-user-1"},
///   "Action":["ecr-public:PutImage","ecr-public:UploadLayerPart"],"Resource":"*"}]}"#)?;
/// assert_eq!(policy.statements().len(), 1);
/// let err = PublicRepositoryPolicy::from_json(r#"{"Statement":[{"Effect":"Allow",
///   "Principal":"*","Action":"ecr:PutImage"}]}"#).unwrap_err();
/// assert_eq!(err.errors[0].path(), "Statement[0].Action");
/// # Ok::<(), policy_core::json::InvalidPolicy>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PublicRepositoryPolicy {
    document: PolicyDocument,
}

policy_accessors!(PublicRepositoryPolicy);

impl TryFrom<PolicyDocument> for PublicRepositoryPolicy {
    type Error = NotAPolicyOfKind;

    /// Applies the rules of ECR Public repository policies, reporting every violation.
    fn try_from(document: PolicyDocument) -> Result<Self, Self::Error> {
        let mut out = Vec::new();
        common(&document, &mut out);
        for (i, s) in document.statements.iter().enumerate() {
            if !has_principal(s) {
                out.push(KindRuleViolation::MissingPrincipal { statement: i });
            }
            if let Some(r) = &s.resource {
                if r.negated || r.resources.iter().any(|x| x != "*") {
                    out.push(KindRuleViolation::ResourceRefused {
                        kind: PolicyKind::PublicRepository,
                        statement: i,
                    });
                }
            }
            let Some(a) = &s.action else { continue };
            if a.negated {
                continue;
            }
            for (j, item) in a.actions.iter().enumerate() {
                if action_service(item).is_some_and(|s| s.eq_ignore_ascii_case("ecr")) {
                    out.push(KindRuleViolation::ActionRefused {
                        kind: PolicyKind::PublicRepository,
                        statement: i,
                        index: entry(&a.actions, j),
                        action: item.as_str().to_owned(),
                        reason: "an ECR Public repository policy holds ecr-public: actions; use the ecr-public: action of the same name",
                    });
                }
            }
        }
        finish(PolicyKind::PublicRepository, out)?;
        Ok(PublicRepositoryPolicy { document })
    }
}
