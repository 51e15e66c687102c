//! Two policies, separated by a NUL byte: the exact access analysis of the pair. Nothing may
//! panic; every `Certain` grant's request is allowed by the evaluator; every `Certain`
//! difference is allowed by one policy and refused by the other; a policy is equivalent to
//! itself and has no differences with itself; policies the conservative comparison calls
//! equivalent have no proven difference. `equivalent` is symmetric and holds exactly when
//! `diff` is empty; every certain counterexample of `diff`, of `check_no_new_access` and of
//! `check_access_not_granted` is a request the evaluator allows under the policy with the
//! access (and refuses under the other); equivalent policies add no access either way.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_core::access::{AccessAnalysis, AnalysisOptions, ConfirmedGrant, Route};
use policy_core::assert::{check_access_not_granted, check_no_new_access, Certainty};
use policy_core::compare::{diff, equivalent, Counterexample};
use policy_core::eval::{Evaluator, Outcome};
use policy_core::{Action, PolicyDocument};

/// Larger inputs only slow the search down without reaching new code.
const MAX_INPUT: usize = 4096;

struct Evaluators<'a> {
    own: Evaluator<'a>,
    with_identity: Evaluator<'a>,
}

impl<'a> Evaluators<'a> {
    fn of(policy: &'a PolicyDocument, allow_all: &'a PolicyDocument) -> Self {
        Evaluators {
            own: Evaluator::new(policy),
            with_identity: Evaluator::new(policy).with_identity_policy(allow_all),
        }
    }

    /// Whether the grant's request is allowed, read as the analysis reads its route.
    fn allows(&self, grant: &ConfirmedGrant) -> Option<bool> {
        let evaluator = match grant.route {
            Route::RootOfOwner | Route::RepositoryPolicy => &self.own,
            Route::CrossAccount | Route::IdentityPolicy => &self.with_identity,
        };
        let request = grant.request.as_ref()?;
        Some(evaluator.decide(request) == Outcome::Allowed)
    }
}

fn check_grants(analysis: &AccessAnalysis, evaluators: &Evaluators) {
    for access in analysis.access() {
        if access.grant.is_certain() {
            assert_eq!(
                evaluators.allows(&access.grant),
                Some(true),
                "a certain grant to {} that the evaluator refuses",
                access.class.describe()
            );
        }
    }
}

fn check_differences(
    from: &AccessAnalysis,
    to: &AccessAnalysis,
    mine: &Evaluators,
    theirs: &Evaluators,
) -> bool {
    let differences = from.differences(to);
    for d in &differences {
        if d.grant.is_certain() {
            assert_eq!(mine.allows(&d.grant), Some(true), "{}", d.class.describe());
            assert_eq!(
                theirs.allows(&d.grant),
                Some(false),
                "{}",
                d.class.describe()
            );
        }
    }
    differences.iter().any(|d| d.grant.is_certain())
}

/// A certain counterexample is allowed under `with` and refused under `without`.
fn check_proof(proof: &Counterexample, with: &PolicyDocument, without: &PolicyDocument) {
    if !proof.is_certain() {
        return;
    }
    assert_eq!(proof.outcome(with), Some(Outcome::Allowed), "{proof}");
    assert!(
        proof
            .outcome(without)
            .is_some_and(|o| o != Outcome::Allowed),
        "{proof}"
    );
}

/// `equivalent`, `diff` and the policy checks on the pair.
fn check_comparison(a: &PolicyDocument, b: &PolicyDocument) {
    let same = equivalent(a, b);
    assert_eq!(same, equivalent(b, a), "equivalence is symmetric");
    let changes = diff(a, b);
    assert_eq!(
        changes.is_empty(),
        same,
        "diff is empty exactly for equivalent policies"
    );
    for c in &changes.added {
        if let Some(proof) = &c.counterexample {
            check_proof(proof, b, a);
        }
    }
    for c in &changes.removed {
        if let Some(proof) = &c.counterexample {
            check_proof(proof, a, b);
        }
    }
    for (old, new) in [(a, b), (b, a)] {
        match check_no_new_access(old, new) {
            Ok(()) => {}
            Err(report) => {
                assert!(!same, "equivalent, yet new access: {report}");
                for f in &report.findings {
                    if f.certainty == Certainty::Certain {
                        let proof = f.counterexample.as_ref().expect("a counterexample");
                        assert_eq!(proof.action, f.action);
                        check_proof(proof, new, old);
                    }
                }
            }
        }
    }
    let actions: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|x| x.is_repository_action())
        .take(8)
        .collect();
    if let Err(report) = check_access_not_granted(a, &actions, &[]) {
        for f in &report.findings {
            if f.certainty == Certainty::Certain {
                let proof = f.counterexample.as_ref().expect("a counterexample");
                assert_eq!(proof.outcome(a), Some(Outcome::Allowed), "{f}");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (first, second) = text.split_once('\0').unwrap_or((text, text));
    let (Ok(a), Ok(b)) = (
        PolicyDocument::from_json(first),
        PolicyDocument::from_json(second),
    ) else {
        return;
    };
    let options = AnalysisOptions {
        repository: "arn:aws:ecr:us-east-1:111122223333:repository/app"
            .parse()
            .ok(),
        ..AnalysisOptions::default()
    };
    let allow_all = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    )
    .expect("the allow-all policy parses");
    let (ea, eb) = (
        Evaluators::of(&a, &allow_all),
        Evaluators::of(&b, &allow_all),
    );

    assert!(equivalent(&a, &a), "a policy is equivalent to itself");
    assert!(diff(&a, &a).is_empty(), "a policy has no diff with itself");

    let (aa, ab) = AccessAnalysis::pair(&a, &b, &options);
    check_grants(&aa, &ea);
    check_grants(&ab, &eb);
    let removed = check_differences(&aa, &ab, &ea, &eb);
    let added = check_differences(&ab, &aa, &eb, &ea);
    if equivalent(&a, &b) {
        assert!(!removed && !added, "equivalent, yet a difference is proven");
    }

    check_comparison(&a, &b);

    let (self_a, self_a2) = AccessAnalysis::pair(&a, &a, &options);
    assert!(
        !check_differences(&self_a, &self_a2, &ea, &ea),
        "a policy differs from itself"
    );
});
