//! Any text: parse, lint, normalise, render, and parse again. Nothing may panic, and what the
//! library renders it must read back as the same document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_core::{ParsedPolicy, PolicyDocument};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = ParsedPolicy::parse(text) else {
        return;
    };
    let doc = &parsed.document;
    for rendered in [doc.to_json(), doc.to_json_pretty(), parsed.to_json()] {
        let again = PolicyDocument::from_json(&rendered).expect("rendered text parses");
        assert_eq!(&again, doc, "render/parse round trip");
    }
    let aws = PolicyDocument::from_json(&doc.to_aws_json()).expect("AWS text parses");
    assert_eq!(aws.statements.len(), doc.statements.len());
});
