//! The marks of `policy!` (`public`, `external`, `any_source`, `lockout`): a statement that
//! says it means what the analysis would refuse compiles, into the same policy as without the
//! mark (the builder's), and the lint of that policy still reports the finding the mark
//! answers. The refusals themselves are trybuild cases in `tests/trybuild/tests/ui`.

mod common;

use common::account;

use ecr_policy::lint::{LintCode, LintConfig};
use ecr_policy::{policy, Bundle, RepositoryPolicy, ServiceName, StatementBuilder};

fn on_account(id: &str) -> LintConfig {
    LintConfig::default().repository(
        format!("arn:aws:ecr:us-east-1:{id}:repository/app")
            .parse()
            .unwrap(),
    )
}

fn codes(policy: &RepositoryPolicy, config: &LintConfig) -> Vec<LintCode> {
    policy.lint_with(config).iter().map(|f| f.code).collect()
}

#[test]
fn public_marks_public_access() {
    let policy: RepositoryPolicy = policy! { sid "PublicPull" public allow anyone pull on repo };
    let built = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid("PublicPull".parse().unwrap())
                .anyone()
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_eq!(policy, built);
    assert_eq!(
        codes(&policy, &LintConfig::default()),
        [LintCode::PublicAccess]
    );
}

#[test]
fn external_marks_another_accounts_policy_management() {
    let policy: RepositoryPolicy = policy! {
        account "111122223333";
        external allow account "444455556666" policy on repo;
        sid "Partner" external allow account "444455556666" except delete on repo
    };
    let built = RepositoryPolicy::builder()
        .account(account("111122223333"))
        .statement(
            StatementBuilder::allow()
                .account(account("444455556666"))
                .bundle(Bundle::Policy),
        )
        .statement(
            StatementBuilder::allow()
                .sid("Partner".parse().unwrap())
                .account(account("444455556666"))
                .not_action()
                .bundle(Bundle::Delete),
        )
        .build()
        .unwrap();
    assert_eq!(policy, built);
    assert_eq!(
        codes(&policy, &on_account("111122223333")),
        [
            LintCode::ExternalPermissionsManagement,
            LintCode::ExternalPermissionsManagement
        ]
    );
}

#[test]
fn any_source_marks_a_service_without_source() {
    let policy: RepositoryPolicy =
        policy! { any_source allow service "codebuild.amazonaws.com" pull on repo };
    let built = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .service(ServiceName::new("codebuild.amazonaws.com").unwrap())
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_eq!(policy, built);
    assert_eq!(
        codes(&policy, &LintConfig::default()),
        [LintCode::ServicePrincipalWithoutSource]
    );
}

#[test]
fn lockout_marks_a_lock_out() {
    let policy: RepositoryPolicy = policy! {
        account "123456789012";
        allow role "ci" push, pull on repo;
        lockout deny anyone policy on repo
    };
    assert!(policy.locks_out_policy_changes());
    assert!(codes(&policy, &on_account("123456789012")).contains(&LintCode::LocksOutPolicyChanges));
}

#[test]
fn marks_come_after_the_sid_in_any_order() {
    // A mark the analysis does not need (`public` here) is the writer's word, and accepted.
    let policy: RepositoryPolicy = policy! {
        sid "Build" public any_source allow service "codebuild.amazonaws.com" pull on repo
    };
    assert_eq!(
        codes(&policy, &LintConfig::default()),
        [LintCode::ServicePrincipalWithoutSource]
    );
}

#[test]
fn interpolated_policies_are_left_to_the_lint() {
    // A value known at run time: the macro does not judge the policy, the lint does.
    let everyone = ecr_policy::model::AwsPrincipal::Everyone;
    let policy: RepositoryPolicy = policy! { allow arn {everyone} pull on repo };
    assert_eq!(
        codes(&policy, &LintConfig::default()),
        [LintCode::PublicAccess]
    );
}
