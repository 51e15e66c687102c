//! Policies from data in `policy!`: lists in every list slot, statements spliced one or many at
//! a time, and `statement!`. Each form equals the same policy built with the builder.

mod common;

use common::account;

use ecr_policy::model::{AwsPrincipal, Condition, ConditionKey, ConditionValue};
use ecr_policy::names::{IamPath, Partition};
use ecr_policy::{
    policy, statement, AccountId, BuildError, Bundle, OrgId, PolicyTemplate, RepositoryPolicy,
    RoleName, ServiceName, SessionName, Sid, StatementBuilder, UserName,
};

fn accounts(ids: &[&str]) -> Vec<AccountId> {
    ids.iter().map(|a| account(a)).collect()
}

fn roles(names: &[&str]) -> Vec<RoleName> {
    names.iter().map(|r| RoleName::new(*r).unwrap()).collect()
}

fn condition(op: &str, key: &str, values: &[&str]) -> Condition {
    Condition::new(
        op.parse().unwrap(),
        ConditionKey::new(key).unwrap(),
        values.iter().map(|v| ConditionValue::from(*v)),
    )
}

#[test]
fn a_policy_for_accounts_read_at_run_time() {
    // As if read from configuration.
    let partners: Vec<AccountId> = "111122223333,444455556666,777788889999"
        .split(',')
        .map(|a| AccountId::new(a).unwrap())
        .collect();
    let from_macro: RepositoryPolicy =
        policy! { sid "PartnersPull" allow account {partners.clone()} pull on repo }.unwrap();
    let expected = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("PartnersPull").unwrap())
                .accounts(partners)
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_eq!(from_macro, expected);
    common::snapshots()
        .bind(|| insta::assert_snapshot!("macro_list_accounts", from_macro.to_json_pretty()));
}

#[test]
fn a_single_value_still_gives_the_policy_itself() {
    let one = account("111122223333");
    let from_macro: RepositoryPolicy = policy! { allow account {one.clone()} pull on repo };
    let list: RepositoryPolicy = policy! { allow account {[one]} pull on repo }.unwrap();
    assert_eq!(from_macro, list);
}

#[test]
fn every_principal_kind_takes_a_list() {
    let ci = roles(&["ci", "deployer"]);
    let users: Vec<UserName> = ["alice", "bob"].map(|u| UserName::new(u).unwrap()).to_vec();
    let sessions: Vec<SessionName> = ["s1", "s2"].map(|s| SessionName::new(s).unwrap()).to_vec();
    let services: Vec<ServiceName> = ["codebuild.amazonaws.com", "lambda.amazonaws.com"]
        .map(|s| ServiceName::new(s).unwrap())
        .to_vec();
    let arns: Vec<AwsPrincipal> = ["arn:aws:iam::210987654321:role/reader"]
        .map(|a| AwsPrincipal::from_arn(a).unwrap())
        .to_vec();
    let orgs: Vec<OrgId> = ["o-a1b2c3d4e5", "o-f6g7h8i9j0"]
        .map(|o| OrgId::new(o).unwrap())
        .to_vec();
    let template: PolicyTemplate = policy! {
        allow role {ci.clone()}, user {users.clone()}, session "ops" {sessions.clone()} pull on repo;
        allow role {ci.clone()} in account "210987654321", session "ops" {sessions.clone()} in account "210987654321" pull on repo;
        allow service {services.clone()} pull on repo;
        allow arn {arns.clone()}, account {accounts(&["111122223333"])} pull on repo;
        allow org {orgs.clone()} pull on repo
    }
    .unwrap();
    let other = account("210987654321");
    let expected = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .roles(ci.clone())
                .users(users)
                .sessions(RoleName::new("ops").unwrap(), sessions.clone())
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::allow()
                .principals(ci.into_iter().map(|name| AwsPrincipal::Role {
                    partition: Partition::Aws,
                    account: other.clone(),
                    path: IamPath::root(),
                    name,
                }))
                .principals(
                    sessions
                        .into_iter()
                        .map(|session| AwsPrincipal::AssumedRole {
                            partition: Partition::Aws,
                            account: other.clone(),
                            role: RoleName::new("ops").unwrap(),
                            session,
                        }),
                )
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::allow()
                .services(services)
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::allow()
                .principals(arns)
                .accounts(accounts(&["111122223333"]))
                .bundle(Bundle::Pull),
        )
        .statement(StatementBuilder::allow().orgs(orgs).bundle(Bundle::Pull))
        .build()
        .unwrap();
    let policy = template.bind(account("123456789012"));
    assert_eq!(policy, expected.bind(account("123456789012")));
    common::snapshots()
        .bind(|| insta::assert_snapshot!("macro_list_principal_kinds", policy.to_json_pretty()));
}

