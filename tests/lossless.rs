//! Nothing lost or changed on the way through: numbers keep their text, an empty Sid stays,
//! the two lints agree, condition keys are one key whatever their case.

use std::path::{Path, PathBuf};

use ecr_policy::catalogue::ConditionOperator;
use ecr_policy::json::ParsedPolicy;
use ecr_policy::lint::LintCode;
use ecr_policy::model::{Condition, ConditionKey, ConditionValue, Conditions};
use ecr_policy::{PolicyDocument, RepositoryPolicy};
use proptest::prelude::*;

fn with_numbers(numbers: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{{"NumericLessThan":{{"aws:MultiFactorAuthAge":{numbers}}}}}}}]}}"#
    )
}

/// JSON number texts of every shape: signs, leading zero, long integers, fractions, exponents
/// of both cases and signs, out of `f64`'s range both ways.
fn json_number() -> impl Strategy<Value = String> {
    (
        prop::bool::ANY,
        prop_oneof![Just("0".to_owned()), "[1-9][0-9]{0,45}"],
        prop::option::of("[0-9]{1,25}"),
        prop::option::of(("[eE]", "[+-]?", "[0-9]{1,4}")),
    )
        .prop_map(|(negative, int, frac, exp)| {
            let mut n = String::new();
            if negative {
                n.push('-');
            }
            n.push_str(&int);
            if let Some(f) = frac {
                n.push('.');
                n.push_str(&f);
            }
            if let Some((e, sign, digits)) = exp {
                n.push_str(&e);
                n.push_str(&sign);
                n.push_str(&digits);
            }
            n
        })
}

/// Every rendering writes `n` exactly as it was read.
fn numbers_survive(numbers: &str, each: &[String]) {
    let text = with_numbers(numbers);
    let doc = PolicyDocument::from_json(&text).unwrap();
    assert_eq!(doc.to_json(), text);
    assert_eq!(ParsedPolicy::parse(&text).unwrap().to_json(), text);
    for rendered in [doc.to_json_pretty(), doc.to_aws_json()] {
        for n in each {
            assert!(rendered.contains(n.as_str()), "{n} lost in\n{rendered}");
        }
        assert_eq!(PolicyDocument::from_json(&rendered).unwrap(), doc);
    }
    let policy = RepositoryPolicy::from_json(&text).unwrap();
    assert_eq!(policy.to_json(), text);
}

#[test]
fn numbers_keep_their_text() {
    for n in [
        "1E5",
        "1e-400",
        "1e400",
        "123456789012345678901234567890",
        "-0",
        "-0.0",
        "0.10",
        "3600",
    ] {
        numbers_survive(n, &[n.to_owned()]);
    }
    numbers_survive("[1E5,2.50]", &["1E5".to_owned(), "2.50".to_owned()]);
}

proptest! {
    #[test]
    fn any_number_keeps_its_text(n in json_number(), m in json_number()) {
        numbers_survive(&n, std::slice::from_ref(&n));
        numbers_survive(&format!("[{n},{m}]"), &[n.clone(), m.clone()]);
    }
}

#[test]
fn a_number_that_is_not_json_is_written_as_text() {
    let mut doc = PolicyDocument::from_json(&with_numbers("1")).unwrap();
    let mut conditions = Conditions::new();
    conditions.push(Condition::new(
        "NumericLessThan".parse::<ConditionOperator>().unwrap(),
        ConditionKey::new("aws:MultiFactorAuthAge").unwrap(),
        [ConditionValue::Number("0x10".to_owned())],
    ));
    doc.statements.items_mut()[0].condition = conditions;
    assert_eq!(doc.to_json(), with_numbers(r#""0x10""#));
}

#[test]
fn an_empty_sid_survives_a_round_trip() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},{"Sid":"","Effect":"Deny","Principal":"*","Action":"ecr:DeleteRepository"}]}"#;
    let doc = PolicyDocument::from_json(text).unwrap();
    assert_eq!(doc.to_json(), text);
    assert!(doc.to_json_pretty().contains(r#""Sid": """#));
    assert!(doc.to_aws_json().contains(r#""Sid" : """#));
    assert_eq!(
        PolicyDocument::from_json(&doc.to_json_pretty()).unwrap(),
        doc
    );
    assert_eq!(RepositoryPolicy::from_json(text).unwrap().to_json(), text);
    assert_eq!(ParsedPolicy::parse(text).unwrap().to_json(), text);
    // Both lints name each empty Sid, and neither calls two empty Sids a duplicate.
    let codes: Vec<LintCode> = doc.lint().iter().map(|f| f.code).collect();
    assert_eq!(
        codes.iter().filter(|c| **c == LintCode::EmptySid).count(),
        2,
        "{codes:?}"
    );
    assert!(!codes.contains(&LintCode::DuplicateSid), "{codes:?}");
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != "index.json"))
        .collect();
    files.sort();
    files
}

/// The valid documents of `tests/corpus` and, when present, of `../shared/corpus`.
fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = json_files(&root.join("tests/corpus/valid"));
    let shared = root.join("../shared/corpus/policies");
    if shared.is_dir() {
        files.extend(json_files(&shared));
        files.extend(json_files(&shared.join("constructed")));
    } else {
        eprintln!(
            "SKIPPED: the shared corpus is absent at {}",
            shared.display()
        );
    }
    files
}

