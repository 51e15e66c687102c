//! `lint`: every policy of a file, judged by the library's lint, each finding located in the
//! file the user wrote.

use ecr_policy::{LintCode, ParsedPolicy, PublicAction, Severity};

use crate::codes::Code;
use crate::config::Config;
use crate::extract::{self, Body, Embedded, FileKind, OffsetMap, PolicyKind, Unknown};
use crate::input::{ReadError, SourceFile};
use crate::tree::{self, Node};

/// One finding, located in its file.
#[derive(Clone, Debug)]
pub struct Report {
    pub file: String,
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
    /// The JSON path in the policy, every list indexed.
    pub path: String,
    /// Where the policy stands in the file (`Resources.Repo.Properties.RepositoryPolicyText`),
    /// for a policy inside a template or plan.
    pub policy: Option<String>,
    pub line: usize,
    pub column: usize,
    /// The finding is inside a string whose positions could not be mapped: it points at the
    /// string's start.
    pub approximate: bool,
    pub line_text: String,
}

/// What reading a file gave.
pub enum Outcome {
    Checked(Vec<Report>),
    /// The file holds no policy, template or plan.
    NotRecognised,
}

/// Reads the file as JSON or YAML: by its name, else by its first character.
fn parse_tree(file: &SourceFile) -> Result<Node, tree::SyntaxError> {
    let json = !file.is_yaml_name()
        && (file.name.to_ascii_lowercase().ends_with(".json")
            || matches!(file.text.trim_start().as_bytes().first(), Some(b'{' | b'[')));
    if json {
        tree::parse_json(&file.text)
    } else {
        tree::parse_yaml(&file.text)
    }
}

/// Whether a file found by walking, which does not parse, is still worth an error: it looks
/// like a policy or a template with ECR resources.
fn looks_relevant(text: &str) -> bool {
    text.contains("\"Statement\"") || text.contains("AWS::ECR::") || text.contains("aws_ecr")
}

pub fn check(file: &SourceFile, config: &Config) -> Result<Outcome, ReadError> {
    let root = match parse_tree(file) {
        Ok(root) => root,
        Err(_) if file.walked && !looks_relevant(&file.text) => return Ok(Outcome::NotRecognised),
        Err(e) => {
            let (line, column) = file.line_column(e.offset);
            return Err(ReadError {
                name: format!("{}:{line}:{column}", file.name),
                message: e.message,
            });
        }
    };
    let embedded = match extract::classify(&root) {
        FileKind::Policy => {
            let body = if matches!(file.text.as_bytes().get(root.start), Some(b'{')) {
                Body::Text {
                    text: file.text.clone(),
                    map: OffsetMap::default(),
                    unknowns: Vec::new(),
                }
            } else {
                // A policy written in YAML.
                extract::generate(&root, None)
            };
            vec![Embedded {
                label: None,
                kind: PolicyKind::Repository,
                body,
            }]
        }
        FileKind::CloudFormation => extract::cloudformation(&file.text, &root),
        FileKind::TerraformPlan => extract::terraform(&file.text, &root),
        FileKind::Other => return Ok(Outcome::NotRecognised),
    };
    let mut reports = Vec::new();
    for e in &embedded {
        check_policy(file, config, e, &mut reports);
    }
    reports.sort_by(|a, b| {
        (a.line, a.column, a.code.as_str(), &a.path).cmp(&(
            b.line,
            b.column,
            b.code.as_str(),
            &b.path,
        ))
    });
    Ok(Outcome::Checked(reports))
}

/// Codes that say nothing about a registry policy, which names its resources and grants
/// registry actions (`ecr:ReplicateImage`, `ecr:CreateRepository`).
fn applies_to(kind: PolicyKind, code: LintCode, message: &str) -> bool {
    match kind {
        PolicyKind::Repository => true,
        // A public repository's policy grants `ecr-public:` actions, which the lint of
        // private repositories calls unknown.
        PolicyKind::PublicRepository => {
            !(matches!(
                code,
                LintCode::UnknownAction | LintCode::ForeignAction | LintCode::NotARepositoryAction
            ) && quoted(message).is_some_and(|a| a.parse::<PublicAction>().is_ok()))
        }
        PolicyKind::Registry => !matches!(
            code,
            LintCode::ResourcePresent | LintCode::NotARepositoryAction
        ),
    }
}

