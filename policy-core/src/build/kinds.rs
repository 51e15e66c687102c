//! Builders for the policy kinds beside the repository policy: [`RegistryPolicyBuilder`],
//! [`PublicRepositoryPolicyBuilder`] and [`IdentityPolicyBuilder`].
//!
//! Their statements are [`StatementBuilder`]s, as for a repository policy, with the resources
//! each kind needs beside them: the repositories of the registry for a registry policy
//! ([`Repositories`]), `"*"` or repositories for an identity policy ([`IdentityResource`]), and
//! `"*"` for an ECR Public repository policy, as in AWS's current examples
//! (<https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policy-examples.html>).
//! `build` checks the statements as the repository builder does, then the rules of the kind
//! (`TryFrom<PolicyDocument>` of the kind), so a built policy is always a valid one.

use std::fmt;

use crate::build::builder::{check_statements, BuildError, Draft, StatementBuilder};
use crate::model::document::PolicyDocument;
use crate::model::kinds::{IdentityPolicy, PublicRepositoryPolicy, RegistryPolicy};
use crate::model::list::{ListForm, ValueList};
use crate::model::names::{AccountId, Partition, PolicyId, Region, RepositoryName, RuleViolation};
use crate::model::statement::ResourceElement;
use crate::model::version::Version;

/// Repositories of one registry, as the end of their ARN: one repository, a pattern of names
/// (`prod-*`, `ecr-public/*`), or all of them (`*`).
///
/// ```
/// use policy_core::builder::Repositories;
/// use policy_core::RepositoryName;
///
/// assert_eq!(Repositories::all().as_str(), "*");
/// assert_eq!(Repositories::named(RepositoryName::new("team/app")?).as_str(), "team/app");
/// assert_eq!(Repositories::matching("prod-*")?.as_str(), "prod-*");
/// assert!(Repositories::matching("prod").is_err()); // one repository: use `named`
/// # Ok::<(), policy_core::RuleViolation>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Repositories(String);

impl Repositories {
    /// Every repository of the registry: `repository/*`.
    #[must_use]
    pub fn all() -> Self {
        Repositories("*".to_owned())
    }

    /// One repository.
    #[must_use]
    pub fn named(name: RepositoryName) -> Self {
        Repositories(name.as_str().to_owned())
    }

    /// The repositories whose names match `pattern`, with `*` and `?` as wildcards.
    ///
    /// # Errors
    /// A [`RuleViolation`] when `pattern` has characters a repository name cannot have, or no
    /// wildcard ([`policy_catalogue::rules::check_repository_pattern`]).
    pub fn matching(pattern: &str) -> Result<Self, RuleViolation> {
        policy_catalogue::rules::check_repository_pattern(pattern)?;
        Ok(Repositories(pattern.to_owned()))
    }

    /// For `policy!`, which checked the text at compile time.
    #[doc(hidden)]
    #[must_use]
    pub fn __checked(text: &str) -> Self {
        Repositories(text.to_owned())
    }

    /// The name or pattern, as it ends the repository ARN.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Repositories {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A private registry: an account's repositories in one Region.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Registry {
    /// The partition of its ARNs (default `aws`).
    pub partition: Partition,
    /// The account that owns it.
    pub account: AccountId,
    /// Its Region.
    pub region: Region,
}

impl Registry {
    /// The registry of `account` in `region`, in the `aws` partition.
    #[must_use]
    pub fn new(account: AccountId, region: Region) -> Self {
        Registry {
            partition: Partition::Aws,
            account,
            region,
        }
    }

    /// The ARN of `repositories` of this registry,
    /// `arn:aws:ecr:REGION:ACCOUNT:repository/NAME`.
    ///
    /// ```
    /// use policy_core::builder::{Registry, Repositories};
    /// use policy_core::names::Region;
    /// use policy_core::AccountId;
    ///
    /// let registry = Registry::new(AccountId::new("123456789012")?, Region::new("us-west-2")?);
    /// assert_eq!(registry.arn(&Repositories::all()), "arn:aws:ecr:us-west-2:123456789012:repository/*");
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    #[must_use]
    pub fn arn(&self, repositories: &Repositories) -> String {
        format!(
            "arn:{}:ecr:{}:{}:repository/{}",
            self.partition, self.region, self.account, repositories
        )
    }
}