#[test]
fn condition_values_take_lists_beside_literals() {
    let cidrs: Vec<ConditionValue> = ["203.0.113.0/24", "198.51.100.0/24"]
        .map(ConditionValue::from)
        .to_vec();
    let sources = accounts(&["111122223333", "444455556666"]);
    let from_macro = policy! {
        deny anyone push on repo unless source_ip {cidrs.clone()};
        allow service "codebuild.amazonaws.com" pull on repo
            when source_account {sources.clone()}
            and StringLike "aws:PrincipalTag/team" ["platform", {vec![ConditionValue::from("infra")]}]
    }
    .unwrap();
    let expected = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::deny()
                .anyone()
                .bundle(Bundle::Push)
                .condition(condition(
                    "NotIpAddress",
                    "aws:SourceIp",
                    &["203.0.113.0/24", "198.51.100.0/24"],
                )),
        )
        .statement(
            StatementBuilder::allow()
                .service(ServiceName::new("codebuild.amazonaws.com").unwrap())
                .bundle(Bundle::Pull)
                .condition(condition(
                    "StringEquals",
                    "aws:SourceAccount",
                    &["111122223333", "444455556666"],
                ))
                .condition(condition(
                    "StringLike",
                    "aws:PrincipalTag/team",
                    &["platform", "infra"],
                )),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_eq!(from_macro, expected);
}

#[test]
fn an_empty_list_is_an_error_naming_the_statement() {
    let nobody: Vec<AccountId> = Vec::new();
    let err = policy! {
        allow anyone pull on repo when org "o-a1b2c3d4e5";
        sid "Partners" allow account {nobody} pull on repo
    }
    .unwrap_err();
    assert_eq!(
        err,
        BuildError::MissingPrincipal {
            statement: 1,
            sid: Some("Partners".into())
        }
    );
    let no_orgs: Vec<OrgId> = Vec::new();
    assert!(matches!(
        policy! { allow org {no_orgs} pull on repo }.unwrap_err(),
        BuildError::MissingPrincipal { statement: 0, .. }
    ));
    let no_cidrs: Vec<ConditionValue> = Vec::new();
    assert!(matches!(
        policy! { deny anyone push on repo unless source_ip {no_cidrs} }.unwrap_err(),
        BuildError::EmptyCondition { statement: 0, .. }
    ));
}

#[test]
fn a_statement_spliced_into_three_policies() {
    let deny_outside_vpc = statement! {
        sid "DenyOutsideVpc" deny anyone all on repo
            when StringNotEquals "aws:SourceVpc" "vpc-1a2b3c4d"
    };
    let expected_shared = StatementBuilder::deny()
        .sid(Sid::new("DenyOutsideVpc").unwrap())
        .anyone()
        .bundle(Bundle::All)
        .condition(condition(
            "StringNotEquals",
            "aws:SourceVpc",
            &["vpc-1a2b3c4d"],
        ));
    assert_eq!(deny_outside_vpc, expected_shared);
    let policies = [
        policy! { account "123456789012"; allow role "app-ci" push, pull on repo; {deny_outside_vpc.clone()} },
        policy! { account "123456789012"; allow role "web-ci" push, pull on repo; {deny_outside_vpc.clone()} },
        policy! { account "123456789012"; allow user "batch" pull on repo; {deny_outside_vpc.clone()} },
    ];
    for (policy, first) in policies.into_iter().zip([
        StatementBuilder::allow()
            .role(RoleName::new("app-ci").unwrap())
            .bundle(Bundle::Push)
            .bundle(Bundle::Pull),
        StatementBuilder::allow()
            .role(RoleName::new("web-ci").unwrap())
            .bundle(Bundle::Push)
            .bundle(Bundle::Pull),
        StatementBuilder::allow()
            .user(UserName::new("batch").unwrap())
            .bundle(Bundle::Pull),
    ]) {
        let expected = RepositoryPolicy::builder()
            .account(account("123456789012"))
            .statement(first)
            .statement(expected_shared.clone())
            .build();
        assert_eq!(policy, expected);
    }
}

