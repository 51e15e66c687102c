//! Explanations that say why: for each statement that applies, how its principal covers the
//! caller and which rule made each condition hold. One snapshot per rule.

mod common;

use ecr_policy::eval::{
    Applies, Caller, ConditionRule, Evaluator, PrincipalCover, PrincipalMatch, Request,
};
use ecr_policy::model::RepositoryArn;
use ecr_policy::{Action, PolicyDocument, RoleName, ServiceName, UserName};

use common::account;

fn repo() -> RepositoryArn {
    "arn:aws:ecr:us-east-1:123456789012:repository/app"
        .parse()
        .unwrap()
}

fn ci() -> Caller {
    Caller::user(account("123456789012"), UserName::new("ci").unwrap())
}

/// A repository policy with one statement: `Principal` `"*"`, pull, and `condition`.
fn with_condition(condition: &str) -> PolicyDocument {
    PolicyDocument::from_json(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*",
            "Action": "ecr:BatchGetImage", "Condition": {condition}}}]}}"#
    ))
    .unwrap()
}

/// The explanation of `request` against `policy`, with the request it answers, and the why of
/// the first statement, which must apply.
fn explain(policy: &PolicyDocument, request: &Request) -> (String, Applies) {
    let decision = Evaluator::new(policy).explain(request);
    let applies = match &decision.statements[0].result {
        Ok(a) => a.clone(),
        Err(m) => panic!("the statement should apply: {m:?}\n{decision}"),
    };
    (format!("{request}\n{decision}"), applies)
}

fn snapshot(name: &str, text: &str) {
    common::snapshots().bind(|| insta::assert_snapshot!(name, text));
}

fn rule(applies: &Applies) -> &ConditionRule {
    &applies.conditions[0].rule
}

