//! What a repository policy cannot reach: the actions on a repository that AWS takes from
//! identity and registry policies (`ecr:CreateRepository`, `ecr:ReplicateImage`), judged alike
//! by the catalogue, the evaluator, the analysis and the lint; and tests of the clock settled
//! for requests made from a given instant on (`LintConfig::requests_from`).

mod common;

use std::time::{Duration, UNIX_EPOCH};

use common::account;

use ecr_policy::eval::{Caller, Evaluator, Mismatch, Outcome, Reason, RegistryEvaluator, Request};
use ecr_policy::lint::{LintCode, LintConfig, Severity};
use ecr_policy::model::{PolicyKind, PublicRepositoryPolicy, RepositoryArn};
use ecr_policy::{Action, PolicyDocument, UserName};

const OWNER: &str = "111122223333";
const SOURCE: &str = "444455556666";

fn repo() -> RepositoryArn {
    format!("arn:aws:ecr:us-east-1:{OWNER}:repository/app")
        .parse()
        .unwrap()
}

fn doc(statements: &str) -> PolicyDocument {
    PolicyDocument::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
    ))
    .unwrap()
}

fn builder() -> Caller {
    Caller::user(account(OWNER), UserName::new("builder").unwrap())
}

fn codes(found: &[ecr_policy::lint::Finding]) -> Vec<&str> {
    found.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn a_repository_policy_grants_neither_create_repository_nor_replicate_image() {
    let policy = doc(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":["arn:aws:iam::{OWNER}:user/builder","arn:aws:iam::{SOURCE}:root"]}},"Action":"ecr:*"}}"#
    ));
    let evaluator = Evaluator::new(&policy);
    // `ecr:*` still grants the rest.
    for action in [Action::PutImage, Action::BatchImportUpstreamImage] {
        let r = Request::new(builder(), action, repo());
        assert_eq!(evaluator.decide(&r), Outcome::Allowed, "{action}");
    }
    let create = Request::new(builder(), Action::CreateRepository, repo());
    assert_eq!(evaluator.decide(&create), Outcome::ImplicitlyDenied);
    let d = evaluator.explain(&create);
    assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
    assert!(
        matches!(&d.statements[0].result, Err(m) if matches!(m[..], [Mismatch::NotConsulted { .. }])),
        "{d}"
    );
    let replicate = Request::replication(account(SOURCE), Action::ReplicateImage, repo());
    assert_eq!(evaluator.decide(&replicate), Outcome::ImplicitlyDenied);
    assert_eq!(evaluator.explain(&replicate).reason, Reason::NoAllow);
    // The identity policy still grants CreateRepository in the account.
    let identity = doc(
        r#"{"Effect":"Allow","Action":"ecr:CreateRepository","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}"#,
    );
    let with_identity = Evaluator::new(&policy).with_identity_policy(&identity);
    assert_eq!(with_identity.decide(&create), Outcome::Allowed);
    assert_eq!(
        with_identity.explain(&create).reason,
        Reason::SameAccountIdentityAllow
    );
}

#[test]
fn a_deny_of_replication_in_the_repository_policy_still_counts_as_the_registry_evaluator_says() {
    let policy = doc(
        r#"{"Effect":"Deny","Principal":"*","Action":["ecr:ReplicateImage","ecr:CreateRepository"]}"#,
    );
    let identity = doc(r#"{"Effect":"Allow","Action":"ecr:*","Resource":"*"}"#);
    let evaluator = Evaluator::new(&policy).with_identity_policy(&identity);
    let registry = RegistryEvaluator::without_registry_policy()
        .with_repository_policy(&policy)
        .with_identity_policy(&identity);
    for (action, outcome) in [
        (Action::ReplicateImage, Outcome::ExplicitlyDenied),
        // The repository CreateRepository would create has no policy yet.
        (Action::CreateRepository, Outcome::Allowed),
    ] {
        let r = Request::new(builder(), action, repo());
        assert_eq!(evaluator.decide(&r), outcome, "{action}");
        assert_eq!(evaluator.explain(&r).outcome, outcome, "{action}");
        assert_eq!(registry.decide(&r), outcome, "{action}");
    }
}

#[test]
fn the_lint_names_the_entry_that_grants_nothing_and_where_it_belongs() {
    let policy = doc(&format!(
        r#"{{"Sid":"Replicate","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{SOURCE}:root"}},"Action":["ecr:ReplicateImage","ecr:CreateRepository"]}}"#
    ));
    let config = LintConfig::default().repository(repo());
    let found = policy.lint_with(&config);
    let ours: Vec<_> = found
        .iter()
        .filter(|f| f.code == LintCode::NotGrantedByRepositoryPolicy)
        .collect();
    assert_eq!(ours.len(), 2, "{found:#?}");
    assert_eq!(ours[0].path, "Statement[0].Action[0]");
    assert_eq!(ours[0].severity, Severity::Error);
    assert!(ours[0]
        .message
        .starts_with("ecr:ReplicateImage is not granted by a repository policy"));
    assert!(ours[0].hint.contains("registry policy"), "{}", ours[0].hint);
    assert!(ours[1]
        .message
        .starts_with("ecr:CreateRepository is not granted by a repository policy"));
    assert!(ours[1].hint.contains("identity policy"), "{}", ours[1].hint);
    // Nothing else is granted: no access finding for the source account.
    assert!(
        !found
            .iter()
            .any(|f| f.code.as_str().starts_with("external-")),
        "{found:#?}"
    );
    // A wildcard does not start failing, and a Deny is not reported.
    let wide = doc(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:root"}},"Action":"ecr:*"}},{{"Effect":"Deny","Principal":"*","Action":"ecr:ReplicateImage","Condition":{{"StringNotEquals":{{"aws:PrincipalAccount":"{SOURCE}"}}}}}}"#
    ));
    let found = wide.lint_with(&config);
    assert!(
        !codes(&found).contains(&"not-granted-by-repository-policy"),
        "{found:#?}"
    );
}

