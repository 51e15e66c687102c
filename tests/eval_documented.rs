//! AWS's documented rules of policy evaluation, one test each, held against
//! `Evaluator::decide` and `explain` (and, where a finding rests on one, the lint's exact
//! engine). The pages:
//! - "How AWS enforcement code logic evaluates requests to allow or deny access",
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html>;
//! - "Policy evaluation for requests within a single account",
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html>;
//! - "Cross-account policy evaluation logic",
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>;
//! - "AWS JSON policy elements: NotPrincipal",
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>;
//! - the actions of ECR and their resource types, Service Authorization Reference,
//!   <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html>.
//!
//! Permissions boundaries, session policies, SCPs and RCPs are not modelled: every case here
//! is one without them (the evaluator's identity policy stands for the caller's effective
//! identity-based permissions).

mod common;

use common::account;

use ecr_policy::eval::{Caller, Evaluator, Outcome, Reason, Request};
use ecr_policy::model::PolicyKind;
use ecr_policy::{Action, PolicyDocument, RepositoryPolicy};

const OWNER: &str = "111122223333";
const OTHER: &str = "444455556666";

fn repository() -> ecr_policy::model::RepositoryArn {
    "arn:aws:ecr:eu-west-1:111122223333:repository/service"
        .parse()
        .unwrap()
}

fn doc(text: &str) -> PolicyDocument {
    PolicyDocument::from_json(text).unwrap()
}

/// A repository policy of one statement.
fn repository_policy(statement: &str) -> RepositoryPolicy {
    RepositoryPolicy::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#
    ))
    .unwrap()
}

/// An identity policy allowing (or denying) `actions` on every resource.
fn identity(effect: &str, actions: &[&str]) -> PolicyDocument {
    let list: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
    doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Action":[{}],"Resource":"*"}}]}}"#,
        list.join(",")
    ))
}

fn caller(arn: &str) -> Caller {
    Caller::from_arn(arn).unwrap()
}

fn request(caller: &Caller, action: Action) -> Request {
    Request::new(caller.clone(), action, repository())
}

/// The outcome and reason, with `decide` held to `explain`.
fn decided(evaluator: &Evaluator<'_>, request: &Request) -> (Outcome, Reason) {
    let d = evaluator.explain(request);
    assert_eq!(evaluator.decide(request), d.outcome, "{d}");
    (d.outcome, d.reason)
}

/// Single account: "If either the identity-based policy or the resource-based policy within
/// the same account allows the request and the other doesn't, the request is still allowed";
/// "An explicit deny in any of the policies overrides the allow" (basics page).
#[test]
fn single_account_either_policy_allows_and_a_deny_overrides() {
    let user = caller("arn:aws:iam::111122223333:user/carlos");
    let policy = repository_policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/carlos"},"Action":"ecr:PutImage"}"#,
    );
    let pull = identity("Allow", &["ecr:BatchGetImage"]);
    let evaluator = Evaluator::new(&policy).with_identity_policy(&pull);
    assert_eq!(
        decided(&evaluator, &request(&user, Action::PutImage)),
        (Outcome::Allowed, Reason::SameAccountRepositoryAllow)
    );
    assert_eq!(
        decided(&evaluator, &request(&user, Action::BatchGetImage)),
        (Outcome::Allowed, Reason::SameAccountIdentityAllow)
    );
    assert_eq!(
        decided(&evaluator, &request(&user, Action::DeleteRepository)),
        (Outcome::ImplicitlyDenied, Reason::NoAllow)
    );
    // A Deny in the identity policy beats the repository policy's Allow, and the other way.
    let deny_push = identity("Deny", &["ecr:PutImage"]);
    let denied = Evaluator::new(&policy).with_identity_policy(&deny_push);
    assert_eq!(
        decided(&denied, &request(&user, Action::PutImage)),
        (Outcome::ExplicitlyDenied, Reason::ExplicitDeny)
    );
    let deny_pull = RepositoryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage"}]}"#,
    )
    .unwrap();
    let denied = Evaluator::new(&deny_pull).with_identity_policy(&pull);
    let d = denied.explain(&request(&user, Action::BatchGetImage));
    assert_eq!(d.outcome, Outcome::ExplicitlyDenied);
    assert_eq!(d.deciding[0].policy, PolicyKind::Repository);
}

