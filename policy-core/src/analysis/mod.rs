//! What a policy means and whether it is sound: lint, equivalence, diff and normal form.

pub(crate) mod diff;
pub(crate) mod equivalence;
pub mod lint;
pub(crate) mod normalize;
