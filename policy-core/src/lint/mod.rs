//! The lint: findings about a policy, judged with the same rules as the `policy!` macro
//! (`policy_catalogue::checks`), in the four severities of IAM Access Analyzer (ECR-FACTS
//! section 7), each with a stable code, the JSON path, a message and a hint.

mod rules;

use std::fmt;

use crate::document::PolicyDocument;
use crate::parse::ParsedPolicy;
use crate::policy::RepositoryPolicy;

pub use rules::locks_out_policy_changes;

/// How serious a finding is: the four severities of IAM Access Analyzer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
}

impl fmt::Display for LintCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding of the lint.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
pub enum StatementRef {
    /// By position, from 0.
    Index(usize),
    /// By Sid.
    Sid(String),
}

/// Settings of the lint: codes to leave out, everywhere or in one statement.
///
/// ```
/// use policy_core::{LintCode, LintConfig, PolicyDocument};
///
/// let doc = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [
///   {"Sid": "PublicPull", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}"#)?;
/// assert_eq!(doc.lint()[0].code, LintCode::PublicAccess);
/// let config = LintConfig::default().suppress_in(LintCode::PublicAccess, "PublicPull");
/// assert!(doc.lint_with(&config).is_empty());
/// # Ok::<(), policy_core::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintConfig {
    suppressed: Vec<(LintCode, Option<StatementRef>)>,
}

impl LintConfig {
    /// Leaves out every finding with `code`.
    #[must_use]
    pub fn suppress(mut self, code: LintCode) -> Self {
        self.suppressed.push((code, None));
        self
    }

    /// Leaves out findings with `code` in the statement with Sid `sid`.
    #[must_use]
    pub fn suppress_in(mut self, code: LintCode, sid: impl Into<String>) -> Self {
        self.suppressed
            .push((code, Some(StatementRef::Sid(sid.into()))));
        self
    }

    /// Leaves out findings with `code` in statement `index` (from 0).
    #[must_use]
    pub fn suppress_in_statement(mut self, code: LintCode, index: usize) -> Self {
        self.suppressed
            .push((code, Some(StatementRef::Index(index))));
        self
    }

    fn keeps(&self, doc: &PolicyDocument, f: &Finding) -> bool {
        !self.suppressed.iter().any(|(code, at)| {
            *code == f.code
                && match at {
                    None => true,
                    Some(StatementRef::Index(i)) => f.statement == Some(*i),
                    Some(StatementRef::Sid(sid)) => f.statement.is_some_and(|i| {
                        doc.statements
                            .get(i)
                            .and_then(|s| s.sid.as_ref())
                            .is_some_and(|s| s.as_str() == sid)
                    }),
                }
        })
    }
}

fn run(doc: &PolicyDocument, config: &LintConfig, parsed: Option<&ParsedPolicy>) -> Vec<Finding> {
    let mut findings = rules::check(doc, parsed.map(|p| &p.shape));
    findings.retain(|f| config.keeps(doc, f));
    if let Some(p) = parsed {
        for f in &mut findings {
            f.location = p.shape.locate(&f.path);
        }
    }
    findings
}

impl PolicyDocument {
    /// Lints the document as a repository policy, with every rule on.
    #[must_use]
    pub fn lint(&self) -> Vec<Finding> {
        run(self, &LintConfig::default(), None)
    }

    /// Lints the document with `config`.
    #[must_use]
    pub fn lint_with(&self, config: &LintConfig) -> Vec<Finding> {
        run(self, config, None)
    }
}

impl RepositoryPolicy {
    /// Lints the policy, with every rule on.
    ///
    /// ```
    /// use policy_core::{Bundle, RepositoryPolicy, StatementBuilder};
    ///
    /// let policy = RepositoryPolicy::builder()
    ///     .statement(StatementBuilder::allow().service("codebuild.amazonaws.com".parse()?).bundle(Bundle::Pull))
    ///     .build()?;
    /// let codes: Vec<&str> = policy.lint().iter().map(|f| f.code.as_str()).collect();
    /// assert_eq!(codes, ["service-principal-without-source"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn lint(&self) -> Vec<Finding> {
        self.document().lint()
    }

    /// Lints the policy with `config`.
    #[must_use]
    pub fn lint_with(&self, config: &LintConfig) -> Vec<Finding> {
        self.document().lint_with(config)
    }

    /// Whether ECR would refuse this policy without `force`, because it denies everyone
    /// `ecr:SetRepositoryPolicy` (see [`locks_out_policy_changes`]).
    #[must_use]
    pub fn locks_out_policy_changes(&self) -> bool {
        locks_out_policy_changes(self.document())
    }
}

impl ParsedPolicy {
    /// Lints the document, each finding located in the text it was read from.
    #[must_use]
    pub fn lint(&self) -> Vec<Finding> {
        run(&self.document, &LintConfig::default(), Some(self))
    }

    /// Lints the document with `config`, each finding located in the text.
    #[must_use]
    pub fn lint_with(&self, config: &LintConfig) -> Vec<Finding> {
        run(&self.document, config, Some(self))
    }
}
