//! What the lint reports: findings, their codes and severities.

use std::fmt;
use std::str::FromStr;

use policy_catalogue::RuleViolation;

/// How serious a finding is: the four severities of IAM Access Analyzer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// The policy does not work as written.
    Error,
    /// The policy grants more than it probably should.
    SecurityWarning,
    /// Against best practice.
    Warning,
    /// No effect on access; tidier written otherwise.
    Suggestion,
}

impl Severity {
    /// `error`, `security-warning`, `warning` or `suggestion`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security-warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! lint_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident; )*) => {
        /// The stable code of a finding; its text (e.g. `unknown-action`) never changes.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum LintCode {
            $( $(#[$doc])* $variant, )*
        }

        impl LintCode {
            /// Every code.
            pub const ALL: &'static [LintCode] = &[$(LintCode::$variant),*];

            /// The code's text, e.g. `unknown-action`.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(LintCode::$variant => $code,)* }
            }

            /// The severity of findings with this code.
            #[must_use]
            pub const fn severity(self) -> Severity {
                match self { $(LintCode::$variant => Severity::$severity,)* }
            }
        }
    };
}

lint_codes! {
    /// An action the catalogue does not know.
    UnknownAction = "unknown-action", Error;
    /// An `ecr:` action on the registry or on nothing, which a repository policy cannot grant.
    NotARepositoryAction = "not-a-repository-action", Error;
    /// `ecr:GetAuthorizationToken`, which belongs in the caller's identity policy.
    AuthorizationTokenInRepositoryPolicy = "authorization-token-in-repository-policy", Error;
    /// An action of another service.
    ForeignAction = "foreign-action", Warning;
    /// A `Resource` or `NotResource` element.
    ResourcePresent = "resource-present", Error;
    /// A statement without principal, or with an empty one.
    MissingPrincipal = "missing-principal", Error;
    /// A principal that is not a valid AWS principal.
    MalformedPrincipal = "malformed-principal", Error;
    /// A unique id (`AIDA...`) standing for a deleted user or role: the grant reaches nobody.
    DeletedPrincipal = "deleted-principal", Warning;
    /// A statement without actions.
    MissingAction = "missing-action", Error;
    /// Two statements with the same Sid.
    DuplicateSid = "duplicate-sid", Error;
    /// `"Sid": ""`.
    EmptySid = "empty-sid", Suggestion;
    /// An empty list.
    EmptyList = "empty-list", Suggestion;
    /// `Principal: "*"` or `AWS: "*"` allowed with no narrowing condition.
    PublicAccess = "public-access", SecurityWarning;
    /// A service principal allowed without `aws:SourceAccount` or `aws:SourceArn`.
    ServicePrincipalWithoutSource = "service-principal-without-source", SecurityWarning;
    /// `Allow` with `NotPrincipal`: everyone else gets access.
    AllowWithNotPrincipal = "allow-with-not-principal", SecurityWarning;
    /// A wildcard action in an `Allow`: it grants future actions too.
    WildcardAction = "wildcard-action", Warning;
    /// A condition operator that does not fit the type of its key.
    OperatorKeyMismatch = "operator-key-mismatch", Warning;
    /// A condition value that does not fit its operator or key: not a number for a `Numeric`
    /// operator, not a date for a `Date` operator, neither an ARN nor an ARN pattern for
    /// `aws:SourceArn` or `aws:PrincipalArn` (the `policy!` macro refuses the same values).
    ValueTypeMismatch = "value-type-mismatch", Warning;
    /// `*` or `?` in a value of an operator that takes them literally.
    WildcardInNonLikeOperator = "wildcard-in-non-like-operator", Warning;
    /// A policy variable under Version `2008-10-17` (or no Version), where it is plain text.
    PolicyVariableInLegacyVersion = "policy-variable-in-legacy-version", Warning;
    /// No `Version` element.
    MissingVersion = "missing-version", Warning;
    /// More than the 10,240 characters ECR stores.
    PolicyTooLong = "policy-too-long", Error;
    /// A policy that denies everyone `ecr:SetRepositoryPolicy`: ECR demands `force`.
    LocksOutPolicyChanges = "locks-out-policy-changes", Error;
    /// An action listed twice or covered by a wildcard in the same list.
    RedundantAction = "redundant-action", Suggestion;
    /// An `ecr-public:` action in a private repository or registry policy, where it has no
    /// effect (the `policy!` macro refuses it).
    PublicActionInPrivatePolicy = "public-action-in-private-policy", Error;
    /// An `ecr:` action in an ECR Public repository policy, where it has no effect.
    PrivateActionInPublicPolicy = "private-action-in-public-policy", Error;
    /// A statement of a registry or identity policy without `Resource`.
    MissingResource = "missing-resource", Error;
    /// A `Principal` in an identity policy, which IAM refuses.
    PrincipalInIdentityPolicy = "principal-in-identity-policy", Error;
    /// A `Resource` of a registry policy that names no repository of the registry.
    ResourceOutsideRegistry = "resource-outside-registry", Error;
    /// An action a registry of policy scope V1 refuses: a note under the default scope V2,
    /// an error when the lint is told the registry is on V1.
    ActionOutsideScopeV1 = "action-outside-scope-v1", Suggestion;
    /// An action without resource-level permissions (`ecr:GetAuthorizationToken`, registry
    /// actions) in an identity-policy statement whose `Resource` is not `"*"`: it grants nothing.
    ActionNeedsWildcardResource = "action-needs-wildcard-resource", Error;
}

impl fmt::Display for LintCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LintCode {
    type Err = RuleViolation;

    /// The code of its text, e.g. `public-access`, as a configuration file would name it.
    ///
    /// ```
    /// use policy_core::lint::LintCode;
    /// assert_eq!("public-access".parse::<LintCode>()?, LintCode::PublicAccess);
    /// let err = "public-acess".parse::<LintCode>().unwrap_err();
    /// assert!(err.to_string().contains("public-access"));
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LintCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let near = policy_catalogue::closest(s, LintCode::ALL.iter().map(|c| c.as_str()));
                RuleViolation::new(
                    "lint code",
                    "one of the codes of LintCode, such as `public-access`",
                    s,
                    match near {
                        Some(near) => format!("is not a lint code (did you mean `{near}`?)"),
                        None => "is not a lint code".to_owned(),
                    },
                )
            })
    }
}

/// One finding of the lint.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Finding {
    /// The stable code.
    pub code: LintCode,
    /// How serious it is (the code's severity).
    pub severity: Severity,
    /// The statement the finding is about, from 0; `None` for the whole policy.
    pub statement: Option<usize>,
    /// The JSON path, every list indexed: `Statement[1].Action[0]`.
    pub path: String,
    /// Line and column in the text the policy was read from, when known.
    pub location: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity, self.code)?;
        if let Some((line, column)) = self.location {
            write!(f, " {line}:{column}")?;
        }
        if !self.path.is_empty() {
            write!(f, " {}", self.path)?;
        }
        write!(f, ": {}\n  hint: {}", self.message, self.hint)
    }
}

/// Which statement a suppression applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StatementSelector {
    /// By position, from 0.
    Index(usize),
    /// By Sid.
    Sid(String),
}
