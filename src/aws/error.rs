//! What can go wrong when setting or reading a repository policy, in ECR's own terms.

use std::fmt;

use aws_sdk_ecr::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ecr::operation::get_repository_policy::GetRepositoryPolicyError;
use aws_sdk_ecr::operation::set_repository_policy::SetRepositoryPolicyError;

/// An ECR API call, named as in the ECR API reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `SetRepositoryPolicy`.
    SetRepositoryPolicy,
    /// `GetRepositoryPolicy`.
    GetRepositoryPolicy,
}

impl Operation {
    /// The operation's name in the ECR API.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Operation::SetRepositoryPolicy => "SetRepositoryPolicy",
            Operation::GetRepositoryPolicy => "GetRepositoryPolicy",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from [`apply`](super::apply), [`fetch`](super::fetch), [`drift`](super::drift) or
/// [`client_from_env`](super::client_from_env).
///
/// Errors ECR returns keep its message word for word ([`Error::aws_message`]).
///
/// ```
/// use ecr_policy::aws::Error;
///
/// let e = Error::RepositoryNotFound {
///     repository: "app".into(),
///     message: "The repository with name 'app' does not exist in the registry with id '123456789012'".into(),
/// };
/// assert!(e.to_string().contains("create it first"));
/// assert_eq!(e.aws_message(), Some("The repository with name 'app' does not exist in the registry with id '123456789012'"));
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
        /// The lint's [`LocksOutPolicyChanges`](crate::LintCode::LocksOutPolicyChanges)
        /// finding: which statement locks everyone out, and how to keep the policy changeable.
        finding: Box<crate::Finding>,
    },
    /// Refused before calling ECR: the policy text is longer than ECR stores
    /// ([`MAX_POLICY_LENGTH`](crate::MAX_POLICY_LENGTH) characters).
    PolicyTooLong {
        /// The length of the policy text, in characters.
        length: usize,
    },
    /// ECR has no such repository in the registry (`RepositoryNotFoundException`).
    RepositoryNotFound {
        /// The repository.
        repository: String,
        /// ECR's message.
        message: String,
    },
    /// ECR refused the policy (`InvalidParameterException` on `SetRepositoryPolicy`, usually
    /// "Invalid repository policy provided").
    InvalidPolicy {
        /// ECR's message.
        message: String,
    },
    /// ECR refused the policy because a user or role it names does not exist (ECR checks every
    /// named IAM user and role when the policy is set; ECR-FACTS 1).
    PrincipalNotFound {
        /// ECR's message.
        message: String,
    },
    /// The caller's credentials may not make this call (`AccessDeniedException`).
    AccessDenied {
        /// The call that was refused.
        operation: Operation,
        /// ECR's message.
        message: String,
    },
    /// The policy ECR holds is not one this crate can read.
    UnreadablePolicy {
        /// The repository.
        repository: String,
        /// What is wrong with it, and where in `text`.
        error: Box<crate::ParseError>,
        /// The `policyText` ECR returned.
        text: String,
    },
    /// Any other error ECR returned, with its code.
    Aws {
        /// The call that failed.
        operation: Operation,
        /// The error code, such as `ServerException`, when ECR sent one.
        code: Option<String>,
        /// ECR's message.
        message: String,
    },
    /// The call did not get an answer from ECR: no connection, a time-out, or a response that
    /// could not be read.
    Transport {
        /// The call that failed.
        operation: Operation,
        /// What happened, with its causes.
        detail: String,
    },
    /// The environment does not say where or as whom to connect
    /// ([`client_from_env`](super::client_from_env)).
    Environment {
        /// What is missing or wrong, and which variable to set.
        message: String,
    },
}

impl Error {
    /// The message ECR sent with this error, word for word; `None` for errors raised before or
    /// without an answer from ECR.
    #[must_use]
    pub fn aws_message(&self) -> Option<&str> {
        match self {
            Error::RepositoryNotFound { message, .. }
            | Error::InvalidPolicy { message }
            | Error::PrincipalNotFound { message }
            | Error::AccessDenied { message, .. }
            | Error::Aws { message, .. } => Some(message),
            Error::WouldLockOut { .. }
            | Error::PolicyTooLong { .. }
            | Error::UnreadablePolicy { .. }
            | Error::Transport { .. }
            | Error::Environment { .. } => None,
        }
    }

    /// Maps an error of an ECR call by its error code, keeping ECR's message.
    pub(crate) fn from_service(
        operation: Operation,
        repository: &str,
        code: Option<&str>,
        message: Option<&str>,
    ) -> Self {
        let message = message.unwrap_or("(ECR sent no message)").to_owned();
        match code {
            Some("RepositoryNotFoundException") => Error::RepositoryNotFound {
                repository: repository.to_owned(),
                message,
            },
            Some("AccessDeniedException" | "AccessDenied") => {
                Error::AccessDenied { operation, message }
            }
            Some("InvalidParameterException") if names_missing_principal(&message) => {
                Error::PrincipalNotFound { message }
            }
            Some("InvalidParameterException") if operation == Operation::SetRepositoryPolicy => {
                Error::InvalidPolicy { message }
            }
            _ => Error::Aws {
                operation,
                code: code.map(str::to_owned),
                message,
            },
        }
    }