/// What a statement of an identity policy applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IdentityResource {
    /// `"*"`: every resource, the only one actions without a resource type take
    /// (`ecr:GetAuthorizationToken`).
    Any,
    /// Repositories of a registry.
    Repositories(Registry, Repositories),
    /// Any other resource, by its ARN as written (an ECR Public repository, an IAM role).
    Arn(String),
}

impl IdentityResource {
    fn text(&self) -> String {
        match self {
            IdentityResource::Any => "*".to_owned(),
            IdentityResource::Repositories(registry, r) => registry.arn(r),
            IdentityResource::Arn(text) => text.clone(),
        }
    }
}

/// What the three builders share: the headers and the statements with their resources.
#[derive(Clone, Debug)]
struct Parts {
    version: Version,
    id: Option<PolicyId>,
    statements: Vec<Draft>,
    resources: Vec<Vec<String>>,
}

impl Parts {
    fn new() -> Self {
        Parts {
            version: Version::V2012_10_17,
            id: None,
            statements: Vec::new(),
            resources: Vec::new(),
        }
    }

    fn push(&mut self, statement: StatementBuilder, resources: Vec<String>) {
        self.statements.push(statement.into_draft());
        self.resources.push(resources);
    }

    /// Checks the statements; `principals` says whether each needs one (or must have none).
    fn check(&self, principals: bool, account: Option<&AccountId>) -> Result<(), BuildError> {
        check_statements(&self.statements, principals)?;
        for (i, (s, resources)) in self.statements.iter().zip(&self.resources).enumerate() {
            let sid = || s.sid().map(|s| s.as_str().to_owned());
            if !principals && s.has_principal() {
                return Err(BuildError::PrincipalInIdentityPolicy {
                    statement: i,
                    sid: sid(),
                });
            }
            if resources.is_empty() {
                return Err(BuildError::MissingResource {
                    statement: i,
                    sid: sid(),
                });
            }
            if account.is_none() && s.needs_account() {
                return Err(BuildError::AccountNeeded {
                    statement: i,
                    sid: sid(),
                });
            }
        }
        Ok(())
    }

    fn document(
        self,
        partition: Partition,
        account: Option<&AccountId>,
        form: ListForm,
    ) -> PolicyDocument {
        let mut doc = PolicyDocument::new(self.version);
        doc.id = self.id;
        for (draft, resources) in self.statements.into_iter().zip(self.resources) {
            let mut s = draft.finish(partition, account);
            s.resource = Some(ResourceElement {
                negated: false,
                resources: ValueList::new(resources, form),
            });
            doc.statements.push(s);
        }
        doc
    }
}

macro_rules! headers {
    () => {
        /// Sets the `Version` (default `2012-10-17`).
        pub fn version(mut self, version: Version) -> Self {
            self.parts.version = version;
            self
        }

        /// Sets the policy `Id`.
        pub fn id(mut self, id: PolicyId) -> Self {
            self.parts.id = Some(id);
            self
        }
    };
}

/// Builds a [`RegistryPolicy`]: statements with principals, each on repositories of the
/// registry. Principals of "the policy's account" (`.user(...)`, `.role(...)`) are in the
/// registry's account. Start with [`RegistryPolicy::builder`].
///
/// ```
/// use policy_core::builder::{Registry, Repositories};
/// use policy_core::model::RegistryPolicy;
/// use policy_core::names::Region;
/// use policy_core::{AccountId, Action, StatementBuilder};
///
/// let registry = Registry::new(AccountId::new("123456789012")?, Region::new("us-west-2")?);
/// let policy = RegistryPolicy::builder(registry)
///     .statement(
///         [Repositories::all()],
///         StatementBuilder::allow()
///             .sid("ReplicationAccessCrossAccount".parse()?)
///             .account(AccountId::new("210987654321")?)
///             .action(Action::CreateRepository)
///             .action(Action::ReplicateImage),
///     )
///     .build()?;
/// assert!(policy.to_json().contains(r#""Resource":["arn:aws:ecr:us-west-2:123456789012:repository/*"]"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "call .build() to get the policy"]
pub struct RegistryPolicyBuilder {
    registry: Registry,
    parts: Parts,
}

