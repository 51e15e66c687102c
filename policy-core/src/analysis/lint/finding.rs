//! What the lint reports: findings, their codes and severities.

use std::borrow::Cow;
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

impl FromStr for Severity {
    type Err = RuleViolation;

    /// The severity of its text, [`Severity::as_str`].
    ///
    /// ```
    /// use policy_core::lint::Severity;
    /// assert_eq!("security-warning".parse::<Severity>()?, Severity::SecurityWarning);
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Severity::Error,
            Severity::SecurityWarning,
            Severity::Warning,
            Severity::Suggestion,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| {
            RuleViolation::new(
                "severity",
                "error, security-warning, warning or suggestion",
                s,
                "is not a severity",
            )
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! lint_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident, $description:literal; )*) => {
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

            /// One line on what the code means, as the command line's `--list-codes` and
            /// SARIF rules show it.
            ///
            /// ```
            /// use policy_core::lint::LintCode;
            /// assert_eq!(LintCode::MissingVersion.description(), "No Version element.");
            /// ```
            #[must_use]
            pub const fn description(self) -> &'static str {
                match self { $(LintCode::$variant => $description,)* }
            }
        }
    };
}

lint_codes! {
    /// An action the catalogue does not know.
    UnknownAction = "unknown-action", Error,
        "An action the catalogue does not know.";
    /// An `ecr:` action on the registry or on nothing, which a repository policy cannot grant.
    NotARepositoryAction = "not-a-repository-action", Error,
        "An ecr: action on the registry or on nothing, which a repository policy cannot grant.";
    /// `ecr:GetAuthorizationToken`, which belongs in the caller's identity policy.
    AuthorizationTokenInRepositoryPolicy = "authorization-token-in-repository-policy", Error,
        "ecr:GetAuthorizationToken, which belongs in the caller's identity policy.";
    /// `ecr:CreateRepository` or `ecr:ReplicateImage` allowed by a repository policy, or
    /// `ecr-public:CreateRepository` by an ECR Public one: they apply to a repository, but AWS
    /// takes them from identity policies and the registry policy only
    /// (`Action::is_granted_by_repository_policy`, `PublicAction::is_granted_by_repository_policy`).
    NotGrantedByRepositoryPolicy = "not-granted-by-repository-policy", Error,
        "ecr:CreateRepository, ecr:ReplicateImage or ecr-public:CreateRepository in a repository policy, which cannot grant them (identity and registry policies do).";
    /// An action of another service.
    ForeignAction = "foreign-action", Warning,
        "An action of another service.";
    /// A `Resource` or `NotResource` element.
    ResourcePresent = "resource-present", Error,
        "A Resource or NotResource element in a repository policy.";
    /// A statement without principal, or with an empty one.
    MissingPrincipal = "missing-principal", Error,
        "A statement without principal, or with an empty one.";
    /// A principal that is not a valid AWS principal.
    MalformedPrincipal = "malformed-principal", Error,
        "A principal that is not a valid AWS principal.";
    /// A unique id (`AIDA...`) standing for a deleted user or role: the grant reaches nobody.
    DeletedPrincipal = "deleted-principal", Warning,
        "A unique id (AIDA...) standing for a deleted user or role: the grant reaches nobody.";
    /// A statement without actions.
    MissingAction = "missing-action", Error,
        "A statement without actions.";
    /// Two statements with the same Sid.
    DuplicateSid = "duplicate-sid", Error,
        "Two statements with the same Sid.";
    /// `"Sid": ""`.
    EmptySid = "empty-sid", Suggestion,
        "An empty Sid.";
    /// An empty list.
    EmptyList = "empty-list", Suggestion,
        "An empty list.";
    /// A caller of any account, outside every organization and network the policy names, is
    /// allowed: `"*"` with no condition, or only conditions that narrow nothing
    /// (`StringLike aws:PrincipalArn "*"`, `IpAddress 0.0.0.0/0`, ...).
    PublicAccess = "public-access", SecurityWarning,
        "Principal \"*\" allowed with no narrowing condition.";
    /// A service principal allowed acting for resources of any account (the confused
    /// deputy): no condition narrows `aws:SourceAccount` or `aws:SourceArn` to named accounts
    /// or ARNs.
    ServicePrincipalWithoutSource = "service-principal-without-source", SecurityWarning,
        "A service principal allowed without aws:SourceAccount or aws:SourceArn.";
    /// Another account (or every account of an organization) can manage the repository's
    /// policy, or is granted through `NotAction`.
    ExternalPermissionsManagement = "external-permissions-management", SecurityWarning,
        "Another account or organization can manage the repository's permissions (or anything but the actions NotAction lists).";
    /// Another account can push, change or delete.
    ExternalWrite = "external-write", Warning,
        "Another account can push or delete.";
    /// Another account can read: a note for a reviewer.
    ExternalRead = "external-read", Suggestion,
        "Another account can read: a note for a reviewer.";
    /// `Allow` with `NotPrincipal`: everyone else gets access.
    AllowWithNotPrincipal = "allow-with-not-principal", SecurityWarning,
        "Allow with NotPrincipal: everyone else gets access.";
    /// `Deny` with `NotPrincipal` that still denies a user or role it lists: AWS spares a caller
    /// only when each of its identities (account, user; or account, role, session) is listed.
    NotPrincipalDeniesListed = "not-principal-denies-listed", Warning,
        "Deny with NotPrincipal that still denies a user or role it lists (a role's sessions, or a principal whose account is not listed).";
    /// A wildcard action in an `Allow`: it grants future actions too.
    WildcardAction = "wildcard-action", Warning,
        "A wildcard action in an Allow: it grants future actions too.";
    /// A condition operator that does not fit the type of its key.
    OperatorKeyMismatch = "operator-key-mismatch", Warning,
        "A condition operator that does not fit the type of its key.";
    /// A condition value that does not fit its operator or key: not a number for a `Numeric`
    /// operator, not a date for a `Date` operator, neither an ARN nor an ARN pattern for
    /// `aws:SourceArn` or `aws:PrincipalArn` (the `policy!` macro refuses the same values).
    ValueTypeMismatch = "value-type-mismatch", Warning,
        "A condition value that does not fit its operator or key (not a number, a date or an ARN where one is needed).";
    /// `*` or `?` in a value of an operator that takes them literally.
    WildcardInNonLikeOperator = "wildcard-in-non-like-operator", Warning,
        "* or ? in a value of an operator that takes them literally.";
    /// A policy variable under Version `2008-10-17` (or no Version), where it is plain text.
    PolicyVariableInLegacyVersion = "policy-variable-in-legacy-version", Warning,
        "A policy variable under Version 2008-10-17 (or no Version), where it is plain text.";
    /// No `Version` element.
    MissingVersion = "missing-version", Warning,
        "No Version element.";
    /// More than the 10,240 characters ECR stores.
    PolicyTooLong = "policy-too-long", Error,
        "More than the 10,240 characters ECR stores.";
    /// A test of `aws:CurrentTime` or `aws:EpochTime` that, for requests made from the
    /// instant `LintConfig::requests_from` gives, always holds or never holds.
    SettledDateCondition = "settled-date-condition", Warning,
        "A date condition that, for requests from the given instant on, always or never holds (an expired Allow, a Deny in force for good).";
    /// No identity of the owning account can call `ecr:SetRepositoryPolicy` or
    /// `ecr:DeleteRepositoryPolicy` any more: ECR demands `force`.
    LocksOutPolicyChanges = "locks-out-policy-changes", Error,
        "A policy that denies everyone ecr:SetRepositoryPolicy: ECR demands force.";
    /// A statement no request can meet: its principal and conditions never hold together.
    DeadStatement = "dead-statement", Warning,
        "A statement no request can meet.";
    /// A condition no request can meet, such as `aws:SourceArn` compared with an IAM role's
    /// ARN or `aws:PrincipalAccount` with a name.
    DeadCondition = "dead-condition", Warning,
        "A condition no request can meet.";
    /// An action listed twice or covered by a wildcard in the same list.
    RedundantAction = "redundant-action", Suggestion,
        "An action listed twice or covered by a wildcard in the same list.";
    /// An `ecr-public:` action in a private repository or registry policy, where it has no
    /// effect (the `policy!` macro refuses it).
    PublicActionInPrivatePolicy = "public-action-in-private-policy", Error,
        "An ecr-public: action in a private repository or registry policy, where it has no effect.";
    /// An `ecr:` action in an ECR Public repository policy, where it has no effect.
    PrivateActionInPublicPolicy = "private-action-in-public-policy", Error,
        "An ecr: action in an ECR Public repository policy, where it has no effect.";
    /// A statement of a registry or identity policy without `Resource`.
    MissingResource = "missing-resource", Error,
        "A statement of a registry or identity policy without Resource.";
    /// A `Principal` in an identity policy, which IAM refuses.
    PrincipalInIdentityPolicy = "principal-in-identity-policy", Error,
        "A Principal in an identity policy, which IAM refuses.";
    /// A `Resource` of a registry policy that names no repository of the registry.
    ResourceOutsideRegistry = "resource-outside-registry", Error,
        "A Resource of a registry policy that names no repository of the registry.";
    /// An action a registry of policy scope V1 refuses: a note under the default scope V2,
    /// an error when the lint is told the registry is on V1.
    ActionOutsideScopeV1 = "action-outside-scope-v1", Suggestion,
        "An action a registry of policy scope V1 refuses (an error when the scope is V1).";
    /// An action without resource-level permissions (`ecr:GetAuthorizationToken`, registry
    /// actions) in an identity-policy statement whose `Resource` is not `"*"`: it grants nothing.
    ActionNeedsWildcardResource = "action-needs-wildcard-resource", Error,
        "An action without resource-level permissions granted on a Resource other than *, where it grants nothing.";
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
    /// How to fix it: most hints are fixed texts, kept without a copy (a list of patterns
    /// has a finding for each entry).
    pub hint: Cow<'static, str>,
    /// For a finding of access, a request the policy allows (confirmed by the evaluator when
    /// the finding is certain; see [`exact_findings`](super::exact_findings)).
    pub counterexample: Option<String>,
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
        write!(f, ": {}\n  hint: {}", self.message, self.hint)?;
        if let Some(example) = &self.counterexample {
            write!(f, "\n  for example: {example}")?;
        }
        Ok(())
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

#[cfg(feature = "serde")]
crate::model::serde_text::text_serde! {
    Severity => "error, security-warning, warning or suggestion",
    LintCode => "a lint code such as \"public-access\"",
}

#[cfg(feature = "serde")]
impl serde::Serialize for Finding {
    /// A map of the fields; `location` is `[line, column]` or null.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(8))?;
        map.serialize_entry("code", &self.code)?;
        map.serialize_entry("severity", &self.severity)?;
        map.serialize_entry("statement", &self.statement)?;
        map.serialize_entry("path", &self.path)?;
        map.serialize_entry("location", &self.location)?;
        map.serialize_entry("message", &self.message)?;
        map.serialize_entry("hint", &self.hint)?;
        map.serialize_entry("counterexample", &self.counterexample)?;
        map.end()
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Finding {
    /// The map [`Serialize`](serde::Serialize) writes; every field is required but `location`
    /// and `counterexample`.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut map = match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Object(map) => map,
            other => return Err(D::Error::custom(format!("a finding is a map, not {other}"))),
        };
        fn field<T: serde::de::DeserializeOwned, E: Error>(
            map: &mut serde_json::Map<String, serde_json::Value>,
            name: &'static str,
        ) -> Result<T, E> {
            let value = map.remove(name).ok_or_else(|| E::missing_field(name))?;
            serde_json::from_value(value).map_err(|e| E::custom(format!("{name}: {e}")))
        }
        let finding = Finding {
            code: field(&mut map, "code")?,
            severity: field(&mut map, "severity")?,
            statement: field(&mut map, "statement")?,
            path: field(&mut map, "path")?,
            location: map
                .remove("location")
                .map(serde_json::from_value)
                .transpose()
                .map_err(|e| D::Error::custom(format!("location: {e}")))?
                .flatten(),
            message: field(&mut map, "message")?,
            hint: Cow::Owned(field(&mut map, "hint")?),
            counterexample: map
                .remove("counterexample")
                .map(serde_json::from_value)
                .transpose()
                .map_err(|e| D::Error::custom(format!("counterexample: {e}")))?
                .flatten(),
        };
        match map.keys().next() {
            Some(unknown) => Err(D::Error::unknown_field(
                unknown,
                &[
                    "code",
                    "severity",
                    "statement",
                    "path",
                    "location",
                    "message",
                    "hint",
                    "counterexample",
                ],
            )),
            None => Ok(finding),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LintCode;

    #[test]
    fn every_code_has_its_own_one_line_description() {
        let mut seen = std::collections::HashSet::new();
        for code in LintCode::ALL {
            let d = code.description();
            assert!(!d.is_empty() && !d.contains('\n'), "{code}: {d:?}");
            assert!(
                d.ends_with('.'),
                "{code}: a sentence, ending in a full stop: {d:?}"
            );
            assert!(seen.insert(d), "{code} shares its description {d:?}");
        }
    }
}
