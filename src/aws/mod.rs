//! Put policies on real repositories, read them back, and catch drift, with the AWS SDK for
//! Rust (feature `aws`).
//!
//! The functions at this level work on private repository policies. [`registry`] does the
//! same for the registry's own policy (`PutRegistryPolicy`), and [`public`] for ECR Public
//! repository policies, with the ECR Public client.
//!
//! - [`apply`] sets a policy with `SetRepositoryPolicy`, after refusing one that would lock
//!   everyone out of the repository's policy; [`apply_forced`] sets it with `force`.
//! - [`fetch`] reads the policy with `GetRepositoryPolicy` into the typed model: `None` when the
//!   repository has none.
//! - [`drift`] compares the policy on the repository with the one in code by meaning, so a CI
//!   job can fail with a readable report. White space, key order, a bare string for a one-value
//!   list and the `:root` ARN ECR writes for a bare account id are not drift: ECR rewrites all of
//!   them when it stores a policy (ECR-FACTS 4). Nor is a changed `Sid` or a changed `Version`
//!   of a policy without policy variables: neither changes who may do what ([`Drift`]).
//!
//! Every call takes an [`aws_sdk_ecr::Client`]: build it with [`client_from_env`], which loads
//! the configuration as the AWS CLI does (environment, profiles, SSO, web identity, retry
//! settings), or from your own [`aws_config::SdkConfig`] with [`client_from_config`]. Both
//! crates are re-exported here, in the versions this crate uses.
//!
//! Errors ECR returns become [`Error`] variants that keep ECR's message, and the SDK's error as
//! their source. A `SetRepositoryPolicy` whose answer was lost after the request went out
//! (a connection reset, a time-out) may still have been carried out: [`apply`] then reads the
//! policy back and returns [`Error::Unconfirmed`] with what the repository holds now.
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
//! let client = aws::client_from_env().await?;
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

mod delivery;
mod env;
mod error;
pub mod public;
pub mod registry;
mod repository;

use std::fmt;
use std::future::Future;

use aws_sdk_ecr::config::http::HttpResponse;
use aws_sdk_ecr::error::{ProvideErrorMetadata, SdkError};

/// The configuration loader of the AWS SDK for Rust, as this crate uses it
/// ([`client_from_config`] takes its [`SdkConfig`](aws_config::SdkConfig)).
pub use aws_config;
/// The ECR client of the AWS SDK for Rust, as this crate uses it: every call here takes an
/// [`aws_sdk_ecr::Client`], and [`SdkFailure`] holds its errors.
pub use aws_sdk_ecr;
/// The ECR Public client of the AWS SDK for Rust, as this crate uses it: the calls of
/// [`public`] take an [`aws_sdk_ecrpublic::Client`].
pub use aws_sdk_ecrpublic;
pub use env::{client_from_config, client_from_env, https_client};
pub use error::{Error, Operation, SdkFailure};

use delivery::DeliveryWatch;
use repository::RepositoryClient;

use crate::compare::{DiffOptions, PolicyDiff};
use crate::json::{InvalidPolicy, ParsedPolicy};
use crate::lint::LintCode;
use crate::model::{
    AnyPolicy, PolicyKind, PublicRepositoryPolicy, RegistryPolicy, RepositoryArn, MAX_POLICY_LENGTH,
};
use crate::names::Region;
use crate::{AccountId, PolicyDocument, RepositoryName, RepositoryPolicy};

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

