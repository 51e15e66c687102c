//! Access from other accounts for the kinds the exact analysis does not read: registry
//! policies and ECR Public repository policies. Each principal a statement names in another
//! account than the owner's is asked, action by action of the kind, whether the statement and
//! the whole policy let it in; the finding's request is one the kind's evaluator allows.
//!
//! - Registry policies: replication (`ecr:ReplicateImage`, with `ecr:CreateRepository`) and
//!   pull through cache (`ecr:BatchImportUpstreamImage`, with `ecr:CreateRepository`) are what
//!   a registry policy is for ("Private registry permissions",
//!   <https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html>;
//!   "Private registry policy examples",
//!   <https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html>)
//!   and are no finding; any other repository action is judged by its access level as for a
//!   repository policy, and `NotAction` as permissions management.
//! - ECR Public: anyone may pull from a public repository and a policy cannot deny it ("Public
//!   repository policies in Amazon ECR Public",
//!   <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policies.html>), so
//!   read and list grants are no finding; push or delete is `external-write`, policy
//!   management `external-permissions-management`.

use std::cmp::Reverse;

use policy_analysis::findings::external_code;
use policy_catalogue::{AccessLevel, Action, PublicAction};

use super::exact::code_of;
use super::finding::{Finding, LintCode};
use crate::analysis::access::allow_all;
use crate::eval::{Caller, EvaluatedPolicy, Evaluator, Outcome, RegistryEvaluator, Request};
use crate::model::arn::RepositoryArn;
use crate::model::document::PolicyDocument;
use crate::model::kind::PolicyKind;
use crate::model::kinds::RegistryPolicyScope;
use crate::model::names::AccountId;
use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::version::Effect;

/// The actions a registry policy is documented to grant another account.
const REGISTRY_FEATURES: [Action; 3] = [
    Action::ReplicateImage,
    Action::CreateRepository,
    Action::BatchImportUpstreamImage,
];

/// The findings for grants to other accounts of a registry or ECR Public repository policy;
/// `owner` is the account given by the lint's options (for registry policies the account of
/// the repositories a statement names otherwise).
pub(super) fn external_findings(
    doc: &PolicyDocument,
    kind: PolicyKind,
    scope: RegistryPolicyScope,
    owner: Option<&AccountId>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    // The evaluator of the whole policy, made for the first statement that needs it.
    let whole = std::cell::OnceCell::new();
    for (i, s) in doc.statements.iter().enumerate() {
        if s.effect != Effect::Allow {
            continue;
        }
        let Some(p) = s.principal.as_ref().filter(|p| !p.negated) else {
            continue;
        };
        let repository = match kind {
            PolicyKind::Registry => registry_repository(s, owner),
            PolicyKind::PublicRepository => owner.and_then(|a| stand_in(a.as_str(), "app")),
            _ => None,
        };
        let Some(repository) = repository else {
            continue;
        };
        // The statement alone, as a document of its own: the statement is copied, not the
        // policy.
        let alone = Judge::new(
            PolicyDocument {
                version: doc.version,
                id: doc.id.clone(),
                statements: std::iter::once(s.clone()).collect(),
            },
            kind,
            scope,
        );
        let whole = whole.get_or_init(|| Judge::new(doc, kind, scope));
        let mut n = 0;
        for x in p.principals.iter() {
            let Principal::Aws(aws) = x else { continue };
            let at = n;
            n += 1;
            let Some(account) = aws.account() else {
                continue;
            };
            if account == repository.account() {
                continue;
            }
            let Some(caller) = caller_of(aws) else {
                continue;
            };
            let candidates: Vec<(String, AccessLevel)> = match kind {
                PolicyKind::Registry => Action::ALL
                    .iter()
                    .filter(|a| a.is_repository_action() && !REGISTRY_FEATURES.contains(a))
                    .map(|a| (a.as_str().to_owned(), a.access_level()))
                    .collect(),
                _ => PublicAction::ALL
                    .iter()
                    .filter(|a| {
                        a.is_repository_action()
                            && !matches!(a.access_level(), AccessLevel::Read | AccessLevel::List)
                    })
                    .map(|a| (a.as_str().to_owned(), a.access_level()))
                    .collect(),
            };
            let mut granted: Vec<(String, AccessLevel, Request)> = Vec::new();
            for (action, level) in candidates {
                let request = Request::new(caller.clone(), action.as_str(), repository.clone());
                if alone.allows(&request) && whole.allows(&request) {
                    granted.push((action, level, request));
                }
            }
            // The codes of repository policies, by the same mapping: higher access levels
            // have earlier codes.
            let Some(top) = granted
                .iter()
                .max_by_key(|(_, l, _)| Reverse(external_code(*l, false)))
            else {
                continue;
            };
            let negated = s.action.as_ref().is_some_and(|a| a.negated);
            let code = code_of(external_code(top.1, negated));
            let hint = match code {
                LintCode::ExternalPermissionsManagement => "another account must not manage these repositories' policies: list the actions it needs instead",
                LintCode::ExternalWrite => "make sure the other account should push, change or delete here; otherwise remove the grant",
                _ => "a reviewer should confirm the other account may read these images",
            };
            let how = if negated { "through NotAction, " } else { "" };
            let names: Vec<&str> = granted.iter().map(|(a, _, _)| a.as_str()).collect();
            let what = match kind {
                PolicyKind::Registry => "in this registry",
                _ => "on this public repository",
            };
            let request = &top.2;
            out.push(Finding {
                code,
                severity: code.severity(),
                statement: Some(i),
                path: format!("Statement[{i}].Principal.AWS[{at}]"),
                location: None,
                message: format!(
                    "{aws}, of account {account} (not the owner {}), can call {how}{} {what}",
                    repository.account(),
                    names.join(", "),
                ),
                hint: hint.into(),
                counterexample: Some(request.to_string()),
            });
        }
    }
    out
}

