//! Every grammar form of `policy!`: the macro's value equals the same policy built with the
//! builder, its JSON is pinned by a snapshot, and the compact JSON the macro computes at compile
//! time (for the size limit) is exactly the text `to_json()` renders.

mod common;

use common::account;

use ecr_policy::catalogue::{ActionPattern, ConditionOperator};
use ecr_policy::model::{
    ActionItem, AwsPrincipal, Condition, ConditionKey, ConditionValue, Principal,
};
use ecr_policy::names::{IamPath, Partition};
use ecr_policy::{
    policy, Action, Bundle, OrgId, PolicyId, PolicyTemplate, RepositoryPolicy, RoleName,
    ServiceName, SessionName, Sid, StatementBuilder, UserName, Version,
};

fn condition(op: &str, key: &str, values: &[&str]) -> Condition {
    Condition::new(
        op.parse::<ConditionOperator>().unwrap(),
        ConditionKey::new(key).unwrap(),
        values.iter().map(|v| ConditionValue::from(*v)),
    )
}

/// The compact JSON `policy!` computed at compile time, or `None` for interpolated input.
macro_rules! computed_json {
    ($($dsl:tt)*) => {
        ecr_policy::__private::policy_impl! { (::ecr_policy) @compact_json $($dsl)* }
    };
}

/// A form that yields a `RepositoryPolicy`.
macro_rules! form {
    ($name:literal, { $($dsl:tt)* }, $expected:expr) => {{
        let from_macro: RepositoryPolicy = policy! { $($dsl)* };
        let expected: RepositoryPolicy = $expected;
        assert_eq!(from_macro, expected, "{}", $name);
        assert_eq!(computed_json!($($dsl)*), Some(from_macro.to_json().as_str()), "{}", $name);
        common::snapshots().bind(|| insta::assert_snapshot!($name, from_macro.to_json_pretty()));
    }};
}

/// A form without the policy's account: a `PolicyTemplate`, compared once bound. The macro's
/// compile-time JSON uses the placeholder account 000000000000.
macro_rules! template_form {
    ($name:literal, { $($dsl:tt)* }, $expected:expr) => {{
        let from_macro: PolicyTemplate = policy! { $($dsl)* };
        let expected: PolicyTemplate = $expected;
        let placeholder = account("000000000000");
        assert_eq!(
            computed_json!($($dsl)*),
            Some(from_macro.clone().bind(placeholder).to_json().as_str()),
            "{}",
            $name
        );
        let from_macro = from_macro.bind(account("123456789012"));
        assert_eq!(from_macro, expected.bind(account("123456789012")), "{}", $name);
        common::snapshots().bind(|| insta::assert_snapshot!($name, from_macro.to_json_pretty()));
    }};
}

#[test]
fn card_line() {
    template_form!(
        "macro_card_line",
        { allow user "fcj-ecr-ci-cd-user" push, pull on repo },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .user(UserName::new("fcj-ecr-ci-cd-user").unwrap())
                    .bundle(Bundle::Push)
                    .bundle(Bundle::Pull),
            )
            .build()
            .unwrap()
    );
}

#[test]
fn headers_version_id_account() {
    form!(
        "macro_headers",
        {
            version "2008-10-17";
            id "ci-cd-access";
            account "123456789012";
            sid "AllowPushPullFromCICDUser" allow user "fcj-ecr-ci-cd-user" push, pull on repo
        },
        RepositoryPolicy::builder()
            .version(Version::V2008_10_17)
            .id(PolicyId::new("ci-cd-access").unwrap())
            .account(account("123456789012"))
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("AllowPushPullFromCICDUser").unwrap())
                    .user(UserName::new("fcj-ecr-ci-cd-user").unwrap())
                    .bundle(Bundle::Push)
                    .bundle(Bundle::Pull),
            )
            .build()
            .unwrap()
    );
}

