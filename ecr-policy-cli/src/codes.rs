//! The codes the command line reports: the library's lint codes and its own two.

use crate::api::{LintCode, Severity};

/// A finding's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    Lint(LintCode),
    /// The text is JSON but not a policy the reader accepts (an `Effect` of `Permit`...).
    InvalidPolicy,
    /// A value left to deployment time (`!Ref`, `Fn::Sub`, "known after apply"): what depends
    /// on it is not checked.
    UnknownValue,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Lint(c) => c.as_str(),
            Code::InvalidPolicy => "invalid-policy",
            Code::UnknownValue => "unknown-value",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Code::Lint(c) => c.severity(),
            Code::InvalidPolicy => Severity::Error,
            Code::UnknownValue => Severity::Warning,
        }
    }

    /// Every code, in the order of the documentation.
    pub fn all() -> Vec<Code> {
        let mut v: Vec<Code> = vec![Code::InvalidPolicy, Code::UnknownValue];
        v.extend(LintCode::ALL.iter().map(|&c| Code::Lint(c)));
        v
    }

    /// One line on what the code means, for SARIF rules and `--help`.
    pub fn description(self) -> &'static str {
        match self {
            Code::InvalidPolicy => "The policy text cannot be read: JSON that breaks the policy grammar.",
            Code::UnknownValue => "A value left to deployment time (an intrinsic function or a value known after apply): what depends on it is not checked.",
            Code::Lint(c) => c.description(),
        }
    }
}

pub fn parse_code(s: &str) -> Result<Code, String> {
    Code::all()
        .into_iter()
        .find(|c| c.as_str() == s)
        .ok_or_else(|| {
            format!("unknown lint code \"{s}\" (`ecr-policy lint --list-codes` lists them)")
        })
}

pub const SEVERITIES: [Severity; 4] = [
    Severity::Error,
    Severity::SecurityWarning,
    Severity::Warning,
    Severity::Suggestion,
];

pub fn parse_severity(s: &str) -> Result<Severity, String> {
    SEVERITIES
        .into_iter()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| {
            format!("unknown severity \"{s}\" (expected error, security-warning, warning or suggestion)")
        })
}
