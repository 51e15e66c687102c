//! JSON of the typed model: the seed policy, every principal kind, condition family, bundle,
//! both versions, several statements, deny statements, and the text AWS returns.

mod common;

use common::account;

use ecr_policy::catalogue::{ActionPattern, ConditionOperator, PublicAction};
use ecr_policy::model::{
    AwsPrincipal, Condition, ConditionKey, ConditionValue, ListForm, Principal,
};
use ecr_policy::names::{IamPath, Partition};
use ecr_policy::{
    Action, Bundle, OrgId, RepositoryPolicy, RoleName, ServiceName, SessionName, Sid,
    StatementBuilder, UserName, Version,
};

fn op(s: &str) -> ConditionOperator {
    s.parse().unwrap()
}

fn key(s: &str) -> ConditionKey {
    ConditionKey::new(s).unwrap()
}

fn seed_policy(acct: &str) -> RepositoryPolicy {
    RepositoryPolicy::builder()
        .version(Version::V2008_10_17)
        .account(account(acct))
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("AllowPushPullFromCICDUser").unwrap())
                .user(UserName::new("fcj-ecr-ci-cd-user").unwrap())
                .bundle(Bundle::Push)
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
}

/// One pull statement for `principal`, written as compact JSON.
fn pull_for(principal: impl Into<Principal>) -> String {
    RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .principal(principal)
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap()
        .to_json()
}

#[test]
fn seed_policy_pretty_is_the_seed_json() {
    assert_eq!(
        seed_policy("123456789012").to_json_pretty(),
        common::seed_json("123456789012")
    );
    assert_eq!(
        seed_policy("000011112222").to_json_pretty(),
        common::seed_json("000011112222")
    );
}

#[test]
fn bundle_order_does_not_change_the_action_order() {
    let pull_push = RepositoryPolicy::builder()
        .version(Version::V2008_10_17)
        .account(account("123456789012"))
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("AllowPushPullFromCICDUser").unwrap())
                .user(UserName::new("fcj-ecr-ci-cd-user").unwrap())
                .bundle(Bundle::Pull)
                .bundle(Bundle::Push),
        )
        .build()
        .unwrap();
    assert_eq!(pull_push, seed_policy("123456789012"));
}

#[test]
fn duplicate_actions_are_written_once() {
    let json = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .anyone()
                .action(Action::PutImage)
                .action(Action::PutImage)
                .bundle(Bundle::Push),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap()
        .to_json();
    assert_eq!(json.matches("ecr:PutImage").count(), 1, "{json}");
}

#[test]
fn seed_example_prints_the_seed_json() {
    assert_eq!(
        common::run_example("builder", None).trim_end(),
        common::seed_json("123456789012")
    );
    assert_eq!(
        common::run_example("builder", Some("444455556666")).trim_end(),
        common::seed_json("444455556666")
    );
}

#[test]
fn principal_kinds() {
    let acct = account("123456789012");
    let cases: Vec<(&str, Principal)> = vec![
        ("anyone", Principal::Anyone),
        ("aws_everyone", Principal::Aws(AwsPrincipal::Everyone)),
        ("account_root", Principal::account(acct.clone())),
        (
            "account_bare",
            Principal::Aws(AwsPrincipal::Account {
                partition: Partition::Aws,
                account: acct.clone(),
                bare: true,
            }),
        ),
        (
            "user",
            Principal::user(acct.clone(), UserName::new("fcj-ecr-ci-cd-user").unwrap()),
        ),
        (
            "user_with_path",
            Principal::Aws(AwsPrincipal::User {
                partition: Partition::Aws,
                account: acct.clone(),
                path: IamPath::new("/ci/deploy/").unwrap(),
                name: UserName::new("builder").unwrap(),
            }),
        ),
        (
            "role",
            Principal::role(acct.clone(), RoleName::new("deployer").unwrap()),
        ),
        (
            "role_in_gov_cloud",
            Principal::Aws(AwsPrincipal::Role {
                partition: Partition::AwsUsGov,
                account: acct.clone(),
                path: IamPath::root(),
                name: RoleName::new("deployer").unwrap(),
            }),
        ),
        (
            "assumed_role_session",
            Principal::Aws(AwsPrincipal::AssumedRole {
                partition: Partition::Aws,
                account: acct.clone(),
                role: RoleName::new("terraform-ci").unwrap(),
                session: SessionName::new("ci-session").unwrap(),
            }),
        ),
        (
            "service",
            Principal::service(ServiceName::new("codebuild.amazonaws.com").unwrap()),
        ),
    ];
    let rendered: String = cases
        .into_iter()
        .map(|(name, p)| format!("{name}: {}\n", pull_for(p)))
        .collect();
    common::snapshots().bind(|| insta::assert_snapshot!("json_principal_kinds", rendered));
}

