//! The lint remembers answers of the analysis per thread (the same keys, conditions and
//! callers recur from policy to policy). What it remembers must never change a finding: each
//! policy of the findings set, the repository's corpus and the shared corpus (when present),
//! linted alone on a fresh thread, gets exactly the findings, counterexamples included, that
//! it gets when all of them are linted one after another on one thread, in either order.

use std::path::{Path, PathBuf};

use ecr_policy::lint::{exact_findings, Finding, LintConfig};
use ecr_policy::model::RepositoryArn;
use ecr_policy::PolicyDocument;

fn policies() -> Vec<(PathBuf, PolicyDocument)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![
        root.join("tests/findings"),
        root.join("tests/corpus"),
        std::env::var_os("ECR_POLICY_CORPUS")
            .map_or_else(|| root.join("../shared/corpus"), PathBuf::from),
    ];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .filter_map(|f| {
            let doc = PolicyDocument::from_json(&std::fs::read_to_string(&f).ok()?).ok()?;
            Some((f, doc))
        })
        .collect()
}

/// Everything the lint says about a policy, with and without the repository, and the exact
/// findings' certainty and counterexample requests.
fn judge(doc: &PolicyDocument) -> (Vec<Finding>, Vec<Finding>, Vec<String>) {
    let repository: RepositoryArn = "arn:aws:ecr:us-east-1:111122223333:repository/app"
        .parse()
        .unwrap();
    let exact = exact_findings(doc, None)
        .into_iter()
        .map(|f| format!("{:?} {:?}", f.certainty, f.request.map(|r| r.to_string())))
        .collect();
    (
        doc.lint(),
        doc.lint_with(&LintConfig::default().repository(repository)),
        exact,
    )
}

#[test]
fn findings_do_not_depend_on_what_was_linted_before() {
    let docs = policies();
    assert!(
        docs.len() > 60,
        "the test sets are missing: {} policies",
        docs.len()
    );
    let alone: Vec<_> = docs
        .iter()
        .map(|(_, d)| {
            let d = d.clone();
            std::thread::spawn(move || judge(&d)).join().unwrap()
        })
        .collect();
    let in_turn: Vec<_> = docs.iter().map(|(_, d)| judge(d)).collect();
    let backwards: Vec<_> = {
        let mut v: Vec<_> = docs.iter().rev().map(|(_, d)| judge(d)).collect();
        v.reverse();
        v
    };
    for (i, (path, _)) in docs.iter().enumerate() {
        assert_eq!(alone[i], in_turn[i], "{}", path.display());
        assert_eq!(
            alone[i],
            backwards[i],
            "{} (in reverse order)",
            path.display()
        );
    }
    let found: usize = alone.iter().map(|(a, b, _)| a.len() + b.len()).sum();
    assert!(
        found > 50,
        "only {found} findings: the comparison says little"
    );
}