#[test]
fn a_statement_needing_the_account_stays_a_template_until_bound() {
    let ci = statement! { allow role "ci" push on repo };
    assert!(ci.needs_account());
    let template: PolicyTemplate =
        policy! { allow account "111122223333" pull on repo; {ci} }.unwrap();
    assert!(template.needs_account());
    assert_eq!(template.clone().into_policy().unwrap_err().statements, [1]);
    let policy = template.bind(account("123456789012"));
    assert!(policy
        .to_json()
        .contains("arn:aws:iam::123456789012:role/ci"));
}

#[test]
fn many_statements_spliced_from_a_loop_and_an_option() {
    let teams = roles(&["payments", "search"]);
    let per_team: Vec<StatementBuilder> = teams
        .iter()
        .map(|r| statement! { allow role {r.clone()} push, pull on repo })
        .collect();
    let audit = true;
    let template = policy! {
        ..{per_team};
        ..{audit.then(|| statement! { allow role "auditor" read on repo })};
        deny anyone delete on repo
    }
    .unwrap();
    let expected = RepositoryPolicy::builder()
        .statements(teams.into_iter().map(|r| {
            StatementBuilder::allow()
                .role(r)
                .bundle(Bundle::Push)
                .bundle(Bundle::Pull)
        }))
        .statement(
            StatementBuilder::allow()
                .role(RoleName::new("auditor").unwrap())
                .bundle(Bundle::Read),
        )
        .statement(StatementBuilder::deny().anyone().bundle(Bundle::Delete))
        .build()
        .unwrap();
    assert_eq!(template, expected);
}

#[test]
fn two_templates_merged_in_one_policy() {
    let ci = policy! { sid "Push" allow role "ci" push on repo };
    let readers = policy! { sid "Pull" allow role "app" pull on repo };
    let merged = policy! { account "123456789012"; ..{ci.clone()}; ..{readers.clone()} }.unwrap();
    assert_eq!(
        merged,
        ci.clone()
            .merge(readers)
            .unwrap()
            .bind(account("123456789012"))
    );
    let err = policy! { ..{ci.clone()}; ..{ci} }.unwrap_err();
    assert_eq!(
        err,
        BuildError::DuplicateSid {
            sid: "Push".into(),
            first: 0,
            second: 1
        }
    );
}

#[test]
fn a_sid_twice_through_a_splice_is_an_error_naming_both() {
    let shared = statement! { sid "Pull" allow anyone pull on repo when org "o-a1b2c3d4e5" };
    let err = policy! {
        allow account "111122223333" push on repo;
        sid "Pull" allow account "111122223333" pull on repo;
        {shared}
    }
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "statements 1 and 2 share the Sid \"Pull\": Sids must be unique within a policy"
    );
}

