//! Assertions for tests of policies by what they grant, not by how their JSON looks.
//!
//! - [`assert_allows`] / [`assert_denies`]: one request, decided by an [`Evaluator`].
//! - [`check_access_not_granted`]: the repository policy never grants these actions to
//!   anyone outside these principals (an offline analogue of IAM Access Analyzer's
//!   `CheckAccessNotGranted`).
//! - [`check_no_new_access`]: a new repository policy grants nothing the old one did not (an
//!   analogue of `CheckNoNewAccess`).
//!
//! # How exact the policy checks are
//!
//! The two policy checks reason about every possible caller and request, not one request:
//! they ask the access analysis ([`access`](crate::access)), which divides callers into classes
//! the policies cannot tell apart (each user, role, session and service the policies name, in
//! principals and in `aws:PrincipalArn` / `aws:PrincipalAccount` conditions; the root user, an
//! unnamed user and an unnamed role session of each account named and of an account no policy
//! names; an unnamed service; the anonymous caller) and decides the conditions exactly (string
//! and ARN patterns against each key's values, IP ranges, numbers, dates, `Null`,
//! `...IfExists`, `ForAllValues:` / `ForAnyValue:`, keys AWS leaves out for some callers).
//!
//! Every finding carries a [`Counterexample`]: a request that the evaluator allows (and, for
//! [`check_no_new_access`], that the old policy refuses). A finding is [`Certainty::Certain`]
//! exactly when the evaluator confirms it. It is `Possible` when the request needs something
//! the analysis does not model (tags, policy variables, keys the catalogue does not know, a
//! `Resource` other than `*`) or is anonymous, which the evaluator has no request for: such a
//! grant may be ruled out in practice. The checks never miss a grant the analysis models.
//! Actions outside the catalogue (newer ECR actions) and federated principals are not checked.
//!
//! [`check_no_new_access`] falls back to comparing conditions by their text when the two
//! policies name more than [`MAX_OWNERS`](crate::compare::MAX_OWNERS) accounts: a new condition
//! that is not literally the same as, or a narrowing of, an old one then counts as possibly new
//! access.

use std::collections::BTreeSet;
use std::fmt;

use policy_catalogue::{Action, Operator};

use crate::analysis::access::{allow_all, AccessAnalysis, AnalysisOptions};
use crate::analysis::changes::{compare, Counterexample, Setting, Want};
use crate::eval::condition_internals::PreparedCondition;
use crate::eval::{
    principal_matches, Caller, ContextSource, Evaluator, Lookup, Outcome, PreparedPolicy,
    PreparedStatement, PrincipalMatch, Reason, Request, RequestAction, StatementRef, Tri,
};
use crate::model::arn::RepositoryArn;
use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::list::{ListForm, ValueList};
use crate::model::names::{AccountId, Partition, RoleName, ServiceName, SessionName, UserName};
use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::statement::{PrincipalElement, Statement};
use crate::model::version::{Effect, Version};

/// Panics unless the evaluator allows the request; the message shows the request and the
/// explanation.
///
/// # Panics
/// When the request is denied, explicitly or implicitly.
///
/// ```
/// use policy_core::assert::assert_allows;
/// use policy_core::eval::{Caller, Evaluator, Request};
/// use policy_core::{Action, RepositoryPolicy, ServiceName, StatementBuilder};
/// use policy_core::model::Principal;
///
/// let lambda = ServiceName::new("lambda.amazonaws.com")?;
/// let policy = RepositoryPolicy::builder()
///     .statement(StatementBuilder::allow().service(lambda.clone()).action(Action::BatchGetImage))
///     .build()?.into_policy()?;
/// let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app".parse()?;
/// assert_allows(&Evaluator::new(&policy), &Request::new(Caller::service(lambda), Action::BatchGetImage, repo));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[track_caller]
pub fn assert_allows(evaluator: &Evaluator, request: &Request) {
    let decision = evaluator.explain(request);
    assert!(
        decision.outcome == Outcome::Allowed,
        "expected the request to be allowed, but it is {}\n  request: {request}\n  {decision}",
        decision.outcome
    );
}

