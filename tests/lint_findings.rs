//! The lint over a set of risky and safe repository policies (`tests/findings`): every risky
//! policy gets its expected code at its severity, no safe policy gets more than a note, and
//! every certain finding's counterexample is a request the evaluator allows.

use std::path::{Path, PathBuf};

use ecr_policy::eval::{Evaluator, Outcome};
use ecr_policy::lint::{exact_findings, LintConfig, Severity};
use ecr_policy::model::RepositoryArn;
use ecr_policy::PolicyDocument;

const REPOSITORY: &str = "arn:aws:ecr:us-east-1:111122223333:repository/app";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/findings")
}

fn read(path: &Path) -> PolicyDocument {
    let text = std::fs::read_to_string(path).unwrap();
    PolicyDocument::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn repository() -> RepositoryArn {
    REPOSITORY.parse().unwrap()
}

/// (name, code, severity) from the index.
fn index() -> Vec<(String, String, String)> {
    rows().into_iter().map(|(n, c, s, _)| (n, c, s)).collect()
}

/// The index's rows with their fourth column, the actions the findings of the code name
/// (one finding's list per `;`), empty when not checked.
fn rows() -> Vec<(String, String, String, String)> {
    std::fs::read_to_string(dir().join("index.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split('\t').map(str::to_owned);
            let (name, code, severity) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
            (name, code, severity, f.next().unwrap_or_default())
        })
        .collect()
}

fn files(kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir().join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn every_risky_policy_gets_its_code_at_its_severity() {
    let config = LintConfig::default().repository(repository());
    let index = index();
    assert_eq!(
        index.len(),
        files("risky").len(),
        "every risky policy is in the index"
    );
    assert!(index.len() >= 40);
    let mut missed = Vec::new();
    for (name, code, severity) in &index {
        let doc = read(&dir().join("risky").join(format!("{name}.json")));
        let found = doc.lint_with(&config);
        if !found
            .iter()
            .any(|f| f.code.as_str() == code && f.severity.as_str() == severity)
        {
            let got: Vec<String> = found
                .iter()
                .map(|f| format!("{}[{}]", f.severity, f.code))
                .collect();
            missed.push(format!("{name}: expected {severity}[{code}], got {got:?}"));
        }
    }
    assert!(
        missed.is_empty(),
        "{} missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
}

/// The actions a grant's message names ("can call A, B: ...", "can call A, B on this
/// repository" or "can call A, B acting for ..."), sorted.
fn named_actions(message: &str) -> Vec<String> {
    let (_, rest) = message.split_once("can call ").unwrap();
    let rest = rest.strip_prefix("through NotAction, ").unwrap_or(rest);
    let end = [
        rest.find(": "),
        rest.find(" on this repository"),
        rest.find(" acting for"),
        rest.find(" through Principal"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap();
    let mut v: Vec<String> = rest[..end].split(", ").map(str::to_owned).collect();
    v.sort();
    v
}

/// A grant's finding names every action the caller can call, and no other: a Deny of some
/// of them, with or without a condition, through Action or NotAction, changes the list only
/// by those it always denies.
#[test]
fn grants_name_every_action_they_give() {
    let config = LintConfig::default().repository(repository());
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (name, code, _, actions) in rows() {
        if actions.is_empty() {
            continue;
        }
        let doc = read(&dir().join("risky").join(format!("{name}.json")));
        let mut got: Vec<Vec<String>> = doc
            .lint_with(&config)
            .iter()
            .filter(|f| f.code.as_str() == code)
            .map(|f| named_actions(&f.message))
            .collect();
        got.sort();
        let mut expected: Vec<Vec<String>> = actions
            .split(';')
            .map(|l| {
                let mut v: Vec<String> = l.split(',').map(str::to_owned).collect();
                v.sort();
                v
            })
            .collect();
        expected.sort();
        if got != expected {
            wrong.push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
        checked += 1;
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(checked >= 7);
}

#[test]
fn no_safe_policy_gets_a_warning() {
    let config = LintConfig::default().repository(repository());
    let safe = files("safe");
    assert!(safe.len() >= 20);
    let mut flagged = Vec::new();
    for path in &safe {
        for f in read(path).lint_with(&config) {
            if f.severity <= Severity::Warning {
                flagged.push(format!("{}: {f}", path.display()));
            }
        }
    }
    assert!(flagged.is_empty(), "{}", flagged.join("\n"));
}

#[test]
fn every_certain_counterexample_is_allowed() {
    let allow_all = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    )
    .unwrap();
    let repository = repository();
    let mut checked = 0;
    for path in files("risky").into_iter().chain(files("safe")) {
        let doc = read(&path);
        for repo in [None, Some(&repository)] {
            for f in exact_findings(&doc, repo) {
                let Some(request) = &f.request else { continue };
                if !f.certainty.eq(&ecr_policy::access::Certainty::Certain) {
                    continue;
                }
                let evaluator = Evaluator::new(&doc).with_identity_policy(&allow_all);
                assert_eq!(
                    evaluator.decide(request),
                    Outcome::Allowed,
                    "{}: {} with {request}",
                    path.display(),
                    f.finding
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "only {checked} counterexamples");
}

#[test]
fn long_lists_lint_in_one_pass() {
    // 10,000 wildcard entries and 998 statements sharing Sids: the repeat checks are hash
    // lookups, not comparisons of every pair.
    let actions: Vec<String> = (0..10_000)
        .map(|i| match i % 3 {
            0 => "\"ecr:*\"".to_owned(),
            1 => format!("\"ecr:Batch{i}*\""),
            _ => format!("\"ecr:Get{i}?\""),
        })
        .collect();
    let statements: Vec<String> = (0..998)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{}","Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":"ecr:BatchGetImage"}}"#,
                i % 499
            )
        })
        .chain([format!(
            r#"{{"Sid":"Wide","Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":[{}]}}"#,
            actions.join(",")
        )])
        .collect();
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    );
    let doc = PolicyDocument::from_json(&text).unwrap();
    let found = doc.lint();
    let count = |code: &str| found.iter().filter(|f| f.code.as_str() == code).count();
    assert_eq!(count("duplicate-sid"), 499);
    assert_eq!(count("redundant-action"), 9_999);
}

#[test]
fn lock_outs_are_refused_and_safe_denies_are_not() {
    // What `aws::apply` refuses without `force`.
    let repository = repository();
    for (name, code, _) in index() {
        let doc = read(&dir().join("risky").join(format!("{name}.json")));
        let expected = code == "locks-out-policy-changes";
        assert_eq!(
            ecr_policy::lint::locks_out_policy_changes_of(&doc, &repository),
            expected,
            "{name}"
        );
        // Without the owner, only what locks out every account the policy could be for.
        if !expected {
            assert!(!ecr_policy::lint::locks_out_policy_changes(&doc), "{name}");
        }
    }
    for path in files("safe") {
        let doc = read(&path);
        assert!(
            !ecr_policy::lint::locks_out_policy_changes_of(&doc, &repository)
                && !ecr_policy::lint::locks_out_policy_changes(&doc),
            "{}",
            path.display()
        );
    }
}

/// A `NotPrincipal` deny that names a role but not its sessions: the finding's caller is one
/// the evaluator denies, and listing the session (or writing the `aws:PrincipalArn` form)
/// spares it and clears the finding.
#[test]
fn not_principal_finding_names_a_caller_the_evaluator_denies() {
    use ecr_policy::eval::{Caller, Request};
    use ecr_policy::lint::LintCode;
    use ecr_policy::Action;

    let doc = read(&dir().join("risky/deny-notprincipal-role-without-sessions.json"));
    let findings = doc.lint();
    let finding = findings
        .iter()
        .find(|f| f.code == LintCode::NotPrincipalDeniesListed)
        .expect("the finding");
    let caller = Caller::from_arn(finding.counterexample.as_deref().expect("a caller")).unwrap();
    let request = Request::new(caller, Action::DeleteRepository, repository());
    assert!(
        matches!(
            Evaluator::new(&doc).decide(&request),
            Outcome::ExplicitlyDenied
        ),
        "{finding}"
    );

    let spared = std::fs::read_to_string(dir().join("risky/deny-notprincipal-role-without-sessions.json"))
        .unwrap()
        .replace(
            r#""arn:aws:iam::111122223333:role/release""#,
            r#""arn:aws:iam::111122223333:role/release", "arn:aws:sts::111122223333:assumed-role/release/session""#,
        );
    let spared = PolicyDocument::from_json(&spared).unwrap();
    assert!(!spared
        .lint()
        .iter()
        .any(|f| f.code == LintCode::NotPrincipalDeniesListed));
    assert!(!matches!(
        Evaluator::new(&spared).decide(&request),
        Outcome::ExplicitlyDenied
    ));
}
