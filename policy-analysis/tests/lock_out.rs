//! The lock-out check ([`findings::searched_locked_out`]) answers as a straightforward reading of
//! its rule does: an analyzer for each possible owner (the policy's named accounts, read from
//! the classes of an analyzer with default options, when no owner is given), and every class
//! of the owning account asked to set and to delete the policy, one by one.

mod common;

use std::collections::BTreeSet;

use common::{allow, cond, deny, statement, OTHER, OWNER};
use policy_analysis::findings::{findings_with, searched_locked_out, Code};
use policy_analysis::ir::{Condition, Effect, Policy, Statement};
use policy_analysis::{Analyzer, CallerClass, IdentityPolicies, Options, Verdict};
use policy_catalogue::Action;

/// The rule, as it read before the check shared its searches.
fn by_the_rule(policy: &Policy, options: &Options) -> Vec<Action> {
    let mut owners: Vec<Options> = vec![Options {
        trusted: Vec::new(),
        identity: IdentityPolicies::AllowAll,
        ..options.clone()
    }];
    if options.owner.is_none() {
        let named = Analyzer::new(policy, &Options::default());
        let ids: BTreeSet<&str> = named
            .classes()
            .iter()
            .filter_map(CallerClass::account)
            .filter(|a| a.named)
            .map(|a| a.id.as_str())
            .collect();
        owners.extend(ids.into_iter().map(|id| Options {
            owner: Some(id.to_owned()),
            region: Some("us-east-1".to_owned()),
            repository: Some(format!(
                "arn:aws:ecr:us-east-1:{id}:repository/unnamed-repository"
            )),
            identity: IdentityPolicies::AllowAll,
            ..Options::default()
        }));
    }
    let analyzers: Vec<Analyzer> = owners.iter().map(|o| Analyzer::new(policy, o)).collect();
    let can = |analyzer: &Analyzer, act: Action| {
        analyzer
            .classes()
            .iter()
            .filter(|c| c.account().is_some_and(|a| a.owner))
            .any(|c| matches!(analyzer.decide(c, act), Verdict::Allowed(_)))
    };
    let act = Action::SetRepositoryPolicy;
    if analyzers.iter().any(|a| can(a, act)) {
        return Vec::new();
    }
    let mut locked = vec![act];
    if !analyzers
        .iter()
        .any(|a| can(a, Action::DeleteRepositoryPolicy))
    {
        locked.push(Action::DeleteRepositoryPolicy);
    }
    locked
}

/// Options to judge each policy with: owner unknown, known, and known with its repository.
fn all_options() -> Vec<Options> {
    vec![
        Options::default(),
        Options {
            owner: Some(OWNER.to_owned()),
            ..Options::default()
        },
        Options {
            owner: Some(OWNER.to_owned()),
            trusted: vec![OTHER.to_owned()],
            region: Some("us-east-1".to_owned()),
            repository: Some(format!("arn:aws:ecr:us-east-1:{OWNER}:repository/app")),
            ..Options::default()
        },
    ]
}

fn policy(statements: Vec<Statement>) -> Policy {
    Policy {
        variables: true,
        statements,
    }
}

/// Tallies of the answers, so that the comparison is known to compare something.
#[derive(Default)]
struct Tally {
    open: usize,
    set_only: usize,
    both: usize,
}

fn compare(p: &Policy, tally: &mut Tally) {
    for options in all_options() {
        let fast = searched_locked_out(p, &options);
        let rule = by_the_rule(p, &options);
        assert_eq!(fast, rule, "{p:?} {options:?}");
        // The findings, whose check shares the analyzer given to them where it can.
        let found: Vec<String> = findings_with(&Analyzer::new(p, &options), p, &options)
            .into_iter()
            .filter(|f| f.code == Code::LocksOutPolicyChanges)
            .map(|f| f.message)
            .collect();
        let names: Vec<&str> = rule.iter().map(|a| a.as_str()).collect();
        let call = format!("can call {} any more", names.join(" or "));
        assert_eq!(
            found.len(),
            usize::from(!rule.is_empty()),
            "{p:?} {options:?}"
        );
        assert!(
            found.iter().all(|m| m.contains(&call)),
            "{found:?} {p:?} {options:?}"
        );
        match fast.len() {
            0 => tally.open += 1,
            1 => tally.set_only += 1,
            _ => tally.both += 1,
        }
    }
}

