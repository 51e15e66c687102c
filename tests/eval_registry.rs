//! Registry policies in decisions: AWS's documented cases of cross-account replication and
//! pull through cache, the two registry policy scopes, and how the registry policy adds up
//! with the repository and identity policies.

mod common;

use common::account;

use ecr_policy::eval::{Caller, Evaluator, Mismatch, Outcome, Reason, RegistryEvaluator, Request};
use ecr_policy::model::{PolicyKind, RegistryPolicy, RegistryPolicyScope, RepositoryArn};
use ecr_policy::{Action, PolicyDocument, UserName};

/// AWS's replication example: the source account 111122223333 may create repositories in,
/// and replicate into, every repository of the registry of 444455556666 in us-west-2
/// (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html>).
fn replication_policy() -> RegistryPolicy {
    RegistryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReplicationAccessCrossAccount",
        "Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
        "Action":["ecr:CreateRepository","ecr:ReplicateImage"],
        "Resource":["arn:aws:ecr:us-west-2:444455556666:repository/*"]}]}"#,
    )
    .unwrap()
}

/// AWS's pull-through-cache example: the user ecr-pull-through-cache-user of the registry's
/// own account may import upstream images into, and create, repositories under
/// `ecr-public/` (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html>).
fn pull_through_cache_policy() -> RegistryPolicy {
    RegistryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"PullThroughCacheFromReadOnlyRole",
        "Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:user/ecr-pull-through-cache-user"},
        "Action":["ecr:CreateRepository","ecr:BatchImportUpstreamImage"],
        "Resource":"arn:aws:ecr:us-east-1:111122223333:repository/ecr-public/*"}]}"#,
    )
    .unwrap()
}

fn arn(text: &str) -> RepositoryArn {
    text.parse().unwrap()
}

fn destination(name: &str) -> RepositoryArn {
    arn(&format!(
        "arn:aws:ecr:us-west-2:444455556666:repository/{name}"
    ))
}

fn cache(name: &str) -> RepositoryArn {
    arn(&format!(
        "arn:aws:ecr:us-east-1:111122223333:repository/{name}"
    ))
}

fn user(acct: &str, name: &str) -> Caller {
    Caller::user(account(acct), UserName::new(name).unwrap())
}

fn doc(text: &str) -> PolicyDocument {
    PolicyDocument::from_json(text).unwrap()
}

/// `explain` and `decide` agree; the decision, for the asserts.
fn decided(evaluator: &RegistryEvaluator, request: &Request) -> (Outcome, Reason) {
    let decision = evaluator.explain(request);
    assert_eq!(evaluator.decide(request), decision.outcome, "{decision}");
    (decision.outcome, decision.reason)
}

#[test]
fn replication_from_the_named_source_account_is_allowed() {
    let evaluator = RegistryEvaluator::new(replication_policy());
    for action in [Action::ReplicateImage, Action::CreateRepository] {
        let request = Request::replication(account("111122223333"), action, destination("app"));
        let decision = evaluator.explain(&request);
        assert_eq!(decision.outcome, Outcome::Allowed, "{decision}");
        assert_eq!(decision.reason, Reason::CrossAccountRootRegistryAllow);
        let deciding: Vec<_> = decision.deciding.iter().map(|s| s.sid.as_deref()).collect();
        assert_eq!(deciding, [Some("ReplicationAccessCrossAccount")]);
        assert_eq!(decision.deciding[0].policy, PolicyKind::Registry);
        assert!(decision
            .to_string()
            .contains("registry policy statement \"ReplicationAccessCrossAccount\""));
    }
}

