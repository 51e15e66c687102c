//! Put policies on real repositories, read them back, and catch drift, with the AWS SDK for
//! Rust (feature `aws`).
//!
//! - [`apply`] sets a policy with `SetRepositoryPolicy`, after refusing one that would lock
//!   everyone out of the repository's policy; [`apply_forced`] sets it with `force`.
//! - [`fetch`] reads the policy with `GetRepositoryPolicy` into the typed model: `None` when the
//!   repository has none.
//! - [`drift`] compares the policy on the repository with the one in code by meaning, so a CI
//!   job can fail with a readable report. White space, key order, a bare string for a one-value
//!   list and the `:root` ARN ECR writes for a bare account id are not drift: ECR rewrites all of
//!   them when it stores a policy (ECR-FACTS 4).
//!
//! Every call takes an [`aws_sdk_ecr::Client`]: build it with [`client_from_env`] or with
//! `aws-config`. Errors ECR returns become [`Error`] variants that keep ECR's message.
//!
//! ```no_run
//! use ecr_policy::aws::{self, Repository};
//! use ecr_policy::{AccountId, Bundle, RepositoryPolicy, StatementBuilder, UserName};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = RepositoryPolicy::builder()
//!     .account(AccountId::new("123456789012")?)
//!     .statement(StatementBuilder::allow().user(UserName::new("ci")?).bundle(Bundle::Pull))
//!     .build()?;
//! let client = aws::client_from_env()?;
//! let repo = Repository::new("fcj-workshop-app".parse()?);
//! aws::apply(&client, &repo, &policy).await?;
//! let drift = aws::drift(&client, &repo, &policy).await?;
//! if !drift.is_in_sync() {
//!     eprintln!("{drift}");
//!     std::process::exit(1);
//! }
//! # Ok(())
//! # }
//! ```

mod env;
mod error;
mod pending;

use std::fmt;

use aws_sdk_ecr::error::ProvideErrorMetadata;

pub use env::client_from_env;
pub use error::{Error, Operation};
// TEMPORARY: the stand-in's diff type, until `PolicyDiff` lands in the crate root.
pub use pending::PolicyDiff;

use crate::{AccountId, PolicyDocument, RepositoryName, RepositoryPolicy, MAX_POLICY_LENGTH};

/// A repository to put a policy on: its name and, for a registry other than the caller's
/// account, the registry id (the account that owns the registry).
///
/// ```
/// use ecr_policy::aws::Repository;
/// use ecr_policy::AccountId;
///
/// let repo = Repository::new("team/app".parse()?).in_registry(AccountId::new("210987654321")?);
/// assert_eq!(repo.to_string(), "team/app (registry 210987654321)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Repository {
    name: RepositoryName,
    registry_id: Option<AccountId>,
}

impl Repository {
    /// The repository `name` in the caller's own registry.
    #[must_use]
    pub fn new(name: RepositoryName) -> Self {
        Repository {
            name,
            registry_id: None,
        }
    }

    /// The same repository in the registry of account `registry_id`.
    #[must_use]
    pub fn in_registry(mut self, registry_id: AccountId) -> Self {
        self.registry_id = Some(registry_id);
        self
    }

    /// The repository name.
    #[must_use]
    pub fn name(&self) -> &RepositoryName {
        &self.name
    }

    /// The registry id, when one was given.
    #[must_use]
    pub fn registry_id(&self) -> Option<&AccountId> {
        self.registry_id.as_ref()
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.registry_id {
            Some(id) => write!(f, "{} (registry {id})", self.name),
            None => write!(f, "{}", self.name),
        }
    }
}

/// What ECR answered to `SetRepositoryPolicy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The registry the policy was set in.
    pub registry_id: Option<String>,
    /// The policy text ECR stored, as it echoed it.
    pub policy_text: Option<String>,
}

