//! The rules the kinds share: what a document breaks ([`KindRuleViolation`]), and the checks
//! and accessors common to every kind.

use std::fmt;

use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::policy::RepositoryRuleViolation;
use crate::model::statement::Statement;

/// A rule of a policy kind that a document breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KindRuleViolation {
    /// The document has no statement.
    NoStatement,
    /// A statement of a resource-based policy has neither `Principal` nor `NotPrincipal`.
    MissingPrincipal {
        /// Index of the statement, from 0.
        statement: usize,
    },
    /// A statement of an identity policy has a `Principal` or `NotPrincipal`, which IAM refuses.
    PrincipalInIdentityPolicy {
        /// Index of the statement, from 0.
        statement: usize,
    },
    /// A statement has neither `Action` nor `NotAction`, or an empty one.
    MissingAction {
        /// Index of the statement, from 0.
        statement: usize,
    },
    /// A statement of a registry or identity policy has no `Resource` (or an empty one).
    MissingResource {
        /// Index of the statement, from 0.
        statement: usize,
    },
    /// A statement has a `Resource` its kind refuses.
    ResourceRefused {
        /// The kind of the policy.
        kind: PolicyKind,
        /// Index of the statement, from 0.
        statement: usize,
    },
    /// A `Resource` entry of a registry policy is not a repository ARN of a private registry.
    NotARepositoryArn {
        /// Index of the statement, from 0.
        statement: usize,
        /// Index of the entry, from 0; `None` when the list is written as a bare string.
        index: Option<usize>,
        /// The entry as written.
        resource: String,
    },
    /// A `Resource` entry of a registry policy names another registry (account or Region)
    /// than the first entry: a registry policy covers the repositories of its own registry.
    OtherRegistry {
        /// Index of the statement, from 0.
        statement: usize,
        /// Index of the entry, from 0; `None` when the list is written as a bare string.
        index: Option<usize>,
        /// The entry as written.
        resource: String,
        /// The registry of the first entry, `ACCOUNT` in `REGION`.
        registry: String,
    },
    /// An action the kind cannot hold.
    ActionRefused {
        /// The kind of the policy.
        kind: PolicyKind,
        /// Index of the statement, from 0.
        statement: usize,
        /// Index of the entry, from 0; `None` when the list is written as a bare string.
        index: Option<usize>,
        /// The entry as written.
        action: String,
        /// Why, and what to do instead.
        reason: &'static str,
    },
}

impl KindRuleViolation {
    /// The JSON path of the offending element, e.g. `Statement[1].Resource[0]`.
    #[must_use]
    pub fn path(&self) -> String {
        match self {
            KindRuleViolation::NoStatement => "Statement".to_owned(),
            KindRuleViolation::MissingPrincipal { statement }
            | KindRuleViolation::PrincipalInIdentityPolicy { statement } => {
                format!("Statement[{statement}].Principal")
            }
            KindRuleViolation::MissingAction { statement } => {
                format!("Statement[{statement}].Action")
            }
            KindRuleViolation::MissingResource { statement }
            | KindRuleViolation::ResourceRefused { statement, .. } => {
                format!("Statement[{statement}].Resource")
            }
            KindRuleViolation::NotARepositoryArn {
                statement, index, ..
            }
            | KindRuleViolation::OtherRegistry {
                statement, index, ..
            } => format!("Statement[{statement}].Resource{}", at(*index)),
            KindRuleViolation::ActionRefused {
                statement, index, ..
            } => format!("Statement[{statement}].Action{}", at(*index)),
        }
    }