#[test]
fn replication_is_denied_to_other_sources_registries_and_actions() {
    let evaluator = RegistryEvaluator::new(replication_policy());
    // Another source account.
    let stranger = Request::replication(
        account("999988887777"),
        Action::ReplicateImage,
        destination("app"),
    );
    assert_eq!(
        decided(&evaluator, &stranger),
        (Outcome::ImplicitlyDenied, Reason::NoAllow)
    );
    let report = evaluator.explain(&stranger);
    assert!(matches!(
        report.statements[0].result.as_ref().unwrap_err()[..],
        [Mismatch::Principal { .. }]
    ));
    // The same destination account in another Region is another registry.
    let elsewhere = Request::replication(
        account("111122223333"),
        Action::ReplicateImage,
        arn("arn:aws:ecr:eu-west-1:444455556666:repository/app"),
    );
    assert_eq!(decided(&evaluator, &elsewhere).0, Outcome::ImplicitlyDenied);
    // The source account is granted replication, not pushing.
    let push = Request::replication(
        account("111122223333"),
        Action::PutImage,
        destination("app"),
    );
    assert_eq!(decided(&evaluator, &push).0, Outcome::ImplicitlyDenied);
}

#[test]
fn several_source_accounts_and_a_prefix() {
    // The examples page's two-account form, narrowed to repositories whose names begin with
    // prod- for the second account.
    let policy = RegistryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"ReplicationAccessCrossAccount1","Effect":"Allow",
         "Principal":{"AWS":"arn:aws:iam::111122223333:root"},
         "Action":["ecr:CreateRepository","ecr:ReplicateImage"],
         "Resource":["arn:aws:ecr:us-west-2:444455556666:repository/*"]},
        {"Sid":"ReplicationAccessCrossAccount2","Effect":"Allow",
         "Principal":{"AWS":"arn:aws:iam::123456789012:root"},
         "Action":["ecr:CreateRepository","ecr:ReplicateImage"],
         "Resource":["arn:aws:ecr:us-west-2:444455556666:repository/prod-*"]}]}"#,
    )
    .unwrap();
    let evaluator = RegistryEvaluator::new(&policy);
    let replicate = |source: &str, name: &str| {
        decided(
            &evaluator,
            &Request::replication(account(source), Action::ReplicateImage, destination(name)),
        )
        .0
    };
    assert_eq!(replicate("111122223333", "dev-api"), Outcome::Allowed);
    assert_eq!(replicate("123456789012", "prod-api"), Outcome::Allowed);
    assert_eq!(
        replicate("123456789012", "dev-api"),
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn replication_within_the_own_registry_needs_no_registry_policy() {
    // "By default, you have permission to configure cross-Region replication within your own
    // registry."
    let none = RegistryEvaluator::without_registry_policy();
    let own = Request::replication(
        account("444455556666"),
        Action::ReplicateImage,
        destination("app"),
    );
    assert_eq!(
        decided(&none, &own),
        (Outcome::Allowed, Reason::RootOfRepositoryAccount)
    );
    let other = Request::replication(
        account("111122223333"),
        Action::ReplicateImage,
        destination("app"),
    );
    assert_eq!(
        decided(&none, &other),
        (Outcome::ImplicitlyDenied, Reason::NoAllow)
    );
}

#[test]
fn a_deny_in_the_registry_policy_stops_replication() {
    let policy = RegistryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"111122223333"},
         "Action":["ecr:CreateRepository","ecr:ReplicateImage"],
         "Resource":"arn:aws:ecr:us-west-2:444455556666:repository/*"},
        {"Sid":"NoSecrets","Effect":"Deny","Principal":"*","Action":"ecr:*",
         "Resource":"arn:aws:ecr:us-west-2:444455556666:repository/secret/*"}]}"#,
    )
    .unwrap();
    let evaluator = RegistryEvaluator::new(&policy);
    let secret = Request::replication(
        account("111122223333"),
        Action::CreateRepository,
        destination("secret/keys"),
    );
    let decision = evaluator.explain(&secret);
    assert_eq!(decision.outcome, Outcome::ExplicitlyDenied);
    assert_eq!(decision.deciding[0].sid.as_deref(), Some("NoSecrets"));
    assert_eq!(evaluator.decide(&secret), Outcome::ExplicitlyDenied);
    let plain = Request::replication(
        account("111122223333"),
        Action::CreateRepository,
        destination("web"),
    );
    assert_eq!(decided(&evaluator, &plain).0, Outcome::Allowed);
}

