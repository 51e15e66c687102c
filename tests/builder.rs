//! The builder: checks at build time, the policy account in the types, validated names.

mod common;

use common::account;

use ecr_policy::model::AwsPrincipal;
use ecr_policy::names::IamPath;
use ecr_policy::{
    AccountId, Action, BuildError, Bundle, OrgId, PolicyTemplate, RepositoryPolicy, RoleName,
    ServiceName, SessionName, Sid, StatementBuilder, UserName,
};

#[test]
fn a_policy_without_statements_is_refused() {
    let err = RepositoryPolicy::builder().build().unwrap_err();
    assert_eq!(err, BuildError::NoStatement);
    assert!(err.to_string().contains("no statement"), "{err}");
    let err = RepositoryPolicy::builder()
        .account(account("123456789012"))
        .build()
        .unwrap_err();
    assert_eq!(err, BuildError::NoStatement);
}

#[test]
fn a_statement_without_principal_is_refused() {
    let err = RepositoryPolicy::builder()
        .statement(StatementBuilder::allow().anyone().bundle(Bundle::Pull))
        .statement(StatementBuilder::allow().bundle(Bundle::Pull))
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::MissingPrincipal {
            statement: 1,
            sid: None
        }
    );
    assert!(
        err.to_string().contains("statement 1 has no principal"),
        "{err}"
    );
}

#[test]
fn a_statement_without_action_is_refused() {
    let err = RepositoryPolicy::builder()
        .statement(StatementBuilder::allow().anyone())
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::MissingAction {
            statement: 0,
            sid: None
        }
    );
}

#[test]
fn duplicate_sids_are_refused_with_both_places() {
    let sid = || Sid::new("Pull").unwrap();
    let err = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid(sid())
                .anyone()
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("Other").unwrap())
                .anyone()
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::deny()
                .sid(sid())
                .anyone()
                .bundle(Bundle::Delete),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::DuplicateSid {
            sid: "Pull".into(),
            first: 0,
            second: 2
        }
    );
}

#[test]
fn a_template_binds_its_account_into_every_pending_principal() {
    let template: PolicyTemplate = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .user(UserName::new("ci").unwrap())
                .role_with_path(
                    IamPath::new("/deploy/").unwrap(),
                    RoleName::new("app").unwrap(),
                )
                .session(
                    RoleName::new("ops").unwrap(),
                    SessionName::new("alice").unwrap(),
                )
                .own_account()
                .account(account("210987654321"))
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap();
    let policy = template.clone().bind(account("111122223333"));
    let principals: Vec<String> = policy.statements()[0]
        .principal
        .as_ref()
        .unwrap()
        .principals
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        principals,
        [
            "arn:aws:iam::111122223333:user/ci",
            "arn:aws:iam::111122223333:role/deploy/app",
            "arn:aws:sts::111122223333:assumed-role/ops/alice",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::210987654321:root",
        ]
    );
    // Binding another account gives another policy from the same template.
    assert_ne!(template.bind(account("444455556666")), policy);
}

