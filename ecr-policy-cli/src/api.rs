//! The library items the command line uses, named in one place.

#[cfg(feature = "aws")]
pub use ecr_policy::aws;
pub use ecr_policy::catalogue::{PublicAction, KNOWN_KEYS};
pub use ecr_policy::compare::{AccessChange, DiffOptions};
pub use ecr_policy::eval::{parse_date, Caller, Evaluator, Outcome, Request, RequestAction};
#[cfg(feature = "aws")]
pub use ecr_policy::json::InvalidPolicy;
pub use ecr_policy::json::ParsedPolicy;
pub use ecr_policy::lint::{Finding, LintCode, LintConfig, Severity};
pub use ecr_policy::model::PolicyKind as ModelKind;
pub use ecr_policy::model::RepositoryArn;
#[cfg(feature = "aws")]
pub use ecr_policy::model::{PublicRepositoryPolicy, RegistryPolicy};
pub use ecr_policy::names::AccountId;
#[cfg(feature = "aws")]
pub use ecr_policy::names::RepositoryName;
#[cfg(feature = "aws")]
pub use ecr_policy::RepositoryPolicy;
pub use ecr_policy::{Action, Bundle, Effect, PolicyDocument};
