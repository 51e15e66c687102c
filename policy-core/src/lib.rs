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

mod action;
mod arn;
pub mod assert;
pub mod builder;
mod condition;
mod diff;
mod document;
mod dsl;
mod equivalence;
pub mod eval;
mod identity;
mod lint;
mod list;
mod names;
mod normalize;
mod parse;
mod policy;
mod principal;
mod render;
mod statement;
mod version;

pub use action::{
    AccessLevel, Action, ActionItem, ActionPattern, Bundle, PublicAction, ResourceType,
    UnknownAction,
};
pub use arn::RepositoryArn;
pub use builder::{BuildError, PolicyBuilder, PolicyTemplate, StatementBuilder};
pub use condition::{
    known_key, operator_fits_key, Condition, ConditionKey, ConditionOperator, ConditionValue,
    Conditions, KeyType, KnownKey, Operator, OperatorFamily, SetQualifier, KNOWN_KEYS,
};
pub use diff::{diff, AccessChange, PolicyDiff};
pub use document::PolicyDocument;
pub use dsl::NotExpressible;
pub use equivalence::equivalent;
pub use lint::{locks_out_policy_changes, Finding, LintCode, LintConfig, Severity, StatementRef};
pub use list::{ListForm, ValueList};
pub use names::{
    AccountId, IamPath, OrgId, Partition, PolicyId, Region, RepositoryName, RoleName,
    RuleViolation, ServiceName, SessionName, Sid, UserName,
};
pub use parse::{InvalidPolicy, Limits, ParseError, ParseErrorKind, ParsedPolicy, SourceShape};
pub use policy::{NotARepositoryPolicy, RepositoryPolicy, RepositoryRuleViolation};
pub use principal::{AwsPrincipal, Principal, PrincipalKey};
pub use statement::{ActionElement, PrincipalElement, ResourceElement, Statement};
pub use version::{Effect, Version};

/// The action catalogue and naming rules this crate is built on.
pub use policy_catalogue as catalogue;

/// The most ECR will store in `policyText`, in characters.
pub const MAX_POLICY_LENGTH: usize = 10_240;