#[test]
fn several_principals_group_by_key_in_order() {
    let acct = account("123456789012");
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .service(ServiceName::new("lambda.amazonaws.com").unwrap())
                .principal(Principal::role(acct.clone(), RoleName::new("b").unwrap()))
                .principal(Principal::account(account("210987654321")))
                .principal(Principal::role(acct, RoleName::new("b").unwrap()))
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    common::snapshots()
        .bind(|| insta::assert_snapshot!("json_several_principals", policy.to_json_pretty()));
}

#[test]
fn org_principal_is_anyone_with_the_org_condition() {
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .org(OrgId::new("o-a1b2c3d4e5").unwrap())
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    common::snapshots().bind(|| insta::assert_snapshot!("json_org_pull", policy.to_json_pretty()));
}

#[test]
fn condition_families() {
    let cases: Vec<(&str, &str, Vec<ConditionValue>)> = vec![
        (
            "StringEquals",
            "aws:SourceAccount",
            vec!["123456789012".into()],
        ),
        (
            "StringNotEqualsIgnoreCase",
            "aws:PrincipalTag/team",
            vec!["Platform".into(), "SRE".into()],
        ),
        (
            "StringLike",
            "aws:PrincipalArn",
            vec!["arn:aws:iam::*:role/ci-*".into()],
        ),
        (
            "NumericLessThanEquals",
            "aws:MultiFactorAuthAge",
            vec![ConditionValue::from(3600_u64)],
        ),
        (
            "DateGreaterThan",
            "aws:CurrentTime",
            vec!["2026-01-01T00:00:00Z".into()],
        ),
        (
            "Bool",
            "aws:SecureTransport",
            vec![ConditionValue::from(false)],
        ),
        (
            "BinaryEquals",
            "aws:ExampleBinary",
            vec!["QmluYXJ5VmFsdWU=".into()],
        ),
        (
            "NotIpAddress",
            "aws:SourceIp",
            vec!["203.0.113.0/24".into(), "2001:db8::/32".into()],
        ),
        (
            "ArnLike",
            "aws:SourceArn",
            vec!["arn:aws:codebuild:us-east-1:123456789012:project/*".into()],
        ),
        (
            "Null",
            "aws:PrincipalOrgID",
            vec![ConditionValue::from(false)],
        ),
        (
            "StringEqualsIfExists",
            "aws:RequestedRegion",
            vec!["eu-west-1".into()],
        ),
        (
            "ForAnyValue:StringLike",
            "aws:PrincipalOrgPaths",
            vec!["o-a1b2c3d4e5/r-ab12/*".into()],
        ),
        (
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            vec!["team".into(), "env".into()],
        ),
    ];
    let mut rendered = String::new();
    for (operator, k, values) in cases {
        let json = RepositoryPolicy::builder()
            .statement(
                StatementBuilder::deny()
                    .anyone()
                    .action(Action::PutImage)
                    .condition(Condition::new(op(operator), key(k), values)),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
            .to_json();
        rendered.push_str(&format!("{operator}: {json}\n"));
    }
    common::snapshots().bind(|| insta::assert_snapshot!("json_condition_families", rendered));
}

#[test]
fn conditions_group_by_operator_and_merge_repeated_keys() {
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .service(ServiceName::new("codebuild.amazonaws.com").unwrap())
                .bundle(Bundle::Pull)
                .source_account(&account("123456789012"))
                .source_arn("arn:aws:codebuild:us-east-1:123456789012:project/app")
                .condition(Condition::new(
                    op("StringEquals"),
                    key("aws:SourceAccount"),
                    ["210987654321".into()],
                )),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    common::snapshots()
        .bind(|| insta::assert_snapshot!("json_codebuild_conditions", policy.to_json_pretty()));
}

#[test]
fn every_bundle() {
    let mut rendered = String::new();
    for bundle in Bundle::ALL {
        let json = RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .account(account("210987654321"))
                    .bundle(bundle),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
            .to_json();
        rendered.push_str(&format!("{}: {json}\n", bundle.keyword()));
    }
    common::snapshots().bind(|| insta::assert_snapshot!("json_bundles", rendered));
}

#[test]
fn both_versions_and_an_id() {
    let mut rendered = String::new();
    for version in [Version::V2012_10_17, Version::V2008_10_17] {
        let policy = RepositoryPolicy::builder()
            .version(version)
            .id("ecr-pull-policy".parse().unwrap())
            .statement(
                StatementBuilder::allow()
                    .anyone()
                    .action(Action::BatchGetImage),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap();
        rendered.push_str(&policy.to_json());
        rendered.push('\n');
    }
    common::snapshots().bind(|| insta::assert_snapshot!("json_versions", rendered));
}

#[test]
fn several_statements_with_deny_and_not_elements() {
    let policy = RepositoryPolicy::builder()
        .version(Version::V2012_10_17)
        .account(account("123456789012"))
        .statement(
            StatementBuilder::deny()
                .sid(Sid::new("DenyPolicyChangesExceptAdmin").unwrap())
                .role(RoleName::new("platform-admin").unwrap())
                .own_account()
                .not_principal()
                .bundle(Bundle::Policy)
                .action(Action::DeleteRepository),
        )
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("AllowEverythingButDelete").unwrap())
                .account(account("210987654321"))
                .bundle(Bundle::Delete)
                .not_action(),
        )
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("PatternsAndPublic").unwrap())
                .anyone()
                .action(ActionPattern::new("ecr:Describe*").unwrap())
                .action(PublicAction::DescribeImages)
                .action(Action::ListImages)
                .condition(Condition::new(
                    op("StringEquals"),
                    key("aws:PrincipalOrgID"),
                    ["o-a1b2c3d4e5".into()],
                )),
        )
        .build()
        .unwrap();
    common::snapshots().bind(|| {
        insta::assert_snapshot!("json_several_statements_pretty", policy.to_json_pretty());
        insta::assert_snapshot!("json_several_statements_aws", policy.to_aws_json());
    });
}