/// "By default, all requests are implicitly denied with the exception of the AWS account
/// root user, which has full access"; "An explicit deny overrides an explicit allow", and
/// a resource-based policy can deny the root user (denyallow page).
#[test]
fn the_root_user_has_full_access_unless_denied() {
    let root = Caller::root(account(OWNER));
    let nobody = repository_policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/someone"},"Action":"ecr:BatchGetImage"}"#,
    );
    let evaluator = Evaluator::new(&nobody);
    assert_eq!(
        decided(&evaluator, &request(&root, Action::DeleteRepository)),
        (Outcome::Allowed, Reason::RootOfRepositoryAccount)
    );
    let user = caller("arn:aws:iam::111122223333:user/other");
    assert_eq!(
        decided(&evaluator, &request(&user, Action::DeleteRepository)),
        (Outcome::ImplicitlyDenied, Reason::NoAllow)
    );
    let deny =
        repository_policy(r#"{"Effect":"Deny","Principal":"*","Action":"ecr:DeleteRepository"}"#);
    assert_eq!(
        decided(
            &Evaluator::new(&deny),
            &request(&root, Action::DeleteRepository)
        ),
        (Outcome::ExplicitlyDenied, Reason::ExplicitDeny)
    );
}

/// Same account, by the principal the resource-based policy names (denyallow page,
/// "Resource-based policies"): an IAM user ARN, a role session ARN and a federated user
/// session ARN are granted directly, without an identity policy; a role ARN grants the
/// role's sessions (limited only by a permissions boundary or session policy, which these
/// callers do not have); the account ARN delegates to the account's identity policies.
#[test]
fn same_account_grants_by_the_principal_named() {
    let grant = |principal: &str| {
        repository_policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"ecr:BatchGetImage"}}"#
        ))
    };
    let allowed = (Outcome::Allowed, Reason::SameAccountRepositoryAllow);
    let cases = [
        (
            "arn:aws:iam::111122223333:user/reader",
            "arn:aws:iam::111122223333:user/reader",
        ),
        (
            "arn:aws:iam::111122223333:role/reader",
            "arn:aws:sts::111122223333:assumed-role/reader/any-session",
        ),
        (
            "arn:aws:sts::111122223333:assumed-role/reader/nightly",
            "arn:aws:sts::111122223333:assumed-role/reader/nightly",
        ),
        (
            "arn:aws:sts::111122223333:federated-user/alice",
            "arn:aws:sts::111122223333:federated-user/alice",
        ),
    ];
    for (principal, who) in cases {
        let policy = grant(principal);
        let evaluator = Evaluator::new(&policy);
        assert_eq!(
            decided(&evaluator, &request(&caller(who), Action::BatchGetImage)),
            allowed,
            "{principal} for {who}"
        );
    }
    // A session ARN names that session only.
    let policy = grant("arn:aws:sts::111122223333:assumed-role/reader/nightly");
    let other_session = caller("arn:aws:sts::111122223333:assumed-role/reader/adhoc");
    assert_eq!(
        decided(
            &Evaluator::new(&policy),
            &request(&other_session, Action::BatchGetImage)
        )
        .0,
        Outcome::ImplicitlyDenied
    );
    // The account: its identity policies decide.
    let policy = grant("arn:aws:iam::111122223333:root");
    let user = caller("arn:aws:iam::111122223333:user/reader");
    assert_eq!(
        decided(
            &Evaluator::new(&policy),
            &request(&user, Action::BatchGetImage)
        ),
        (
            Outcome::ImplicitlyDenied,
            Reason::AccountGrantNeedsIdentityAllow
        )
    );
    let pull = identity("Allow", &["ecr:BatchGetImage"]);
    assert_eq!(
        decided(
            &Evaluator::new(&policy).with_identity_policy(&pull),
            &request(&user, Action::BatchGetImage)
        ),
        (Outcome::Allowed, Reason::SameAccountIdentityAllow)
    );
}

