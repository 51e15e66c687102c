//! The policy kinds beside the repository policy: [`RegistryPolicy`],
//! [`PublicRepositoryPolicy`] and [`IdentityPolicy`], their rules
//! ([`KindRuleViolation`]), and [`AnyPolicy`], a document of any kind.

mod identity;
mod public;
mod registry;
mod rules;

pub use identity::IdentityPolicy;
pub use public::PublicRepositoryPolicy;
pub use registry::{RegistryPolicy, RegistryPolicyScope};

use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::policy::RepositoryPolicy;
pub use rules::{KindRuleViolation, NotAPolicyOfKind};

/// A policy of any kind, checked by the rules of its kind.
///
/// ```
/// use policy_core::PolicyDocument;
/// use policy_core::model::{AnyPolicy, PolicyKind};
///
/// let doc = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
///   "Principal":"*","Action":"ecr-public:PutImage"}]}"#)?;
/// let policy = AnyPolicy::from_document(doc.clone())?;
/// assert_eq!(policy.kind(), PolicyKind::PublicRepository);
/// assert!(AnyPolicy::from_document_as(doc, PolicyKind::Identity).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnyPolicy {
    /// A private repository policy.
    Repository(RepositoryPolicy),
    /// A private registry policy.
    Registry(RegistryPolicy),
    /// An ECR Public repository policy.
    PublicRepository(PublicRepositoryPolicy),
    /// An identity policy.
    Identity(IdentityPolicy),
}

impl AnyPolicy {
    /// Checks `document` as a policy of `kind`, reporting every violation.
    ///
    /// # Errors
    /// [`NotAPolicyOfKind`] with each rule of `kind` the document breaks.
    pub fn from_document_as(
        document: PolicyDocument,
        kind: PolicyKind,
    ) -> Result<Self, NotAPolicyOfKind> {
        match kind {
            PolicyKind::Repository => RepositoryPolicy::try_from(document)
                .map(AnyPolicy::Repository)
                .map_err(|e| NotAPolicyOfKind {
                    kind,
                    violations: e.violations.into_iter().map(Into::into).collect(),
                }),
            PolicyKind::Registry => RegistryPolicy::try_from(document).map(AnyPolicy::Registry),
            PolicyKind::PublicRepository => {
                PublicRepositoryPolicy::try_from(document).map(AnyPolicy::PublicRepository)
            }
            PolicyKind::Identity => IdentityPolicy::try_from(document).map(AnyPolicy::Identity),
        }
    }

    /// Checks `document` as the kind [`PolicyKind::detect`] finds (a repository policy when
    /// it finds none, so that the errors are those of the commonest kind).
    ///
    /// # Errors
    /// [`NotAPolicyOfKind`] with each rule of that kind the document breaks.
    pub fn from_document(document: PolicyDocument) -> Result<Self, NotAPolicyOfKind> {
        let kind = PolicyKind::detect(&document).unwrap_or(PolicyKind::Repository);
        Self::from_document_as(document, kind)
    }

    /// The kind.
    #[must_use]
    pub fn kind(&self) -> PolicyKind {
        match self {
            AnyPolicy::Repository(_) => PolicyKind::Repository,
            AnyPolicy::Registry(_) => PolicyKind::Registry,
            AnyPolicy::PublicRepository(_) => PolicyKind::PublicRepository,
            AnyPolicy::Identity(_) => PolicyKind::Identity,
        }
    }

    /// The policy as a general document.
    #[must_use]
    pub fn document(&self) -> &PolicyDocument {
        match self {
            AnyPolicy::Repository(p) => p.document(),
            AnyPolicy::Registry(p) => p.document(),
            AnyPolicy::PublicRepository(p) => p.document(),
            AnyPolicy::Identity(p) => p.document(),
        }
    }

    /// The policy as a general document, by value.
    #[must_use]
    pub fn into_document(self) -> PolicyDocument {
        match self {
            AnyPolicy::Repository(p) => p.into_document(),
            AnyPolicy::Registry(p) => p.into_document(),
            AnyPolicy::PublicRepository(p) => p.into_document(),
            AnyPolicy::Identity(p) => p.into_document(),
        }
    }
}

impl AsRef<PolicyDocument> for AnyPolicy {
    fn as_ref(&self) -> &PolicyDocument {
        self.document()
    }
}

impl From<RepositoryPolicy> for AnyPolicy {
    fn from(p: RepositoryPolicy) -> Self {
        AnyPolicy::Repository(p)
    }
}

impl From<RegistryPolicy> for AnyPolicy {
    fn from(p: RegistryPolicy) -> Self {
        AnyPolicy::Registry(p)
    }
}

impl From<PublicRepositoryPolicy> for AnyPolicy {
    fn from(p: PublicRepositoryPolicy) -> Self {
        AnyPolicy::PublicRepository(p)
    }
}

impl From<IdentityPolicy> for AnyPolicy {
    fn from(p: IdentityPolicy) -> Self {
        AnyPolicy::Identity(p)
    }
}
