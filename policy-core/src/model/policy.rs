//! [`RepositoryPolicy`]: a policy document that ECR accepts as a repository policy.

use std::fmt;

use crate::model::document::PolicyDocument;
use crate::model::names::PolicyId;
use crate::model::statement::Statement;
use crate::model::version::Version;

pub use policy_catalogue::checks::MAX_POLICY_LENGTH;

/// A repository policy: every statement has a principal and an action, and none has a
/// `Resource` (the policy applies to the repository it is attached to).
///
/// Build one with [`RepositoryPolicy::builder`] or the `policy!` macro, or check a
/// [`PolicyDocument`] with [`RepositoryPolicy::try_from`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RepositoryPolicy {
    document: PolicyDocument,
}

impl RepositoryPolicy {
    pub(crate) fn from_document_unchecked(document: PolicyDocument) -> Self {
        RepositoryPolicy { document }
    }

    /// The `Version` element (`None` only for a document read without one).
    #[must_use]
    pub fn version(&self) -> Option<Version> {
        self.document.version
    }

    /// The `Id` element.
    #[must_use]
    pub fn id(&self) -> Option<&PolicyId> {
        self.document.id.as_ref()
    }

    /// The statements, in order.
    #[must_use]
    pub fn statements(&self) -> &[Statement] {
        &self.document.statements
    }

    /// The policy as a general document.
    #[must_use]
    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }

    /// The policy as a general document, by value.
    #[must_use]
    pub fn into_document(self) -> PolicyDocument {
        self.document
    }
}

impl AsRef<PolicyDocument> for RepositoryPolicy {
    fn as_ref(&self) -> &PolicyDocument {
        &self.document
    }
}

impl From<RepositoryPolicy> for PolicyDocument {
    fn from(p: RepositoryPolicy) -> Self {
        p.document
    }
}

/// A rule of repository policies that a document breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RepositoryRuleViolation {
    /// The document has no statement.
    NoStatement,
    /// A statement has neither `Principal` nor `NotPrincipal`.
    MissingPrincipal {
        /// Index of the statement, from 0.
        statement: usize,
    },
    /// A statement has neither `Action` nor `NotAction`, or an empty one.
    MissingAction {
        /// Index of the statement, from 0.
        statement: usize,
    },
    /// A statement has `Resource` or `NotResource`, which ECR refuses in repository policies.
    Resource {
        /// Index of the statement, from 0.
        statement: usize,
    },
}

impl RepositoryRuleViolation {
    /// The JSON path of the offending element, e.g. `Statement[1].Principal`.
    #[must_use]
    pub fn path(&self) -> String {
        match self {
            RepositoryRuleViolation::NoStatement => "Statement".to_owned(),
            RepositoryRuleViolation::MissingPrincipal { statement } => {
                format!("Statement[{statement}].Principal")
            }
            RepositoryRuleViolation::MissingAction { statement } => {
                format!("Statement[{statement}].Action")
            }
            RepositoryRuleViolation::Resource { statement } => {
                format!("Statement[{statement}].Resource")
            }
        }
    }
}

impl fmt::Display for RepositoryRuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        match self {
            RepositoryRuleViolation::NoStatement => {
                write!(f, "{path}: a repository policy needs at least one statement")
            }
            RepositoryRuleViolation::MissingPrincipal { .. } => write!(
                f,
                "{path}: every statement of a repository policy needs a Principal (or NotPrincipal)"
            ),
            RepositoryRuleViolation::MissingAction { .. } => write!(
                f,
                "{path}: every statement needs a non-empty Action (or NotAction)"
            ),
            RepositoryRuleViolation::Resource { .. } => write!(
                f,
                "{path}: ECR refuses a Resource element in a repository policy (\"Invalid repository policy provided\"); remove it, the policy applies to its repository"
            ),
        }
    }
}

impl std::error::Error for RepositoryRuleViolation {}

/// Every rule a document breaks, in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotARepositoryPolicy {
    /// The violations, at least one.
    pub violations: Vec<RepositoryRuleViolation>,
}

impl fmt::Display for NotARepositoryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid repository policy:")?;
        for v in &self.violations {
            write!(f, "\n  - {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for NotARepositoryPolicy {}

impl TryFrom<PolicyDocument> for RepositoryPolicy {
    type Error = NotARepositoryPolicy;

    /// Applies the rules of repository policies, reporting every violation.
    fn try_from(document: PolicyDocument) -> Result<Self, Self::Error> {
        let mut violations = Vec::new();
        if document.statements.is_empty() {
            violations.push(RepositoryRuleViolation::NoStatement);
        }
        for (i, s) in document.statements.iter().enumerate() {
            if s.principal.as_ref().is_none_or(|p| p.principals.is_empty()) {
                violations.push(RepositoryRuleViolation::MissingPrincipal { statement: i });
            }
            if s.action.as_ref().is_none_or(|a| a.actions.is_empty()) {
                violations.push(RepositoryRuleViolation::MissingAction { statement: i });
            }
            if s.resource.is_some() {
                violations.push(RepositoryRuleViolation::Resource { statement: i });
            }
        }
        if violations.is_empty() {
            Ok(RepositoryPolicy { document })
        } else {
            Err(NotARepositoryPolicy { violations })
        }
    }
}