#[test]
fn a_repository_policy_does_not_grant_replication_or_creation() {
    // The destination repository's own policy allows the source account everything; AWS
    // still requires the registry policy for ecr:ReplicateImage, and a repository that
    // ecr:CreateRepository would make has no policy yet.
    let repository = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:*"}]}"#);
    let evaluator =
        RegistryEvaluator::without_registry_policy().with_repository_policy(&repository);
    for action in [Action::ReplicateImage, Action::CreateRepository] {
        let request = Request::replication(account("111122223333"), action, destination("app"));
        let decision = evaluator.explain(&request);
        assert_eq!(decision.outcome, Outcome::ImplicitlyDenied, "{decision}");
        assert!(matches!(
            decision.statements[0].result.as_ref().unwrap_err()[..],
            [Mismatch::NotConsulted { .. }]
        ));
    }
    // For pushing, the same repository policy is what grants.
    let push = Request::replication(
        account("111122223333"),
        Action::PutImage,
        destination("app"),
    );
    assert_eq!(
        decided(&evaluator, &push),
        (Outcome::Allowed, Reason::CrossAccountRootRepositoryAllow)
    );
}

#[test]
fn a_deny_in_the_destination_repository_policy_stops_replication() {
    // Its Allow grants nothing for ecr:ReplicateImage, but its Deny counts, as a Deny does
    // wherever it stands.
    let repository = doc(r#"{"Version":"2012-10-17","Statement":[{"Sid":"Frozen",
        "Effect":"Deny","Principal":"*","Action":["ecr:ReplicateImage","ecr:PutImage"]}]}"#);
    let evaluator =
        RegistryEvaluator::new(replication_policy()).with_repository_policy(&repository);
    let replicate = Request::replication(
        account("111122223333"),
        Action::ReplicateImage,
        destination("app"),
    );
    let decision = evaluator.explain(&replicate);
    assert_eq!(decision.outcome, Outcome::ExplicitlyDenied, "{decision}");
    assert_eq!(decision.deciding[0].sid.as_deref(), Some("Frozen"));
    assert_eq!(decision.deciding[0].policy, PolicyKind::Repository);
    assert_eq!(evaluator.decide(&replicate), Outcome::ExplicitlyDenied);
    // Creating a repository is not stopped by the policy of one that does not exist yet.
    let create = Request::replication(
        account("111122223333"),
        Action::CreateRepository,
        destination("app"),
    );
    assert_eq!(decided(&evaluator, &create).0, Outcome::Allowed);
}

#[test]
fn pull_through_cache_for_the_named_user() {
    let evaluator = RegistryEvaluator::new(pull_through_cache_policy());
    let puller = user("111122223333", "ecr-pull-through-cache-user");
    for action in [Action::BatchImportUpstreamImage, Action::CreateRepository] {
        let request = Request::new(
            puller.clone(),
            action,
            cache("ecr-public/amazonlinux/amazonlinux"),
        );
        let decision = evaluator.explain(&request);
        assert_eq!(decision.outcome, Outcome::Allowed, "{decision}");
        assert_eq!(decision.reason, Reason::SameAccountRegistryAllow);
        assert_eq!(
            decision.deciding[0].sid.as_deref(),
            Some("PullThroughCacheFromReadOnlyRole")
        );
    }
    // Outside the cache namespace, and for another user, nothing allows.
    let docker_hub = Request::new(
        puller,
        Action::BatchImportUpstreamImage,
        cache("docker-hub/library/nginx"),
    );
    assert_eq!(
        decided(&evaluator, &docker_hub),
        (Outcome::ImplicitlyDenied, Reason::NoAllow)
    );
    let other = Request::new(
        user("111122223333", "someone-else"),
        Action::CreateRepository,
        cache("ecr-public/amazonlinux/amazonlinux"),
    );
    assert_eq!(decided(&evaluator, &other).0, Outcome::ImplicitlyDenied);
}