#[test]
fn an_ecr_public_repository_policy_does_not_grant_ecr_public_create_repository() {
    let policy = doc(&format!(
        r#"{{"Sid":"Partner","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{SOURCE}:root"}},"Action":["ecr-public:CreateRepository","ecr-public:PutImage"]}}"#
    ));
    let config = LintConfig::default()
        .kind(PolicyKind::PublicRepository)
        .registry_account(account(OWNER));
    let found = policy.lint_with(&config);
    let ours: Vec<_> = found
        .iter()
        .filter(|f| f.code == LintCode::NotGrantedByRepositoryPolicy)
        .collect();
    assert_eq!(ours.len(), 1, "{found:#?}");
    assert_eq!(ours[0].path, "Statement[0].Action[0]");
    assert_eq!(ours[0].severity, Severity::Error);
    assert!(ours[0]
        .message
        .starts_with("ecr-public:CreateRepository is not granted by a repository policy"));
    assert!(ours[0].hint.contains("identity policy"), "{}", ours[0].hint);
    // The other account's access is the push only.
    let external: Vec<_> = found
        .iter()
        .filter(|f| f.code.as_str().starts_with("external-"))
        .collect();
    assert_eq!(external.len(), 1, "{found:#?}");
    assert!(
        external[0].message.contains("ecr-public:PutImage")
            && !external[0].message.contains("CreateRepository"),
        "{}",
        external[0].message
    );
    // The evaluator agrees: the Allow is not consulted for the creation, for the other
    // account and for the owner's own user alike; the owner's identity policy grants it.
    let evaluator = Evaluator::new(&policy);
    let remote = Caller::user(account(SOURCE), UserName::new("pusher").unwrap());
    let everything = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    for caller in [remote.clone(), builder()] {
        let create = Request::new(caller.clone(), "ecr-public:CreateRepository", repo());
        assert_eq!(evaluator.decide(&create), Outcome::ImplicitlyDenied);
        let d = evaluator.explain(&create);
        assert_eq!(d.outcome, Outcome::ImplicitlyDenied);
        assert!(
            matches!(&d.statements[0].result, Err(m) if matches!(m[..], [Mismatch::NotConsulted { .. }])),
            "{d}"
        );
    }
    let remote_push = Request::new(remote, "ecr-public:PutImage", repo());
    let with_identity = Evaluator::new(&policy).with_identity_policy(&everything);
    assert_eq!(with_identity.decide(&remote_push), Outcome::Allowed);
    let own_create = Request::new(builder(), "ecr-public:CreateRepository", repo());
    assert_eq!(with_identity.decide(&own_create), Outcome::Allowed);
    assert_eq!(
        with_identity.explain(&own_create).reason,
        Reason::SameAccountIdentityAllow
    );
    // A pattern does not start failing, and a Deny of it is not reported.
    let wide = doc(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:root"}},"Action":"ecr-public:*"}},{{"Effect":"Deny","Principal":"*","Action":"ecr-public:CreateRepository","Condition":{{"StringNotEquals":{{"aws:PrincipalAccount":"{OWNER}"}}}}}}"#
    ));
    let found = wide.lint_with(&config);
    assert!(
        !codes(&found).contains(&"not-granted-by-repository-policy"),
        "{found:#?}"
    );
}

