//! `lint --format sarif` against the SARIF 2.1.0 schema, and against what GitHub code
//! scanning reads: rules named by the lint codes, results pointing at a rule, a level, a
//! message and a region.

use std::process::Command;

use serde_json::Value;

fn sarif(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_ecr-policy"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd/fixtures"))
        .args(["lint", "--format", "sarif", "--deny", "never"])
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("SARIF output is JSON")
}

/// The `language` patterns have a stray `]`, a literal in ECMA regexes but an error for the
/// meta-schema's regex check: escape it, which keeps its meaning.
fn escape_stray_bracket(v: &mut Value) -> usize {
    const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        Value::Object(map) => map
            .iter_mut()
            .map(|(k, v)| {
                if k == "pattern" && v == STRAY {
                    *v = Value::from(STRAY.replace("}]?", "}\\]?"));
                    1
                } else {
                    escape_stray_bracket(v)
                }
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

fn validator() -> jsonschema::Validator {
    let mut schema: Value = serde_json::from_str(include_str!("sarif/sarif-schema-2.1.0.json"))
        .expect("the schema is JSON");
    assert_eq!(escape_stray_bracket(&mut schema), 2);
    jsonschema::draft4::new(&schema).expect("the schema compiles")
}

#[test]
fn sarif_output_is_valid_against_the_schema() {
    let validator = validator();
    for args in [
        &["public.json"][..],
        &["template.yaml", "template.json", "sub-template.yaml"],
        &["plan.json", "plan-planned-values.json"],
        &["clean.json"],
    ] {
        let log = sarif(args);
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
}

#[test]
fn the_schema_check_catches_a_broken_log() {
    let validator = validator();
    let mut log = sarif(&["public.json"]);
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&log));
    let mut log = sarif(&["public.json"]);
    log["version"] = Value::from("2.0.0");
    assert!(!validator.is_valid(&log));
}

#[test]
fn results_name_their_rule_and_place() {
    let log = sarif(&["template.yaml", "public.json"]);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"public-access") && ids.contains(&"unknown-value"));
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 5);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(r["ruleId"], rules[index]["id"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
    // The public access in public.json, line 7 column 20, as the text output says.
    let public = results
        .iter()
        .find(|r| {
            r["ruleId"] == "public-access"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "public.json"
        })
        .unwrap();
    let region = &public["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(7), Some(20))
    );
    // Security warnings carry the severity GitHub ranks alerts by.
    let rule = &rules[public["ruleIndex"].as_u64().unwrap() as usize];
    assert!(rule["properties"]["security-severity"].is_string());
}