#[test]
fn pull_through_cache_grants_add_up_with_the_identity_policy() {
    // "If an IAM entity has more permissions granted by an IAM policy than the registry
    // permissions policy is granting, the IAM policy takes precedence": a user with ecr:*
    // needs nothing from the registry policy.
    let full = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}"#,
    );
    let evaluator = RegistryEvaluator::new(pull_through_cache_policy()).with_identity_policy(&full);
    let request = Request::new(
        user("111122223333", "someone-else"),
        Action::CreateRepository,
        cache("docker-hub/library/nginx"),
    );
    let decision = evaluator.explain(&request);
    assert_eq!(decision.outcome, Outcome::Allowed);
    assert_eq!(decision.reason, Reason::SameAccountIdentityAllow);
    assert!(decision
        .deciding
        .iter()
        .all(|s| s.policy == PolicyKind::Identity));
    // Creating a pull through cache rule has no resource: only the identity policy grants it.
    let rule = Request::new(
        user("111122223333", "ecr-pull-through-cache-user"),
        Action::CreatePullThroughCacheRule,
        cache("ecr-public/x"),
    );
    assert_eq!(
        decided(&RegistryEvaluator::new(pull_through_cache_policy()), &rule),
        (Outcome::ImplicitlyDenied, Reason::ActionNeedsIdentityPolicy)
    );
    assert_eq!(
        decided(&evaluator, &rule),
        (
            Outcome::Allowed,
            Reason::IdentityAllowsActionWithoutResource
        )
    );
}

#[test]
fn batch_import_may_come_from_the_repository_policy_but_creation_may_not() {
    let repository = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"CacheImport","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:user/builder"},
        "Action":["ecr:BatchImportUpstreamImage","ecr:CreateRepository"]}]}"#,
    );
    let evaluator =
        RegistryEvaluator::without_registry_policy().with_repository_policy(&repository);
    let builder = user("111122223333", "builder");
    let import = Request::new(
        builder.clone(),
        Action::BatchImportUpstreamImage,
        cache("ecr-public/nginx/nginx"),
    );
    assert_eq!(
        decided(&evaluator, &import),
        (Outcome::Allowed, Reason::SameAccountRepositoryAllow)
    );
    let create = Request::new(
        builder,
        Action::CreateRepository,
        cache("ecr-public/nginx/nginx"),
    );
    let decision = evaluator.explain(&create);
    assert_eq!(
        (decision.outcome, decision.reason),
        (Outcome::ImplicitlyDenied, Reason::NoAllow)
    );
    assert!(decision.to_string().contains("not consulted"), "{decision}");
}

#[test]
fn another_accounts_user_needs_both_sides() {
    let policy = RegistryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:user/importer"},
        "Action":"ecr:BatchImportUpstreamImage",
        "Resource":"arn:aws:ecr:us-east-1:111122223333:repository/ecr-public/*"}]}"#,
    )
    .unwrap();
    let grant = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:BatchImportUpstreamImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}]}"#,
    );
    let importer = user("123456789012", "importer");
    let request = Request::new(
        importer,
        Action::BatchImportUpstreamImage,
        cache("ecr-public/nginx/nginx"),
    );
    assert_eq!(
        decided(&RegistryEvaluator::new(&policy), &request),
        (
            Outcome::ImplicitlyDenied,
            Reason::CrossAccountRegistryNoIdentityAllow
        )
    );
    assert_eq!(
        decided(
            &RegistryEvaluator::new(&policy).with_identity_policy(&grant),
            &request
        ),
        (
            Outcome::Allowed,
            Reason::CrossAccountIdentityAndRegistryAllow
        )
    );
    // With a registry policy that does not cover the request, it is the registry policy
    // that is missing; without one, the repository policy could still grant the import.
    assert_eq!(
        decided(
            &RegistryEvaluator::new(replication_policy()).with_identity_policy(&grant),
            &request
        ),
        (
            Outcome::ImplicitlyDenied,
            Reason::CrossAccountNoRegistryAllow
        )
    );
    assert_eq!(
        decided(
            &RegistryEvaluator::without_registry_policy().with_identity_policy(&grant),
            &request
        ),
        (
            Outcome::ImplicitlyDenied,
            Reason::CrossAccountNoRepositoryAllow
        )
    );
}

