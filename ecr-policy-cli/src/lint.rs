//! `lint`: every policy of a file, judged by the library's lint, each finding located in the
//! file the user wrote.

use crate::api::{
    AccountId, Effect, Finding, LintCode, LintConfig, ModelKind, ParsedPolicy, PublicAction,
    RepositoryArn, Severity,
};

use crate::codes::Code;
use crate::config::Config;
use crate::extract::{
    self, Body, Embedded, FileKind, OffsetMap, PolicyKind, Pseudo, Unknown, MAX_ACCOUNT_READINGS,
};
use crate::input::{self, Lines, ReadError, SourceFile};
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
    /// The finding rests on a value the file leaves open (a stand-in, a Deny that cannot be
    /// read): it may not hold once deployed, or hold only then.
    pub possible: bool,
    /// What the finding was judged with, and why it is only possible.
    pub notes: Vec<String>,
}

/// What reading a file gave.
pub enum Outcome {
    Checked(Vec<Report>),
    /// The file holds no policy, template or plan.
    NotRecognised,
}

/// Reads the file as JSON or YAML: by its name, else by its first character; every YAML
/// document, and true with them when it was read as JSON.
fn parse_tree(file: &SourceFile) -> Result<(Vec<Node>, bool), tree::SyntaxError> {
    let json = !file.is_yaml_name()
        && (input::has_extension(&file.name, ".json")
            || matches!(file.text.trim_start().as_bytes().first(), Some(b'{' | b'[')));
    if json {
        tree::parse_json(&file.text).map(|n| (vec![n], true))
    } else {
        tree::parse_yaml_documents(&file.text).map(|d| (d, false))
    }
}

/// Whether a file found by walking, which does not parse, is still worth an error: it looks
/// like a policy or a template with ECR resources.
fn looks_relevant(text: &str) -> bool {
    text.contains("\"Statement\"") || text.contains("AWS::ECR::") || text.contains("aws_ecr")
}

/// Whether a JSON file may be a policy file: read it as one first, which saves building the
/// tree. Templates and plans name their top-level keys.
fn may_be_policy_file(file: &SourceFile) -> bool {
    !file.is_yaml_name()
        && file.text.trim_start().starts_with('{')
        && !names_template_key(&file.text)
}

/// The keys of templates and plans, quoted.
const TEMPLATE_KEYS: [&str; 3] = [
    "\"Resources\"",
    "\"resource_changes\"",
    "\"planned_values\"",
];

/// Whether `text` holds one of [`TEMPLATE_KEYS`]: one pass over the quotes of the text
/// rather than a scan for each key.
fn names_template_key(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Most quotes open another key or value: the letter after it rules them out.
    memchr::memchr_iter(b'"', bytes).any(|i| {
        matches!(bytes.get(i + 1), Some(b'R' | b'r' | b'p'))
            && TEMPLATE_KEYS
                .iter()
                .any(|k| bytes[i..].starts_with(k.as_bytes()))
    })
}

/// Lints every policy of `file`; `kind` is what a policy file (not a template or plan, which
/// say it themselves) holds.
pub fn check(file: &SourceFile, config: &Config, kind: PolicyKind) -> Result<Outcome, ReadError> {
    let lines = Lines::new(&file.text);
    if may_be_policy_file(file) {
        if let Ok(parsed) = ParsedPolicy::parse(&file.text) {
            let mut reports = Vec::new();
            let at = At {
                file,
                lines: &lines,
                label: &None,
            };
            let identity = OffsetMap::default();
            lint_parsed(
                &at,
                config,
                kind,
                &lint_config(kind, None, &parsed, config),
                &lines,
                &identity,
                &[],
                &parsed,
                &mut reports,
            );
            sort(&mut reports);
            return Ok(Outcome::Checked(reports));
        }
    }
    let (roots, json) = match parse_tree(file) {
        Ok(parsed) => parsed,
        Err(_) if file.walked && !looks_relevant(&file.text) => return Ok(Outcome::NotRecognised),
        Err(e) => {
            let (line, column) = file.line_column(e.offset);
            return Err(ReadError {
                name: format!("{}:{line}:{column}", file.name),
                message: e.message,
            });
        }
    };
    let mut embedded = Vec::new();
    let mut recognised = false;
    for (i, root) in roots.iter().enumerate() {
        let mut found = match extract::classify(root) {
            FileKind::Policy => {
                let body = if json {
                    Body::Text {
                        text: file.text.clone(),
                        map: OffsetMap::default(),
                        unknowns: Vec::new(),
                        misread: Vec::new(),
                        pseudo: Pseudo::default(),
                    }
                } else {
                    // A policy written in YAML.
                    extract::generate(root, None, true)
                };
                vec![Embedded {
                    label: None,
                    kind,
                    body,
                    when: None,
                }]
            }
            FileKind::CloudFormation => extract::cloudformation(&file.text, root, json),
            FileKind::TerraformPlan => extract::terraform(&file.text, root),
            FileKind::TerraformConfig => extract::terraform_config(&file.text, root),
            FileKind::Other => continue,
        };
        recognised = true;
        if roots.len() > 1 {
            // Several YAML documents: say which one a policy is in.
            for e in &mut found {
                let n = i + 1;
                e.label = Some(match &e.label {
                    Some(l) => format!("document {n}: {l}"),
                    None => format!("document {n}"),
                });
            }
        }
        embedded.extend(found);
    }
    if !recognised {
        return Ok(Outcome::NotRecognised);
    }
    let mut reports = Vec::new();
    let mut i = 0;
    while i < embedded.len() {
        let e = &embedded[i];
        // The readings of one policy whose statements conditions choose: a finding every
        // reading has is reported once, for the policy.
        let n = embedded[i..]
            .iter()
            .take_while(|r| r.when.is_some() && r.label == e.label)
            .count();
        if n < 2 {
            check_policy(file, &lines, config, e, &mut reports);
            i += 1;
            continue;
        }
        let mut each: Vec<Vec<Report>> = embedded[i..i + n]
            .iter()
            .map(|r| {
                let mut found = Vec::new();
                check_policy(file, &lines, config, r, &mut found);
                found
            })
            .collect();
        // The same finding at the same place; its path (and the message that names it) may
        // differ, a statement left out shifting the later ones.
        let same = |a: &Report, b: &Report| {
            (a.code, a.line, a.column) == (b.code, b.line, b.column)
                && (a.message == b.message
                    || (!a.path.is_empty()
                        && a.message.replace(&a.path, "") == b.message.replace(&b.path, "")))
        };
        let Some((first, rest)) = each.split_first_mut() else {
            break;
        };
        for mut r in first.drain(..) {
            let everywhere = rest.iter().all(|o| o.iter().any(|x| same(x, &r)));
            if everywhere {
                for o in rest.iter_mut() {
                    if let Some(k) = o.iter().position(|x| same(x, &r)) {
                        o.remove(k);
                    }
                }
                r.policy = e.label.clone();
            }
            reports.push(r);
        }
        reports.extend(rest.iter_mut().flat_map(std::mem::take));
        i += n;
    }
    sort(&mut reports);
    Ok(Outcome::Checked(reports))
}

