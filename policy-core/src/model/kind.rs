//! The kinds of policy ECR reads: which one a document is, and so which rules it follows.
//!
//! - the private **repository policy** (`SetRepositoryPolicy`): a principal in every statement,
//!   no `Resource`;
//! - the private **registry policy** (`PutRegistryPolicy`, one per registry and Region): a
//!   principal and a `Resource` naming repositories of the registry
//!   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html>);
//! - the **ECR Public repository policy** (`ecr-public:SetRepositoryPolicy`): `ecr-public:`
//!   actions and a principal
//!   (<https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policies.html>);
//! - the caller's **identity policy**: no principal, a `Resource` in every statement
//!   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_service-with-iam.html>).

use std::fmt;

use crate::model::action::ActionItem;
use crate::model::document::PolicyDocument;

/// Which policy a document (or a statement) belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PolicyKind {
    /// The repository policy of a private repository (resource-based).
    Repository,
    /// The caller's identity policy.
    Identity,
    /// The registry policy of a private registry (resource-based).
    Registry,
    /// The repository policy of an ECR Public repository (resource-based).
    PublicRepository,
}

impl PolicyKind {
    /// Every kind, in declaration order.
    pub const ALL: [PolicyKind; 4] = [
        PolicyKind::Repository,
        PolicyKind::Identity,
        PolicyKind::Registry,
        PolicyKind::PublicRepository,
    ];

    /// `"repository policy"`, `"identity policy"`, `"registry policy"` or
    /// `"ECR Public repository policy"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Repository => "repository policy",
            PolicyKind::Identity => "identity policy",
            PolicyKind::Registry => "registry policy",
            PolicyKind::PublicRepository => "ECR Public repository policy",
        }
    }

    /// The name with its article, as a sentence says it: `"a repository policy"`,
    /// `"an identity policy"`, `"a registry policy"`, `"an ECR Public repository policy"`.
    #[must_use]
    pub const fn with_article(self) -> &'static str {
        match self {
            PolicyKind::Repository => "a repository policy",
            PolicyKind::Identity => "an identity policy",
            PolicyKind::Registry => "a registry policy",
            PolicyKind::PublicRepository => "an ECR Public repository policy",
        }
    }

    /// Whether the policy is attached to a resource and so names its principals.
    #[must_use]
    pub const fn is_resource_based(self) -> bool {
        !matches!(self, PolicyKind::Identity)
    }

    /// Whether the statements of this kind carry a `Resource`: required in registry and
    /// identity policies, refused in a private repository policy. An ECR Public repository
    /// policy may carry `"Resource": "*"`, as AWS's current examples do, and needs none.
    #[must_use]
    pub const fn requires_resource(self) -> bool {
        matches!(self, PolicyKind::Registry | PolicyKind::Identity)
    }

    /// The kind of an unlabelled document, read from its shape; `None` when the document fits
    /// none or mixes the shapes of two kinds (state the kind instead).
    ///
    /// - no statement has a principal: an identity policy;
    /// - every statement has one, and the actions are `ecr-public:` ones: an ECR Public
    ///   repository policy;
    /// - every statement has one, and a `Resource` names private ECR repositories
    ///   (`arn:aws:ecr:REGION:ACCOUNT:repository/...`): a registry policy;
    /// - otherwise a repository policy (a stray `Resource` there is a mistake the lint reports).
    ///
    /// ```
    /// use policy_core::PolicyDocument;
    /// use policy_core::model::PolicyKind;
    ///
    /// let doc = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Action":"ecr:GetAuthorizationToken","Resource":"*"}]}"#)?;
    /// assert_eq!(PolicyKind::detect(&doc), Some(PolicyKind::Identity));
    /// let doc = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:ReplicateImage",
    ///   "Resource":"arn:aws:ecr:us-west-2:444455556666:repository/*"}]}"#)?;
    /// assert_eq!(PolicyKind::detect(&doc), Some(PolicyKind::Registry));
    /// # Ok::<(), policy_core::json::ParseError>(())
    /// ```
    #[must_use]
    pub fn detect(doc: &PolicyDocument) -> Option<PolicyKind> {
        if doc.statements.is_empty() {
            return None;
        }
        let with_principal = doc
            .statements
            .iter()
            .filter(|s| s.principal.is_some())
            .count();
        if with_principal == 0 {
            return Some(PolicyKind::Identity);
        }
        if with_principal < doc.statements.len() {
            return None;
        }
        let (mut public, mut private) = (false, false);
        for item in doc
            .statements
            .iter()
            .filter_map(|s| s.action.as_ref())
            .flat_map(|a| a.actions.iter())
        {
            match action_service(item) {
                Some(s) if s.eq_ignore_ascii_case("ecr-public") => public = true,
                Some(s) if s.eq_ignore_ascii_case("ecr") => private = true,
                _ => {}
            }
        }
        if public && !private {
            return Some(PolicyKind::PublicRepository);
        }
        if public && private {
            return None;
        }
        let names_repositories = doc.statements.iter().any(|s| {
            s.resource
                .as_ref()
                .is_some_and(|r| r.resources.iter().any(|x| is_private_repository_arn(x)))
        });
        Some(if names_repositories {
            PolicyKind::Registry
        } else {
            PolicyKind::Repository
        })
    }
}

/// The service of an action entry (`ecr` of `ecr:PutImage`), `None` for `*`.
pub(crate) fn action_service(item: &ActionItem) -> Option<&str> {
    match item {
        ActionItem::Ecr(_) => Some("ecr"),
        ActionItem::Public(_) => Some("ecr-public"),
        ActionItem::Pattern(p) => p.as_str().split_once(':').map(|(s, _)| s),
        ActionItem::Other(t) => t.split_once(':').map(|(s, _)| s),
    }
}

/// Whether `text` has the shape `arn:PARTITION:ecr:REGION:ACCOUNT:repository/...`.
pub(crate) fn is_private_repository_arn(text: &str) -> bool {
    let mut f = text.splitn(6, ':');
    matches!(
        (f.next(), f.next(), f.next(), f.next(), f.next(), f.next()),
        (Some("arn"), Some(_), Some("ecr"), Some(_), Some(_), Some(rest)) if rest.starts_with("repository/")
    )
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PolicyKind {
    type Err = UnknownPolicyKind;

    /// `repository`, `registry`, `public-repository` (or `public`) and `identity`, the names
    /// the command line and configuration files use.
    ///
    /// ```
    /// use policy_core::model::PolicyKind;
    /// assert_eq!("registry".parse(), Ok(PolicyKind::Registry));
    /// assert!("bucket".parse::<PolicyKind>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "repository" => Ok(PolicyKind::Repository),
            "registry" => Ok(PolicyKind::Registry),
            "public-repository" | "public" => Ok(PolicyKind::PublicRepository),
            "identity" => Ok(PolicyKind::Identity),
            _ => Err(UnknownPolicyKind(s.to_owned())),
        }
    }
}

/// A name that is not a policy kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPolicyKind(pub String);

impl fmt::Display for UnknownPolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\"{}\" is not a policy kind; use repository, registry, public-repository or identity",
            self.0.escape_debug()
        )
    }
}

impl std::error::Error for UnknownPolicyKind {}