/// What ECR answered to `SetRepositoryPolicy` (or `PutRegistryPolicy`, or ECR Public's
/// `SetRepositoryPolicy`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
/// `ecr:SetRepositoryPolicy` to every principal without a condition:
/// [`RepositoryPolicy::locks_out_policy_changes`]) is refused with [`Error::WouldLockOut`], and
/// one longer than ECR stores with [`Error::PolicyTooLong`].
///
/// When the request was sent but its answer never came (the connection broke or a time-out
/// struck after the request was written, on any attempt), ECR may have applied the policy.
/// `apply` then reads the policy back with `GetRepositoryPolicy` and returns
/// [`Error::Unconfirmed`], which says so and carries what the repository holds now, compared by
/// meaning with the policy sent. When the request was never sent (the connection could not be
/// made), the error is [`Error::Transport`] and the policy is unchanged.
///
/// # Errors
/// Those two; [`Error::Unconfirmed`] and [`Error::Transport`] as above; and what ECR answers:
/// [`Error::RepositoryNotFound`], [`Error::InvalidPolicy`], [`Error::PrincipalNotFound`],
/// [`Error::AccessDenied`], [`Error::Aws`] (with the HTTP status when the answer has no error
/// code).
pub async fn apply(
    client: &aws_sdk_ecr::Client,
    repository: &Repository,
    policy: &RepositoryPolicy,
) -> Result<Applied, Error> {
    repository::apply(client, repository, policy).await
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
    repository::set(client, repository, policy, true).await
}

impl RepositoryClient for aws_sdk_ecr::Client {
    type Policy = RepositoryPolicy;

    fn check_lock_out(repository: &Repository, policy: &RepositoryPolicy) -> Result<(), Error> {
        if !policy.locks_out_policy_changes() {
            return Ok(());
        }
        // The lint's finding names the statement and says how to keep the policy changeable.
        match policy
            .lint()
            .into_iter()
            .find(|f| f.code == LintCode::LocksOutPolicyChanges)
        {
            Some(finding) => Err(Error::WouldLockOut {
                repository: repository.to_string(),
                finding: Box::new(finding),
            }),
            None => Ok(()),
        }
    }

    fn text(policy: &RepositoryPolicy) -> String {
        policy.to_json()
    }

    /// By [`Drift::between_with`] on the repository, when its account and Region are known,
    /// so that the words and the requests that prove a change name it.
    fn compare(
        &self,
        repository: &Repository,
        deployed: Option<&DeployedPolicy>,
        code: &RepositoryPolicy,
    ) -> Drift {
        let account = repository.registry_id().cloned().or_else(|| {
            deployed
                .and_then(DeployedPolicy::registry_id)
                .and_then(|id| AccountId::new(id).ok())
        });
        let region = self
            .config()
            .region()
            .and_then(|r| Region::new(r.as_ref()).ok());
        let options = match (region, account) {
            (Some(region), Some(account)) => DiffOptions::on(RepositoryArn::new(
                region,
                account,
                repository.name().clone(),
            )),
            (None, Some(account)) => DiffOptions::in_account(account),
            _ => DiffOptions::default(),
        };
        Drift::between_with(deployed.map(DeployedPolicy::document), code, &options)
    }
}

/// The error of a call setting a policy that failed: [`Error::Unconfirmed`] with what
/// `read_back` finds when the request may have been carried out, else the call's own error.
async fn settle<E, F: Future<Output = Result<Drift, Error>>>(
    error: SdkError<E, HttpResponse>,
    watch: &DeliveryWatch,
    subject: &str,
    failure: fn(SdkError<E, HttpResponse>) -> SdkFailure,
    read_back: impl FnOnce() -> F,
) -> Error {
    if !may_have_been_applied(&error, watch) {
        return Error::from_sdk(subject, failure(error));
    }
    // The policy may be in place or not: ask ECR what it holds now.
    let deployed = read_back().await;
    Error::unconfirmed(subject, failure(error), deployed)
}

/// The error code of an answer, from its body or else from its modelled type.
fn code<E: ProvideErrorMetadata + error::ModelledCode>(e: &E) -> Option<&str> {
    e.code().or_else(|| e.modelled_code())
}

/// The policy text, or [`Error::PolicyTooLong`] when ECR would not store it.
fn checked_length(text: String) -> Result<String, Error> {
    let length = text.chars().count();
    if length > MAX_POLICY_LENGTH {
        return Err(Error::PolicyTooLong { length });
    }
    Ok(text)
}

