//! The typed model of AWS ECR repository policies, a builder, and the exact JSON ECR takes and
//! hands back.
//!
//! Most users depend on `ecr-policy`, which re-exports this crate together with the `policy!`
//! macro. The pieces:
//!
//! - the action catalogue ([`Action`], [`PublicAction`], [`ActionPattern`], [`Bundle`]), shared
//!   with the macro so that code and JSON are judged by one table;
//! - validated names ([`AccountId`], [`UserName`], [`RoleName`], [`ServiceName`], [`Sid`], ...);
//! - the IAM grammar ECR uses ([`PolicyDocument`], [`Statement`], [`Principal`], [`Condition`]);
//! - [`RepositoryPolicy`], which always has a principal in every statement and never a `Resource`;
//! - the [builder](RepositoryPolicy::builder), which keeps a policy without an account from
//!   rendering until one is bound ([`PolicyTemplate`]);
//! - JSON: [`RepositoryPolicy::to_json`], [`to_json_pretty`](RepositoryPolicy::to_json_pretty) and
//!   [`to_aws_json`](RepositoryPolicy::to_aws_json), the text `GetRepositoryPolicy` returns.
//!
//! ```
//! use policy_core::{AccountId, Bundle, RepositoryPolicy, StatementBuilder, UserName, Version};
//!
//! let policy = RepositoryPolicy::builder()
//!     .version(Version::V2008_10_17)
//!     .account(AccountId::new("123456789012")?)
//!     .statement(
//!         StatementBuilder::allow()
//!             .sid("AllowPushPullFromCICDUser".parse()?)
//!             .user(UserName::new("fcj-ecr-ci-cd-user")?)
//!             .bundle(Bundle::Push)
//!             .bundle(Bundle::Pull),
//!     )
//!     .build()?;
//! println!("{}", policy.to_json_pretty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(unsafe_code)]
#![warn(missing_docs)]

// From the bottom floor up; a module imports only from its own floor or the floors below
// (`tests/layers.rs` keeps it so).
mod model;

mod build;
pub mod eval;
mod json;

mod analysis;

mod tools;

pub use build::builder;
pub use tools::assert;

pub use analysis::diff::{diff, AccessChange, PolicyDiff};
pub use analysis::equivalence::equivalent;
pub use analysis::lint::{
    locks_out_policy_changes, Finding, LintCode, LintConfig, Severity, StatementRef,
};
pub use build::builder::{
    AccountNeeded, BuildError, Combine, IntoStatements, PolicyBuilder, PolicyTemplate,
    StatementBuilder,
};
pub use build::merge::MergeError;
pub use build::slot::{IntoSlot, Many, One};

/// Lists in the slots of `policy!`; `IntoSlot`, `One` and `Many` are also at the root.
pub use build::slot;
pub use json::parse::{
    InvalidPolicy, Limits, ParseError, ParseErrorKind, ParsedPolicy, SourceShape,
};
pub use model::action::{
    AccessLevel, Action, ActionItem, ActionPattern, Bundle, PublicAction, ResourceType,
    UnknownAction,
};
pub use model::arn::RepositoryArn;
pub use model::condition::{
    known_key, operator_fits_key, Condition, ConditionKey, ConditionOperator, ConditionValue,
    Conditions, KeyType, KnownKey, Operator, OperatorFamily, SetQualifier, KNOWN_KEYS,
};
pub use model::document::PolicyDocument;
pub use model::list::{ListForm, ValueList};
pub use model::names::{
    AccountId, IamPath, OrgId, Partition, PolicyId, Region, RepositoryName, RoleName,
    RuleViolation, ServiceName, SessionName, Sid, UserName,
};
pub use model::policy::{
    NotARepositoryPolicy, RepositoryPolicy, RepositoryRuleViolation, MAX_POLICY_LENGTH,
};
pub use model::principal::{AwsPrincipal, Principal, PrincipalKey};
pub use model::statement::{ActionElement, PrincipalElement, ResourceElement, Statement};
pub use model::version::{Effect, Version};
pub use tools::to_dsl::NotExpressible;

/// The action catalogue and naming rules this crate is built on.
pub use policy_catalogue as catalogue;
