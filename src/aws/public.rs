//! ECR Public repository policies, with the ECR Public client of the AWS SDK for Rust
//! ([`aws_sdk_ecrpublic`]): [`apply`] and [`apply_forced`] (`SetRepositoryPolicy`), [`fetch`]
//! (`GetRepositoryPolicy`), [`drift`] and [`delete`] (`DeleteRepositoryPolicy`), as for
//! private repositories.
//!
//! Facts relied on:
//! - ECR Public's API is called in `us-east-1`: "When authenticating to a public registry,
//!   always authenticate to the us-east-1 Region"
//!   (<https://docs.aws.amazon.com/AmazonECR/latest/public/public-registry-auth.html>), and the
//!   API endpoint `api.ecr-public.us-east-1.amazonaws.com` is the first AWS lists
//!   (<https://docs.aws.amazon.com/general/latest/gr/ecr-public.html>). So [`client_from_env`]
//!   and [`client_from_config`] set the Region to [`REGION`] whatever `AWS_REGION` says (a
//!   Region without an ECR Public endpoint answers nothing, or
//!   `UnsupportedCommandException`); build an [`aws_sdk_ecrpublic::Client`] yourself for
//!   another one;
//! - `SetRepositoryPolicy` of ECR Public takes `force` for a policy that "would prevent you
//!   from setting another policy in the future"; without it such a policy is refused
//!   (<https://docs.aws.amazon.com/AmazonECRPublic/latest/APIReference/API_SetRepositoryPolicy.html>).
//!   [`apply`] refuses it before calling ([`Error::WouldLockOutPublic`]);
//! - the policy text is at most 10,240 characters, and a registry id is optional: without
//!   one, the caller's public registry
//!   (<https://docs.aws.amazon.com/AmazonECRPublic/latest/APIReference/API_GetRepositoryPolicy.html>).
//!
//! ```no_run
//! use ecr_policy::aws::{public, Repository};
//! use ecr_policy::model::PublicRepositoryPolicy;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = PublicRepositoryPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{
//!   "Sid":"AllowPush","Effect":"Allow",
//!   "Principal":{"AWS":"arn:aws:iam::111122223333:user/push-pull-user-1"},
//!   "Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:PutImage",
//!             "ecr-public:InitiateLayerUpload","ecr-public:UploadLayerPart",
//!             "ecr-public:CompleteLayerUpload"]}]}"#)?;
//! let client = public::client_from_env().await?; // always us-east-1
//! let repo = Repository::new("base-images".parse()?);
//! public::apply(&client, &repo, &policy).await?;
//! let drift = public::drift(&client, &repo, &policy).await?;
//! assert!(drift.is_in_sync(), "{drift}");
//! # Ok(())
//! # }
//! ```

use aws_config::SdkConfig;

use super::env::{check_credentials, config_from_env, https_client};
use super::repository::{self, RepositoryClient};
use super::{Applied, DeployedPolicy, Drift, Error, Repository, SdkFailure};
use crate::catalogue::checks::action_covers_action;
use crate::model::{
    ActionItem, AnyPolicy, AwsPrincipal, Principal, PublicRepositoryPolicy, Statement,
};
use crate::{Effect, PolicyDocument};

/// The Region of ECR Public's API, which [`client_from_env`] and [`client_from_config`] use.
pub const REGION: &str = "us-east-1";

/// The action a lock-out denies.
const SET_POLICY: &str = "ecr-public:SetRepositoryPolicy";

/// An ECR Public client configured the standard way, as [`client_from_env`](super::client_from_env)
/// configures the ECR client (credentials, profiles, retries, time-outs, HTTPS), but always in
/// [`REGION`]. The endpoint can be set with `AWS_ENDPOINT_URL_ECR_PUBLIC` (or
/// `AWS_ENDPOINT_URL`), for a local server.
///
/// ```no_run
/// # async fn run() -> Result<(), ecr_policy::aws::Error> {
/// let client = ecr_policy::aws::public::client_from_env().await?;
/// assert_eq!(client.config().region().map(|r| r.as_ref()), Some("us-east-1"));
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// [`Error::Environment`] when no credentials are found or the credential provider fails,
/// and when `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE` or their profile settings are not valid.
pub async fn client_from_env() -> Result<aws_sdk_ecrpublic::Client, Error> {
    let config = config_from_env(Some(aws_config::Region::from_static(REGION))).await?;
    client_from_config(&config).await
}