/// Whether a failed call setting a policy may still have been carried out by ECR.
fn may_have_been_applied<E>(error: &SdkError<E, HttpResponse>, watch: &DeliveryWatch) -> bool {
    match error {
        // An answer that could not be read: ECR did handle the request, with whatever outcome.
        SdkError::ResponseError(_) => true,
        // A client error is ECR's final word on the request, whatever an earlier attempt did; a
        // server error after an attempt that got no answer does not undo that attempt.
        SdkError::ServiceError(service) => {
            watch.may_have_arrived() && service.raw().status().is_server_error()
        }
        _ => watch.may_have_arrived(),
    }
}

/// A policy read from a repository or a registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployedPolicy {
    registry_id: Option<String>,
    text: String,
    parsed: ParsedPolicy,
}

impl DeployedPolicy {
    /// The registry the policy is in, as ECR named it.
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
        &self.parsed.document
    }

    /// The policy with the shape of the text ECR returned: [`lint`](ParsedPolicy::lint) it to
    /// get findings located by line and column in [`text`](Self::text).
    #[must_use]
    pub fn parsed(&self) -> &ParsedPolicy {
        &self.parsed
    }

    /// The policy as a [`RepositoryPolicy`], when it keeps the rules of one.
    ///
    /// # Errors
    /// [`InvalidPolicy`] with one error per broken rule, each located in [`text`](Self::text).
    pub fn repository_policy(&self) -> Result<RepositoryPolicy, InvalidPolicy> {
        self.parsed.clone().into_repository_policy()
    }

    /// The policy as a [`RegistryPolicy`] (of the default policy scope, V2), when it keeps
    /// the rules of one.
    ///
    /// # Errors
    /// [`InvalidPolicy`] with one error per broken rule, each located in [`text`](Self::text).
    pub fn registry_policy(&self) -> Result<RegistryPolicy, InvalidPolicy> {
        match self.policy_of_kind(PolicyKind::Registry)? {
            AnyPolicy::Registry(policy) => Ok(policy),
            _ => unreachable!("a policy read as a registry policy is one"),
        }
    }

    /// The policy as a [`PublicRepositoryPolicy`], when it keeps the rules of one.
    ///
    /// # Errors
    /// [`InvalidPolicy`] with one error per broken rule, each located in [`text`](Self::text).
    pub fn public_repository_policy(&self) -> Result<PublicRepositoryPolicy, InvalidPolicy> {
        match self.policy_of_kind(PolicyKind::PublicRepository)? {
            AnyPolicy::PublicRepository(policy) => Ok(policy),
            _ => unreachable!("a policy read as an ECR Public repository policy is one"),
        }
    }

    /// The policy as one of `kind`, when it keeps the rules of that kind.
    ///
    /// # Errors
    /// [`InvalidPolicy`] with one error per broken rule, each located in [`text`](Self::text).
    pub fn policy_of_kind(&self, kind: PolicyKind) -> Result<AnyPolicy, InvalidPolicy> {
        self.parsed.clone().into_policy_of_kind(kind)
    }

    /// Reads the `policyText` that `operation` returned.
    fn read(
        operation: Operation,
        repository: &str,
        registry_id: Option<String>,
        text: String,
    ) -> Result<Self, Error> {
        match ParsedPolicy::parse(&text) {
            Ok(parsed) => Ok(DeployedPolicy {
                registry_id,
                text,
                parsed,
            }),
            Err(error) => Err(Error::UnreadablePolicy {
                operation,
                repository: repository.to_owned(),
                error: Box::new(error),
                text,
            }),
        }
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
    repository::fetch(client, repository).await
}

