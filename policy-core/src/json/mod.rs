//! JSON in and out: the exact text ECR takes and hands back, and a reader with located errors.
//!
//! Reading is [`RepositoryPolicy::from_json`](crate::RepositoryPolicy::from_json) and
//! [`PolicyDocument::from_json`](crate::PolicyDocument::from_json), or [`ParsedPolicy::parse`]
//! to keep the [`SourceShape`] of the text; writing is
//! [`RepositoryPolicy::to_json`](crate::RepositoryPolicy::to_json),
//! [`to_json_pretty`](crate::RepositoryPolicy::to_json_pretty) and
//! [`to_aws_json`](crate::RepositoryPolicy::to_aws_json).

pub(crate) mod parse;
pub(crate) mod render;

pub use parse::{InvalidPolicy, Limits, ParseError, ParseErrorKind, ParsedPolicy, SourceShape};
