//! What the engine remembers and shares between questions (lowered conditions, the automata
//! of a caller's domain, answers per key) must never make two different questions one: each
//! test asks two questions that differ only in what a wrong memory would ignore.

mod common;

use common::*;
use policy_analysis::{Analyzer, CallerClass, Certainty, Identity, Options};

fn root_of(a: &Analyzer, account: &str) -> CallerClass {
    a.classes()
        .iter()
        .find(|c| matches!(c, CallerClass::Root { account: acc } if acc.id == account))
        .expect("the root user of a named account")
        .clone()
}

#[test]
fn a_condition_read_with_and_without_policy_variables_is_two_questions() {
    let (_, a) = analyzer(vec![allow(&["*"], &["ecr:BatchGetImage"], vec![])]);
    let class = outsider_user(&a);
    let c = cond(
        "StringEquals",
        "aws:PrincipalTag/team",
        &["${aws:username}"],
    );
    let as_variable = a.satisfy(&class, std::slice::from_ref(&c), true);
    let as_text = a.satisfy(&class, std::slice::from_ref(&c), false);
    let again = a.satisfy(&class, std::slice::from_ref(&c), true);
    assert_eq!(as_variable.as_ref().map(|s| s.1), Some(Certainty::Possible));
    // Tags are outside the model either way; read as text the value itself is the witness.
    let (witness, _) = as_text.expect("the text value satisfies it");
    assert_eq!(
        witness.values("aws:PrincipalTag/team"),
        Some(&["${aws:username}".to_owned()][..])
    );
    assert_eq!(again.map(|s| s.1), Some(Certainty::Possible));
}

#[test]
fn the_same_arn_condition_for_two_accounts_names_each_account() {
    let p = policy(vec![allow(
        &["111111111111", "222222222222"],
        &["ecr:BatchGetImage"],
        vec![],
    )]);
    let a = Analyzer::new(&p, &options());
    let c = cond("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::*:root"]);
    for account in ["111111111111", "222222222222", "111111111111"] {
        let class = root_of(&a, account);
        let (witness, certainty) = a
            .satisfy(&class, std::slice::from_ref(&c), false)
            .expect("the root user's ARN matches");
        assert_eq!(certainty, Certainty::Certain);
        assert_eq!(
            witness.caller,
            Identity::Root {
                partition: "aws".to_owned(),
                account: account.to_owned()
            }
        );
        assert_eq!(
            witness.values("aws:PrincipalArn"),
            Some(&[format!("arn:aws:iam::{account}:root")][..])
        );
    }
    // A pattern that only one of the two accounts meets.
    let only_first = cond("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::1*:root"]);
    assert!(a
        .satisfy(
            &root_of(&a, "111111111111"),
            std::slice::from_ref(&only_first),
            false
        )
        .is_some());
    assert!(a
        .satisfy(
            &root_of(&a, "222222222222"),
            std::slice::from_ref(&only_first),
            false
        )
        .is_none());
}

#[test]
fn a_refused_key_refuses_the_request_whatever_the_caller() {
    // The caller's ARN can be met, the organization cannot: no request, for every class.
    let (_, a) = analyzer(vec![allow(&["*"], &["ecr:BatchGetImage"], vec![])]);
    let cs = [
        cond("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::*:role/ci-*"]),
        cond("StringEquals", "aws:PrincipalOrgID", &["not-an-org-id"]),
    ];
    for class in a.classes() {
        assert!(a.satisfy(class, &cs, false).is_none(), "{class:?}");
    }
    // Without the organization the sessions of roles meet it, and only they.
    let sessions = a
        .classes()
        .iter()
        .filter(|c| a.satisfy(c, &cs[..1], false).is_some())
        .collect::<Vec<_>>();
    assert!(!sessions.is_empty());
    assert!(sessions
        .iter()
        .all(|c| matches!(c, CallerClass::Session { .. })));
}

#[test]
fn the_same_question_in_two_analyzers_of_different_owners() {
    let p = policy(vec![allow(&["*"], &["ecr:BatchGetImage"], vec![])]);
    let c = cond("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::*:root"]);
    for owner in ["333333333333", "444444444444"] {
        let a = Analyzer::new(
            &p,
            &Options {
                owner: Some(owner.to_owned()),
                ..options()
            },
        );
        let (w, _) = a
            .satisfy(&root_of(&a, owner), std::slice::from_ref(&c), false)
            .expect("the owner's root user");
        assert_eq!(w.caller.account(), Some(owner));
    }
}
