//! Building policies in code: the typed builder the `policy!` macro expands into.

pub mod builder;
