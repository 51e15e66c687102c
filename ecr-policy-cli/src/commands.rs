//! `fmt`, `diff`, `equivalent`, `explain`, `to-dsl` and `catalogue`: the subcommands on one
//! JSON policy at a time.

use std::path::Path;

use crate::api::{
    AccessChange, AccountId, Action, Bundle, Caller, DiffOptions, Evaluator, Outcome,
    PolicyDocument, RepositoryArn, Request, RequestAction, KNOWN_KEYS,
};
use serde_json::{json, Value};

use crate::extract::{self, FileKind};
use crate::input::{self, SourceFile};
use crate::print;
use crate::tree;

/// Reads a JSON policy file; on error prints it (naming the file, line and column) and gives
/// exit code 2.
pub(crate) fn read_policy(arg: &str) -> Result<(SourceFile, PolicyDocument), u8> {
    let file = input::read(Path::new(arg), false, "<stdin>").map_err(|e| {
        eprintln!("error: {}: {}", e.name, e.message);
        2
    })?;
    match PolicyDocument::from_json(&file.text) {
        Ok(doc) => Ok((file, doc)),
        Err(e) => {
            eprintln!(
                "error: {}:{}:{}: {}",
                file.name,
                e.line(),
                e.column(),
                e.message()
            );
            if let Some(h) = not_a_policy_file(&file).or_else(|| e.hint()) {
                eprintln!("  help: {h}");
            }
            Err(2)
        }
    }
}

/// What a file that is no JSON policy holds, when it is something `lint` reads: a template,
/// a plan or state, or a policy in YAML.
fn not_a_policy_file(file: &SourceFile) -> Option<String> {
    let json = file.text.trim_start().starts_with(['{', '[']);
    let root = if json {
        tree::parse_json(&file.text).ok()?
    } else {
        tree::parse_yaml(&file.text).ok()?
    };
    let what = match extract::classify(&root) {
        FileKind::CloudFormation => "a CloudFormation template",
        FileKind::TerraformPlan => "Terraform JSON (a plan or a state)",
        FileKind::TerraformConfig => "Terraform configuration in JSON",
        FileKind::Policy if !json => "a policy written in YAML",
        _ => return None,
    };
    Some(format!(
        "the file is {what}: this command reads one policy as JSON; `ecr-policy lint` checks the policies of templates, plans and YAML files"
    ))
}

pub fn fmt(paths: &[String], aws: bool, check: bool) -> u8 {
    let mut unformatted = false;
    // Read every file first: one that cannot be read stops the run before anything is written.
    let mut docs = Vec::new();
    for p in paths {
        let lower = p.to_ascii_lowercase();
        if [".yaml", ".yml", ".template"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            eprintln!("error: {p}: fmt rewrites JSON policy files; a policy inside a template stays as the template writes it");
            return 2;
        }
        match read_policy(p) {
            Ok(d) => docs.push((p, d)),
            Err(code) => return code,
        }
    }
    for (arg, (file, doc)) in docs {
        let mut formatted = if aws {
            doc.to_aws_json()
        } else {
            doc.to_json_pretty()
        };
        if !formatted.ends_with('\n') {
            formatted.push('\n');
        }
        if arg == "-" && !check {
            print(&formatted);
            continue;
        }
        if formatted == file.text {
            continue;
        }
        if check {
            unformatted = true;
            let diff = similar::TextDiff::from_lines(&file.text, &formatted);
            print(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&file.name, &format!("{} (formatted)", file.name))
                    .to_string(),
            );
            continue;
        }
        if let Err(e) = write_atomically(Path::new(arg), &formatted) {
            eprintln!("error: {}: cannot write: {e}", file.name);
            return 2;
        }
    }
    u8::from(unformatted)
}

/// Writes through a temporary file in the same folder, so a failed write leaves the file as
/// it was.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("policy");
    let tmp = dir.join(format!(".{name}.ecr-policy-fmt"));
    std::fs::write(&tmp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn change_json(c: &AccessChange) -> Value {
    json!({
        "effect": c.effect.to_string(),
        "principal": c.principal,
        "actions": c.actions,
        "bundle": c.bundle.map(|b| b.keyword()),
        "resource": c.resource,
        "conditions": c.conditions,
        "counterexample": c.counterexample.as_ref().map(|p| json!({
            "request": p.to_string(),
            "certain": p.is_certain(),
        })),
    })
}

/// The parts of a `diff` or `equivalent`, as given on the command line.
pub struct DiffRequest<'a> {
    pub before: &'a str,
    pub after: &'a str,
    pub repo: Option<&'a str>,
    pub account: Option<&'a str>,
    pub json: bool,
    pub only_verdict: bool,
}

