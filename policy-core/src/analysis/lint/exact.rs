//! The rules that ask what a policy grants, answered by the exact analysis
//! ([`crate::access`]): public access, access from outside the owning account by access
//! level, the confused deputy, lock-outs, and dead statements and conditions. Each access
//! finding carries a request that [`crate::eval::Evaluator::decide`] allows.

use std::collections::{BTreeMap, BTreeSet};

use policy_analysis::{ir, Analyzer, Verdict};
use policy_catalogue::{AccessLevel, Action, ConditionOperator, Operator, SetQualifier};

use super::finding::{Finding, LintCode};
use crate::analysis::access::{
    engine, AccessAnalysis, AnalysisOptions, Assumption, CallerClass, Certainty, ClassAccess,
    IdentityAssumption,
};
use crate::eval::{Outcome, Request};
use crate::model::arn::RepositoryArn;
use crate::model::document::PolicyDocument;
use crate::model::principal::Principal;
use crate::model::statement::Statement;
use crate::model::version::Effect;

/// A finding of the exact rules, with the request that proves it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExactFinding {
    /// The finding, as the lint reports it.
    pub finding: Finding,
    /// `Certain` when the evaluator allows [`request`](Self::request).
    pub certainty: Certainty,
    /// A request the policy allows (`None` for findings about what no request can do:
    /// lock-outs and dead statements).
    pub request: Option<Request>,
}

// Stand-ins for "some organization, endpoint or network the policy does not name".
const FRESH_ORG: &str = "o-zz9unnamed9zz";
const FRESH_VPCE: &str = "vpce-0fa1e0000000000ff";
const FRESH_VPC: &str = "vpc-0fa1e0000000000ff";
const INTERNET_V4: &str = "198.51.100.7/32";
const INTERNET_V6: &str = "2001:db8::7/128";

fn op(operator: Operator) -> ConditionOperator {
    ConditionOperator::new(operator)
}

fn cond<I>(operator: ConditionOperator, key: &str, values: I) -> ir::Condition
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    ir::Condition::new(operator, key, values)
}

/// The situations of a stranger: outside every organization or in one the policy does not
/// name, from an IPv4 or IPv6 address on the internet or through a VPC endpoint the policy
/// does not name. A condition that lets one of them through narrows nothing.
fn stranger_probes(named_accounts: &[String]) -> Vec<Assumption> {
    thread_local! {
        // The same six situations for every policy: lowered once.
        static SITUATIONS: Vec<Assumption> = stranger_situations()
            .iter()
            .map(|p| Assumption::new(p, false))
            .collect();
    }
    let account = (!named_accounts.is_empty()).then(|| {
        Assumption::new(
            &[cond(
                op(Operator::StringNotEquals),
                "aws:PrincipalAccount",
                named_accounts.iter().cloned(),
            )],
            false,
        )
    });
    SITUATIONS.with(|situations| {
        situations
            .iter()
            .map(|s| match &account {
                Some(a) => Assumption::join(&[a, s]),
                None => s.clone(),
            })
            .collect()
    })
}

/// The organizations and networks of [`stranger_probes`], without the account.
fn stranger_situations() -> Vec<Vec<ir::Condition>> {
    let absent = |key: &str| cond(op(Operator::Null), key, ["true"]);
    let orgs = [
        vec![
            absent("aws:PrincipalOrgID"),
            absent("aws:PrincipalOrgPaths"),
        ],
        vec![
            cond(
                op(Operator::StringEquals),
                "aws:PrincipalOrgID",
                [FRESH_ORG],
            ),
            cond(
                ConditionOperator {
                    qualifier: Some(SetQualifier::ForAllValues),
                    ..op(Operator::StringLike)
                },
                "aws:PrincipalOrgPaths",
                [format!("{FRESH_ORG}/*")],
            ),
        ],
    ];
    let networks = [
        vec![
            cond(op(Operator::IpAddress), "aws:SourceIp", [INTERNET_V4]),
            absent("aws:SourceVpce"),
            absent("aws:SourceVpc"),
        ],
        vec![
            cond(op(Operator::IpAddress), "aws:SourceIp", [INTERNET_V6]),
            absent("aws:SourceVpce"),
            absent("aws:SourceVpc"),
        ],
        vec![
            absent("aws:SourceIp"),
            cond(op(Operator::StringEquals), "aws:SourceVpce", [FRESH_VPCE]),
            cond(op(Operator::StringEquals), "aws:SourceVpc", [FRESH_VPC]),
        ],
    ];
    let mut probes = Vec::new();
    for o in &orgs {
        for n in &networks {
            let mut p = Vec::new();
            p.extend(o.iter().cloned());
            p.extend(n.iter().cloned());
            probes.push(p);
        }
    }
    probes
}