#[test]
fn an_account_given_up_front_builds_a_policy_directly() {
    let with_account: RepositoryPolicy = RepositoryPolicy::builder()
        .account(account("111122223333"))
        .statement(
            StatementBuilder::allow()
                .user(UserName::new("ci").unwrap())
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap();
    let bound = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .user(UserName::new("ci").unwrap())
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .bind(account("111122223333"));
    assert_eq!(with_account, bound);
}

#[test]
fn statements_that_need_no_account_build_a_policy_without_one() {
    let policy: RepositoryPolicy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .service(ServiceName::new("codebuild.amazonaws.com").unwrap())
                .source_account(&account("123456789012"))
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::allow()
                .org(OrgId::new("o-a1b2c3d4e5").unwrap())
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_eq!(policy.statements().len(), 2);
}

#[test]
fn constructors_refuse_bad_names_with_the_rule() {
    let e = AccountId::new("12345678901").unwrap_err();
    assert!(e.to_string().contains("12 digits"), "{e}");
    assert!(AccountId::new("1234567890123").is_err());
    assert!(AccountId::new("12345678901a").is_err());
    assert!(UserName::new("").is_err());
    assert!(UserName::new("a".repeat(65)).is_err());
    assert!(UserName::new("a".repeat(64)).is_ok());
    assert!(UserName::new("has space").is_err());
    assert!(RoleName::new("role/with/slash").is_err());
    assert!(ServiceName::new("codebuild").is_err());
    assert!(OrgId::new("o-short").is_err());
    assert!(Sid::new("").is_err());
}

#[test]
fn principal_arns_are_read_into_their_kind() {
    let cases = [
        ("123456789012", true),
        ("arn:aws:iam::123456789012:root", true),
        ("arn:aws:iam::123456789012:user/a/b/c", true),
        ("arn:aws-cn:iam::123456789012:role/r", true),
        ("arn:aws:sts::123456789012:assumed-role/r/ci", true),
        ("arn:aws:iam::123456789012:group/g", false),
        ("arn:aws:sts::123456789012:assumed-role/r/s", false),
        ("arn:aws:iam::*:root", false),
        ("arn:aws:iam::12345678901:root", false),
        ("arn:aws:s3:::bucket", false),
        ("AIDAEXAMPLE", false),
        ("", false),
    ];
    for (text, ok) in cases {
        let parsed = AwsPrincipal::from_arn(text);
        assert_eq!(parsed.is_ok(), ok, "{text}: {parsed:?}");
        if let Ok(p) = parsed {
            assert_eq!(p.to_string(), text, "round trip");
        }
    }
}

#[test]
fn explicit_actions_and_bundles_merge_in_canonical_order() {
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .anyone()
                .action(Action::ListImages)
                .bundle(Bundle::Pull)
                .action(Action::BatchGetImage),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let actions: Vec<&str> = policy.statements()[0]
        .action
        .as_ref()
        .unwrap()
        .actions
        .iter()
        .map(|a| a.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
            "ecr:BatchCheckLayerAvailability",
            "ecr:ListImages"
        ]
    );
}