/// The first text in double quotes.
fn quoted(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once('"')?;
    rest.split_once('"').map(|(q, _)| q)
}

/// Whether a finding can depend on an unknown value: it is at or under the value's scope, or
/// it is about an element that holds the value. Findings about the presence of an element
/// hold whatever the value.
fn swayed_by(path: &str, code: LintCode, unknowns: &[Unknown]) -> bool {
    if matches!(code, LintCode::MissingVersion | LintCode::ResourcePresent) {
        return false;
    }
    let under = |a: &str, b: &str| {
        a == b || (a.starts_with(b) && matches!(a.as_bytes().get(b.len()), Some(b'.' | b'[')))
    };
    unknowns
        .iter()
        .any(|u| path.is_empty() || under(path, &u.scope) || under(&u.scope, path))
}

fn check_policy(file: &SourceFile, config: &Config, e: &Embedded, out: &mut Vec<Report>) {
    let mut push = |code: Code,
                    message: String,
                    hint: Option<String>,
                    path: String,
                    offset: usize,
                    approximate: bool| {
        let (line, column) = file.line_column(offset);
        out.push(Report {
            file: file.name.clone(),
            code,
            severity: code.severity(),
            message,
            hint,
            path,
            policy: e.label.clone(),
            line,
            column,
            approximate,
            line_text: file.line_text(line).to_owned(),
        });
    };
    let (text, map, unknowns) = match &e.body {
        Body::Unknown(u) => {
            if !config.allows_in(&file.name, None, Code::UnknownValue) {
                push(
                    Code::UnknownValue,
                    format!("value unknown: {} at {}", u.what, if u.path.is_empty() { "the policy" } else { &u.path }),
                    Some("the policy is not checked: lint the deployed policy, or the plan once the value is known".to_owned()),
                    u.path.clone(),
                    u.offset,
                    false,
                );
            }
            return;
        }
        Body::NotAPolicy { offset, found } => {
            if !config.allows_in(&file.name, None, Code::InvalidPolicy) {
                push(
                    Code::InvalidPolicy,
                    format!("expected a policy (an object or a JSON string), found {found}"),
                    None,
                    String::new(),
                    *offset,
                    false,
                );
            }
            return;
        }
        Body::Text {
            text,
            map,
            unknowns,
        } => (text, map, unknowns),
    };
    let locate = |line: usize, column: usize| map.map(SourceFile::offset_in(text, line, column));
    for u in unknowns {
        if !config.allows_in(&file.name, None, Code::UnknownValue) {
            push(
                Code::UnknownValue,
                format!("value unknown: {} at {}", u.what, u.path),
                Some("what depends on it is not checked".to_owned()),
                u.path.clone(),
                u.offset,
                false,
            );
        }
    }
    let parsed = match ParsedPolicy::parse(text) {
        Ok(p) => p,
        Err(err) => {
            if !config.allows_in(&file.name, None, Code::InvalidPolicy) {
                let (offset, approximate) = locate(err.line(), err.column());
                push(
                    Code::InvalidPolicy,
                    err.message(),
                    err.hint(),
                    err.path().to_owned(),
                    offset,
                    approximate,
                );
            }
            return;
        }
    };
    for f in parsed.lint() {
        if !applies_to(e.kind, f.code, &f.message)
            || (!unknowns.is_empty() && swayed_by(&f.path, f.code, unknowns))
        {
            continue;
        }
        let sid = f
            .statement
            .and_then(|i| parsed.document.statements.get(i))
            .and_then(|s| s.sid.as_ref())
            .map(|s| s.as_str());
        let code = Code::Lint(f.code);
        if config.allows_in(&file.name, sid, code) {
            continue;
        }
        let (offset, approximate) = match f.location {
            Some((line, column)) => locate(line, column),
            None => map.map(0),
        };
        push(code, f.message, Some(f.hint), f.path, offset, approximate);
    }
}
