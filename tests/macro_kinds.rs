//! `policy!` for each kind of policy: a registry policy (`on registry`), an ECR Public
//! repository policy (`on public repo`) and an identity policy (`on repo "name"`, `on repos
//! "prefix*"`, `on "*"`). Each form equals the same policy built with the kind's builder and
//! means what AWS's own example of the kind means.

mod common;

use common::account;

use ecr_policy::builder::{IdentityResource, Registry, Repositories};
use ecr_policy::catalogue::PublicAction;
use ecr_policy::model::{IdentityPolicy, PublicRepositoryPolicy, RegistryPolicy};
use ecr_policy::names::Region;
use ecr_policy::{
    policy, Action, BuildError, Bundle, RepositoryName, Sid, StatementBuilder, UserName,
};

fn registry() -> Registry {
    Registry::new(account("123456789012"), Region::new("us-west-2").unwrap())
}

fn sid(s: &str) -> Sid {
    Sid::new(s).unwrap()
}

#[test]
fn a_registry_policy_for_replication_and_pull_through_cache() {
    let from_macro: RegistryPolicy = policy! {
        account "123456789012";
        region "us-west-2";
        sid "ReplicationAccessCrossAccount"
            allow account "210987654321" CreateRepository, ReplicateImage on registry;
        sid "PullThroughCache"
            allow user "ecr-pull-through-cache-user" CreateRepository, BatchImportUpstreamImage
            on registry repos "ecr-public/*", repo "team/app"
    };
    let expected = RegistryPolicy::builder(registry())
        .statement(
            [Repositories::all()],
            StatementBuilder::allow()
                .sid(sid("ReplicationAccessCrossAccount"))
                .account(account("210987654321"))
                .action(Action::CreateRepository)
                .action(Action::ReplicateImage),
        )
        .statement(
            [
                Repositories::matching("ecr-public/*").unwrap(),
                Repositories::named(RepositoryName::new("team/app").unwrap()),
            ],
            StatementBuilder::allow()
                .sid(sid("PullThroughCache"))
                .user(UserName::new("ecr-pull-through-cache-user").unwrap())
                .action(Action::CreateRepository)
                .action(Action::BatchImportUpstreamImage),
        )
        .build()
        .unwrap();
    assert_eq!(from_macro, expected);
    // AWS's replication example, in the registry of this policy.
    let aws = RegistryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReplicationAccessCrossAccount","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],
        "Resource":["arn:aws:ecr:us-west-2:123456789012:repository/*"]}]}"#,
    )
    .unwrap();
    let replication: RegistryPolicy = policy! {
        account "123456789012"; region "us-west-2";
        sid "ReplicationAccessCrossAccount" allow account "210987654321" CreateRepository, ReplicateImage on registry
    };
    assert!(replication.equivalent(&aws));
    assert_eq!(replication.to_json(), aws.to_json());
    assert!(from_macro.lint().is_empty(), "{:?}", from_macro.lint());
    let (acct, region) = from_macro.registry().unwrap();
    assert_eq!(
        (acct.as_str(), region.as_str()),
        ("123456789012", "us-west-2")
    );
}

#[test]
fn a_registry_from_values_and_a_list_of_principals() {
    let acct = account("123456789012");
    let region = Region::new("eu-west-1").unwrap();
    let sources = vec![account("111122223333"), account("444455556666")];
    let prefix = Repositories::matching("prod-*").unwrap();
    let from_macro = policy! {
        account {acct.clone()};
        region {region.clone()};
        allow account {sources.clone()} ReplicateImage on registry repos {prefix.clone()}
    }
    .unwrap();
    let expected = RegistryPolicy::builder(Registry::new(acct, region))
        .statement(
            [prefix],
            StatementBuilder::allow()
                .accounts(sources)
                .action(Action::ReplicateImage),
        )
        .build()
        .unwrap();
    assert_eq!(from_macro, expected);
    let nobody: Vec<ecr_policy::AccountId> = Vec::new();
    let err = policy! {
        account "123456789012"; region "us-west-2";
        allow account {nobody} ReplicateImage on registry
    }
    .unwrap_err();
    assert!(matches!(
        err,
        BuildError::MissingPrincipal { statement: 0, .. }
    ));
}