/// A service acting for a resource of an account the policy does not name, or for none.
fn deputy_probes(named_accounts: &[String], named_arns: &[String]) -> Vec<Vec<ir::Condition>> {
    let mut base = Vec::new();
    if !named_accounts.is_empty() {
        base.push(cond(
            op(Operator::StringNotEquals),
            "aws:SourceAccount",
            named_accounts.iter().cloned(),
        ));
    }
    let arns: Vec<String> = named_accounts
        .iter()
        .map(|a| format!("arn:*:*:*:{a}:*"))
        .chain(named_arns.iter().cloned())
        .collect();
    if !arns.is_empty() {
        base.push(cond(op(Operator::ArnNotLike), "aws:SourceArn", arns));
    }
    let orgs = [
        cond(op(Operator::Null), "aws:SourceOrgID", ["true"]),
        cond(op(Operator::StringEquals), "aws:SourceOrgID", [FRESH_ORG]),
    ];
    orgs.into_iter()
        .map(|o| {
            let mut p = base.clone();
            p.push(o);
            p
        })
        .collect()
}

fn principal_name(s: &Statement) -> &'static str {
    if s.principal.as_ref().is_some_and(|p| p.negated) {
        "NotPrincipal"
    } else {
        "Principal"
    }
}

fn list_actions(actions: &[Action]) -> String {
    let names: Vec<&str> = actions.iter().map(|a| a.as_str()).collect();
    if names.len() > 6 {
        format!("{} and {} more", names[..6].join(", "), names.len() - 6)
    } else {
        names.join(", ")
    }
}

fn finding(
    code: LintCode,
    statement: Option<usize>,
    path: String,
    message: String,
    hint: &str,
    certainty: Certainty,
    request: Option<Request>,
) -> ExactFinding {
    ExactFinding {
        finding: Finding {
            code,
            severity: code.severity(),
            statement,
            path,
            location: None,
            message,
            hint: hint.to_owned(),
            counterexample: request.as_ref().map(ToString::to_string),
        },
        certainty,
        request,
    }
}

/// The findings of the exact rules for `doc`, on `repository` when given (which names the
/// owning account; without it, grants to the accounts the policy names are not judged, since
/// one of them may be the owner).
///
/// ```
/// use policy_core::PolicyDocument;
/// use policy_core::lint::{exact_findings, LintCode};
///
/// let doc = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [{
///     "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage",
///     "Condition": {"StringLike": {"aws:PrincipalArn": "*"}}}]}"#)?;
/// let found = exact_findings(&doc, None);
/// assert_eq!(found[0].finding.code, LintCode::PublicAccess);
/// assert!(found[0].request.is_some());
/// # Ok::<(), policy_core::json::ParseError>(())
/// ```
#[must_use]
pub fn exact_findings(
    doc: &PolicyDocument,
    repository: Option<&RepositoryArn>,
) -> Vec<ExactFinding> {
    let options = AnalysisOptions {
        repository: repository.cloned(),
        ..AnalysisOptions::default()
    };
    let analysis = AccessAnalysis::new(doc, &options);
    let mut named: BTreeSet<String> = analysis
        .classes()
        .iter()
        .filter_map(CallerClass::account)
        .filter(|a| a.named || a.owner)
        .map(|a| a.id.clone())
        .collect();
    named.insert(analysis.repository().account().as_str().to_owned());
    let named: Vec<String> = named.into_iter().collect();
    let mut out = Vec::new();
    let access = analysis.access();
    outside(
        doc,
        &analysis,
        &access,
        &named,
        repository.is_some(),
        &mut out,
    );
    deputies(doc, &analysis, &access, &named, &mut out);
    lock_out(doc, repository, &mut out);
    dead(doc, &analysis, &mut out);
    out
}

