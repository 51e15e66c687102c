//! `to_dsl()` output compiles with the `policy!` macro and gives back the policy it came from.
//!
//! Each valid document of `tests/corpus/valid` that the macro can express becomes a trybuild
//! pass case: the program builds the policy with `policy!` and asserts it is equivalent to the
//! JSON. The test runs once the root crate defines the macro (`macro_rules! policy` in
//! `src/lib.rs`); until then it says it was skipped.

use std::path::Path;

use ecr_policy::PolicyDocument;

#[test]
fn dsl_of_the_corpus_compiles_and_round_trips() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("src/lib.rs");
    if !lib.contains("macro_rules! policy") {
        eprintln!(
            "SKIPPED: the policy! macro is not in this crate yet; to_dsl() output was not compiled"
        );
        return;
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dsl-pass");
    std::fs::create_dir_all(&out).expect("temporary folder");
    let cases = trybuild::TestCases::new();
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests/corpus/valid"))
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut count = 0;
    for file in files {
        let json = std::fs::read_to_string(&file).expect("readable");
        let doc = PolicyDocument::from_json(&json).expect("valid corpus");
        let Ok(dsl) = doc.to_dsl() else { continue };
        let name = file
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .replace('-', "_");
        let program = format!(
            "fn main() {{\n    let policy = ecr_policy::{dsl};\n    let json = r####\"{json}\"####;\n    let doc = ecr_policy::PolicyDocument::from_json(json).unwrap();\n    assert!(ecr_policy::compare::equivalent(policy.document(), &doc), \"{{}}\", ecr_policy::compare::diff(&doc, policy.document()));\n}}\n",
            dsl = dsl.trim_end().replace('\n', "\n    ")
        );
        let path = out.join(format!("{name}.rs"));
        std::fs::write(&path, program).expect("write case");
        cases.pass(&path);
        count += 1;
    }
    assert!(count >= 20, "only {count} corpus documents are expressible");
}
