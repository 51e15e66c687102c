//! What can go wrong when setting or reading a repository, registry or ECR Public repository
//! policy, in ECR's own terms.

use std::fmt;

use aws_sdk_ecr::config::http::HttpResponse;
use aws_sdk_ecr::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ecr::operation::delete_registry_policy::DeleteRegistryPolicyError;
use aws_sdk_ecr::operation::get_registry_policy::GetRegistryPolicyError;
use aws_sdk_ecr::operation::get_repository_policy::GetRepositoryPolicyError;
use aws_sdk_ecr::operation::put_registry_policy::PutRegistryPolicyError;
use aws_sdk_ecr::operation::set_repository_policy::SetRepositoryPolicyError;
use aws_sdk_ecrpublic::operation::delete_repository_policy::DeleteRepositoryPolicyError as PublicDeleteError;
use aws_sdk_ecrpublic::operation::get_repository_policy::GetRepositoryPolicyError as PublicGetError;
use aws_sdk_ecrpublic::operation::set_repository_policy::SetRepositoryPolicyError as PublicSetError;

use super::Drift;

/// An ECR or ECR Public API call, named as in its API reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `SetRepositoryPolicy`.
    SetRepositoryPolicy,
    /// `GetRepositoryPolicy`.
    GetRepositoryPolicy,
    /// `PutRegistryPolicy`.
    PutRegistryPolicy,
    /// `GetRegistryPolicy`.
    GetRegistryPolicy,
    /// `DeleteRegistryPolicy`.
    DeleteRegistryPolicy,
    /// `SetRepositoryPolicy` of ECR Public.
    PublicSetRepositoryPolicy,
    /// `GetRepositoryPolicy` of ECR Public.
    PublicGetRepositoryPolicy,
    /// `DeleteRepositoryPolicy` of ECR Public.
    PublicDeleteRepositoryPolicy,
}

/// What an operation acts on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holder {
    Repository,
    Registry,
    PublicRepository,
}

impl Operation {
    /// The operation's name in its API (ECR's or ECR Public's).
    ///
    /// ```
    /// use ecr_policy::aws::Operation;
    /// assert_eq!(Operation::SetRepositoryPolicy.as_str(), "SetRepositoryPolicy");
    /// assert_eq!(Operation::PublicSetRepositoryPolicy.as_str(), "SetRepositoryPolicy");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Operation::SetRepositoryPolicy | Operation::PublicSetRepositoryPolicy => {
                "SetRepositoryPolicy"
            }
            Operation::GetRepositoryPolicy | Operation::PublicGetRepositoryPolicy => {
                "GetRepositoryPolicy"
            }
            Operation::PutRegistryPolicy => "PutRegistryPolicy",
            Operation::GetRegistryPolicy => "GetRegistryPolicy",
            Operation::DeleteRegistryPolicy => "DeleteRegistryPolicy",
            Operation::PublicDeleteRepositoryPolicy => "DeleteRepositoryPolicy",
        }
    }

    /// The IAM action a caller needs for the call: `ecr:` or `ecr-public:` and the name.
    ///
    /// ```
    /// use ecr_policy::aws::Operation;
    /// assert_eq!(Operation::PutRegistryPolicy.action(), "ecr:PutRegistryPolicy");
    /// assert_eq!(Operation::PublicGetRepositoryPolicy.action(), "ecr-public:GetRepositoryPolicy");
    /// ```
    #[must_use]
    pub fn action(self) -> String {
        let service = match self.holder() {
            Holder::PublicRepository => "ecr-public",
            Holder::Repository | Holder::Registry => "ecr",
        };
        format!("{service}:{}", self.as_str())
    }

    const fn holder(self) -> Holder {
        match self {
            Operation::SetRepositoryPolicy | Operation::GetRepositoryPolicy => Holder::Repository,
            Operation::PutRegistryPolicy
            | Operation::GetRegistryPolicy
            | Operation::DeleteRegistryPolicy => Holder::Registry,
            Operation::PublicSetRepositoryPolicy
            | Operation::PublicGetRepositoryPolicy
            | Operation::PublicDeleteRepositoryPolicy => Holder::PublicRepository,
        }
    }

    /// Whether the call sets a policy (and is watched for a request that may have arrived).
    const fn sets(self) -> bool {
        matches!(
            self,
            Operation::SetRepositoryPolicy
                | Operation::PutRegistryPolicy
                | Operation::PublicSetRepositoryPolicy
        )
    }

    const fn deletes(self) -> bool {
        matches!(
            self,
            Operation::DeleteRegistryPolicy | Operation::PublicDeleteRepositoryPolicy
        )
    }

    /// The call that reads back what a set or delete call changed.
    const fn read_back(self) -> Operation {
        match self.holder() {
            Holder::Repository => Operation::GetRepositoryPolicy,
            Holder::Registry => Operation::GetRegistryPolicy,
            Holder::PublicRepository => Operation::PublicGetRepositoryPolicy,
        }
    }

    /// What the call acts on, in words: `repository NAME`, `the registry`, `public repository
    /// NAME`.
    fn subject(self, repository: &str) -> String {
        match self.holder() {
            Holder::Repository => format!("repository {repository}"),
            Holder::Registry => "the registry".to_owned(),
            Holder::PublicRepository => format!("public repository {repository}"),
        }
    }

    /// The kind of thing the call acts on: `repository`, `registry`, `public repository`.
    fn noun(self) -> &'static str {
        match self.holder() {
            Holder::Repository => "repository",
            Holder::Registry => "registry",
            Holder::PublicRepository => "public repository",
        }
    }
}