#[test]
fn the_lock_out_check_answers_as_its_rule_on_fixed_policies() {
    let all = ["ecr:*"];
    let ip = |op: &str, v: &[&str]| cond(op, "aws:SourceIp", v);
    let fixed: Vec<Vec<Statement>> = vec![
        // Denies by network, none escaped together.
        vec![
            allow(&["*"], &all, vec![]),
            deny(&["*"], &all, vec![ip("NotIpAddress", &["10.1.0.0/16"])]),
            deny(&["*"], &all, vec![ip("NotIpAddress", &["10.2.0.0/16"])]),
        ],
        // One network escapes both.
        vec![
            deny(&["*"], &all, vec![ip("NotIpAddress", &["10.0.0.0/8"])]),
            deny(&["*"], &all, vec![ip("NotIpAddress", &["10.2.0.0/16"])]),
        ],
        // Setting denied to everyone, deleting left.
        vec![deny(&["*"], &["ecr:SetRepositoryPolicy"], vec![])],
        // Both denied, to a named account's callers and everyone.
        vec![
            allow(&[&format!("arn:aws:iam::{OTHER}:root")], &all, vec![]),
            deny(
                &["*"],
                &["ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy"],
                vec![],
            ),
        ],
        // An administrator role left out of the deny.
        vec![deny(
            &["*"],
            &all,
            vec![cond(
                "ArnNotEquals",
                "aws:PrincipalArn",
                &[&format!("arn:aws:iam::{OWNER}:role/admin")],
            )],
        )],
        // A deny of the owner by name, a role of another account left out.
        vec![
            deny(
                &[&format!("arn:aws:iam::{OWNER}:root")],
                &["ecr:Set*"],
                vec![],
            ),
            deny(
                &["*"],
                &["ecr:DeleteRepositoryPolicy"],
                vec![cond(
                    "StringNotLike",
                    "aws:PrincipalArn",
                    &[&format!("arn:aws:iam::{OTHER}:role/*")],
                )],
            ),
        ],
        // NotPrincipal naming the owner's account.
        vec![statement(
            Effect::Deny,
            true,
            &[&format!("arn:aws:iam::{OWNER}:root")],
            &all,
            vec![],
        )],
    ];
    let mut tally = Tally::default();
    for statements in fixed {
        compare(&policy(statements), &mut tally);
    }
    assert!(tally.open > 0 && tally.set_only > 0 && tally.both > 0);
}

#[test]
fn the_lock_out_check_answers_as_its_rule_on_random_policies() {
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |m: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % m as u64) as usize
    };
    let principals: Vec<String> = vec![
        "*".to_owned(),
        format!("arn:aws:iam::{OWNER}:root"),
        format!("arn:aws:iam::{OTHER}:root"),
        format!("arn:aws:iam::{OWNER}:role/admin"),
        format!("arn:aws:iam::{OTHER}:user/ci"),
        "service:codebuild.amazonaws.com".to_owned(),
    ];
    let actions = [
        "ecr:*",
        "ecr:SetRepositoryPolicy",
        "ecr:DeleteRepositoryPolicy",
        "ecr:Set*",
        "ecr:*RepositoryPolicy",
        "ecr:BatchGetImage",
    ];
    let conditions = || -> Vec<Condition> {
        vec![
            cond(
                "NotIpAddress",
                "aws:SourceIp",
                &["10.1.0.0/16", "2001:db8:1::/48"],
            ),
            cond("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
            cond("IpAddress", "aws:SourceIp", &["10.2.0.0/16"]),
            cond(
                "ArnNotEquals",
                "aws:PrincipalArn",
                &[&format!("arn:aws:iam::{OWNER}:role/admin")],
            ),
            cond(
                "StringLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::*:role/team-*"],
            ),
            cond("StringNotLike", "aws:userid", &["*:ci-*"]),
            cond("StringEquals", "aws:PrincipalAccount", &[OTHER]),
            cond("StringNotEquals", "aws:PrincipalAccount", &[OWNER]),
            cond("StringEquals", "aws:PrincipalType", &["Account"]),
            cond("StringLike", "aws:PrincipalOrgID", &["o-1*"]),
            cond("Bool", "aws:SecureTransport", &["false"]),
            cond("Null", "aws:SourceVpce", &["true"]),
        ]
    };
    let pool = conditions();
    let mut tally = Tally::default();
    for _ in 0..300 {
        let n = 1 + next(4);
        let statements: Vec<Statement> = (0..n)
            .map(|_| {
                let effect = if next(3) == 0 {
                    Effect::Allow
                } else {
                    Effect::Deny
                };
                let ps: Vec<&str> = (0..1 + next(2))
                    .map(|_| principals[next(principals.len())].as_str())
                    .collect();
                let acts: Vec<&str> = (0..1 + next(2))
                    .map(|_| actions[next(actions.len())])
                    .collect();
                let cs: Vec<Condition> = (0..next(3))
                    .map(|_| pool[next(pool.len())].clone())
                    .collect();
                statement(effect, next(8) == 0, &ps, &acts, cs)
            })
            .collect();
        compare(&policy(statements), &mut tally);
    }
    assert!(
        tally.open > 50 && tally.set_only > 20 && tally.both > 20,
        "{} {} {}",
        tally.open,
        tally.set_only,
        tally.both
    );
}