#[test]
fn a_grant_to_the_own_account_delegates_to_identity_policies() {
    let policy = RegistryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:root"},
        "Action":["ecr:BatchImportUpstreamImage","ecr:CreateRepository"],
        "Resource":"arn:aws:ecr:us-east-1:111122223333:repository/ecr-public/*"}]}"#,
    )
    .unwrap();
    let request = Request::new(
        user("111122223333", "builder"),
        Action::CreateRepository,
        cache("ecr-public/nginx/nginx"),
    );
    assert_eq!(
        decided(&RegistryEvaluator::new(&policy), &request),
        (
            Outcome::ImplicitlyDenied,
            Reason::RegistryAccountGrantNeedsIdentityAllow
        )
    );
}

#[test]
fn scope_v1_enforces_only_its_three_actions() {
    // Under V2 a registry policy may grant any ECR action on its repositories; under V1 it
    // takes part only in ecr:ReplicateImage, ecr:BatchImportUpstreamImage and
    // ecr:CreateRepository.
    let policy = RegistryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"CrossAccountPull","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:root"},
        "Action":["ecr:BatchGetImage","ecr:ReplicateImage"],
        "Resource":"arn:aws:ecr:us-west-2:444455556666:repository/prod-*"}]}"#,
    )
    .unwrap();
    let identity = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:BatchGetImage","Resource":"*"}]}"#,
    );
    let pull = Request::new(
        user("111122223333", "deployer"),
        Action::BatchGetImage,
        destination("prod-api"),
    );
    let v2 = RegistryEvaluator::new(&policy).with_identity_policy(&identity);
    assert_eq!(
        decided(&v2, &pull),
        (
            Outcome::Allowed,
            Reason::CrossAccountIdentityAndRegistryAllow
        )
    );
    let v1 = v2.clone().scope(RegistryPolicyScope::V1);
    let decision = v1.explain(&pull);
    assert_eq!(
        (decision.outcome, decision.reason),
        (
            Outcome::ImplicitlyDenied,
            Reason::CrossAccountNoRepositoryAllow
        )
    );
    assert!(matches!(
        decision.statements[0].result.as_ref().unwrap_err()[..],
        [Mismatch::NotConsulted { .. }]
    ));
    // Replication is the same under both scopes.
    let replicate = Request::replication(
        account("111122223333"),
        Action::ReplicateImage,
        destination("prod-api"),
    );
    assert_eq!(decided(&v1, &replicate).0, Outcome::Allowed);
    assert_eq!(decided(&v2, &replicate).0, Outcome::Allowed);
}

#[test]
fn without_registry_grants_the_answers_are_the_evaluators() {
    // For actions a repository policy may grant, a registry evaluator whose registry policy
    // takes no part answers as the repository evaluator does.
    let repository = doc(r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:user/ci","arn:aws:iam::111122223333:root"]},
         "Action":["ecr:BatchGetImage","ecr:PutImage","ecr:BatchImportUpstreamImage"]},
        {"Effect":"Deny","Principal":"*","Action":"ecr:DeleteRepository"}]}"#);
    let identity = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:BatchGetImage","ecr:GetAuthorizationToken"],"Resource":"*"}]}"#,
    );
    let registry = replication_policy();
    let callers = [
        user("444455556666", "ci"),
        user("444455556666", "other"),
        user("111122223333", "ci"),
        Caller::root(account("444455556666")),
        Caller::root(account("111122223333")),
    ];
    let actions = [
        Action::BatchGetImage,
        Action::PutImage,
        Action::DeleteRepository,
        Action::GetAuthorizationToken,
        Action::BatchImportUpstreamImage,
    ];
    for with_identity in [false, true] {
        let mut plain = Evaluator::new(&repository);
        let mut v1 = RegistryEvaluator::new(&registry)
            .scope(RegistryPolicyScope::V1)
            .with_repository_policy(&repository);
        let mut none =
            RegistryEvaluator::without_registry_policy().with_repository_policy(&repository);
        if with_identity {
            plain = plain.with_identity_policy(&identity);
            v1 = v1.with_identity_policy(&identity);
            none = none.with_identity_policy(&identity);
        }
        for caller in &callers {
            for action in actions {
                let request = Request::new(caller.clone(), action, destination("app"));
                let expected = plain.explain(&request);
                for evaluator in [&v1, &none] {
                    let got = evaluator.explain(&request);
                    assert_eq!(
                        (got.outcome, got.reason),
                        (expected.outcome, expected.reason),
                        "{request}\n{got}\n{expected}"
                    );
                    assert_eq!(evaluator.decide(&request), expected.outcome);
                }
            }
        }
    }
}

