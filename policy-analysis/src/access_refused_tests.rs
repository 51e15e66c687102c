//! [`Analyzer::search_with`], which does not ask again for a candidate without conditions
//! once one was refused, against the search that asks every candidate.

use super::*;
use crate::ir::{Actions, Statement};
use policy_catalogue::ConditionOperator;

fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
    let operator: ConditionOperator = op.parse().expect("an operator");
    Condition::new(operator, key, values.iter().copied())
}

fn statement(
    effect: Effect,
    principals: &[&str],
    actions: &[&str],
    conditions: Vec<Condition>,
) -> Statement {
    Statement {
        sid: None,
        effect,
        principal: Some(Principals {
            negated: false,
            items: principals.iter().map(|p| PrincipalItem::aws(p)).collect(),
        }),
        actions: Actions {
            negated: false,
            items: actions.iter().map(|a| (*a).to_owned()).collect(),
        },
        resources: None,
        conditions,
    }
}

/// The search as it was: every candidate asked, in order, with one budget.
fn every_candidate(a: &Analyzer, i: usize, sig: &Signature, identity_allows_all: bool) -> Verdict {
    let who = &a.whos[i];
    let (denies, mention) = a.denies_of(sig);
    let mut budget = SEARCH_BUDGET;
    for candidate in a.candidates_with(i, sig, identity_allows_all) {
        let (route, s, j) = candidate;
        let (base, exact) = a.candidate_constraints(&candidate);
        if let Some(mut solved) = satisfy(who, base, &denies, &mention, &mut budget) {
            solved.exact &= exact;
            return Verdict::Allowed(Grant {
                route,
                statements: s.into_iter().collect(),
                identity_statement: j,
                certainty: if solved.exact {
                    Certainty::Certain
                } else {
                    Certainty::Possible
                },
                witness: solved.witness,
            });
        }
    }
    Verdict::Denied
}

#[test]
fn searches_that_skip_refused_conditions_answer_as_every_candidate_does() {
    let owner = "111122223333";
    let mut next = crate::test_random::xorshift_usize(0x51_7cc1_b727_220a);
    let principals = [
        "*".to_owned(),
        format!("arn:aws:iam::{owner}:root"),
        format!("arn:aws:iam::{owner}:role/admin"),
        "arn:aws:iam::444455556666:root".to_owned(),
    ];
    let actions = [
        "ecr:*",
        "ecr:SetRepositoryPolicy",
        "ecr:BatchGetImage",
        "ecr:Put*",
    ];
    let pool = [
        cond(
            "NotIpAddress",
            "aws:SourceIp",
            &["10.1.0.0/16", "2001:db8:1::/48"],
        ),
        cond("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
        cond("IpAddress", "aws:SourceIp", &["10.2.0.0/16"]),
        cond("StringNotEquals", "aws:PrincipalAccount", &[owner]),
        cond(
            "StringLike",
            "aws:PrincipalArn",
            &["arn:aws:iam::*:role/team-*"],
        ),
        cond("StringNotLike", "aws:userid", &["*:ci-*"]),
        cond("StringLike", "aws:PrincipalOrgID", &["o-1*"]),
        cond("Bool", "aws:SecureTransport", &["false"]),
        cond("StringEquals", "aws:PrincipalTag/team", &["a"]),
        cond("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
    ];
    let (mut searches, mut shared, mut allowed, mut unsure) = (0, 0, 0, 0);
    for round in 0..240 {
        // Some policies with enough denies to use up the budget.
        let n = if round % 8 == 0 { 12 } else { 1 + next(5) };
        let statements: Vec<Statement> = (0..n)
            .map(|k| {
                let effect = if k == 0 || next(4) == 0 {
                    Effect::Allow
                } else {
                    Effect::Deny
                };
                let ps: Vec<&str> = (0..1 + next(2))
                    .map(|_| principals[next(principals.len())].as_str())
                    .collect();
                let acts = [actions[next(actions.len())]];
                let cs = (0..next(4))
                    .map(|_| pool[next(pool.len())].clone())
                    .collect();
                statement(effect, &ps, &acts, cs)
            })
            .collect();
        let policy = Policy {
            variables: true,
            statements,
        };
        for identity in [IdentityPolicies::Unknown, IdentityPolicies::AllowAll] {
            let options = Options {
                owner: (round % 3 != 0).then(|| owner.to_owned()),
                identity,
                ..Options::default()
            };
            let a = Analyzer::new(&policy, &options);
            for i in 0..a.classes.len() {
                let relevant = a.relevant(i);
                for action in [
                    Action::SetRepositoryPolicy,
                    Action::BatchGetImage,
                    Action::PutImage,
                ] {
                    let sig = a.signature(&relevant, action);
                    for all in [false, true] {
                        let bases: Vec<Vec<*const Constraint>> = a
                            .candidates_with(i, &sig, all)
                            .iter()
                            .map(|c| {
                                a.candidate_constraints(c)
                                    .0
                                    .into_iter()
                                    .map(std::ptr::from_ref)
                                    .collect()
                            })
                            .collect();
                        // Two candidates without conditions: the second may be skipped.
                        shared += usize::from(bases.iter().filter(|b| b.is_empty()).count() > 1);
                        let fast = a.search_with(i, &sig, all);
                        assert_eq!(
                            fast,
                            every_candidate(&a, i, &sig, all),
                            "{policy:?} {:?}",
                            a.classes[i]
                        );
                        searches += 1;
                        if let Verdict::Allowed(g) = fast {
                            allowed += 1;
                            unsure += usize::from(g.certainty == Certainty::Possible);
                        }
                    }
                }
            }
        }
    }
    assert!(
        shared > 200 && allowed > 200 && unsure > 20 && searches > allowed + 200,
        "{searches} {shared} {allowed} {unsure}"
    );
}