/// Sets `policy` on `repository` with `SetRepositoryPolicy`, without `force`.
///
/// The policy is sent as [`RepositoryPolicy::to_json`]. Before calling ECR, a policy that would
/// stop anyone from setting a policy on the repository again (a `Deny` of
/// `ecr:SetRepositoryPolicy` to every principal) is refused with [`Error::WouldLockOut`], and one
/// longer than ECR stores with [`Error::PolicyTooLong`].
///
/// # Errors
/// Those two, and what ECR returns: [`Error::RepositoryNotFound`], [`Error::InvalidPolicy`],
/// [`Error::PrincipalNotFound`], [`Error::AccessDenied`], [`Error::Aws`], [`Error::Transport`].
pub async fn apply(
    client: &aws_sdk_ecr::Client,
    repository: &Repository,
    policy: &RepositoryPolicy,
) -> Result<Applied, Error> {
    if let Some(reason) = pending::lock_out(policy.document()) {
        return Err(Error::WouldLockOut {
            repository: repository.to_string(),
            reason,
        });
    }
    set(client, repository, policy, false).await
}

/// Sets `policy` on `repository` with `SetRepositoryPolicy` and `force`, even when it would
/// lock everyone out of the repository's policy. Only for policies meant to be final.
///
/// # Errors
/// As [`apply`], but never [`Error::WouldLockOut`].
pub async fn apply_forced(
    client: &aws_sdk_ecr::Client,
    repository: &Repository,
    policy: &RepositoryPolicy,
) -> Result<Applied, Error> {
    set(client, repository, policy, true).await
}

async fn set(
    client: &aws_sdk_ecr::Client,
    repository: &Repository,
    policy: &RepositoryPolicy,
    force: bool,
) -> Result<Applied, Error> {
    let text = policy.to_json();
    let length = text.chars().count();
    if length > MAX_POLICY_LENGTH {
        return Err(Error::PolicyTooLong { length });
    }
    let mut request = client
        .set_repository_policy()
        .repository_name(repository.name.as_str())
        .set_registry_id(
            repository
                .registry_id
                .as_ref()
                .map(|id| id.as_str().to_owned()),
        )
        .policy_text(text);
    // `force` only when asked for: an absent flag and `false` mean the same to ECR, but the
    // request then shows plainly that no guard was overridden.
    if force {
        request = request.force(true);
    }
    let output = request.send().await.map_err(|e| {
        Error::from_sdk(Operation::SetRepositoryPolicy, &repository.to_string(), &e)
    })?;
    Ok(Applied {
        registry_id: output.registry_id,
        policy_text: output.policy_text,
    })
}

/// A policy read from a repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployedPolicy {
    registry_id: Option<String>,
    text: String,
    document: PolicyDocument,
}

impl DeployedPolicy {
    /// The registry the repository is in, as ECR named it.
    #[must_use]
    pub fn registry_id(&self) -> Option<&str> {
        self.registry_id.as_deref()
    }

    /// The `policyText` ECR returned, exactly.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The policy in the typed model, in the general grammar (a policy set outside this crate
    /// may carry elements a [`RepositoryPolicy`] never has, such as `Resource`).
    #[must_use]
    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }

    /// The policy as a [`RepositoryPolicy`], when it keeps the rules of one.
    ///
    /// # Errors
    /// [`NotARepositoryPolicy`](crate::NotARepositoryPolicy) listing the rules it breaks.
    pub fn repository_policy(&self) -> Result<RepositoryPolicy, crate::NotARepositoryPolicy> {
        RepositoryPolicy::try_from(self.document.clone())
    }
}

/// Reads the policy of `repository` with `GetRepositoryPolicy`: `Ok(None)` when the repository
/// has no policy.
///
/// # Errors
/// [`Error::RepositoryNotFound`], [`Error::AccessDenied`], [`Error::Aws`],
/// [`Error::Transport`], and [`Error::UnreadablePolicy`] when the text ECR returns is not a
/// policy document.
pub async fn fetch(
    client: &aws_sdk_ecr::Client,
    repository: &Repository,
) -> Result<Option<DeployedPolicy>, Error> {
    let result = client
        .get_repository_policy()
        .repository_name(repository.name.as_str())
        .set_registry_id(
            repository
                .registry_id
                .as_ref()
                .map(|id| id.as_str().to_owned()),
        )
        .send()
        .await;
    let output = match result {
        Ok(output) => output,
        Err(e) => {
            let no_policy = e.as_service_error().is_some_and(|s| {
                s.is_repository_policy_not_found_exception()
                    || s.code() == Some("RepositoryPolicyNotFoundException")
            });
            if no_policy {
                return Ok(None);
            }
            return Err(Error::from_sdk(
                Operation::GetRepositoryPolicy,
                &repository.to_string(),
                &e,
            ));
        }
    };
    let Some(text) = output.policy_text else {
        return Ok(None);
    };
    let document = pending::from_json(&text).map_err(|reason| Error::UnreadablePolicy {
        repository: repository.to_string(),
        reason,
        text: text.clone(),
    })?;
    Ok(Some(DeployedPolicy {
        registry_id: output.registry_id,
        text,
        document,
    }))
}