#[test]
fn action_names_in_any_letter_case_write_the_catalogue_spelling() {
    let from_macro = policy! {
        allow account "111122223333" ecr:putimage, ecr:BATCHGETIMAGE, listimages, ecr:DescribeImages on repo
    };
    let expected = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .account(account("111122223333"))
                .action(ecr_policy::Action::PutImage)
                .action(ecr_policy::Action::BatchGetImage)
                .action(ecr_policy::Action::ListImages)
                .action(ecr_policy::Action::DescribeImages),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_eq!(from_macro, expected);
    let json = from_macro.to_json();
    assert!(json.contains(r#""ecr:PutImage""#), "{json}");
    assert!(json.contains(r#""ecr:BatchGetImage""#), "{json}");
    assert!(!json.contains("putimage"), "{json}");
}

#[test]
fn anyone_except_takes_lists_of_every_kind_it_spares() {
    let admins = roles(&["platform-admin", "break-glass"]);
    let auditors: Vec<UserName> = ["alice", "bob"].map(|u| UserName::new(u).unwrap()).to_vec();
    let trusted = accounts(&["111122223333", "444455556666"]);
    let services: Vec<ServiceName> = ["codebuild.amazonaws.com"]
        .map(|s| ServiceName::new(s).unwrap())
        .to_vec();
    let from_macro: RepositoryPolicy = policy! {
        account "123456789012";
        deny anyone except role {admins.clone()}, user {auditors.clone()} in account "210987654321",
            account {trusted.clone()}, service {services.clone()}
        policy on repo
    }
    .unwrap();
    let other = account("210987654321");
    let expected = RepositoryPolicy::builder()
        .account(account("123456789012"))
        .statement(
            StatementBuilder::deny()
                .anyone()
                .spare_roles(admins.clone())
                .spares(auditors.iter().cloned().map(|name| AwsPrincipal::User {
                    partition: Partition::Aws,
                    account: other.clone(),
                    path: IamPath::root(),
                    name,
                }))
                .spare_accounts(trusted.clone())
                .spare_services(services.clone())
                .bundle(Bundle::Policy),
        )
        .build()
        .unwrap();
    assert_eq!(from_macro, expected);
    // The lists spare exactly what the same principals written one by one spare.
    let one_by_one = policy! {
        account "123456789012";
        deny anyone except role "platform-admin", role "break-glass",
            user "alice" in account "210987654321", user "bob" in account "210987654321",
            account "111122223333", account "444455556666", service "codebuild.amazonaws.com"
        policy on repo
    };
    assert_eq!(from_macro, one_by_one);
    // A template until the account is bound, like any principal of the policy's account.
    let template: PolicyTemplate =
        policy! { deny anyone except role {admins.clone()} policy on repo }.unwrap();
    assert_eq!(
        template.bind(account("123456789012")),
        policy! { account "123456789012"; deny anyone except role "platform-admin", role "break-glass" policy on repo }
    );
}

#[test]
fn anyone_except_an_empty_list_is_an_error_not_a_deny_of_everyone() {
    let nobody: Vec<RoleName> = Vec::new();
    let err = policy! {
        account "123456789012";
        sid "ProtectPolicy" deny anyone except role {nobody.clone()} policy on repo
    }
    .unwrap_err();
    assert_eq!(
        err,
        BuildError::NothingSpared {
            statement: 0,
            sid: Some("ProtectPolicy".into())
        }
    );
    assert!(
        err.to_string()
            .starts_with("statement 0 (Sid \"ProtectPolicy\") denies everyone but the principals it spares, and spares none"),
        "{err}"
    );
    let builder = RepositoryPolicy::builder()
        .account(account("123456789012"))
        .statement(
            StatementBuilder::deny()
                .sid(Sid::new("ProtectPolicy").unwrap())
                .anyone()
                .spare_roles(nobody.clone())
                .bundle(Bundle::Policy),
        )
        .build()
        .unwrap_err();
    assert_eq!(builder, err);
    // One empty list beside principals spared otherwise spares those.
    let spared = policy! {
        account "123456789012";
        deny anyone except role {nobody}, account "111122223333" policy on repo
    }
    .unwrap();
    assert_eq!(
        spared,
        // Literal, so judged at compile time: it locks the owner out, as meant here.
        policy! { account "123456789012"; lockout deny anyone except account "111122223333" policy on repo }
    );
}
