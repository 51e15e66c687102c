//! The lint: findings about a policy, in the four severities of IAM Access Analyzer
//! (ECR-FACTS section 7), each with a stable code, the JSON path, a message and a hint. The
//! rules on how a policy is written are those of the `policy!` macro
//! (`policy_catalogue::checks`); what a repository policy grants (public access, other
//! accounts' access by access level, the confused deputy, lock-outs, dead statements and
//! conditions) is decided by the exact analysis ([`exact_findings`]), and each such finding
//! carries a request the evaluator allows. Give the repository
//! ([`LintConfig::repository`]) to have grants to the accounts the policy names judged.

mod clock;
mod exact;
mod finding;
mod kinds;
mod length;
mod rules;

use crate::json::parse::ParsedPolicy;
use crate::model::arn::RepositoryArn;
use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::kinds::{
    AnyPolicy, IdentityPolicy, PublicRepositoryPolicy, RegistryPolicy, RegistryPolicyScope,
};
use crate::model::names::AccountId;
use crate::model::policy::RepositoryPolicy;

pub use exact::{exact_findings, exact_findings_by_search, ExactFinding};
pub use finding::{Finding, LintCode, Severity, StatementSelector};
pub use rules::{locks_out_policy_changes, locks_out_policy_changes_of};

/// Settings of the lint: the kind of policy to judge the document as (a repository policy
/// unless told), the registry policy scope, and codes to leave out, everywhere or in one
/// statement.
///
/// ```
/// use policy_core::PolicyDocument;
/// use policy_core::lint::{LintCode, LintConfig};
///
/// let doc = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [
///   {"Sid": "PublicPull", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}"#)?;
/// assert_eq!(doc.lint()[0].code, LintCode::PublicAccess);
/// let config = LintConfig::default().suppress_in(LintCode::PublicAccess, "PublicPull");
/// assert!(doc.lint_with(&config).is_empty());
/// # Ok::<(), policy_core::json::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintConfig {
    suppressed: Vec<(LintCode, Option<StatementSelector>)>,
    repository: Option<RepositoryArn>,
    kind: Option<PolicyKind>,
    scope: RegistryPolicyScope,
    account: Option<AccountId>,
    /// Requests are made at or after this instant (milliseconds since 1970).
    requests_from: Option<i64>,
}