#[test]
fn an_ecr_public_repository_policy() {
    let from_macro: PublicRepositoryPolicy = policy! {
        sid "AllowPush"
            allow user "push-pull-user-1" in account "111122223333", user "push-pull-user-2" in account "111122223333"
            push on public repo;
        sid "AllowDescribe" allow account "444455556666" DescribeImages, ecr-public:DescribeRepositories on public repo
    };
    let push = [
        PublicAction::BatchCheckLayerAvailability,
        PublicAction::CompleteLayerUpload,
        PublicAction::InitiateLayerUpload,
        PublicAction::PutImage,
        PublicAction::UploadLayerPart,
    ];
    let users = ["push-pull-user-1", "push-pull-user-2"].map(|u| {
        ecr_policy::model::AwsPrincipal::from_arn(&format!("arn:aws:iam::111122223333:user/{u}"))
            .unwrap()
    });
    let expected = PublicRepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .sid(sid("AllowPush"))
                .principals(users)
                .actions(push),
        )
        .statement(
            StatementBuilder::allow()
                .sid(sid("AllowDescribe"))
                .account(account("444455556666"))
                .action(PublicAction::DescribeImages)
                .action(PublicAction::DescribeRepositories),
        )
        .build()
        .unwrap();
    assert_eq!(from_macro, expected);
    // AWS's example of the kind, as its current documentation writes it.
    let aws = PublicRepositoryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowPush","Effect":"Allow",
        "Principal":{"AWS":["arn:aws:iam::111122223333:user/push-pull-user-1","arn:aws:iam::111122223333:user/push-pull-user-2"]},
        "Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:PutImage","ecr-public:InitiateLayerUpload",
        "ecr-public:UploadLayerPart","ecr-public:CompleteLayerUpload"],"Resource":"*"}]}"#,
    )
    .unwrap();
    let allow_push: PublicRepositoryPolicy = policy! {
        sid "AllowPush"
            allow user "push-pull-user-1" in account "111122223333", user "push-pull-user-2" in account "111122223333"
            push on public repo
    };
    assert!(allow_push.equivalent(&aws));
    assert!(from_macro.to_json().contains(r#""Resource":"*""#));
    // Principals of the policy's account take it from the `account` header.
    let own: PublicRepositoryPolicy =
        policy! { account "111122223333"; allow role "publisher" push on public repo };
    assert!(own
        .to_json()
        .contains("arn:aws:iam::111122223333:role/publisher"));
}

#[test]
fn an_identity_policy() {
    let from_macro: IdentityPolicy = policy! {
        account "123456789012";
        region "us-east-1";
        sid "GetAuthorizationToken" allow GetAuthorizationToken on "*";
        sid "ManageRepositoryContents" allow push, pull, ListImages on repo "my-repo", repos "team/*";
        deny ecr:* on "*" when StringEquals "ecr:ResourceTag/environment" "prod"
    };
    let registry = Registry::new(account("123456789012"), Region::new("us-east-1").unwrap());
    let expected = IdentityPolicy::builder()
        .statement(
            [IdentityResource::Any],
            StatementBuilder::allow()
                .sid(sid("GetAuthorizationToken"))
                .action(Action::GetAuthorizationToken),
        )
        .statement(
            [
                IdentityResource::Repositories(
                    registry.clone(),
                    Repositories::named(RepositoryName::new("my-repo").unwrap()),
                ),
                IdentityResource::Repositories(registry, Repositories::matching("team/*").unwrap()),
            ],
            StatementBuilder::allow()
                .sid(sid("ManageRepositoryContents"))
                .bundle(Bundle::Push)
                .bundle(Bundle::Pull)
                .action(Action::ListImages),
        )
        .statement(
            [IdentityResource::Any],
            StatementBuilder::deny()
                .action(ecr_policy::catalogue::ActionPattern::new("ecr:*").unwrap())
                .condition(ecr_policy::model::Condition::new(
                    "StringEquals".parse().unwrap(),
                    ecr_policy::model::ConditionKey::new("ecr:ResourceTag/environment").unwrap(),
                    [ecr_policy::model::ConditionValue::from("prod")],
                )),
        )
        .build()
        .unwrap();
    assert_eq!(from_macro, expected);
    let json = from_macro.to_json();
    assert!(json.contains(r#""Sid":"GetAuthorizationToken","Effect":"Allow","Action":["ecr:GetAuthorizationToken"],"Resource":"*""#), "{json}");
    assert!(!json.contains("Principal"), "{json}");
    // Identity policies need no account or Region when every statement is on "*".
    let token: IdentityPolicy =
        policy! { allow GetAuthorizationToken, ecr-public:GetAuthorizationToken on "*" };
    assert_eq!(token.statements().len(), 1);
}

#[test]
fn the_card_line_is_still_a_repository_policy() {
    let template = policy! { allow user "fcj-ecr-ci-cd-user" push, pull on repo };
    let policy = template.bind(account("123456789012"));
    assert!(policy
        .to_json()
        .contains(r#""AWS":"arn:aws:iam::123456789012:user/fcj-ecr-ci-cd-user""#));
    assert!(!policy.to_json().contains("Resource"));
}

#[test]
fn the_builders_refuse_what_their_kind_refuses() {
    // A statement with a principal in an identity policy.
    let err = IdentityPolicy::builder()
        .statement(
            [IdentityResource::Any],
            StatementBuilder::allow()
                .account(account("111122223333"))
                .bundle(Bundle::Pull),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::PrincipalInIdentityPolicy {
            statement: 0,
            sid: None
        }
    );
    // No resource: an empty list of repositories.
    let err = RegistryPolicy::builder(registry())
        .statement(
            Vec::<Repositories>::new(),
            StatementBuilder::allow()
                .account(account("111122223333"))
                .action(Action::ReplicateImage),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::MissingResource {
            statement: 0,
            sid: None
        }
    );
    // An `ecr:` action in an ECR Public repository policy, known only at run time.
    let err = PublicRepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .account(account("111122223333"))
                .action(Action::PutImage),
        )
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::NotOfKind(_)), "{err}");
    assert!(err.to_string().contains("Statement[0].Action"), "{err}");
    // A user of the policy's account without the account.
    let err = PublicRepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .user(UserName::new("ci").unwrap())
                .action(PublicAction::PutImage),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::AccountNeeded {
            statement: 0,
            sid: None
        }
    );
    // The same through `policy!` with an action given as a value: a `Result`.
    let action = ecr_policy::model::ActionItem::Ecr(Action::PutImage);
    let err = policy! { allow account "111122223333" {action} on public repo }.unwrap_err();
    assert!(matches!(err, BuildError::NotOfKind(_)), "{err}");
}

#[test]
fn an_identity_policy_with_other_resources_and_services() {
    // ECR Public push: a token of ECR Public and STS, then the public repository by its ARN.
    let from_macro: IdentityPolicy = policy! {
        sid "LogIn" allow ecr-public:GetAuthorizationToken, "sts:GetServiceBearerToken" on "*";
        sid "Push" allow ecr-public:PutImage, ecr-public:InitiateLayerUpload
            on arn "arn:aws:ecr-public::123456789012:repository/tool"
    };
    let expected = IdentityPolicy::builder()
        .statement(
            [IdentityResource::Any],
            StatementBuilder::allow()
                .sid(sid("LogIn"))
                .action(PublicAction::GetAuthorizationToken)
                .action(ecr_policy::model::ActionItem::Other(
                    "sts:GetServiceBearerToken".into(),
                )),
        )
        .statement(
            [IdentityResource::Arn(
                "arn:aws:ecr-public::123456789012:repository/tool".into(),
            )],
            StatementBuilder::allow()
                .sid(sid("Push"))
                .action(PublicAction::PutImage)
                .action(PublicAction::InitiateLayerUpload),
        )
        .build()
        .unwrap();
    assert_eq!(from_macro, expected);
    assert!(from_macro
        .to_json()
        .contains(r#""Resource":"arn:aws:ecr-public::123456789012:repository/tool""#));
    // Written back as the same source.
    let dsl = from_macro.to_dsl().unwrap();
    assert!(
        dsl.contains(r#"on arn "arn:aws:ecr-public::123456789012:repository/tool""#),
        "{dsl}"
    );
    assert!(dsl.contains(r#""sts:GetServiceBearerToken""#), "{dsl}");
}

#[test]
fn create_repository_and_replicate_image_go_where_the_refusal_says() {
    // The identity policy the refusal of `CreateRepository ... on repo` points to.
    let create: IdentityPolicy = policy! {
        account "123456789012";
        region "us-east-1";
        allow CreateRepository on repo "app"
    };
    assert!(create
        .to_json()
        .contains(r#""Action":["ecr:CreateRepository"]"#));
    // A repository policy still denies replication, and `ecr:*` grants the rest.
    let repository = policy! {
        account "123456789012";
        deny anyone ReplicateImage on repo;
        allow role "admin" "ecr:*" on repo
    };
    let json = repository.to_json();
    assert!(
        json.contains(r#""Effect":"Deny","Principal":"*","Action":["ecr:ReplicateImage"]"#),
        "{json}"
    );
}
