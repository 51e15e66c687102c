//! Condition operators, table by table (ECR-FACTS section 3): each row is a condition, the
//! request's values of its key (`None`: the key is absent) and whether the condition holds.

use ecr_policy::catalogue::ConditionOperator;
use ecr_policy::eval::{Caller, Evaluator, Outcome, Request};
use ecr_policy::model::{Condition, ConditionKey, ConditionValue};
use ecr_policy::{Action, RepositoryPolicy, ServiceName, StatementBuilder};

type Row<'a> = (&'a str, &'a str, &'a [&'a str], Option<&'a [&'a str]>, bool);

/// Whether `operator key values` holds for a request whose `key` has `found`.
fn holds(operator: &str, key: &str, values: &[ConditionValue], found: Option<&[&str]>) -> bool {
    let operator: ConditionOperator = operator.parse().unwrap();
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .anyone()
                .action(Action::BatchGetImage)
                .condition(Condition::new(
                    operator,
                    ConditionKey::new(key).unwrap(),
                    values.iter().cloned(),
                )),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let caller = Caller::service(ServiceName::new("lambda.amazonaws.com").unwrap());
    let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app"
        .parse()
        .unwrap();
    let mut request = Request::new(caller, Action::BatchGetImage, repo);
    if let Some(found) = found {
        request = request.context(key, found.iter().copied());
    }
    let evaluator = Evaluator::new(&policy);
    let outcome = evaluator.decide(&request);
    let decision = evaluator.explain(&request);
    assert_eq!(outcome, decision.outcome);
    // The explanation names a rule for the condition exactly when it holds.
    let held = match &decision.statements[0].result {
        Ok(applies) => applies.conditions.len(),
        Err(_) => 0,
    };
    assert_eq!(held == 1, outcome == Outcome::Allowed, "{decision}");
    outcome == Outcome::Allowed
}

fn run(rows: &[Row<'_>]) {
    let mut failures = Vec::new();
    for (i, (op, key, values, found, want)) in rows.iter().enumerate() {
        let values: Vec<ConditionValue> = values.iter().map(|v| ConditionValue::from(*v)).collect();
        let got = holds(op, key, &values, *found);
        if got != *want {
            failures.push(format!(
                "row {i}: {op} {key} {values:?} with {found:?}: expected {want}, got {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const K: &str = "aws:PrincipalTag/team";

#[test]
fn string_operators() {
    run(&[
        ("StringEquals", K, &["ci"], Some(&["ci"]), true),
        ("StringEquals", K, &["ci"], Some(&["CI"]), false),
        ("StringEquals", K, &["a", "ci"], Some(&["ci"]), true),
        ("StringEquals", K, &["ci*"], Some(&["ci-x"]), false),
        ("StringEquals", K, &["ci*"], Some(&["ci*"]), true),
        ("StringEquals", K, &["ci"], None, false),
        ("StringEqualsIfExists", K, &["ci"], None, true),
        ("StringEqualsIfExists", K, &["ci"], Some(&["x"]), false),
        ("StringNotEquals", K, &["ci"], Some(&["ci"]), false),
        ("StringNotEquals", K, &["ci"], Some(&["x"]), true),
        ("StringNotEquals", K, &["a", "b"], Some(&["b"]), false),
        ("StringNotEquals", K, &["a", "b"], Some(&["c"]), true),
        ("StringNotEquals", K, &["ci"], None, true),
        ("StringEqualsIgnoreCase", K, &["CI"], Some(&["ci"]), true),
        (
            "StringEqualsIgnoreCase",
            K,
            &["ÄRGER"],
            Some(&["ärger"]),
            true,
        ),
        ("StringEqualsIgnoreCase", K, &["ci"], Some(&["cd"]), false),
        ("StringEqualsIgnoreCase", K, &["ci"], None, false),
        (
            "StringNotEqualsIgnoreCase",
            K,
            &["CI"],
            Some(&["ci"]),
            false,
        ),
        ("StringNotEqualsIgnoreCase", K, &["CI"], Some(&["cd"]), true),
        ("StringNotEqualsIgnoreCase", K, &["CI"], None, true),
        ("StringLike", K, &["ci-*"], Some(&["ci-prod"]), true),
        ("StringLike", K, &["ci-*"], Some(&["CI-prod"]), false),
        ("StringLike", K, &["ci-?"], Some(&["ci-1"]), true),
        ("StringLike", K, &["ci-?"], Some(&["ci-12"]), false),
        ("StringLike", K, &["*"], Some(&[""]), true),
        ("StringLike", K, &["a*", "b*"], Some(&["bee"]), true),
        ("StringLike", K, &["ci-*"], None, false),
        ("StringLikeIfExists", K, &["ci-*"], None, true),
        ("StringNotLike", K, &["ci-*"], Some(&["ci-prod"]), false),
        ("StringNotLike", K, &["ci-*"], Some(&["dev"]), true),
        ("StringNotLike", K, &["a*", "b*"], Some(&["bee"]), false),
        ("StringNotLike", K, &["ci-*"], None, true),
    ]);
}

#[test]
fn numeric_operators() {
    let k = "aws:MultiFactorAuthAge";
    run(&[
        ("NumericEquals", k, &["10"], Some(&["10"]), true),
        ("NumericEquals", k, &["10"], Some(&["10.0"]), true),
        ("NumericEquals", k, &["10"], Some(&["11"]), false),
        ("NumericEquals", k, &["10"], Some(&["ten"]), false),
        ("NumericEquals", k, &["ten"], Some(&["10"]), false),
        ("NumericEquals", k, &["10"], None, false),
        ("NumericNotEquals", k, &["10"], Some(&["11"]), true),
        ("NumericNotEquals", k, &["10"], Some(&["10"]), false),
        ("NumericNotEquals", k, &["10"], None, true),
        ("NumericLessThan", k, &["3600"], Some(&["3599"]), true),
        ("NumericLessThan", k, &["3600"], Some(&["3600"]), false),
        ("NumericLessThan", k, &["3600"], None, false),
        ("NumericLessThanIfExists", k, &["3600"], None, true),
        ("NumericLessThanEquals", k, &["3600"], Some(&["3600"]), true),
        (
            "NumericLessThanEquals",
            k,
            &["3600"],
            Some(&["3601"]),
            false,
        ),
        ("NumericGreaterThan", k, &["-1.5"], Some(&["-1"]), true),
        ("NumericGreaterThan", k, &["5"], Some(&["5"]), false),
        ("NumericGreaterThanEquals", k, &["5"], Some(&["5"]), true),
        (
            "NumericGreaterThanEquals",
            k,
            &["5"],
            Some(&["4.99"]),
            false,
        ),
    ]);
}

#[test]
fn date_operators() {
    let k = "aws:CurrentTime";
    run(&[
        (
            "DateEquals",
            k,
            &["2026-01-01T00:00:00Z"],
            Some(&["2026-01-01T00:00:00Z"]),
            true,
        ),
        (
            "DateEquals",
            k,
            &["2026-01-01T00:00:00Z"],
            Some(&["2026-01-01"]),
            true,
        ),
        (
            "DateEquals",
            k,
            &["2026-01-01T00:00:00Z"],
            Some(&["2026-01-01T01:00:00+01:00"]),
            true,
        ),
        (
            "DateEquals",
            k,
            &["2026-01-01T00:00:00Z"],
            Some(&["1767225600"]),
            true,
        ),
        (
            "DateEquals",
            k,
            &["1767225600"],
            Some(&["2026-01-01T00:00:01Z"]),
            false,
        ),
        ("DateEquals", k, &["2026-01-01"], None, false),
        (
            "DateNotEquals",
            k,
            &["2026-01-01"],
            Some(&["2026-01-02"]),
            true,
        ),
        ("DateNotEquals", k, &["2026-01-01"], None, true),
        (
            "DateLessThan",
            k,
            &["2026-01-01T00:00:00Z"],
            Some(&["2025-12-31T23:59:59Z"]),
            true,
        ),
        (
            "DateLessThan",
            k,
            &["2026-01-01T00:00:00Z"],
            Some(&["2026-01-01T00:00:00Z"]),
            false,
        ),
        (
            "DateLessThan",
            k,
            &["2026-01-01T00:00:00Z"],
            Some(&["not a date"]),
            false,
        ),
        (
            "DateLessThanEquals",
            k,
            &["2026-01-01"],
            Some(&["2026-01-01T00:00:00Z"]),
            true,
        ),
        (
            "DateGreaterThan",
            k,
            &["2026-01-01"],
            Some(&["2026-06-01T12:00:00-07:00"]),
            true,
        ),
        (
            "DateGreaterThan",
            k,
            &["2026-01-01"],
            Some(&["2025-06-01"]),
            false,
        ),
        (
            "DateGreaterThanEquals",
            k,
            &["2026-01-01"],
            Some(&["2026-01-01"]),
            true,
        ),
        ("DateGreaterThanIfExists", k, &["2026-01-01"], None, true),
    ]);
}

#[test]
fn bool_binary_and_null_operators() {
    let k = "aws:SecureTransport";
    let b = "aws:TestBinary";
    run(&[
        ("Bool", k, &["true"], Some(&["true"]), true),
        ("Bool", k, &["true"], Some(&["TRUE"]), true),
        ("Bool", k, &["true"], Some(&["false"]), false),
        ("Bool", k, &["false"], Some(&["false"]), true),
        ("Bool", k, &["false"], None, false),
        ("Bool", k, &["yes"], Some(&["true"]), false),
        ("BoolIfExists", k, &["false"], None, true),
        ("BinaryEquals", b, &["QmluYXJ5"], Some(&["QmluYXJ5"]), true),
        ("BinaryEquals", b, &["QmluYXJ5"], Some(&["qmluyxj5"]), false),
        ("BinaryEquals", b, &["QmluYXJ5"], None, false),
        ("Null", k, &["true"], None, true),
        ("Null", k, &["true"], Some(&["false"]), false),
        ("Null", k, &["false"], Some(&["false"]), true),
        ("Null", k, &["false"], None, false),
        ("Null", k, &["false"], Some(&[]), false),
    ]);
    // JSON booleans and numbers in the policy compare like their text.
    let t = [ConditionValue::Bool(true)];
    assert!(holds("Bool", k, &t, Some(&["true"])));
    assert!(!holds("Bool", k, &t, Some(&["false"])));
    let n = [ConditionValue::from(3600_u64)];
    assert!(holds(
        "NumericLessThan",
        "aws:MultiFactorAuthAge",
        &n,
        Some(&["60"])
    ));
}

#[test]
fn ip_address_operators() {
    let k = "aws:SourceIp";
    run(&[
        (
            "IpAddress",
            k,
            &["203.0.113.0/24"],
            Some(&["203.0.113.77"]),
            true,
        ),
        (
            "IpAddress",
            k,
            &["203.0.113.0/24"],
            Some(&["203.0.114.1"]),
            false,
        ),
        (
            "IpAddress",
            k,
            &["203.0.113.5"],
            Some(&["203.0.113.5"]),
            true,
        ),
        (
            "IpAddress",
            k,
            &["10.0.0.0/8", "192.168.0.0/16"],
            Some(&["192.168.4.4"]),
            true,
        ),
        (
            "IpAddress",
            k,
            &["0.0.0.0/0"],
            Some(&["2001:db8::1"]),
            false,
        ),
        (
            "IpAddress",
            k,
            &["2001:db8::/32"],
            Some(&["2001:db8:1::7"]),
            true,
        ),
        (
            "IpAddress",
            k,
            &["2001:db8::/32"],
            Some(&["2001:db9::7"]),
            false,
        ),
        ("IpAddress", k, &["::/0"], Some(&["::1"]), true),
        (
            "IpAddress",
            k,
            &["203.0.113.0/24"],
            Some(&["not-an-ip"]),
            false,
        ),
        (
            "IpAddress",
            k,
            &["203.0.113.0/33"],
            Some(&["203.0.113.1"]),
            false,
        ),
        ("IpAddress", k, &["203.0.113.0/24"], None, false),
        (
            "NotIpAddress",
            k,
            &["203.0.113.0/24"],
            Some(&["198.51.100.1"]),
            true,
        ),
        (
            "NotIpAddress",
            k,
            &["203.0.113.0/24"],
            Some(&["203.0.113.1"]),
            false,
        ),
        (
            "NotIpAddress",
            k,
            &["10.0.0.0/8", "203.0.113.0/24"],
            Some(&["203.0.113.1"]),
            false,
        ),
        ("NotIpAddress", k, &["203.0.113.0/24"], None, true),
        ("IpAddressIfExists", k, &["203.0.113.0/24"], None, true),
    ]);
}

#[test]
fn arn_operators() {
    let k = "aws:SourceArn";
    let arn = "arn:aws:codebuild:us-east-1:123456789012:project/build";
    run(&[
        ("ArnEquals", k, &[arn], Some(&[arn]), true),
        (
            "ArnEquals",
            k,
            &["arn:aws:codebuild:*:123456789012:project/*"],
            Some(&[arn]),
            true,
        ),
        (
            "ArnLike",
            k,
            &["arn:aws:codebuild:*:123456789012:project/*"],
            Some(&[arn]),
            true,
        ),
        (
            "ArnLike",
            k,
            &["arn:aws:codebuild:us-east-?:*:project/build"],
            Some(&[arn]),
            true,
        ),
        (
            "ArnLike",
            k,
            &["arn:aws:codebuild:*:210987654321:project/*"],
            Some(&[arn]),
            false,
        ),
        // Fields are compared one by one: `*` does not span the region and account.
        (
            "ArnLike",
            k,
            &["arn:aws:codebuild:*:project/build"],
            Some(&[arn]),
            false,
        ),
        (
            "ArnLike",
            k,
            &["arn:aws:CodeBuild:*:*:*"],
            Some(&[arn]),
            false,
        ),
        (
            "ArnLike",
            k,
            &["arn:aws:codebuild:*:*:*"],
            Some(&["not-an-arn"]),
            false,
        ),
        (
            "ArnLike",
            k,
            &["arn:aws:lambda:*:*:function:*"],
            Some(&["arn:aws:lambda:us-east-1:1:function:f:7"]),
            true,
        ),
        ("ArnLike", k, &["arn:aws:codebuild:*:*:*"], None, false),
        (
            "ArnLikeIfExists",
            k,
            &["arn:aws:codebuild:*:*:*"],
            None,
            true,
        ),
        ("ArnNotEquals", k, &[arn], Some(&[arn]), false),
        ("ArnNotEquals", k, &[arn], Some(&["arn:aws:s3:::b"]), true),
        (
            "ArnNotLike",
            k,
            &["arn:aws:codebuild:*:*:*"],
            Some(&[arn]),
            false,
        ),
        (
            "ArnNotLike",
            k,
            &["arn:aws:lambda:*:*:*"],
            Some(&[arn]),
            true,
        ),
        ("ArnNotLike", k, &["arn:aws:lambda:*:*:*"], None, true),
    ]);
}

#[test]
fn set_qualifiers_on_multi_valued_keys() {
    let k = "aws:TagKeys";
    run(&[
        // ForAnyValue: at least one request value matches.
        (
            "ForAnyValue:StringEquals",
            k,
            &["team"],
            Some(&["team", "cost"]),
            true,
        ),
        (
            "ForAnyValue:StringEquals",
            k,
            &["team"],
            Some(&["cost"]),
            false,
        ),
        ("ForAnyValue:StringEquals", k, &["team"], Some(&[]), false),
        ("ForAnyValue:StringEquals", k, &["team"], None, false),
        ("ForAnyValue:StringEqualsIfExists", k, &["team"], None, true),
        (
            "ForAnyValue:StringLike",
            k,
            &["t*"],
            Some(&["cost", "tier"]),
            true,
        ),
        // ForAnyValue with a negated operator: some request value matches none.
        (
            "ForAnyValue:StringNotEquals",
            k,
            &["team"],
            Some(&["team", "cost"]),
            true,
        ),
        (
            "ForAnyValue:StringNotEquals",
            k,
            &["team"],
            Some(&["team"]),
            false,
        ),
        ("ForAnyValue:StringNotEquals", k, &["team"], None, false),
        // ForAllValues: every request value matches; true when absent or empty.
        (
            "ForAllValues:StringEquals",
            k,
            &["team", "cost"],
            Some(&["team", "cost"]),
            true,
        ),
        (
            "ForAllValues:StringEquals",
            k,
            &["team"],
            Some(&["team", "cost"]),
            false,
        ),
        ("ForAllValues:StringEquals", k, &["team"], Some(&[]), true),
        ("ForAllValues:StringEquals", k, &["team"], None, true),
        (
            "ForAllValues:StringLike",
            k,
            &["t*", "c*"],
            Some(&["tier", "cost"]),
            true,
        ),
        // ForAllValues with a negated operator: no request value matches.
        (
            "ForAllValues:StringNotEquals",
            k,
            &["secret"],
            Some(&["team", "cost"]),
            true,
        ),
        (
            "ForAllValues:StringNotEquals",
            k,
            &["secret"],
            Some(&["team", "secret"]),
            false,
        ),
        ("ForAllValues:StringNotEquals", k, &["secret"], None, true),
        // Without a qualifier: positive operators need one match, negated ones none.
        ("StringEquals", k, &["team"], Some(&["cost", "team"]), true),
        (
            "StringNotEquals",
            k,
            &["team"],
            Some(&["cost", "team"]),
            false,
        ),
        (
            "StringNotEquals",
            k,
            &["team"],
            Some(&["cost", "tier"]),
            true,
        ),
        (
            "ForAnyValue:NumericLessThan",
            "aws:TestNumbers",
            &["5"],
            Some(&["9", "3"]),
            true,
        ),
        (
            "ForAllValues:NumericLessThan",
            "aws:TestNumbers",
            &["5"],
            Some(&["9", "3"]),
            false,
        ),
        (
            "ForAnyValue:IpAddress",
            "aws:TestIps",
            &["10.0.0.0/8"],
            Some(&["1.1.1.1", "10.1.1.1"]),
            true,
        ),
        (
            "ForAllValues:IpAddress",
            "aws:TestIps",
            &["10.0.0.0/8"],
            Some(&["1.1.1.1", "10.1.1.1"]),
            false,
        ),
    ]);
}

#[test]
fn keys_are_case_insensitive_and_several_tests_all_hold() {
    // The key as written in the policy and in the request may differ in case.
    assert!(holds(
        "StringEquals",
        "AWS:sourceaccount",
        &["1".into()],
        Some(&["1"])
    ));
    assert!(holds(
        "ArnLike",
        "aws:sourceARN",
        &["arn:aws:s3:::*".into()],
        Some(&["arn:aws:s3:::b"])
    ));

    // Two tests in one statement: both must hold (AND), values within a test are OR.
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .anyone()
                .action(Action::BatchGetImage)
                .condition(Condition::new(
                    "StringEquals".parse().unwrap(),
                    ConditionKey::new("aws:PrincipalOrgID").unwrap(),
                    ["o-a1b2c3d4e5".into(), "o-f6g7h8i9j0".into()],
                ))
                .condition(Condition::new(
                    "Bool".parse().unwrap(),
                    ConditionKey::new("aws:SecureTransport").unwrap(),
                    [true.into()],
                )),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let e = Evaluator::new(&policy);
    let caller = Caller::from_arn("arn:aws:iam::210987654321:root").unwrap();
    let repo: ecr_policy::model::RepositoryArn =
        "arn:aws:ecr:us-east-1:123456789012:repository/app"
            .parse()
            .unwrap();
    let base = Request::new(caller, Action::BatchGetImage, repo);
    let org2 = base.clone().principal_org_id("o-f6g7h8i9j0");
    assert_eq!(
        e.decide(&org2.clone().secure_transport(true)),
        Outcome::Allowed
    );
    assert_eq!(
        e.decide(&org2.clone().secure_transport(false)),
        Outcome::ImplicitlyDenied
    );
    assert_eq!(e.decide(&org2), Outcome::ImplicitlyDenied);
    assert_eq!(
        e.decide(&base.principal_org_id("o-zzzzzzzzzz").secure_transport(true)),
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn derived_principal_keys() {
    // aws:PrincipalArn of a session is its role's ARN.
    let policy = RepositoryPolicy::builder()
        .statement(
            StatementBuilder::allow()
                .anyone()
                .action(Action::BatchGetImage)
                .condition(Condition::new(
                    "ArnLike".parse().unwrap(),
                    ConditionKey::new("aws:PrincipalArn").unwrap(),
                    ["arn:aws:iam::123456789012:role/ci-*".into()],
                )),
        )
        .build()
        .unwrap()
        .into_policy()
        .unwrap();
    let e = Evaluator::new(&policy);
    let repo: ecr_policy::model::RepositoryArn =
        "arn:aws:ecr:us-east-1:123456789012:repository/app"
            .parse()
            .unwrap();
    let req = |arn: &str| {
        Request::new(
            Caller::from_arn(arn).unwrap(),
            Action::BatchGetImage,
            repo.clone(),
        )
    };
    assert_eq!(
        e.decide(&req(
            "arn:aws:sts::123456789012:assumed-role/ci-build/run-7"
        )),
        Outcome::Allowed
    );
    assert_eq!(
        e.decide(&req("arn:aws:iam::123456789012:role/ci-deploy")),
        Outcome::Allowed
    );
    assert_eq!(
        e.decide(&req("arn:aws:sts::123456789012:assumed-role/admin/ci-x")),
        Outcome::ImplicitlyDenied
    );
    // Removing a derived key makes it absent.
    assert_eq!(
        e.decide(&req("arn:aws:iam::123456789012:role/ci-deploy").without("aws:principalarn")),
        Outcome::ImplicitlyDenied
    );
    // The clock is only what the request says.
    let dated = req("arn:aws:iam::123456789012:role/ci-deploy")
        .current_time("2026-01-01T00:00:00Z")
        .unwrap();
    assert_eq!(
        dated.context_values("aws:EpochTime"),
        Some(vec!["1767225600"])
    );
    assert!(req("arn:aws:iam::123456789012:role/ci")
        .current_time("soon")
        .is_err());
}
