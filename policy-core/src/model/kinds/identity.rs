//! [`IdentityPolicy`]: an IAM identity-based policy granting ECR access to the user, group or
//! role it is attached to.
//!
//! Facts relied on: identity policies have no `Principal`
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>);
//! "Statements must include either a `Resource` or a `NotResource` element", and actions
//! without resource-level permissions, such as `ecr:GetAuthorizationToken`, are granted on
//! `"*"` (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_service-with-iam.html>,
//! <https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html>).

use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::kinds::rules::{common, finish, has_resource, policy_accessors};
use crate::model::kinds::rules::{KindRuleViolation, NotAPolicyOfKind};

/// An identity policy: every statement has an action and a `Resource` (or `NotResource`), and
/// none has a principal. It may hold actions of other services (`sts:GetServiceBearerToken`).
///
/// ```
/// use policy_core::model::IdentityPolicy;
///
/// let policy = IdentityPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[
///   {"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"},
///   {"Effect":"Allow","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],
///    "Resource":"arn:aws:ecr:us-east-1:123456789012:repository/app"}]}"#)?;
/// assert_eq!(policy.statements().len(), 2);
/// # Ok::<(), policy_core::json::InvalidPolicy>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdentityPolicy {
    document: PolicyDocument,
}

policy_accessors!(IdentityPolicy);

impl TryFrom<PolicyDocument> for IdentityPolicy {
    type Error = NotAPolicyOfKind;

    /// Applies the rules of identity policies, reporting every violation.
    fn try_from(document: PolicyDocument) -> Result<Self, Self::Error> {
        let mut out = Vec::new();
        common(&document, &mut out);
        for (i, s) in document.statements.iter().enumerate() {
            if s.principal.is_some() {
                out.push(KindRuleViolation::PrincipalInIdentityPolicy { statement: i });
            }
            if !has_resource(s) {
                out.push(KindRuleViolation::MissingResource { statement: i });
            }
        }
        finish(PolicyKind::Identity, out)?;
        Ok(IdentityPolicy { document })
    }
}