#[test]
fn principals_with_deep_paths_render_whole() {
    // Long enough to pass any fixed buffer the renderer might use for ARNs.
    let path = format!("/{}/", vec!["team"; 100].join("/"));
    let principal = ecr_policy::model::Principal::Aws(AwsPrincipal::User {
        partition: ecr_policy::names::Partition::Aws,
        account: account("123456789012"),
        path: IamPath::new(path.clone()).unwrap(),
        name: UserName::new("ci").unwrap(),
    });
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .principal(principal)
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let arn = format!("arn:aws:iam::123456789012:user{path}ci");
    assert!(policy.to_json().contains(&format!(r#""AWS":"{arn}""#)));
    assert!(policy
        .to_aws_json()
        .contains(&format!(r#""AWS" : "{arn}""#)));
}

#[test]
fn sparing_denies_everyone_but_the_spared_by_conditions() {
    let template: PolicyTemplate = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::deny()
                .anyone()
                .condition(ecr_policy::model::Condition::new(
                    "ArnNotLike".parse().unwrap(),
                    ecr_policy::model::ConditionKey::new("aws:PrincipalArn").unwrap(),
                    [ecr_policy::model::ConditionValue::from(
                        "arn:aws:iam::123456789012:role/break-glass-*",
                    )],
                ))
                .spare_role(RoleName::new("platform-admin").unwrap())
                .spare(ServiceName::new("codebuild.amazonaws.com").unwrap())
                .spare(ecr_policy::model::Principal::account(account(
                    "210987654321",
                )))
                .spare_user_with_path(
                    IamPath::new("/ops/").unwrap(),
                    UserName::new("alice").unwrap(),
                )
                .bundle(Bundle::Policy),
        )
        .build()
        .unwrap();
    let json = template.bind(account("123456789012")).to_json();
    assert!(json.contains(r#""Principal":"*""#), "{json}");
    assert!(!json.contains("NotPrincipal"), "{json}");
    // The spared ARNs join the test of the same operator and key; the account of the policy is
    // bound into them.
    assert!(
        json.contains(concat!(
            r#""Condition":{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::123456789012:role/break-glass-*","#,
            r#""arn:aws:iam::123456789012:role/platform-admin","arn:aws:iam::123456789012:user/ops/alice"]},"#,
            r#""StringNotEquals":{"aws:PrincipalAccount":"210987654321","aws:PrincipalServiceName":"codebuild.amazonaws.com"}}"#
        )),
        "{json}"
    );
}

#[test]
fn sparing_is_refused_in_an_allow_and_for_a_session() {
    let err = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .anyone()
                .spare(ecr_policy::model::Principal::account(account(
                    "210987654321",
                )))
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::CannotSpare {
            statement: 0,
            principal: None
        }
    );
    assert!(
        err.to_string().contains("sparing is for Deny statements"),
        "{err}"
    );
    let session =
        AwsPrincipal::from_arn("arn:aws:sts::123456789012:assumed-role/admin/alice").unwrap();
    let err = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::deny()
                .anyone()
                .spare(session)
                .bundle(Bundle::Policy),
        )
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("spare the role"), "{err}");
    assert!(
        err.to_string().contains("assumed-role/admin/alice"),
        "{err}"
    );
}

#[test]
fn one_builder_type_through_a_loop_with_and_without_the_account() {
    let roles = ["ci", "deployer", "auditor"].map(|r| RoleName::new(r).unwrap());
    // Without the account: every statement keeps the builder's type; the result is a template.
    let mut builder = RepositoryPolicy::builder();
    for role in roles.clone() {
        builder = builder.statement(StatementBuilder::allow().role(role).bundle(Bundle::Pull));
    }
    let template: PolicyTemplate = builder.build().unwrap();
    assert!(template.needs_account());
    let err = template.clone().into_policy().unwrap_err();
    assert_eq!(err.statements, [0, 1, 2]);
    // With the account, the same loop builds the policy, equal to the bound template.
    let mut builder = RepositoryPolicy::builder().account(account("123456789012"));
    for role in roles {
        builder = builder.statement(StatementBuilder::allow().role(role).bundle(Bundle::Pull));
    }
    let policy: RepositoryPolicy = builder.build().unwrap();
    assert_eq!(policy, template.bind(account("123456789012")));
}

#[test]
fn statements_from_an_iterator_an_option_and_a_condition() {
    let partners = ["111122223333", "444455556666"].map(account);
    let push_too = false;
    let from_iterators = RepositoryPolicy::builder()
        .statements(
            partners
                .iter()
                .cloned()
                .map(|a| StatementBuilder::allow().account(a).bundle(Bundle::Pull)),
        )
        .statements(push_too.then(|| StatementBuilder::allow().anyone().bundle(Bundle::Push)))
        .statement_if(!push_too, || {
            StatementBuilder::deny().anyone().bundle(Bundle::Delete)
        })
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let by_hand = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .account(partners[0].clone())
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::allow()
                .account(partners[1].clone())
                .bundle(Bundle::Pull),
        )
        .statement(StatementBuilder::deny().anyone().bundle(Bundle::Delete))
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_eq!(from_iterators, by_hand);
}

#[test]
fn list_methods_equal_one_call_per_value() {
    let accounts = ["111122223333", "444455556666"].map(account);
    let lists = StatementBuilder::allow()
        .accounts(accounts.clone())
        .users(["a", "b"].map(|u| UserName::new(u).unwrap()))
        .sessions(
            RoleName::new("ops").unwrap(),
            ["s1", "s2"].map(|s| SessionName::new(s).unwrap()),
        )
        .bundle(Bundle::Pull);
    let by_hand = StatementBuilder::allow()
        .account(accounts[0].clone())
        .account(accounts[1].clone())
        .user(UserName::new("a").unwrap())
        .user(UserName::new("b").unwrap())
        .session(
            RoleName::new("ops").unwrap(),
            SessionName::new("s1").unwrap(),
        )
        .session(
            RoleName::new("ops").unwrap(),
            SessionName::new("s2").unwrap(),
        )
        .bundle(Bundle::Pull);
    assert_eq!(lists, by_hand);
}

#[test]
fn an_empty_list_is_an_error_naming_the_statement_never_a_dropped_statement() {
    let none: Vec<AccountId> = Vec::new();
    let err = RepositoryPolicy::builder()
        .statement(StatementBuilder::allow().anyone().bundle(Bundle::Pull))
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("Partners").unwrap())
                .accounts(none)
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::MissingPrincipal {
            statement: 1,
            sid: Some("Partners".into())
        }
    );
    assert!(err
        .to_string()
        .starts_with("statement 1 (Sid \"Partners\") has no principal"));
    // No organization is no principal, never `"Principal": "*"` without its condition.
    let err = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .orgs(Vec::<OrgId>::new())
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        BuildError::MissingPrincipal { statement: 0, .. }
    ));
    // A condition given no value.
    let err = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .anyone()
                .bundle(Bundle::Pull)
                .condition(ecr_policy::model::Condition::new(
                    "IpAddress".parse().unwrap(),
                    ecr_policy::model::ConditionKey::new("aws:SourceIp").unwrap(),
                    [],
                )),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "statement 0 tests `aws:SourceIp` against no value: a condition needs at least one (a list of values may have been empty)"
    );
    assert_eq!(
        RepositoryPolicy::builder().build().unwrap_err(),
        BuildError::NoStatement
    );
}

