//! Every policy kind: AWS's documented examples of registry, ECR Public repository and
//! identity policies read, detected, linted by their kind's rules and written back; the rules
//! each kind breaks, located in the text; the JSON and stored form of each kind.

mod common;

use ecr_policy::json::ParsedPolicy;
use ecr_policy::lint::{LintConfig, Severity};
use ecr_policy::model::{
    AnyPolicy, IdentityPolicy, PolicyKind, PublicRepositoryPolicy, RegistryPolicy,
    RegistryPolicyScope,
};
use ecr_policy::{PolicyDocument, RepositoryPolicy};

/// Replication from one source account; "Private registry policy examples",
/// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html>.
const REGISTRY_REPLICATION: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReplicationAccessCrossAccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":["arn:aws:ecr:us-west-2:444455556666:repository/*"]}]}"#;

/// Replication from several accounts, one statement per account (same page).
const REGISTRY_REPLICATION_SEVERAL: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReplicationAccessCrossAccount1","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":["arn:aws:ecr:us-west-2:123456789012:repository/*"]},{"Sid":"ReplicationAccessCrossAccount2","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":["arn:aws:ecr:us-west-2:123456789012:repository/*"]}]}"#;

/// Pull through cache; "IAM permissions required to sync an upstream registry",
/// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html>.
const REGISTRY_PULL_THROUGH_CACHE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PullThroughCacheFromReadOnlyRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ecr-pull-through-cache-user"},"Action":["ecr:CreateRepository","ecr:BatchImportUpstreamImage"],"Resource":"arn:aws:ecr:us-east-1:111122223333:repository/ecr-public/*"}]}"#;

/// "Repository policy examples in Amazon ECR Public",
/// <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policy-examples.html>.
const PUBLIC_ALLOW_PUSH: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowPush","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/push-pull-user-1","arn:aws:iam::111122223333:user/push-pull-user-2"]},"Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:PutImage","ecr-public:InitiateLayerUpload","ecr-public:UploadLayerPart","ecr-public:CompleteLayerUpload"],"Resource":"*"}]}"#;

/// The older form of the cross-account example: Version 2008-10-17 and no `Resource`.
const PUBLIC_CROSS_ACCOUNT_OLD: &str = r#"{"Version":"2008-10-17","Statement":[{"Sid":"AllowCrossAccountPush","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:PutImage","ecr-public:InitiateLayerUpload","ecr-public:UploadLayerPart","ecr-public:CompleteLayerUpload"]}]}"#;

/// Push to one repository; "IAM permissions for pushing an image",
/// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html>.
const IDENTITY_PUSH: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:CompleteLayerUpload","ecr:UploadLayerPart","ecr:InitiateLayerUpload","ecr:BatchCheckLayerAvailability","ecr:PutImage","ecr:BatchGetImage"],"Resource":"arn:aws:ecr:us-east-1:123456789012:repository/my-repo"},{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}"#;

/// Tag-based access; "Using tag-based access control",
/// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-supported-iam-actions-tagging.html>.
const IDENTITY_TAGS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"},{"Effect":"Deny","Action":"ecr:*","Resource":"*","Condition":{"StringEquals":{"ecr:ResourceTag/environment":"prod"}}}]}"#;

fn codes(findings: &[ecr_policy::lint::Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn aws_examples_are_read_detected_linted_and_written_back() {
    let cases: [(&str, PolicyKind, &[&str]); 7] = [
        (REGISTRY_REPLICATION, PolicyKind::Registry, &[]),
        (REGISTRY_REPLICATION_SEVERAL, PolicyKind::Registry, &[]),
        (REGISTRY_PULL_THROUGH_CACHE, PolicyKind::Registry, &[]),
        (PUBLIC_ALLOW_PUSH, PolicyKind::PublicRepository, &[]),
        (PUBLIC_CROSS_ACCOUNT_OLD, PolicyKind::PublicRepository, &[]),
        (IDENTITY_PUSH, PolicyKind::Identity, &[]),
        (IDENTITY_TAGS, PolicyKind::Identity, &["wildcard-action"]),
    ];
    for (text, kind, expected) in cases {
        let doc = PolicyDocument::from_json(text).unwrap();
        assert_eq!(PolicyKind::detect(&doc), Some(kind), "{text}");
        let policy = AnyPolicy::from_json(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(policy.kind(), kind);
        assert_eq!(AnyPolicy::from_json_as(text, kind).unwrap(), policy);
        assert_eq!(codes(&policy.lint()), expected, "{text}");
        // Judged as a repository policy, each is refused or has no effect.
        match RepositoryPolicy::from_json(text) {
            Err(_) => assert!(kind.requires_resource() || text.contains("\"Resource\"")),
            Ok(p) => assert!(codes(&p.lint()).contains(&"public-action-in-private-policy")),
        }
        // Written back byte for byte, and read back equal from every form.
        assert_eq!(policy.to_json(), text);
        for form in [policy.to_json_pretty(), policy.to_aws_json()] {
            assert_eq!(AnyPolicy::from_json_as(&form, kind).unwrap(), policy);
        }
        assert!(policy.normalize().equivalent(&policy));
        // Each is written in the macro's form of its kind (tests/trybuild/tests/dsl_compiles.rs compiles it).
        let dsl = policy.to_dsl().unwrap_or_else(|e| panic!("{e}\n{text}"));
        let on = match kind {
            PolicyKind::Registry => " on registry",
            PolicyKind::PublicRepository => " on public repo",
            _ => " on ",
        };
        assert!(dsl.contains(on), "{dsl}");
    }
}

#[test]
fn typed_constructors_agree_with_detection() {
    assert!(RegistryPolicy::from_json(REGISTRY_PULL_THROUGH_CACHE).is_ok());
    assert!(PublicRepositoryPolicy::from_json(PUBLIC_ALLOW_PUSH).is_ok());
    assert!(IdentityPolicy::from_json(IDENTITY_PUSH).is_ok());
    // Each kind refuses the others' examples.
    assert!(RegistryPolicy::from_json(IDENTITY_PUSH).is_err());
    assert!(RegistryPolicy::from_json(PUBLIC_ALLOW_PUSH).is_err());
    assert!(PublicRepositoryPolicy::from_json(REGISTRY_REPLICATION).is_err());
    assert!(IdentityPolicy::from_json(PUBLIC_ALLOW_PUSH).is_err());
    let registry = RegistryPolicy::from_json(REGISTRY_PULL_THROUGH_CACHE).unwrap();
    let (account, region) = registry.registry().unwrap();
    assert_eq!(
        (account.as_str(), region.as_str()),
        ("111122223333", "us-east-1")
    );
}

#[test]
fn registry_policy_rules_are_located() {
    let text = "{\"Version\":\"2012-10-17\",\"Statement\":[\n{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"ecr:ReplicateImage\"},\n{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"ecr-public:PutImage\",\n \"Resource\":[\"arn:aws:ecr:us-west-2:444455556666:repository/*\",\"arn:aws:ecr:eu-west-1:444455556666:repository/*\",\"*\"]}]}";
    let err = RegistryPolicy::from_json(text).unwrap_err();
    let found: Vec<(&str, usize)> = err.errors.iter().map(|e| (e.path(), e.line())).collect();
    assert_eq!(
        found,
        [
            ("Statement[0].Resource", 2),
            ("Statement[1].Resource[1]", 4),
            ("Statement[1].Resource[2]", 4),
            ("Statement[1].Action", 3),
        ]
    );
    let messages: Vec<String> = err.errors.iter().map(ToString::to_string).collect();
    assert!(
        messages[1].contains("another registry than 444455556666 in us-west-2"),
        "{}",
        messages[1]
    );
    assert!(err.errors[2].hint().unwrap().contains("repository/prod-*"));
    // The lint says the same as findings, and no Resource is an error in itself.
    let doc = PolicyDocument::from_json(text).unwrap();
    let lint = doc.lint_as(PolicyKind::Registry);
    assert_eq!(
        codes(&lint),
        [
            "missing-resource",
            "public-action-in-private-policy",
            "resource-outside-registry",
            "resource-outside-registry",
        ]
    );
    assert!(!codes(&doc.lint()).is_empty() && codes(&doc.lint()).contains(&"resource-present"));
}

#[test]
fn registry_policy_scope_v1_is_a_note_unless_stated() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"CrossAccountPull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:BatchGetImage","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:us-west-2:444455556666:repository/prod-*"}]}"#;
    let v2 = RegistryPolicy::from_json(text).unwrap();
    let note = v2.lint();
    // The other account's pull is a note too (`tests/policy_kinds.rs`, other accounts).
    assert_eq!(codes(&note), ["action-outside-scope-v1", "external-read"]);
    assert_eq!(note[0].severity, Severity::Suggestion);
    assert_eq!(note[0].path, "Statement[0].Action[0]");
    let v1 = v2.lint_with(&LintConfig::default().registry_scope(RegistryPolicyScope::V1));
    assert_eq!(v1[0].severity, Severity::Error);
    assert!(v1[0].message.contains("refused"), "{}", v1[0].message);
    let err = RegistryPolicy::from_json_with_scope(text, RegistryPolicyScope::V1).unwrap_err();
    assert_eq!(err.errors.len(), 1);
    assert_eq!(err.errors[0].path(), "Statement[0].Action[0]");
    assert_eq!(v2.refused_under(RegistryPolicyScope::V1).len(), 1);
    assert!(v2.refused_under(RegistryPolicyScope::V2).is_empty());
}

#[test]
fn public_repository_policy_rules() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["ecr-public:PutImage","ecr:PutImage"],"Resource":"arn:aws:ecr-public::111122223333:repository/app"}]}"#;
    let err = PublicRepositoryPolicy::from_json(text).unwrap_err();
    let paths: Vec<&str> = err.errors.iter().map(|e| e.path()).collect();
    assert_eq!(paths, ["Statement[0].Resource", "Statement[0].Action[1]"]);
    let lint = PolicyDocument::from_json(text)
        .unwrap()
        .lint_as(PolicyKind::PublicRepository);
    assert_eq!(
        codes(&lint),
        [
            "public-access",
            "private-action-in-public-policy",
            "resource-present"
        ]
    );
    assert!(lint[1].hint.contains("ecr-public:PutImage"));
    // Resource "*" changes nothing: with and without it, the same policy.
    let with = AnyPolicy::from_json(PUBLIC_ALLOW_PUSH).unwrap();
    let without =
        AnyPolicy::from_json(&PUBLIC_ALLOW_PUSH.replace(r#","Resource":"*""#, "")).unwrap();
    assert_eq!(without.kind(), PolicyKind::PublicRepository);
    assert!(with.equivalent(&without));
    assert!(with.diff(&without).is_empty());
}

#[test]
fn a_private_repository_policy_flags_ecr_public_actions_like_the_macro() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:BatchGetImage","ecr-public:DescribeImages"]}]}"#;
    // Detection reads a mix of ecr: and ecr-public: actions as no kind at all.
    let doc = PolicyDocument::from_json(text).unwrap();
    assert_eq!(PolicyKind::detect(&doc), None);
    let policy = RepositoryPolicy::from_json(text).unwrap();
    let lint = policy.lint();
    assert_eq!(codes(&lint), ["public-action-in-private-policy"]);
    assert_eq!(lint[0].path, "Statement[0].Action[1]");
    assert!(
        lint[0].hint.contains("ecr:DescribeImages"),
        "{}",
        lint[0].hint
    );
    // Stating another kind in the configuration does not change a typed repository policy.
    assert_eq!(
        codes(&policy.lint_with(&LintConfig::default().kind(PolicyKind::Identity))),
        ["public-action-in-private-policy"]
    );
}

#[test]
fn identity_policy_rules() {
    let text = "{\"Version\":\"2012-10-17\",\"Statement\":[\n{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"ecr:BatchGetImage\"},\n{\"Effect\":\"Allow\",\"Action\":[\"ecr:GetAuthorizationToken\",\"ecr:BatchGetImage\",\"sts:GetServiceBearerToken\"],\"Resource\":\"arn:aws:ecr:us-east-1:123456789012:repository/app\"}]}";
    let err = IdentityPolicy::from_json(text).unwrap_err();
    let found: Vec<(&str, usize)> = err.errors.iter().map(|e| (e.path(), e.line())).collect();
    assert_eq!(
        found,
        [("Statement[0].Principal", 2), ("Statement[0].Resource", 2)]
    );
    let lint = ParsedPolicy::parse(text)
        .unwrap()
        .lint_with(&LintConfig::default().kind(PolicyKind::Identity));
    assert_eq!(
        codes(&lint),
        [
            "principal-in-identity-policy",
            "missing-resource",
            "action-needs-wildcard-resource"
        ]
    );
    assert_eq!(lint[2].path, "Statement[1].Action[0]");
    assert_eq!(lint[2].location.map(|(line, _)| line), Some(3));
    // The same statement as a repository policy: two errors an identity policy does not have.
    let as_repository = PolicyDocument::from_json(text).unwrap().lint();
    assert!(codes(&as_repository).contains(&"resource-present"));
    assert!(codes(&as_repository).contains(&"authorization-token-in-repository-policy"));
}

#[test]
fn kinds_are_stated_and_compared_by_kind() {
    assert_eq!("public".parse(), Ok(PolicyKind::PublicRepository));
    for kind in PolicyKind::ALL {
        let name = match kind {
            PolicyKind::Repository => "repository",
            PolicyKind::Registry => "registry",
            PolicyKind::PublicRepository => "public-repository",
            PolicyKind::Identity => "identity",
            other => panic!("a kind without a name in this test: {other:?}"),
        };
        assert_eq!(name.parse(), Ok(kind));
    }
    assert!("bucket"
        .parse::<PolicyKind>()
        .unwrap_err()
        .to_string()
        .contains("registry"));
    // The same statements as two kinds never grant the same access.
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr-public:PutImage"}]}"#;
    let public = AnyPolicy::from_json_as(text, PolicyKind::PublicRepository).unwrap();
    let repository = AnyPolicy::from_json_as(text, PolicyKind::Repository).unwrap();
    assert!(!public.equivalent(&repository));
    assert!(
        repository.to_dsl().is_err(),
        "the macro refuses ecr-public: actions"
    );
    let repository = AnyPolicy::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#).unwrap();
    assert_eq!(repository.kind(), PolicyKind::Repository);
    assert!(repository.to_dsl().is_ok());
}

#[test]
fn json_and_stored_form_of_each_kind() {
    for (name, text) in [
        ("kind_registry_replication", REGISTRY_REPLICATION),
        (
            "kind_registry_pull_through_cache",
            REGISTRY_PULL_THROUGH_CACHE,
        ),
        ("kind_public_allow_push", PUBLIC_ALLOW_PUSH),
        ("kind_identity_push", IDENTITY_PUSH),
    ] {
        let policy = AnyPolicy::from_json(text).unwrap();
        let rendered = format!(
            "{}\n\n--- pretty ---\n{}\n\n--- stored ---\n{}",
            policy.kind(),
            policy.to_json_pretty(),
            policy.to_aws_json()
        );
        common::snapshots().bind(|| insta::assert_snapshot!(name, rendered));
    }
}

#[test]
fn kinds_go_through_serde_with_their_rules() {
    let registry: RegistryPolicy = serde_json::from_str(REGISTRY_REPLICATION).unwrap();
    assert_eq!(
        serde_json::to_string(&registry).unwrap(),
        REGISTRY_REPLICATION
    );
    let err = serde_json::from_str::<IdentityPolicy>(REGISTRY_REPLICATION).unwrap_err();
    assert!(err.to_string().contains("identity policy"), "{err}");
    let public: PublicRepositoryPolicy = serde_json::from_str(PUBLIC_ALLOW_PUSH).unwrap();
    assert_eq!(
        serde_json::to_string(&AnyPolicy::from(public)).unwrap(),
        PUBLIC_ALLOW_PUSH
    );
}

/// A document of the given statements, Version 2012-10-17.
fn statements(s: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{s}]}}"#)
}

/// Registry policies of our own for the registry of 444455556666 in us-west-2, risky and
/// safe: whether the kind's rules accept each (the paths of what they refuse) and the lint's
/// findings. Rules: "Private registry permissions" and its examples,
/// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html>,
/// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html>;
/// "IAM permissions required to sync an upstream registry",
/// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html>.
#[test]
fn registry_policies_of_our_own() {
    const ALL: &str = "arn:aws:ecr:us-west-2:444455556666:repository/*";
    let cases: Vec<(&str, String, &[&str], &[&str])> = vec![
        (
            "replication, one source account",
            statements(&format!(
                r#"{{"Sid":"ReplicateFromBuild","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::210987654321:root"}},"Action":"ecr:ReplicateImage","Resource":"{ALL}"}}"#
            )),
            &[],
            &[],
        ),
        (
            "replication into a prefix, bare account id",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":["ecr:ReplicateImage","ecr:CreateRepository"],"Resource":["arn:aws:ecr:us-west-2:444455556666:repository/mirror/*"]}"#,
            ),
            &[],
            &[],
        ),
        (
            "pull through cache for an own role",
            statements(
                r#"{"Sid":"CacheForBuilders","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/builder"},"Action":["ecr:BatchImportUpstreamImage","ecr:CreateRepository"],"Resource":"arn:aws:ecr:us-west-2:444455556666:repository/dockerhub/*"}"#,
            ),
            &[],
            &[],
        ),
        (
            "anyone may replicate and create",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":["ecr:ReplicateImage","ecr:CreateRepository"],"Resource":"{ALL}"}}"#
            )),
            &[],
            &["public-access"],
        ),
        (
            "cache for the organization",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["ecr:BatchImportUpstreamImage","ecr:CreateRepository"],"Resource":"arn:aws:ecr:us-west-2:444455556666:repository/quay/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcd1234ef"}}}"#,
            ),
            &[],
            &[],
        ),
        (
            "ecr:* to another account",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::210987654321:root"}},"Action":"ecr:*","Resource":"{ALL}"}}"#
            )),
            &[],
            &["wildcard-action", "external-permissions-management"],
        ),
        (
            "no Resource",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ecr:ReplicateImage"}"#,
            ),
            &["Statement[0].Resource"],
            &["missing-resource"],
        ),
        (
            "Resource \"*\"",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ecr:ReplicateImage","Resource":"*"}"#,
            ),
            &["Statement[0].Resource"],
            &["resource-outside-registry"],
        ),
        (
            "two Regions",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"210987654321"}},"Action":"ecr:ReplicateImage","Resource":["{ALL}","arn:aws:ecr:us-east-1:444455556666:repository/*"]}}"#
            )),
            &["Statement[0].Resource[1]"],
            &["resource-outside-registry"],
        ),
        (
            "a registry ARN",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ecr:ReplicateImage","Resource":"arn:aws:ecr:us-west-2:444455556666:registry/444455556666"}"#,
            ),
            &["Statement[0].Resource"],
            &["resource-outside-registry"],
        ),
        (
            "an ECR Public action",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"210987654321"}},"Action":["ecr:ReplicateImage","ecr-public:PutImage"],"Resource":"{ALL}"}}"#
            )),
            &["Statement[0].Action[1]"],
            &["public-action-in-private-policy"],
        ),
        (
            "the authorization token",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"210987654321"}},"Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage"],"Resource":"{ALL}"}}"#
            )),
            &[],
            &[
                "authorization-token-in-repository-policy",
                "action-outside-scope-v1",
                "external-read",
            ],
        ),
        (
            "replication except into secret-*",
            statements(&format!(
                r#"{{"Sid":"Replicate","Effect":"Allow","Principal":{{"AWS":"210987654321"}},"Action":"ecr:ReplicateImage","Resource":"{ALL}"}},{{"Sid":"NotIntoSecrets","Effect":"Deny","Principal":"*","Action":"ecr:ReplicateImage","Resource":"arn:aws:ecr:us-west-2:444455556666:repository/secret-*"}}"#
            )),
            &[],
            &[],
        ),
        (
            "cross-account pull under V2",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:role/reader"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Resource":"arn:aws:ecr:us-west-2:444455556666:repository/shared/*"}"#,
            ),
            &[],
            &[
                "action-outside-scope-v1",
                "action-outside-scope-v1",
                "external-read",
            ],
        ),
        (
            "a repository name with capitals",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ecr:ReplicateImage","Resource":"arn:aws:ecr:us-west-2:444455556666:repository/App"}"#,
            ),
            &["Statement[0].Resource"],
            &["resource-outside-registry"],
        ),
        (
            "actions without a repository",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::444455556666:role/admin"}},"Action":["ecr:CreatePullThroughCacheRule","ecr:PutReplicationConfiguration"],"Resource":"{ALL}"}}"#
            )),
            &[],
            &["not-a-repository-action", "not-a-repository-action"],
        ),
        (
            "a service principal without a source",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"Service":"ecr.amazonaws.com"}},"Action":"ecr:CreateRepository","Resource":"{ALL}"}}"#
            )),
            &[],
            &["service-principal-without-source"],
        ),
        (
            "an ECR Public repository ARN",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ecr:ReplicateImage","Resource":"arn:aws:ecr-public::444455556666:repository/app"}"#,
            ),
            &["Statement[0].Resource"],
            &["resource-outside-registry"],
        ),
        (
            "NotResource",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ecr:ReplicateImage","NotResource":"arn:aws:ecr:us-west-2:444455556666:repository/secret-*"}"#,
            ),
            &[],
            &[],
        ),
    ];
    assert!(cases.len() >= 15);
    for (what, text, refused, expected) in &cases {
        let paths: Vec<String> = match RegistryPolicy::from_json(text) {
            Ok(_) => Vec::new(),
            Err(e) => e.errors.iter().map(|e| e.path().to_owned()).collect(),
        };
        assert_eq!(paths, *refused, "{what}: {text}");
        let lint = PolicyDocument::from_json(text)
            .unwrap()
            .lint_as(PolicyKind::Registry);
        assert_eq!(codes(&lint), *expected, "{what}: {lint:#?}");
    }
    // Under scope V1 the actions outside its three are refused, the others accepted; "ecr:*"
    // is too, as the V1 text said it "is possible".
    for (what, text, refused, _) in &cases {
        let v1 = RegistryPolicy::from_json_with_scope(text, RegistryPolicyScope::V1);
        let outside = [
            "BatchGetImage",
            "CreatePullThroughCacheRule",
            "GetAuthorizationToken",
        ]
        .iter()
        .any(|a| text.contains(a));
        assert_eq!(v1.is_ok(), refused.is_empty() && !outside, "{what}");
    }
    // Under V1 an action without a repository is the refusal, an error, and nothing more.
    let (_, text, _, _) = &cases[15];
    let v1 = PolicyDocument::from_json(text).unwrap().lint_with(
        &LintConfig::default()
            .kind(PolicyKind::Registry)
            .registry_scope(RegistryPolicyScope::V1),
    );
    assert_eq!(
        codes(&v1),
        ["action-outside-scope-v1", "action-outside-scope-v1"]
    );
    assert!(v1.iter().all(|f| f.severity == Severity::Error));
    // Under V2 a warning: AWS's pages disagree on whether a registry policy grants them.
    let v2 = PolicyDocument::from_json(text)
        .unwrap()
        .lint_as(PolicyKind::Registry);
    assert!(
        v2.iter().all(|f| f.severity == Severity::Warning),
        "{v2:#?}"
    );
}

/// ECR Public repository policies of our own, risky and safe. Pull is public and a policy
/// cannot restrict it; the policy grants push and management, with `ecr-public:` actions
/// ("Repository policies in Amazon ECR Public",
/// <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policies.html>);
/// authentication needs `ecr-public:GetAuthorizationToken` and `sts:GetServiceBearerToken`
/// "through an IAM policy"
/// (<https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policy-examples.html>);
/// resource types from
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistrypublic.html>.
#[test]
fn public_repository_policies_of_our_own() {
    const PUSH: &str = r#"["ecr-public:BatchCheckLayerAvailability","ecr-public:InitiateLayerUpload","ecr-public:UploadLayerPart","ecr-public:CompleteLayerUpload","ecr-public:PutImage"]"#;
    let cases: Vec<(&str, String, &[&str], &[&str])> = vec![
        (
            "push for a role",
            statements(&format!(
                r#"{{"Sid":"ReleasePush","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:role/release"}},"Action":{PUSH},"Resource":"*"}}"#
            )),
            &[],
            &[],
        ),
        (
            "cross-account push, 2008, no Resource",
            format!(
                r#"{{"Version":"2008-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"210987654321"}},"Action":{PUSH}}}]}}"#
            ),
            &[],
            &[],
        ),
        (
            "anyone may push",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":{PUSH}}}"#
            )),
            &[],
            &["public-access"],
        ),
        (
            "every AWS principal, every action",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr-public:*","Resource":"*"}"#,
            ),
            &[],
            &["public-access"],
        ),
        (
            "a Deny beside a grant",
            statements(
                r#"{"Effect":"Deny","Principal":"*","Action":"ecr-public:DeleteRepository"},{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr-public:PutImage"}"#,
            ),
            &[],
            &[],
        ),
        (
            "the repository's ARN as Resource",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr-public:PutImage","Resource":"arn:aws:ecr-public::111122223333:repository/app"}"#,
            ),
            &["Statement[0].Resource"],
            &["resource-present"],
        ),
        (
            "authentication in the repository policy",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/pusher"},"Action":["ecr-public:GetAuthorizationToken","sts:GetServiceBearerToken","ecr-public:PutImage"]}"#,
            ),
            &[],
            &["authorization-token-in-repository-policy", "foreign-action"],
        ),
        (
            "a service principal without a source",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"Service":"codebuild.amazonaws.com"}},"Action":{PUSH}}}"#
            )),
            &[],
            &["service-principal-without-source"],
        ),
        (
            "push for the organization",
            statements(
                r#"{"Effect":"Allow","Principal":"*","Action":"ecr-public:PutImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcd1234ef"}}}"#,
            ),
            &[],
            &[],
        ),
        (
            "registry actions",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":["ecr-public:DescribeRegistries","ecr-public:PutRegistryCatalogData","ecr-public:DescribeImageTags"]}"#,
            ),
            &[],
            &["not-a-repository-action", "not-a-repository-action"],
        ),
        (
            "a private ECR action",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":["ecr:BatchGetImage","ecr-public:PutImage"]}"#,
            ),
            &["Statement[0].Action[0]"],
            &["private-action-in-public-policy"],
        ),
        (
            "a private repository ARN",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ecr-public:PutImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/app"}"#,
            ),
            &["Statement[0].Resource"],
            &["resource-present"],
        ),
    ];
    assert!(cases.len() >= 10);
    for (what, text, refused, expected) in &cases {
        let paths: Vec<String> = match PublicRepositoryPolicy::from_json(text) {
            Ok(_) => Vec::new(),
            Err(e) => e.errors.iter().map(|e| e.path().to_owned()).collect(),
        };
        assert_eq!(paths, *refused, "{what}: {text}");
        let lint = PolicyDocument::from_json(text)
            .unwrap()
            .lint_as(PolicyKind::PublicRepository);
        assert_eq!(codes(&lint), *expected, "{what}: {lint:#?}");
    }
}

/// Access from other accounts in registry and ECR Public repository policies, with its
/// severity, and the request that shows it allowed by the kind's evaluator. A registry
/// policy exists to let other accounts replicate and fill pull through caches ("Private
/// registry permissions",
/// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html>): those
/// grants are no finding, any other repository action is judged as in a repository policy.
/// Anyone may pull from an ECR Public repository ("Public repository policies in Amazon ECR
/// Public", <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policies.html>):
/// only push, delete and policy management are findings.
#[test]
fn other_accounts_in_registry_and_public_policies() {
    use ecr_policy::eval::{Caller, Evaluator, Outcome, RegistryEvaluator, Request};
    const ALL: &str = "arn:aws:ecr:us-west-2:444455556666:repository/*";
    let registry: Vec<(&str, String, &[&str], Option<&str>)> = vec![
        (
            "ecr:* to another account",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::210987654321:root"}},"Action":"ecr:*","Resource":"{ALL}"}}"#
            )),
            &["wildcard-action", "external-permissions-management"],
            Some("ecr:SetRepositoryPolicy"),
        ),
        (
            "all but DeleteRepository to another account",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"210987654321"}},"NotAction":"ecr:DeleteRepository","Resource":"{ALL}"}}"#
            )),
            &["external-permissions-management"],
            Some("ecr:SetRepositoryPolicy"),
        ),
        (
            "policy management for another account's role",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:role/admin"},"Action":["ecr:ReplicateImage","ecr:SetRepositoryPolicy"],"Resource":"arn:aws:ecr:us-west-2:444455556666:repository/mirror/*"}"#,
            ),
            &["action-outside-scope-v1", "external-permissions-management"],
            Some("ecr:SetRepositoryPolicy"),
        ),
        (
            "push beside replication",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"210987654321"}},"Action":["ecr:ReplicateImage","ecr:CreateRepository","ecr:PutImage"],"Resource":"{ALL}"}}"#
            )),
            &["action-outside-scope-v1", "external-write"],
            Some("ecr:PutImage"),
        ),
        (
            "replication and cache for another account",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"210987654321"}},"Action":["ecr:ReplicateImage","ecr:CreateRepository","ecr:BatchImportUpstreamImage"],"Resource":"{ALL}"}}"#
            )),
            &[],
            None,
        ),
        (
            "ecr:* for the own account",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::444455556666:role/admin"}},"Action":"ecr:*","Resource":"{ALL}"}}"#
            )),
            &["wildcard-action"],
            None,
        ),
        (
            "ecr:* to another account, denied again",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"210987654321"}},"Action":"ecr:*","Resource":"{ALL}"}},{{"Effect":"Deny","Principal":"*","NotAction":["ecr:ReplicateImage","ecr:CreateRepository"],"Resource":"{ALL}"}}"#
            )),
            &["wildcard-action"],
            None,
        ),
        (
            "ecr:* to another account under a condition",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"210987654321"}},"Action":"ecr:*","Resource":"{ALL}","Condition":{{"StringEquals":{{"aws:SourceVpce":"vpce-1a2b3c4d"}}}}}}"#
            )),
            &["wildcard-action"],
            None,
        ),
    ];
    let destination: ecr_policy::model::RepositoryArn =
        "arn:aws:ecr:us-west-2:444455556666:repository/app"
            .parse()
            .unwrap();
    for (what, text, expected, action) in &registry {
        let doc = PolicyDocument::from_json(text).unwrap();
        let lint = doc.lint_as(PolicyKind::Registry);
        assert_eq!(codes(&lint), *expected, "{what}: {lint:#?}");
        let external: Vec<_> = lint
            .iter()
            .filter(|f| f.code.as_str().starts_with("external-"))
            .collect();
        assert_eq!(external.len(), usize::from(action.is_some()), "{what}");
        for f in external {
            let action = action.unwrap();
            let counterexample = f.counterexample.as_deref().unwrap_or_default();
            assert!(counterexample.contains(action), "{what}: {counterexample}");
            let sev = if f.code.as_str() == "external-permissions-management" {
                Severity::SecurityWarning
            } else {
                Severity::Warning
            };
            assert_eq!(f.severity, sev, "{what}");
        }
    }
    // The registry's account from the options: grants to it are its own.
    let (_, text, _, _) = &registry[0];
    let ours = LintConfig::default()
        .kind(PolicyKind::Registry)
        .registry_account("210987654321".parse().unwrap());
    let mine = PolicyDocument::from_json(text).unwrap().lint_with(&ours);
    assert!(
        !codes(&mine).contains(&"external-permissions-management"),
        "{mine:#?}"
    );
    // The documented examples stay clean; each request the lint shows is allowed.
    for text in [REGISTRY_REPLICATION, REGISTRY_PULL_THROUGH_CACHE] {
        let doc = PolicyDocument::from_json(text).unwrap();
        assert!(doc.lint_as(PolicyKind::Registry).is_empty());
    }
    let remote = Caller::root("210987654321".parse().unwrap());
    let doc = PolicyDocument::from_json(&registry[1].1).unwrap();
    let request = Request::new(
        remote.clone(),
        ecr_policy::Action::SetRepositoryPolicy,
        destination,
    );
    assert_eq!(
        RegistryEvaluator::new(&doc).decide(&request),
        Outcome::Allowed
    );
    let found = doc.lint_as(PolicyKind::Registry);
    assert_eq!(found[0].counterexample, Some(request.to_string()));

    const PUSH: &str = r#"["ecr-public:BatchCheckLayerAvailability","ecr-public:InitiateLayerUpload","ecr-public:UploadLayerPart","ecr-public:CompleteLayerUpload","ecr-public:PutImage"]"#;
    let public: Vec<(&str, String, &[&str])> = vec![
        (
            "policy management and deletion by another account",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":["ecr-public:SetRepositoryPolicy","ecr-public:DeleteRepository"]}"#,
            ),
            &["external-permissions-management"],
        ),
        (
            "another account may push",
            statements(&format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::210987654321:role/release"}},"Action":{PUSH},"Resource":"*"}}"#
            )),
            &["external-write"],
        ),
        (
            "another account may delete images",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":"ecr-public:BatchDeleteImage"}"#,
            ),
            &["external-write"],
        ),
        (
            "another account may read what anyone may",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:DescribeImages","ecr-public:DescribeImageTags"]}"#,
            ),
            &[],
        ),
        (
            "the own account may do everything",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"ecr-public:*"}"#,
            ),
            &[],
        ),
        (
            "push by another account, deletion denied",
            statements(
                r#"{"Effect":"Allow","Principal":{"AWS":"210987654321"},"Action":["ecr-public:PutImage","ecr-public:DeleteRepository"]},{"Effect":"Deny","Principal":"*","Action":"ecr-public:DeleteRepository"}"#,
            ),
            &["external-write"],
        ),
    ];
    let owner = LintConfig::default()
        .kind(PolicyKind::PublicRepository)
        .registry_account("111122223333".parse().unwrap());
    for (what, text, expected) in &public {
        let doc = PolicyDocument::from_json(text).unwrap();
        let lint = doc.lint_with(&owner);
        assert_eq!(codes(&lint), *expected, "{what}: {lint:#?}");
        for f in lint
            .iter()
            .filter(|f| f.code.as_str().starts_with("external-"))
        {
            let sev = if f.code.as_str() == "external-permissions-management" {
                Severity::SecurityWarning
            } else {
                Severity::Warning
            };
            assert_eq!(f.severity, sev, "{what}");
            assert!(f.counterexample.is_some(), "{what}");
        }
        // Without the owner, a named account may be the owner's: nothing is judged.
        let unknown = doc.lint_as(PolicyKind::PublicRepository);
        assert!(
            !codes(&unknown).iter().any(|c| c.starts_with("external-")),
            "{what}"
        );
    }
    // The request of the first, allowed by the evaluator of ECR Public policies.
    let doc = PolicyDocument::from_json(&public[0].1).unwrap();
    let on: ecr_policy::model::RepositoryArn = "arn:aws:ecr:us-east-1:111122223333:repository/app"
        .parse()
        .unwrap();
    let request = Request::new(remote, "ecr-public:SetRepositoryPolicy", on);
    let identity = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    )
    .unwrap();
    assert_eq!(
        Evaluator::new(&doc)
            .with_identity_policy(&identity)
            .decide(&request),
        Outcome::Allowed
    );
    assert_eq!(
        doc.lint_with(&owner)[0].counterexample,
        Some(request.to_string())
    );
    // The documented ECR Public examples stay clean for their own account.
    for text in [PUBLIC_ALLOW_PUSH, PUBLIC_CROSS_ACCOUNT_OLD] {
        let doc = PolicyDocument::from_json(text).unwrap();
        let lint = doc.lint_with(&owner);
        assert!(lint.is_empty(), "{lint:#?}");
    }
}