/// Whether the policy on a repository means what the policy in code means.
///
/// The comparison is [`equivalent`](crate::compare::equivalent): by the access granted and denied, not by
/// the text. So these are not drift: white space, key order, the order of statements, actions
/// and principals, a bare string versus a one-value list, the letter case of actions and
/// condition keys, a bare account id versus its `:root` ARN (all of which ECR may rewrite when it
/// stores a policy, ECR-FACTS 4), and statement ids (a `Sid` names a statement, it grants
/// nothing). A different `Version` is drift only when the policy uses policy variables such as
/// `${aws:username}`, which `2012-10-17` turns on and `2008-10-17` leaves as plain text; the
/// report then has a `~` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drift {
    /// The deployed policy grants and denies exactly what the code does.
    InSync,
    /// No policy is set (on the repository, or the registry).
    NotDeployed,
    /// The deployed policy differs: [`diff`](crate::compare::diff) from the code to the deployed policy,
    /// so its `added` access is what only the deployed policy grants or denies (`+` lines), and
    /// its `removed` access what only the code does (`-` lines).
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
    ///     .build()?.into_policy()?;
    /// // The same access written another way is not drift.
    /// let deployed = RepositoryPolicy::builder()
    ///     .statement(StatementBuilder::allow().bundle(Bundle::Pull).account(account.clone()).bundle(Bundle::Pull))
    ///     .build()?.into_policy()?;
    /// assert!(Drift::between(Some(deployed.document()), &code).is_in_sync());
    /// assert_eq!(Drift::between(None, &code), Drift::NotDeployed);
    ///
    /// let wider = RepositoryPolicy::builder()
    ///     .statement(StatementBuilder::allow().account(account).bundle(Bundle::Pull).bundle(Bundle::Push))
    ///     .build()?.into_policy()?;
    /// let drift = Drift::between(Some(wider.document()), &code);
    /// let Drift::Drifted(diff) = &drift else { panic!("{drift}") };
    /// assert!(diff.removed.is_empty());
    /// assert_eq!(diff.added[0].principal, "any principal in account 123456789012");
    /// assert!(diff.added[0].actions.contains(&"ecr:PutImage".to_owned()));
    /// assert!(drift.to_string().contains("\n  + Allow any principal in account 123456789012: "));
    /// // With a request that the deployed policy allows and the code refuses.
    /// assert!(diff.added[0].counterexample.as_ref().is_some_and(|c| c.is_certain()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn between(deployed: Option<&PolicyDocument>, code: &RepositoryPolicy) -> Self {
        Self::between_with(deployed, code, &DiffOptions::default())
    }

    /// [`between`](Self::between) for the policy of a known repository: the requests that
    /// prove each change are made on it ([`diff_with`](crate::compare::diff_with)).
    ///
    /// ```
    /// use ecr_policy::aws::Drift;
    /// use ecr_policy::compare::DiffOptions;
    /// use ecr_policy::RepositoryPolicy;
    ///
    /// let code = RepositoryPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":{"AWS":"210987654321"},"Action":"ecr:BatchGetImage"}]}"#)?;
    /// let deployed = ecr_policy::PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":"*","Action":"ecr:BatchGetImage"}]}"#)?;
    /// let on = DiffOptions::on("arn:aws:ecr:us-east-1:123456789012:repository/base".parse()?);
    /// let report = Drift::between_with(Some(&deployed), &code, &on).to_string();
    /// // Account 210987654321 may pull under both, so the words say "anyone": see `compare::diff_with`.
    /// assert!(report.contains("\n  + Allow anyone, anonymous callers included: ecr:BatchGetImage\n"), "{report}");
    /// assert!(report.contains(" on arn:aws:ecr:us-east-1:123456789012:repository/base"), "{report}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn between_with(
        deployed: Option<&PolicyDocument>,
        code: &RepositoryPolicy,
        options: &DiffOptions,
    ) -> Self {
        match deployed {
            None => Drift::NotDeployed,
            Some(deployed) if code.document().equivalent(deployed) => Drift::InSync,
            Some(deployed) => Drift::Drifted(crate::compare::diff_with(
                code.document(),
                deployed,
                options,
            )),
        }
    }

    /// [`between`](Self::between) for a policy of any kind, compared by the rules of its kind
    /// (so for an ECR Public repository policy `"Resource": "*"` is the same as no
    /// `Resource`). A deployed document that breaks the rules of the kind is compared as a
    /// plain document.
    ///
    /// ```
    /// use ecr_policy::aws::Drift;
    /// use ecr_policy::model::{AnyPolicy, PolicyKind};
    ///
    /// let code = AnyPolicy::from_json_as(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":{"AWS":"arn:aws:iam::111122223333:user/pusher"},"Action":"ecr-public:PutImage"}]}"#,
    ///   PolicyKind::PublicRepository)?;
    /// let deployed = ecr_policy::PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":{"AWS":"arn:aws:iam::111122223333:user/pusher"},"Action":"ecr-public:PutImage","Resource":"*"}]}"#)?;
    /// assert!(Drift::between_any(Some(&deployed), &code).is_in_sync());
    /// assert_eq!(Drift::between_any(None, &code), Drift::NotDeployed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn between_any(deployed: Option<&PolicyDocument>, code: &AnyPolicy) -> Self {
        let Some(deployed) = deployed else {
            return Drift::NotDeployed;
        };
        match AnyPolicy::from_document_as(deployed.clone(), code.kind()) {
            Ok(deployed) if code.equivalent(&deployed) => Drift::InSync,
            Ok(deployed) => Drift::Drifted(code.diff(&deployed)),
            Err(_) if code.document().equivalent(deployed) => Drift::InSync,
            Err(_) => Drift::Drifted(crate::compare::diff(code.document(), deployed)),
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
    /// code does, `~` for a `Version` change that turns policy variables on or off.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::InSync => f.write_str("in sync: the deployed policy means what the code means"),
            Drift::NotDeployed => {
                f.write_str("drift: no policy is set; apply the policy in code to set it")
            }
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

/// Compares the policy on `repository` with `code` by meaning ([`Drift::between_with`]):
/// when the repository's account (its registry id, or the one ECR answers) and the client's
/// Region are known, the words and the requests that prove each change name the repository.
///
/// # Errors
/// As [`fetch`].
pub async fn drift(
    client: &aws_sdk_ecr::Client,
    repository: &Repository,
    code: &RepositoryPolicy,
) -> Result<Drift, Error> {
    repository::drift(client, repository, code).await
}

#[cfg(test)]
mod tests {
    use super::Drift;
    use crate::RepositoryPolicy;

    /// A pull grant for the CI/CD user whose condition holds a policy variable.
    fn tagged(version: &str, sid: &str) -> RepositoryPolicy {
        let text = format!(
            r#"{{"Version":"{version}","Statement":[{{"Sid":"{sid}","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::123456789012:user/fcj-ecr-ci-cd-user"}},"Action":"ecr:BatchGetImage","Condition":{{"StringEquals":{{"aws:PrincipalTag/owner":"${{aws:username}}"}}}}}}]}}"#
        );
        RepositoryPolicy::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn a_sid_names_a_statement_and_is_not_drift() {
        let code = tagged("2012-10-17", "Pull");
        let deployed = tagged("2012-10-17", "SomethingElse");
        assert_eq!(
            Drift::between(Some(deployed.document()), &code),
            Drift::InSync
        );
    }

    #[test]
    fn a_version_change_is_drift_only_with_policy_variables() {
        let code = tagged("2012-10-17", "Pull");
        let deployed = tagged("2008-10-17", "Pull");
        let drift = Drift::between(Some(deployed.document()), &code);
        let Drift::Drifted(diff) = &drift else {
            panic!("a Version change turns ${{aws:username}} off: {drift:?}")
        };
        assert!(diff.version_changed && diff.added.is_empty() && diff.removed.is_empty());
        let report = drift.to_string();
        assert_eq!(report.lines().count(), 2, "{report}");
        assert!(
            report.lines().nth(1).is_some_and(|l| l.starts_with("  ~ ")),
            "{report}"
        );

        // Without a policy variable the Version changes nothing.
        let plain = |version: &str| {
            RepositoryPolicy::from_json(&format!(
                r#"{{"Version":"{version}","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"123456789012"}},"Action":"ecr:BatchGetImage"}}]}}"#
            ))
            .unwrap()
        };
        let code = plain("2012-10-17");
        assert!(Drift::between(Some(plain("2008-10-17").document()), &code).is_in_sync());
    }
}
