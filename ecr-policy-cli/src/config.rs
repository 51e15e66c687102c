//! `.ecr-policy.json`: the level that fails a run, codes allowed everywhere, and codes allowed
//! in one statement (by file pattern and Sid).
//!
//! ```json
//! {
//!   "deny": "warning",
//!   "allow": ["missing-version"],
//!   "statements": [
//!     {"file": "policies/public-*.json", "sid": "PublicPull", "allow": ["public-access"]}
//!   ]
//! }
//! ```

use std::path::{Path, PathBuf};

use crate::api::Severity;
use serde_json::Value;

use crate::codes::{parse_code, parse_severity, Code};

/// The name looked for in the current directory and its parents.
pub const FILE_NAME: &str = ".ecr-policy.json";

/// Codes allowed in the statements with `sid` of the files matching `file`.
#[derive(Clone, Debug)]
pub struct StatementAllow {
    pub file: Option<glob::Pattern>,
    pub sid: String,
    pub codes: Vec<Code>,
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    pub deny: Option<Severity>,
    pub allow: Vec<Code>,
    pub statements: Vec<StatementAllow>,
    /// The folder of the config file: `file` patterns are relative to it.
    pub base: Option<PathBuf>,
    /// Requests are judged as made at or after this instant (`--requests-from`).
    pub requests_from: Option<std::time::SystemTime>,
}

impl Config {
    /// The config file at `path`, or the nearest `.ecr-policy.json` up from the current
    /// directory; none is an empty config.
    pub fn load(path: Option<&Path>) -> Result<Config, String> {
        let found = match path {
            Some(p) => Some(p.to_path_buf()),
            None => std::env::current_dir().ok().and_then(|dir| {
                dir.ancestors()
                    .map(|d| d.join(FILE_NAME))
                    .find(|p| p.is_file())
            }),
        };
        let Some(file) = found else {
            return Ok(Config::default());
        };
        let name = file.display().to_string();
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{name}: {e}"))?;
        let mut config = parse(&text).map_err(|e| format!("{name}: {e}"))?;
        config.base = file.parent().map(Path::to_path_buf);
        Ok(config)
    }

    /// Whether `code` is allowed in statement `sid` of `file` (the name as given).
    pub fn allows_in(&self, file: &str, sid: Option<&str>, code: Code) -> bool {
        if self.allow.contains(&code) {
            return true;
        }
        let Some(sid) = sid else {
            return false;
        };
        // The relative name (the current directory, an allocation) only for a statement
        // that could allow the code: most findings have none.
        let mut relative = None;
        self.statements.iter().any(|s| {
            s.sid == sid
                && s.codes.contains(&code)
                && s.file
                    .as_ref()
                    .is_none_or(|p| p.matches(relative.get_or_insert_with(|| self.relative(file))))
        })
    }

    /// `file` relative to the config's folder, with `/` separators.
    fn relative(&self, file: &str) -> String {
        let path = Path::new(file);
        let rel = match (&self.base, std::env::current_dir()) {
            (Some(base), Ok(cwd)) => {
                let abs = cwd.join(path);
                let base = if base.as_os_str().is_empty() {
                    cwd.clone()
                } else {
                    cwd.join(base)
                };
                abs.strip_prefix(&base)
                    .map(Path::to_path_buf)
                    .unwrap_or(abs)
            }
            _ => path.to_path_buf(),
        };
        let s = rel.to_string_lossy().replace('\\', "/");
        s.strip_prefix("./").unwrap_or(&s).to_owned()
    }
}

fn codes(v: &Value, at: &str) -> Result<Vec<Code>, String> {
    let Some(items) = v.as_array() else {
        return Err(format!("\"{at}\" must be a list of lint codes"));
    };
    items
        .iter()
        .map(|c| {
            c.as_str()
                .ok_or_else(|| format!("\"{at}\" must hold strings"))
                .and_then(parse_code)
        })
        .collect()
}

/// Reads the config text.
pub fn parse(text: &str) -> Result<Config, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Some(obj) = v.as_object() else {
        return Err("the config must be a JSON object".to_owned());
    };
    let mut config = Config::default();
    for (key, value) in obj {
        match key.as_str() {
            "deny" => {
                let s = value.as_str().ok_or("\"deny\" must be a severity")?;
                config.deny = Some(parse_severity(s)?);
            }
            "allow" => config.allow = codes(value, "allow")?,
            "statements" => {
                let Some(items) = value.as_array() else {
                    return Err("\"statements\" must be a list".to_owned());
                };
                for (i, item) in items.iter().enumerate() {
                    let at = format!("statements[{i}]");
                    let sid = item
                        .get("sid")
                        .and_then(Value::as_str)
                        .ok_or(format!("{at}: \"sid\" (a string) is required"))?;
                    let file = match item.get("file") {
                        None => None,
                        Some(f) => {
                            let f = f
                                .as_str()
                                .ok_or(format!("{at}: \"file\" must be a string"))?;
                            Some(
                                glob::Pattern::new(f)
                                    .map_err(|e| format!("{at}: \"file\": {e}"))?,
                            )
                        }
                    };
                    let codes = codes(
                        item.get("allow").unwrap_or(&Value::Null),
                        &format!("{at}.allow"),
                    )?;
                    if let Some(other) = item.as_object().and_then(|o| {
                        o.keys()
                            .find(|k| !["sid", "file", "allow", "reason"].contains(&k.as_str()))
                    }) {
                        return Err(format!(
                            "{at}: unknown key \"{other}\" (expected sid, file, allow, reason)"
                        ));
                    }
                    config.statements.push(StatementAllow {
                        file,
                        sid: sid.to_owned(),
                        codes,
                    });
                }
            }
            other => {
                return Err(format!(
                    "unknown key \"{other}\" (expected deny, allow, statements)"
                ))
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::LintCode;

    #[test]
    fn reads_every_key_and_refuses_unknown_ones() {
        let c = parse(r#"{"deny": "error", "allow": ["missing-version"],
            "statements": [{"file": "p/*.json", "sid": "Pub", "allow": ["public-access"], "reason": "a public image"}]}"#)
        .unwrap();
        assert_eq!(c.deny, Some(Severity::Error));
        assert!(c.allows_in("anything.json", None, Code::Lint(LintCode::MissingVersion)));
        assert!(c.allows_in("p/a.json", Some("Pub"), Code::Lint(LintCode::PublicAccess)));
        assert!(!c.allows_in("q/a.json", Some("Pub"), Code::Lint(LintCode::PublicAccess)));
        assert!(!c.allows_in(
            "p/a.json",
            Some("Other"),
            Code::Lint(LintCode::PublicAccess)
        ));
        assert!(parse(r#"{"allow": ["no-such-code"]}"#)
            .unwrap_err()
            .contains("no-such-code"));
        assert!(parse(r#"{"deny": "fatal"}"#).unwrap_err().contains("fatal"));
        assert!(parse(r#"{"alow": []}"#).unwrap_err().contains("alow"));
    }
}
