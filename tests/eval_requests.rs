//! The request API: one clock, typed context values, federated and web identity callers.

mod common;

use ecr_policy::eval::{Caller, Evaluator, Outcome, Request};
use ecr_policy::model::RepositoryArn;
use ecr_policy::{Action, PolicyDocument, RoleName, SessionName, UserName};

use common::account;

fn repo() -> RepositoryArn {
    "arn:aws:ecr:us-east-1:123456789012:repository/app"
        .parse()
        .unwrap()
}

fn ci() -> Caller {
    Caller::user(account("123456789012"), UserName::new("ci").unwrap())
}

fn pull(caller: Caller) -> Request {
    Request::new(caller, Action::BatchGetImage, repo())
}

/// An `Allow` of pull to `"*"` under one condition.
fn allow_when(condition: &str) -> Evaluator<'static> {
    Evaluator::new(
        PolicyDocument::from_json(&format!(
            r#"{{"Statement": {{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage",
                "Condition": {condition}}}}}"#
        ))
        .unwrap(),
    )
}

fn clock(r: &Request) -> (Option<Vec<&str>>, Option<Vec<&str>>) {
    (
        r.context_values("aws:CurrentTime"),
        r.context_values("aws:EpochTime"),
    )
}

#[test]
fn current_time_and_epoch_time_agree_however_the_time_is_set() {
    let want = (Some(vec!["2026-01-01T00:00:00Z"]), Some(vec!["1767225600"]));
    let base = pull(ci());
    let set = [
        base.clone().current_time("2026-01-01T00:00:00Z").unwrap(),
        base.clone()
            .current_time("2026-01-01T01:00:00+01:00")
            .unwrap(),
        base.clone().current_time("1767225600").unwrap(),
        base.clone().context("aws:EpochTime", ["1767225600"]),
        base.clone().context("aws:EpochTime", [1_767_225_600_i64]),
        base.clone()
            .context("AWS:CURRENTTIME", ["2026-01-01T00:00:00Z"]),
        base.clone()
            .current_time("2020-01-01T00:00:00Z")
            .unwrap()
            .context("aws:currenttime", ["2026-01-01"]),
    ];
    for r in &set {
        assert_eq!(clock(r), want, "{r}");
    }
    // Both operators see the same instant.
    let after = allow_when(r#"{"DateGreaterThan": {"aws:CurrentTime": "2025-06-01T00:00:00Z"}}"#);
    let after_epoch = allow_when(r#"{"NumericGreaterThan": {"aws:EpochTime": "1748736000"}}"#);
    for r in &set {
        assert_eq!(after.decide(r), Outcome::Allowed, "{r}");
        assert_eq!(after_epoch.decide(r), Outcome::Allowed, "{r}");
    }
    // What is not a time leaves no other clock behind to disagree with.
    let odd = set[0].clone().context("aws:EpochTime", ["soon"]);
    assert_eq!(clock(&odd), (None, Some(vec!["soon"])));
    // Removing one removes both.
    assert_eq!(
        clock(&set[0].clone().without("aws:EpochTime")),
        (None, None)
    );
    // Without a clock, the time is absent: no decision depends on the machine's clock.
    assert_eq!(clock(&base), (None, None));
}

#[test]
fn typed_context_values_keep_their_type() {
    let fresh_mfa = allow_when(r#"{"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}"#);
    assert_eq!(
        fresh_mfa.decide(&pull(ci()).context("aws:MultiFactorAuthAge", [600])),
        Outcome::Allowed
    );
    assert_eq!(
        fresh_mfa.decide(&pull(ci()).context("aws:MultiFactorAuthAge", [7200_u64])),
        Outcome::ImplicitlyDenied
    );
    assert_eq!(
        fresh_mfa.decide(&pull(ci()).context("aws:MultiFactorAuthAge", [599.5])),
        Outcome::Allowed
    );
    let mfa = allow_when(r#"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#);
    assert_eq!(
        mfa.decide(&pull(ci()).context("aws:MultiFactorAuthPresent", [true])),
        Outcome::Allowed
    );
    assert_eq!(
        mfa.decide(&pull(ci()).context("aws:MultiFactorAuthPresent", [false])),
        Outcome::ImplicitlyDenied
    );
    // A bool is not a number, and a number is not a bool.
    let one = allow_when(r#"{"NumericEquals": {"aws:MultiFactorAuthPresent": "1"}}"#);
    assert_eq!(
        one.decide(&pull(ci()).context("aws:MultiFactorAuthPresent", [true])),
        Outcome::ImplicitlyDenied
    );
    // A list of typed values is a multi-valued key.
    let ports = allow_when(r#"{"ForAllValues:NumericLessThan": {"ecr:Ports": "1024"}}"#);
    assert_eq!(
        ports.decide(&pull(ci()).context("ecr:Ports", [22, 443])),
        Outcome::Allowed
    );
    assert_eq!(
        ports.decide(&pull(ci()).context("ecr:Ports", [22, 8080])),
        Outcome::ImplicitlyDenied
    );
    // An address.
    let office = allow_when(r#"{"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}"#);
    let ip: std::net::IpAddr = "192.0.2.7".parse().unwrap();
    assert_eq!(
        office.decide(&pull(ci()).context("aws:SourceIp", [ip])),
        Outcome::Allowed
    );
}

#[test]
fn federated_users_are_named_by_their_arn() {
    let bob = Caller::federated_user(account("123456789012"), "Bob").unwrap();
    assert_eq!(
        Caller::from_arn("arn:aws:sts::123456789012:federated-user/Bob").unwrap(),
        bob
    );
    let request = pull(bob.clone());
    assert_eq!(
        request.context_values("aws:PrincipalArn"),
        Some(vec!["arn:aws:sts::123456789012:federated-user/Bob"])
    );
    assert_eq!(
        request.context_values("aws:PrincipalType"),
        Some(vec!["FederatedUser"])
    );
    assert_eq!(
        request.context_values("aws:userid"),
        Some(vec!["123456789012:Bob"])
    );
    assert_eq!(request.context_values("aws:username"), None);

    let named = Evaluator::new(
        PolicyDocument::from_json(
            r#"{"Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage",
              "Principal": {"AWS": "arn:aws:sts::123456789012:federated-user/Bob"}}}"#,
        )
        .unwrap(),
    );
    assert_eq!(named.decide(&request), Outcome::Allowed);
    let alice = Caller::federated_user(account("123456789012"), "Alice").unwrap();
    assert_eq!(named.decide(&pull(alice)), Outcome::ImplicitlyDenied);
    // The account's root delegates to the account's identity policies.
    let account_grant = Evaluator::new(
        PolicyDocument::from_json(
            r#"{"Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage",
              "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}}"#,
        )
        .unwrap(),
    );
    assert_eq!(account_grant.decide(&request), Outcome::ImplicitlyDenied);

    // NotPrincipal spares the session only when it also lists the account.
    let deny_but = |listed: &str| {
        Evaluator::new(
            PolicyDocument::from_json(&format!(
                r#"{{"Statement": [
                  {{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}},
                  {{"Effect": "Deny", "Action": "ecr:*", "NotPrincipal": {{"AWS": [{listed}]}}}}]}}"#
            ))
            .unwrap(),
        )
        .decide(&request)
    };
    assert_eq!(
        deny_but(r#""arn:aws:sts::123456789012:federated-user/Bob""#),
        Outcome::ExplicitlyDenied
    );
    assert_eq!(
        deny_but(
            r#""arn:aws:sts::123456789012:federated-user/Bob", "arn:aws:iam::123456789012:root""#
        ),
        Outcome::Allowed
    );
    for bad in ["B", "Bob Smith", &"x".repeat(33)] {
        assert!(
            Caller::federated_user(account("123456789012"), bad).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn web_identity_sessions_are_role_sessions_with_a_provider() {
    let session = Caller::web_identity(
        account("123456789012"),
        RoleName::new("mobile-app").unwrap(),
        SessionName::new("user-17").unwrap(),
        "cognito-identity.amazonaws.com",
    )
    .unwrap();
    let request = pull(session);
    assert_eq!(
        request.context_values("aws:FederatedProvider"),
        Some(vec!["cognito-identity.amazonaws.com"])
    );
    assert_eq!(
        request.context_values("aws:PrincipalArn"),
        Some(vec!["arn:aws:iam::123456789012:role/mobile-app"])
    );
    // A Federated principal names the provider for sts:AssumeRoleWithWebIdentity in a role's
    // trust policy; no ECR request comes from it.
    let federated = Evaluator::new(
        PolicyDocument::from_json(
            r#"{"Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage",
              "Principal": {"Federated": "cognito-identity.amazonaws.com"}}}"#,
        )
        .unwrap(),
    );
    assert_eq!(federated.decide(&request), Outcome::ImplicitlyDenied);
    // The provider is a condition key instead.
    let by_provider = allow_when(
        r#"{"StringEquals": {"aws:FederatedProvider": "cognito-identity.amazonaws.com"}}"#,
    );
    assert_eq!(by_provider.decide(&request), Outcome::Allowed);
    assert_eq!(by_provider.decide(&pull(ci())), Outcome::ImplicitlyDenied);

    // An identity provider is not a caller, and the error says what to use.
    for provider in [
        "cognito-identity.amazonaws.com",
        "accounts.google.com",
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        "arn:aws:iam::123456789012:saml-provider/okta",
    ] {
        let err = Caller::from_arn(provider).unwrap_err().to_string();
        assert!(
            err.contains("identity provider") && err.contains("Caller::web_identity"),
            "{provider}: {err}"
        );
    }
    assert!(Caller::web_identity(
        account("123456789012"),
        RoleName::new("r").unwrap(),
        SessionName::new("s1").unwrap(),
        ""
    )
    .is_err());
}
