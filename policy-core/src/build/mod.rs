//! Building policies in code: the typed builder the `policy!` macro expands into, lists of
//! values for its slots, and merging.

pub mod builder;
pub mod merge;
pub mod slot;
