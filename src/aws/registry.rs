//! The private registry's own policy: [`apply`] (`PutRegistryPolicy`), [`fetch`]
//! (`GetRegistryPolicy`), [`drift`] and [`delete`] (`DeleteRegistryPolicy`), with the same
//! ECR client as repository policies.
//!
//! Facts relied on:
//! - a registry has one policy per Region, and the calls take no registry id: they act on the
//!   registry of the caller's account in the client's Region
//!   (<https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryPolicy.html>,
//!   <https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRegistryPolicy.html>,
//!   <https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRegistryPolicy.html>);
//! - its statements name the registry's repositories in `Resource`
//!   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html>), so a
//!   policy whose `Resource` names another Region than the client's is refused here
//!   ([`Error::OtherRegion`]) before any call;
//! - `PutRegistryPolicy` has no `force` flag, and a registry policy cannot take the registry
//!   policy itself out of reach: `ecr:PutRegistryPolicy` and `ecr:DeleteRegistryPolicy` act on
//!   no resource type
//!   (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html>),
//!   while a registry policy's `Resource` names repositories. So there is no lock-out guard as
//!   for repository policies;
//! - the text is at most 10,240 characters, as for repository policies.
//!
//! ```no_run
//! use ecr_policy::aws::{self, registry};
//! use ecr_policy::model::RegistryPolicy;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Another account may replicate into this registry (us-west-2 of 444455556666).
//! let policy = RegistryPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{
//!   "Sid":"ReplicationAccessCrossAccount","Effect":"Allow",
//!   "Principal":{"AWS":"arn:aws:iam::111122223333:root"},
//!   "Action":["ecr:CreateRepository","ecr:ReplicateImage"],
//!   "Resource":"arn:aws:ecr:us-west-2:444455556666:repository/*"}]}"#)?;
//! let client = aws::client_from_env().await?; // AWS_REGION=us-west-2
//! registry::apply(&client, &policy).await?;
//! let drift = registry::drift(&client, &policy).await?;
//! assert!(drift.is_in_sync(), "{drift}");
//! # Ok(())
//! # }
//! ```

use super::delivery::DeliveryWatch;
use super::{checked_length, settle, Applied, DeployedPolicy, Drift, Error, Operation, SdkFailure};
use crate::model::{AnyPolicy, RegistryPolicy};

/// The text [`Error`] uses for the registry where it names a repository.
const REGISTRY: &str = "";

/// Sets `policy` as the registry's policy with `PutRegistryPolicy`, replacing the one there.
///
/// The policy is sent as [`RegistryPolicy::to_json`]. When the request was sent but its answer
/// never came, ECR may have applied it: the policy is then read back with `GetRegistryPolicy`
/// and the error is [`Error::Unconfirmed`], with what the registry holds now.
///
/// # Errors
/// Before calling ECR: [`Error::PolicyTooLong`], and [`Error::OtherRegion`] when the policy's
/// `Resource` names repositories of another Region than the client's. Then
/// [`Error::Unconfirmed`], [`Error::Transport`], and what ECR answers:
/// [`Error::InvalidPolicy`] (for example an action a registry of policy scope V1 does not
/// take), [`Error::PrincipalNotFound`], [`Error::AccessDenied`], [`Error::Aws`].
pub async fn apply(
    client: &aws_sdk_ecr::Client,
    policy: &RegistryPolicy,
) -> Result<Applied, Error> {
    check_region(client, policy)?;
    let text = checked_length(policy.to_json())?;
    let watch = DeliveryWatch::default();
    let error = match client
        .put_registry_policy()
        .policy_text(text)
        .customize()
        .interceptor(watch.clone())
        .send()
        .await
    {
        Ok(output) => {
            return Ok(Applied {
                registry_id: output.registry_id,
                policy_text: output.policy_text,
            })
        }
        Err(error) => error,
    };
    Err(settle(
        error,
        &watch,
        REGISTRY,
        SdkFailure::PutRegistryPolicy,
        || drift(client, policy),
    )
    .await)
}

/// The registry policy's Region against the client's: `PutRegistryPolicy` sets the policy of
/// the client's Region only.
fn check_region(client: &aws_sdk_ecr::Client, policy: &RegistryPolicy) -> Result<(), Error> {
    let (Some((_, named)), Some(region)) = (policy.registry(), client.config().region()) else {
        return Ok(());
    };
    if named.as_str() == region.as_ref() {
        return Ok(());
    }
    Err(Error::OtherRegion {
        policy_region: named.as_str().to_owned(),
        client_region: region.as_ref().to_owned(),
    })
}

/// Reads the registry's policy with `GetRegistryPolicy`: `Ok(None)` when it has none.
///
/// ```no_run
/// # async fn run(client: &ecr_policy::aws::aws_sdk_ecr::Client) -> Result<(), Box<dyn std::error::Error>> {
/// if let Some(deployed) = ecr_policy::aws::registry::fetch(client).await? {
///     let policy = deployed.registry_policy()?;
///     for finding in policy.lint() {
///         eprintln!("{finding}");
///     }
/// }
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// [`Error::AccessDenied`], [`Error::Aws`], [`Error::Transport`], and
/// [`Error::UnreadablePolicy`] when the text ECR returns is not a policy document.
pub async fn fetch(client: &aws_sdk_ecr::Client) -> Result<Option<DeployedPolicy>, Error> {
    let output = match client.get_registry_policy().send().await {
        Ok(output) => output,
        Err(e) if no_policy(e.as_service_error().and_then(super::code)) => return Ok(None),
        Err(e) => return Err(Error::from_sdk(REGISTRY, SdkFailure::GetRegistryPolicy(e))),
    };
    let Some(text) = output.policy_text else {
        return Ok(None);
    };
    DeployedPolicy::read(
        Operation::GetRegistryPolicy,
        REGISTRY,
        output.registry_id,
        text,
    )
    .map(Some)
}

fn no_policy(code: Option<&str>) -> bool {
    code == Some("RegistryPolicyNotFoundException")
}

/// Compares the registry's policy with `code` by meaning ([`Drift::between_any`]).
///
/// # Errors
/// As [`fetch`].
pub async fn drift(client: &aws_sdk_ecr::Client, code: &RegistryPolicy) -> Result<Drift, Error> {
    let deployed = fetch(client).await?;
    Ok(Drift::between_any(
        deployed.as_ref().map(DeployedPolicy::document),
        &AnyPolicy::Registry(code.clone()),
    ))
}

/// Deletes the registry's policy with `DeleteRegistryPolicy`: the text of the policy deleted,
/// or `Ok(None)` when the registry had none.
///
/// # Errors
/// [`Error::AccessDenied`], [`Error::Aws`], [`Error::Transport`] (deleting again is safe).
pub async fn delete(client: &aws_sdk_ecr::Client) -> Result<Option<String>, Error> {
    match client.delete_registry_policy().send().await {
        Ok(output) => Ok(output.policy_text),
        Err(e) if no_policy(e.as_service_error().and_then(super::code)) => Ok(None),
        Err(e) => Err(Error::from_sdk(
            REGISTRY,
            SdkFailure::DeleteRegistryPolicy(e),
        )),
    }
}