fn sort(reports: &mut [Report]) {
    reports.sort_by(|a, b| {
        (a.line, a.column, a.code.as_str(), &a.path).cmp(&(
            b.line,
            b.column,
            b.code.as_str(),
            &b.path,
        ))
    });
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
            LintCode::ResourcePresent
                | LintCode::NotARepositoryAction
                | LintCode::NotGrantedByRepositoryPolicy
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
///
/// A judgement of access (`statement` is the finding's statement) weighs the whole statement
/// (its actions and conditions too) and every Deny of the policy: an unknown in the same
/// statement, or in a statement that `denies` (a placeholder Effect is a Deny), sways it.
fn swayed_by(
    path: &str,
    code: LintCode,
    statement: Option<usize>,
    unknowns: &[Unknown],
    denies: &dyn Fn(usize) -> bool,
) -> bool {
    if matches!(code, LintCode::MissingVersion | LintCode::ResourcePresent) {
        return false;
    }
    let under = |a: &str, b: &str| {
        a == b || (a.starts_with(b) && matches!(a.as_bytes().get(b.len()), Some(b'.' | b'[')))
    };
    let access = is_access_judgement(code);
    unknowns.iter().any(|u| {
        path.is_empty()
            || under(path, &u.scope)
            || under(&u.scope, path)
            || (access
                && statement_index(&u.path).is_some_and(|i| Some(i) == statement || denies(i)))
    })
}

/// The codes that judge what the policy grants as a whole (`policy_analysis::findings`), whose
/// messages name the actions and callers a statement reaches.
fn is_access_judgement(code: LintCode) -> bool {
    matches!(
        code,
        LintCode::PublicAccess
            | LintCode::ServicePrincipalWithoutSource
            | LintCode::ExternalPermissionsManagement
            | LintCode::ExternalWrite
            | LintCode::ExternalRead
            | LintCode::AllowWithNotPrincipal
            | LintCode::NotPrincipalDeniesListed
            | LintCode::LocksOutPolicyChanges
            | LintCode::DeadStatement
            | LintCode::DeadCondition
    )
}

/// The statement a path is in, 3 for `Statement[3].Action[0]`; none for its Sid, which
/// grants nothing.
fn statement_index(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("Statement[")?;
    let end = rest.find(']')?;
    if rest[end + 1..] == *".Sid" {
        return None;
    }
    rest[..end].parse().ok()
}

/// A finding at a byte offset of the file.
struct At<'a> {
    file: &'a SourceFile,
    /// The lines of the file's text.
    lines: &'a Lines<'a>,
    label: &'a Option<String>,
}

impl At<'_> {
    fn report(
        &self,
        code: Code,
        message: String,
        hint: Option<String>,
        path: String,
        (offset, approximate): (usize, bool),
    ) -> Report {
        let (line, column) = self.lines.line_column(offset);
        Report {
            file: self.file.name.clone(),
            code,
            severity: code.severity(),
            message,
            hint,
            path,
            policy: self.label.clone(),
            line,
            column,
            approximate,
            line_text: self.lines.line_text(line).to_owned(),
            possible: false,
            notes: Vec::new(),
        }
    }
}

