//! ECR-FACTS section 5, case by case: how a repository policy and an identity policy combine.

mod common;

use common::account;

use ecr_policy::assert::{assert_allows, assert_denies};
use ecr_policy::eval::{Caller, Evaluator, Mismatch, Outcome, Reason, Request};
use ecr_policy::model::PolicyKind;
use ecr_policy::model::{
    ActionElement, ActionItem, ListForm, Principal, RepositoryArn, ResourceElement, Statement,
    ValueList,
};
use ecr_policy::{
    Action, Bundle, Effect, PolicyDocument, RepositoryPolicy, RoleName, ServiceName, SessionName,
    StatementBuilder, UserName, Version,
};

const REPO_ACCOUNT: &str = "123456789012";
const OTHER_ACCOUNT: &str = "210987654321";

fn repo() -> RepositoryArn {
    "arn:aws:ecr:us-east-1:123456789012:repository/fcj-workshop-app"
        .parse()
        .unwrap()
}

fn ci_user(acct: &str) -> Caller {
    Caller::user(account(acct), UserName::new("fcj-ecr-ci-cd-user").unwrap())
}

fn ci_principal(acct: &str) -> Principal {
    Principal::user(account(acct), UserName::new("fcj-ecr-ci-cd-user").unwrap())
}

/// The seed's policy, granting push and pull to the CI user of `acct`.
fn seed_policy(acct: &str) -> RepositoryPolicy {
    RepositoryPolicy::builder()
        .version(Version::V2008_10_17)
        .statement(
            StatementBuilder::allow()
                .sid("AllowPushPullFromCICDUser".parse().unwrap())
                .principal(ci_principal(acct))
                .bundle(Bundle::Push)
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap()
}

/// An identity policy: one statement with `actions` on `resource`.
fn identity(effect: Effect, actions: &[&str], resource: &str) -> PolicyDocument {
    let mut doc = PolicyDocument::new(Version::V2012_10_17);
    let mut s = Statement::new(effect);
    s.action = Some(ActionElement {
        negated: false,
        actions: actions.iter().map(|a| ActionItem::parse(a)).collect(),
    });
    s.resource = Some(ResourceElement {
        negated: false,
        resources: ValueList::new(vec![resource.to_owned()], ListForm::Compact),
    });
    doc.statements.push(s);
    doc
}

fn push(caller: Caller) -> Request {
    Request::new(caller, Action::PutImage, repo())
}

#[test]
fn seed_same_account_repository_policy_alone_is_enough() {
    let evaluator = Evaluator::new(seed_policy(REPO_ACCOUNT));
    let decision = evaluator.explain(&push(ci_user(REPO_ACCOUNT)));
    assert_eq!(decision.outcome, Outcome::Allowed);
    assert_eq!(decision.reason, Reason::SameAccountRepositoryAllow);
    assert_eq!(decision.deciding.len(), 1);
    assert_eq!(
        decision.deciding[0].sid.as_deref(),
        Some("AllowPushPullFromCICDUser")
    );
    assert_eq!(decision.deciding[0].policy, PolicyKind::Repository);
}

#[test]
fn seed_cross_account_needs_the_identity_policy_too() {
    let evaluator = Evaluator::new(seed_policy(OTHER_ACCOUNT));
    let decision = evaluator.explain(&push(ci_user(OTHER_ACCOUNT)));
    assert_eq!(decision.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(decision.reason, Reason::CrossAccountNoIdentityAllow);

    let with_identity = evaluator.clone().with_identity_policy(identity(
        Effect::Allow,
        &["ecr:PutImage"],
        repo().as_str(),
    ));
    let decision = with_identity.explain(&push(ci_user(OTHER_ACCOUNT)));
    assert_eq!(decision.outcome, Outcome::Allowed);
    assert_eq!(decision.reason, Reason::CrossAccountBothAllow);
    assert_eq!(decision.deciding.len(), 2);
}

#[test]
fn cross_account_identity_allow_alone_is_not_enough() {
    let policy = seed_policy(REPO_ACCOUNT); // names a user of the repository's account only
    let evaluator =
        Evaluator::new(policy).with_identity_policy(identity(Effect::Allow, &["ecr:*"], "*"));
    let decision = evaluator.explain(&push(ci_user(OTHER_ACCOUNT)));
    assert_eq!(decision.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(decision.reason, Reason::CrossAccountNoRepositoryAllow);
}

#[test]
fn same_account_identity_allow_alone_is_enough() {
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .principal(Principal::user(
                    account(REPO_ACCOUNT),
                    UserName::new("someone-else").unwrap(),
                ))
                .action(Action::BatchGetImage),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let evaluator = Evaluator::new(policy).with_identity_policy(identity(
        Effect::Allow,
        &["ecr:PutImage"],
        "arn:aws:ecr:us-east-1:123456789012:repository/*",
    ));
    let decision = evaluator.explain(&push(ci_user(REPO_ACCOUNT)));
    assert_eq!(decision.outcome, Outcome::Allowed);
    assert_eq!(decision.reason, Reason::SameAccountIdentityAllow);
    assert_eq!(decision.deciding[0].policy, PolicyKind::Identity);
}

#[test]
fn explicit_deny_in_either_policy_wins() {
    // Deny in the identity policy, allow in the repository policy, same account.
    let evaluator = Evaluator::new(seed_policy(REPO_ACCOUNT)).with_identity_policy(identity(
        Effect::Deny,
        &["ecr:Put*"],
        "*",
    ));
    let decision = evaluator.explain(&push(ci_user(REPO_ACCOUNT)));
    assert_eq!(decision.outcome, Outcome::ExplicitlyDenied);
    assert_eq!(decision.deciding[0].policy, PolicyKind::Identity);
    assert_eq!(decision.deciding[0].effect, Effect::Deny);

    // Deny in the repository policy, allow in both, cross account.
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .principal(ci_principal(OTHER_ACCOUNT))
                .bundle(Bundle::Push),
        )
        .statement(
            StatementBuilder::deny()
                .sid("NoPushFromOutside".parse().unwrap())
                .account(account(OTHER_ACCOUNT))
                .action(Action::PutImage),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let evaluator =
        Evaluator::new(policy).with_identity_policy(identity(Effect::Allow, &["ecr:*"], "*"));
    let decision = evaluator.explain(&push(ci_user(OTHER_ACCOUNT)));
    assert_eq!(decision.outcome, Outcome::ExplicitlyDenied);
    assert_eq!(decision.reason, Reason::ExplicitDeny);
    assert_eq!(
        decision.deciding[0].sid.as_deref(),
        Some("NoPushFromOutside")
    );
    // Pull is not denied.
    assert_allows(
        &evaluator,
        &Request::new(ci_user(OTHER_ACCOUNT), Action::InitiateLayerUpload, repo()),
    );
}

#[test]
fn root_principal_delegates_to_the_accounts_identity_policies() {
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .account(account(OTHER_ACCOUNT))
                .bundle(Bundle::Pull),
        )
        .statement(
            StatementBuilder::allow()
                .account(account(REPO_ACCOUNT))
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let pull = |c: Caller| Request::new(c, Action::BatchGetImage, repo());
    let bare = Evaluator::new(&policy);
    // Cross account: the account is trusted, its identity policy must still allow.
    let d = bare.explain(&pull(ci_user(OTHER_ACCOUNT)));
    assert_eq!(d.reason, Reason::CrossAccountNoIdentityAllow);
    assert!(
        d.to_string().contains("through the caller's account"),
        "{d}"
    );
    // Same account: naming the account is not a grant to its users by itself.
    let d = bare.explain(&pull(ci_user(REPO_ACCOUNT)));
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(d.reason, Reason::AccountGrantNeedsIdentityAllow);

    let with_identity = Evaluator::new(&policy).with_identity_policy(identity(
        Effect::Allow,
        &["ecr:BatchGetImage"],
        repo().as_str(),
    ));
    assert_allows(&with_identity, &pull(ci_user(OTHER_ACCOUNT)));
    assert_allows(&with_identity, &pull(ci_user(REPO_ACCOUNT)));
    // Root users need no identity policy.
    assert_allows(&bare, &pull(Caller::root(account(OTHER_ACCOUNT))));
    assert_allows(&bare, &pull(Caller::root(account(REPO_ACCOUNT))));
    assert_denies(&bare, &pull(Caller::root(account("111122223333"))));
}

#[test]
fn service_principals_get_access_from_the_repository_policy_alone() {
    let codebuild = ServiceName::new("codebuild.amazonaws.com").unwrap();
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .service(codebuild.clone())
                .bundle(Bundle::Pull)
                .source_account(&account(REPO_ACCOUNT))
                .source_arn("arn:aws:codebuild:us-east-1:123456789012:project/*"),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let evaluator = Evaluator::new(&policy);
    let base = Request::new(
        Caller::service(codebuild.clone()),
        Action::BatchGetImage,
        repo(),
    );
    let good = base
        .clone()
        .source_account(&account(REPO_ACCOUNT))
        .source_arn("arn:aws:codebuild:us-east-1:123456789012:project/build");
    let d = evaluator.explain(&good);
    assert_eq!(
        (d.outcome, d.reason),
        (Outcome::Allowed, Reason::ServiceRepositoryAllow)
    );
    // The confused-deputy guard: another account's project is refused, and the explanation
    // names the condition.
    let other = base
        .clone()
        .source_account(&account(OTHER_ACCOUNT))
        .source_arn("arn:aws:codebuild:us-east-1:210987654321:project/build");
    let d = evaluator.explain(&other);
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    let text = d.to_string();
    assert!(text.contains("StringEquals aws:SourceAccount"), "{text}");
    assert!(text.contains("ArnLike aws:SourceArn"), "{text}");
    // Without the keys the guard is false too.
    let d = evaluator.explain(&base);
    match &d.statements[0].result {
        Err(m) => assert!(m
            .iter()
            .any(|m| matches!(m, Mismatch::Condition { found: None, .. }))),
        Ok(_) => panic!("{d}"),
    }
    // Another service is not named.
    let lambda = Caller::service(ServiceName::new("lambda.amazonaws.com").unwrap());
    assert_denies(
        &evaluator,
        &Request::new(lambda, Action::BatchGetImage, repo()),
    );
}

#[test]
fn get_authorization_token_comes_only_from_an_identity_policy() {
    // A repository policy granting it has no effect (ECR-FACTS section 1).
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .principal(ci_principal(REPO_ACCOUNT))
                .action(Action::GetAuthorizationToken),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let login = Request::new(ci_user(REPO_ACCOUNT), Action::GetAuthorizationToken, repo());
    let d = Evaluator::new(&policy).explain(&login);
    assert_eq!(
        (d.outcome, d.reason),
        (Outcome::ImplicitlyDenied, Reason::ActionNeedsIdentityPolicy)
    );
    assert!(matches!(&d.statements[0].result, Err(m) if m == &[Mismatch::NotARepositoryAction]));

    // An identity policy on the repository ARN does not grant it either: it needs "*".
    let on_repo = Evaluator::new(&policy).with_identity_policy(identity(
        Effect::Allow,
        &["ecr:GetAuthorizationToken"],
        repo().as_str(),
    ));
    assert_denies(&on_repo, &login);
    let on_star = Evaluator::new(&policy).with_identity_policy(identity(
        Effect::Allow,
        &["ecr:GetAuthorizationToken"],
        "*",
    ));
    let d = on_star.explain(&login);
    assert_eq!(d.reason, Reason::IdentityAllowsActionWithoutResource);
    // From another account as well: the token is not tied to the repository.
    assert_allows(
        &on_star,
        &Request::new(
            ci_user(OTHER_ACCOUNT),
            Action::GetAuthorizationToken,
            repo(),
        ),
    );
}

#[test]
fn sessions_match_role_and_session_principals() {
    let deployer = RoleName::new("deployer").unwrap();
    let session = |name: &str| {
        Caller::assumed_role(
            account(OTHER_ACCOUNT),
            deployer.clone(),
            SessionName::new(name).unwrap(),
        )
    };
    let by_role = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .principal(Principal::role(account(OTHER_ACCOUNT), deployer.clone()))
                .action(Action::PutImage),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let identity_allow = identity(Effect::Allow, &["ecr:PutImage"], "*");
    let evaluator = Evaluator::new(&by_role).with_identity_policy(&identity_allow);
    assert_allows(&evaluator, &push(session("run-1")));
    assert_allows(&evaluator, &push(session("run-2")));

    let by_session = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .principal(
                    ecr_policy::model::AwsPrincipal::from_arn(
                        "arn:aws:sts::210987654321:assumed-role/deployer/run-1",
                    )
                    .unwrap(),
                )
                .action(Action::PutImage),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let evaluator = Evaluator::new(&by_session).with_identity_policy(&identity_allow);
    assert_allows(&evaluator, &push(session("run-1")));
    assert_denies(&evaluator, &push(session("run-2")));
}

#[test]
fn principal_and_action_names_follow_aws_case_rules() {
    let policy = RepositoryPolicy::try_from({
        let mut doc = PolicyDocument::new(Version::V2012_10_17);
        let mut s = Statement::new(Effect::Allow);
        s.principal = Some(ecr_policy::model::PrincipalElement {
            negated: false,
            empty_keys: Vec::new(),
            principals: ValueList::new(
                vec![
                    Principal::Aws(
                        ecr_policy::model::AwsPrincipal::from_arn(
                            "arn:aws:iam::123456789012:user/FCJ-ECR-CI-CD-USER",
                        )
                        .unwrap(),
                    ),
                    // Wildcards inside principal ARNs are not supported by AWS: matches nobody.
                    Principal::Aws(ecr_policy::model::AwsPrincipal::Other(
                        "arn:aws:iam::123456789012:user/*".to_owned(),
                    )),
                ],
                ListForm::Array,
            ),
        });
        s.action = Some(ActionElement {
            negated: false,
            actions: ValueList::new(vec![ActionItem::parse("ECR:batch*")], ListForm::Array),
        });
        doc.statements.push(s);
        doc
    })
    .unwrap();
    let evaluator = Evaluator::new(&policy);
    assert_allows(
        &evaluator,
        &Request::new(ci_user(REPO_ACCOUNT), Action::BatchGetImage, repo()),
    );
    assert_allows(
        &evaluator,
        &Request::new(ci_user(REPO_ACCOUNT), "ecr:batchgetimage", repo()),
    );
    assert_denies(
        &evaluator,
        &Request::new(ci_user(REPO_ACCOUNT), Action::PutImage, repo()),
    );
    let other = Caller::user(account(REPO_ACCOUNT), UserName::new("other").unwrap());
    assert_denies(
        &evaluator,
        &Request::new(other, Action::BatchGetImage, repo()),
    );
}

#[test]
fn not_principal_deny_follows_the_documented_identity_rule() {
    // Deny everyone except the deployer role; its sessions must also be listed to be spared.
    let role_arn = "arn:aws:iam::123456789012:role/deployer";
    let session_arn = "arn:aws:sts::123456789012:assumed-role/deployer/run";
    let build = |listed: &[&str]| {
        let mut b = StatementBuilder::deny().not_principal();
        for arn in listed {
            b = b.principal(ecr_policy::model::AwsPrincipal::from_arn(arn).unwrap());
        }
        RepositoryPolicy::builder()
            .statement(
                StatementBuilder::allow()
                    .anyone()
                    .action(Action::SetRepositoryPolicy),
            )
            .statement(b.action(Action::SetRepositoryPolicy))
            .build()
            .unwrap()
            .into_policy()
            .unwrap()
    };
    let caller = Caller::from_arn(session_arn).unwrap();
    let request = Request::new(caller, Action::SetRepositoryPolicy, repo());
    let only_role = Evaluator::new(build(&[role_arn]));
    assert_eq!(only_role.decide(&request), Outcome::ExplicitlyDenied);
    let all = Evaluator::new(build(&[role_arn, session_arn, "123456789012"]));
    assert_eq!(all.decide(&request), Outcome::Allowed);
    let someone = Request::new(ci_user(REPO_ACCOUNT), Action::SetRepositoryPolicy, repo());
    assert_eq!(all.decide(&someone), Outcome::ExplicitlyDenied);
}

#[test]
fn not_action_and_not_resource() {
    let mut doc = PolicyDocument::new(Version::V2012_10_17);
    let mut s = Statement::new(Effect::Allow);
    s.action = Some(ActionElement {
        negated: true,
        actions: ValueList::new(vec![ActionItem::parse("ecr:Delete*")], ListForm::Array),
    });
    s.resource = Some(ResourceElement {
        negated: true,
        resources: ValueList::new(
            vec!["arn:aws:ecr:*:*:repository/prod-*".to_owned()],
            ListForm::Array,
        ),
    });
    doc.statements.push(s);
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .account(account(OTHER_ACCOUNT))
                .action(
                    "ecr:*"
                        .parse::<ecr_policy::catalogue::ActionPattern>()
                        .unwrap(),
                ),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let evaluator = Evaluator::new(&policy).with_identity_policy(&doc);
    let prod: RepositoryArn = "arn:aws:ecr:us-east-1:123456789012:repository/prod-app"
        .parse()
        .unwrap();
    let caller = ci_user(OTHER_ACCOUNT);
    assert_allows(
        &evaluator,
        &Request::new(caller.clone(), Action::PutImage, repo()),
    );
    assert_denies(
        &evaluator,
        &Request::new(caller.clone(), Action::DeleteRepository, repo()),
    );
    let d = evaluator.explain(&Request::new(caller, Action::PutImage, prod));
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert!(
        d.to_string().contains(
            "resource: does not cover arn:aws:ecr:us-east-1:123456789012:repository/prod-app"
        ),
        "{d}"
    );
}

#[test]
fn explanation_names_the_part_that_did_not_match() {
    let evaluator = Evaluator::new(seed_policy(REPO_ACCOUNT));
    let stranger = Caller::user(account(REPO_ACCOUNT), UserName::new("stranger").unwrap());
    let d = evaluator.explain(&Request::new(stranger, Action::DeleteRepository, repo()));
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert_eq!(d.reason, Reason::NoAllow);
    let Err(parts) = &d.statements[0].result else {
        panic!("{d}")
    };
    assert_eq!(
        parts,
        &[
            Mismatch::Principal {
                caller: "arn:aws:iam::123456789012:user/stranger".to_owned()
            },
            Mismatch::Action {
                action: "ecr:DeleteRepository".to_owned()
            }
        ]
    );
    assert!(d.to_string().contains(
        "repository policy statement \"AllowPushPullFromCICDUser\" (#0, Allow): does not apply: principal: does not cover arn:aws:iam::123456789012:user/stranger; action: does not cover ecr:DeleteRepository"
    ), "{d}");
}

#[test]
fn decide_and_explain_agree() {
    let policies = [seed_policy(REPO_ACCOUNT), seed_policy(OTHER_ACCOUNT)];
    let identities = [
        None,
        Some(identity(Effect::Allow, &["ecr:*"], "*")),
        Some(identity(Effect::Deny, &["ecr:PutImage"], "*")),
    ];
    let callers = [
        ci_user(REPO_ACCOUNT),
        ci_user(OTHER_ACCOUNT),
        Caller::root(account(REPO_ACCOUNT)),
        Caller::service(ServiceName::new("lambda.amazonaws.com").unwrap()),
    ];
    for policy in &policies {
        for id in &identities {
            let mut e = Evaluator::new(policy);
            if let Some(id) = id {
                e = e.with_identity_policy(id);
            }
            for caller in &callers {
                for action in [
                    Action::PutImage,
                    Action::DeleteRepository,
                    Action::GetAuthorizationToken,
                ] {
                    let r = Request::new(caller.clone(), action, repo());
                    assert_eq!(e.decide(&r), e.explain(&r).outcome, "{r}");
                }
            }
        }
    }
}