/// The evaluator of a policy of `kind`, with identity policies that allow everything.
enum Judge<'a> {
    Registry(RegistryEvaluator),
    Repository(Evaluator<'a>),
}

impl<'a> Judge<'a> {
    fn new<P>(policy: P, kind: PolicyKind, scope: RegistryPolicyScope) -> Self
    where
        P: AsRef<PolicyDocument> + EvaluatedPolicy<'a>,
    {
        match kind {
            PolicyKind::Registry => Judge::Registry(
                RegistryEvaluator::new(policy)
                    .scope(scope)
                    .with_identity_policy(allow_all()),
            ),
            _ => Judge::Repository(Evaluator::new(policy).with_identity_policy(allow_all())),
        }
    }

    fn allows(&self, request: &Request) -> bool {
        let outcome = match self {
            Judge::Registry(e) => e.decide(request),
            Judge::Repository(e) => e.decide(request),
        };
        outcome == Outcome::Allowed
    }
}

/// A repository of the owner's registry the statement names: the first `Resource` entry in
/// `owner` (or in any account when no owner is given), its wildcards filled in (a name that
/// is then no valid repository name is skipped).
fn registry_repository(
    s: &crate::model::statement::Statement,
    owner: Option<&AccountId>,
) -> Option<RepositoryArn> {
    let r = s.resource.as_ref().filter(|r| !r.negated)?;
    r.resources.iter().find_map(|text| {
        let mut parts = text.splitn(6, ':');
        let (arn, partition, service, region, account, rest) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        if arn != "arn" || service != "ecr" || owner.is_some_and(|o| o.as_str() != account) {
            return None;
        }
        let name = rest.strip_prefix("repository/")?;
        let filled = name.replace('*', "app").replace('?', "a");
        format!("arn:{partition}:ecr:{region}:{account}:repository/{filled}")
            .parse()
            .ok()
    })
}

/// The repository ECR Public requests are made on in `account`: the evaluator names it by a
/// private-form ARN of the owner's account.
fn stand_in(account: &str, name: &str) -> Option<RepositoryArn> {
    format!("arn:aws:ecr:us-east-1:{account}:repository/{name}")
        .parse()
        .ok()
}

fn caller_of(p: &AwsPrincipal) -> Option<Caller> {
    match p {
        AwsPrincipal::Account { account, .. } => Some(Caller::root(account.clone())),
        AwsPrincipal::Everyone | AwsPrincipal::Other(_) => None,
        _ => Caller::from_arn(&p.to_string()).ok(),
    }
}