fn check_policy(
    file: &SourceFile,
    lines: &Lines<'_>,
    config: &Config,
    e: &Embedded,
    out: &mut Vec<Report>,
) {
    let label = match &e.when {
        Some(when) => e.label.as_ref().map(|l| format!("{l} ({when})")),
        None => e.label.clone(),
    };
    let at = At {
        file,
        lines,
        label: &label,
    };
    let allowed = |code| config.allows_in(&file.name, None, code);
    let (text, map, unknowns, pseudo) = match &e.body {
        Body::Unknown(u) => {
            if !allowed(Code::UnknownValue) {
                let place = if u.path.is_empty() {
                    "the policy"
                } else {
                    &u.path
                };
                out.push(at.report(
                    Code::UnknownValue,
                    format!("value unknown: {} at {place}", u.what),
                    Some("the policy is not checked: lint the deployed policy, or the plan once the value is known".to_owned()),
                    u.path.clone(),
                    (u.offset, false),
                ));
            }
            return;
        }
        Body::NotAPolicy { offset, found } => {
            if !allowed(Code::InvalidPolicy) {
                out.push(at.report(
                    Code::InvalidPolicy,
                    format!("expected a policy (an object or a JSON string), found {found}"),
                    None,
                    String::new(),
                    (*offset, false),
                ));
            }
            return;
        }
        Body::Text {
            text,
            map,
            unknowns,
            misread,
            pseudo,
        } => {
            for m in misread {
                if !allowed(Code::InvalidPolicy) {
                    out.push(at.report(
                        Code::InvalidPolicy,
                        format!(
                            "unquoted {} is the octal number {} in YAML 1.1, which CloudFormation reads: the policy is checked with {}",
                            m.written, m.read, m.read
                        ),
                        Some(format!("quote it (\"{}\") to keep it as written", m.written)),
                        m.path.clone(),
                        (m.offset, false),
                    ));
                }
            }
            (text, map, unknowns, pseudo)
        }
    };
    for u in unknowns {
        if !allowed(Code::UnknownValue) {
            out.push(at.report(
                Code::UnknownValue,
                format!("value unknown: {} at {}", u.what, u.path),
                Some("what depends on it is not checked".to_owned()),
                u.path.clone(),
                (u.offset, false),
            ));
        }
    }
    let start = out.len();
    let owner = pseudo.account.as_deref().map(|a| (a, true));
    lint_text(&at, config, e.kind, text, map, unknowns, owner, out);
    if pseudo.stand_ins.is_empty() && pseudo.alternatives.is_empty() {
        return;
    }
    // Read with other stand-ins, and with `AWS::AccountId` as each account the policy names:
    // a finding not every reading has rests on the value of a pseudo parameter.
    let main: Vec<Report> = out.drain(start..).collect();
    let mut others: Vec<(&str, Vec<Report>)> = pseudo
        .alternatives
        .iter()
        .map(|a| {
            let mut found = Vec::new();
            let owner = match &a.account {
                Some(account) => Some((account.as_str(), false)),
                None => owner,
            };
            lint_text(
                &at, config, e.kind, &a.text, &a.map, unknowns, owner, &mut found,
            );
            (a.reading.as_str(), found)
        })
        .collect();
    let mut read_with = (!pseudo.stand_ins.is_empty())
        .then(|| format!("read with stand-ins: {}", pseudo.stand_ins.join(", ")));
    if let (Some(account), Some(r)) = (&pseudo.account, &mut read_with) {
        *r = r.replace(account.as_str(), "${AWS::AccountId}");
    }
    // Past the bound, the accounts `AWS::AccountId` is not read as.
    let not_read = (pseudo.accounts_not_read > 0).then(|| {
        format!(
            "AWS::AccountId read as the first {MAX_ACCOUNT_READINGS} of the {} accounts the policy names",
            MAX_ACCOUNT_READINGS + pseudo.accounts_not_read
        )
    });
    // The same finding at the same place, its message with the stand-ins' values left out.
    let mut values: Vec<&str> = pseudo
        .stand_ins
        .iter()
        .chain(pseudo.alternatives.iter().map(|a| &a.reading))
        .filter_map(|r| {
            r.split_once(" as ")
                .map(|(_, v)| v.split(' ').next().unwrap_or(v))
        })
        .collect();
    // The account the policy's owner is written as, in the stand-in reading.
    values.push("${AWS::AccountId}");
    // The longer first: `amazonaws.com.cn` before `amazonaws.com`.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let plain = |m: &str| {
        let mut m = m.to_owned();
        for v in &values {
            m = m.replace(v, "");
        }
        m
    };
    let same = |a: &Report, b: &Report| {
        (a.code, a.line, a.column, &a.path) == (b.code, b.line, b.column, &b.path)
            && plain(&a.message) == plain(&b.message)
    };
    // Every finding of the readings ends here: possible with `note` when not every reading
    // gives it, with the notes on what was read.
    let mut finish = |mut r: Report, note: Option<String>| {
        if let Some(note) = note {
            r.possible = true;
            r.notes.push(note);
        }
        r.notes.extend(read_with.iter().cloned());
        r.notes.extend(not_read.iter().cloned());
        out.push(r);
    };
    for r in main {
        let missing: Vec<&str> = others
            .iter_mut()
            .filter_map(
                |(reading, found)| match found.iter().position(|x| same(x, &r)) {
                    Some(k) => {
                        found.remove(k);
                        None
                    }
                    None => Some(*reading),
                },
            )
            .collect();
        let note = (!missing.is_empty()).then(|| {
            format!(
                "possible: rests on the value of a pseudo parameter; not found when read with {}",
                missing.join(", ")
            )
        });
        finish(r, note);
    }
    // Findings only other stand-ins give: once, with the readings that give them.
    let mut extra: Vec<(Report, Vec<&str>)> = Vec::new();
    for (reading, found) in others {
        for r in found {
            match extra.iter_mut().find(|(x, _)| same(x, &r)) {
                Some((_, readings)) => readings.push(reading),
                None => extra.push((r, vec![reading])),
            }
        }
    }
    for (r, readings) in extra {
        let note = format!(
            "possible: rests on the value of a pseudo parameter; found only when read with {}",
            readings.join(", ")
        );
        finish(r, Some(note));
    }
}

