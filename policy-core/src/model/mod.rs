//! The model: the IAM grammar ECR uses, and the repository policy.
//!
//! A [`PolicyDocument`] holds [`Statement`]s; each has an [`Effect`], a [`Principal`] element, an
//! [`Action`](crate::Action) element of [`ActionItem`]s, and [`Conditions`]. A
//! [`RepositoryPolicy`] is a document ECR accepts as a repository policy. The validated names in
//! it are in [`names`](crate::names); the catalogue types (actions, patterns, condition operators)
//! in [`catalogue`](crate::catalogue).
//!
//! The bottom floor of the crate: it depends on the catalogue crate only, and knows nothing of
//! JSON, evaluation or analysis.

pub(crate) mod action;
pub(crate) mod arn;
pub(crate) mod condition;
pub(crate) mod document;
pub(crate) mod kind;
pub(crate) mod kinds;
pub(crate) mod list;
pub(crate) mod names;
pub(crate) mod order;
pub(crate) mod policy;
pub(crate) mod principal;
#[cfg(feature = "serde")]
pub(crate) mod serde_text;
pub(crate) mod statement;
pub(crate) mod version;

pub use action::ActionItem;
pub use arn::RepositoryArn;
pub use condition::{Condition, ConditionKey, ConditionValue, Conditions};
pub use document::PolicyDocument;
pub use kind::{PolicyKind, UnknownPolicyKind};
pub use kinds::{
    AnyPolicy, IdentityPolicy, KindRuleViolation, NotAPolicyOfKind, PublicRepositoryPolicy,
    RegistryPolicy, RegistryPolicyScope,
};
pub use list::{ListForm, ValueList};
pub use policy::{
    NotARepositoryPolicy, RepositoryPolicy, RepositoryRuleViolation, MAX_POLICY_LENGTH,
};
pub use principal::{AwsPrincipal, Principal, PrincipalKey};
pub use statement::{ActionElement, PrincipalElement, ResourceElement, Statement};
pub use version::{Effect, Version};