/// Panics unless the evaluator denies the request (explicitly or implicitly); the message
/// shows the request and the statements that allowed it.
///
/// # Panics
/// When the request is allowed.
///
/// ```
/// use policy_core::assert::assert_denies;
/// use policy_core::eval::{Caller, Evaluator, Request};
/// use policy_core::{AccountId, Action, Bundle, RepositoryPolicy, StatementBuilder, UserName};
///
/// let policy = RepositoryPolicy::builder()
///     .account(AccountId::new("123456789012")?)
///     .statement(StatementBuilder::allow().user(UserName::new("ci")?).bundle(Bundle::Pull))
///     .build()?;
/// let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app".parse()?;
/// let ci = Caller::user(AccountId::new("123456789012")?, UserName::new("ci")?);
/// assert_denies(&Evaluator::new(&policy), &Request::new(ci, Action::DeleteRepository, repo));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[track_caller]
pub fn assert_denies(evaluator: &Evaluator, request: &Request) {
    let decision = evaluator.explain(request);
    assert!(
        decision.outcome != Outcome::Allowed,
        "expected the request to be denied, but it is allowed\n  request: {request}\n  {decision}"
    );
}

/// How sure a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Certainty {
    /// The evaluator allows the finding's request ([`AccessFinding::counterexample`]): the
    /// grant is real.
    Certain,
    /// The analysis could not rule the grant out, but its request rests on something it does
    /// not model (see the [module docs](self)).
    Possible,
}

/// One grant a policy check objects to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AccessFinding {
    /// The caller (a representative of its class, see the [module docs](self)).
    pub caller: String,
    /// What the caller stands for, e.g. "a user the policies do not name, in account 111122223333".
    pub stands_for: String,
    /// The action granted.
    pub action: Action,
    /// The statement that grants it.
    pub statement: StatementRef,
    /// Whether the grant is certain.
    pub certainty: Certainty,
    /// What is wrong, in words.
    pub detail: String,
    /// A request that proves the grant: allowed by the (new) policy, and for
    /// [`check_no_new_access`] refused by the old one.
    pub counterexample: Option<Counterexample>,
}

impl fmt::Display for AccessFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self.certainty {
            Certainty::Certain => "grants",
            Certainty::Possible => "may grant (not confirmed by the evaluator)",
        };
        write!(
            f,
            "{} {how} {} to {} ({}): {}",
            self.statement, self.action, self.caller, self.stands_for, self.detail
        )?;
        if let Some(proof) = &self.counterexample {
            write!(f, "; for example {proof}")?;
        }
        Ok(())
    }
}

/// The findings of a failed policy check.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AccessReport {
    /// Which check, e.g. `"access not granted"`.
    pub check: &'static str,
    /// The findings, certain ones first.
    pub findings: Vec<AccessFinding>,
}

/// At most this many findings are shown in a message.
const SHOWN: usize = 20;

impl fmt::Display for AccessReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "check \"{}\" failed: {} finding(s)",
            self.check,
            self.findings.len()
        )?;
        for finding in self.findings.iter().take(SHOWN) {
            write!(f, "\n  - {finding}")?;
        }
        if self.findings.len() > SHOWN {
            write!(f, "\n  ... and {} more", self.findings.len() - SHOWN)?;
        }
        Ok(())
    }
}

impl std::error::Error for AccessReport {}

