//! Bounds on what the reader accepts.

/// Bounds on what the reader accepts, so that any input is refused in bounded time and memory.
///
/// The defaults are far above anything ECR stores (10,240 characters of policy text, ECR-FACTS
/// section 1), with room for the indented form AWS returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest text read, in bytes. Default 1 MiB.
    pub max_bytes: usize,
    /// The most statements. Default 1,000.
    pub max_statements: usize,
    /// The most entries in any other list or object. Default 10,000.
    pub max_list: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 1 << 20,
            max_statements: 1_000,
            max_list: 10_000,
        }
    }
}
