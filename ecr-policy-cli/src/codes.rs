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
            Code::Lint(c) => match c {
                LintCode::UnknownAction => "An action the catalogue does not know.",
                LintCode::NotARepositoryAction => "An ecr: action on the registry or on nothing, which a repository policy cannot grant.",
                LintCode::AuthorizationTokenInRepositoryPolicy => "ecr:GetAuthorizationToken, which belongs in the caller's identity policy.",
                LintCode::ForeignAction => "An action of another service.",
                LintCode::ResourcePresent => "A Resource or NotResource element in a repository policy.",
                LintCode::MissingPrincipal => "A statement without principal, or with an empty one.",
                LintCode::MalformedPrincipal => "A principal that is not a valid AWS principal.",
                LintCode::DeletedPrincipal => "A unique id (AIDA...) standing for a deleted user or role: the grant reaches nobody.",
                LintCode::MissingAction => "A statement without actions.",
                LintCode::DuplicateSid => "Two statements with the same Sid.",
                LintCode::EmptySid => "An empty Sid.",
                LintCode::EmptyList => "An empty list.",
                LintCode::PublicAccess => "Principal \"*\" allowed with no narrowing condition.",
                LintCode::ServicePrincipalWithoutSource => "A service principal allowed without aws:SourceAccount or aws:SourceArn.",
                LintCode::AllowWithNotPrincipal => "Allow with NotPrincipal: everyone else gets access.",
                LintCode::NotPrincipalDeniesListed => {
                    "Deny with NotPrincipal that still denies a user or role it lists (a role's sessions, or a principal whose account is not listed)."
                }
                LintCode::ExternalPermissionsManagement => {
                    "Another account or organization can manage the repository's permissions (or anything but the actions NotAction lists)."
                }
                LintCode::ExternalWrite => "Another account can push or delete.",
                LintCode::ExternalRead => "Another account can read: a note for a reviewer.",
                LintCode::DeadStatement => "A statement no request can meet.",
                LintCode::DeadCondition => "A condition no request can meet.",
                LintCode::WildcardAction => "A wildcard action in an Allow: it grants future actions too.",
                LintCode::OperatorKeyMismatch => "A condition operator that does not fit the type of its key.",
                LintCode::WildcardInNonLikeOperator => "* or ? in a value of an operator that takes them literally.",
                LintCode::PolicyVariableInLegacyVersion => "A policy variable under Version 2008-10-17 (or no Version), where it is plain text.",
                LintCode::MissingVersion => "No Version element.",
                LintCode::PolicyTooLong => "More than the 10,240 characters ECR stores.",
                LintCode::LocksOutPolicyChanges => "A policy that denies everyone ecr:SetRepositoryPolicy: ECR demands force.",
                LintCode::ValueTypeMismatch => {
                    "A condition value that does not fit its operator or key (not a number, a date or an ARN where one is needed)."
                }
                LintCode::RedundantAction => "An action listed twice or covered by a wildcard in the same list.",
                LintCode::PublicActionInPrivatePolicy => "An ecr-public: action in a private repository or registry policy, where it has no effect.",
                LintCode::PrivateActionInPublicPolicy => "An ecr: action in an ECR Public repository policy, where it has no effect.",
                LintCode::MissingResource => "A statement of a registry or identity policy without Resource.",
                LintCode::PrincipalInIdentityPolicy => "A Principal in an identity policy, which IAM refuses.",
                LintCode::ResourceOutsideRegistry => "A Resource of a registry policy that names no repository of the registry.",
                LintCode::ActionOutsideScopeV1 => "An action a registry of policy scope V1 refuses (an error when the scope is V1).",
                LintCode::ActionNeedsWildcardResource => "An action without resource-level permissions granted on a Resource other than *, where it grants nothing.",
                _ => "A finding of the ecr-policy lint.",
            },
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