#[test]
fn both_lints_report_the_same_findings() {
    let files = corpus();
    assert!(files.len() >= 25, "{} files", files.len());
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let Ok(parsed) = ParsedPolicy::parse(&text) else {
            continue;
        };
        let without_places = |findings: Vec<ecr_policy::lint::Finding>| {
            findings
                .into_iter()
                .map(|f| (f.code, f.statement, f.path, f.message, f.hint))
                .collect::<Vec<_>>()
        };
        let from_text = parsed.lint();
        assert!(
            from_text
                .iter()
                .all(|f| f.location.is_some() || f.path.is_empty()),
            "{}: a finding in the text without a place",
            file.display()
        );
        assert_eq!(
            without_places(parsed.document.lint()),
            without_places(from_text),
            "{}",
            file.display()
        );
        checked += 1;
    }
    assert!(checked >= 25, "{checked} checked");
}

#[test]
fn condition_keys_differing_in_case_are_one_key() {
    let text = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage",
        "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-aaaaaaaaaa","aws:principalorgid":"o-bbbbbbbbbb"}}}}"#;
    let err = PolicyDocument::from_json(text).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("\"aws:principalorgid\" repeats \"aws:PrincipalOrgID\"")
            && message.contains("ignoring case"),
        "{message}"
    );
    assert_eq!(err.line(), 2);
    // In different operators they are two tests, as AWS reads them.
    let two_operators = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage",
        "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-aaaaaaaaaa"},"StringLike":{"aws:principalorgid":"o-*"}}}}"#;
    assert!(PolicyDocument::from_json(two_operators).is_ok());
    // Built in code, the second spelling joins the first test.
    let op: ConditionOperator = "StringEquals".parse().unwrap();
    let mut conditions = Conditions::new();
    for (key, org) in [
        ("aws:PrincipalOrgID", "o-aaaaaaaaaa"),
        ("aws:principalorgid", "o-bbbbbbbbbb"),
    ] {
        conditions.push(Condition::new(
            op,
            ConditionKey::new(key).unwrap(),
            [ConditionValue::from(org)],
        ));
    }
    assert_eq!(conditions.tests().len(), 1);
    assert_eq!(conditions.tests()[0].key.as_str(), "aws:PrincipalOrgID");
    assert_eq!(conditions.tests()[0].values.len(), 2);
}

#[test]
fn a_pattern_of_another_service_is_named_as_such() {
    let doc = PolicyDocument::from_json(
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
            "Action":["s3:Get*","ecr:BatchGetImage"]}}"#,
    )
    .unwrap();
    let findings = doc.lint();
    let s3 = findings
        .iter()
        .find(|f| f.path == "Statement[0].Action[0]")
        .expect("a finding for s3:Get*");
    assert_eq!(s3.code, LintCode::ForeignAction);
    assert!(
        s3.message.contains("another service (s3)") && !s3.message.contains("0 ECR actions"),
        "{}",
        s3.message
    );
}

#[test]
fn an_empty_principal_list_survives_a_round_trip() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root","Service":[]},"Action":"ecr:BatchGetImage"}]}"#;
    let doc = PolicyDocument::from_json(text).unwrap();
    assert_eq!(doc.to_json(), text);
    assert_eq!(
        PolicyDocument::from_json(&doc.to_json_pretty()).unwrap(),
        doc
    );
    assert_eq!(ParsedPolicy::parse(text).unwrap().to_json(), text);
    let empty = doc
        .lint()
        .into_iter()
        .find(|f| f.code == LintCode::EmptyList)
        .expect("the empty list is reported");
    assert_eq!(empty.path, "Statement[0].Principal.Service");
}
