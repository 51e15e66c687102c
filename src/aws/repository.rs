//! The calls on one repository's policy, on one path for ECR's repositories and ECR Public's:
//! both APIs take the same `SetRepositoryPolicy` and `GetRepositoryPolicy` requests and give
//! the same answers, through two clients. [`RepositoryCalls`] puts the two clients' calls
//! behind one face, [`RepositoryClient`] says what differs by policy kind (the lock-out guard,
//! the comparison); setting, reading back, fetching and comparing are written once here.

use std::future::Future;

use aws_sdk_ecr::config::http::HttpResponse;
use aws_sdk_ecr::error::{ProvideErrorMetadata, SdkError};

use super::delivery::DeliveryWatch;
use super::error::ModelledCode;
use super::{
    checked_length, code, settle, Applied, DeployedPolicy, Drift, Error, Operation, Repository,
    SdkFailure,
};

/// The error code ECR and ECR Public answer for a repository without a policy.
const NO_POLICY: &str = "RepositoryPolicyNotFoundException";

/// The answer of a call: its output, or the SDK's error.
pub(super) type Answer<T, E> = Result<T, SdkError<E, HttpResponse>>;

/// The repository policy calls of an SDK's client: ECR's or ECR Public's.
pub(super) trait RepositoryCalls {
    /// The error of `SetRepositoryPolicy`.
    type SetError;
    /// The error of `GetRepositoryPolicy`.
    type GetError: ProvideErrorMetadata + ModelledCode;

    /// `GetRepositoryPolicy`, as [`Error::UnreadablePolicy`] names it.
    const GET: Operation;

    /// The failure of `SetRepositoryPolicy`.
    fn set_failure(error: SdkError<Self::SetError, HttpResponse>) -> SdkFailure;

    /// The failure of `GetRepositoryPolicy`.
    fn get_failure(error: SdkError<Self::GetError, HttpResponse>) -> SdkFailure;

    /// Sends `SetRepositoryPolicy` with `text`, and `force` only when asked for (an absent
    /// flag and `false` mean the same to ECR, but the request then shows plainly that no guard
    /// was overridden), watched by `watch`.
    fn send_set(
        &self,
        repository: &Repository,
        text: String,
        force: bool,
        watch: DeliveryWatch,
    ) -> impl Future<Output = Answer<Applied, Self::SetError>> + Send;

    /// Sends `GetRepositoryPolicy`: the registry id and the policy text of the answer.
    fn send_get(
        &self,
        repository: &Repository,
    ) -> impl Future<Output = Answer<(Option<String>, Option<String>), Self::GetError>> + Send;
}

/// [`RepositoryCalls`] for the client of `$sdk`, whose two calls are `$set` and `$get` (in
/// [`SdkFailure`] and [`Operation`]): the SDKs' clients have the same methods on different
/// types.
macro_rules! repository_calls {
    ($sdk:ident, $set:ident, $get:ident) => {
        impl RepositoryCalls for $sdk::Client {
            type SetError = $sdk::operation::set_repository_policy::SetRepositoryPolicyError;
            type GetError = $sdk::operation::get_repository_policy::GetRepositoryPolicyError;

            const GET: Operation = Operation::$get;

            fn set_failure(error: SdkError<Self::SetError, HttpResponse>) -> SdkFailure {
                SdkFailure::$set(error)
            }

            fn get_failure(error: SdkError<Self::GetError, HttpResponse>) -> SdkFailure {
                SdkFailure::$get(error)
            }

            fn send_set(
                &self,
                repository: &Repository,
                text: String,
                force: bool,
                watch: DeliveryWatch,
            ) -> impl Future<Output = Answer<Applied, Self::SetError>> + Send {
                let request = self
                    .set_repository_policy()
                    .repository_name(repository.name().as_str())
                    .set_registry_id(registry_id(repository))
                    .policy_text(text)
                    .set_force(force.then_some(true));
                async move {
                    let output = request.customize().interceptor(watch).send().await?;
                    Ok(Applied {
                        registry_id: output.registry_id,
                        policy_text: output.policy_text,
                    })
                }
            }

            fn send_get(
                &self,
                repository: &Repository,
            ) -> impl Future<Output = Answer<(Option<String>, Option<String>), Self::GetError>> + Send
            {
                let request = self
                    .get_repository_policy()
                    .repository_name(repository.name().as_str())
                    .set_registry_id(registry_id(repository));
                async move {
                    let output = request.send().await?;
                    Ok((output.registry_id, output.policy_text))
                }
            }
        }
    };
}

repository_calls!(aws_sdk_ecr, SetRepositoryPolicy, GetRepositoryPolicy);
repository_calls!(
    aws_sdk_ecrpublic,
    PublicSetRepositoryPolicy,
    PublicGetRepositoryPolicy
);

