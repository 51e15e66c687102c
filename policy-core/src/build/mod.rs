//! Building policies in code: the typed builder the `policy!` macro expands into, the builders
//! of the other policy kinds, lists of values for its slots, and merging.

pub mod builder;
pub mod kinds;
pub mod merge;
pub mod slot;