/// The findings on the policy text `text`, or the error that it is no policy. `owner`: the
/// account `AWS::AccountId` is read as, the policy's owner, and whether it is a stand-in (the
/// findings then write `${AWS::AccountId}` for it).
#[allow(clippy::too_many_arguments)]
fn lint_text(
    at: &At<'_>,
    config: &Config,
    kind: PolicyKind,
    text: &str,
    map: &OffsetMap,
    unknowns: &[Unknown],
    owner: Option<(&str, bool)>,
    out: &mut Vec<Report>,
) {
    let allowed = |code| config.allows_in(&at.file.name, None, code);
    let text = Lines::new(text);
    match ParsedPolicy::parse(text.text) {
        Ok(parsed) => {
            let lint = lint_config(kind, owner.map(|(a, _)| a), &parsed, config);
            let start = out.len();
            lint_parsed(at, config, kind, &lint, &text, map, unknowns, &parsed, out);
            if let Some((account, true)) = owner {
                // The stand-in is no account of the file: findings say what was written.
                for r in &mut out[start..] {
                    r.message = r.message.replace(account, "${AWS::AccountId}");
                    if let Some(h) = &mut r.hint {
                        *h = h.replace(account, "${AWS::AccountId}");
                    }
                }
            }
        }
        Err(err) => {
            if !allowed(Code::InvalidPolicy) {
                let offset = map.map(text.offset(err.line(), err.column()));
                out.push(at.report(
                    Code::InvalidPolicy,
                    err.message(),
                    err.hint(),
                    err.path().to_owned(),
                    offset,
                ));
            }
        }
    }
}

/// The lint's findings on a policy read from `text`, located in the file through `map`.
/// `text` is the file's own lines for a policy file.
#[allow(clippy::too_many_arguments)]
fn lint_parsed(
    at: &At<'_>,
    config: &Config,
    kind: PolicyKind,
    lint: &LintConfig,
    text: &Lines<'_>,
    map: &OffsetMap,
    unknowns: &[Unknown],
    parsed: &ParsedPolicy,
    out: &mut Vec<Report>,
) {
    let denies = |i: usize| {
        parsed
            .document
            .statements
            .get(i)
            .is_some_and(|s| s.effect == Effect::Deny)
    };
    let mut findings: Vec<Finding> = parsed
        .lint_with(lint)
        .into_iter()
        .filter(|f| {
            applies_to(kind, f.code, &f.message)
                && (unknowns.is_empty()
                    || !swayed_by(&f.path, f.code, f.statement, unknowns, &denies))
        })
        .collect();
    let mut possible: Vec<(Finding, String)> = Vec::new();
    if let Some(unread) = unread_denies(parsed, unknowns) {
        // Denies whose actions or principals cannot be read: what is granted past them at
        // their widest holds whatever they are; what they leave granted only when they take
        // nothing away may hold.
        let (certain, maybe) = past_unread_denies(parsed, lint, &unread, unknowns, &|f| {
            is_grant(f.code) && applies_to(kind, f.code, &f.message)
        });
        findings.extend(certain);
        let name = |k: usize| {
            let (i, what, offset) = &unread[k];
            let (line, column) = at.lines.line_column(*offset);
            format!("the Deny of Statement[{i}] ({what}, line {line} column {column})")
        };
        for (f, by) in maybe {
            let mut note = match by.as_slice() {
                [] => (0..unread.len()).map(name).collect::<Vec<_>>().join(", "),
                by => by.iter().map(|&k| name(k)).collect::<Vec<_>>().join(", "),
            };
            note = format!("possible: {note} cannot be read and may take this away");
            if unread.len() > MAX_UNREAD_ATTRIBUTED {
                note.push_str(&format!(
                    " ({} Denies cannot be read, more than the {MAX_UNREAD_ATTRIBUTED} read one by one: which of them may is not told)",
                    unread.len()
                ));
            }
            possible.push((f, note));
        }
    } else if let Some((widened, rest)) = widen_denies(parsed, unknowns) {
        // What is granted past the widest reach of those Denies is granted whatever their
        // unknown values are.
        findings.extend(widened.lint_with(lint).into_iter().filter(|f| {
            is_grant(f.code)
                && applies_to(kind, f.code, &f.message)
                && !swayed_by(&f.path, f.code, f.statement, &rest, &denies)
        }));
    }
    let findings = findings
        .into_iter()
        .map(|f| (f, None))
        .chain(possible.into_iter().map(|(f, n)| (f, Some(n))));
    for (f, note) in findings {
        let sid = f
            .statement
            .and_then(|i| parsed.document.statements.get(i))
            .and_then(|s| s.sid.as_ref())
            .map(|s| s.as_str());
        let code = Code::Lint(f.code);
        if config.allows_in(&at.file.name, sid, code) {
            continue;
        }
        let offset = match f.location {
            Some((line, column)) => map.map(text.offset(line, column)),
            None => map.map(0),
        };
        let mut r = at.report(code, f.message, Some(f.hint.into_owned()), f.path, offset);
        if let Some(n) = note {
            r.possible = true;
            r.notes.push(n);
        }
        out.push(r);
    }
}

