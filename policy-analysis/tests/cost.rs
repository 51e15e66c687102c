//! Cost: linear in entries, and a policy at ECR's size limit analysed quickly. Bounds are loose
//! (debug builds, shared machines); the release figures are far below them.

mod common;

use std::time::{Duration, Instant};

use common::*;
use policy_analysis::ir::Effect;
use policy_analysis::Analyzer;

fn time<T>(f: impl Fn() -> T) -> (T, Duration) {
    let start = Instant::now();
    let mut out = f();
    let mut best = start.elapsed();
    for _ in 0..4 {
        let t = Instant::now();
        out = f();
        best = best.min(t.elapsed());
    }
    (out, best)
}

#[test]
fn ten_thousand_wildcard_actions() {
    let actions: Vec<String> = (0..10_000).map(|i| format!("ecr:Get*{i}*")).collect();
    let refs: Vec<&str> = actions.iter().map(String::as_str).collect();
    let p = policy(vec![allow(&["*"], &refs, vec![])]);
    let (access, took) = time(|| Analyzer::new(&p, &options()).access());
    // No action has digits in its name: only the owner's root, which needs no grant.
    assert!(access
        .iter()
        .all(|x| x.grant.route == policy_analysis::Route::RootOfOwner));
    assert!(took < Duration::from_secs(2), "{took:?}");
    println!("10,000 wildcard actions: {took:?}");
}

/// A policy of about 10,000 characters: named principals, conditions, a deny.
fn large_policy() -> policy_analysis::ir::Policy {
    let mut statements = Vec::new();
    for i in 0..22 {
        let account = format!("{:012}", 100_000_000_000u64 + i);
        let role = format!("arn:aws:iam::{account}:role/deploy-{i}");
        statements.push(allow(
            &[&role, &account],
            &[
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
                "ecr:Put*",
            ],
            vec![
                cond("StringEquals", "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]),
                cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8", "192.0.2.0/24"]),
            ],
        ));
    }
    statements.push(allow(
        &["service:codebuild.amazonaws.com"],
        &["ecr:BatchGetImage"],
        vec![cond(
            "ArnLike",
            "aws:SourceArn",
            &["arn:aws:codebuild:*:111122223333:project/*"],
        )],
    ));
    statements.push(statement(
        Effect::Deny,
        false,
        &["*"],
        &["ecr:Delete*", "ecr:SetRepositoryPolicy"],
        vec![cond(
            "StringNotLike",
            "aws:PrincipalArn",
            &["arn:aws:iam::111122223333:role/admin*"],
        )],
    ));
    policy(statements)
}

#[test]
#[ignore = "for profiling: cargo test --release --test cost -- --ignored"]
fn profile_the_size_limit() {
    let p = large_policy();
    for _ in 0..300 {
        std::hint::black_box(Analyzer::new(&p, &options()).access());
    }
}

#[test]
fn a_policy_at_the_size_limit() {
    let p = large_policy();
    let (access, took) = time(|| Analyzer::new(&p, &options()).access());
    assert!(!access.is_empty());
    assert!(took < Duration::from_millis(500), "{took:?}");
    println!("policy of ~10 KB, all classes and actions: {took:?}");
}
