//! The kinds of policy: which one a statement belongs to, and so which rules it follows.

use std::fmt;

/// Which policy a statement belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PolicyKind {
    /// The repository policy (resource-based).
    Repository,
    /// The caller's identity policy.
    Identity,
}

impl PolicyKind {
    /// `"repository policy"` or `"identity policy"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Repository => "repository policy",
            PolicyKind::Identity => "identity policy",
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