/// Checks that the repository policy grants none of `actions` to anyone outside
/// `principals`. A principal covers itself; an account (`Principal::account`) covers every
/// user, role and session in it; `Principal::Anyone` covers everyone.
///
/// A grant is what the repository policy allows after its denies, in some request context.
/// For another account's callers that grant still needs their identity policy, which this
/// repository's owner does not control, so it counts (as it does for Access Analyzer). The
/// repository's own account is not known here: callers are judged as callers of accounts other
/// than the repository's. See the [module docs](self) for how exact the check is.
///
/// ```
/// use policy_core::assert::check_access_not_granted;
/// use policy_core::{AccountId, Action, OrgId, RepositoryPolicy, StatementBuilder};
/// use policy_core::model::Principal;
///
/// let team = AccountId::new("123456789012")?;
/// let policy = RepositoryPolicy::builder()
///     .statement(StatementBuilder::allow().account(team.clone()).action(Action::PutImage))
///     .statement(StatementBuilder::allow().org(OrgId::new("o-a1b2c3d4e5")?).action(Action::BatchGetImage))
///     .build()?.into_policy()?;
/// // Only the team's account can push...
/// assert!(check_access_not_granted(&policy, &[Action::PutImage], &[Principal::account(team.clone())]).is_ok());
/// // ...but any member of the organization can pull, as this request shows.
/// let report = check_access_not_granted(&policy, &[Action::BatchGetImage], &[Principal::account(team)]).unwrap_err();
/// let text = report.to_string();
/// assert!(text.contains("grants ecr:BatchGetImage to arn:aws:iam::999999999998:root"), "{text}");
/// assert!(text.contains(r#"with aws:PrincipalOrgID = "o-a1b2c3d4e5""#), "{text}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// An [`AccessReport`] listing, for every class of caller outside `principals` and each of the
/// actions granted to it, a request the policy allows.
pub fn check_access_not_granted(
    repository_policy: impl AsRef<PolicyDocument>,
    actions: &[Action],
    principals: &[Principal],
) -> Result<(), AccessReport> {
    let document = repository_policy.as_ref();
    // The principals split the caller classes too, so that each class is inside or outside.
    let mut named = Statement::new(Effect::Allow);
    named.principal = Some(PrincipalElement {
        negated: false,
        principals: ValueList::new(principals.to_vec(), ListForm::Array),
        empty_keys: Vec::new(),
    });
    let mut others = PolicyDocument::new(Version::V2012_10_17);
    others.statements.push(named);
    let analysis = AccessAnalysis::with_names_of(document, &AnalysisOptions::default(), &[&others]);
    let policy = PreparedPolicy::new(PolicyKind::Repository, document);
    let mut findings = Vec::new();
    for class in analysis.classes() {
        if class.account().is_some_and(|a| a.owner) {
            continue;
        }
        for &action in actions {
            let Some(grant) = analysis.decide(class, action) else {
                continue;
            };
            let caller = grant.request.as_ref().map(|r| r.caller().clone());
            let covered = match &caller {
                Some(c) => principals
                    .iter()
                    .any(|p| principal_matches(p, c) != PrincipalMatch::No),
                None => principals.iter().any(|p| {
                    matches!(
                        p,
                        Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone)
                    )
                }),
            };
            if covered {
                continue;
            }
            let Some(stmt) = grant
                .statements
                .first()
                .and_then(|&i| policy.statements.get(i))
            else {
                continue;
            };
            let by_account = caller.as_ref().is_some_and(|c| {
                stmt.principal_match(PolicyKind::Repository, c) == PrincipalMatch::Account
            });
            let proof = Counterexample::of(&analysis, class, action, &grant, true);
            findings.push(AccessFinding {
                caller: caller.map_or_else(|| "an anonymous caller".to_owned(), |c| c.arn()),
                stands_for: class.describe(),
                action,
                statement: StatementRef::of(PolicyKind::Repository, stmt),
                certainty: certainty(&proof),
                detail: if by_account {
                    "granted to the caller's whole account, which is outside the allowed principals"
                        .to_owned()
                } else {
                    "the caller is outside the allowed principals".to_owned()
                },
                counterexample: Some(proof),
            });
        }
    }
    report("access not granted", findings)
}