/// The Denies (of a written `Effect`) with an unknown in their `Action`, `NotAction`,
/// `Principal` or `NotPrincipal`: their index, the first such unknown as written and its
/// place in the file. None when there is none.
fn unread_denies(
    parsed: &ParsedPolicy,
    unknowns: &[Unknown],
) -> Option<Vec<(usize, String, usize)>> {
    let mut out: Vec<(usize, String, usize)> = Vec::new();
    for u in unknowns {
        let Some(i) = statement_index(&u.path) else {
            continue;
        };
        let element = u
            .path
            .split_once(']')
            .map_or("", |(_, rest)| rest)
            .trim_start_matches('.');
        let reads = ["Action", "NotAction", "Principal", "NotPrincipal"]
            .iter()
            .any(|e| element.starts_with(e));
        let deny = parsed
            .document
            .statements
            .get(i)
            .is_some_and(|s| s.effect == Effect::Deny);
        let effect_unknown = unknowns
            .iter()
            .any(|v| v.path == format!("Statement[{i}].Effect"));
        if reads && deny && !effect_unknown && !out.iter().any(|(k, _, _)| *k == i) {
            out.push((i, format!("{} at {}", u.what, u.path), u.offset));
        }
    }
    if out.is_empty() {
        return None;
    }
    // Beside them, a Deny whose unknowns are all in its `Condition` is read the same way: at
    // its widest (no condition: it always applies) and without it, so that what it could
    // take away is possible and what it cannot touch certain. (Alone, it is widened by
    // [`widen_denies`] instead.)
    for u in unknowns {
        let Some(i) = statement_index(&u.path) else {
            continue;
        };
        let in_condition = |v: &Unknown| {
            v.path
                .strip_prefix(&format!("Statement[{i}].Condition"))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        };
        let deny = parsed
            .document
            .statements
            .get(i)
            .is_some_and(|s| s.effect == Effect::Deny);
        let only_condition = unknowns
            .iter()
            .filter(|v| statement_index(&v.path) == Some(i))
            .all(in_condition);
        if deny && only_condition && !out.iter().any(|(k, _, _)| *k == i) {
            out.push((i, format!("{} at {}", u.what, u.path), u.offset));
        }
    }
    out.sort_by_key(|(i, _, _)| *i);
    Some(out)
}

/// The most Denies that cannot be read which are each read alone at their widest, to tell
/// which of them may take a finding away: past it, a possible finding names them all.
const MAX_UNREAD_ATTRIBUTED: usize = 4;

/// The findings `keep` selects past the unread Denies (see [`unread_denies`]): those of the
/// policy with each of them at its widest (every principal, every action, no condition when
/// its condition is unknown too), which hold whatever they are, and those of the policy
/// without them which the widest reading does not have, with the Denies that may take each
/// away (indices into `unread`; empty for all of them). Up to [`MAX_UNREAD_ATTRIBUTED`]
/// Denies, each is also read alone at its widest, the others left out, and names the
/// findings that reading does not have: at most that many readings more, past it none.
/// Findings that other unknowns sway are left out of both.
fn past_unread_denies(
    parsed: &ParsedPolicy,
    lint: &LintConfig,
    unread: &[(usize, String, usize)],
    unknowns: &[Unknown],
    keep: &dyn Fn(&Finding) -> bool,
) -> (Vec<Finding>, Vec<(Finding, Vec<usize>)>) {
    let is_unread = |i: usize| unread.iter().any(|(k, _, _)| *k == i);
    let rest: Vec<Unknown> = unknowns
        .iter()
        .filter(|u| !statement_index(&u.path).is_some_and(is_unread))
        .cloned()
        .collect();
    let denies = |i: usize| {
        parsed
            .document
            .statements
            .get(i)
            .is_some_and(|s| s.effect == Effect::Deny)
    };
    let Ok(serde_json::Value::Object(doc)) =
        serde_json::from_str::<serde_json::Value>(&parsed.document.to_json())
    else {
        return (Vec::new(), Vec::new());
    };
    let lint_doc = |doc: &serde_json::Map<String, serde_json::Value>| -> Vec<Finding> {
        let text = serde_json::Value::Object(doc.clone()).to_string();
        ParsedPolicy::parse(&text)
            .map(|p| p.document.lint_with(lint))
            .unwrap_or_default()
    };
    let statements =
        |doc: &mut serde_json::Map<String, serde_json::Value>| match doc.get_mut("Statement") {
            Some(serde_json::Value::Array(items)) => std::mem::take(items),
            Some(one @ serde_json::Value::Object(_)) => vec![one.take()],
            _ => Vec::new(),
        };
    // At their widest.
    let mut wide = doc.clone();
    let mut items = statements(&mut wide);
    for (i, item) in items.iter_mut().enumerate() {
        let serde_json::Value::Object(st) = item else {
            continue;
        };
        if !is_unread(i) {
            continue;
        }
        // Only the elements that cannot be read: a known Action still bounds the Deny.
        let unknown_in = |e: &str| {
            let prefix = format!("Statement[{i}].{e}");
            unknowns.iter().any(|u| {
                u.path.starts_with(&prefix)
                    && matches!(
                        u.path.as_bytes().get(prefix.len()),
                        None | Some(b'.' | b'[')
                    )
            })
        };
        for (element, not) in [("Action", "NotAction"), ("Principal", "NotPrincipal")] {
            if unknown_in(element) || unknown_in(not) {
                st.remove(not);
                st.insert(element.into(), serde_json::Value::from("*"));
            }
        }
        if unknown_in("Condition") {
            st.remove("Condition");
        }
    }
    wide.insert("Statement".into(), serde_json::Value::Array(items.clone()));
    let located = |mut f: Finding| {
        f.location = parsed.shape.locate(&f.path);
        f
    };
    let certain: Vec<Finding> = lint_doc(&wide)
        .into_iter()
        .filter(|f| keep(f) && !swayed_by(&f.path, f.code, f.statement, &rest, &denies))
        .map(located)
        .collect();
    // The policy with only the unread Denies `with` (at their widest), the others left out;
    // its findings' statements and paths those of the written policy.
    let only = |with: &[usize]| -> Vec<Finding> {
        let mut d = doc.clone();
        let kept: Vec<usize> = (0..items.len())
            .filter(|&i| !is_unread(i) || with.contains(&i))
            .collect();
        let chosen: Vec<serde_json::Value> = kept.iter().map(|&i| items[i].clone()).collect();
        d.insert("Statement".into(), serde_json::Value::Array(chosen));
        let mut found = lint_doc(&d);
        // Statement k of that policy is statement `kept[k]` of the written one.
        found.retain_mut(|f| {
            let Some(k) = f.statement else {
                return true;
            };
            let Some(&i) = kept.get(k) else {
                return false;
            };
            let from = format!("Statement[{k}]");
            if let Some(tail) = f.path.strip_prefix(&from) {
                f.path = format!("Statement[{i}]{tail}");
            }
            f.statement = Some(i);
            true
        });
        found
    };
    let same =
        |a: &Finding, b: &Finding| (a.code, &a.path, &a.message) == (b.code, &b.path, &b.message);
    let mut maybe: Vec<(Finding, Vec<usize>)> = only(&[])
        .into_iter()
        .filter(|f| {
            keep(f)
                && !swayed_by(&f.path, f.code, f.statement, &rest, &denies)
                && !certain.iter().any(|c| same(c, f))
        })
        .map(|f| (located(f), Vec::new()))
        .collect();
    if maybe.is_empty() {
        return (certain, maybe);
    }
    if unread.len() == 1 {
        maybe.iter_mut().for_each(|(_, by)| by.push(0));
    } else if unread.len() <= MAX_UNREAD_ATTRIBUTED {
        for (k, (i, _, _)) in unread.iter().enumerate() {
            let alone = only(&[*i]);
            for (f, by) in &mut maybe {
                if !alone.iter().any(|a| same(a, f)) {
                    by.push(k);
                }
            }
        }
    }
    (certain, maybe)
}

