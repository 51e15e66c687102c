//! Holds only the compile-fail cases (`ui.rs`).