fn certainty(proof: &Counterexample) -> Certainty {
    if proof.is_certain() {
        Certainty::Certain
    } else {
        Certainty::Possible
    }
}

/// Panics unless [`check_access_not_granted`] passes; the message lists the callers and
/// actions that break it.
///
/// # Panics
/// When the policy may grant one of the actions to a caller outside the allowed principals.
#[track_caller]
pub fn assert_access_not_granted(
    repository_policy: impl AsRef<PolicyDocument>,
    actions: &[Action],
    principals: &[Principal],
) {
    if let Err(report) = check_access_not_granted(repository_policy, actions, principals) {
        panic!("{report}");
    }
}

/// Checks that the `new` repository policy grants nothing the `old` one did not: no request
/// that the new policy allows and the old one refuses, on any repository and whatever the
/// callers' identity policies (a removed deny, a wider principal or action, a weaker
/// condition, a grant by name where the old policy only trusted the caller's account). See the
/// [module docs](self) for how exact the check is.
///
/// ```
/// use policy_core::assert::check_no_new_access;
/// use policy_core::{AccountId, Action, Bundle, RepositoryPolicy, StatementBuilder};
///
/// let partner = AccountId::new("210987654321")?;
/// let old = RepositoryPolicy::builder()
///     .statement(StatementBuilder::allow().account(partner.clone()).bundle(Bundle::Pull))
///     .build()?.into_policy()?;
/// let narrower = RepositoryPolicy::builder()
///     .statement(StatementBuilder::allow().account(partner.clone()).action(Action::BatchGetImage))
///     .build()?.into_policy()?;
/// assert!(check_no_new_access(&old, &narrower).is_ok());
/// let wider = RepositoryPolicy::builder()
///     .statement(StatementBuilder::allow().account(partner).bundle(Bundle::Push))
///     .build()?.into_policy()?;
/// let report = check_no_new_access(&old, &wider).unwrap_err();
/// assert!(report.to_string().contains("grants ecr:PutImage"));
/// // Each finding shows a request the new policy allows and the old one refuses.
/// let proof = report.findings[0].counterexample.as_ref().unwrap();
/// assert_eq!(proof.outcome(wider.document()), Some(policy_core::eval::Outcome::Allowed));
/// assert_ne!(proof.outcome(old.document()), Some(policy_core::eval::Outcome::Allowed));
///
/// // The same access in other words is no new access.
/// let reworded = RepositoryPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
///   "Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"ecr:*",
///   "Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}}]}"#)?;
/// assert!(check_no_new_access(&old, &reworded).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// An [`AccessReport`] listing every caller class and action the new policy grants beyond
/// the old one.
pub fn check_no_new_access(
    old: impl AsRef<PolicyDocument>,
    new: impl AsRef<PolicyDocument>,
) -> Result<(), AccessReport> {
    let (old_doc, new_doc) = (old.as_ref(), new.as_ref());
    let Some(changes) = compare(old_doc, new_doc, Want::Added, &Setting::default()) else {
        return no_new_access_by_text(old_doc, new_doc);
    };
    let new_policy = PreparedPolicy::new(PolicyKind::Repository, new_doc);
    let old_policy = PreparedPolicy::new(PolicyKind::Repository, old_doc);
    let mut findings = Vec::new();
    for change in changes.added {
        for &action in &change.access.actions {
            let proof = if action == change.proof.action {
                change.proof.clone()
            } else {
                change.proof.for_action(action, new_doc, old_doc)
            };
            let request = proof.request();
            let old_decision = request.as_ref().map(|r| {
                let e = Evaluator::new(old_doc);
                if proof.with_identity_policy {
                    e.with_identity_policy(allow_all()).explain(r)
                } else {
                    e.explain(r)
                }
            });
            let old_deny = old_decision
                .as_ref()
                .filter(|d| d.outcome == Outcome::ExplicitlyDenied)
                .and_then(|d| d.deciding.first().cloned());
            let statement = change
                .access
                .grant
                .statements
                .first()
                .and_then(|&i| new_policy.statements.get(i))
                .map(|s| StatementRef::of(PolicyKind::Repository, s))
                .or_else(|| old_deny.clone())
                .or_else(|| {
                    new_policy
                        .statements
                        .first()
                        .or(old_policy.statements.first())
                        .map(|s| StatementRef::of(PolicyKind::Repository, s))
                });
            let Some(statement) = statement else { continue };
            let unneeded = if change.access.grant.statements.is_empty() {
                "no allow is needed for this caller; "
            } else {
                ""
            };
            let detail = match (&old_deny, old_decision.as_ref().map(|d| d.reason)) {
                (Some(d), _) => {
                    format!("{unneeded}the old policy denied it with {d}, which the new policy does not keep")
                }
                (None, Some(Reason::AccountGrantNeedsIdentityAllow)) => "the old policy only trusted the caller's account (its identity policies had to allow too); the new one names the caller".to_owned(),
                (None, Some(_)) => "the old policy does not grant this request".to_owned(),
                (None, None) => "the old policy may not grant it (the evaluator has no request for this caller)".to_owned(),
            };
            findings.push(AccessFinding {
                caller: request
                    .map_or_else(|| "an anonymous caller".to_owned(), |r| r.caller().arn()),
                stands_for: proof.stands_for.clone(),
                action,
                statement,
                certainty: certainty(&proof),
                detail,
                counterexample: Some(proof),
            });
        }
    }
    report("no new access", findings)
}

