//! Writing findings: text like rustc's, JSON, or SARIF 2.1.0 for code scanning.

use std::fmt::Write;

use crate::api::Severity;
use serde_json::{json, Value};

use crate::codes::Code;
use crate::lint::Report;

/// One finding in rustc's layout, appended to `out`: the finding, the place, the source line
/// with a caret, the help.
pub fn text_into(out: &mut String, r: &Report) {
    let _ = writeln!(out, "{}[{}]: {}", r.severity, r.code.as_str(), r.message);
    let width = digits(r.line);
    let pad = |out: &mut String| out.extend(std::iter::repeat_n(' ', width));
    pad(out);
    let _ = write!(out, "--> {}:{}:{}", r.file, r.line, r.column);
    if let Some(p) = &r.policy {
        let _ = write!(out, " (in {p})");
    }
    out.push('\n');
    pad(out);
    out.push_str(" |\n");
    let _ = write!(out, "{} | ", r.line);
    let shown_at = out.len();
    let caret = window_into(out, &r.line_text, r.column);
    let shown_end = out.len();
    out.push('\n');
    pad(out);
    out.push_str(" | ");
    // Tabs before the caret stay tabs, so that it lines up with the source line, which is in
    // `out` itself at `shown_at..shown_end`.
    let mut at = shown_at;
    for _ in 0..caret {
        let Some(c) = out[at..shown_end].chars().next() else {
            break;
        };
        at += c.len_utf8();
        out.push(if c == '\t' { '\t' } else { ' ' });
    }
    out.push_str("^\n");
    if r.approximate {
        pad(out);
        out.push_str(" = note: inside a string whose positions cannot be mapped; the caret marks the string's start\n");
    }
    if !r.path.is_empty() {
        pad(out);
        let _ = writeln!(out, " = at: {}", r.path);
    }
    for n in &r.notes {
        pad(out);
        let _ = writeln!(out, " = note: {n}");
    }
    if let Some(h) = &r.hint {
        pad(out);
        let _ = writeln!(out, " = help: {h}");
    }
    out.push('\n');
}

/// The number of decimal digits of `n`.
fn digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

const BEFORE: usize = 50;
const AFTER: usize = 50;

/// Appends the part of a long line around the column (from 1) and returns the caret's place
/// in it, in characters: a plan's policy string is one line of thousands of characters.
fn window_into(out: &mut String, line: &str, column: usize) -> usize {
    // A line of at most that many bytes has at most that many characters: shown whole.
    let whole = BEFORE + AFTER + 20;
    let count = if line.len() <= whole {
        line.len().min(line.chars().count())
    } else {
        line.chars().count()
    };
    let at = column.saturating_sub(1).min(count);
    if count <= whole {
        out.push_str(line);
        return at;
    }
    let from = at.saturating_sub(BEFORE);
    let to = (at + AFTER).min(count);
    let byte = |n: usize| line.char_indices().nth(n).map_or(line.len(), |(i, _)| i);
    if from > 0 {
        out.push_str("...");
    }
    out.push_str(&line[byte(from)..byte(to)]);
    if to < count {
        out.push_str("...");
    }
    at - from + if from > 0 { 3 } else { 0 }
}

/// [`window_into`] as it was first written, on a vector of characters, to test it against.
#[cfg(test)]
fn window(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    if chars.len() <= BEFORE + AFTER + 20 {
        return (line.to_owned(), at);
    }
    let from = at.saturating_sub(BEFORE);
    let to = (at + AFTER).min(chars.len());
    let mut shown = String::new();
    if from > 0 {
        shown.push_str("...");
    }
    shown.extend(&chars[from..to]);
    if to < chars.len() {
        shown.push_str("...");
    }
    (shown, at - from + if from > 0 { 3 } else { 0 })
}

/// The summary line on standard error, when there are findings.
pub fn summary(severities: &[Severity], files: usize, deny: Option<Severity>) -> String {
    let failing = match deny {
        Some(deny) => {
            let n = severities.iter().filter(|&&r| r <= deny).count();
            format!("{n} at or above {deny}")
        }
        None => "none fails the run (--deny never)".to_owned(),
    };
    let mut by: Vec<String> = Vec::new();
    for s in crate::codes::SEVERITIES {
        let n = severities.iter().filter(|&&r| r == s).count();
        if n > 0 {
            by.push(format!("{n} {s}{}", if n == 1 { "" } else { "s" }));
        }
    }
    format!(
        "{} finding{} ({}) in {} file{}; {failing}",
        severities.len(),
        if severities.len() == 1 { "" } else { "s" },
        by.join(", "),
        files,
        if files == 1 { "" } else { "s" },
    )
}

