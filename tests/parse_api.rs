//! Reading policies: hostile input, serde, errors; equivalence, diff, lint suppression and the
//! lock-out check through the public API.

use ecr_policy::compare::{diff, equivalent};
use ecr_policy::json::ParseErrorKind;
use ecr_policy::lint::{locks_out_policy_changes, LintCode, LintConfig};
use ecr_policy::{PolicyDocument, RepositoryPolicy};

#[test]
fn hostile_input_is_refused_with_an_error() {
    let deep = "[".repeat(200_000);
    assert!(PolicyDocument::from_json(&deep).is_err());
    let deep = format!("{{\"Statement\": {}", "[".repeat(200_000));
    let e = PolicyDocument::from_json(&deep).unwrap_err();
    assert!(matches!(e.kind(), ParseErrorKind::WrongType { .. }), "{e}");
    let huge = format!("{{\"Id\": \"{}\"}}", "a".repeat(2 << 20));
    assert!(matches!(
        PolicyDocument::from_json(&huge).unwrap_err().kind(),
        ParseErrorKind::TooLarge { .. }
    ));
    let one = r#"{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}"#;
    let many = format!("{{\"Statement\": [{}]}}", vec![one; 1001].join(","));
    let e = PolicyDocument::from_json(&many).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ParseErrorKind::TooMany {
                what: "statements",
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(e.path(), "Statement[1000]");
    for text in [
        "",
        "{",
        "\"",
        "{\"Statement\":[{\"Effect\":\"Allow\"",
        "\u{feff}{}",
        "{\"\\ud800\":1}",
    ] {
        assert!(PolicyDocument::from_json(text).is_err(), "{text:?}");
    }
}

#[test]
fn errors_carry_path_line_and_column() {
    let text = "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"arn:aws:iam::123456789012:root\", \"nobody\"]}, \"Action\": \"ecr:*\"}\n  ]\n}";
    let e = PolicyDocument::from_json(text).unwrap_err();
    assert_eq!(e.path(), "Statement[0].Principal.AWS[1]");
    assert_eq!((e.line(), e.column()), (3, 81));
    assert!(e.hint().is_some());
}

#[test]
fn serde_deserialize_reads_the_same_documents() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ecr:BatchGetImage"}}"#;
    let via_serde: PolicyDocument = serde_json::from_str(text).unwrap();
    assert_eq!(via_serde, PolicyDocument::from_json(text).unwrap());
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let policy: RepositoryPolicy = serde_json::from_value(value).unwrap();
    assert_eq!(policy.to_json(), text);
    let bad = r#"{"Statement":{"Effect":"Allow","Action":"ecr:BatchGetImage"}}"#;
    let e = serde_json::from_str::<RepositoryPolicy>(bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("Statement[0].Principal"), "{e}");
    let e = serde_json::from_str::<PolicyDocument>(r#"{"Statement":{"Effect":"Permit"}}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("at Statement.Effect"), "{e}");
}

fn doc(text: &str) -> PolicyDocument {
    PolicyDocument::from_json(text).unwrap()
}

#[test]
fn equivalence_and_diff_by_meaning() {
    let a = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/ci","210987654321"]},"Action":["ecr:BatchGetImage","ecr:PutImage"],"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}"#,
    );
    let b = doc(r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":["ecr:putimage","ECR:BatchGetImage"],"Condition":{"StringEquals":{"AWS:SOURCEVPCE":["vpce-1a2b3c4d"]}}},
        {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/ci"]},"Action":["ecr:BatchGetImage","ecr:PutImage"],"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}"#);
    assert!(equivalent(&a, &b));
    assert!(diff(&a, &b).is_empty());
    // A changed condition value changes who can do what: each class of callers in either
    // policy gains access through the new endpoint and loses it through the old one.
    let c = doc(&a.to_json().replace("vpce-1a2b3c4d", "vpce-5e6f7a8b"));
    assert!(!equivalent(&a, &c));
    let d = diff(&a, &c).to_string();
    assert!(d.contains("+ Allow the role ci in account 123456789012; any principal in account 210987654321: ecr:BatchGetImage, ecr:PutImage\n    e.g. arn:aws:sts::123456789012:assumed-role/ci/unnamed-session calls ecr:BatchGetImage on arn:aws:ecr:us-east-1:999999999999:repository/unnamed-repository, with aws:SourceVpce = \"vpce-5e6f7a8b\"\n"), "{d}");
    assert!(d.contains("- Allow the role ci in account 123456789012; any principal in account 210987654321: ecr:BatchGetImage, ecr:PutImage\n    e.g. arn:aws:sts::123456789012:assumed-role/ci/unnamed-session calls ecr:BatchGetImage on arn:aws:ecr:us-east-1:999999999999:repository/unnamed-repository, with aws:SourceVpce = \"vpce-1a2b3c4d\"\n"), "{d}");
    // Values no request can carry (an endpoint id is `vpce-` and 8 or 17 hex digits) grant
    // nothing either way.
    let dead = |v: &str| doc(&a.to_json().replace("vpce-1a2b3c4d", v));
    assert!(equivalent(&dead("vpce-1"), &dead("vpce-2")));
    // A wildcard covers the actions it matches: adding one is a change, adding it twice is not.
    let wide = doc(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}]}"#);
    let wider = doc(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":["ecr:*","ecr:PutImage"]},{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ecr:Get*"}]}"#,
    );
    assert!(equivalent(&wide, &wider));
    let effect = doc(&wide.to_json().replace("Allow", "Deny"));
    assert!(!equivalent(&wide, &effect));
}