/// [`check_no_new_access`] by conditions compared as text, for policies naming too many
/// accounts to try each as the owner.
fn no_new_access_by_text(
    old_doc: &PolicyDocument,
    new_doc: &PolicyDocument,
) -> Result<(), AccessReport> {
    let old_policy = PreparedPolicy::new(PolicyKind::Repository, old_doc);
    let new_policy = PreparedPolicy::new(PolicyKind::Repository, new_doc);
    let mut findings = Vec::new();
    for probe in &probes(&[old_doc, new_doc], &[]) {
        for action in Action::ALL.into_iter().filter(|a| a.is_repository_action()) {
            let new_grant = Grant::of(&new_policy, probe, action);
            if new_grant.certain_deny() || new_grant.allows.is_empty() {
                continue;
            }
            let old_grant = Grant::of(&old_policy, probe, action);
            // Every deny the old policy had must have a new deny at least as wide.
            let lost_deny = old_grant
                .denies
                .iter()
                .find(|(_, d)| !new_grant.denies.iter().any(|(_, e)| weaker_or_equal(e, d)));
            for (stmt, kind, conds) in &new_grant.allows {
                let covered = old_grant
                    .allows
                    .iter()
                    .any(|(_, k, o)| k >= kind && weaker_or_equal(o, conds));
                if covered && lost_deny.is_none() {
                    continue;
                }
                let all_definite = conds.is_empty()
                    && old_grant.allows.iter().all(|(_, _, o)| o.is_empty())
                    && old_grant.denies.iter().all(|(_, d)| d.is_empty())
                    && new_grant.denies.is_empty();
                // Covered and no lost deny was skipped above: a covered grant has a lost deny.
                let detail = match lost_deny {
                    Some((d, _)) if covered => format!(
                        "the old policy denied it with {}, which the new policy does not keep",
                        StatementRef::of(PolicyKind::Repository, d)
                    ),
                    _ if old_grant.allows.is_empty() => "the old policy does not grant it".to_owned(),
                    _ if old_grant.allows.iter().any(|(_, k, _)| k >= kind) => {
                        "the old policy grants it only under narrower conditions".to_owned()
                    }
                    _ => "the old policy only trusted the caller's account (its identity policies had to allow too); the new one names the caller".to_owned(),
                };
                findings.push(AccessFinding {
                    caller: probe.caller.arn(),
                    stands_for: probe.stands_for.clone(),
                    action,
                    statement: StatementRef::of(PolicyKind::Repository, stmt),
                    certainty: if all_definite {
                        Certainty::Certain
                    } else {
                        Certainty::Possible
                    },
                    detail,
                    counterexample: None,
                });
                break;
            }
        }
    }
    report("no new access", findings)
}

