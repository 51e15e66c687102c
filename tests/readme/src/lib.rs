#![doc = include_str!(concat!(env!("OUT_DIR"), "/README.md"))]
// The Rust blocks of the repository's README, compiled and run as doctests (the attribute comes
// first so that a failing doctest's line is the line of its block in README.md). Each block is a
// complete program, as a reader would copy it. Blocks that use `ecr_policy::aws` compile only
// with the feature `aws` (`cargo test --workspace --all-features`).