impl RegistryPolicy {
    /// Starts a builder for the policy of `registry`.
    pub fn builder(registry: Registry) -> RegistryPolicyBuilder {
        RegistryPolicyBuilder {
            registry,
            parts: Parts::new(),
        }
    }
}

impl RegistryPolicyBuilder {
    headers!();

    /// Adds a statement on `repositories` of the registry (its `Resource`).
    pub fn statement(
        mut self,
        repositories: impl IntoIterator<Item = Repositories>,
        statement: StatementBuilder,
    ) -> Self {
        let arns = repositories
            .into_iter()
            .map(|r| self.registry.arn(&r))
            .collect();
        self.parts.push(statement, arns);
        self
    }

    /// Checks and builds the policy.
    ///
    /// # Errors
    /// A [`BuildError`] as for a repository policy, [`BuildError::MissingResource`] for a
    /// statement on no repository, and [`BuildError::NotOfKind`] for what the rules of
    /// registry policies refuse (an `ecr-public:` action given as a value).
    pub fn build(self) -> Result<RegistryPolicy, BuildError> {
        self.parts.check(true, Some(&self.registry.account))?;
        RegistryPolicy::try_from(self.document()).map_err(BuildError::NotOfKind)
    }

    fn document(self) -> PolicyDocument {
        let Registry {
            partition, account, ..
        } = self.registry;
        self.parts
            .document(partition, Some(&account), ListForm::Array)
    }
}

/// Builds a [`PublicRepositoryPolicy`]: statements with principals and `ecr-public:` actions,
/// each written with `"Resource": "*"`. Start with [`PublicRepositoryPolicy::builder`].
///
/// ```
/// use policy_core::builder::PublicRepositoryPolicyBuilder;
/// use policy_core::catalogue::PublicAction;
/// use policy_core::model::PublicRepositoryPolicy;
/// use policy_core::{AccountId, StatementBuilder};
///
/// let policy = PublicRepositoryPolicy::builder()
///     .statement(
///         StatementBuilder::allow()
///             .sid("AllowCrossAccountPush".parse()?)
///             .account(AccountId::new("111122223333")?)
///             .action(PublicAction::PutImage),
///     )
///     .build()?;
/// assert!(policy.to_json().contains(r#""Action":["ecr-public:PutImage"],"Resource":"*""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "call .build() to get the policy"]
pub struct PublicRepositoryPolicyBuilder {
    partition: Partition,
    account: Option<AccountId>,
    parts: Parts,
}

impl PublicRepositoryPolicy {
    /// Starts a builder.
    pub fn builder() -> PublicRepositoryPolicyBuilder {
        PublicRepositoryPolicyBuilder {
            partition: Partition::Aws,
            account: None,
            parts: Parts::new(),
        }
    }
}

impl PublicRepositoryPolicyBuilder {
    headers!();

    /// Sets the policy's account: the account of users, roles and sessions named without one.
    pub fn account(mut self, account: AccountId) -> Self {
        self.account = Some(account);
        self
    }

    /// Adds a statement.
    pub fn statement(mut self, statement: StatementBuilder) -> Self {
        self.parts.push(statement, vec!["*".to_owned()]);
        self
    }

