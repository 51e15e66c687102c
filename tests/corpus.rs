//! The repository's own corpus (`tests/corpus/`): parse results, round trips, lint findings
//! and `policy!` source of every valid document, and the located error of every invalid one,
//! as insta snapshots.

mod common;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use ecr_policy::compare::equivalent;
use ecr_policy::json::ParsedPolicy;
use ecr_policy::{PolicyDocument, RepositoryPolicy};

fn files(sub: &str) -> Vec<PathBuf> {
    common::json_files(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus")
            .join(sub),
    )
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn valid_documents() {
    let files = files("valid");
    assert!(files.len() >= 25, "at least 25 valid documents");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let name = stem(&file);
        let parsed = ParsedPolicy::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let doc = &parsed.document;
        // Round trips: same document from every rendering, same meaning after normalising.
        for rendered in [doc.to_json(), doc.to_json_pretty(), parsed.to_json()] {
            assert_eq!(
                &PolicyDocument::from_json(&rendered).unwrap(),
                doc,
                "{name}"
            );
        }
        assert!(equivalent(doc, &doc.normalize()), "{name}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&parsed.to_json()).unwrap(),
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            "{name}: shaped rendering is not the input"
        );
        let mut out = String::new();
        writeln!(out, "shaped round trip:\n{}\n", parsed.to_json()).unwrap();
        writeln!(
            out,
            "as AWS stores it:\n{}\n",
            doc.normalize().to_aws_json()
        )
        .unwrap();
        match RepositoryPolicy::from_json(&text) {
            Ok(_) => writeln!(out, "repository policy: accepted\n").unwrap(),
            Err(e) => writeln!(out, "repository policy: {e}\n").unwrap(),
        }
        writeln!(out, "lint:").unwrap();
        let findings = parsed.lint();
        if findings.is_empty() {
            writeln!(out, "(no findings)").unwrap();
        }
        for f in findings {
            writeln!(out, "{f}").unwrap();
        }
        match doc.to_dsl() {
            Ok(dsl) => write!(out, "\npolicy! source:\n{dsl}").unwrap(),
            Err(e) => write!(out, "\npolicy! source: not expressible: {e}\n").unwrap(),
        }
        common::snapshots().bind(|| insta::assert_snapshot!(format!("corpus_{name}"), out));
    }
}

#[test]
fn invalid_documents() {
    let files = files("invalid");
    assert!(files.len() >= 10, "at least 10 malformed documents");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let name = stem(&file);
        let err = RepositoryPolicy::from_json(&text)
            .err()
            .unwrap_or_else(|| panic!("{name} was accepted"));
        let mut out = String::new();
        for e in &err.errors {
            writeln!(out, "{e}").unwrap();
            // Each error points into the text.
            let line = text.lines().nth(e.line() - 1).unwrap_or("");
            writeln!(out, "  | {line}\n  | {}^", " ".repeat(e.column() - 1)).unwrap();
        }
        common::snapshots().bind(|| insta::assert_snapshot!(format!("corpus_{name}"), out));
    }
}