    /// How to fix it.
    #[must_use]
    pub fn hint(&self) -> String {
        match self {
            KindRuleViolation::NoStatement => "add a statement".to_owned(),
            KindRuleViolation::MissingPrincipal { .. } => {
                "add \"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:root\"} naming who gets access".to_owned()
            }
            KindRuleViolation::PrincipalInIdentityPolicy { .. } => {
                "remove the Principal: an identity policy applies to the user, group or role it is attached to".to_owned()
            }
            KindRuleViolation::MissingAction { .. } => {
                "add \"Action\": [\"ecr:BatchGetImage\", ...]".to_owned()
            }
            KindRuleViolation::MissingResource { .. } => {
                "add \"Resource\": the repository ARNs (arn:aws:ecr:REGION:ACCOUNT:repository/NAME, or repository/* for a whole registry); in an identity policy, \"*\" for actions without a resource such as ecr:GetAuthorizationToken".to_owned()
            }
            KindRuleViolation::ResourceRefused { kind: PolicyKind::PublicRepository, .. } => {
                "remove the Resource, or write \"Resource\": \"*\": the policy applies to its repository".to_owned()
            }
            KindRuleViolation::ResourceRefused { .. } => {
                "remove the Resource: the policy applies to its repository".to_owned()
            }
            KindRuleViolation::NotARepositoryArn { .. } => {
                "name repositories of the registry: arn:aws:ecr:REGION:ACCOUNT:repository/NAME, a prefix such as repository/prod-*, or repository/*".to_owned()
            }
            KindRuleViolation::OtherRegistry { .. } => {
                "a registry policy is set per registry and Region: put the grants for another registry in that registry's policy".to_owned()
            }
            KindRuleViolation::ActionRefused { reason, .. } => (*reason).to_owned(),
        }
    }
}

fn at(index: Option<usize>) -> String {
    index.map_or_else(String::new, |i| format!("[{i}]"))
}

/// The index of entry `j` in a path: none for a list written as a bare string.
pub(crate) fn entry<T>(list: &crate::model::list::ValueList<T>, j: usize) -> Option<usize> {
    (!list.is_written_bare()).then_some(j)
}

impl fmt::Display for KindRuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        match self {
            KindRuleViolation::NoStatement => write!(f, "{path}: the policy needs at least one statement"),
            KindRuleViolation::MissingPrincipal { .. } => write!(
                f,
                "{path}: every statement of a resource-based policy needs a Principal (or NotPrincipal)"
            ),
            KindRuleViolation::PrincipalInIdentityPolicy { .. } => write!(
                f,
                "{path}: an identity policy has no Principal (IAM refuses one)"
            ),
            KindRuleViolation::MissingAction { .. } => write!(
                f,
                "{path}: every statement needs a non-empty Action (or NotAction)"
            ),
            KindRuleViolation::MissingResource { .. } => write!(
                f,
                "{path}: every statement of a registry or identity policy needs a Resource (or NotResource)"
            ),
            KindRuleViolation::ResourceRefused { kind: PolicyKind::PublicRepository, .. } => write!(
                f,
                "{path}: an ECR Public repository policy takes no Resource other than \"*\""
            ),
            KindRuleViolation::ResourceRefused { kind, .. } => {
                write!(f, "{path}: {} takes no Resource", kind.with_article())
            }
            KindRuleViolation::NotARepositoryArn { resource, .. } => write!(
                f,
                "{path}: \"{}\" is not a repository ARN of a private registry",
                resource.escape_debug()
            ),
            KindRuleViolation::OtherRegistry {
                resource, registry, ..
            } => write!(
                f,
                "{path}: \"{}\" names another registry than {registry}",
                resource.escape_debug()
            ),
            KindRuleViolation::ActionRefused { kind, action, .. } => write!(
                f,
                "{path}: {} cannot hold \"{}\"",
                kind.with_article(),
                action.escape_debug()
            ),
        }
    }
}

impl std::error::Error for KindRuleViolation {}