/// Public access and access from other accounts.
fn outside(
    doc: &PolicyDocument,
    analysis: &AccessAnalysis,
    access: &[ClassAccess],
    named: &[String],
    owner_known: bool,
    out: &mut Vec<ExactFinding>,
) {
    // Lowered when a class outside the named accounts first needs them.
    let mut probes: Option<Vec<Assumption>> = None;
    let mut public: BTreeSet<usize> = BTreeSet::new();
    // Statement -> what other accounts get through it.
    let mut external: BTreeMap<usize, Vec<&ClassAccess>> = BTreeMap::new();
    for a in access {
        let Some(account) = a.class.account() else {
            continue;
        };
        if account.trusted || (account.named && !owner_known) {
            continue;
        }
        let Some(&first) = a.grant.statements.first() else {
            continue;
        };
        if !account.named && !public.contains(&first) {
            let found = probes
                .get_or_insert_with(|| stranger_probes(named))
                .iter()
                .find_map(|p| analysis.decide_assumed_first(&a.class, &a.actions, p));
            if let Some((_, g)) = found {
                let at = g.statements.first().copied().unwrap_or(first);
                public.insert(at);
                let s = &doc.statements[at];
                out.push(finding(
                    LintCode::PublicAccess,
                    Some(at),
                    format!("Statement[{at}].{}", principal_name(s)),
                    format!(
                        "anyone with AWS credentials, in any account and outside any organization the policy names, can call {}: no condition narrows the statement to named accounts, organizations or networks",
                        list_actions(&a.actions),
                    ),
                    "name the accounts or roles in Principal, or add a condition that names them, such as StringEquals aws:PrincipalOrgID with your organization's id",
                    g.certainty,
                    g.request,
                ));
                continue;
            }
        }
        external.entry(first).or_default().push(a);
    }
    for (at, grants) in external {
        if public.contains(&at) {
            continue;
        }
        let s = &doc.statements[at];
        let not_action = s.action.as_ref().is_some_and(|a| a.negated);
        let level = |a: &Action| match a.access_level() {
            AccessLevel::PermissionsManagement => 3,
            AccessLevel::Write | AccessLevel::Tagging => 2,
            AccessLevel::Read | AccessLevel::List => 1,
        };
        let top = grants
            .iter()
            .max_by_key(|g| g.actions.iter().map(level).max().unwrap_or(0))
            .expect("a statement in the map has a grant");
        let top_level = top.actions.iter().map(level).max().unwrap_or(0);
        let (code, hint) = if not_action || top_level == 3 {
            (
                LintCode::ExternalPermissionsManagement,
                "another account must not manage this repository's policy: list the actions it needs (pull or push) instead",
            )
        } else if top_level == 2 {
            (
                LintCode::ExternalWrite,
                "make sure the other account should change or delete images here; otherwise grant pull only",
            )
        } else {
            (
                LintCode::ExternalRead,
                "a reviewer should confirm the other account may read these images",
            )
        };
        let mut actions: BTreeSet<Action> = BTreeSet::new();
        for g in &grants {
            actions.extend(g.actions.iter().copied());
        }
        let actions: Vec<Action> = actions.into_iter().collect();
        let how = if not_action {
            "through NotAction, "
        } else {
            ""
        };
        out.push(finding(
            code,
            Some(at),
            format!("Statement[{at}].{}", principal_name(s)),
            format!(
                "{}, can call {how}{} on this repository",
                top.class.describe(),
                list_actions(&actions),
            ),
            hint,
            top.grant.certainty,
            top.grant.request.clone(),
        ));
    }
}