    /// Maps an error of the SDK: service errors by their code, the rest as transport errors.
    pub(crate) fn from_sdk<E, R>(
        operation: Operation,
        repository: &str,
        error: &SdkError<E, R>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + ModelledCode + 'static,
        R: fmt::Debug + 'static,
    {
        match error {
            SdkError::ServiceError(service) => {
                let e = service.err();
                let code = e.code().or_else(|| e.modelled_code());
                Error::from_service(operation, repository, code, e.message())
            }
            other => Error::Transport {
                operation,
                detail: causes(other),
            },
        }
    }
}

/// An error and its causes, outermost first, as `a: b: c` (what `DisplayErrorContext` says,
/// without its trailing debug dump).
fn causes(error: &dyn std::error::Error) -> String {
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

impl ModelledCode for SetRepositoryPolicyError {
    fn modelled_code(&self) -> Option<&'static str> {
        if self.is_repository_not_found_exception() {
            Some("RepositoryNotFoundException")
        } else if self.is_invalid_parameter_exception() {
            Some("InvalidParameterException")
        } else if self.is_server_exception() {
            Some("ServerException")
        } else {
            None
        }
    }
}

impl ModelledCode for GetRepositoryPolicyError {
    fn modelled_code(&self) -> Option<&'static str> {
        if self.is_repository_not_found_exception() {
            Some("RepositoryNotFoundException")
        } else if self.is_repository_policy_not_found_exception() {
            Some("RepositoryPolicyNotFoundException")
        } else if self.is_invalid_parameter_exception() {
            Some("InvalidParameterException")
        } else if self.is_server_exception() {
            Some("ServerException")
        } else {
            None
        }
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
            Error::PolicyTooLong { length } => write!(
                f,
                "the policy text is {length} characters long; ECR stores at most {} (merge statements or principals to shorten it)",
                crate::MAX_POLICY_LENGTH
            ),
            Error::RepositoryNotFound { repository, message } => write!(
                f,
                "repository {repository} not found: {message} (check the name, region and registry id, or create it first)"
            ),
            Error::InvalidPolicy { message } => write!(
                f,
                "ECR refused the policy: {message} (ECR refuses, among others, Resource elements and unknown actions)"
            ),
            Error::PrincipalNotFound { message } => write!(
                f,
                "ECR refused the policy because a principal does not exist: {message} (create the IAM user or role first, or fix its name)"
            ),
            Error::AccessDenied { operation, message } => write!(
                f,
                "access denied to {operation}: {message} (the caller's identity policy must allow ecr:{operation} on the repository)"
            ),
            Error::UnreadablePolicy {
                repository, error, ..
            } => write!(f, "the policy on repository {repository} cannot be read: {error}"),
            Error::Aws {
                operation,
                code,
                message,
            } => match code {
                Some(code) => write!(f, "{operation} failed with {code}: {message}"),
                None => write!(f, "{operation} failed: {message}"),
            },
            Error::Transport { operation, detail } => write!(
                f,
                "{operation} got no answer from ECR: {detail} (check the network, the endpoint and the region)"
            ),
            Error::Environment { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::UnreadablePolicy { error, .. } => Some(&**error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(code: &str, message: &str) -> Error {
        Error::from_service(
            Operation::SetRepositoryPolicy,
            "app",
            Some(code),
            Some(message),
        )
    }

    #[test]
    fn each_code_maps_to_its_variant_and_keeps_the_message() {
        let not_found =
            "The repository with name 'app' does not exist in the registry with id '123456789012'";
        assert!(matches!(set("RepositoryNotFoundException", not_found),
            Error::RepositoryNotFound { ref repository, ref message } if repository == "app" && message == not_found));

        let invalid = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'";
        assert!(
            matches!(set("InvalidParameterException", invalid), Error::InvalidPolicy { ref message } if message == invalid)
        );

        let principal =
            "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Principal not found'";
        assert!(
            matches!(set("InvalidParameterException", principal), Error::PrincipalNotFound { ref message } if message == principal)
        );

        let denied = "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:SetRepositoryPolicy";
        let e = set("AccessDeniedException", denied);
        assert!(
            matches!(e, Error::AccessDenied { operation: Operation::SetRepositoryPolicy, ref message } if message == denied)
        );
        assert_eq!(e.aws_message(), Some(denied));

        let other = set("ServerException", "boom");
        assert!(matches!(other, Error::Aws { code: Some(ref c), .. } if c == "ServerException"));
        assert_eq!(
            other.to_string(),
            "SetRepositoryPolicy failed with ServerException: boom"
        );
    }

    #[test]
    fn an_invalid_parameter_on_a_read_is_not_an_invalid_policy() {
        let e = Error::from_service(
            Operation::GetRepositoryPolicy,
            "app",
            Some("InvalidParameterException"),
            Some("Invalid parameter at 'registryId'"),
        );
        assert!(matches!(e, Error::Aws { .. }), "{e:?}");
    }

    #[test]
    fn a_missing_message_is_said() {
        let e = Error::from_service(Operation::GetRepositoryPolicy, "app", None, None);
        assert_eq!(
            e.to_string(),
            "GetRepositoryPolicy failed: (ECR sent no message)"
        );
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
            .find(|f| f.code == crate::LintCode::LocksOutPolicyChanges)
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