#[test]
fn list_forms_can_be_chosen() {
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .account(account("210987654321"))
                .principal_form(ListForm::Array)
                .action(Action::ListImages)
                .action_form(ListForm::Compact),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_eq!(
        policy.to_json(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::210987654321:root"]},"Action":"ecr:ListImages"}]}"#
    );
}

/// Capture 1 of ECR-FACTS section 4: the ECR API reference sample.
#[test]
fn aws_form_matches_capture_1() {
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("AllowPull").unwrap())
                .anyone()
                .action(Action::BatchGetImage)
                .action(Action::GetDownloadUrlForLayer),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    // The capture lists BatchGetImage first, as it was sent; keep the sent order.
    let mut doc = policy.into_document();
    let actions = doc.statements.items_mut()[0]
        .action
        .as_mut()
        .unwrap()
        .actions
        .items_mut();
    actions.reverse();
    let expected = "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"AllowPull\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : \"*\",\n    \"Action\" : [ \"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\" ]\n  } ]\n}";
    assert_eq!(doc.to_aws_json(), expected);
}

/// Capture 2 of ECR-FACTS section 4: a Lambda service principal.
#[test]
fn aws_form_matches_capture_2() {
    let mut doc = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("LambdaECRImageRetrievalPolicy").unwrap())
                .service(ServiceName::new("lambda.amazonaws.com").unwrap())
                .action(Action::BatchGetImage)
                .action(Action::GetDownloadUrlForLayer),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap()
        .into_document();
    doc.statements.items_mut()[0]
        .action
        .as_mut()
        .unwrap()
        .actions
        .items_mut()
        .reverse();
    let expected: String = serde_json::from_str(r#""{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"LambdaECRImageRetrievalPolicy\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"Service\" : \"lambda.amazonaws.com\"\n    },\n    \"Action\" : [ \"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\" ]\n  } ]\n}""#).unwrap();
    assert_eq!(doc.to_aws_json(), expected);
}

/// Capture 3 of ECR-FACTS section 4: a deny with a single action sent as a string.
#[test]
fn aws_form_matches_capture_3() {
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::deny()
                .sid(Sid::new("DenyECRTester").unwrap())
                .principal(Principal::role(
                    account("123456789012"),
                    RoleName::new("ecr_access_teama_role").unwrap(),
                ))
                .action(Action::ListImages)
                .action_form(ListForm::Compact),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_eq!(
        policy.to_json(),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyECRTester","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/ecr_access_teama_role"},"Action":"ecr:ListImages"}]}"#
    );
    let expected: String = serde_json::from_str(r#""{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"DenyECRTester\",\n    \"Effect\" : \"Deny\",\n    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::123456789012:role/ecr_access_teama_role\"\n    },\n    \"Action\" : \"ecr:ListImages\"\n  } ]\n}""#).unwrap();
    assert_eq!(policy.to_aws_json(), expected);
}

#[test]
fn aws_form_writes_bare_accounts_as_root_arns() {
    let bare = Principal::Aws(AwsPrincipal::Account {
        partition: Partition::Aws,
        account: account("210987654321"),
        bare: true,
    });
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .principal(bare)
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert!(policy.to_json().contains(r#""AWS":"210987654321""#));
    assert!(policy
        .to_aws_json()
        .contains(r#""AWS" : "arn:aws:iam::210987654321:root""#));
}

#[test]
fn seed_policy_aws_form() {
    common::snapshots().bind(|| {
        insta::assert_snapshot!(
            "json_seed_aws_form",
            seed_policy("123456789012").to_aws_json()
        )
    });
}
