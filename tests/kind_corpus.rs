//! The kinds corpus (`tests/corpus/kinds/`): registry, ECR Public repository and identity
//! policies after the shape of AWS's documented examples, each read as the kind its file name
//! says, detected as that kind, linted by that kind's rules without an error, written back
//! exactly, and snapshotted with its JSON and stored form.

mod common;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use ecr_policy::json::ParsedPolicy;
use ecr_policy::lint::{LintConfig, Severity};
use ecr_policy::model::{AnyPolicy, PolicyKind};
use ecr_policy::PolicyDocument;

fn files() -> Vec<PathBuf> {
    common::json_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/kinds"))
}

/// The kind a file's name begins with.
fn kind_of(name: &str) -> PolicyKind {
    match name.split('-').next() {
        Some("registry") => PolicyKind::Registry,
        Some("public") => PolicyKind::PublicRepository,
        Some("identity") => PolicyKind::Identity,
        _ => panic!("{name}: a kinds corpus file is named registry-, public- or identity-"),
    }
}

#[test]
fn every_kind_is_in_the_corpus() {
    let kinds: Vec<PolicyKind> = files()
        .iter()
        .map(|f| kind_of(&f.file_stem().unwrap().to_string_lossy()))
        .collect();
    for kind in [
        PolicyKind::Registry,
        PolicyKind::PublicRepository,
        PolicyKind::Identity,
    ] {
        assert!(
            kinds.iter().filter(|k| **k == kind).count() >= 3,
            "at least three {kind} examples"
        );
    }
}

#[test]
fn documents_of_each_kind() {
    for file in files() {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let kind = kind_of(&name);
        let text = std::fs::read_to_string(&file).expect("readable");

        // Read as its kind, and detected as its kind when unlabelled.
        let policy = AnyPolicy::from_json_as(&text, kind).unwrap_or_else(|e| panic!("{name}: {e}"));
        let doc = PolicyDocument::from_json(&text).unwrap();
        assert_eq!(PolicyKind::detect(&doc), Some(kind), "{name}");
        assert_eq!(AnyPolicy::from_json(&text).unwrap(), policy, "{name}");

        // Written back exactly: compact in the shape written, and the same policy from every
        // rendering.
        let parsed = ParsedPolicy::parse(&text).unwrap();
        assert_eq!(
            parsed.to_json(),
            common::compact_preserving_order(&text),
            "{name}: shaped rendering"
        );
        assert_eq!(
            policy.to_json(),
            common::compact_preserving_order(&text),
            "{name}: to_json"
        );
        for form in [policy.to_json(), policy.to_json_pretty()] {
            assert_eq!(
                AnyPolicy::from_json_as(&form, kind).unwrap(),
                policy,
                "{name}:\n{form}"
            );
        }
        // The stored form is AWS's rewrite (a bare account id becomes its root ARN): it reads
        // back as the normalised policy, which grants the same.
        let normalized = policy.normalize();
        let stored = AnyPolicy::from_json_as(&policy.to_aws_json(), kind).unwrap();
        assert_eq!(stored, normalized, "{name}");
        assert_eq!(normalized.to_aws_json(), policy.to_aws_json(), "{name}");
        assert!(normalized.equivalent(&policy), "{name}");

        // Linted by its kind: no error, and the typed policy and the located text agree.
        let findings = parsed.lint_with(&LintConfig::default().kind(kind));
        let errors: Vec<String> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert!(
            errors.is_empty(),
            "{name}: errors, judged as the {kind} it is:\n{errors:#?}"
        );
        let typed: Vec<_> = policy
            .lint()
            .into_iter()
            .map(|f| (f.code, f.path))
            .collect();
        let located: Vec<_> = findings.iter().map(|f| (f.code, f.path.clone())).collect();
        assert_eq!(typed, located, "{name}");

        let mut out = String::new();
        writeln!(
            out,
            "{kind}\n\n--- pretty ---\n{}\n",
            policy.to_json_pretty()
        )
        .unwrap();
        writeln!(out, "--- stored ---\n{}\n", policy.to_aws_json()).unwrap();
        writeln!(out, "--- lint ---").unwrap();
        if findings.is_empty() {
            writeln!(out, "(no findings)").unwrap();
        }
        for f in &findings {
            let line = f.location.map_or(0, |(line, _)| line);
            writeln!(out, "{} {} at {} (line {line})", f.severity, f.code, f.path).unwrap();
        }
        common::snapshots().bind(|| insta::assert_snapshot!(format!("kinds_{name}"), out));
    }
}
