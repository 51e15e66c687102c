//! The rules that ask what a policy grants, answered by the exact analysis
//! ([`crate::access`]): public access, access from outside the owning account by access
//! level, the confused deputy, lock-outs, and dead statements and conditions. The judgement
//! and its words are `policy_analysis::findings`, shared with the `policy!` macro; here each
//! access finding's witness becomes a request that [`crate::eval::Evaluator::decide`] allows.

use policy_analysis::ir::ActionSet;
use policy_analysis::{findings, literal, Analyzer};
use policy_catalogue::Action;

use super::finding::{Finding, LintCode};
use crate::analysis::access::{
    engine_options, lower, AnalysisOptions, Certainty, ConfirmedGrant, Confirmer,
    IdentityAssumption,
};
use crate::eval::Request;
use crate::model::arn::RepositoryArn;
use crate::model::document::PolicyDocument;

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
    let mut out = Vec::new();
    each_exact_finding(doc, repository, None, &mut out, Some);
    out
}

/// The lint's findings of [`exact_findings`] that `keep` keeps, appended to `out`: each
/// request dropped once its finding is written, without a list of [`ExactFinding`]s.
/// `resolved`: the repository actions of each statement of `doc`, when the rules have them
/// (`rules::Checked`).
pub(super) fn exact_findings_into(
    doc: &PolicyDocument,
    repository: Option<&RepositoryArn>,
    resolved: Option<&[ActionSet]>,
    keep: impl Fn(&Finding) -> bool,
    out: &mut Vec<Finding>,
) {
    each_exact_finding(doc, repository, resolved, out, |f| {
        keep(&f.finding).then_some(f.finding)
    });
}

/// Each finding of [`exact_findings`], in its order, as `each` maps it (`None`: left out),
/// appended to `out`.
fn each_exact_finding<T>(
    doc: &PolicyDocument,
    repository: Option<&RepositoryArn>,
    resolved: Option<&[ActionSet]>,
    out: &mut Vec<T>,
    mut each: impl FnMut(ExactFinding) -> Option<T>,
) {
    let options = options_on(repository);
    let lowered = lower(doc);
    // Most policies are decided by their letters: no caller classes, no evaluator unless a
    // finding needs its witness confirmed.
    if let Some(literal::Judged {
        owner, findings, ..
    }) = literal::findings_resolved(&lowered, &engine_options(&options, None), resolved)
    {
        // Made for the first finding with a witness: most policies have none.
        let confirmer = std::cell::OnceCell::new();
        let confirmer = || confirmer.get_or_init(|| Confirmer::new(doc, repository, &owner));
        out.reserve(findings.len());
        out.extend(
            findings
                .into_iter()
                .filter_map(|f| each(exact_finding(f, |g, action| confirmer().confirm(g, action)))),
        );
        return;
    }
    searched(doc, &options, &lowered, out, each);
}

/// [`exact_findings`] by the engine's searches alone, whatever the policy: what the findings
/// decided by the letters of a policy are checked against.
#[doc(hidden)]
#[must_use]
pub fn exact_findings_by_search(
    doc: &PolicyDocument,
    repository: Option<&RepositoryArn>,
) -> Vec<ExactFinding> {
    let options = options_on(repository);
    let mut out = Vec::new();
    searched(doc, &options, &lower(doc), &mut out, Some);
    out
}

/// The analysis of a policy, on `repository` when it is known.
fn options_on(repository: Option<&RepositoryArn>) -> AnalysisOptions {
    AnalysisOptions {
        repository: repository.cloned(),
        ..AnalysisOptions::default()
    }
}

fn searched<T>(
    doc: &PolicyDocument,
    options: &AnalysisOptions,
    lowered: &policy_analysis::ir::Policy,
    out: &mut Vec<T>,
    mut each: impl FnMut(ExactFinding) -> Option<T>,
) {
    // The engine on the policy lowered once, and the evaluators borrowing the document,
    // built when a witness first needs one: what `AccessAnalysis::new` builds without the
    // copies of the document it keeps (the lint's options assume no identity policy, so a
    // `Confirmer` confirms as the analysis does).
    debug_assert!(
        matches!(options.identity, IdentityAssumption::Unknown) && options.trusted.is_empty(),
        "a Confirmer confirms as the analysis does only without identity policies or trusted accounts"
    );
    let engine_options = engine_options(options, None);
    let analyzer = Analyzer::new(lowered, &engine_options);
    let confirmer = Confirmer::new(doc, options.repository.as_ref(), analyzer.owner());
    let found = findings::findings_with(&analyzer, lowered, &engine_options);
    out.reserve(found.len());
    out.extend(
        found
            .into_iter()
            .filter_map(|f| each(exact_finding(f, |g, action| confirmer.confirm(g, action)))),
    );
}