/// Service principals whose guard does not narrow to named accounts or ARNs.
fn deputies(
    doc: &PolicyDocument,
    analysis: &AccessAnalysis,
    access: &[ClassAccess],
    named: &[String],
    out: &mut Vec<ExactFinding>,
) {
    // The accounts and ARNs a guard names: a source in any of them is a named one.
    let mut arns: Vec<String> = Vec::new();
    let mut accounts: BTreeSet<String> = named.iter().cloned().collect();
    let is_account = |x: &str| x.len() == 12 && x.bytes().all(|b| b.is_ascii_digit());
    for s in &doc.statements {
        for t in s.condition.tests() {
            let key = t.key.as_str();
            for v in &t.values {
                let v = v.as_text();
                if key.eq_ignore_ascii_case("aws:SourceArn") {
                    if let Some(id) = v.split(':').nth(4).filter(|id| is_account(id)) {
                        accounts.insert(id.to_owned());
                    } else if !v.contains(['*', '?']) {
                        arns.push(v.into_owned());
                    }
                } else if key.eq_ignore_ascii_case("aws:SourceAccount") && is_account(&v) {
                    accounts.insert(v.into_owned());
                }
            }
        }
    }
    let accounts: Vec<String> = accounts.into_iter().collect();
    let probes = deputy_probes(&accounts, &arns);
    let has_service = doc.statements.iter().any(|s| {
        s.principal.as_ref().is_some_and(|p| {
            p.principals
                .iter()
                .any(|x| matches!(x, Principal::Service(_)))
        })
    });
    if !has_service {
        return;
    }
    let lowered = crate::analysis::access::lower(doc);
    let evaluator = analysis.repository_evaluator();
    for (at, s) in doc.statements.iter().enumerate() {
        let Some(p) = s.principal.as_ref().filter(|p| !p.negated) else {
            continue;
        };
        if s.effect != Effect::Allow {
            continue;
        }
        let statement = &lowered.statements[at];
        let covered = statement.actions.resolve();
        let services = p.principals.iter().filter_map(|x| match x {
            Principal::Service(svc) => Some(svc.as_str().to_owned()),
            _ => None,
        });
        for (n, service) in services.enumerate() {
            let wanted = CallerClass::Service {
                name: Some(service.clone()),
            };
            let Some(class) = analysis.classes().iter().find(|c| **c == wanted) else {
                continue;
            };
            // What the service gets, among what this statement grants.
            let actions: BTreeSet<Action> = access
                .iter()
                .filter(|a| a.class == *class)
                .flat_map(|a| a.actions.iter().copied())
                .filter(|&act| covered.contains(act))
                .collect();
            let Some(&first) = actions.first() else {
                continue;
            };
            let found = probes.iter().find_map(|probe| {
                let mut cs = statement.conditions.clone();
                cs.extend(probe.iter().cloned());
                analysis.satisfy(class, &cs)
            });
            let Some((witness, certainty)) = found else {
                continue;
            };
            let request = analysis.request(&witness, first);
            let confirmed = request
                .as_ref()
                .is_some_and(|r| evaluator.decide(r) == Outcome::Allowed);
            let certainty = if confirmed && certainty == Certainty::Certain {
                Certainty::Certain
            } else {
                Certainty::Possible
            };
            let actions: Vec<Action> = actions.into_iter().collect();
            out.push(finding(
                LintCode::ServicePrincipalWithoutSource,
                Some(at),
                format!("Statement[{at}].Principal.Service[{n}]"),
                format!(
                    "service principal {service} can call {} acting for a resource of any account (the confused deputy): no condition narrows aws:SourceAccount or aws:SourceArn to named accounts or ARNs",
                    list_actions(&actions),
                ),
                "add a condition StringEquals aws:SourceAccount (your account) or ArnLike aws:SourceArn with the ARN of your resource",
                certainty,
                request,
            ));
        }
    }
}

