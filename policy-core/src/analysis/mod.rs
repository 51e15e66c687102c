//! What a policy means and whether it is sound: who can do what (access), lint, equivalence,
//! diff and normal form.

pub mod access;
pub(crate) mod by_kind;
pub(crate) mod changes;
pub(crate) mod diff;
pub(crate) mod equivalence;
pub(crate) mod groups;
pub mod lint;
pub(crate) mod normalize;
pub mod summary;