pub fn diff(r: &DiffRequest<'_>) -> u8 {
    let (json_out, only_verdict) = (r.json, r.only_verdict);
    let mut options = DiffOptions::default();
    if let Some(repo) = r.repo {
        match repo.parse::<RepositoryArn>() {
            Ok(arn) => options = DiffOptions::on(arn),
            Err(e) => {
                eprintln!("error: --repo: {e}");
                eprintln!(
                    "  help: give a repository ARN: arn:aws:ecr:REGION:ACCOUNT:repository/NAME"
                );
                return 2;
            }
        }
    }
    if let Some(account) = r.account {
        match AccountId::new(account) {
            Ok(id) => options = DiffOptions::in_account(id),
            Err(e) => {
                eprintln!("error: --account: {e}");
                return 2;
            }
        }
    }
    let (a, b) = match (read_policy(r.before), read_policy(r.after)) {
        (Ok((_, a)), Ok((_, b))) => (a, b),
        (Err(c), _) | (_, Err(c)) => return c,
    };
    let d = a.diff_with(&b, &options);
    let same = d.is_empty();
    if json_out {
        let mut v = json!({ "equivalent": same });
        if !only_verdict {
            v["added"] = d.added.iter().map(change_json).collect();
            v["removed"] = d.removed.iter().map(change_json).collect();
            v["version_changed"] = json!(d.version_changed);
        }
        print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
    } else if only_verdict {
        print(if same {
            "equivalent\n"
        } else {
            "not equivalent: access differs (`ecr-policy diff` says how)\n"
        });
    } else if !same {
        let mut s = d.to_string();
        if d.version_changed {
            s.push_str("~ Version: policy variables are read differently\n");
        }
        print(&s);
    }
    u8::from(!same)
}

/// The parts of an `explain` request, as given on the command line.
pub struct ExplainRequest<'a> {
    pub policy: &'a str,
    pub caller: &'a str,
    pub action: &'a str,
    pub repo: &'a str,
    pub context: &'a [String],
    pub identity_policy: Option<&'a str>,
    pub json: bool,
}

pub fn explain(r: &ExplainRequest<'_>) -> u8 {
    let (_, policy) = match read_policy(r.policy) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let caller = if r.caller.starts_with("arn:") {
        Caller::from_arn(r.caller)
    } else {
        r.caller.parse().map(Caller::service)
    };
    let caller = match caller {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: --caller {}: {e}", r.caller);
            eprintln!("  help: give an ARN (arn:aws:iam::ACCOUNT:user/NAME, arn:aws:iam::ACCOUNT:role/NAME, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, arn:aws:iam::ACCOUNT:root) or a service (codebuild.amazonaws.com)");
            return 2;
        }
    };
    let repo: RepositoryArn = match r.repo.parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: --repo {}: {e}", r.repo);
            return 2;
        }
    };
    let action = match r.action.parse::<Action>() {
        Ok(a) => RequestAction::Ecr(a),
        // Another service's action: the repository policy cannot decide it, which `explain`
        // says; an unknown `ecr:` action is a mistake.
        Err(_)
            if r.action
                .split_once(':')
                .is_some_and(|(service, _)| !service.eq_ignore_ascii_case("ecr")) =>
        {
            RequestAction::Other(r.action.to_owned())
        }
        Err(e) => {
            eprintln!("error: --action {}: {e}", r.action);
            return 2;
        }
    };
    let mut request = Request::new(caller, action, repo);
    let mut keys: Vec<(&str, Vec<&str>)> = Vec::new();
    for kv in r.context {
        let Some((k, v)) = kv.split_once('=') else {
            eprintln!(
                "error: --context {kv}: expected KEY=VALUE, e.g. aws:SourceAccount=123456789012"
            );
            return 2;
        };
        match keys.iter_mut().find(|(key, _)| key.eq_ignore_ascii_case(k)) {
            Some((_, values)) => values.push(v),
            None => keys.push((k, vec![v])),
        }
    }
    for (k, values) in keys {
        request = request.context(k, values);
    }
    let mut evaluator = Evaluator::new(&policy);
    if let Some(path) = r.identity_policy {
        match read_policy(path) {
            Ok((_, identity)) => evaluator = evaluator.with_identity_policy(identity),
            Err(c) => return c,
        }
    }
    let decision = evaluator.explain(&request);
    if r.json {
        let statements: Vec<Value> = decision
            .statements
            .iter()
            .map(|s| {
                json!({
                    "policy": s.statement.policy.to_string(),
                    "index": s.statement.index,
                    "sid": s.statement.sid,
                    "effect": s.statement.effect.to_string(),
                    "applies": s.result.is_ok(),
                    "mismatches": match &s.result {
                        Ok(_) => Vec::new(),
                        Err(m) => m.iter().map(ToString::to_string).collect(),
                    },
                })
            })
            .collect();
        let v = json!({
            "outcome": decision.outcome.to_string(),
            "allowed": decision.outcome == Outcome::Allowed,
            "reason": decision.reason.describe(),
            "deciding": decision.deciding.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "statements": statements,
        });
        print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
    } else {
        print(&format!("{decision}\n"));
    }
    u8::from(decision.outcome != Outcome::Allowed)
}