/// The policy-changing actions no identity of the owning account can call any more (empty
/// while one can call `ecr:SetRepositoryPolicy`). Without the
/// repository, the owner may be any account: the policy locks out only when it does so for an
/// account it does not name and for each one it names.
pub(super) fn locked_out(doc: &PolicyDocument, repository: Option<&RepositoryArn>) -> Vec<Action> {
    // Without a Deny of `SetRepositoryPolicy` the owning account's root user can call it,
    // whatever the owner: the analysis below would find that first.
    let denies_set = crate::analysis::access::lower(doc)
        .statements
        .iter()
        .any(|s| {
            s.effect == ir::Effect::Deny
                && s.actions.resolve().contains(Action::SetRepositoryPolicy)
        });
    if !denies_set {
        return Vec::new();
    }
    searched_locked_out(doc, repository)
}

/// [`locked_out`] by the analysis alone, without the syntactic exit.
fn searched_locked_out(doc: &PolicyDocument, repository: Option<&RepositoryArn>) -> Vec<Action> {
    let mut owners: Vec<Option<RepositoryArn>> = vec![repository.cloned()];
    if repository.is_none() {
        let named = engine(doc, &AnalysisOptions::default(), None, &[]);
        let ids: BTreeSet<&str> = named
            .classes()
            .iter()
            .filter_map(CallerClass::account)
            .filter(|a| a.named)
            .map(|a| a.id.as_str())
            .collect();
        owners.extend(ids.into_iter().filter_map(|id| {
            format!("arn:aws:ecr:us-east-1:{id}:repository/unnamed-repository")
                .parse::<RepositoryArn>()
                .ok()
                .map(Some)
        }));
    }
    // Yes or no: the engine alone, without evaluators to confirm counterexamples.
    let analyses: Vec<Analyzer> = owners
        .iter()
        .map(|repository| {
            let options = AnalysisOptions {
                repository: repository.clone(),
                identity: IdentityAssumption::AllowAll,
                ..AnalysisOptions::default()
            };
            engine(doc, &options, None, &[])
        })
        .collect();
    let can = |analysis: &Analyzer, act: Action| {
        analysis
            .classes()
            .iter()
            .filter(|c| c.account().is_some_and(|a| a.owner))
            .any(|c| matches!(analysis.decide(c, act), Verdict::Allowed(_)))
    };
    // While someone can set the policy, a deny of `DeleteRepositoryPolicy` can be replaced
    // away; without `SetRepositoryPolicy` nothing can change the policy again.
    let act = Action::SetRepositoryPolicy;
    if analyses.iter().any(|a| can(a, act)) {
        return Vec::new();
    }
    let mut locked = vec![act];
    if !analyses
        .iter()
        .any(|a| can(a, Action::DeleteRepositoryPolicy))
    {
        locked.push(Action::DeleteRepositoryPolicy);
    }
    locked
}

fn lock_out(doc: &PolicyDocument, repository: Option<&RepositoryArn>, out: &mut Vec<ExactFinding>) {
    let locked = locked_out(doc, repository);
    let Some(&act) = locked.first() else {
        return;
    };
    let at = doc.statements.iter().position(|s| {
        s.effect == Effect::Deny
            && s.action.as_ref().is_some_and(|a| {
                a.actions
                    .iter()
                    .any(|x| policy_catalogue::checks::action_text_covers(x.as_str(), act))
                    != a.negated
            })
    });
    let names: Vec<&str> = locked.iter().map(|a| a.as_str()).collect();
    out.push(finding(
        LintCode::LocksOutPolicyChanges,
        at,
        at.map_or_else(String::new, |i| format!("Statement[{i}]")),
        format!(
            "no identity of the owning account, its root user included, can call {} any more, whatever its identity policies allow: nobody could change this policy again, and ECR refuses it unless `force` is set",
            names.join(" or ")
        ),
        "leave an administrator role out of the deny (a condition ArnNotEquals aws:PrincipalArn with the role's ARN), or list the account, the role and its sessions in NotPrincipal",
        Certainty::Certain,
        None,
    ));
}