/// The lint's finding for one of the analysis, its witness confirmed by `confirm`.
fn exact_finding(
    f: findings::Finding,
    confirm: impl FnOnce(policy_analysis::Grant, Action) -> ConfirmedGrant,
) -> ExactFinding {
    let (certainty, request) = match f.evidence {
        Some(e) => {
            let g = confirm(e.grant, e.action);
            (g.certainty, g.request)
        }
        None => (Certainty::Certain, None),
    };
    ExactFinding {
        finding: Finding {
            code: code_of(f.code),
            severity: code_of(f.code).severity(),
            statement: f.statement,
            path: f.path,
            location: None,
            message: f.message,
            hint: f.hint.into(),
            counterexample: request.as_ref().map(counterexample),
        },
        certainty,
        request,
    }
}

/// A request as a finding shows it: written into one buffer of a size that holds most, not
/// grown from empty.
fn counterexample(request: &Request) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(256);
    let _ = write!(text, "{request}");
    text
}

/// The lint's code for a code of the analysis (the same text).
pub(super) fn code_of(code: findings::Code) -> LintCode {
    use findings::Code as C;
    match code {
        C::PublicAccess => LintCode::PublicAccess,
        C::ServicePrincipalWithoutSource => LintCode::ServicePrincipalWithoutSource,
        C::ExternalPermissionsManagement => LintCode::ExternalPermissionsManagement,
        C::ExternalWrite => LintCode::ExternalWrite,
        C::ExternalRead => LintCode::ExternalRead,
        C::AllowWithNotPrincipal => LintCode::AllowWithNotPrincipal,
        C::LocksOutPolicyChanges => LintCode::LocksOutPolicyChanges,
        C::DeadStatement => LintCode::DeadStatement,
        C::DeadCondition => LintCode::DeadCondition,
    }
}

/// The policy-changing actions no identity of the owning account can call any more (see
/// [`findings::locked_out`]).
pub(super) fn locked_out(doc: &PolicyDocument, repository: Option<&RepositoryArn>) -> Vec<Action> {
    let options = options_on(repository);
    findings::locked_out(&lower(doc), &engine_options(&options, None))
}