/// Panics unless [`check_no_new_access`] passes; the message lists the callers and actions
/// the new policy newly grants.
///
/// # Panics
/// When the new policy may grant access the old one did not.
#[track_caller]
pub fn assert_no_new_access(old: impl AsRef<PolicyDocument>, new: impl AsRef<PolicyDocument>) {
    if let Err(report) = check_no_new_access(old, new) {
        panic!("{report}");
    }
}

fn report(check: &'static str, mut findings: Vec<AccessFinding>) -> Result<(), AccessReport> {
    if findings.is_empty() {
        return Ok(());
    }
    crate::model::order::sort_by_key(&mut findings, |f| f.certainty);
    Err(AccessReport { check, findings })
}

/// A representative caller, and what the policies can know about it.
struct Probe {
    caller: Caller,
    request: Request,
    stands_for: String,
    /// `aws:PrincipalArn`, `aws:username`, `aws:PrincipalServiceName` equal no policy literal.
    opaque_name: bool,
    /// `aws:PrincipalAccount` equals no policy literal.
    opaque_account: bool,
}

impl ContextSource for Probe {
    fn lookup(&self, key: &str) -> Lookup<'_> {
        let is = |k: &str| key.eq_ignore_ascii_case(k);
        let known = |k: &str| match self.request.lookup(k) {
            Some(v) => Lookup::Values(v),
            None => Lookup::Absent,
        };
        if is("aws:PrincipalArn") || is("aws:username") || is("aws:PrincipalServiceName") {
            if self.opaque_name && self.request.lookup(key).is_some() {
                Lookup::Opaque
            } else {
                known(key)
            }
        } else if is("aws:PrincipalAccount") {
            if self.opaque_account && self.request.lookup(key).is_some() {
                Lookup::Opaque
            } else {
                known(key)
            }
        } else if is("aws:PrincipalType") || is("aws:PrincipalIsAWSService") {
            known(key)
        } else {
            Lookup::Unknown
        }
    }
}