/// An ECR Public client for a configuration loaded by the caller, in [`REGION`] whatever
/// Region the configuration names (so one configuration serves the ECR client of its Region
/// and this one).
///
/// A configuration without an HTTP client gets [`https_client`], and one
/// without a behaviour version the latest. The credentials are resolved once, to tell missing
/// or refused credentials now.
///
/// ```no_run
/// use ecr_policy::aws::{self, aws_config, public};
///
/// # async fn run() -> Result<(), aws::Error> {
/// let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
///     .region(aws_config::Region::new("eu-west-1"))
///     .http_client(aws::https_client())
///     .load()
///     .await;
/// let private = aws::client_from_config(&config).await?; // eu-west-1
/// let public = public::client_from_config(&config).await?; // us-east-1
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// [`Error::Environment`] when the configuration has no credentials provider, or its provider
/// finds no credentials or fails (the provider's error is the source).
pub async fn client_from_config(config: &SdkConfig) -> Result<aws_sdk_ecrpublic::Client, Error> {
    check_credentials(config).await?;
    Ok(aws_sdk_ecrpublic::Client::from_conf(config_of(config)))
}

/// The ECR Public client's configuration for `config`: the same, in [`REGION`].
fn config_of(config: &SdkConfig) -> aws_sdk_ecrpublic::Config {
    let mut builder = aws_sdk_ecrpublic::config::Builder::from(config)
        .region(aws_sdk_ecrpublic::config::Region::from_static(REGION));
    // The SDK panics when building a client without a behaviour version.
    if config.behavior_version().is_none() {
        builder = builder.behavior_version(aws_config::BehaviorVersion::latest());
    }
    if config.http_client().is_none() {
        builder = builder.http_client(https_client());
    }
    builder.build()
}

/// Sets `policy` on the ECR Public `repository` with `SetRepositoryPolicy`, without `force`.
///
/// The policy is sent as [`PublicRepositoryPolicy::to_json`]. A policy that would stop anyone
/// from setting the repository's policy again (a `Deny` of `ecr-public:SetRepositoryPolicy` to
/// every principal, without a condition: [`locking_statement`]) is refused before calling with
/// [`Error::WouldLockOutPublic`]. When the request was sent but its answer never came, the
/// policy is read back and the error is [`Error::Unconfirmed`], as for [`super::apply`].
///
/// # Errors
/// [`Error::WouldLockOutPublic`], [`Error::PolicyTooLong`], [`Error::Unconfirmed`],
/// [`Error::Transport`], and what ECR Public answers: [`Error::RepositoryNotFound`],
/// [`Error::InvalidPolicy`], [`Error::PrincipalNotFound`], [`Error::AccessDenied`],
/// [`Error::Aws`] (`UnsupportedCommandException` for a client outside [`REGION`]).
pub async fn apply(
    client: &aws_sdk_ecrpublic::Client,
    repository: &Repository,
    policy: &PublicRepositoryPolicy,
) -> Result<Applied, Error> {
    repository::apply(client, repository, policy).await
}

/// Sets `policy` with `SetRepositoryPolicy` and `force`, even when it would lock everyone out
/// of the repository's policy. Only for policies meant to be final.
///
/// # Errors
/// As [`apply`], but never [`Error::WouldLockOutPublic`].
pub async fn apply_forced(
    client: &aws_sdk_ecrpublic::Client,
    repository: &Repository,
    policy: &PublicRepositoryPolicy,
) -> Result<Applied, Error> {
    repository::set(client, repository, policy, true).await
}

impl RepositoryClient for aws_sdk_ecrpublic::Client {
    type Policy = PublicRepositoryPolicy;

    fn check_lock_out(
        repository: &Repository,
        policy: &PublicRepositoryPolicy,
    ) -> Result<(), Error> {
        match locking_statement(policy.document()) {
            Some(statement) => Err(Error::WouldLockOutPublic {
                repository: repository.to_string(),
                statement,
            }),
            None => Ok(()),
        }
    }

    fn text(policy: &PublicRepositoryPolicy) -> String {
        policy.to_json()
    }

    /// By [`Drift::between_any`]: `"Resource": "*"` is the same as no `Resource`.
    fn compare(
        &self,
        _: &Repository,
        deployed: Option<&DeployedPolicy>,
        code: &PublicRepositoryPolicy,
    ) -> Drift {
        Drift::between_any(
            deployed.map(DeployedPolicy::document),
            &AnyPolicy::PublicRepository(code.clone()),
        )
    }
}

/// The first statement of `doc` that would stop anyone from setting an ECR Public
/// repository's policy again: a `Deny` without a condition, of every principal (`"*"`, not
/// `NotPrincipal`), whose actions cover `ecr-public:SetRepositoryPolicy` (an `Action` entry
/// that matches it, or a `NotAction` that leaves it out).
///
/// ```
/// use ecr_policy::aws::public::locking_statement;
/// use ecr_policy::PolicyDocument;
///
/// let lock = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[
///   {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr-public:PutImage"},
///   {"Effect":"Deny","Principal":"*","Action":"ecr-public:Set*"}]}"#)?;
/// assert_eq!(locking_statement(&lock), Some(1));
/// let spared = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[
///   {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"ecr-public:*"}]}"#)?;
/// assert_eq!(locking_statement(&spared), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn locking_statement(doc: &PolicyDocument) -> Option<usize> {
    doc.statements.iter().position(locks_out)
}