#[test]
fn a_value_matches() {
    let policy = with_condition(r#"{"StringEquals": {"aws:PrincipalOrgID": ["o-aaa", "o-bbb"]}}"#);
    let (text, why) = explain(
        &policy,
        &Request::new(ci(), Action::BatchGetImage, repo()).principal_org_id("o-bbb"),
    );
    assert_eq!(
        rule(&why),
        &ConditionRule::Matches {
            found: "o-bbb".into(),
            value: "o-bbb".into()
        }
    );
    snapshot("explain_matches", &text);
}

#[test]
fn a_negated_operator_matches_none() {
    let policy = with_condition(r#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#);
    let (text, why) = explain(
        &policy,
        &Request::new(ci(), Action::BatchGetImage, repo())
            .source_ip("203.0.113.9".parse().unwrap()),
    );
    assert_eq!(rule(&why), &ConditionRule::MatchesNone);
    snapshot("explain_matches_none", &text);
}

#[test]
fn a_missing_key_makes_a_negated_operator_true() {
    let policy = with_condition(r#"{"StringNotEquals": {"aws:PrincipalOrgID": "o-aaa"}}"#);
    let (text, why) = explain(&policy, &Request::new(ci(), Action::BatchGetImage, repo()));
    assert_eq!(rule(&why), &ConditionRule::MissingKeyNegated);
    assert_eq!(why.conditions[0].found, None);
    snapshot("explain_missing_key_negated", &text);
}

#[test]
fn for_all_values_over_a_missing_or_empty_set_is_true() {
    let policy =
        with_condition(r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}"#);
    let missing = Request::new(ci(), Action::BatchGetImage, repo());
    let (text, why) = explain(&policy, &missing);
    assert_eq!(rule(&why), &ConditionRule::ForAllValuesOfNothing);
    let empty = missing.clone().context("aws:TagKeys", Vec::<String>::new());
    let (empty_text, why) = explain(&policy, &empty);
    assert_eq!(rule(&why), &ConditionRule::ForAllValuesOfNothing);
    assert_eq!(why.conditions[0].found, Some(vec![]));
    let every = missing.context("aws:TagKeys", ["env", "team"]);
    let (every_text, why) = explain(&policy, &every);
    assert_eq!(rule(&why), &ConditionRule::EveryValueMatches);
    snapshot(
        "explain_for_all_values",
        &format!("{text}\n\n{empty_text}\n\n{every_text}"),
    );
}

#[test]
fn for_any_value_with_a_negated_operator_names_the_value() {
    let policy =
        with_condition(r#"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team", "env"]}}"#);
    let request =
        Request::new(ci(), Action::BatchGetImage, repo()).context("aws:TagKeys", ["team", "cost"]);
    let (text, why) = explain(&policy, &request);
    assert_eq!(
        rule(&why),
        &ConditionRule::SomeValueMatchesNone {
            found: "cost".into()
        }
    );
    snapshot("explain_for_any_value_negated", &text);
}

#[test]
fn if_exists_with_the_key_absent_is_true() {
    let policy = with_condition(r#"{"BoolIfExists": {"aws:SecureTransport": "true"}}"#);
    let (text, why) = explain(&policy, &Request::new(ci(), Action::BatchGetImage, repo()));
    assert_eq!(rule(&why), &ConditionRule::IfExistsMissing);
    snapshot("explain_if_exists", &text);
}

#[test]
fn null_tests_name_presence() {
    let policy =
        with_condition(r#"{"Null": {"aws:SourceArn": "true", "aws:PrincipalArn": "false"}}"#);
    let (text, why) = explain(&policy, &Request::new(ci(), Action::BatchGetImage, repo()));
    let rules: Vec<_> = why.conditions.iter().map(|c| c.rule.clone()).collect();
    assert_eq!(
        rules,
        [ConditionRule::NullMissing, ConditionRule::NullPresent]
    );
    snapshot("explain_null", &text);
}

#[test]
fn principal_names_how_it_covers_the_caller() {
    let policy = PolicyDocument::from_json(
        r#"{"Version": "2012-10-17", "Statement": [
          {"Sid": "Account", "Effect": "Allow", "Action": "ecr:BatchGetImage",
           "Principal": {"AWS": ["arn:aws:iam::210987654321:root", "arn:aws:iam::123456789012:root"]}},
          {"Sid": "User", "Effect": "Allow", "Action": "ecr:BatchGetImage",
           "Principal": {"AWS": ["arn:aws:iam::123456789012:user/other", "arn:aws:iam::123456789012:user/ci"]}},
          {"Sid": "Service", "Effect": "Allow", "Action": "ecr:BatchGetImage",
           "Principal": {"Service": "codebuild.amazonaws.com"}}
        ]}"#,
    )
    .unwrap();
    let (text, why) = explain(&policy, &Request::new(ci(), Action::BatchGetImage, repo()));
    assert_eq!(
        why.principal_cover,
        Some(PrincipalCover::Listed {
            principal: "arn:aws:iam::123456789012:root".into(),
            how: PrincipalMatch::Account
        })
    );
    let codebuild = Caller::service(ServiceName::new("codebuild.amazonaws.com").unwrap());
    let (service_text, _) = explain(
        &PolicyDocument::from_json(
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}}"#,
        )
        .unwrap(),
        &Request::new(codebuild, Action::BatchGetImage, repo()),
    );
    snapshot("explain_principal", &format!("{text}\n\n{service_text}"));
}

#[test]
fn not_principal_names_what_is_not_listed() {
    // The role is listed, but its session and the account are not: AWS still denies.
    let policy = PolicyDocument::from_json(
        r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Deny", "Action": ["ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy", "ecr:DeleteRepository"],
           "NotPrincipal": {"AWS": ["arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:user/ops"]}}
        ]}"#,
    )
    .unwrap();
    let admin = Caller::role(account("123456789012"), RoleName::new("admin").unwrap());
    let (text, why) = explain(
        &policy,
        &Request::new(admin, Action::SetRepositoryPolicy, repo()),
    );
    let Some(PrincipalCover::NotListed {
        not_covering,
        covering,
        unlisted,
    }) = &why.principal_cover
    else {
        panic!("{text}")
    };
    assert_eq!(not_covering, &["arn:aws:iam::123456789012:user/ops"]);
    assert_eq!(
        covering,
        &[("role", "arn:aws:iam::123456789012:role/admin".to_owned())]
    );
    assert_eq!(
        unlisted,
        &[
            ("account", "arn:aws:iam::123456789012:root".to_owned()),
            (
                "session",
                "arn:aws:sts::123456789012:assumed-role/admin/session".to_owned()
            )
        ]
    );
    // A caller none of them covers.
    let (ci_text, _) = explain(
        &policy,
        &Request::new(ci(), Action::DeleteRepository, repo()),
    );
    snapshot("explain_not_principal", &format!("{text}\n\n{ci_text}"));
}

#[test]
fn a_statement_without_sid_is_described() {
    let policy = PolicyDocument::from_json(
        r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:user/ci", "arn:aws:iam::123456789012:user/a", "arn:aws:iam::123456789012:user/b"]},
           "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]},
          {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:role/admin"}, "NotAction": "ecr:BatchGetImage"},
          {"Effect": "Deny", "Principal": "*", "Action": "ecr:PutImage"}
        ]}"#,
    )
    .unwrap();
    let decision =
        Evaluator::new(&policy).explain(&Request::new(ci(), Action::BatchGetImage, repo()));
    let shown: Vec<String> = decision
        .statements
        .iter()
        .map(|s| s.statement.to_string())
        .collect();
    assert_eq!(
        shown[2],
        "repository policy statement #2 (Deny *: ecr:PutImage)"
    );
    snapshot("explain_without_sid", &decision.to_string());
}
