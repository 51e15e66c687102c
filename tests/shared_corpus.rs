//! The shared real-world corpus (`../shared/corpus`, outside the repository): every real
//! policy parses and round-trips, every invalid one is refused with a located error, and
//! equivalence agrees with hashicorp/awspolicyequivalence's suite except where AWS itself
//! disagrees with it. When the corpus is absent the tests say so and pass.

mod common;

use std::path::{Path, PathBuf};

use ecr_policy::compare::equivalent;
use ecr_policy::json::ParsedPolicy;
use ecr_policy::{PolicyDocument, RepositoryPolicy};

/// `../shared/corpus` beside the repository, or the folder `ECR_POLICY_CORPUS` names.
fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ECR_POLICY_CORPUS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")),
        PathBuf::from,
    );
    let dir = dir.as_path();
    if dir.is_dir() {
        Some(dir.to_path_buf())
    } else {
        eprintln!(
            "SKIPPED: the shared corpus is absent at {}; these checks did not run",
            dir.display()
        );
        None
    }
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = common::json_files(dir);
    files.retain(|p| p.file_name().is_some_and(|n| n != "index.json"));
    files
}

#[test]
fn every_real_policy_parses_and_round_trips() {
    let Some(dir) = corpus() else { return };
    let mut files = json_files(&dir.join("policies"));
    files.extend(json_files(&dir.join("policies/constructed")));
    assert_eq!(files.len(), 51, "49 real policies and 2 constructed ones");
    let mut repository = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let name = file.display();
        let parsed = ParsedPolicy::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let doc = &parsed.document;
        // Meaning survives every rendering.
        for rendered in [doc.to_json(), doc.to_json_pretty(), doc.to_aws_json()] {
            let again =
                PolicyDocument::from_json(&rendered).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                equivalent(doc, &again),
                "{name}: meaning changed:\n{rendered}"
            );
        }
        assert_eq!(
            &PolicyDocument::from_json(&doc.to_json()).unwrap(),
            doc,
            "{name}"
        );
        // The shaped rendering is the same JSON value as the input, key order included.
        let shaped = parsed.to_json();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&shaped).unwrap(),
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            "{name}: shape not kept"
        );
        assert_eq!(
            shaped,
            common::compact_preserving_order(&text),
            "{name}: order not kept"
        );
        assert!(equivalent(doc, &doc.normalize()), "{name}");
        if RepositoryPolicy::from_json(&text).is_ok() {
            repository += 1;
        }
    }
    eprintln!(
        "{} policies parsed and round-tripped; {repository} are valid repository policies",
        files.len()
    );
}

#[test]
fn every_invalid_policy_is_refused_with_a_located_error() {
    let Some(dir) = corpus() else { return };
    let files = json_files(&dir.join("policies/invalid"));
    assert_eq!(files.len(), 11);
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let err = RepositoryPolicy::from_json(&text)
            .err()
            .unwrap_or_else(|| panic!("{} was accepted", file.display()));
        for e in &err.errors {
            assert!(e.line() >= 1 && e.column() >= 1);
            let lines = text.lines().count().max(1);
            assert!(e.line() <= lines, "{}: {e}", file.display());
        }
        eprintln!("{}: {err}", file.file_name().unwrap().to_string_lossy());
    }
}

/// Two spellings of the suite that AWS refuses but that are beside the point of the cases
/// using them: `"Effect": "allow"` (AWS requires `Allow`) and the literal placeholder
/// `arn:PARTITION:` in its root ARNs. They are corrected before comparing.
fn adapt(text: &str) -> String {
    text.replace("\"allow\"", "\"Allow\"")
        .replace("arn:PARTITION:", "arn:aws:")
}

/// Cases of the suite where this crate deliberately answers otherwise, with the reason.
const DISAGREEMENTS: &[(&str, &str)] = &[
    ("Casing of Effect", "AWS requires \"Allow\" or \"Deny\" exactly; \"allow\" is refused, not equal to \"Allow\""),
    ("NotAction block and ActionBlock, mixed string versus array", "a statement with both Action and NotAction is refused by AWS"),
    ("NotAction block on one side", "a statement with both Action and NotAction is refused by AWS"),
    ("Principal with string root IAM user matches account ID", "\"Principal\": \"123456789012\" is refused by AWS: the only Principal string is \"*\""),
    ("One-length lists", "\"Resource\": [42] is not a policy: resources are ARN strings"),
    ("Empty Principal and missing Principal have the same effect", "a statement with an empty principal set grants nobody anything; one without Principal is an identity-policy statement that applies to its holder"),
    ("Principal with empty sets and missing Principal have the same effect", "as above: empty principal sets grant nothing, a missing Principal means the policy's holder"),
    ("Missing Statement", "a policy without Statement is refused by AWS (IAM grammar); the suite compares it as empty"),
    ("Incorrect Statement type", "\"Statement\": 42 is not a policy; AWS refuses it"),
    ("Incorrect single Resource type", "\"Resource\": {} is not a policy; AWS refuses it"),
    ("Incorrect multiple Resource type", "\"Resource\": [[42]] / [42, 86] are not policies; AWS refuses them"),
    ("Different empty lists", "the inputs are not policies (top-level arrays); AWS refuses them"),
    ("Equivalence of emptiness", "the empty text and {} are not policies; AWS refuses both"),
    ("Different Effect", "its Version 2012-06-17 does not exist; AWS refuses the policy"),
];