#[cfg(test)]
#[path = "../../../tests/support/test_sets.rs"]
mod test_sets;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::lint::LintConfig;
    use policy_analysis::findings::Code;
    use std::path::PathBuf;

    #[test]
    fn codes_of_the_analysis_are_lint_codes_with_their_text_and_severity() {
        for &code in Code::ALL {
            let lint = code_of(code);
            assert_eq!(lint.as_str(), code.as_str());
            assert_eq!(lint.severity().as_str(), code.severity());
        }
    }

    /// Every policy file of the repository's test sets, and of the shared corpus when present,
    /// with its path.
    fn policies() -> Vec<(PathBuf, PolicyDocument)> {
        let files = test_sets::policy_files();
        let docs: Vec<_> = files
            .into_iter()
            .filter_map(|f| {
                let doc = PolicyDocument::from_json(&std::fs::read_to_string(&f).ok()?).ok()?;
                Some((f, doc))
            })
            .collect();
        assert!(
            docs.len() > 60,
            "the test sets are missing: {} policies",
            docs.len()
        );
        docs
    }

    #[test]
    fn the_lock_out_exit_agrees_with_the_search() {
        let repository: RepositoryArn = "arn:aws:ecr:us-east-1:111122223333:repository/app"
            .parse()
            .unwrap();
        let mut locking = 0;
        for (_, doc) in &policies() {
            for repo in [None, Some(&repository)] {
                let options = AnalysisOptions {
                    repository: repo.cloned(),
                    ..AnalysisOptions::default()
                };
                let searched =
                    findings::searched_locked_out(&lower(doc), &engine_options(&options, None));
                assert_eq!(locked_out(doc, repo), searched, "{}", doc.to_json());
                locking += usize::from(!searched.is_empty());
            }
        }
        assert!(
            locking > 0,
            "no policy of the sets locks out: the test compares nothing"
        );
    }

    /// The lint's findings appended straight to its list are the findings of
    /// [`exact_findings`], in their order, with the same ones left out, on every test policy
    /// with and without a repository.
    #[test]
    fn findings_appended_are_the_exact_findings() {
        let repository: RepositoryArn = "arn:aws:ecr:us-east-1:111122223333:repository/app"
            .parse()
            .unwrap();
        let mut compared = 0;
        for (path, doc) in policies() {
            for repo in [None, Some(&repository)] {
                let exact: Vec<Finding> = exact_findings(&doc, repo)
                    .into_iter()
                    .map(|f| f.finding)
                    .collect();
                // With the actions the rules resolved, as the lint passes them on.
                let resolved = super::super::rules::check(
                    &doc,
                    crate::model::kind::PolicyKind::Repository,
                    crate::model::kinds::RegistryPolicyScope::V2,
                    None,
                )
                .resolved;
                let mut all = Vec::new();
                exact_findings_into(&doc, repo, Some(&resolved), |_| true, &mut all);
                assert_eq!(all, exact, "{}", path.display());
                let alive = |f: &Finding| f.code != LintCode::DeadStatement;
                let mut kept = vec![exact.first().cloned().unwrap_or_else(|| Finding {
                    code: LintCode::PublicAccess,
                    severity: LintCode::PublicAccess.severity(),
                    statement: None,
                    path: String::new(),
                    location: None,
                    message: String::new(),
                    hint: "".into(),
                    counterexample: None,
                })];
                let before = kept.clone();
                exact_findings_into(&doc, repo, None, alive, &mut kept);
                let expected: Vec<Finding> = before
                    .into_iter()
                    .chain(exact.iter().filter(|f| alive(f)).cloned())
                    .collect();
                assert_eq!(kept, expected, "{}", path.display());
                compared += exact.len();
            }
        }
        assert!(compared > 50, "only {compared} findings compared");
    }

    /// Everything the lint says about a policy, with and without the repository, and the exact
    /// findings' certainty and counterexample requests.
    fn judge(doc: &PolicyDocument) -> (Vec<Finding>, Vec<Finding>, Vec<String>) {
        let repository: RepositoryArn = "arn:aws:ecr:us-east-1:111122223333:repository/app"
            .parse()
            .unwrap();
        let exact = exact_findings(doc, None)
            .into_iter()
            .map(|f| format!("{:?} {:?}", f.certainty, f.request.map(|r| r.to_string())))
            .collect();
        (
            doc.lint(),
            doc.lint_with(&LintConfig::default().repository(repository)),
            exact,
        )
    }

    /// The lint remembers answers of the analysis per thread (the same keys, conditions and
    /// callers recur from policy to policy). What it remembers must never change a finding:
    /// each policy, linted alone on a fresh thread, gets exactly the findings, counterexamples
    /// included, that it gets when all of them are linted one after another on one thread, in
    /// either order.
    #[test]
    fn findings_do_not_depend_on_what_was_linted_before() {
        let docs = policies();
        let alone: Vec<_> = docs
            .iter()
            .map(|(_, d)| {
                let d = d.clone();
                std::thread::spawn(move || judge(&d)).join().unwrap()
            })
            .collect();
        let in_turn: Vec<_> = docs.iter().map(|(_, d)| judge(d)).collect();
        let backwards: Vec<_> = {
            let mut v: Vec<_> = docs.iter().rev().map(|(_, d)| judge(d)).collect();
            v.reverse();
            v
        };
        for (i, (path, _)) in docs.iter().enumerate() {
            assert_eq!(alone[i], in_turn[i], "{}", path.display());
            assert_eq!(
                alone[i],
                backwards[i],
                "{} (in reverse order)",
                path.display()
            );
        }
        let found: usize = alone.iter().map(|(a, b, _)| a.len() + b.len()).sum();
        assert!(
            found > 50,
            "only {found} findings: the comparison says little"
        );
    }
}