impl LintConfig {
    /// The repository the policy is for: its account is the owner, so that grants to other
    /// accounts the policy names are judged (`external-*` codes) and lock-outs are found for
    /// that account.
    ///
    /// ```
    /// use policy_core::PolicyDocument;
    /// use policy_core::lint::{LintCode, LintConfig};
    ///
    /// let doc = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [
    ///   {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "ecr:PutImage"}]}"#)?;
    /// assert!(doc.lint().is_empty());
    /// let config = LintConfig::default()
    ///     .repository("arn:aws:ecr:us-east-1:111122223333:repository/app".parse()?);
    /// assert_eq!(doc.lint_with(&config)[0].code, LintCode::ExternalWrite);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn repository(mut self, repository: RepositoryArn) -> Self {
        self.repository = Some(repository);
        self
    }

    /// Judges the document as a policy of `kind` (by default, a repository policy).
    ///
    /// ```
    /// use policy_core::PolicyDocument;
    /// use policy_core::lint::LintConfig;
    /// use policy_core::model::PolicyKind;
    ///
    /// let doc = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Action":"ecr:GetAuthorizationToken","Resource":"*"}]}"#)?;
    /// assert!(!doc.lint().is_empty());
    /// assert!(doc.lint_with(&LintConfig::default().kind(PolicyKind::Identity)).is_empty());
    /// # Ok::<(), policy_core::json::ParseError>(())
    /// ```
    #[must_use]
    pub fn kind(mut self, kind: PolicyKind) -> Self {
        self.kind = Some(kind);
        self
    }

    /// The registry policy scope of the registry a registry policy is for (by default V2):
    /// under V1 the actions it refuses are errors rather than notes.
    #[must_use]
    pub fn registry_scope(mut self, scope: RegistryPolicyScope) -> Self {
        self.scope = scope;
        self
    }

    /// The account whose registry a registry policy is for: every repository its `Resource`
    /// names must be in it (`PutRegistryPolicy` always sets the caller's own registry,
    /// <https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryPolicy.html>).
    /// Grants to other accounts are judged against it (`external-*` codes); without it, a
    /// registry policy's owner is the account of the repositories a statement names, and an
    /// ECR Public repository policy, which names none, has grants to other accounts judged
    /// only with this account (or [`repository`](Self::repository)) given.
    ///
    /// ```
    /// use policy_core::AccountId;
    /// use policy_core::lint::LintConfig;
    /// use policy_core::model::RegistryPolicy;
    ///
    /// let policy = RegistryPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:ReplicateImage",
    ///   "Resource":"arn:aws:ecr:us-west-2:444455556666:repository/*"}]}"#)?;
    /// assert!(policy.lint().is_empty());
    /// let ours = LintConfig::default().registry_account(AccountId::new("111122223333")?);
    /// assert_eq!(policy.lint_with(&ours)[0].code.as_str(), "resource-outside-registry");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn registry_account(mut self, account: AccountId) -> Self {
        self.account = Some(account);
        self
    }

    /// Judges a repository policy for requests made at or after `instant`: a test of
    /// `aws:CurrentTime` or `aws:EpochTime` whose answer no longer changes from then on is
    /// settled. It gets a `settled-date-condition` finding, and what the policy grants is
    /// analysed with it settled: a `Deny` on `DateGreaterThan aws:CurrentTime` with a past
    /// date then denies every request it covers (a lock-out when it covers
    /// `ecr:SetRepositoryPolicy` and `ecr:DeleteRepositoryPolicy`), and an `Allow` on
    /// `DateLessThan` a past date is dead. Without it (the default) every instant is
    /// possible, and the findings never depend on when the lint runs; pass
    /// `SystemTime::now()` to judge the policy from now on.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use policy_core::PolicyDocument;
    /// use policy_core::lint::{LintCode, LintConfig};
    ///
    /// let doc = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":"ecr:BatchGetImage",
    ///   "Condition":{"DateLessThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}}]}"#)?;
    /// assert!(doc.lint().is_empty());
    /// // 2026-01-01T00:00:00Z
    /// let later = LintConfig::default().requests_from(UNIX_EPOCH + Duration::from_secs(1_767_225_600));
    /// let found = doc.lint_with(&later);
    /// assert_eq!(found[0].code, LintCode::SettledDateCondition);
    /// assert!(found[0].message.contains("from 2026-01-01T00:00:00Z on"), "{}", found[0].message);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn requests_from(mut self, instant: std::time::SystemTime) -> Self {
        let millis = match instant.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |m| -m),
        };
        self.requests_from = Some(millis);
        self
    }

    /// The kind the document is judged as.
    #[must_use]
    pub fn judged_kind(&self) -> PolicyKind {
        self.kind.unwrap_or(PolicyKind::Repository)
    }

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
            .push((code, Some(StatementSelector::Sid(sid.into()))));
        self
    }

    /// Leaves out findings with `code` in statement `index` (from 0).
    #[must_use]
    pub fn suppress_in_statement(mut self, code: LintCode, index: usize) -> Self {
        self.suppressed
            .push((code, Some(StatementSelector::Index(index))));
        self
    }

    fn keeps(&self, doc: &PolicyDocument, f: &Finding) -> bool {
        !self.suppressed.iter().any(|(code, at)| {
            *code == f.code
                && match at {
                    None => true,
                    Some(StatementSelector::Index(i)) => f.statement == Some(*i),
                    Some(StatementSelector::Sid(sid)) => f.statement.is_some_and(|i| {
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
    let rules::Checked {
        mut findings,
        resolved,
    } = rules::check(
        doc,
        config.judged_kind(),
        config.scope,
        config.account.as_ref(),
    );
    // What a policy grants is analysed for repository policies; for registry and ECR Public
    // policies, access from other accounts is asked of their evaluators.
    match config.judged_kind() {
        PolicyKind::Repository => {
            let settled = config
                .requests_from
                .and_then(|from| clock::settle(doc, from, &crate::eval::format_date(from)));
            match settled {
                None => exact::exact_findings_into(
                    doc,
                    config.repository.as_ref(),
                    Some(&resolved),
                    |_| true,
                    &mut findings,
                ),
                Some(settled) => {
                    findings.extend(settled.findings);
                    // A statement the clock made dead is said so by its own finding.
                    exact::exact_findings_into(
                        &settled.document,
                        config.repository.as_ref(),
                        None,
                        |f| {
                            !(matches!(f.code, LintCode::DeadStatement | LintCode::DeadCondition)
                                && f.statement.is_some_and(|i| settled.never.contains(&i)))
                        },
                        &mut findings,
                    );
                }
            }
        }
        kind @ (PolicyKind::Registry | PolicyKind::PublicRepository) => {
            let owner = config
                .account
                .as_ref()
                .or(config.repository.as_ref().map(RepositoryArn::account));
            findings.extend(kinds::external_findings(doc, kind, config.scope, owner));
        }
        PolicyKind::Identity => {}
    }
    if !config.suppressed.is_empty() {
        findings.retain(|f| config.keeps(doc, f));
    }
    if let Some(p) = parsed {
        for f in &mut findings {
            f.location = p.shape.locate(&f.path);
        }
    }
    findings
}

impl PolicyDocument {
    /// Lints the document as a repository policy, with every rule on (use
    /// [`lint_as`](Self::lint_as), or [`LintConfig::kind`], for another kind).
    #[must_use]
    pub fn lint(&self) -> Vec<Finding> {
        run(self, &LintConfig::default(), None)
    }

    /// Lints the document with `config`.
    #[must_use]
    pub fn lint_with(&self, config: &LintConfig) -> Vec<Finding> {
        run(self, config, None)
    }

    /// Lints the document as a policy of `kind`, with every rule on.
    #[must_use]
    pub fn lint_as(&self, kind: PolicyKind) -> Vec<Finding> {
        run(self, &LintConfig::default().kind(kind), None)
    }
}

/// `lint` and `lint_with` for a policy kind: the document judged as that kind, whatever
/// kind the configuration names.
macro_rules! kind_lint {
    ($ty:ty, $kind:expr) => {
        impl $ty {
            /// Lints the policy by the rules of its kind, with every rule on.
            #[must_use]
            pub fn lint(&self) -> Vec<Finding> {
                self.lint_with(&LintConfig::default())
            }

            /// Lints the policy by the rules of its kind with `config`.
            #[must_use]
            pub fn lint_with(&self, config: &LintConfig) -> Vec<Finding> {
                let mut config = config.clone();
                config.kind = Some($kind);
                run(self.document(), &config, None)
            }
        }
    };
}

kind_lint!(RegistryPolicy, PolicyKind::Registry);
kind_lint!(PublicRepositoryPolicy, PolicyKind::PublicRepository);
kind_lint!(IdentityPolicy, PolicyKind::Identity);

impl AnyPolicy {
    /// Lints the policy by the rules of its kind, with every rule on.
    ///
    /// ```
    /// use policy_core::model::AnyPolicy;
    /// let policy = AnyPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    ///   "Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage"],
    ///   "Resource":"arn:aws:ecr:us-east-1:123456789012:repository/app"}]}"#)?;
    /// let codes: Vec<&str> = policy.lint().iter().map(|f| f.code.as_str()).collect();
    /// assert_eq!(codes, ["action-needs-wildcard-resource"]);
    /// # Ok::<(), policy_core::json::InvalidPolicy>(())
    /// ```
    #[must_use]
    pub fn lint(&self) -> Vec<Finding> {
        self.lint_with(&LintConfig::default())
    }

    /// Lints the policy by the rules of its kind with `config`.
    #[must_use]
    pub fn lint_with(&self, config: &LintConfig) -> Vec<Finding> {
        let mut config = config.clone();
        config.kind = Some(self.kind());
        run(self.document(), &config, None)
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
    ///     .build()?.into_policy()?;
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
        let mut config = config.clone();
        config.kind = Some(PolicyKind::Repository);
        run(self.document(), &config, None)
    }

    /// Whether ECR would refuse this policy without `force`, because no identity of the
    /// owning account could call `ecr:SetRepositoryPolicy` any more (see
    /// [`locks_out_policy_changes`]).
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