pub fn to_dsl(arg: &str) -> u8 {
    let (file, doc) = match read_policy(arg) {
        Ok(p) => p,
        Err(c) => return c,
    };
    match doc.to_dsl() {
        Ok(s) => {
            print(&format!("{}\n", s.trim_end()));
            0
        }
        Err(e) => {
            eprintln!("error: {}: {e}", file.name);
            1
        }
    }
}

fn matches(filter: Option<&str>, names: &[&str]) -> bool {
    filter.is_none_or(|f| {
        let f = f.to_ascii_lowercase();
        names.iter().any(|n| n.to_ascii_lowercase().contains(&f))
    })
}

pub(crate) fn table(rows: &[Vec<String>]) -> String {
    let mut widths = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if widths.len() <= i {
                widths.push(0);
            }
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn emit(json_out: bool, rows: Vec<Vec<String>>, items: Vec<Value>) -> u8 {
    if json_out {
        print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&Value::Array(items)).unwrap_or_default()
        ));
    } else {
        print(&table(&rows));
    }
    0
}

pub fn catalogue_actions(filter: Option<&str>, json_out: bool) -> u8 {
    let mut rows = vec![vec!["ACTION".into(), "ACCESS".into(), "RESOURCE".into()]];
    let mut items = Vec::new();
    for a in Action::ALL {
        if !matches(filter, &[a.as_str()]) {
            continue;
        }
        rows.push(vec![
            a.as_str().into(),
            a.access_level().as_str().into(),
            a.resource_type().as_str().into(),
        ]);
        items.push(json!({
            "action": a.as_str(),
            "access_level": a.access_level().as_str(),
            "resource": a.resource_type().as_str(),
            "condition_keys": a.condition_keys(),
        }));
    }
    emit(json_out, rows, items)
}

pub fn catalogue_bundles(filter: Option<&str>, json_out: bool) -> u8 {
    let mut rows = vec![vec![
        "BUNDLE".into(),
        "ACTIONS".into(),
        "DESCRIPTION".into(),
    ]];
    let mut items = Vec::new();
    for b in Bundle::ALL {
        let actions: Vec<&str> = b.actions().iter().map(|a| a.as_str()).collect();
        let mut names = actions.clone();
        names.push(b.keyword());
        if !matches(filter, &names) {
            continue;
        }
        rows.push(vec![
            b.keyword().into(),
            actions.join(", "),
            b.description().into(),
        ]);
        items.push(json!({
            "bundle": b.keyword(),
            "actions": actions,
            "description": b.description(),
        }));
    }
    emit(json_out, rows, items)
}

pub fn catalogue_keys(filter: Option<&str>, json_out: bool) -> u8 {
    let mut rows = vec![vec![
        "KEY".into(),
        "TYPE".into(),
        "MULTI".into(),
        "DESCRIPTION".into(),
    ]];
    let mut items = Vec::new();
    for k in KNOWN_KEYS {
        if !matches(filter, &[k.name]) {
            continue;
        }
        let name = if k.is_prefix {
            format!("{}<tag-key>", k.name)
        } else {
            k.name.to_owned()
        };
        let ty = format!("{:?}", k.value_type).to_ascii_lowercase();
        rows.push(vec![
            name.clone(),
            ty.clone(),
            if k.multi_valued { "yes" } else { "no" }.into(),
            k.description.into(),
        ]);
        items.push(json!({
            "key": name,
            "type": ty,
            "multi_valued": k.multi_valued,
            "description": k.description,
        }));
    }
    emit(json_out, rows, items)
}
