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
    assert_eq!(err, BuildError::MissingPrincipal { statement: 1 });
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
    assert_eq!(err, BuildError::MissingAction { statement: 0 });
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