/// A client of repository policies of one kind: ECR's for [`RepositoryPolicy`](crate::RepositoryPolicy), ECR Public's
/// for [`PublicRepositoryPolicy`](crate::model::PublicRepositoryPolicy).
pub(super) trait RepositoryClient: RepositoryCalls {
    /// The kind of policy the repositories take.
    type Policy;

    /// The policy's refusal before any call, when it would lock everyone out of the
    /// repository's policy.
    fn check_lock_out(repository: &Repository, policy: &Self::Policy) -> Result<(), Error>;

    /// The policy text sent.
    fn text(policy: &Self::Policy) -> String;

    /// The policy deployed on `repository` against the code, by meaning.
    fn compare(
        &self,
        repository: &Repository,
        deployed: Option<&DeployedPolicy>,
        code: &Self::Policy,
    ) -> Drift;
}

/// The registry id of a request on `repository`: `None` for the caller's own registry.
pub(super) fn registry_id(repository: &Repository) -> Option<String> {
    repository.registry_id().map(|id| id.as_str().to_owned())
}

/// Whether a failed call on a repository's policy says that the repository has none.
pub(super) fn no_policy<E: ProvideErrorMetadata + ModelledCode>(
    error: &SdkError<E, HttpResponse>,
) -> bool {
    error.as_service_error().and_then(code) == Some(NO_POLICY)
}

/// `apply`: the lock-out guard, then `SetRepositoryPolicy` without `force`.
pub(super) async fn apply<C: RepositoryClient>(
    client: &C,
    repository: &Repository,
    policy: &C::Policy,
) -> Result<Applied, Error> {
    C::check_lock_out(repository, policy)?;
    set(client, repository, policy, false).await
}

/// `SetRepositoryPolicy`, read back when its answer was lost after the request went out.
pub(super) async fn set<C: RepositoryClient>(
    client: &C,
    repository: &Repository,
    policy: &C::Policy,
    force: bool,
) -> Result<Applied, Error> {
    let text = checked_length(C::text(policy))?;
    let watch = DeliveryWatch::default();
    let error = match client
        .send_set(repository, text, force, watch.clone())
        .await
    {
        Ok(applied) => return Ok(applied),
        Err(error) => error,
    };
    Err(settle(
        error,
        &watch,
        &repository.to_string(),
        C::set_failure,
        || drift(client, repository, policy),
    )
    .await)
}

/// `fetch`: `GetRepositoryPolicy` into the typed model, `None` when the repository has none.
pub(super) async fn fetch<C: RepositoryClient>(
    client: &C,
    repository: &Repository,
) -> Result<Option<DeployedPolicy>, Error> {
    let name = repository.to_string();
    let (registry_id, text) = match client.send_get(repository).await {
        Ok(output) => output,
        Err(e) if no_policy(&e) => return Ok(None),
        Err(e) => return Err(Error::from_sdk(&name, C::get_failure(e))),
    };
    let Some(text) = text else {
        return Ok(None);
    };
    DeployedPolicy::read(C::GET, &name, registry_id, text).map(Some)
}

/// `drift`: the policy on the repository against `code`, by meaning.
pub(super) async fn drift<C: RepositoryClient>(
    client: &C,
    repository: &Repository,
    code: &C::Policy,
) -> Result<Drift, Error> {
    let deployed = fetch(client, repository).await?;
    Ok(client.compare(repository, deployed.as_ref(), code))
}

#[cfg(test)]
mod tests {
    use crate::aws::{self, public, Repository};
    use crate::model::PublicRepositoryPolicy;
    use crate::RepositoryPolicy;

    /// Compiles only when the futures of the calls are `Send`, so that they can be spawned on a
    /// multi-threaded runtime.
    fn spawnable(
        private: &aws_sdk_ecr::Client,
        ecr_public: &aws_sdk_ecrpublic::Client,
        repository: &Repository,
        policy: &RepositoryPolicy,
        public_policy: &PublicRepositoryPolicy,
    ) {
        fn send<T: Send>(_: T) {}
        send(aws::apply(private, repository, policy));
        send(aws::apply_forced(private, repository, policy));
        send(aws::fetch(private, repository));
        send(aws::drift(private, repository, policy));
        send(public::apply(ecr_public, repository, public_policy));
        send(public::apply_forced(ecr_public, repository, public_policy));
        send(public::fetch(ecr_public, repository));
        send(public::drift(ecr_public, repository, public_policy));
        send(public::delete(ecr_public, repository));
    }

    #[test]
    fn the_calls_can_be_spawned() {
        let _ = spawnable;
    }
}