fn fixture(name: &str) -> RegistryPolicy {
    let path = format!(
        "{}/tests/corpus/kinds/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    RegistryPolicy::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_kinds_corpus_registry_policies_decide_as_written() {
    let eu = |name: &str| {
        arn(&format!(
            "arn:aws:ecr:eu-west-1:123456789012:repository/{name}"
        ))
    };
    let build = account("210987654321");

    let one_source = RegistryEvaluator::new(fixture("registry-01-replication-one-source"));
    let replicate = Request::replication(build.clone(), Action::ReplicateImage, eu("web"));
    assert_eq!(decided(&one_source, &replicate).0, Outcome::Allowed);

    // The second statement grants only ecr:ReplicateImage under shared/.
    let prefix = RegistryEvaluator::new(fixture(
        "registry-02-replication-prefix-existing-repositories",
    ));
    let outcome = |action, name: &str| {
        decided(
            &prefix,
            &Request::replication(build.clone(), action, eu(name)),
        )
        .0
    };
    assert_eq!(
        outcome(Action::CreateRepository, "prod-web"),
        Outcome::Allowed
    );
    assert_eq!(
        outcome(Action::ReplicateImage, "shared/base"),
        Outcome::Allowed
    );
    assert_eq!(
        outcome(Action::CreateRepository, "shared/base"),
        Outcome::ImplicitlyDenied
    );
    assert_eq!(
        outcome(Action::ReplicateImage, "web"),
        Outcome::ImplicitlyDenied
    );

    let cache = RegistryEvaluator::new(fixture("registry-03-pull-through-cache-role"));
    let builder = Caller::role(
        account("123456789012"),
        ecr_policy::RoleName::new("image-builder").unwrap(),
    );
    let import = Request::new(
        builder,
        Action::BatchImportUpstreamImage,
        arn("arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/library/nginx"),
    );
    assert_eq!(
        decided(&cache, &import),
        (Outcome::Allowed, Reason::SameAccountRegistryAllow)
    );

    let secrets = RegistryEvaluator::new(fixture("registry-05-deny-replication-into-secrets"));
    let into_secrets =
        Request::replication(build.clone(), Action::ReplicateImage, eu("secrets/db"));
    assert_eq!(
        decided(&secrets, &into_secrets),
        (Outcome::ExplicitlyDenied, Reason::ExplicitDeny)
    );
    let elsewhere = Request::replication(build, Action::ReplicateImage, eu("web"));
    assert_eq!(decided(&secrets, &elsewhere).0, Outcome::Allowed);
}

#[test]
fn a_pull_only_identity_imports_into_a_cache_but_does_not_create_it() {
    // The managed PullOnly policy's actions (the kinds corpus's identity-07) include
    // ecr:BatchImportUpstreamImage but not ecr:CreateRepository: a cache repository must
    // exist, or the registry policy must grant its creation.
    let path = format!(
        "{}/tests/corpus/kinds/identity-07-pull-only-with-cache.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let pull_only = doc(&std::fs::read_to_string(path).unwrap());
    let puller = user("111122223333", "ecr-pull-through-cache-user");
    let at = cache("ecr-public/nginx/nginx");
    let import = Request::new(puller.clone(), Action::BatchImportUpstreamImage, at.clone());
    let create = Request::new(puller, Action::CreateRepository, at);

    let identity_only =
        RegistryEvaluator::without_registry_policy().with_identity_policy(&pull_only);
    assert_eq!(
        decided(&identity_only, &import),
        (Outcome::Allowed, Reason::SameAccountIdentityAllow)
    );
    assert_eq!(
        decided(&identity_only, &create),
        (Outcome::ImplicitlyDenied, Reason::NoAllow)
    );
    let with_registry =
        RegistryEvaluator::new(pull_through_cache_policy()).with_identity_policy(&pull_only);
    assert_eq!(
        decided(&with_registry, &create),
        (Outcome::Allowed, Reason::SameAccountRegistryAllow)
    );
}

/// Registry policies of our own (tests/policy_kinds.rs lints them) decided: anyone may
/// replicate into a registry whose policy names `"*"`; a `Deny` on a prefix stops replication
/// into it alone; `NotResource` spares what it names; an action without a repository
/// (`ecr:CreatePullThroughCacheRule`, which "must be granted via an identity-based IAM
/// policy", <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html>)
/// is not granted by the registry policy that lists it.
#[test]
fn registry_policies_of_our_own_decide() {
    let anyone = RegistryEvaluator::new(doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
        "Action":["ecr:ReplicateImage","ecr:CreateRepository"],
        "Resource":"arn:aws:ecr:us-west-2:444455556666:repository/*"}]}"#,
    ));
    let stranger = account("999988887777");
    for action in [Action::ReplicateImage, Action::CreateRepository] {
        let request = Request::replication(stranger.clone(), action, destination("app"));
        assert_eq!(
            decided(&anyone, &request),
            (Outcome::Allowed, Reason::CrossAccountRootRegistryAllow)
        );
    }

    let except_secrets = RegistryEvaluator::new(doc(r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Replicate","Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ecr:ReplicateImage","Resource":"arn:aws:ecr:us-west-2:444455556666:repository/*"},
        {"Sid":"NotIntoSecrets","Effect":"Deny","Principal":"*","Action":"ecr:ReplicateImage","Resource":"arn:aws:ecr:us-west-2:444455556666:repository/secret-*"}]}"#));
    let source = account("210987654321");
    let into = |name: &str| {
        Request::replication(source.clone(), Action::ReplicateImage, destination(name))
    };
    assert_eq!(decided(&except_secrets, &into("app")).0, Outcome::Allowed);
    assert_eq!(
        decided(&except_secrets, &into("secret-keys")),
        (Outcome::ExplicitlyDenied, Reason::ExplicitDeny)
    );
    // Creating is not granted: the policy lists only replication.
    let create = Request::replication(source.clone(), Action::CreateRepository, destination("app"));
    assert_eq!(
        decided(&except_secrets, &create).0,
        Outcome::ImplicitlyDenied
    );

    let not_resource = RegistryEvaluator::new(doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"210987654321"},
        "Action":"ecr:ReplicateImage","NotResource":"arn:aws:ecr:us-west-2:444455556666:repository/secret-*"}]}"#,
    ));
    assert_eq!(decided(&not_resource, &into("app")).0, Outcome::Allowed);
    assert_eq!(
        decided(&not_resource, &into("secret-keys")).0,
        Outcome::ImplicitlyDenied
    );

    let admin_role = Caller::assumed_role(
        account("444455556666"),
        "admin".parse().unwrap(),
        "run".parse().unwrap(),
    );
    let rules = RegistryEvaluator::new(doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/admin"},
        "Action":["ecr:CreatePullThroughCacheRule","ecr:PutReplicationConfiguration"],
        "Resource":"arn:aws:ecr:us-west-2:444455556666:repository/*"}]}"#,
    ));
    for action in [
        Action::CreatePullThroughCacheRule,
        Action::PutReplicationConfiguration,
    ] {
        let request = Request::new(admin_role.clone(), action, destination("app"));
        let decision = rules.explain(&request);
        assert_eq!(
            (decision.outcome, decision.reason),
            (Outcome::ImplicitlyDenied, Reason::ActionNeedsIdentityPolicy),
            "{decision}"
        );
        assert!(matches!(
            decision.statements[0].result.as_ref().unwrap_err()[..],
            [Mismatch::NotConsulted { .. }]
        ));
        // The identity policy on "*" is what grants it.
        let with_identity = rules.clone().with_identity_policy(doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
        )));
        assert_eq!(
            decided(&with_identity, &request),
            (
                Outcome::Allowed,
                Reason::IdentityAllowsActionWithoutResource
            )
        );
    }
}

/// ECR Public repository policies decided: the policy grants push to whom it names (within
/// the account alone, across accounts with the caller's identity policy too); it does not
/// grant `ecr-public:GetAuthorizationToken` (no resource; granted "through an IAM policy",
/// <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policy-examples.html>)
/// nor the registry's actions (resource type `registry`,
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistrypublic.html>).
/// Evaluation as in "Repository policies in Amazon ECR Public",
/// <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policies.html>.
#[test]
fn public_repository_policies_decide() {
    use ecr_policy::model::PublicRepositoryPolicy;
    let policy = PublicRepositoryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Push","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/pusher","210987654321"]},
         "Action":["ecr-public:GetAuthorizationToken","ecr-public:InitiateLayerUpload","ecr-public:UploadLayerPart","ecr-public:CompleteLayerUpload","ecr-public:PutImage","ecr-public:DescribeRegistries","ecr-public:PutRegistryCatalogData"]},
        {"Sid":"Keep","Effect":"Deny","Principal":"*","Action":"ecr-public:DeleteRepository"}]}"#,
    )
    .unwrap();
    // The evaluator names the repository by a private-form ARN of the owner's account.
    let repository = cache("app");
    let evaluator = Evaluator::new(&policy);
    let pusher = user("111122223333", "pusher");
    let request =
        |caller: &Caller, action: &str| Request::new(caller.clone(), action, repository.clone());
    let d = evaluator.explain(&request(&pusher, "ecr-public:PutImage"));
    assert_eq!(
        (d.outcome, d.reason),
        (Outcome::Allowed, Reason::SameAccountRepositoryAllow),
        "{d}"
    );
    let other = user("111122223333", "other");
    assert_eq!(
        evaluator.decide(&request(&other, "ecr-public:PutImage")),
        Outcome::ImplicitlyDenied
    );
    // Another account: its identity policy must allow too.
    let remote = user("210987654321", "ci");
    assert_eq!(
        evaluator
            .explain(&request(&remote, "ecr-public:PutImage"))
            .reason,
        Reason::CrossAccountNoIdentityAllow
    );
    let identity = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr-public:PutImage","Resource":"*"}]}"#,
    );
    assert_eq!(
        evaluator
            .clone()
            .with_identity_policy(&identity)
            .explain(&request(&remote, "ecr-public:PutImage"))
            .reason,
        Reason::CrossAccountBothAllow
    );
    // Listed, yet not granted: an action without a repository.
    for action in [
        "ecr-public:GetAuthorizationToken",
        "ecr-public:DescribeRegistries",
        "ecr-public:PutRegistryCatalogData",
    ] {
        let d = evaluator.explain(&request(&pusher, action));
        assert_eq!(
            (d.outcome, d.reason),
            (Outcome::ImplicitlyDenied, Reason::ActionNeedsIdentityPolicy),
            "{action}: {d}"
        );
        assert_eq!(evaluator.decide(&request(&pusher, action)), d.outcome);
    }
    let login = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr-public:GetAuthorizationToken","sts:GetServiceBearerToken"],"Resource":"*"}]}"#,
    );
    assert_eq!(
        evaluator
            .clone()
            .with_identity_policy(&login)
            .explain(&request(&remote, "ecr-public:GetAuthorizationToken"))
            .reason,
        Reason::IdentityAllowsActionWithoutResource
    );
    // A Deny wins, over the root user of the owner too.
    let root = Caller::root(account("111122223333"));
    assert_eq!(
        evaluator.decide(&request(&root, "ecr-public:DeleteRepository")),
        Outcome::ExplicitlyDenied
    );
    assert_eq!(
        evaluator.decide(&request(&root, "ecr-public:PutImage")),
        Outcome::Allowed
    );
}