impl From<RepositoryRuleViolation> for KindRuleViolation {
    fn from(v: RepositoryRuleViolation) -> Self {
        match v {
            RepositoryRuleViolation::NoStatement => KindRuleViolation::NoStatement,
            RepositoryRuleViolation::MissingPrincipal { statement } => {
                KindRuleViolation::MissingPrincipal { statement }
            }
            RepositoryRuleViolation::MissingAction { statement } => {
                KindRuleViolation::MissingAction { statement }
            }
            RepositoryRuleViolation::Resource { statement } => KindRuleViolation::ResourceRefused {
                kind: PolicyKind::Repository,
                statement,
            },
        }
    }
}

/// Every rule of its kind a document breaks, in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotAPolicyOfKind {
    /// The kind the document was checked as.
    pub kind: PolicyKind,
    /// The violations, at least one.
    pub violations: Vec<KindRuleViolation>,
}

impl fmt::Display for NotAPolicyOfKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid {}:", self.kind)?;
        for v in &self.violations {
            write!(f, "\n  - {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for NotAPolicyOfKind {}

/// The rules every kind shares: a statement, and an action in every statement.
pub(crate) fn common(doc: &PolicyDocument, out: &mut Vec<KindRuleViolation>) {
    if doc.statements.is_empty() {
        out.push(KindRuleViolation::NoStatement);
    }
    for (i, s) in doc.statements.iter().enumerate() {
        if s.action.as_ref().is_none_or(|a| a.actions.is_empty()) {
            out.push(KindRuleViolation::MissingAction { statement: i });
        }
    }
}

pub(crate) fn has_principal(s: &Statement) -> bool {
    s.principal
        .as_ref()
        .is_some_and(|p| !p.principals.is_empty())
}

pub(crate) fn has_resource(s: &Statement) -> bool {
    s.resource.as_ref().is_some_and(|r| !r.resources.is_empty())
}

/// Violations in document order: by statement, the document-level ones first.
pub(crate) fn finish(
    kind: PolicyKind,
    mut violations: Vec<KindRuleViolation>,
) -> Result<(), NotAPolicyOfKind> {
    if violations.is_empty() {
        return Ok(());
    }
    crate::model::order::sort_by_key(&mut violations, |v| {
        statement_of(v).map_or((0, 0), |s| (1, s))
    });
    Err(NotAPolicyOfKind { kind, violations })
}

fn statement_of(v: &KindRuleViolation) -> Option<usize> {
    match v {
        KindRuleViolation::NoStatement => None,
        KindRuleViolation::MissingPrincipal { statement }
        | KindRuleViolation::PrincipalInIdentityPolicy { statement }
        | KindRuleViolation::MissingAction { statement }
        | KindRuleViolation::MissingResource { statement }
        | KindRuleViolation::ResourceRefused { statement, .. }
        | KindRuleViolation::NotARepositoryArn { statement, .. }
        | KindRuleViolation::OtherRegistry { statement, .. }
        | KindRuleViolation::ActionRefused { statement, .. } => Some(*statement),
    }
}

/// The accessors every kind shares with [`RepositoryPolicy`].
macro_rules! policy_accessors {
    ($ty:ident) => {
        impl $ty {
            /// A policy of a document already known to follow the kind's rules (normalising
            /// keeps every element present or absent as it was).
            pub(crate) fn from_document_unchecked(document: PolicyDocument) -> Self {
                $ty { document }
            }

            /// The `Version` element (`None` only for a document read without one).
            #[must_use]
            pub fn version(&self) -> Option<crate::model::version::Version> {
                self.document.version
            }

            /// The `Id` element.
            #[must_use]
            pub fn id(&self) -> Option<&crate::model::names::PolicyId> {
                self.document.id.as_ref()
            }

            /// The statements, in order.
            #[must_use]
            pub fn statements(&self) -> &[crate::model::statement::Statement] {
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

        impl AsRef<PolicyDocument> for $ty {
            fn as_ref(&self) -> &PolicyDocument {
                &self.document
            }
        }

        impl From<$ty> for PolicyDocument {
            fn from(p: $ty) -> Self {
                p.document
            }
        }
    };
}
pub(crate) use policy_accessors;