#[test]
fn equivalence_agrees_with_awspolicyequivalence_where_aws_does() {
    let Some(dir) = corpus() else { return };
    let text = std::fs::read_to_string(dir.join("equivalence/cases.json")).expect("cases.json");
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("cases.json is JSON");
    assert_eq!(cases.len(), 46);
    let (mut agree, mut explained) = (0, 0);
    let mut unexplained = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or_default();
        let expected_error = case["error"].as_bool().unwrap_or(false);
        let expected = case["equivalent"].as_bool().unwrap_or(false);
        // The case about the letter case of Effect is read as written.
        let read = |text: &str| {
            if name == "Casing of Effect" {
                PolicyDocument::from_json(text)
            } else {
                PolicyDocument::from_json(&adapt(text))
            }
        };
        let a = read(case["policy1"].as_str().unwrap_or_default());
        let b = read(case["policy2"].as_str().unwrap_or_default());
        let ours = match (&a, &b) {
            (Ok(a), Ok(b)) => Ok(equivalent(a, b)),
            (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
        };
        let agrees = match &ours {
            Ok(eq) => !expected_error && *eq == expected,
            Err(_) => expected_error,
        };
        if agrees {
            agree += 1;
        } else if let Some((_, why)) = DISAGREEMENTS.iter().find(|(n, _)| *n == name) {
            explained += 1;
            eprintln!("differs on {name:?} ({ours:?}, suite: {expected}): {why}");
        } else {
            unexplained.push(format!(
                "{name}: ours {ours:?}, suite equivalent={expected} error={expected_error}"
            ));
        }
    }
    eprintln!(
        "equivalence: {agree} of {} cases agree, {explained} differ for a stated reason",
        cases.len()
    );
    assert!(
        unexplained.is_empty(),
        "unexplained disagreements:\n{}",
        unexplained.join("\n")
    );
}

/// The comparison of two documents holds together: `equivalent` is symmetric and holds exactly
/// when `diff` is empty, and every change the analysis proves is a request one document
/// allows and the other refuses. Returns whether the analysis decided the pair (its changes
/// carry counterexamples, or it found none).
fn comparison_holds(name: &str, a: &PolicyDocument, b: &PolicyDocument) -> usize {
    let same = equivalent(a, b);
    assert_eq!(same, equivalent(b, a), "{name}: not symmetric");
    let d = ecr_policy::compare::diff(a, b);
    assert_eq!(d.is_empty(), same, "{name}:\n{d}");
    let mut proven = 0;
    for (changes, with, without) in [(&d.added, b, a), (&d.removed, a, b)] {
        for c in changes {
            let Some(proof) = &c.counterexample else {
                continue;
            };
            if proof.is_certain() {
                proven += 1;
                assert_eq!(
                    proof.outcome(with),
                    Some(ecr_policy::eval::Outcome::Allowed),
                    "{name}: {proof}"
                );
                assert!(
                    proof
                        .outcome(without)
                        .is_some_and(|o| o != ecr_policy::eval::Outcome::Allowed),
                    "{name}: {proof}"
                );
            }
        }
    }
    proven
}

#[test]
fn comparisons_of_the_suites_pairs_and_the_real_policies_are_proven() {
    let Some(dir) = corpus() else { return };
    let text = std::fs::read_to_string(dir.join("equivalence/cases.json")).expect("cases.json");
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("cases.json is JSON");
    let mut pairs = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap_or_default();
        let read =
            |key: &str| PolicyDocument::from_json(&adapt(case[key].as_str().unwrap_or_default()));
        if let (Ok(a), Ok(b)) = (read("policy1"), read("policy2")) {
            comparison_holds(name, &a, &b);
            pairs += 1;
        }
    }
    // Every pair of the real repository policies, each against the others.
    let mut repository: Vec<(String, PolicyDocument)> = Vec::new();
    for file in json_files(&dir.join("policies")) {
        let text = std::fs::read_to_string(&file).expect("readable");
        if let Ok(p) = RepositoryPolicy::from_json(&text) {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            repository.push((name, p.document().clone()));
        }
    }
    assert!(
        repository.len() >= 10,
        "{} repository policies",
        repository.len()
    );
    let mut proven = 0;
    for (i, (na, a)) in repository.iter().enumerate() {
        for (nb, b) in &repository[i + 1..] {
            proven += comparison_holds(&format!("{na} / {nb}"), a, b);
        }
    }
    assert!(proven > 0);
    eprintln!(
        "{pairs} suite pairs and {} pairs of real repository policies compared; {proven} changes proven by a request",
        repository.len() * (repository.len() - 1) / 2
    );
}