#[test]
fn users_and_roles_with_paths_and_accounts() {
    form!(
        "macro_users_and_roles",
        {
            account "123456789012";
            allow
                user "fcj-ecr-ci-cd-user",
                user "ci/deploy/builder",
                user "auditor" in account "210987654321",
                role "deployer",
                role "/service-role/codebuild-app",
                role "ops/reader" in account "210987654321"
            pull on repo
        },
        RepositoryPolicy::builder()
            .account(account("123456789012"))
            .statement(
                StatementBuilder::allow()
                    .user(UserName::new("fcj-ecr-ci-cd-user").unwrap())
                    .user_with_path(
                        IamPath::new("/ci/deploy/").unwrap(),
                        UserName::new("builder").unwrap(),
                    )
                    .principal(Principal::user(
                        account("210987654321"),
                        UserName::new("auditor").unwrap(),
                    ))
                    .role(RoleName::new("deployer").unwrap())
                    .role_with_path(
                        IamPath::new("/service-role/").unwrap(),
                        RoleName::new("codebuild-app").unwrap(),
                    )
                    .principal(AwsPrincipal::Role {
                        partition: Partition::Aws,
                        account: account("210987654321"),
                        path: IamPath::new("/ops/").unwrap(),
                        name: RoleName::new("reader").unwrap(),
                    })
                    .bundle(Bundle::Pull),
            )
            .build()
            .unwrap()
    );
}

#[test]
fn sessions() {
    template_form!(
        "macro_sessions",
        {
            allow
                session "terraform-ci" "ci-session",
                session "deployer" "release" in account "210987654321"
            push on repo
        },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .session(
                        RoleName::new("terraform-ci").unwrap(),
                        SessionName::new("ci-session").unwrap(),
                    )
                    .principal(AwsPrincipal::AssumedRole {
                        partition: Partition::Aws,
                        account: account("210987654321"),
                        role: RoleName::new("deployer").unwrap(),
                        session: SessionName::new("release").unwrap(),
                    })
                    .bundle(Bundle::Push),
            )
            .build()
            .unwrap()
    );
}

