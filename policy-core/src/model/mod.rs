//! The model: the IAM grammar ECR uses, the validated names in it, and the repository policy.
//!
//! The bottom floor: it depends on the catalogue crate only, and knows nothing of JSON,
//! evaluation or analysis.

pub(crate) mod action;
pub(crate) mod arn;
pub(crate) mod condition;
pub(crate) mod document;
pub(crate) mod kind;
pub(crate) mod list;
pub(crate) mod names;
pub(crate) mod policy;
pub(crate) mod principal;
pub(crate) mod statement;
pub(crate) mod version;
