//! Unit tests of the pipeline: no input makes it panic, and the compile-time reading of
//! principal ARNs agrees with the runtime one.

use std::str::FromStr;

use proc_macro2::TokenStream;

use crate::arn::{self, Arn};

const FULL: &str = r#"
    version "2008-10-17";
    id "example";
    account "123456789012";
    sid "A" allow user "ci/deployer", role "r" in account "210987654321", session "r" "ci-session",
        account "210987654321", service "codebuild.amazonaws.com",
        arn "arn:aws:iam::210987654321:role/x" push, pull, PutImage, ecr:Batch*, "ecr:ListImages", {x}
        on repo when source_account "123456789012" and source_arn "arn:aws:codebuild:*"
        and ForAnyValue:StringLike "aws:PrincipalOrgPaths" ["o-a1b2c3d4e5/*"]
        and NumericLessThan "aws:MultiFactorAuthAge" 3600 and Bool "aws:SecureTransport" true;
    sid "B" deny anyone except role "admin" all on repo unless source_ip ["203.0.113.0/24"]
        or org "o-a1b2c3d4e5" or principal_tag "team" = "platform" or secure_transport;
    allow org "o-a1b2c3d4e5" except delete on repo
"#;

fn expand(dsl: &TokenStream) -> String {
    let mut input: TokenStream = "(::ecr_policy)".parse().unwrap();
    input.extend(dsl.clone());
    crate::run(input).to_string()
}

#[test]
fn the_full_grammar_expands_without_errors() {
    let out = expand(&FULL.parse().unwrap());
    assert!(!out.contains("compile_error"), "{out}");
    assert!(
        out.contains("__policy") || out.contains("__template"),
        "{out}"
    );
}

/// Every prefix of a valid policy, and the policy with any one token removed, gives errors or a
/// value, never a panic.
#[test]
fn no_truncation_or_deletion_panics() {
    let tokens: Vec<_> = TokenStream::from_str(FULL).unwrap().into_iter().collect();
    for n in 0..=tokens.len() {
        let prefix: TokenStream = tokens[..n].iter().cloned().collect();
        let _ = expand(&prefix);
        let without: TokenStream = tokens
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != n)
            .map(|(_, t)| t.clone())
            .collect();
        let _ = expand(&without);
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    for text in [
        "",
        ";",
        ";;;",
        "allow",
        "allow user",
        "allow user \"\" on repo",
        "allow user \"/\" pull on repo",
        "allow user \"//\" pull on repo",
        "allow user \"a/\" pull on repo",
        "allow arn \"arn:aws:iam::123456789012:user/\" pull on repo",
        "allow arn \"arn\" pull on repo",
        "allow arn \"日本語\" pull on repo",
        "allow anyone ecr: on repo",
        "allow anyone ecr:* * on repo",
        "allow anyone \"*\" on repo",
        "allow anyone \"\" on repo",
        "allow anyone pull on repo when",
        "allow anyone pull on repo when StringEquals",
        "allow anyone pull on repo when StringEquals \"\" \"\"",
        "allow anyone pull on repo when ForAnyValue: \"aws:x\" \"y\"",
        "allow anyone pull on repo when NumericLessThan \"aws:MultiFactorAuthAge\" 99999999999999999999999",
        "allow anyone pull on repo when NumericLessThan \"aws:MultiFactorAuthAge\" 1u8",
        "allow anyone pull on repo when principal_tag \"\" = \"x\"",
        "allow anyone pull on repo when source_ip []",
        "allow anyone pull on repo when source_ip [,]",
        "allow anyone pull on repo when source_ip {}",
        "sid {} allow anyone pull on repo",
        "version {v}; allow anyone pull on repo",
        "account; allow anyone pull on repo",
        "@compact_json",
        "allow anyone except on repo",
        "allow anyone except anyone pull on repo",
        "deny anyone except org \"o-a1b2c3d4e5\" pull on repo",
        "allow anyone (pull) on repo",
        "allow anyone pull on [repo]",
        "allow anyone pull on repo; allow",
    ] {
        let _ = expand(&TokenStream::from_str(text).unwrap());
    }
    // Not even the crate path.
    let _ = crate::run(TokenStream::new());
    let _ = crate::run(TokenStream::from_str("allow anyone pull on repo").unwrap());
}

#[test]
fn compact_json_mode_without_errors_is_some() {
    let mut input: TokenStream = "(::ecr_policy) @compact_json".parse().unwrap();
    input.extend(TokenStream::from_str("allow anyone pull on repo").unwrap());
    let out = crate::run(input).to_string();
    assert!(out.contains("Some"), "{out}");
    assert!(out.contains(r#"\"Principal\":\"*\""#), "{out}");
}

/// The compile-time ARN reader agrees with `AwsPrincipal::from_arn` on valid and invalid input.
#[test]
fn arns_agree_with_the_runtime_reader() {
    use policy_core::model::AwsPrincipal;
    use policy_core::names::Partition;
    let partitions: Vec<&str> = Partition::ALL.iter().map(|p| p.as_str()).collect();
    let mut cases = vec![
        "123456789012".to_owned(),
        "12345678901".to_owned(),
        "arn:aws:iam::123456789012:root".to_owned(),
        "arn:aws:iam::123456789012:user/a".to_owned(),
        "arn:aws:iam::123456789012:user/ci/deploy/a".to_owned(),
        "arn:aws:iam::123456789012:user/".to_owned(),
        "arn:aws:iam::123456789012:user//a".to_owned(),
        "arn:aws:iam::123456789012:role/a b".to_owned(),
        "arn:aws:iam::123456789012:group/a".to_owned(),
        "arn:aws:iam::123456789012:roles".to_owned(),
        "arn:aws:sts::123456789012:assumed-role/r/s".to_owned(),
        "arn:aws:sts::123456789012:assumed-role/r".to_owned(),
        "arn:aws:sts::123456789012:assumed-role/r/s/t".to_owned(),
        "arn:aws:sts::123456789012:federated-user/x".to_owned(),
        "arn:aws:s3::123456789012:root".to_owned(),
        "arn:aws:iam:us-east-1:123456789012:root".to_owned(),
        "arn:aws:iam::1234:root".to_owned(),
        "arn:aws-moon:iam::123456789012:root".to_owned(),
        String::new(),
        "*".to_owned(),
    ];
    for p in &partitions {
        cases.push(format!("arn:{p}:iam::123456789012:role/x"));
    }
    for text in &cases {
        let runtime = AwsPrincipal::from_arn(text);
        let compile_time = arn::parse(text);
        match (&runtime, &compile_time) {
            (Ok(r), Ok(c)) => {
                assert_eq!(r.to_string(), c.text(), "{text}");
                let same_kind = matches!(
                    (r, c),
                    (AwsPrincipal::Account { bare: a, .. }, Arn::Account { bare: b, .. }) if a == b
                ) || matches!(
                    (r, c),
                    (AwsPrincipal::User { .. }, Arn::User { .. })
                        | (AwsPrincipal::Role { .. }, Arn::Role { .. })
                        | (AwsPrincipal::AssumedRole { .. }, Arn::AssumedRole { .. })
                );
                assert!(same_kind, "{text}: {r:?} vs {c:?}");
            }
            (Err(r), Err(c)) => assert_eq!(r, c, "{text}"),
            _ => panic!("{text}: runtime {runtime:?}, compile time {compile_time:?}"),
        }
    }
}