/// The callers to try: see the module docs.
fn probes(documents: &[&PolicyDocument], extra: &[Principal]) -> Vec<Probe> {
    let mut named: Vec<Caller> = Vec::new();
    let mut accounts: BTreeSet<(Partition, AccountId)> = BTreeSet::new();
    let mut services: BTreeSet<String> = BTreeSet::new();
    let mut add = |p: &Principal, named: &mut Vec<Caller>| match p {
        Principal::Aws(a) => {
            if let (Some(account), Some(partition)) = (a.account(), partition_of(a)) {
                accounts.insert((partition, account.clone()));
            }
            let caller = match a {
                AwsPrincipal::User { .. }
                | AwsPrincipal::Role { .. }
                | AwsPrincipal::AssumedRole { .. } => Caller::from_arn(&a.to_string()).ok(),
                _ => None,
            };
            if let Some(c) = caller {
                if let Caller::AssumedRole { role, .. } = &c {
                    // A session of a named role the policies do not name.
                    if matches!(a, AwsPrincipal::Role { .. }) {
                        let mut other = c.clone();
                        if let Caller::AssumedRole { session, .. } = &mut other {
                            *session = SessionName::__checked("unnamed-session");
                        }
                        let _ = role;
                        named.push(other);
                        return;
                    }
                }
                named.push(c);
            }
        }
        Principal::Service(s) => {
            services.insert(s.as_str().to_ascii_lowercase());
        }
        _ => {}
    };
    for p in extra {
        add(p, &mut named);
    }
    for document in documents {
        for s in document.statements.iter() {
            if let Some(element) = &s.principal {
                for p in element.principals.iter() {
                    add(p, &mut named);
                }
            }
            for c in s.condition.tests() {
                let key = c.key.as_str();
                for v in c.values.iter() {
                    let text = v.as_text();
                    if text.contains(['*', '?']) {
                        continue;
                    }
                    if key.eq_ignore_ascii_case("aws:PrincipalArn") {
                        if let Ok(a) = AwsPrincipal::from_arn(&text) {
                            add(&Principal::Aws(a), &mut named);
                        }
                    } else if key.eq_ignore_ascii_case("aws:PrincipalAccount") {
                        if let Ok(account) = AccountId::new(text.as_ref()) {
                            add(&Principal::account(account), &mut named);
                        }
                    } else if key.eq_ignore_ascii_case("aws:PrincipalServiceName") {
                        if let Ok(service) = ServiceName::new(text.as_ref()) {
                            add(&Principal::Service(service), &mut named);
                        }
                    }
                }
            }
        }
    }
    let fresh = fresh_account(&accounts);
    let mut out = Vec::new();
    let mut push = |caller: Caller, stands_for: String, opaque_name: bool, opaque_account: bool| {
        let account = caller.account().cloned().unwrap_or_else(|| fresh.clone());
        let repository = RepositoryArn::new(
            crate::model::names::Region::__checked("us-east-1"),
            account,
            crate::model::names::RepositoryName::__checked("unnamed-repository"),
        );
        let request = Request::new(caller.clone(), Action::BatchGetImage, repository);
        out.push(Probe {
            caller,
            request,
            stands_for,
            opaque_name,
            opaque_account,
        });
    };
    let mut seen = BTreeSet::new();
    for c in named {
        if seen.insert(c.arn()) {
            let what = match &c {
                Caller::AssumedRole { session, .. } if session.as_str() == "unnamed-session" => {
                    "any session of a role the policies name"
                }
                _ => "a principal the policies name",
            };
            push(c, what.to_owned(), false, false);
        }
    }
    let mut all_accounts: Vec<(Partition, AccountId, bool)> =
        accounts.into_iter().map(|(p, a)| (p, a, false)).collect();
    all_accounts.push((Partition::Aws, fresh.clone(), true));
    for (partition, account, is_fresh) in all_accounts {
        let place = if is_fresh {
            "in an account the policies do not name".to_owned()
        } else {
            format!("in account {account}")
        };
        push(
            Caller::Root {
                partition,
                account: account.clone(),
            },
            format!("the root user {place}"),
            false,
            is_fresh,
        );
        push(
            Caller::User {
                partition,
                account: account.clone(),
                path: crate::model::names::IamPath::root(),
                name: UserName::__checked("unnamed-user"),
            },
            format!("any user the policies do not name, {place}"),
            true,
            is_fresh,
        );
        push(
            Caller::AssumedRole {
                partition,
                account,
                role_path: crate::model::names::IamPath::root(),
                role: RoleName::__checked("unnamed-role"),
                session: SessionName::__checked("unnamed-session"),
                federated_provider: None,
            },
            format!("any session of a role the policies do not name, {place}"),
            true,
            is_fresh,
        );
    }
    for s in services {
        push(
            Caller::Service(
                ServiceName::new(s)
                    .unwrap_or_else(|_| ServiceName::__checked("unnamed.amazonaws.com")),
            ),
            "a service principal the policies name".to_owned(),
            false,
            false,
        );
    }
    push(
        Caller::Service(ServiceName::__checked("unnamed.amazonaws.com")),
        "any service principal the policies do not name".to_owned(),
        true,
        false,
    );
    out
}

