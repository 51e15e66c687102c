//! Exact analysis of ECR repository policies.
#![forbid(unsafe_code)]

mod access;
mod condition;
mod date;
pub mod ir;
mod keys;
pub mod ranges;
mod solve;
pub mod text;

pub use access::{
    Access, AccountClass, Analyzer, CallerClass, Certainty, Grant, IdentityPolicies, Name, Options,
    Route, Verdict,
};
pub use date::{format_date, parse_date};
pub use solve::{Identity, Witness};
