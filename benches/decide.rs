//! Access decisions per second: this crate's prepared `Evaluator` against the `iam-rs` crate's
//! `PolicyEvaluator`, each built once from the same policy and asked the same requests.
//!
//! ECR repository policies carry no `Resource`; `iam-rs` matches resources, so its copy of the
//! policy names the repository as `Resource`. The setup checks both give the same answers.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ecr_policy::eval::{Caller, Evaluator, Outcome, Request};
use ecr_policy::model::RepositoryArn;
use ecr_policy::{AccountId, Action, UserName};
use shapes::{iam_rs_policy, iam_rs_request, REPOSITORY};
use std::hint::black_box;

mod shapes;

fn decide(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide");
    let account = AccountId::new(shapes::ACCOUNT).unwrap();
    let repo: RepositoryArn = REPOSITORY.parse().unwrap();
    for n in shapes::SIZES {
        let policy = shapes::model(n);
        let ours = Evaluator::new(&policy);
        let theirs = iam_rs::PolicyEvaluator::with_policies(vec![iam_rs_policy(n)]);
        // The last statement's user pushes (allowed), and deletes (implicitly denied): the
        // evaluators have to look at every statement.
        let user = format!("ci-user-{}", n - 1);
        let requests: Vec<(Request, iam_rs::IAMRequest, bool)> =
            [(Action::PutImage, true), (Action::BatchDeleteImage, false)]
                .into_iter()
                .map(|(action, allowed)| {
                    let caller =
                        Caller::user(account.clone(), UserName::new(user.clone()).unwrap());
                    let ours = Request::new(caller, action, repo.clone()).source_account(&account);
                    (ours, iam_rs_request(&user, action.as_str()), allowed)
                })
                .collect();
        for (ours_req, theirs_req, allowed) in &requests {
            assert_eq!(ours.decide(ours_req) == Outcome::Allowed, *allowed);
            let d = theirs.evaluate(theirs_req).unwrap().decision;
            assert_eq!(
                d == iam_rs::Decision::Allow,
                *allowed,
                "iam-rs disagrees: {d:?}"
            );
        }
        group.bench_with_input(BenchmarkId::new("evaluator", n), &requests, |b, reqs| {
            b.iter(|| {
                reqs.iter()
                    .filter(|(r, _, _)| ours.decide(black_box(r)) == Outcome::Allowed)
                    .count()
            })
        });
        // One decision from a built policy, preparation included: what a caller pays who
        // checks a policy once. iam-rs's own one-off form, `evaluate_policy`, clones the
        // policy into a new `PolicyEvaluator`, as `with_policies` needs it by value.
        let theirs_policy = iam_rs_policy(n);
        group.bench_with_input(
            BenchmarkId::new("oneoff_evaluator", n),
            &requests,
            |b, reqs| {
                b.iter(|| {
                    Evaluator::new(black_box(&policy)).decide(black_box(&reqs[0].0))
                        == Outcome::Allowed
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("oneoff_iam_rs", n),
            &requests,
            |b, reqs| {
                b.iter(|| {
                    iam_rs::evaluate_policy(black_box(&theirs_policy), black_box(&reqs[0].1))
                        .unwrap()
                        == iam_rs::Decision::Allow
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("iam_rs", n), &requests, |b, reqs| {
            b.iter(|| {
                reqs.iter()
                    .filter(|(_, r, _)| {
                        theirs.evaluate(black_box(r)).unwrap().decision == iam_rs::Decision::Allow
                    })
                    .count()
            })
        });
    }
    group.finish();
}

/// The same four forms over the corpus's policies (`shapes::corpus_decisions`): one
/// iteration decides every request both evaluators answer alike.
fn decide_corpus(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide_corpus");
    let decisions = shapes::corpus_decisions();
    let ours: Vec<_> = decisions.iter().map(|d| Evaluator::new(&d.ours)).collect();
    let theirs: Vec<_> = decisions
        .iter()
        .map(|d| iam_rs::PolicyEvaluator::with_policies(vec![d.theirs.clone()]))
        .collect();
    group.bench_function("evaluator", |b| {
        b.iter(|| {
            ours.iter()
                .zip(&decisions)
                .flat_map(|(e, d)| d.requests.iter().map(move |(r, _)| e.decide(black_box(r))))
                .filter(|o| *o == Outcome::Allowed)
                .count()
        })
    });
    group.bench_function("iam_rs", |b| {
        b.iter(|| {
            theirs
                .iter()
                .zip(&decisions)
                .flat_map(|(e, d)| {
                    d.requests
                        .iter()
                        .map(move |(_, r)| e.evaluate(black_box(r)).unwrap().decision)
                })
                .filter(|o| *o == iam_rs::Decision::Allow)
                .count()
        })
    });
    group.bench_function("oneoff_evaluator", |b| {
        b.iter(|| {
            decisions
                .iter()
                .flat_map(|d| {
                    d.requests
                        .iter()
                        .map(move |(r, _)| Evaluator::new(black_box(&d.ours)).decide(black_box(r)))
                })
                .filter(|o| *o == Outcome::Allowed)
                .count()
        })
    });
    group.bench_function("oneoff_iam_rs", |b| {
        b.iter(|| {
            decisions
                .iter()
                .flat_map(|d| {
                    d.requests.iter().map(move |(_, r)| {
                        iam_rs::evaluate_policy(black_box(&d.theirs), black_box(r)).unwrap()
                    })
                })
                .filter(|o| *o == iam_rs::Decision::Allow)
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, decide, decide_corpus);
criterion_main!(benches);