    /// Checks and builds the policy.
    ///
    /// # Errors
    /// A [`BuildError`] as for a repository policy, [`BuildError::AccountNeeded`] for a
    /// principal of the policy's account without [`account`](Self::account), and
    /// [`BuildError::NotOfKind`] for what the rules of ECR Public repository policies refuse
    /// (an `ecr:` action).
    pub fn build(self) -> Result<PublicRepositoryPolicy, BuildError> {
        self.parts.check(true, self.account.as_ref())?;
        PublicRepositoryPolicy::try_from(self.document()).map_err(BuildError::NotOfKind)
    }

    fn document(self) -> PolicyDocument {
        self.parts
            .document(self.partition, self.account.as_ref(), ListForm::Compact)
    }
}

/// Builds an [`IdentityPolicy`]: statements without principals, each on `"*"` or on
/// repositories. Start with [`IdentityPolicy::builder`].
///
/// ```
/// use policy_core::builder::{IdentityResource, Registry, Repositories};
/// use policy_core::model::IdentityPolicy;
/// use policy_core::names::Region;
/// use policy_core::{AccountId, Action, Bundle, RepositoryName, StatementBuilder};
///
/// let registry = Registry::new(AccountId::new("123456789012")?, Region::new("us-east-1")?);
/// let app = Repositories::named(RepositoryName::new("app")?);
/// let policy = IdentityPolicy::builder()
///     .statement([IdentityResource::Any], StatementBuilder::allow().action(Action::GetAuthorizationToken))
///     .statement([IdentityResource::Repositories(registry, app)], StatementBuilder::allow().bundle(Bundle::Pull))
///     .build()?;
/// assert!(policy.to_json().contains(r#""Resource":"arn:aws:ecr:us-east-1:123456789012:repository/app""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "call .build() to get the policy"]
pub struct IdentityPolicyBuilder {
    parts: Parts,
}

impl IdentityPolicy {
    /// Starts a builder.
    pub fn builder() -> IdentityPolicyBuilder {
        IdentityPolicyBuilder {
            parts: Parts::new(),
        }
    }
}

impl IdentityPolicyBuilder {
    headers!();

    /// Adds a statement on `resources`. The statement names no principal.
    pub fn statement(
        mut self,
        resources: impl IntoIterator<Item = IdentityResource>,
        statement: StatementBuilder,
    ) -> Self {
        let texts = resources.into_iter().map(|r| r.text()).collect();
        self.parts.push(statement, texts);
        self
    }

    /// Checks and builds the policy.
    ///
    /// # Errors
    /// A [`BuildError`] as for a repository policy (but for principals),
    /// [`BuildError::PrincipalInIdentityPolicy`] for a statement with a principal, and
    /// [`BuildError::MissingResource`] for a statement on no resource.
    pub fn build(self) -> Result<IdentityPolicy, BuildError> {
        self.parts.check(false, None)?;
        IdentityPolicy::try_from(self.document()).map_err(BuildError::NotOfKind)
    }

    fn document(self) -> PolicyDocument {
        self.parts.document(Partition::Aws, None, ListForm::Compact)
    }
}

/// How `policy!` finishes the builder of a kind.
#[doc(hidden)]
pub trait BuildKind {
    type Out;
    fn build_checked(self) -> Result<Self::Out, BuildError>;
    /// For `policy!`, which checked every part at compile time.
    fn build_unchecked(self) -> Self::Out;
}

macro_rules! build_kind {
    ($builder:ty, $out:ty) => {
        impl BuildKind for $builder {
            type Out = $out;
            fn build_checked(self) -> Result<$out, BuildError> {
                self.build()
            }
            fn build_unchecked(self) -> $out {
                <$out>::from_document_unchecked(self.document())
            }
        }

        #[doc(hidden)]
        impl $builder {
            pub fn __unchecked(self) -> $out {
                self.build_unchecked()
            }
        }
    };
}

build_kind!(RegistryPolicyBuilder, RegistryPolicy);
build_kind!(PublicRepositoryPolicyBuilder, PublicRepositoryPolicy);
build_kind!(IdentityPolicyBuilder, IdentityPolicy);