impl fmt::Display for Operation {
    /// The name in the API, with `ECR Public` before the calls of ECR Public.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.holder() == Holder::PublicRepository {
            f.write_str("ECR Public ")?;
        }
        f.write_str(self.as_str())
    }
}

/// The SDK's own error for a failed ECR or ECR Public call, kept whole as the [`source`] of an
/// [`Error`].
///
/// [`source`]: std::error::Error::source
///
/// ```no_run
/// use ecr_policy::aws::{self, aws_sdk_ecr, SdkFailure};
/// # async fn run(client: &aws_sdk_ecr::Client, repo: &aws::Repository) {
/// if let Err(e) = aws::fetch(client, repo).await {
///     if let Some(SdkFailure::GetRepositoryPolicy(sdk)) = e.sdk_failure() {
///         eprintln!("{}", aws_sdk_ecr::error::DisplayErrorContext(sdk));
///     }
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkFailure {
    /// The error of `SetRepositoryPolicy`.
    SetRepositoryPolicy(SdkError<SetRepositoryPolicyError, HttpResponse>),
    /// The error of `GetRepositoryPolicy`.
    GetRepositoryPolicy(SdkError<GetRepositoryPolicyError, HttpResponse>),
    /// The error of `PutRegistryPolicy`.
    PutRegistryPolicy(SdkError<PutRegistryPolicyError, HttpResponse>),
    /// The error of `GetRegistryPolicy`.
    GetRegistryPolicy(SdkError<GetRegistryPolicyError, HttpResponse>),
    /// The error of `DeleteRegistryPolicy`.
    DeleteRegistryPolicy(SdkError<DeleteRegistryPolicyError, HttpResponse>),
    /// The error of ECR Public's `SetRepositoryPolicy`.
    PublicSetRepositoryPolicy(SdkError<PublicSetError, HttpResponse>),
    /// The error of ECR Public's `GetRepositoryPolicy`.
    PublicGetRepositoryPolicy(SdkError<PublicGetError, HttpResponse>),
    /// The error of ECR Public's `DeleteRepositoryPolicy`.
    PublicDeleteRepositoryPolicy(SdkError<PublicDeleteError, HttpResponse>),
}

/// `$body` with `$e` bound to the SDK error of whichever variant `$failure` is.
macro_rules! each_failure {
    ($failure:expr, $e:ident => $body:expr) => {
        match $failure {
            SdkFailure::SetRepositoryPolicy($e) => $body,
            SdkFailure::GetRepositoryPolicy($e) => $body,
            SdkFailure::PutRegistryPolicy($e) => $body,
            SdkFailure::GetRegistryPolicy($e) => $body,
            SdkFailure::DeleteRegistryPolicy($e) => $body,
            SdkFailure::PublicSetRepositoryPolicy($e) => $body,
            SdkFailure::PublicGetRepositoryPolicy($e) => $body,
            SdkFailure::PublicDeleteRepositoryPolicy($e) => $body,
        }
    };
}

impl SdkFailure {
    /// The call that failed.
    #[must_use]
    pub fn operation(&self) -> Operation {
        match self {
            SdkFailure::SetRepositoryPolicy(_) => Operation::SetRepositoryPolicy,
            SdkFailure::GetRepositoryPolicy(_) => Operation::GetRepositoryPolicy,
            SdkFailure::PutRegistryPolicy(_) => Operation::PutRegistryPolicy,
            SdkFailure::GetRegistryPolicy(_) => Operation::GetRegistryPolicy,
            SdkFailure::DeleteRegistryPolicy(_) => Operation::DeleteRegistryPolicy,
            SdkFailure::PublicSetRepositoryPolicy(_) => Operation::PublicSetRepositoryPolicy,
            SdkFailure::PublicGetRepositoryPolicy(_) => Operation::PublicGetRepositoryPolicy,
            SdkFailure::PublicDeleteRepositoryPolicy(_) => Operation::PublicDeleteRepositoryPolicy,
        }
    }

    /// The HTTP status of the service's response, when a response came.
    #[must_use]
    pub fn http_status(&self) -> Option<u16> {
        each_failure!(self, e => e.raw_response().map(|r| r.status().as_u16()))
    }

