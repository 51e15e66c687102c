//! The companion identity policy, and the policy checks for users' tests.

mod common;

use common::account;

use ecr_policy::assert::{
    assert_access_not_granted, assert_no_new_access, check_access_not_granted, check_no_new_access,
    Certainty,
};
use ecr_policy::eval::{Caller, Evaluator, Outcome, Request};
use ecr_policy::model::{Condition, ConditionKey, Principal, RepositoryArn};
use ecr_policy::{Action, Bundle, OrgId, RepositoryPolicy, StatementBuilder, UserName};

fn repo() -> RepositoryArn {
    "arn:aws:ecr:us-east-1:123456789012:repository/app"
        .parse()
        .unwrap()
}

#[test]
fn cross_account_pair_works_end_to_end() {
    let ci = Principal::user(account("210987654321"), UserName::new("ci").unwrap());
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid("Push and pull for CI".parse().unwrap())
                .principal(ci.clone())
                .bundle(Bundle::Push)
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let identity = policy.identity_policy_for(&ci, &repo());
    assert_eq!(
        identity.to_json(),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowEcrLogin","Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"},{"Sid":"PushandpullforCI","Effect":"Allow","Action":["ecr:GetDownloadUrlForLayer","ecr:BatchGetImage","ecr:BatchCheckLayerAvailability","ecr:PutImage","ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload"],"Resource":"arn:aws:ecr:us-east-1:123456789012:repository/app"}]}"#
    );
    let caller = Caller::user(account("210987654321"), UserName::new("ci").unwrap());
    let pair = Evaluator::new(&policy).with_identity_policy(&identity);
    let alone = Evaluator::new(&policy);
    for action in [
        Action::GetAuthorizationToken,
        Action::PutImage,
        Action::BatchGetImage,
    ] {
        let r = Request::new(caller.clone(), action, repo());
        assert_eq!(pair.decide(&r), Outcome::Allowed, "{r}");
        assert_eq!(alone.decide(&r), Outcome::ImplicitlyDenied, "{r}");
    }
    // Nothing beyond what the repository policy grants.
    let r = Request::new(caller.clone(), Action::DeleteRepository, repo());
    assert_eq!(pair.decide(&r), Outcome::ImplicitlyDenied);
    let other: RepositoryArn = "arn:aws:ecr:us-east-1:123456789012:repository/other"
        .parse()
        .unwrap();
    assert_eq!(
        pair.decide(&Request::new(caller, Action::PutImage, other)),
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn identity_policy_keeps_conditions_and_skips_other_grantees() {
    let ci = Principal::user(account("210987654321"), UserName::new("ci").unwrap());
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .account(account("210987654321"))
                .bundle(Bundle::Pull)
                .condition(Condition::new(
                    "IpAddress".parse().unwrap(),
                    ConditionKey::new("aws:SourceIp").unwrap(),
                    ["203.0.113.0/24".into()],
                )),
        )
        .statement(
            StatementBuilder::allow()
                .account(account("111122223333"))
                .bundle(Bundle::Push),
        )
        .statement(
            StatementBuilder::deny()
                .anyone()
                .action(Action::DeleteRepository),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let identity = policy.identity_policy_for(&ci, &repo());
    assert_eq!(identity.statements.len(), 2);
    let json = identity.to_json();
    assert!(
        json.contains(r#""Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#),
        "{json}"
    );
    assert!(!json.contains("ecr:PutImage"), "{json}");
    assert!(json.contains(r#""Sid":"RepositoryAccess0""#), "{json}");

    // Sids that clean to the same text stay unique.
    let twice = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid("pull ci".parse().unwrap())
                .principal(ci.clone())
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::allow()
                .sid("pull-ci".parse().unwrap())
                .principal(ci.clone())
                .action(Action::PutImage),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let json = twice.identity_policy_for(&ci, &repo()).to_json();
    assert!(
        json.contains(r#""Sid":"pullci""#) && json.contains(r#""Sid":"pullci1""#),
        "{json}"
    );
}

fn team_policy() -> RepositoryPolicy {
    RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .account(account("123456789012"))
                .bundle(Bundle::Push)
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::allow()
                .principal(Principal::user(
                    account("210987654321"),
                    UserName::new("reader").unwrap(),
                ))
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap()
}

#[test]
fn access_not_granted_is_exact_without_conditions() {
    let policy = team_policy();
    // Push: only the team's account.
    assert_access_not_granted(
        &policy,
        &[Action::PutImage],
        &[Principal::account(account("123456789012"))],
    );
    // Pull also reaches the reader in another account: a certain finding that names it.
    let report = check_access_not_granted(
        &policy,
        &[Action::BatchGetImage],
        &[Principal::account(account("123456789012"))],
    )
    .unwrap_err();
    assert_eq!(report.findings.len(), 1, "{report}");
    let f = &report.findings[0];
    assert_eq!(f.caller, "arn:aws:iam::210987654321:user/reader");
    assert_eq!(f.certainty, Certainty::Certain);
    assert_eq!(f.statement.index, 1);
    // Allowing the reader too passes.
    assert_access_not_granted(
        &policy,
        &[Action::BatchGetImage, Action::PutImage],
        &[
            Principal::account(account("123456789012")),
            Principal::user(account("210987654321"), UserName::new("reader").unwrap()),
        ],
    );
}

#[test]
fn access_not_granted_sees_wildcards_denies_and_conditions() {
    // Public pull, then a deny for everyone outside the organization: conditional.
    let public = RepositoryPolicy::builder()
        .statement(StatementBuilder::allow().anyone().bundle(Bundle::Pull))
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let report = check_access_not_granted(&public, &[Action::BatchGetImage], &[]).unwrap_err();
    // Every caller with a request form is proven; the anonymous caller has none.
    for f in &report.findings {
        let anonymous = f.caller == "an anonymous caller";
        let expected = if anonymous {
            Certainty::Possible
        } else {
            Certainty::Certain
        };
        assert_eq!(f.certainty, expected, "{f}");
    }
    assert!(report
        .findings
        .iter()
        .any(|f| f.caller == "an anonymous caller"));
    assert!(
        report
            .to_string()
            .contains("an account the policy does not name"),
        "{report}"
    );

    // An unconditional deny to everyone removes the grant.
    let denied = RepositoryPolicy::builder()
        .statement(StatementBuilder::allow().anyone().bundle(Bundle::Pull))
        .statement(
            StatementBuilder::deny()
                .anyone()
                .action(Action::BatchGetImage),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_access_not_granted(&denied, &[Action::BatchGetImage], &[]);

    // An org condition: a member of the organization in any account, with a request that
    // carries the organization.
    let org = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .org(OrgId::new("o-a1b2c3d4e5").unwrap())
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let report = check_access_not_granted(&org, &[Action::BatchGetImage], &[]).unwrap_err();
    assert!(!report.findings.is_empty());
    for f in &report.findings {
        assert_eq!(f.certainty, Certainty::Certain, "{f}");
        let proof = f.counterexample.as_ref().unwrap();
        assert_eq!(
            proof.witness.values("aws:PrincipalOrgID"),
            Some(&["o-a1b2c3d4e5".to_owned()][..]),
            "{f}"
        );
    }

    // A condition on the caller's account is decided exactly.
    let by_account = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .anyone()
                .bundle(Bundle::Pull)
                .condition(Condition::new(
                    "StringEquals".parse().unwrap(),
                    ConditionKey::new("aws:PrincipalAccount").unwrap(),
                    ["123456789012".into()],
                )),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_access_not_granted(
        &by_account,
        &[Action::BatchGetImage],
        &[Principal::account(account("123456789012"))],
    );
    let report = check_access_not_granted(&by_account, &[Action::BatchGetImage], &[]).unwrap_err();
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.caller.contains("123456789012")),
        "{report}"
    );
}

#[test]
#[should_panic(expected = "arn:aws:iam::210987654321:user/reader")]
fn assert_access_not_granted_names_the_caller() {
    assert_access_not_granted(
        team_policy(),
        &[Action::BatchGetImage],
        &[Principal::account(account("123456789012"))],
    );
}

#[test]
fn no_new_access() {
    let old = team_policy();
    assert_no_new_access(&old, &old);
    // Dropping the reader grants nothing new.
    let narrower = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .account(account("123456789012"))
                .bundle(Bundle::Push)
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    assert_no_new_access(&old, &narrower);
    // And the other way round is new access for the reader, for the three pull actions.
    let report = check_no_new_access(&narrower, &old).unwrap_err();
    assert_eq!(report.findings.len(), 3, "{report}");
    assert!(report
        .findings
        .iter()
        .all(|f| f.caller == "arn:aws:iam::210987654321:user/reader"));
    assert!(report
        .findings
        .iter()
        .all(|f| f.certainty == Certainty::Certain));

    // Naming a user instead of trusting the account is new access (no identity policy needed).
    let by_account = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .account(account("123456789012"))
                .action(Action::PutImage),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let by_name = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .principal(Principal::user(
                    account("123456789012"),
                    UserName::new("ci").unwrap(),
                ))
                .action(Action::PutImage),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    // Trusting the whole account instead of one user reaches the account's other identities
    // (given their identity policies), but is no new access for the user itself.
    let report = check_no_new_access(&by_name, &by_account).unwrap_err();
    assert_eq!(report.findings.len(), 3, "{report}");
    assert!(
        report
            .findings
            .iter()
            .all(|f| !f.caller.ends_with("user/ci")),
        "{report}"
    );
    let report = check_no_new_access(&by_account, &by_name).unwrap_err();
    assert!(report.to_string().contains("names the caller"), "{report}");

    // Removing a deny is new access; narrowing a condition is not; widening it is.
    let with_deny = RepositoryPolicy::builder()
        .statement(StatementBuilder::allow().anyone().bundle(Bundle::Pull))
        .statement(
            StatementBuilder::deny()
                .anyone()
                .action(Action::BatchGetImage)
                .condition(Condition::new(
                    "NotIpAddress".parse().unwrap(),
                    ConditionKey::new("aws:SourceIp").unwrap(),
                    ["10.0.0.0/8".into()],
                )),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let without_deny = RepositoryPolicy::builder()
        .statement(StatementBuilder::allow().anyone().bundle(Bundle::Pull))
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let report = check_no_new_access(&with_deny, &without_deny).unwrap_err();
    assert!(
        report
            .to_string()
            .contains("which the new policy does not keep"),
        "{report}"
    );
    assert_no_new_access(&without_deny, &with_deny);

    let org = |orgs: &[&str]| {
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .anyone()
                    .bundle(Bundle::Pull)
                    .condition(Condition::new(
                        "StringEquals".parse().unwrap(),
                        ConditionKey::new("aws:PrincipalOrgID").unwrap(),
                        orgs.iter().map(|o| (*o).into()),
                    )),
            )
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    };
    assert_no_new_access(
        org(&["o-a1b2c3d4e5", "o-f6g7h8i9j0"]),
        org(&["o-a1b2c3d4e5"]),
    );
    let report = check_no_new_access(
        org(&["o-a1b2c3d4e5"]),
        org(&["o-a1b2c3d4e5", "o-f6g7h8i9j0"]),
    )
    .unwrap_err();
    // Proven by a member of the added organization, except for the anonymous caller (whose
    // requests carry no organization at all: no finding).
    assert!(!report.findings.is_empty());
    for f in &report.findings {
        assert_eq!(f.certainty, Certainty::Certain, "{f}");
        let proof = f.counterexample.as_ref().unwrap();
        assert_eq!(
            proof.witness.values("aws:PrincipalOrgID"),
            Some(&["o-f6g7h8i9j0".to_owned()][..]),
            "{f}"
        );
    }
}
