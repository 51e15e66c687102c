//! Unit tests of the pipeline: no input makes it panic, the compile-time reading of principal
//! ARNs agrees with the runtime one, and the compile-time judgement of what a policy grants
//! says what the lint says.

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
    input.extend(TokenStream::from_str("public allow anyone pull on repo").unwrap());
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

/// The macro's errors for what a valid DSL policy grants, and its compact JSON.
fn judged(dsl: &str) -> (Vec<String>, String) {
    use syn::parse::Parser;
    let mut errors = Vec::new();
    let syntax =
        (|input: syn::parse::ParseStream| Ok(crate::ast::parse_policy(input, &mut errors)))
            .parse2(TokenStream::from_str(dsl).unwrap())
            .unwrap();
    let (policy, more) = crate::validate::validate(&syntax, true);
    assert!(errors.is_empty() && more.is_empty(), "{dsl}");
    let found = crate::analyse::check(&syntax, &policy)
        .into_iter()
        .map(|(_, e)| e.to_string())
        .collect();
    (
        found,
        crate::json::compact_json(&policy).expect("a literal policy"),
    )
}

/// Each refused finding is an error with the lint's severity, code, message and hint, for
/// the lint of the same policy on a repository of its account; marked, the error goes while
/// the lint still reports it.
#[test]
fn compile_time_findings_are_the_lints() {
    use policy_core::lint::{LintCode, LintConfig, Severity};
    use policy_core::PolicyDocument;
    let cases: &[(&str, Option<&str>, &[&str])] = &[
        ("allow anyone pull on repo", None, &["public-access"]),
        (
            "allow anyone pull on repo when StringLike \"aws:PrincipalOrgID\" \"o-*\"",
            None,
            &["public-access"],
        ),
        ("allow anyone pull on repo when source_ip \"0.0.0.0/0\"", None, &["public-access"]),
        ("allow org \"o-a1b2c3d4e5\" pull on repo", None, &[]),
        (
            "account \"111122223333\"; allow account \"444455556666\" policy on repo",
            Some("111122223333"),
            &["external-permissions-management"],
        ),
        (
            "account \"111122223333\"; allow account \"444455556666\" except delete on repo",
            Some("111122223333"),
            &["external-permissions-management"],
        ),
        ("account \"111122223333\"; allow account \"444455556666\" push on repo", Some("111122223333"), &[]),
        (
            "allow service \"codebuild.amazonaws.com\" pull on repo",
            None,
            &["service-principal-without-source"],
        ),
        (
            "allow service \"codebuild.amazonaws.com\" pull on repo when source_account \"123456789012\"",
            None,
            &[],
        ),
        (
            "allow role \"ci\" push on repo; deny anyone policy on repo",
            Some("000000000000"),
            &["locks-out-policy-changes"],
        ),
        (
            "account \"123456789012\"; deny anyone except role \"admin\" policy on repo",
            Some("123456789012"),
            &[],
        ),
    ];
    for (dsl, owner, codes) in cases {
        let (errors, json) = judged(dsl);
        let doc = PolicyDocument::from_json(&json).unwrap();
        let config = match owner {
            Some(id) => LintConfig::default().repository(
                format!("arn:aws:ecr:us-east-1:{id}:repository/unnamed-repository")
                    .parse()
                    .unwrap(),
            ),
            None => LintConfig::default(),
        };
        let refused: Vec<String> = doc
            .lint_with(&config)
            .into_iter()
            .filter(|f| {
                f.severity == Severity::SecurityWarning || f.code == LintCode::LocksOutPolicyChanges
            })
            .map(|f| {
                format!(
                    "{}[{}]: {}\nhelp: {}\n",
                    f.severity, f.code, f.message, f.hint
                )
            })
            .collect();
        assert_eq!(
            errors.len(),
            refused.len(),
            "{dsl}: {errors:?} vs {refused:?}"
        );
        for (error, lint) in errors.iter().zip(&refused) {
            assert!(
                error.starts_with(lint.as_str()),
                "{dsl}:\n{error}\nvs\n{lint}"
            );
        }
        let found: Vec<&str> = refused
            .iter()
            .map(|r| r[r.find('[').unwrap() + 1..r.find(']').unwrap()].as_ref())
            .collect();
        assert_eq!(&found, codes, "{dsl}");
        // Each mark answers its code: marked, the statement compiles.
        if !codes.is_empty() {
            let marks: Vec<&str> = codes
                .iter()
                .map(|c| match *c {
                    "public-access" => "public",
                    "external-permissions-management" => "external",
                    "service-principal-without-source" => "any_source",
                    _ => "lockout",
                })
                .collect();
            let marked = mark_statements(dsl, &marks);
            let (errors, _) = judged(&marked);
            assert!(errors.is_empty(), "{marked}: {errors:?}");
        }
    }
}

/// The DSL with `marks` before every effect.
fn mark_statements(dsl: &str, marks: &[&str]) -> String {
    let prefix = marks.join(" ");
    dsl.replace("allow ", &format!("{prefix} allow "))
        .replace("deny ", &format!("{prefix} deny "))
}

/// `ecr-public:CreateRepository` in an ECR Public repository policy: an allow of it is refused
/// as the lint's not-granted-by-repository-policy says, a deny of it and a pattern are not.
#[test]
fn an_ecr_public_repository_policy_does_not_grant_create_repository() {
    let refused = r#"account "111122223333"; allow account "210987654321" ecr-public:PutImage, ecr-public:CreateRepository on public repo"#;
    let out = expand(&refused.parse().unwrap());
    assert!(
        out.contains(
            "`ecr-public:CreateRepository` cannot be granted by an ECR Public repository policy"
        ),
        "{out}"
    );
    assert_eq!(out.matches("compile_error").count(), 1, "{out}");
    for accepted in [
        r#"account "111122223333"; deny anyone ecr-public:CreateRepository on public repo"#,
        r#"account "111122223333"; allow role "admin" ecr-public:* on public repo"#,
    ] {
        let out = expand(&accepted.parse().unwrap());
        assert!(
            !out.contains("CreateRepository` cannot"),
            "{accepted}: {out}"
        );
    }
}