pub fn json(reports: &[Report]) -> String {
    let findings: Vec<Value> = reports
        .iter()
        .map(|r| {
            let mut finding = json!({
                "file": r.file,
                "line": r.line,
                "column": r.column,
                "code": r.code.as_str(),
                "severity": r.severity.as_str(),
                "message": r.message,
                "hint": r.hint,
                "path": r.path,
                "policy": r.policy,
                "approximate": r.approximate,
            });
            // Only findings that rest on what the file leaves open carry these.
            if r.possible {
                finding["certainty"] = json!("possible");
            }
            if !r.notes.is_empty() {
                finding["notes"] = json!(r.notes);
            }
            finding
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({ "findings": findings })).unwrap_or_default();
    s.push('\n');
    s
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::SecurityWarning | Severity::Warning => "warning",
        Severity::Suggestion => "note",
        // Severity may grow; a new one is reported at SARIF's middle level.
        _ => "warning",
    }
}

/// SARIF 2.1.0 as GitHub code scanning reads it: one rule per code, results with level,
/// message and a region; security warnings carry a `security-severity`.
/// <https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning>
pub fn sarif(reports: &[Report]) -> String {
    let codes = Code::all();
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            let mut rule = json!({
                "id": c.as_str(),
                "name": c.as_str(),
                "shortDescription": { "text": c.description() },
                "fullDescription": { "text": c.description() },
                "helpUri": "https://github.com/ecr-policy/ecr-policy/blob/main/ecr-policy-cli/README.md",
                "defaultConfiguration": { "level": sarif_level(c.severity()) },
                "properties": { "tags": ["ecr", c.severity().as_str()] },
            });
            if c.severity() == Severity::SecurityWarning {
                rule["properties"]["tags"] = json!(["ecr", "security"]);
                rule["properties"]["security-severity"] = json!("7.5");
            }
            rule
        })
        .collect();
    let results: Vec<Value> = reports
        .iter()
        .map(|r| {
            let mut message = r.message.clone();
            if let Some(h) = &r.hint {
                message.push_str(". Help: ");
                message.push_str(h);
            }
            let index = codes.iter().position(|c| *c == r.code).unwrap_or(0);
            let mut result = json!({
                "ruleId": r.code.as_str(),
                "ruleIndex": index,
                "level": sarif_level(r.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&r.file) },
                        "region": { "startLine": r.line, "startColumn": r.column },
                    }
                }],
            });
            let mut props = serde_json::Map::new();
            if !r.path.is_empty() {
                props.insert("path".into(), json!(r.path));
            }
            if let Some(p) = &r.policy {
                props.insert("policy".into(), json!(p));
            }
            if r.possible {
                props.insert("certainty".into(), json!("possible"));
            }
            if !r.notes.is_empty() {
                props.insert("notes".into(), json!(r.notes));
            }
            if !props.is_empty() {
                result["properties"] = Value::Object(props);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ecr-policy",
                    "informationUri": "https://github.com/ecr-policy/ecr-policy",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

/// A relative URI with `/` separators and the few characters URIs need escaped.
fn uri(file: &str) -> String {
    let file = file.replace('\\', "/");
    let file = file.strip_prefix("./").unwrap_or(&file);
    let mut out = String::new();
    for b in file.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char);
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_the_one_of_a_vector_of_characters() {
        let long: String = "ab\tcdé€".repeat(40);
        let first = |n: usize| long.chars().take(n).collect::<String>();
        let lines = [
            String::new(),
            "short\tline".to_owned(),
            "é".to_owned(),
            long.clone(),
            first(120),
            first(121),
        ];
        for line in &lines {
            for column in [
                0, 1, 2, 10, 49, 50, 51, 52, 60, 100, 119, 120, 121, 200, 400,
            ] {
                let mut out = String::from("x");
                let caret = window_into(&mut out, line, column);
                assert_eq!(
                    (out[1..].to_owned(), caret),
                    window(line, column),
                    "{line:?} {column}"
                );
            }
        }
    }
}