fn locks_out(s: &Statement) -> bool {
    let everyone = s.principal.as_ref().is_some_and(|p| {
        !p.negated
            && p.principals.iter().any(|p| {
                matches!(
                    p,
                    Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone)
                )
            })
    });
    let covers = |item: &ActionItem| {
        let text = item.as_str();
        text.eq_ignore_ascii_case(SET_POLICY) || action_covers_action(text, SET_POLICY)
    };
    let denied = s
        .action
        .as_ref()
        .is_some_and(|a| a.negated != a.actions.iter().any(covers));
    s.effect == Effect::Deny && everyone && denied && s.condition.is_empty()
}

/// Reads the policy of the ECR Public `repository` with `GetRepositoryPolicy`: `Ok(None)`
/// when it has none.
///
/// # Errors
/// [`Error::RepositoryNotFound`], [`Error::AccessDenied`], [`Error::Aws`],
/// [`Error::Transport`], and [`Error::UnreadablePolicy`] when the text is not a policy
/// document.
pub async fn fetch(
    client: &aws_sdk_ecrpublic::Client,
    repository: &Repository,
) -> Result<Option<DeployedPolicy>, Error> {
    repository::fetch(client, repository).await
}

/// Compares the policy on the ECR Public `repository` with `code` by meaning
/// ([`Drift::between_any`]: `"Resource": "*"` is the same as no `Resource`).
///
/// # Errors
/// As [`fetch`].
pub async fn drift(
    client: &aws_sdk_ecrpublic::Client,
    repository: &Repository,
    code: &PublicRepositoryPolicy,
) -> Result<Drift, Error> {
    repository::drift(client, repository, code).await
}

/// Deletes the policy of the ECR Public `repository` with `DeleteRepositoryPolicy`: the text
/// of the policy deleted, or `Ok(None)` when it had none.
///
/// # Errors
/// [`Error::RepositoryNotFound`], [`Error::AccessDenied`], [`Error::Aws`],
/// [`Error::Transport`] (deleting again is safe).
pub async fn delete(
    client: &aws_sdk_ecrpublic::Client,
    repository: &Repository,
) -> Result<Option<String>, Error> {
    let result = client
        .delete_repository_policy()
        .repository_name(repository.name().as_str())
        .set_registry_id(repository::registry_id(repository))
        .send()
        .await;
    match result {
        Ok(output) => Ok(output.policy_text),
        Err(e) if repository::no_policy(&e) => Ok(None),
        Err(e) => Err(Error::from_sdk(
            &repository.to_string(),
            SdkFailure::PublicDeleteRepositoryPolicy(e),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::locking_statement;
    use crate::PolicyDocument;

    fn statement(body: &str) -> Option<usize> {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{body}]}}"#);
        locking_statement(&PolicyDocument::from_json(&text).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn a_deny_of_setting_the_policy_to_everyone_locks_out() {
        for action in [
            r#""Action":"ecr-public:SetRepositoryPolicy""#,
            r#""Action":"ECR-PUBLIC:setrepositorypolicy""#,
            r#""Action":["ecr-public:PutImage","ecr-public:Set*"]"#,
            r#""Action":"*""#,
            r#""NotAction":"ecr-public:PutImage""#,
        ] {
            for principal in [r#""Principal":"*""#, r#""Principal":{"AWS":"*"}"#] {
                let body = format!(r#"{{"Effect":"Deny",{principal},{action}}}"#);
                assert_eq!(statement(&body), Some(0), "{body}");
            }
        }
    }

    #[test]
    fn what_spares_someone_or_allows_does_not_lock_out() {
        for body in [
            // An Allow.
            r#"{"Effect":"Allow","Principal":"*","Action":"ecr-public:SetRepositoryPolicy"}"#,
            // One principal only.
            r#"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr-public:*"}"#,
            // NotPrincipal spares an administrator.
            r#"{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"ecr-public:*"}"#,
            // A condition.
            r#"{"Effect":"Deny","Principal":"*","Action":"ecr-public:*","Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/admin"}}}"#,
            // Other actions, or a NotAction that leaves setting the policy allowed.
            r#"{"Effect":"Deny","Principal":"*","Action":"ecr-public:Put*"}"#,
            r#"{"Effect":"Deny","Principal":"*","NotAction":"ecr-public:Set*"}"#,
        ] {
            assert_eq!(statement(body), None, "{body}");
        }
    }
}