/// How a policy of `kind` is linted; `owner`, the account it belongs to when the file says
/// it only through `AWS::AccountId` (a repository in it, or its registry).
fn lint_config(
    kind: PolicyKind,
    owner: Option<&str>,
    parsed: &ParsedPolicy,
    config: &Config,
) -> LintConfig {
    let judged = match kind {
        PolicyKind::Repository => ModelKind::Repository,
        PolicyKind::Registry => ModelKind::Registry,
        PolicyKind::PublicRepository => ModelKind::PublicRepository,
    };
    let mut lint = LintConfig::default().kind(judged);
    if let Some(instant) = config.requests_from {
        lint = lint.requests_from(instant);
    }
    let Some(owner) = owner else {
        return lint;
    };
    match kind {
        PolicyKind::Repository => {
            // The repository's partition: the one its ARNs write, `aws` by default. Its
            // region and name are not compared with the policy's own ARNs, which name none.
            let text = parsed.document.to_json();
            let partition = ["aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"]
                .into_iter()
                .find(|p| text.contains(&format!("arn:{p}:")))
                .unwrap_or("aws");
            match format!("arn:{partition}:ecr:us-east-1:{owner}:repository/stack")
                .parse::<RepositoryArn>()
            {
                Ok(arn) => lint.repository(arn),
                Err(_) => lint,
            }
        }
        PolicyKind::Registry | PolicyKind::PublicRepository => match AccountId::new(owner) {
            Ok(account) => lint.registry_account(account),
            Err(_) => lint,
        },
    }
}

/// The codes that say a caller is allowed something: a wider Deny can only take them away,
/// so one found with a Deny at its widest holds with the Deny as it will be deployed.
fn is_grant(code: LintCode) -> bool {
    matches!(
        code,
        LintCode::PublicAccess
            | LintCode::ServicePrincipalWithoutSource
            | LintCode::ExternalPermissionsManagement
            | LintCode::ExternalWrite
            | LintCode::ExternalRead
    )
}