#[test]
fn public_access_names_only_what_a_repository_policy_grants() {
    let policy = doc(r#"{"Effect":"Allow","Principal":"*","Action":"ecr:*"}"#);
    let found = policy.lint();
    let public = found
        .iter()
        .find(|f| f.code == LintCode::PublicAccess)
        .expect("public access");
    // Six actions named, then the count of the rest: every action a repository policy
    // grants, and no other.
    let granted = Action::ALL
        .iter()
        .filter(|a| a.is_granted_by_repository_policy())
        .count();
    assert_eq!(
        granted,
        Action::ALL
            .iter()
            .filter(|a| a.is_repository_action())
            .count()
            - 2
    );
    assert!(
        public
            .message
            .contains(&format!(" and {} more:", granted - 6)),
        "{}",
        public.message
    );
    assert!(
        !public.message.contains("CreateRepository"),
        "{}",
        public.message
    );
}

/// 2026-01-01T00:00:00Z.
fn new_year_2026() -> LintConfig {
    LintConfig::default()
        .repository(repo())
        .requests_from(UNIX_EPOCH + Duration::from_secs(1_767_225_600))
}

#[test]
fn a_deny_from_a_past_date_on_locks_out_for_requests_made_since() {
    let policy = doc(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:role/admin"}},"Action":"ecr:*"}},{{"Sid":"Freeze","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{{"DateGreaterThan":{{"aws:CurrentTime":"2025-06-01T00:00:00Z"}}}}}}"#
    ));
    // With every instant possible, a request made before the date escapes the Deny.
    let timeless = policy.lint_with(&LintConfig::default().repository(repo()));
    assert!(
        !codes(&timeless).contains(&"locks-out-policy-changes"),
        "{timeless:#?}"
    );
    assert!(!codes(&timeless).contains(&"settled-date-condition"));
    let found = policy.lint_with(&new_year_2026());
    let settled = found
        .iter()
        .find(|f| f.code == LintCode::SettledDateCondition)
        .expect("settled");
    assert_eq!(settled.statement, Some(1));
    assert_eq!(
        settled.path,
        "Statement[1].Condition.DateGreaterThan.aws:CurrentTime"
    );
    assert!(
        settled.message.contains("always holds"),
        "{}",
        settled.message
    );
    assert!(
        codes(&found).contains(&"locks-out-policy-changes"),
        "{found:#?}"
    );
    // An EpochTime test of the same date, as a number of seconds.
    let epoch = doc(&format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:role/admin"}},"Action":"ecr:*"}},{{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{{"NumericGreaterThanEquals":{{"aws:EpochTime":"1748736000"}}}}}}"#
    ));
    assert!(codes(&epoch.lint_with(&new_year_2026())).contains(&"locks-out-policy-changes"));
}

#[test]
fn an_allow_until_a_past_date_is_dead_and_one_until_a_later_date_is_not() {
    let until = |date: &str| {
        doc(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{SOURCE}:root"}},"Action":"ecr:PutImage","Condition":{{"DateLessThan":{{"aws:CurrentTime":"{date}"}}}}}}"#
        ))
    };
    let expired = until("2025-12-31T23:59:59Z").lint_with(&new_year_2026());
    assert_eq!(codes(&expired), ["settled-date-condition"], "{expired:#?}");
    assert!(
        expired[0].message.contains("never holds"),
        "{}",
        expired[0].message
    );
    assert!(expired[0].message.contains("from 2026-01-01T00:00:00Z on"));
    // The same instant as the date: `<` no longer holds.
    let now = until("2026-01-01T00:00:00Z").lint_with(&new_year_2026());
    assert_eq!(codes(&now), ["settled-date-condition"], "{now:#?}");
    // Still open: the grant to another account is judged as before.
    let open = until("2030-01-01T00:00:00Z");
    let later = open.lint_with(&new_year_2026());
    let timeless = open.lint_with(&LintConfig::default().repository(repo()));
    assert_eq!(codes(&later), codes(&timeless));
    assert_eq!(codes(&later), ["external-write"], "{later:#?}");
}

#[test]
fn to_dsl_writes_only_what_the_macro_accepts() {
    let allow = doc(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/builder"},"Action":["ecr:PutImage","ecr:CreateRepository"]}"#,
    );
    let err = allow.to_dsl().unwrap_err();
    assert!(
        err.to_string()
            .contains("ecr:CreateRepository is not granted by a repository policy"),
        "{err}"
    );
    let deny = doc(r#"{"Effect":"Deny","Principal":"*","Action":"ecr:ReplicateImage"}"#);
    assert!(deny
        .to_dsl()
        .unwrap()
        .contains("deny anyone ReplicateImage on repo"));
    // The same of ECR Public's repository policies.
    let public = |statement: &str| {
        PublicRepositoryPolicy::from_json(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#
        ))
        .unwrap()
    };
    let allow = public(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/builder"},"Action":["ecr-public:PutImage","ecr-public:CreateRepository"]}"#,
    );
    let err = allow.to_dsl().unwrap_err();
    assert!(
        err.to_string()
            .contains("ecr-public:CreateRepository is not granted by a repository policy"),
        "{err}"
    );
    let deny =
        public(r#"{"Effect":"Deny","Principal":"*","Action":"ecr-public:CreateRepository"}"#);
    assert!(deny
        .to_dsl()
        .unwrap()
        .contains("ecr-public:CreateRepository on public repo"));
}