#[test]
fn lint_suppression_and_lockout() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Public","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},
        {"Sid":"Freeze","Effect":"Deny","Principal":{"AWS":"*"},"NotAction":"ecr:BatchGetImage"}]}"#;
    let d = doc(text);
    let codes = |c: &LintConfig| d.lint_with(c).iter().map(|f| f.code).collect::<Vec<_>>();
    assert_eq!(
        codes(&LintConfig::default()),
        [LintCode::PublicAccess, LintCode::LocksOutPolicyChanges]
    );
    assert!(locks_out_policy_changes(&d));
    assert_eq!(
        codes(&LintConfig::default().suppress(LintCode::LocksOutPolicyChanges)),
        [LintCode::PublicAccess]
    );
    assert_eq!(
        codes(&LintConfig::default().suppress_in_statement(LintCode::PublicAccess, 0)),
        [LintCode::LocksOutPolicyChanges]
    );
    assert_eq!(
        codes(&LintConfig::default().suppress_in(LintCode::PublicAccess, "Freeze")).len(),
        2
    );
    // A condition or an exception leaves someone able to change the policy.
    let guarded = doc(&text.replace(r#""NotAction":"ecr:BatchGetImage""#, r#""NotAction":"ecr:BatchGetImage","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/admin"}}"#));
    assert!(!locks_out_policy_changes(&guarded));
    let codes: Vec<&str> = LintCode::ALL.iter().map(|c| c.as_str()).collect();
    let mut unique = codes.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), codes.len(), "codes are unique");
}

/// Found by fuzzing: an empty principal list, written as `{"AWS": []}` or `{}`, reads back the
/// same after rendering.
#[test]
fn empty_principal_lists_round_trip() {
    for principal in [r#"{"AWS": []}"#, "{}", r#"{"AWS": [], "Service": []}"#] {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":["ecr:BatchGetImage"]}}]}}"#
        );
        let doc = ecr_policy::PolicyDocument::from_json(&text).unwrap();
        for rendered in [doc.to_json(), doc.to_json_pretty(), doc.to_aws_json()] {
            let again = ecr_policy::PolicyDocument::from_json(&rendered).unwrap();
            assert_eq!(again, doc, "{principal} -> {rendered}");
        }
    }
}