/// Whether the policy on a repository means what the policy in code means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drift {
    /// The deployed policy grants and denies exactly what the code does.
    InSync,
    /// The repository has no policy.
    NotDeployed,
    /// The deployed policy differs: `+` lines are access only the deployed policy has, `-`
    /// lines access only the code has.
    Drifted(PolicyDiff),
}

impl Drift {
    /// Compares a deployed policy (`None`: the repository has none) with the policy in code, by
    /// meaning.
    ///
    /// ```
    /// use ecr_policy::aws::Drift;
    /// use ecr_policy::{AccountId, Bundle, RepositoryPolicy, StatementBuilder};
    ///
    /// let account = AccountId::new("123456789012")?;
    /// let code = RepositoryPolicy::builder()
    ///     .statement(StatementBuilder::allow().account(account.clone()).bundle(Bundle::Pull))
    ///     .build()?;
    /// // The same access written another way is not drift.
    /// let deployed = RepositoryPolicy::builder()
    ///     .statement(StatementBuilder::allow().bundle(Bundle::Pull).account(account.clone()).bundle(Bundle::Pull))
    ///     .build()?;
    /// assert!(Drift::between(Some(deployed.document()), &code).is_in_sync());
    /// assert_eq!(Drift::between(None, &code), Drift::NotDeployed);
    ///
    /// let wider = RepositoryPolicy::builder()
    ///     .statement(StatementBuilder::allow().account(account).bundle(Bundle::Pull).bundle(Bundle::Push))
    ///     .build()?;
    /// let drift = Drift::between(Some(wider.document()), &code);
    /// assert!(drift.to_string().contains("+ Allow AWS arn:aws:iam::123456789012:root ecr:PutImage"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn between(deployed: Option<&PolicyDocument>, code: &RepositoryPolicy) -> Self {
        match deployed {
            None => Drift::NotDeployed,
            Some(deployed) if pending::equivalent(code.document(), deployed) => Drift::InSync,
            Some(deployed) => Drift::Drifted(pending::diff(code.document(), deployed)),
        }
    }

    /// Whether the deployed policy means what the code means.
    #[must_use]
    pub fn is_in_sync(&self) -> bool {
        matches!(self, Drift::InSync)
    }
}

impl fmt::Display for Drift {
    /// A report for people: `in sync`, `no policy is set`, or the access that differs, one line
    /// each, `+` for access only the deployed policy grants or denies, `-` for access only the
    /// code does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::InSync => f.write_str("in sync: the deployed policy means what the code means"),
            Drift::NotDeployed => f.write_str(
                "drift: the repository has no policy; apply the policy in code to set it",
            ),
            Drift::Drifted(diff) => {
                write!(
                    f,
                    "drift: the deployed policy differs from the code (+ only deployed, - only in code):"
                )?;
                for line in diff.to_string().lines() {
                    write!(f, "\n  {line}")?;
                }
                Ok(())
            }
        }
    }
}

/// Compares the policy on `repository` with `code` by meaning ([`Drift::between`]).
///
/// # Errors
/// As [`fetch`].
pub async fn drift(
    client: &aws_sdk_ecr::Client,
    repository: &Repository,
    code: &RepositoryPolicy,
) -> Result<Drift, Error> {
    let deployed = fetch(client, repository).await?;
    Ok(Drift::between(
        deployed.as_ref().map(DeployedPolicy::document),
        code,
    ))
}
