//! Comparing and normalising policies by their kind: two policies of different kinds never
//! grant the same access, and an ECR Public repository policy's `"Resource": "*"` means the
//! same as no `Resource` (the policy applies to its repository either way, as AWS's examples
//! with and without it show:
//! <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policy-examples.html>).

use std::borrow::Cow;

use crate::analysis::diff::{diff, diff_by_grants, PolicyDiff};
use crate::analysis::equivalence::{equivalent, equivalent_by_grants};
use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::kinds::{AnyPolicy, IdentityPolicy, PublicRepositoryPolicy, RegistryPolicy};

/// The document as its kind reads it: for an ECR Public repository policy, without the
/// `"Resource": "*"` that changes nothing.
fn as_read(doc: &PolicyDocument, kind: PolicyKind) -> Cow<'_, PolicyDocument> {
    let wildcard = |s: &crate::model::statement::Statement| {
        s.resource.as_ref().is_some_and(|r| {
            !r.negated && !r.resources.is_empty() && r.resources.iter().all(|x| x == "*")
        })
    };
    if kind != PolicyKind::PublicRepository || !doc.statements.iter().any(wildcard) {
        return Cow::Borrowed(doc);
    }
    let mut doc = doc.clone();
    for s in doc.statements.items_mut() {
        if wildcard(s) {
            s.resource = None;
        }
    }
    Cow::Owned(doc)
}

macro_rules! kind_compare {
    ($ty:ident, $kind:expr) => {
        impl $ty {
            /// Whether this policy grants the same access as `other`, read by the rules of
            /// its kind.
            #[must_use]
            pub fn equivalent(&self, other: &$ty) -> bool {
                equivalent_by_grants(
                    &as_read(self.document(), $kind),
                    &as_read(other.document(), $kind),
                )
            }

            /// What access `other` adds to and removes from this policy.
            #[must_use]
            pub fn diff(&self, other: &$ty) -> PolicyDiff {
                diff_by_grants(
                    &as_read(self.document(), $kind),
                    &as_read(other.document(), $kind),
                )
            }

            /// The policy as AWS stores it; see [`PolicyDocument::normalize`].
            #[must_use]
            pub fn normalize(&self) -> $ty {
                $ty::from_document_unchecked(self.document().normalize())
            }
        }
    };
}

kind_compare!(RegistryPolicy, PolicyKind::Registry);
kind_compare!(PublicRepositoryPolicy, PolicyKind::PublicRepository);
kind_compare!(IdentityPolicy, PolicyKind::Identity);

impl AnyPolicy {
    /// Whether this policy grants the same access as `other`: policies of two kinds never do
    /// (a registry policy and an identity policy with the same statements grant to different
    /// callers).
    ///
    /// ```
    /// use policy_core::model::{AnyPolicy, PolicyKind};
    /// let with = AnyPolicy::from_json_as(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":"*","Action":"ecr-public:PutImage","Resource":"*"}]}"#, PolicyKind::PublicRepository)?;
    /// let without = AnyPolicy::from_json_as(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":"*","Action":"ecr-public:PutImage"}]}"#, PolicyKind::PublicRepository)?;
    /// assert!(with.equivalent(&without));
    /// # Ok::<(), policy_core::json::InvalidPolicy>(())
    /// ```
    #[must_use]
    pub fn equivalent(&self, other: &AnyPolicy) -> bool {
        let (a, b) = (
            as_read(self.document(), self.kind()),
            as_read(other.document(), other.kind()),
        );
        self.kind() == other.kind()
            && if self.kind() == PolicyKind::Repository {
                equivalent(&a, &b)
            } else {
                equivalent_by_grants(&a, &b)
            }
    }

    /// What access `other` adds to and removes from this policy, both read by the rules of
    /// this policy's kind.
    #[must_use]
    pub fn diff(&self, other: &AnyPolicy) -> PolicyDiff {
        let (a, b) = (
            as_read(self.document(), self.kind()),
            as_read(other.document(), self.kind()),
        );
        if self.kind() == PolicyKind::Repository && other.kind() == PolicyKind::Repository {
            diff(&a, &b)
        } else {
            diff_by_grants(&a, &b)
        }
    }

    /// The policy as AWS stores it; see [`PolicyDocument::normalize`].
    #[must_use]
    pub fn normalize(&self) -> AnyPolicy {
        match self {
            AnyPolicy::Repository(p) => AnyPolicy::Repository(p.normalize()),
            AnyPolicy::Registry(p) => AnyPolicy::Registry(p.normalize()),
            AnyPolicy::PublicRepository(p) => AnyPolicy::PublicRepository(p.normalize()),
            AnyPolicy::Identity(p) => AnyPolicy::Identity(p.normalize()),
        }
    }
}
