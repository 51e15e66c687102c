//! The policy library of `examples/policy_library`: each vetted policy pinned by a snapshot of
//! its JSON and of its access summary, and checked by the access it must and must not grant.

#[path = "../examples/policy_library/mod.rs"]
#[allow(dead_code)]
mod policy_library;

mod common;

use common::account;

use ecr_policy::assert::{assert_allows, assert_denies, check_access_not_granted};
use ecr_policy::eval::{Caller, Evaluator, Request};
use ecr_policy::model::Principal;
use ecr_policy::{Action, BuildError, OrgId, RepositoryPolicy, RoleName};

fn repo() -> ecr_policy::model::RepositoryArn {
    "arn:aws:ecr:us-east-1:123456789012:repository/app"
        .parse()
        .unwrap()
}

/// Pins the JSON and the summary of a library policy.
fn pin(name: &str, policy: &RepositoryPolicy) {
    common::snapshots().bind(|| {
        insta::assert_snapshot!(format!("library_{name}_json"), policy.to_json_pretty());
        insta::assert_snapshot!(
            format!("library_{name}_access"),
            policy.summary().to_string()
        );
    });
}

#[test]
fn ci_push_pull() {
    let policy = policy_library::ci_push_pull(
        account("123456789012"),
        RoleName::new("ci").unwrap(),
        "vpc-1a2b3c4d",
    )
    .unwrap();
    pin("ci_push_pull", &policy);
    let ci = Caller::role(account("123456789012"), RoleName::new("ci").unwrap());
    let evaluator = Evaluator::new(&policy);
    let push = Request::new(ci.clone(), Action::PutImage, repo());
    // From inside the VPC the role pushes; from outside it is denied.
    assert_allows(
        &evaluator,
        &push.clone().context("aws:SourceVpc", ["vpc-1a2b3c4d"]),
    );
    assert_denies(&evaluator, &push.context("aws:SourceVpc", ["vpc-99999999"]));
    // Nobody but the CI role pushes or pulls.
    let other = check_access_not_granted(
        &policy,
        &[Action::PutImage, Action::BatchGetImage],
        &[Principal::role(
            account("123456789012"),
            RoleName::new("ci").unwrap(),
        )],
    );
    assert!(other.is_ok(), "{}", other.unwrap_err());
}

#[test]
fn partners_pull() {
    let partners = vec![account("111122223333"), account("444455556666")];
    let policy = policy_library::partners_pull(partners).unwrap();
    pin("partners_pull", &policy);
    assert!(check_access_not_granted(
        &policy,
        &[
            Action::PutImage,
            Action::BatchDeleteImage,
            Action::SetRepositoryPolicy
        ],
        &[Principal::account(account("111122223333"))]
    )
    .is_ok());
    assert!(matches!(
        policy_library::partners_pull(Vec::new()),
        Err(BuildError::MissingPrincipal { statement: 0, .. })
    ));
}

#[test]
fn organization_pull() {
    let policy =
        policy_library::organization_pull(vec![OrgId::new("o-a1b2c3d4e5").unwrap()]).unwrap();
    pin("organization_pull", &policy);
    let member = Request::new(
        Caller::role(account("123456789012"), RoleName::new("app").unwrap()),
        Action::BatchGetImage,
        repo(),
    )
    .principal_org_id("o-a1b2c3d4e5");
    assert_allows(&Evaluator::new(&policy), &member);
    assert!(policy_library::organization_pull(Vec::new()).is_err());
}

#[test]
fn codebuild_pull() {
    let policy = policy_library::codebuild_pull(account("123456789012"));
    pin("codebuild_pull", &policy);
    assert!(check_access_not_granted(
        &policy,
        &[Action::PutImage],
        &[Principal::Service(
            "codebuild.amazonaws.com".parse().unwrap()
        )]
    )
    .is_ok());
}

#[test]
fn the_access_summary_of_every_principal_and_condition_kind() {
    let policy = ecr_policy::policy! {
        account "123456789012";
        allow user "ci", user "deploy/bot", role "builder", session "ops" "alice" push, pull on repo;
        allow account "111122223333", arn "arn:aws:iam::210987654321:role/reader", role "x" in account "210987654321" read on repo;
        allow service "codebuild.amazonaws.com" pull on repo
            when source_account "123456789012" and source_arn "arn:aws:codebuild:us-east-1:123456789012:project/*";
        allow org "o-a1b2c3d4e5" pull on repo when principal_tag "team" = ["platform", "infra"];
        allow anyone ecr:ListImages, ecr:Describe* on repo when source_ip ["203.0.113.0/24", "198.51.100.0/24"] and secure_transport;
        // With the deny below, no role of the account can change the policy: meant here.
        lockout deny anyone except role "platform-admin", account "210987654321" policy on repo;
        deny anyone except delete on repo unless principal_arn "arn:aws:iam::123456789012:role/ops-*";
        allow role "auditor" all on repo when NumericLessThan "aws:MultiFactorAuthAge" 3600
    };
    let summary = policy.summary();
    // One row per principal of each statement.
    assert_eq!(summary.rows.len(), 13);
    common::snapshots().bind(|| {
        insta::assert_snapshot!("library_summary_every_kind", summary.to_string());
    });
}