/// The policy with each Deny whose unknown values are all in its `Condition` at its widest:
/// without the tests that hold them (every test must hold for a Deny to apply, so one test
/// fewer denies at least as much), and the unknowns left elsewhere. None when no Deny is so.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
fn widen_denies(
    parsed: &ParsedPolicy,
    unknowns: &[Unknown],
) -> Option<(ParsedPolicy, Vec<Unknown>)> {
    // `Statement[2].Condition.StringEquals.aws:SourceAccount[0]` gives 2 and
    // `.StringEquals.aws:SourceAccount[0]`.
    let in_condition = |u: &Unknown| -> Option<(usize, String)> {
        let i = statement_index(&u.path)?;
        let rest = u.path.strip_prefix(&format!("Statement[{i}].Condition"))?;
        (rest.is_empty() || rest.starts_with('.')).then(|| (i, rest.to_owned()))
    };
    let widens = |i: usize| {
        parsed
            .document
            .statements
            .get(i)
            .is_some_and(|s| s.effect == Effect::Deny)
            && unknowns
                .iter()
                .filter(|u| statement_index(&u.path) == Some(i))
                .all(|u| in_condition(u).is_some())
    };
    if !unknowns
        .iter()
        .any(|u| in_condition(u).is_some_and(|(i, _)| widens(i)))
    {
        return None;
    }
    let mut widened = parsed.clone();
    let mut rest = Vec::new();
    for u in unknowns {
        let Some((i, at)) = in_condition(u).filter(|(i, _)| widens(*i)) else {
            rest.push(u.clone());
            continue;
        };
        let statement = widened.document.statements.items_mut().get_mut(i)?;
        let mut parts = at.trim_start_matches('.').splitn(2, '.');
        let operator = parts.next().filter(|o| !o.is_empty());
        // A value of a test: the key before its index.
        let key = parts.next().map(|k| k.split('[').next().unwrap_or(k));
        let before = statement.condition.tests().len();
        statement.condition = statement
            .condition
            .tests()
            .iter()
            .filter(|t| {
                let op = operator.is_none_or(|o| t.operator.to_string() == o);
                let k = key.is_none_or(|k| t.key.as_str().eq_ignore_ascii_case(k));
                !(op && k)
            })
            .cloned()
            .collect();
        // A value whose test is not found: the text and the document disagree, no widening.
        if key.is_some_and(|k| at.ends_with(']') && !k.contains("${"))
            && statement.condition.tests().len() == before
        {
            return None;
        }
    }
    Some((widened, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(scope: &str) -> Unknown {
        Unknown {
            what: "!Ref".to_owned(),
            path: String::new(),
            scope: scope.to_owned(),
            offset: 0,
        }
    }

    #[test]
    fn an_unknown_value_sways_the_findings_at_under_and_above_it() {
        let u = [unknown("Statement[0].Principal")];
        let public = LintCode::PublicAccess;
        let allows = |_: usize| false;
        let sway = |path, code, statement| swayed_by(path, code, statement, &u, &allows);
        assert!(sway("Statement[0].Principal", public, Some(0)));
        assert!(sway("Statement[0].Principal.AWS[1]", public, Some(0)));
        assert!(sway("Statement[0]", LintCode::MissingPrincipal, Some(0)));
        // Not a statement's other elements, nor other statements, nor `Statement[0].PrincipalX`.
        let wildcard = LintCode::WildcardAction;
        assert!(!sway("Statement[0].Action[1]", wildcard, Some(0)));
        assert!(!sway("Statement[1].Principal", public, Some(1)));
        assert!(!sway(
            "Statement[0].PrincipalX",
            LintCode::EmptyList,
            Some(0)
        ));
        // A finding about the whole policy may depend on any value; the presence of an
        // element does not.
        assert!(sway("", LintCode::PolicyTooLong, None));
        assert!(!sway("", LintCode::MissingVersion, None));
        assert!(!sway(
            "Statement[0].Principal",
            LintCode::ResourcePresent,
            Some(0)
        ));
    }

    #[test]
    fn a_judgement_of_access_weighs_its_statement_and_every_deny() {
        let action = Unknown {
            path: "Statement[2].Action[0]".to_owned(),
            ..unknown("Statement[2].Action")
        };
        let u = [action];
        let public = LintCode::PublicAccess;
        let none = |_: usize| false;
        // The statement's own actions and conditions decide what it grants.
        assert!(swayed_by(
            "Statement[2].Principal",
            public,
            Some(2),
            &u,
            &none
        ));
        assert!(!swayed_by(
            "Statement[2].Principal",
            LintCode::MalformedPrincipal,
            Some(2),
            &u,
            &none
        ));
        assert!(!swayed_by(
            "Statement[1].Principal",
            public,
            Some(1),
            &u,
            &none
        ));
        // A Deny with an unknown value may take away what any statement grants.
        let deny_two = |i: usize| i == 2;
        assert!(swayed_by(
            "Statement[1].Principal",
            public,
            Some(1),
            &u,
            &deny_two
        ));
        assert!(!swayed_by(
            "Statement[1].Action[0]",
            LintCode::WildcardAction,
            Some(1),
            &u,
            &deny_two
        ));
        assert_eq!(statement_index("Statement[12].Condition"), Some(12));
        assert_eq!(statement_index("Statement"), None);
        assert_eq!(statement_index("Statement[1].Sid"), None);
    }

    #[test]
    fn a_deny_unknown_only_in_its_condition_is_judged_at_its_widest() {
        let text = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"},{"Effect":"Deny","Principal":"*","Action":"ecr:PutImage","Condition":{"StringNotEquals":{"aws:SourceVpce":["vpce-1","unknown"],"aws:SourceAccount":"111122223333"},"Bool":{"aws:SecureTransport":"false"}}}]}"#;
        let parsed = ParsedPolicy::parse(text).unwrap();
        let at = |path: &str| Unknown {
            path: path.to_owned(),
            ..unknown("")
        };
        let vpce = at("Statement[1].Condition.StringNotEquals.aws:SourceVpce[1]");
        let (widened, rest) = widen_denies(&parsed, std::slice::from_ref(&vpce)).unwrap();
        assert!(rest.is_empty());
        let keys: Vec<&str> = widened.document.statements[1]
            .condition
            .tests()
            .iter()
            .map(|t| t.key.as_str())
            .collect();
        assert_eq!(keys, ["aws:SourceAccount", "aws:SecureTransport"]);
        // A whole operator, or the whole element.
        let (widened, _) =
            widen_denies(&parsed, &[at("Statement[1].Condition.StringNotEquals")]).unwrap();
        assert_eq!(widened.document.statements[1].condition.tests().len(), 1);
        let (widened, _) = widen_denies(&parsed, &[at("Statement[1].Condition")]).unwrap();
        assert!(widened.document.statements[1].condition.is_empty());
        // An unknown elsewhere in the Deny, or in an Allow's condition: not widened.
        let action = at("Statement[1].Action[0]");
        assert!(widen_denies(&parsed, &[vpce.clone(), action.clone()]).is_none());
        assert!(widen_denies(&parsed, &[at("Statement[0].Condition")]).is_none());
        // The other unknowns still sway what they touch.
        let sid = at("Statement[0].Principal");
        let (_, rest) = widen_denies(&parsed, &[vpce, sid]).unwrap();
        assert_eq!(rest.len(), 1);
        // A value the document does not hold: no widening.
        let missing = at("Statement[1].Condition.StringNotEquals.aws:SourceIp[0]");
        assert!(widen_denies(&parsed, &[missing]).is_none());
    }

    #[test]
    fn a_deny_that_cannot_be_read_makes_only_what_it_could_take_possible() {
        let text = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},{"Effect":"Allow","Principal":"*","Action":"ecr:PutImage"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"ecr:PutImage"}]}"#;
        let parsed = ParsedPolicy::parse(text).unwrap();
        let principal = Unknown {
            path: "Statement[2].Principal.AWS[0]".to_owned(),
            ..unknown("Statement[2].Principal")
        };
        let unknowns = [principal];
        let unread = unread_denies(&parsed, &unknowns).unwrap();
        assert_eq!(unread[0].0, 2);
        let grants = |f: &Finding| is_grant(f.code);
        let (certain, maybe) =
            past_unread_denies(&parsed, &LintConfig::default(), &unread, &unknowns, &grants);
        let paths = |f: &[Finding]| f.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&certain), ["Statement[0].Principal"]);
        let maybe_paths: Vec<&str> = maybe.iter().map(|(f, _)| f.path.as_str()).collect();
        assert_eq!(maybe_paths, ["Statement[1].Principal"]);
        assert_eq!(maybe[0].1, [0]);
        // An Allow, or a Deny whose Effect is unknown, may grant: not read so.
        let effect = Unknown {
            path: "Statement[2].Effect".to_owned(),
            ..unknown("Statement[2]")
        };
        assert!(unread_denies(&parsed, &[unknowns[0].clone(), effect]).is_none());
        let allow = Unknown {
            path: "Statement[0].Action[0]".to_owned(),
            ..unknown("Statement[0].Action")
        };
        assert!(unread_denies(&parsed, &[allow]).is_none());
    }

    #[test]
    fn a_deny_unknown_in_its_condition_beside_an_unread_one_makes_what_it_could_take_possible() {
        // Statement[3]'s principal and Statement[4]'s condition are unknown.
        let text = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},{"Effect":"Allow","Principal":"*","Action":"ecr:PutImage"},{"Effect":"Allow","Principal":"*","Action":"ecr:BatchDeleteImage"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"ecr:BatchDeleteImage"},{"Effect":"Deny","Principal":"*","Action":"ecr:PutImage","Condition":{"StringNotEquals":{"aws:SourceVpce":"unknown"}}}]}"#;
        let parsed = ParsedPolicy::parse(text).unwrap();
        let at = |path: &str| Unknown {
            path: path.to_owned(),
            ..unknown("")
        };
        let unknowns = [
            at("Statement[3].Principal.AWS[0]"),
            at("Statement[4].Condition.StringNotEquals.aws:SourceVpce[0]"),
        ];
        let unread = unread_denies(&parsed, &unknowns).unwrap();
        let read: Vec<usize> = unread.iter().map(|u| u.0).collect();
        assert_eq!(read, [3, 4]);
        let grants = |f: &Finding| is_grant(f.code);
        let (certain, maybe) =
            past_unread_denies(&parsed, &LintConfig::default(), &unread, &unknowns, &grants);
        let paths = |f: &[Finding]| f.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&certain), ["Statement[0].Principal"]);
        let maybe: Vec<(&str, &[usize])> = maybe
            .iter()
            .map(|(f, by)| (f.path.as_str(), by.as_slice()))
            .collect();
        // Each possible grant names the one Deny that may take it away.
        assert_eq!(
            maybe,
            [
                ("Statement[1].Principal", &[1][..]),
                ("Statement[2].Principal", &[0][..])
            ]
        );
        // Alone, a Deny unknown only in its condition is widened, not read so.
        assert!(unread_denies(&parsed, &unknowns[1..]).is_none());
    }

    #[test]
    fn template_keys_are_found_as_by_a_scan_for_each() {
        let texts = [
            "",
            "\"",
            "{\"Statement\": []}",
            "{\"Resources\": {}}",
            "{\"a\": \"x\", \"resource_changes\"",
            "\"planned_values",
            "x\"planned_values\"",
            "\"\"Resources\"\"",
            "{\"Resource\": \"s\"}",
        ];
        for t in texts {
            let scans = TEMPLATE_KEYS.iter().any(|k| t.contains(k));
            assert_eq!(names_template_key(t), scans, "{t:?}");
        }
    }

    #[test]
    fn policy_kinds_drop_the_codes_that_do_not_apply() {
        let registry = PolicyKind::Registry;
        assert!(!applies_to(registry, LintCode::ResourcePresent, ""));
        assert!(applies_to(registry, LintCode::PublicAccess, ""));
        let public = PolicyKind::PublicRepository;
        let known = r#"unknown action "ecr-public:PutImage""#;
        let unknown = r#"unknown action "ecr-public:PushImage""#;
        assert!(!applies_to(public, LintCode::UnknownAction, known));
        assert!(applies_to(public, LintCode::UnknownAction, unknown));
        assert!(applies_to(
            PolicyKind::Repository,
            LintCode::UnknownAction,
            known
        ));
    }
}