fn pull(sid: &str, account_id: &str) -> PolicyTemplate {
    RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new(sid).unwrap())
                .account(account(account_id))
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
}

#[test]
fn merging_keeps_every_statement_and_refuses_a_sid_twice() {
    let ci = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("Push").unwrap())
                .role(RoleName::new("ci").unwrap())
                .bundle(Bundle::Push),
        )
        .build()
        .unwrap();
    let merged = ci.clone().merge(pull("Pull", "111122223333")).unwrap();
    let by_hand = RepositoryPolicy::builder()
        .statements(ci.clone())
        .statements(pull("Pull", "111122223333"))
        .build()
        .unwrap();
    assert_eq!(merged, by_hand);
    let err = merged
        .merge(pull("Other", "444455556666"))
        .unwrap()
        .merge(pull("Pull", "444455556666"))
        .unwrap_err();
    assert_eq!(
        err,
        ecr_policy::builder::MergeError {
            sid: "Pull".into(),
            first: 1,
            second: 0
        }
    );
    assert!(err.to_string().starts_with(
        "statement 1 of the first policy and statement 0 of the second share the Sid \"Pull\""
    ));
}

#[test]
fn merging_policies_refuses_what_into_document_would_let_through() {
    let a = pull("Pull", "111122223333").into_policy().unwrap();
    let b = pull("Pull", "444455556666").into_policy().unwrap();
    assert!(a.clone().merge(b.clone()).is_err());
    assert!(a.clone().extend([b.clone()]).is_err());
    let joined = a
        .merge_with(b, ecr_policy::builder::Combine::Principals)
        .unwrap();
    assert_eq!(joined.statements().len(), 1);
    assert!(joined.lint().is_empty(), "{:?}", joined.lint());
    let expected = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("Pull").unwrap())
                .accounts(["111122223333", "444455556666"].map(account))
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_eq!(joined, expected);
}

#[test]
fn combining_actions_joins_statements_of_the_same_principals() {
    let push = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("CI").unwrap())
                .role(RoleName::new("ci").unwrap())
                .bundle(Bundle::Push),
        )
        .build()
        .unwrap();
    let pull = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("CI").unwrap())
                .role(RoleName::new("ci").unwrap())
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap();
    assert!(push
        .clone()
        .merge_with(pull.clone(), ecr_policy::builder::Combine::Principals)
        .is_err());
    let both = push
        .merge_with(pull, ecr_policy::builder::Combine::Actions)
        .unwrap()
        .bind(account("123456789012"));
    let expected = RepositoryPolicy::builder()
        .account(account("123456789012"))
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("CI").unwrap())
                .role(RoleName::new("ci").unwrap())
                .bundle(Bundle::Push)
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap();
    assert_eq!(both, expected);
}