#[test]
fn accounts_and_services() {
    form!(
        "macro_accounts_and_services",
        {
            any_source allow
                account "210987654321",
                account "444455556666",
                service "codebuild.amazonaws.com",
                service "lambda.amazonaws.com"
            pull on repo
        },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .account(account("210987654321"))
                    .account(account("444455556666"))
                    .service(ServiceName::new("codebuild.amazonaws.com").unwrap())
                    .service(ServiceName::new("lambda.amazonaws.com").unwrap())
                    .bundle(Bundle::Pull),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

#[test]
fn anyone() {
    form!(
        "macro_anyone",
        { public allow anyone pull on repo },
        RepositoryPolicy::builder()
            .statement(StatementBuilder::allow().anyone().bundle(Bundle::Pull))
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

#[test]
fn organizations() {
    form!(
        "macro_orgs",
        { sid "OrgPull" allow org "o-a1b2c3d4e5", org "o-f6g7h8i9j0" pull on repo },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("OrgPull").unwrap())
                    .org(OrgId::new("o-a1b2c3d4e5").unwrap())
                    .org(OrgId::new("o-f6g7h8i9j0").unwrap())
                    .bundle(Bundle::Pull),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

#[test]
fn arns() {
    let arns = [
        "210987654321",
        "arn:aws:iam::210987654321:root",
        "arn:aws:iam::210987654321:user/ci/deploy/builder",
        "arn:aws-us-gov:iam::210987654321:role/deployer",
        "arn:aws-cn:sts::210987654321:assumed-role/terraform-ci/ci-session",
    ];
    let mut expected = StatementBuilder::allow();
    for arn in arns {
        expected = expected.principal(AwsPrincipal::from_arn(arn).unwrap());
    }
    form!(
        "macro_arns",
        {
            allow
                arn "210987654321",
                arn "arn:aws:iam::210987654321:root",
                arn "arn:aws:iam::210987654321:user/ci/deploy/builder",
                arn "arn:aws-us-gov:iam::210987654321:role/deployer",
                arn "arn:aws-cn:sts::210987654321:assumed-role/terraform-ci/ci-session"
            pull on repo
        },
        RepositoryPolicy::builder()
            .statement(expected.bundle(Bundle::Pull))
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

/// `deny anyone except ...` denies everyone (`"Principal": "*"`) but the callers its tests spare,
/// rather than writing `NotPrincipal`, which would deny the role's sessions.
#[test]
fn anyone_except_spares_by_condition() {
    form!(
        "macro_anyone_except",
        {
            account "123456789012";
            deny anyone except role "platform-admin", user "ops/alice" in account "210987654321",
                arn "arn:aws-cn:iam::444455556666:role/auditor", account "555566667777",
                service "codebuild.amazonaws.com"
            policy on repo
        },
        RepositoryPolicy::builder()
            .account(account("123456789012"))
            .statement(
                StatementBuilder::deny()
                    .anyone()
                    .bundle(Bundle::Policy)
                    .condition(condition(
                        "ArnNotLike",
                        "aws:PrincipalArn",
                        &[
                            "arn:aws:iam::123456789012:role/platform-admin",
                            "arn:aws:iam::210987654321:user/ops/alice",
                            "arn:aws-cn:iam::444455556666:role/auditor",
                        ],
                    ))
                    .condition(condition("StringNotEquals", "aws:PrincipalAccount", &["555566667777"]))
                    .condition(condition(
                        "StringNotEquals",
                        "aws:PrincipalServiceName",
                        &["codebuild.amazonaws.com"],
                    )),
            )
            .build()
            .unwrap()
    );
}

/// The excepted ARNs join a test of the same operator and key the statement already has: both
/// spare their callers.
#[test]
fn anyone_except_joins_unless_principal_arn() {
    form!(
        "macro_anyone_except_unless",
        {
            account "123456789012";
            deny anyone except role "platform-admin" policy on repo
                unless principal_arn "arn:aws:iam::123456789012:role/break-glass-*" or secure_transport
        },
        RepositoryPolicy::builder()
            .account(account("123456789012"))
            .statement(
                StatementBuilder::deny()
                    .anyone()
                    .bundle(Bundle::Policy)
                    .condition(condition(
                        "ArnNotLike",
                        "aws:PrincipalArn",
                        &[
                            "arn:aws:iam::123456789012:role/break-glass-*",
                            "arn:aws:iam::123456789012:role/platform-admin",
                        ],
                    ))
                    .condition(Condition::new(
                        "Bool".parse().unwrap(),
                        ConditionKey::new("aws:SecureTransport").unwrap(),
                        [ConditionValue::Bool(false)],
                    )),
            )
            .build()
            .unwrap()
    );
}

/// Without the policy's account, the excepted role waits for it like any principal.
#[test]
fn anyone_except_in_a_template() {
    template_form!(
        "macro_anyone_except_template",
        { deny anyone except role "ops/platform-admin", user "alice" policy on repo },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::deny()
                    .anyone()
                    .spare_role_with_path(
                        IamPath::new("/ops/").unwrap(),
                        RoleName::new("platform-admin").unwrap(),
                    )
                    .spare_user(UserName::new("alice").unwrap())
                    .bundle(Bundle::Policy),
            )
            .build()
            .unwrap()
    );
}

#[test]
fn anyone_except_with_interpolated_names() {
    let acct = account("123456789012");
    let other = account("210987654321");
    let role = RoleName::new("platform-admin").unwrap();
    let user = UserName::new("alice").unwrap();
    let service = ServiceName::new("codebuild.amazonaws.com").unwrap();
    let from_macro = policy! {
        account {acct.clone()};
        deny anyone except role {role.clone()}, user {user.clone()} in account {other.clone()},
            account {other.clone()}, service {service.clone()}
        policy on repo
    };
    let expected = RepositoryPolicy::builder()
        .account(acct)
        .statement(
            StatementBuilder::deny()
                .anyone()
                .bundle(Bundle::Policy)
                .condition(condition(
                    "ArnNotLike",
                    "aws:PrincipalArn",
                    &[
                        "arn:aws:iam::123456789012:role/platform-admin",
                        "arn:aws:iam::210987654321:user/alice",
                    ],
                ))
                .condition(condition(
                    "StringNotEquals",
                    "aws:PrincipalAccount",
                    &[other.as_str()],
                ))
                .condition(condition(
                    "StringNotEquals",
                    "aws:PrincipalServiceName",
                    &[service.as_str()],
                )),
        )
        .build()
        .unwrap();
    assert_eq!(from_macro, expected);
}

#[test]
fn every_action_form() {
    form!(
        "macro_action_forms",
        {
            allow account "210987654321"
                read, ListImages, ecr:DescribeImageScanFindings, ecr:Batch*, ecr:Get*Policy,
                "ecr:StartImageScan", "ecr:put?mage", "ecr:Describe*"
            on repo
        },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .account(account("210987654321"))
                    .bundle(Bundle::Read)
                    .action(Action::ListImages)
                    .action(Action::DescribeImageScanFindings)
                    .action(ActionPattern::new("ecr:Batch*").unwrap())
                    .action(ActionPattern::new("ecr:Get*Policy").unwrap())
                    .action(Action::StartImageScan)
                    .action(ActionPattern::new("ecr:put?mage").unwrap())
                    .action(ActionPattern::new("ecr:Describe*").unwrap()),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

#[test]
fn every_bundle_and_the_star_pattern() {
    form!(
        "macro_bundles",
        {
            sid "Bundles" allow account "210987654321"
                pull, push, read, delete, tag, policy, lifecycle, scan on repo;
            sid "All" allow account "210987654321" all on repo;
            sid "Everything" allow account "210987654321" ecr:* on repo
        },
        RepositoryPolicy::builder()
            .statement(
                Bundle::ALL[..8].iter().fold(
                    StatementBuilder::allow()
                        .sid(Sid::new("Bundles").unwrap())
                        .account(account("210987654321")),
                    |s, b| s.bundle(*b),
                ),
            )
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("All").unwrap())
                    .account(account("210987654321"))
                    .bundle(Bundle::All),
            )
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("Everything").unwrap())
                    .account(account("210987654321"))
                    .action(ActionPattern::new("ecr:*").unwrap()),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

#[test]
fn except_is_not_action() {
    form!(
        "macro_not_action",
        { allow account "210987654321" except delete, policy on repo },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .account(account("210987654321"))
                    .bundle(Bundle::Delete)
                    .bundle(Bundle::Policy)
                    .not_action(),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

#[test]
fn plain_word_conditions() {
    form!(
        "macro_plain_conditions",
        {
            sid "CodeBuild" allow service "codebuild.amazonaws.com" pull on repo
                when source_account "123456789012"
                and source_arn "arn:aws:codebuild:us-east-1:123456789012:project/*";
            sid "Tagged" allow account "210987654321" push on repo
                when org "o-a1b2c3d4e5"
                and principal_arn ["arn:aws:iam::210987654321:role/ci-*", "arn:aws:iam::210987654321:role/release"]
                and principal_tag "team" = ["platform", "sre"]
                and secure_transport;
            sid "Office" allow account "210987654321" read on repo
                when source_ip ["203.0.113.0/24", "2001:db8::/32"]
        },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("CodeBuild").unwrap())
                    .service(ServiceName::new("codebuild.amazonaws.com").unwrap())
                    .bundle(Bundle::Pull)
                    .source_account(&account("123456789012"))
                    .source_arn("arn:aws:codebuild:us-east-1:123456789012:project/*"),
            )
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("Tagged").unwrap())
                    .account(account("210987654321"))
                    .bundle(Bundle::Push)
                    .condition(condition("StringEquals", "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]))
                    .condition(condition(
                        "ArnLike",
                        "aws:PrincipalArn",
                        &[
                            "arn:aws:iam::210987654321:role/ci-*",
                            "arn:aws:iam::210987654321:role/release",
                        ],
                    ))
                    .condition(condition("StringEquals", "aws:PrincipalTag/team", &["platform", "sre"]))
                    .condition(Condition::new(
                        "Bool".parse().unwrap(),
                        ConditionKey::new("aws:SecureTransport").unwrap(),
                        [ConditionValue::from(true)],
                    )),
            )
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("Office").unwrap())
                    .account(account("210987654321"))
                    .bundle(Bundle::Read)
                    .condition(condition(
                        "IpAddress",
                        "aws:SourceIp",
                        &["203.0.113.0/24", "2001:db8::/32"],
                    )),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

#[test]
fn unless_negates_plain_words() {
    form!(
        "macro_unless",
        {
            deny anyone all on repo
                unless source_ip ["203.0.113.0/24", "198.51.100.7"]
                or org "o-a1b2c3d4e5"
                or source_account "123456789012"
                or source_arn "arn:aws:lambda:*:123456789012:function:*"
                or principal_arn "arn:aws:iam::123456789012:role/admin"
                or principal_tag "team" = "platform"
                or secure_transport
        },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::deny()
                    .anyone()
                    .bundle(Bundle::All)
                    .condition(condition(
                        "NotIpAddress",
                        "aws:SourceIp",
                        &["203.0.113.0/24", "198.51.100.7"],
                    ))
                    .condition(condition("StringNotEquals", "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]))
                    .condition(condition("StringNotEquals", "aws:SourceAccount", &["123456789012"]))
                    .condition(condition(
                        "ArnNotLike",
                        "aws:SourceArn",
                        &["arn:aws:lambda:*:123456789012:function:*"],
                    ))
                    .condition(condition(
                        "ArnNotLike",
                        "aws:PrincipalArn",
                        &["arn:aws:iam::123456789012:role/admin"],
                    ))
                    .condition(condition("StringNotEquals", "aws:PrincipalTag/team", &["platform"]))
                    .condition(Condition::new(
                        "Bool".parse().unwrap(),
                        ConditionKey::new("aws:SecureTransport").unwrap(),
                        [ConditionValue::from(false)],
                    )),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

#[test]
fn general_conditions() {
    form!(
        "macro_general_conditions",
        {
            allow anyone pull on repo
                when StringLike "aws:PrincipalArn" ["arn:aws:iam::*:role/ci-*", "arn:aws:iam::*:role/release-*"]
                and ForAnyValue:StringLike "aws:PrincipalOrgPaths" "o-a1b2c3d4e5/r-ab12/*"
                and StringEqualsIfExists "aws:RequestedRegion" "eu-west-1"
                and NumericLessThan "aws:MultiFactorAuthAge" 3600
                and Bool "aws:SecureTransport" true
                and Null "aws:PrincipalOrgID" false
                and DateGreaterThan "aws:CurrentTime" "2026-01-01T00:00:00Z"
                and StringEquals "ecr:ResourceTag/env" "prod"
        },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .anyone()
                    .bundle(Bundle::Pull)
                    .condition(condition(
                        "StringLike",
                        "aws:PrincipalArn",
                        &["arn:aws:iam::*:role/ci-*", "arn:aws:iam::*:role/release-*"],
                    ))
                    .condition(condition(
                        "ForAnyValue:StringLike",
                        "aws:PrincipalOrgPaths",
                        &["o-a1b2c3d4e5/r-ab12/*"],
                    ))
                    .condition(condition("StringEqualsIfExists", "aws:RequestedRegion", &["eu-west-1"]))
                    .condition(Condition::new(
                        "NumericLessThan".parse().unwrap(),
                        ConditionKey::new("aws:MultiFactorAuthAge").unwrap(),
                        [ConditionValue::from(3600_u64)],
                    ))
                    .condition(Condition::new(
                        "Bool".parse().unwrap(),
                        ConditionKey::new("aws:SecureTransport").unwrap(),
                        [ConditionValue::from(true)],
                    ))
                    .condition(Condition::new(
                        "Null".parse().unwrap(),
                        ConditionKey::new("aws:PrincipalOrgID").unwrap(),
                        [ConditionValue::from(false)],
                    ))
                    .condition(condition("DateGreaterThan", "aws:CurrentTime", &["2026-01-01T00:00:00Z"]))
                    .condition(condition("StringEquals", "ecr:ResourceTag/env", &["prod"])),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

#[test]
fn several_statements() {
    form!(
        "macro_several_statements",
        {
            version "2012-10-17";
            account "123456789012";
            sid "AllowPushPullFromCICDUser" allow user "fcj-ecr-ci-cd-user" push, pull on repo;
            sid "CrossAccountPull" allow account "210987654321", role "deployer" in account "210987654321" pull on repo;
            sid "CodeBuild" allow service "codebuild.amazonaws.com" pull on repo
                when source_account "123456789012" and source_arn "arn:aws:codebuild:us-east-1:123456789012:project/*";
            sid "DenyOutsideOffice" deny anyone all on repo unless source_ip ["203.0.113.0/24", "2001:db8::/32"];
            allow org "o-a1b2c3d4e5" pull on repo;
            deny anyone except role "platform-admin" policy on repo;
        },
        RepositoryPolicy::builder()
            .version(Version::V2012_10_17)
            .account(account("123456789012"))
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("AllowPushPullFromCICDUser").unwrap())
                    .user(UserName::new("fcj-ecr-ci-cd-user").unwrap())
                    .bundle(Bundle::Push)
                    .bundle(Bundle::Pull),
            )
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("CrossAccountPull").unwrap())
                    .account(account("210987654321"))
                    .principal(Principal::role(account("210987654321"), RoleName::new("deployer").unwrap()))
                    .bundle(Bundle::Pull),
            )
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("CodeBuild").unwrap())
                    .service(ServiceName::new("codebuild.amazonaws.com").unwrap())
                    .bundle(Bundle::Pull)
                    .source_account(&account("123456789012"))
                    .source_arn("arn:aws:codebuild:us-east-1:123456789012:project/*"),
            )
            .statement(
                StatementBuilder::deny()
                    .sid(Sid::new("DenyOutsideOffice").unwrap())
                    .anyone()
                    .bundle(Bundle::All)
                    .condition(condition("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24", "2001:db8::/32"])),
            )
            .statement(
                StatementBuilder::allow()
                    .org(OrgId::new("o-a1b2c3d4e5").unwrap())
                    .bundle(Bundle::Pull),
            )
            .statement(
                StatementBuilder::deny()
                    .anyone()
                    .bundle(Bundle::Policy)
                    .condition(condition(
                        "ArnNotLike",
                        "aws:PrincipalArn",
                        &["arn:aws:iam::123456789012:role/platform-admin"],
                    )),
            )
            .build()
            .unwrap()
    );
}

#[test]
fn escaping_in_the_computed_json() {
    // Quotes, backslashes and control characters in a condition value, non-ASCII text.
    form!(
        "macro_escaping",
        {
            sid "Escapes" public allow anyone pull on repo
                when StringEquals "aws:PrincipalTag/note" ["a \"quoted\" \\ value", "tab\there\u{1}", "größe"]
        },
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("Escapes").unwrap())
                    .anyone()
                    .bundle(Bundle::Pull)
                    .condition(condition(
                        "StringEquals",
                        "aws:PrincipalTag/note",
                        &["a \"quoted\" \\ value", "tab\there\u{1}", "größe"],
                    )),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    );
}

/// Every literal slot also takes a Rust value of the core type.
#[test]
fn interpolation_in_every_slot() {
    let acct = account("123456789012");
    let other = account("210987654321");
    let version = Version::V2008_10_17;
    let id = PolicyId::new("interpolated").unwrap();
    let sid = Sid::new("Interpolated").unwrap();
    let user = UserName::new("fcj-ecr-ci-cd-user").unwrap();
    let role = RoleName::new("deployer").unwrap();
    let session = SessionName::new("ci-session").unwrap();
    let service = ServiceName::new("codebuild.amazonaws.com").unwrap();
    let org = OrgId::new("o-a1b2c3d4e5").unwrap();
    let arn = AwsPrincipal::from_arn("arn:aws:iam::444455556666:role/reader").unwrap();
    let action = ActionItem::from(Action::ListImages);
    let source_arn = ConditionValue::from("arn:aws:codebuild:us-east-1:123456789012:project/*");
    let tag = ConditionKey::new("aws:PrincipalTag/team").unwrap();

    let from_macro = policy! {
        version {version};
        id {id.clone()};
        account {acct.clone()};
        sid {sid.clone()} allow
            user {user.clone()},
            role {role.clone()} in account {other.clone()},
            session {role.clone()} {session.clone()},
            account {other.clone()},
            service {service.clone()},
            arn {arn.clone()}
        pull, {action.clone()} on repo
            when source_account {acct.clone()} and source_arn {source_arn.clone()}
            and StringEquals {tag.clone()} "platform";
        allow org {org.clone()} pull on repo;
        allow account "210987654321" push on repo when org {org.clone()}
    };
    let expected = RepositoryPolicy::builder()
        .version(version)
        .id(id)
        .account(acct.clone())
        .statement(
            StatementBuilder::allow()
                .sid(sid)
                .user(user)
                .principal(Principal::role(other.clone(), role.clone()))
                .session(role, session)
                .account(other)
                .service(service)
                .principal(arn)
                .bundle(Bundle::Pull)
                .action(action)
                .source_account(&acct)
                .condition(Condition::new(
                    "ArnLike".parse().unwrap(),
                    ConditionKey::new("aws:SourceArn").unwrap(),
                    [source_arn],
                ))
                .condition(condition("StringEquals", tag.as_str(), &["platform"])),
        )
        .statement(
            StatementBuilder::allow()
                .org(org.clone())
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::allow()
                .account(account("210987654321"))
                .bundle(Bundle::Push)
                .condition(condition(
                    "StringEquals",
                    "aws:PrincipalOrgID",
                    &[org.as_str()],
                )),
        )
        .build()
        .unwrap();
    assert_eq!(from_macro, expected);
    let computed: Option<&str> = computed_json! { account {acct}; allow user "a" pull on repo };
    assert_eq!(
        computed, None,
        "an interpolated policy has no compile-time JSON"
    );
}

#[test]
fn an_interpolated_account_makes_a_policy_not_a_template() {
    let acct = account("444455556666");
    let policy: RepositoryPolicy = policy! {
        account {acct};
        allow user "fcj-ecr-ci-cd-user" push, pull on repo
    };
    assert_eq!(
        policy.to_json_pretty(),
        common::seed_json("444455556666")
            .replace("2008-10-17", "2012-10-17")
            .replace("      \"Sid\": \"AllowPushPullFromCICDUser\",\n", "")
    );
}