/// Across accounts "the requesting principal ... must have an identity-based policy that
/// allows" the request and the resource-based policy of the trusting account must allow it
/// too; an explicit deny in either denies (cross-account page).
#[test]
fn cross_account_needs_both_sides() {
    let user = caller("arn:aws:iam::444455556666:user/deployer");
    let session = caller("arn:aws:sts::444455556666:assumed-role/deployer/ci");
    let push = identity("Allow", &["ecr:PutImage"]);
    for principal in [
        "arn:aws:iam::444455556666:user/deployer",
        "arn:aws:iam::444455556666:root",
        "444455556666",
    ] {
        let policy = repository_policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"ecr:PutImage"}}"#
        ));
        assert_eq!(
            decided(&Evaluator::new(&policy), &request(&user, Action::PutImage)),
            (
                Outcome::ImplicitlyDenied,
                Reason::CrossAccountNoIdentityAllow
            ),
            "{principal}"
        );
        let both = Evaluator::new(&policy).with_identity_policy(&push);
        assert_eq!(
            decided(&both, &request(&user, Action::PutImage)),
            (Outcome::Allowed, Reason::CrossAccountBothAllow),
            "{principal}"
        );
        let deny = identity("Deny", &["ecr:*"]);
        assert_eq!(
            decided(
                &Evaluator::new(&policy).with_identity_policy(&deny),
                &request(&user, Action::PutImage)
            )
            .0,
            Outcome::ExplicitlyDenied
        );
    }
    // The identity side alone is not enough.
    let elsewhere = repository_policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:PutImage"}"#,
    );
    assert_eq!(
        decided(
            &Evaluator::new(&elsewhere).with_identity_policy(&push),
            &request(&user, Action::PutImage)
        ),
        (
            Outcome::ImplicitlyDenied,
            Reason::CrossAccountNoRepositoryAllow
        )
    );
    // A role of the other account, named by its ARN: its sessions, with their identity policy.
    let by_role = repository_policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/deployer"},"Action":"ecr:PutImage"}"#,
    );
    assert_eq!(
        decided(
            &Evaluator::new(&by_role).with_identity_policy(&push),
            &request(&session, Action::PutImage)
        ),
        (Outcome::Allowed, Reason::CrossAccountBothAllow)
    );
    // The root user of the other account has no identity policy to ask: the resource-based
    // policy allowing its account is enough.
    let root = Caller::root(account(OTHER));
    let by_account = repository_policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:PutImage"}"#,
    );
    assert_eq!(
        decided(
            &Evaluator::new(&by_account),
            &request(&root, Action::PutImage)
        ),
        (Outcome::Allowed, Reason::CrossAccountRootRepositoryAllow)
    );
    assert_eq!(
        decided(&Evaluator::new(&by_role), &request(&root, Action::PutImage)).0,
        Outcome::ImplicitlyDenied
    );
}

/// The exact engine's finding of another account's write access and the evaluator agree on
/// the same policy: the access the finding reports is what the evaluator allows once the
/// other account's identity policy allows it, and not before.
#[test]
fn the_engine_and_the_evaluator_agree_on_cross_account_access() {
    let policy = repository_policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:PutImage","ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload"]}"#,
    );
    let config = ecr_policy::lint::LintConfig::default().repository(repository());
    let findings = policy.lint_with(&config);
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"external-write"), "{findings:#?}");
    let user = caller("arn:aws:iam::444455556666:user/anyone");
    let push = identity("Allow", &["ecr:PutImage"]);
    assert_eq!(
        decided(
            &Evaluator::new(&policy).with_identity_policy(&push),
            &request(&user, Action::PutImage)
        )
        .0,
        Outcome::Allowed
    );
    assert_eq!(
        decided(&Evaluator::new(&policy), &request(&user, Action::PutImage)).0,
        Outcome::ImplicitlyDenied
    );
    // Naming the repository's own account's user instead: no access finding, and the
    // evaluator allows that user alone.
    let own = repository_policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ci"},"Action":"ecr:PutImage"}"#,
    );
    assert!(own
        .lint_with(&config)
        .iter()
        .all(|f| !f.code.as_str().starts_with("external-") && f.code.as_str() != "public-access"));
    let ci = caller("arn:aws:iam::111122223333:user/ci");
    assert!(Evaluator::new(&own)
        .decide(&request(&ci, Action::PutImage))
        .is_allowed());
}

