//! Any text: parse, lint, normalise, render, and parse again. Nothing may panic, what the
//! library renders it must read back as the same document, and normalising keeps the meaning.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_core::compare::{diff, equivalent};
use policy_core::json::ParsedPolicy;
use policy_core::PolicyDocument;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = ParsedPolicy::parse(text) else {
        return;
    };
    let _ = parsed.lint();
    let doc = &parsed.document;
    let normal = doc.normalize();
    assert!(equivalent(doc, &normal), "normalising changed the meaning");
    assert!(diff(doc, &normal).is_empty());
    let _ = normal.lint();
    let _ = doc.to_dsl();
    for rendered in [doc.to_json(), doc.to_json_pretty(), parsed.to_json()] {
        let again = PolicyDocument::from_json(&rendered).expect("rendered text parses");
        assert_eq!(&again, doc, "render/parse round trip");
    }
    let aws = PolicyDocument::from_json(&normal.to_aws_json()).expect("AWS text parses");
    assert_eq!(aws, normal, "AWS text round trip");
});