    /// The SDK error as a plain error, to walk its causes.
    #[must_use]
    pub fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        each_failure!(self, e => e)
    }

    /// The error code and message of an error the service answered with; `None` when no
    /// answer could be read as an error (no connection, a time-out, an unreadable response).
    pub(crate) fn service_error(&self) -> Option<(Option<String>, Option<String>)> {
        fn parts<E>(error: &SdkError<E, HttpResponse>) -> Option<(Option<String>, Option<String>)>
        where
            E: ProvideErrorMetadata + ModelledCode,
        {
            let e = error.as_service_error()?;
            let code = e.code().or_else(|| e.modelled_code());
            Some((code.map(str::to_owned), e.message().map(str::to_owned)))
        }
        each_failure!(self, e => parts(e))
    }
}

/// An error from [`apply`](super::apply), [`fetch`](super::fetch), [`drift`](super::drift),
/// the calls of [`registry`](super::registry) and [`public`](super::public),
/// [`client_from_env`](super::client_from_env) or
/// [`client_from_config`](super::client_from_config).
///
/// Errors ECR returns keep its message word for word ([`Error::aws_message`]), and every error
/// of an ECR or ECR Public call keeps the SDK's error as its
/// [`source`](std::error::Error::source) ([`Error::sdk_failure`]).
///
/// ```no_run
/// use ecr_policy::aws::{self, aws_sdk_ecr, Drift, Error};
/// # async fn run(client: &aws_sdk_ecr::Client, repo: &aws::Repository, policy: &ecr_policy::RepositoryPolicy) {
/// match aws::apply(client, repo, policy).await {
///     Ok(_) => println!("applied"),
///     // The request went out but no answer came back; ECR was asked again what it holds.
///     Err(Error::Unconfirmed { deployed: Ok(Drift::InSync), .. }) => println!("in place"),
///     Err(e @ Error::RepositoryNotFound { .. }) => eprintln!("{e}"),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Refused before calling ECR: the policy would stop anyone from setting a policy on the
    /// repository again. ECR refuses it as well unless `force` is set; use
    /// [`apply_forced`](super::apply_forced) if that is really meant.
    WouldLockOut {
        /// The repository.
        repository: String,
        /// The lint's [`LocksOutPolicyChanges`](crate::lint::LintCode::LocksOutPolicyChanges)
        /// finding: which statement locks everyone out, and how to keep the policy changeable.
        finding: Box<crate::lint::Finding>,
    },
    /// Refused before calling ECR Public: the policy denies `ecr-public:SetRepositoryPolicy` to
    /// every principal without a condition, so no one could set the repository's policy
    /// again. ECR Public refuses it as well unless `force` is set; use
    /// [`public::apply_forced`](super::public::apply_forced) if that is really meant.
    WouldLockOutPublic {
        /// The ECR Public repository.
        repository: String,
        /// The statement that denies it, from 0.
        statement: usize,
    },
    /// Refused before calling ECR: the policy text is longer than ECR stores
    /// ([`MAX_POLICY_LENGTH`](crate::model::MAX_POLICY_LENGTH) characters).
    PolicyTooLong {
        /// The length of the policy text, in characters.
        length: usize,
    },
    /// Refused before calling ECR: the registry policy names repositories of another Region
    /// than the one the client calls, and `PutRegistryPolicy` sets the policy of the client's
    /// Region only.
    OtherRegion {
        /// The Region of the policy's `Resource`.
        policy_region: String,
        /// The Region of the client.
        client_region: String,
    },
    /// ECR (or ECR Public) has no such repository in the registry
    /// (`RepositoryNotFoundException`).
    RepositoryNotFound {
        /// The repository.
        repository: String,
        /// ECR's message.
        message: String,
        /// The SDK's error.
        source: Box<SdkFailure>,
    },
    /// ECR refused the policy (`InvalidParameterException` on `SetRepositoryPolicy`,
    /// `PutRegistryPolicy` or ECR Public's `SetRepositoryPolicy`, usually "Invalid repository
    /// policy provided" or "Invalid registry policy provided").
    InvalidPolicy {
        /// ECR's message.
        message: String,
        /// The SDK's error.
        source: Box<SdkFailure>,
    },
    /// ECR refused the policy because a user or role it names does not exist (ECR checks every
    /// named IAM user and role when the policy is set; ECR-FACTS 1).
    PrincipalNotFound {
        /// ECR's message.
        message: String,
        /// The SDK's error.
        source: Box<SdkFailure>,
    },
    /// The caller's credentials may not make this call (`AccessDeniedException`).
    AccessDenied {
        /// The call that was refused.
        operation: Operation,
        /// ECR's message.
        message: String,
        /// The SDK's error.
        source: Box<SdkFailure>,
    },
    /// The policy ECR holds is not one this crate can read.
    UnreadablePolicy {
        /// The call that read it: which repository or registry's policy it is.
        operation: Operation,
        /// The repository (empty for the registry's policy).
        repository: String,
        /// What is wrong with it, and where in `text`.
        error: Box<crate::json::ParseError>,
        /// The `policyText` ECR returned.
        text: String,
    },
    /// Any other error ECR answered with: its code when it sent one, and the HTTP status
    /// (in [`source`](Self::Aws::source), shown by `Display`) for an answer without a body or
    /// without a code, such as a proxy's `502`.
    Aws {
        /// The call that failed.
        operation: Operation,
        /// The error code, such as `ServerException`, when ECR sent one.
        code: Option<String>,
        /// ECR's message, or `(ECR sent no message)`.
        message: String,
        /// The SDK's error, with the HTTP response.
        source: Box<SdkFailure>,
    },
    /// The call got no answer from ECR that could be read (no connection, a time-out, an
    /// unreadable response). A call that sets a policy changed nothing: its request was never
    /// sent (the connection failed, or the call failed before sending).
    Transport {
        /// The call that failed.
        operation: Operation,
        /// What happened, with its causes.
        detail: String,
        /// The SDK's error.
        source: Box<SdkFailure>,
    },
    /// A call that sets a policy (`SetRepositoryPolicy`, `PutRegistryPolicy`, ECR Public's
    /// `SetRepositoryPolicy`) was sent, but its answer never came (the connection broke, or a
    /// time-out struck, after the request was written): the request may have reached ECR, so
    /// the policy may or may not be applied. The policy was then read back
    /// (`GetRepositoryPolicy`, `GetRegistryPolicy`); `deployed` says what the repository or
    /// registry holds now, compared by meaning with the policy that was sent.
    Unconfirmed {
        /// The repository (empty for the registry's policy).
        repository: String,
        /// What happened to the request, with its causes.
        detail: String,
        /// The read-back: [`Drift::InSync`] when the repository holds what was sent (set by
        /// this request or already there), [`Drift::NotDeployed`] or [`Drift::Drifted`] when it
        /// does not, or the error of the read-back.
        deployed: Result<Drift, Box<Error>>,
        /// The SDK's error of the call that set the policy.
        source: Box<SdkFailure>,
    },
    /// The configuration does not say where or as whom to connect, or says it wrongly
    /// ([`client_from_env`](super::client_from_env),
    /// [`client_from_config`](super::client_from_config)).
    Environment {
        /// What is missing or wrong, and which variable or setting to fix.
        message: String,
        /// The error of the configuration source, such as the credentials provider's.
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl Error {
    /// The message ECR sent with this error, word for word; `None` for errors raised before or
    /// without an answer from ECR.
    #[must_use]
    pub fn aws_message(&self) -> Option<&str> {
        match self {
            Error::RepositoryNotFound { message, .. }
            | Error::InvalidPolicy { message, .. }
            | Error::PrincipalNotFound { message, .. }
            | Error::AccessDenied { message, .. }
            | Error::Aws { message, .. } => Some(message),
            Error::WouldLockOut { .. }
            | Error::WouldLockOutPublic { .. }
            | Error::OtherRegion { .. }
            | Error::PolicyTooLong { .. }
            | Error::UnreadablePolicy { .. }
            | Error::Transport { .. }
            | Error::Unconfirmed { .. }
            | Error::Environment { .. } => None,
        }
    }

    /// The SDK's error, for errors of an ECR call.
    #[must_use]
    pub fn sdk_failure(&self) -> Option<&SdkFailure> {
        match self {
            Error::RepositoryNotFound { source, .. }
            | Error::InvalidPolicy { source, .. }
            | Error::PrincipalNotFound { source, .. }
            | Error::AccessDenied { source, .. }
            | Error::Aws { source, .. }
            | Error::Transport { source, .. }
            | Error::Unconfirmed { source, .. } => Some(source),
            Error::WouldLockOut { .. }
            | Error::WouldLockOutPublic { .. }
            | Error::OtherRegion { .. }
            | Error::PolicyTooLong { .. }
            | Error::UnreadablePolicy { .. }
            | Error::Environment { .. } => None,
        }
    }

    /// The HTTP status of ECR's answer, when one came.
    #[must_use]
    pub fn http_status(&self) -> Option<u16> {
        self.sdk_failure().and_then(SdkFailure::http_status)
    }

    /// Maps an error ECR answered with by its error code, keeping ECR's message.
    fn classify(
        operation: Operation,
        repository: &str,
        code: Option<String>,
        message: Option<String>,
        source: Box<SdkFailure>,
    ) -> Self {
        let message = message.unwrap_or_else(|| "(ECR sent no message)".to_owned());
        match code.as_deref() {
            Some("RepositoryNotFoundException") => Error::RepositoryNotFound {
                repository: repository.to_owned(),
                message,
                source,
            },
            Some("AccessDeniedException" | "AccessDenied") => Error::AccessDenied {
                operation,
                message,
                source,
            },
            Some("InvalidParameterException") if names_missing_principal(&message) => {
                Error::PrincipalNotFound { message, source }
            }
            Some("InvalidParameterException") if operation.sets() => {
                Error::InvalidPolicy { message, source }
            }
            _ => Error::Aws {
                operation,
                code,
                message,
                source,
            },
        }
    }

    /// Maps an error of the SDK: errors ECR answered with by their code, the rest as transport
    /// errors.
    pub(crate) fn from_sdk(repository: &str, failure: SdkFailure) -> Self {
        let operation = failure.operation();
        match failure.service_error() {
            Some((code, message)) => {
                Error::classify(operation, repository, code, message, Box::new(failure))
            }
            None => Error::Transport {
                operation,
                detail: causes(failure.as_error()),
                source: Box::new(failure),
            },
        }
    }

    /// The error of a call setting a policy that may have reached ECR, with the read-back.
    pub(crate) fn unconfirmed(
        repository: &str,
        failure: SdkFailure,
        deployed: Result<Drift, Error>,
    ) -> Self {
        Error::Unconfirmed {
            repository: repository.to_owned(),
            detail: causes(failure.as_error()),
            deployed: deployed.map_err(Box::new),
            source: Box::new(failure),
        }
    }
}

/// An error and its causes, outermost first, as `a: b: c` (what `DisplayErrorContext` says,
/// without its trailing debug dump).
pub(crate) fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// ECR words a missing IAM user or role as "Principal not found" (sometimes "Invalid principal").
fn names_missing_principal(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("principal not found") || m.contains("invalid principal")
}

/// The code of a modelled error variant, for errors built without metadata.
pub(crate) trait ModelledCode {
    fn modelled_code(&self) -> Option<&'static str>;
}

/// `ModelledCode` for an operation's error: each `is_..` test with the code it stands for.
macro_rules! modelled_codes {
    ($($error:ty { $($test:ident => $code:literal),* $(,)? })*) => {$(
        impl ModelledCode for $error {
            fn modelled_code(&self) -> Option<&'static str> {
                $(if self.$test() {
                    return Some($code);
                })*
                None
            }
        }
    )*};
}

