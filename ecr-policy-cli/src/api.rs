//! The library items the command line uses, named in one place.

pub use ecr_policy::eval::{Caller, Evaluator, Outcome, Request, RequestAction};
pub use ecr_policy::{
    AccessChange, Action, Bundle, LintCode, ParsedPolicy, PolicyDocument, PublicAction,
    RepositoryArn, Severity, KNOWN_KEYS,
};