fn partition_of(a: &AwsPrincipal) -> Option<Partition> {
    match a {
        AwsPrincipal::Account { partition, .. }
        | AwsPrincipal::User { partition, .. }
        | AwsPrincipal::Role { partition, .. }
        | AwsPrincipal::AssumedRole { partition, .. } => Some(*partition),
        _ => None,
    }
}

/// A 12-digit account id no policy names.
fn fresh_account(named: &BTreeSet<(Partition, AccountId)>) -> AccountId {
    let mut n: u64 = 999_999_999_999;
    loop {
        let candidate = AccountId::new(format!("{n:012}"))
            .unwrap_or_else(|_| AccountId::__checked("999999999999"));
        if !named.iter().any(|(_, a)| *a == candidate) {
            return candidate;
        }
        n -= 1;
    }
}

type Conds<'a> = Vec<PreparedCondition<'a>>;

/// What a policy does for one caller class and action: the statements that may apply, each
/// with the conditions that could not be decided.
struct Grant<'a> {
    allows: Vec<(&'a PreparedStatement<'a>, PrincipalMatch, Conds<'a>)>,
    denies: Vec<(&'a PreparedStatement<'a>, Conds<'a>)>,
}

impl<'a> Grant<'a> {
    fn of(policy: &'a PreparedPolicy<'a>, probe: &Probe, action: Action) -> Self {
        let mut grant = Grant {
            allows: Vec::new(),
            denies: Vec::new(),
        };
        let request_action = RequestAction::Ecr(action);
        for s in &policy.statements {
            if !s.covers_action(&request_action) {
                continue;
            }
            let m = s.principal_match(PolicyKind::Repository, &probe.caller);
            if m == PrincipalMatch::No {
                continue;
            }
            // A Resource in a repository policy other than "*" cannot be decided here.
            let resource_known = match s.resources() {
                None => true,
                Some((negated, patterns)) => {
                    !negated
                        && patterns
                            .iter()
                            .any(|p| !p.is_empty() && p.bytes().all(|b| b == b'*'))
                }
            };
            let mut undecided = Vec::new();
            let mut applies = true;
            for c in s.conditions() {
                match c.evaluate(probe) {
                    Tri::False => {
                        applies = false;
                        break;
                    }
                    Tri::Unknown => undecided.push(c),
                    Tri::True => {}
                }
            }
            if !applies {
                continue;
            }
            match s.effect {
                Effect::Allow => grant.allows.push((s, m, undecided)),
                // An undecidable Resource makes a deny uncertain; keep it with no condition
                // only when it is known to cover the repository.
                Effect::Deny if resource_known => grant.denies.push((s, undecided)),
                Effect::Deny => {}
            }
        }
        grant
    }

    fn certain_deny(&self) -> bool {
        self.denies.iter().any(|(_, c)| c.is_empty())
    }
}

/// Whether condition set `weaker` holds whenever `stronger` does, judged by their text: every
/// test of `weaker` is implied by a test of `stronger`.
fn weaker_or_equal(weaker: &[PreparedCondition<'_>], stronger: &[PreparedCondition<'_>]) -> bool {
    weaker
        .iter()
        .all(|w| stronger.iter().any(|s| implies(s, w)))
}

/// Whether test `s` being true makes test `w` true.
fn implies(s: &PreparedCondition<'_>, w: &PreparedCondition<'_>) -> bool {
    let (so, wo) = (s.operator, w.operator);
    if !s.key.eq_ignore_ascii_case(w.key)
        || so.operator != wo.operator
        || so.qualifier != wo.qualifier
        || (so.if_exists && !wo.if_exists)
    {
        return false;
    }
    let values =
        |c: &PreparedCondition<'_>| -> BTreeSet<String> { c.texts().map(str::to_owned).collect() };
    let (sv, wv) = (values(s), values(w));
    if so.operator == Operator::Null {
        sv == wv
    } else if so.operator.is_negated() {
        wv.is_subset(&sv)
    } else {
        sv.is_subset(&wv)
    }
}
