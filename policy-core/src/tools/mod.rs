//! Tools built on everything below: policy assertions for tests, identity policies, and the
//! `policy!` source of a policy.

pub mod assert;
pub(crate) mod identity;
pub(crate) mod to_dsl;