/// Statements and conditions no request can satisfy.
fn dead(doc: &PolicyDocument, analysis: &AccessAnalysis, out: &mut Vec<ExactFinding>) {
    let dead = analysis.dead_statements();
    if dead.is_empty() {
        return;
    }
    let lowered = crate::analysis::access::lower(doc);
    for i in dead {
        let s = &doc.statements[i];
        // Principals the model cannot place have findings of their own.
        let placed = s.principal.as_ref().is_some_and(|p| {
            !p.principals.is_empty()
                && p.principals.iter().all(|x| {
                    !matches!(
                        x,
                        Principal::Federated(_)
                            | Principal::CanonicalUser(_)
                            | Principal::Aws(crate::model::principal::AwsPrincipal::Other(_))
                    )
                })
        });
        // So do empty lists.
        let empty = s.condition.tests().iter().any(|t| t.values.is_empty());
        if !placed || empty || s.action.as_ref().is_none_or(|a| a.actions.is_empty()) {
            continue;
        }
        let conditions = &lowered.statements[i].conditions;
        let dead_one = s.condition.tests().iter().zip(conditions).find(|(_, c)| {
            !analysis
                .classes()
                .iter()
                .any(|class| analysis.satisfy(class, std::slice::from_ref(c)).is_some())
        });
        match dead_one {
            Some((t, _)) => out.push(finding(
                LintCode::DeadCondition,
                Some(i),
                format!("Statement[{i}].Condition.{}.{}", t.operator, t.key.as_str()),
                format!(
                    "no request can meet {} {}: the values cannot be values of the key, so statement {i} never applies",
                    t.operator,
                    t.key.as_str()
                ),
                "compare the key with values of its own form (aws:SourceArn is the ARN of the resource a service acts for, aws:PrincipalAccount a 12-digit account id, aws:PrincipalOrgID an o-... id)",
                Certainty::Certain,
                None,
            )),
            None => out.push(finding(
                LintCode::DeadStatement,
                Some(i),
                format!("Statement[{i}]"),
                format!(
                    "no request can meet statement {i}: its principal and conditions never hold together, so it never applies"
                ),
                "fix the principal or the conditions so that they agree, or remove the statement",
                Certainty::Certain,
                None,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// Every policy file of the repository's test sets, and of the shared corpus when present.
    fn policies() -> Vec<PolicyDocument> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut dirs: Vec<PathBuf> = vec![root.join("tests/findings"), root.join("tests/corpus")];
        dirs.push(
            std::env::var_os("ECR_POLICY_CORPUS")
                .map_or_else(|| root.join("../shared/corpus"), PathBuf::from),
        );
        let mut files = Vec::new();
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    files.push(path);
                }
            }
        }
        files.sort();
        files
            .iter()
            .filter_map(|f| PolicyDocument::from_json(&std::fs::read_to_string(f).ok()?).ok())
            .collect()
    }

    #[test]
    fn the_lock_out_exit_agrees_with_the_search() {
        let repository: RepositoryArn = "arn:aws:ecr:us-east-1:111122223333:repository/app"
            .parse()
            .unwrap();
        let docs = policies();
        assert!(
            docs.len() > 60,
            "the test sets are missing: {} policies",
            docs.len()
        );
        let mut locking = 0;
        for doc in &docs {
            for repo in [None, Some(&repository)] {
                let searched = searched_locked_out(doc, repo);
                assert_eq!(locked_out(doc, repo), searched, "{}", doc.to_json());
                locking += usize::from(!searched.is_empty());
            }
        }
        assert!(
            locking > 0,
            "no policy of the sets locks out: the test compares nothing"
        );
    }
}