/// `NotPrincipal` with `Deny` denies everyone but the listed principals; the account of a
/// spared user must be listed too, or "the policy might deny access to the entire account";
/// the statement "by itself does not grant access" (NotPrincipal page). AWS's replacement,
/// `ArnNotEquals` on `aws:PrincipalArn`, names a role, which covers its sessions.
#[test]
fn not_principal_deny_and_its_replacement() {
    let bob = caller("arn:aws:iam::444455556666:user/Bob");
    let alice = caller("arn:aws:iam::444455556666:user/alice");
    let push = identity("Allow", &["ecr:PutImage"]);
    let with = |listed: &str| {
        RepositoryPolicy::from_json(&format!(
            r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"444455556666"}},"Action":"ecr:PutImage"}},
            {{"Effect":"Deny","NotPrincipal":{{"AWS":[{listed}]}},"Action":"ecr:PutImage"}}]}}"#
        ))
        .unwrap()
    };
    let both = with(r#""arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root""#);
    let evaluator = Evaluator::new(&both).with_identity_policy(&push);
    assert_eq!(
        decided(&evaluator, &request(&bob, Action::PutImage)).0,
        Outcome::Allowed
    );
    assert_eq!(
        decided(&evaluator, &request(&alice, Action::PutImage)).0,
        Outcome::ExplicitlyDenied
    );
    // Without the account listed, Bob is denied too.
    let user_only = with(r#""arn:aws:iam::444455556666:user/Bob""#);
    assert_eq!(
        decided(
            &Evaluator::new(&user_only).with_identity_policy(&push),
            &request(&bob, Action::PutImage)
        ),
        (Outcome::ExplicitlyDenied, Reason::ExplicitDeny)
    );
    // The Deny spares Bob but grants him nothing.
    let deny_only = RepositoryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]},"Action":"ecr:PutImage"}]}"#,
    )
    .unwrap();
    assert_eq!(
        decided(
            &Evaluator::new(&deny_only).with_identity_policy(&push),
            &request(&bob, Action::PutImage)
        ),
        (
            Outcome::ImplicitlyDenied,
            Reason::CrossAccountNoRepositoryAllow
        )
    );
    // aws:PrincipalArn holds the role ARN for each of the role's sessions.
    let replacement = RepositoryPolicy::from_json(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:PutImage"},
        {"Effect":"Deny","Principal":"*","Action":"ecr:PutImage","Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/release"}}}]}"#,
    )
    .unwrap();
    let evaluator = Evaluator::new(&replacement).with_identity_policy(&push);
    let release = caller("arn:aws:sts::444455556666:assumed-role/release/run-7");
    let build = caller("arn:aws:sts::444455556666:assumed-role/build/run-7");
    assert_eq!(
        decided(&evaluator, &request(&release, Action::PutImage)).0,
        Outcome::Allowed
    );
    assert_eq!(
        decided(&evaluator, &request(&build, Action::PutImage)).0,
        Outcome::ExplicitlyDenied
    );
}

/// The actions of ECR without a resource type (Service Authorization Reference): a
/// repository policy cannot grant them, even naming the caller with `ecr:*`; an identity
/// policy on `"*"` can, from any account. The repository actions the same policy grants.
#[test]
fn actions_without_a_repository_come_from_identity_policies() {
    let user = caller("arn:aws:iam::111122223333:user/admin");
    let everything = repository_policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/admin"},"Action":"ecr:*"}"#,
    );
    let without = [
        Action::GetAuthorizationToken,
        Action::DescribeRegistry,
        Action::GetRegistryPolicy,
        Action::PutRegistryPolicy,
        Action::DeleteRegistryPolicy,
        Action::PutReplicationConfiguration,
        Action::CreatePullThroughCacheRule,
        Action::DescribePullThroughCacheRules,
        Action::PutRegistryScanningConfiguration,
        Action::GetRegistryScanningConfiguration,
    ];
    for action in without {
        assert!(!action.is_repository_action(), "{action}");
        assert_eq!(
            decided(&Evaluator::new(&everything), &request(&user, action)),
            (Outcome::ImplicitlyDenied, Reason::ActionNeedsIdentityPolicy),
            "{action}"
        );
        let on_star = identity("Allow", &[action.as_str()]);
        for who in [&user, &caller("arn:aws:iam::444455556666:user/admin")] {
            assert_eq!(
                decided(
                    &Evaluator::new(&everything).with_identity_policy(&on_star),
                    &request(who, action)
                ),
                (
                    Outcome::Allowed,
                    Reason::IdentityAllowsActionWithoutResource
                ),
                "{action}"
            );
        }
    }
    for action in [
        Action::BatchGetImage,
        Action::PutImage,
        Action::SetRepositoryPolicy,
        Action::DescribeImages,
        Action::DeleteRepository,
        Action::StartImageScan,
    ] {
        assert!(action.is_repository_action(), "{action}");
        assert_eq!(
            decided(&Evaluator::new(&everything), &request(&user, action)),
            (Outcome::Allowed, Reason::SameAccountRepositoryAllow),
            "{action}"
        );
    }
}