modelled_codes! {
    SetRepositoryPolicyError {
        is_repository_not_found_exception => "RepositoryNotFoundException",
        is_invalid_parameter_exception => "InvalidParameterException",
        is_server_exception => "ServerException",
    }
    GetRepositoryPolicyError {
        is_repository_not_found_exception => "RepositoryNotFoundException",
        is_repository_policy_not_found_exception => "RepositoryPolicyNotFoundException",
        is_invalid_parameter_exception => "InvalidParameterException",
        is_server_exception => "ServerException",
    }
    PutRegistryPolicyError {
        is_invalid_parameter_exception => "InvalidParameterException",
        is_validation_exception => "ValidationException",
        is_server_exception => "ServerException",
    }
    GetRegistryPolicyError {
        is_registry_policy_not_found_exception => "RegistryPolicyNotFoundException",
        is_invalid_parameter_exception => "InvalidParameterException",
        is_validation_exception => "ValidationException",
        is_server_exception => "ServerException",
    }
    DeleteRegistryPolicyError {
        is_registry_policy_not_found_exception => "RegistryPolicyNotFoundException",
        is_invalid_parameter_exception => "InvalidParameterException",
        is_validation_exception => "ValidationException",
        is_server_exception => "ServerException",
    }
    PublicSetError {
        is_repository_not_found_exception => "RepositoryNotFoundException",
        is_invalid_parameter_exception => "InvalidParameterException",
        is_unsupported_command_exception => "UnsupportedCommandException",
        is_server_exception => "ServerException",
    }
    PublicGetError {
        is_repository_not_found_exception => "RepositoryNotFoundException",
        is_repository_policy_not_found_exception => "RepositoryPolicyNotFoundException",
        is_invalid_parameter_exception => "InvalidParameterException",
        is_unsupported_command_exception => "UnsupportedCommandException",
        is_server_exception => "ServerException",
    }
    PublicDeleteError {
        is_repository_not_found_exception => "RepositoryNotFoundException",
        is_repository_policy_not_found_exception => "RepositoryPolicyNotFoundException",
        is_invalid_parameter_exception => "InvalidParameterException",
        is_unsupported_command_exception => "UnsupportedCommandException",
        is_server_exception => "ServerException",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::WouldLockOut {
                repository,
                finding,
            } => write!(
                f,
                "refused to set the policy of repository {repository}: {}: {}; {}, or apply it with force (apply_forced) if locking the policy is intended",
                finding.path, finding.message, finding.hint
            ),
            Error::WouldLockOutPublic {
                repository,
                statement,
            } => write!(
                f,
                "refused to set the policy of public repository {repository}: Statement[{statement}] denies ecr-public:SetRepositoryPolicy to every principal without a condition, so no one could change the policy again; spare a role with NotPrincipal or a condition, or apply it with force (public::apply_forced) if locking the policy is intended"
            ),
            Error::OtherRegion {
                policy_region,
                client_region,
            } => write!(
                f,
                "refused to put the registry policy: its Resource names repositories in {policy_region}, but the client calls ECR in {client_region}, whose registry the policy would be set on (set AWS_REGION={policy_region}, or change the Resource)"
            ),
            Error::PolicyTooLong { length } => write!(
                f,
                "the policy text is {length} characters long; ECR stores at most {} (merge statements or principals to shorten it)",
                crate::model::MAX_POLICY_LENGTH
            ),
            Error::RepositoryNotFound {
                repository,
                message,
                source,
            } => {
                let subject = source.operation().subject(repository);
                write!(
                    f,
                    "{subject} not found: {message} (check the name, region and registry id, or create it first)"
                )
            }
            Error::InvalidPolicy { message, source } => {
                let holder = source.operation().holder();
                let service = if holder == Holder::PublicRepository {
                    "ECR Public"
                } else {
                    "ECR"
                };
                let hint = match holder {
                    Holder::Repository => "ECR refuses, among others, Resource elements and unknown actions",
                    Holder::Registry => "a registry policy needs a principal and a Resource of the registry's repositories in every statement, and a registry of policy scope V1 takes only ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository",
                    Holder::PublicRepository => "ECR Public takes ecr-public: actions only, and no Resource other than \"*\"",
                };
                write!(f, "{service} refused the policy: {message} ({hint})")
            }
            Error::PrincipalNotFound { message, .. } => write!(
                f,
                "ECR refused the policy because a principal does not exist: {message} (create the IAM user or role first, or fix its name)"
            ),
            Error::AccessDenied {
                operation, message, ..
            } => {
                write!(
                    f,
                    "access denied to {operation}: {message} (the caller's identity policy must allow {}",
                    operation.action()
                )?;
                match operation.holder() {
                    Holder::Registry => f.write_str(")"),
                    Holder::Repository | Holder::PublicRepository => {
                        f.write_str(" on the repository)")
                    }
                }
            }
            Error::UnreadablePolicy {
                operation,
                repository,
                error,
                ..
            } => write!(
                f,
                "the policy on {} cannot be read: {error}",
                operation.subject(repository)
            ),
            Error::Aws {
                operation,
                code,
                message,
                source,
            } => {
                write!(f, "{operation} failed with ")?;
                match (code, source.http_status()) {
                    (Some(code), Some(status)) => write!(f, "{code} (HTTP {status})")?,
                    (Some(code), None) => write!(f, "{code}")?,
                    (None, Some(status)) => write!(f, "HTTP {status} and no error code")?,
                    (None, None) => write!(f, "no error code")?,
                }
                write!(f, ": {message}")?;
                if code.as_deref() == Some("UnsupportedCommandException") {
                    write!(
                        f,
                        " (ECR Public's API is in {}: make the client with public::client_from_env or public::client_from_config, which set that Region)",
                        super::public::REGION
                    )?;
                }
                Ok(())
            }
            Error::Transport {
                operation,
                detail,
                source,
            } => {
                let service = match operation.holder() {
                    Holder::PublicRepository => "ECR Public",
                    Holder::Repository | Holder::Registry => "ECR",
                };
                write!(f, "{operation} got no answer from {service}: {detail}")?;
                if let Some(status) = source.http_status() {
                    write!(f, " (HTTP {status})")?;
                }
                if operation.sets() {
                    f.write_str("; the request was not sent, so the policy is unchanged")?;
                } else if operation.deletes() {
                    f.write_str("; deleting again is safe")?;
                }
                f.write_str(" (check the network, the endpoint and the region)")
            }
            Error::Unconfirmed {
                repository,
                detail,
                deployed,
                source,
            } => {
                let operation = source.operation();
                write!(
                    f,
                    "{operation} on {} got no answer after the request was sent: {detail}",
                    operation.subject(repository)
                )?;
                if let Some(status) = source.http_status() {
                    write!(f, " (HTTP {status})")?;
                }
                write!(
                    f,
                    ". The request may have reached ECR; the policy may or may not be applied. Read back with {}: ",
                    operation.read_back()
                )?;
                match deployed {
                    Ok(Drift::InSync) => f.write_str(
                        "the deployed policy means what was sent, so it is in place (set by this request or already before)",
                    ),
                    Ok(Drift::NotDeployed) => write!(
                        f,
                        "the {} has no policy, so the policy sent is not in place; applying it again is safe",
                        operation.noun()
                    ),
                    Ok(Drift::Drifted(diff)) => {
                        f.write_str("the deployed policy is not the one sent, so the policy sent is not in place; applying it again is safe. What differs (+ only deployed, - only sent):")?;
                        for line in diff.to_string().lines() {
                            write!(f, "\n  {line}")?;
                        }
                        Ok(())
                    }
                    Err(e) => write!(
                        f,
                        "that failed too ({e}); compare with drift before applying again"
                    ),
                }
            }
            Error::Environment { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::UnreadablePolicy { error, .. } => Some(&**error),
            Error::Environment { source, .. } => source
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            other => other
                .sdk_failure()
                .map(|f| f.as_error() as &(dyn std::error::Error + 'static)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SDK error kept as the source; its kind does not matter to the mapping by code.
    fn stand_in(operation: Operation) -> Box<SdkFailure> {
        fn e<E>() -> SdkError<E, HttpResponse> {
            SdkError::construction_failure("stand-in")
        }
        Box::new(match operation {
            Operation::SetRepositoryPolicy => SdkFailure::SetRepositoryPolicy(e()),
            Operation::GetRepositoryPolicy => SdkFailure::GetRepositoryPolicy(e()),
            Operation::PutRegistryPolicy => SdkFailure::PutRegistryPolicy(e()),
            Operation::GetRegistryPolicy => SdkFailure::GetRegistryPolicy(e()),
            Operation::DeleteRegistryPolicy => SdkFailure::DeleteRegistryPolicy(e()),
            Operation::PublicSetRepositoryPolicy => SdkFailure::PublicSetRepositoryPolicy(e()),
            Operation::PublicGetRepositoryPolicy => SdkFailure::PublicGetRepositoryPolicy(e()),
            Operation::PublicDeleteRepositoryPolicy => {
                SdkFailure::PublicDeleteRepositoryPolicy(e())
            }
        })
    }

    fn answer(operation: Operation, code: Option<&str>, message: Option<&str>) -> Error {
        Error::classify(
            operation,
            "app",
            code.map(str::to_owned),
            message.map(str::to_owned),
            stand_in(operation),
        )
    }

    fn set(code: &str, message: &str) -> Error {
        answer(Operation::SetRepositoryPolicy, Some(code), Some(message))
    }

    #[test]
    fn each_code_maps_to_its_variant_and_keeps_the_message() {
        let not_found =
            "The repository with name 'app' does not exist in the registry with id '123456789012'";
        assert!(matches!(set("RepositoryNotFoundException", not_found),
            Error::RepositoryNotFound { ref repository, ref message, .. } if repository == "app" && message == not_found));

        let invalid = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'";
        assert!(
            matches!(set("InvalidParameterException", invalid), Error::InvalidPolicy { ref message, .. } if message == invalid)
        );

        let principal =
            "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Principal not found'";
        assert!(
            matches!(set("InvalidParameterException", principal), Error::PrincipalNotFound { ref message, .. } if message == principal)
        );

        let denied = "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:SetRepositoryPolicy";
        let e = set("AccessDeniedException", denied);
        assert!(
            matches!(e, Error::AccessDenied { operation: Operation::SetRepositoryPolicy, ref message, .. } if message == denied)
        );
        assert_eq!(e.aws_message(), Some(denied));

        let other = set("ServerException", "boom");
        assert!(matches!(other, Error::Aws { code: Some(ref c), .. } if c == "ServerException"));
        // The stand-in has no HTTP response, so no status is shown.
        assert_eq!(
            other.to_string(),
            "SetRepositoryPolicy failed with ServerException: boom"
        );
    }

    #[test]
    fn the_sdk_error_is_the_source() {
        let e = set("ServerException", "boom");
        let source = std::error::Error::source(&e).expect("the SDK error");
        assert!(source
            .downcast_ref::<SdkError<SetRepositoryPolicyError, HttpResponse>>()
            .is_some());
        assert!(matches!(
            e.sdk_failure(),
            Some(SdkFailure::SetRepositoryPolicy(_))
        ));
        assert_eq!(e.http_status(), None);
    }

    #[test]
    fn an_invalid_parameter_on_a_read_is_not_an_invalid_policy() {
        let e = answer(
            Operation::GetRepositoryPolicy,
            Some("InvalidParameterException"),
            Some("Invalid parameter at 'registryId'"),
        );
        assert!(matches!(e, Error::Aws { .. }), "{e:?}");
    }

    #[test]
    fn a_missing_code_and_message_are_said() {
        let e = answer(Operation::GetRepositoryPolicy, None, None);
        assert_eq!(
            e.to_string(),
            "GetRepositoryPolicy failed with no error code: (ECR sent no message)"
        );
    }

    #[test]
    fn an_error_without_an_answer_is_a_transport_error() {
        let e = Error::from_sdk(
            "app",
            SdkFailure::GetRepositoryPolicy(SdkError::construction_failure("no endpoint")),
        );
        assert!(
            matches!(&e, Error::Transport { operation: Operation::GetRepositoryPolicy, detail, .. } if detail.contains("no endpoint")),
            "{e:?}"
        );
        let set = Error::from_sdk(
            "app",
            SdkFailure::SetRepositoryPolicy(SdkError::construction_failure("no endpoint")),
        );
        assert!(
            set.to_string()
                .contains("the request was not sent, so the policy is unchanged"),
            "{set}"
        );
    }

    #[test]
    fn an_unconfirmed_set_says_it_may_be_applied_and_what_is_deployed() {
        let failure =
            || SdkFailure::SetRepositoryPolicy(SdkError::timeout_error("no answer within 1s"));
        let may = "The request may have reached ECR; the policy may or may not be applied.";

        let e = Error::unconfirmed("app", failure(), Ok(Drift::InSync));
        let text = e.to_string();
        assert!(
            text.starts_with(
                "SetRepositoryPolicy on repository app got no answer after the request was sent: "
            ),
            "{text}"
        );
        assert!(text.contains("no answer within 1s"), "{text}");
        assert!(text.contains(may), "{text}");
        assert!(text.ends_with("the deployed policy means what was sent, so it is in place (set by this request or already before)"), "{text}");

        let text = Error::unconfirmed("app", failure(), Ok(Drift::NotDeployed)).to_string();
        assert!(text.contains(may) && text.ends_with("the repository has no policy, so the policy sent is not in place; applying it again is safe"), "{text}");

        let code = crate::RepositoryPolicy::from_json(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ecr:BatchGetImage"}]}"#,
        )
        .unwrap();
        let other = crate::RepositoryPolicy::from_json(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ecr:BatchGetImage"}]}"#,
        )
        .unwrap();
        let drift = Drift::between(Some(other.document()), &code);
        let text = Error::unconfirmed("app", failure(), Ok(drift)).to_string();
        assert!(
            text.contains("the deployed policy is not the one sent"),
            "{text}"
        );
        assert!(
            text.contains("\n  + Allow any principal in account 210987654321: ecr:BatchGetImage"),
            "{text}"
        );
        assert!(
            text.contains("\n  - Allow any principal in account 123456789012: ecr:BatchGetImage"),
            "{text}"
        );

        let reread = answer(
            Operation::GetRepositoryPolicy,
            Some("ServerException"),
            Some("down"),
        );
        let e = Error::unconfirmed("app", failure(), Err(reread));
        let text = e.to_string();
        assert!(
            text.contains(may)
                && text.contains(
                    "that failed too (GetRepositoryPolicy failed with ServerException: down)"
                ),
            "{text}"
        );
        let source = std::error::Error::source(&e).expect("the SDK error");
        assert!(matches!(
            source.downcast_ref::<SdkError<SetRepositoryPolicyError, HttpResponse>>(),
            Some(SdkError::TimeoutError(_))
        ));
    }

    #[test]
    fn messages_say_how_to_fix() {
        let lock = crate::PolicyDocument::from_json(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},{"Effect":"Deny","Principal":"*","Action":"ecr:Set*"}]}"#,
        )
        .unwrap();
        let finding = lock
            .lint()
            .into_iter()
            .find(|f| f.code == crate::lint::LintCode::LocksOutPolicyChanges)
            .expect("a lock-out finding");
        let e = Error::WouldLockOut {
            repository: "app".into(),
            finding: Box::new(finding),
        };
        let text = e.to_string();
        assert!(
            text.starts_with("refused to set the policy of repository app: Statement[1]: "),
            "{text}"
        );
        assert!(text.contains("NotPrincipal"), "{text}");
        assert!(text.contains("apply_forced"), "{text}");
        let e = Error::PolicyTooLong { length: 20_000 };
        assert!(e.to_string().contains("10240"));
        assert_eq!(e.aws_message(), None);
    }

    #[test]
    fn an_unreadable_policy_says_where() {
        let text = "{\n  \"Statement\" : [ {\n    \"Effect\" : \"Permit\"\n  } ]\n}";
        let error = crate::PolicyDocument::from_json(text).unwrap_err();
        let e = Error::UnreadablePolicy {
            operation: Operation::GetRepositoryPolicy,
            repository: "app".into(),
            error: Box::new(error.clone()),
            text: text.into(),
        };
        let shown = e.to_string();
        assert!(
            shown.starts_with("the policy on repository app cannot be read: "),
            "{shown}"
        );
        assert!(shown.contains(&error.to_string()), "{shown}");
        assert_eq!((error.path(), error.line()), ("Statement[0].Effect", 3));
        let source = std::error::Error::source(&e).expect("the parse error");
        assert_eq!(source.to_string(), error.to_string());
    }
}
