//! The compact JSON of a fully literal policy, computed at compile time to enforce ECR's size
//! limit. It follows the builder step for step (principal de-duplication, canonical action
//! order, merging of condition tests) and the compact renderer of policy-core; a test in the
//! root package checks the text against `to_json()` for every grammar form.

use policy_catalogue::checks::SPARED_BY;
use policy_catalogue::ConditionOperator;

use crate::arn::Arn;

use crate::validate::{ActionItem, CondVal, Policy, Principal, Statement, Val, VersionVal};

/// The account written for principals of the policy's account when the policy has none yet: an
/// account id always has 12 characters, so the length is exact whatever account is bound.
pub const PLACEHOLDER_ACCOUNT: &str = "000000000000";

pub use policy_catalogue::checks::MAX_POLICY_LENGTH;

/// The compact JSON of the policy, or `None` when some slot is interpolated.
pub fn compact_json(policy: &Policy) -> Option<String> {
    if policy.statements.iter().any(|s| s.splice.is_some()) {
        return None;
    }
    let account = match &policy.account {
        Some(Val::Lit(a)) => a.as_str(),
        Some(Val::Expr(_)) => return None,
        None => PLACEHOLDER_ACCOUNT,
    };
    let version = match &policy.version {
        None => "2012-10-17",
        Some(VersionVal::Variant("V2008_10_17")) => "2008-10-17",
        Some(VersionVal::Variant(_)) => "2012-10-17",
        Some(VersionVal::Expr(_)) => return None,
    };
    let mut out = format!("{{\"Version\":\"{version}\"");
    if let Some(id) = &policy.id {
        out.push_str(",\"Id\":");
        string(&mut out, id.lit()?);
    }
    out.push_str(",\"Statement\":[");
    for (i, s) in policy.statements.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        statement(&mut out, s, account)?;
    }
    out.push_str("]}");
    Some(out)
}

/// Where a principal sits in JSON.
#[derive(PartialEq)]
enum Key {
    Anyone,
    Aws,
    Service,
}

fn statement(out: &mut String, s: &Statement, account: &str) -> Option<()> {
    // Principals, as the builder keeps them: (waits for the policy account, key, text), unique.
    let mut principals: Vec<(bool, Key, String)> = Vec::new();
    let mut conditions: Vec<(ConditionOperator, String, Vec<String>)> = Vec::new();
    let push_condition =
        |conditions: &mut Vec<(ConditionOperator, String, Vec<String>)>, op, key: &str, values| {
            match conditions.iter_mut().find(|(o, k, _)| *o == op && k == key) {
                Some((_, _, existing)) => existing.extend(values),
                None => conditions.push((op, key.to_owned(), values)),
            }
        };
    for p in &s.principals {
        let (pending, key, text) = match p {
            Principal::Named {
                role,
                path,
                name,
                account: own,
            } => {
                let kind = if *role { "role" } else { "user" };
                let acct = own.as_ref().map_or(Some(account), Val::lit)?;
                let path = path.as_deref().unwrap_or("/");
                let text = format!("arn:aws:iam::{acct}:{kind}{path}{}", name.lit()?);
                (own.is_none(), Key::Aws, text)
            }
            Principal::Session {
                role,
                session,
                account: own,
            } => {
                let acct = own.as_ref().map_or(Some(account), Val::lit)?;
                let text = format!(
                    "arn:aws:sts::{acct}:assumed-role/{}/{}",
                    role.lit()?,
                    session.lit()?
                );
                (own.is_none(), Key::Aws, text)
            }
            Principal::Account(a) => (false, Key::Aws, format!("arn:aws:iam::{}:root", a.lit()?)),
            Principal::Service(n) => (false, Key::Service, n.lit()?.to_owned()),
            Principal::Anyone => (false, Key::Anyone, "*".to_owned()),
            Principal::Org(o) => {
                push_condition(
                    &mut conditions,
                    ConditionOperator::new(policy_catalogue::Operator::StringEquals),
                    "aws:PrincipalOrgID",
                    vec![quoted(o.lit()?)],
                );
                (false, Key::Anyone, "*".to_owned())
            }
            Principal::Arn(a) => (false, Key::Aws, a.text()),
            Principal::ArnExpr(_) => return None,
        };
        let entry = (pending, key, text);
        if !principals.contains(&entry) {
            principals.push(entry);
        }
    }
    // Actions in canonical order: catalogue actions by rank, then patterns by text; unique.
    let mut actions: Vec<(u8, u8, String)> = Vec::new();
    for a in &s.actions {
        match a {
            ActionItem::Bundle(b) => actions.extend(
                b.actions()
                    .iter()
                    .map(|a| (0, a.rank(), a.as_str().to_owned())),
            ),
            ActionItem::Action(a) => actions.push((0, a.rank(), a.as_str().to_owned())),
            ActionItem::Pattern(p) => actions.push((2, 0, p.clone())),
            // Only repository policies are measured, and they hold no ECR Public action.
            ActionItem::Expr(_)
            | ActionItem::Public(_)
            | ActionItem::PublicBundle(_)
            | ActionItem::Other(_) => return None,
        }
    }
    actions.sort();
    actions.dedup();
    for c in &s.conditions {
        let mut values = Vec::new();
        for v in &c.values {
            values.push(match v {
                CondVal::Str(s) => quoted(s),
                CondVal::Bool(b) => b.to_string(),
                CondVal::Num(n) => n.to_string(),
                CondVal::Expr(_) | CondVal::Account(_) | CondVal::Org(_) => return None,
            });
        }
        push_condition(&mut conditions, c.operator, c.key.lit()?, values);
    }
    // `deny anyone except`: the tests the builder's `spare` adds last, in this order.
    let (mut arns, mut accounts, mut services) = (Vec::new(), Vec::new(), Vec::new());
    for p in &s.spared {
        match p {
            Principal::Named {
                role,
                path,
                name,
                account: own,
            } => {
                let kind = if *role { "role" } else { "user" };
                let acct = own.as_ref().map_or(Some(account), Val::lit)?;
                let path = path.as_deref().unwrap_or("/");
                arns.push(quoted(&format!(
                    "arn:aws:iam::{acct}:{kind}{path}{}",
                    name.lit()?
                )));
            }
            Principal::Arn(Arn::Account { account, .. }) => accounts.push(quoted(account)),
            Principal::Arn(a) => arns.push(quoted(&a.text())),
            Principal::Account(a) => accounts.push(quoted(a.lit()?)),
            Principal::Service(n) => services.push(quoted(n.lit()?)),
            _ => return None,
        }
    }
    for ((operator, key), values) in SPARED_BY.into_iter().zip([arns, accounts, services]) {
        if !values.is_empty() {
            push_condition(
                &mut conditions,
                ConditionOperator::new(operator),
                key,
                values,
            );
        }
    }

    out.push('{');
    if let Some(sid) = &s.sid {
        out.push_str("\"Sid\":");
        string(out, sid.lit()?);
        out.push(',');
    }
    out.push_str(if s.deny {
        "\"Effect\":\"Deny\""
    } else {
        "\"Effect\":\"Allow\""
    });
    out.push_str(if s.not_principal {
        ",\"NotPrincipal\":"
    } else {
        ",\"Principal\":"
    });
    if principals.iter().any(|(_, k, _)| *k == Key::Anyone) {
        out.push_str("\"*\"");
    } else {
        out.push('{');
        let mut first = true;
        for (key, name) in [(Key::Aws, "AWS"), (Key::Service, "Service")] {
            let texts: Vec<&str> = principals
                .iter()
                .filter(|(_, k, _)| *k == key)
                .map(|(_, _, t)| t.as_str())
                .collect();
            if texts.is_empty() {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&format!("\"{name}\":"));
            list(out, &texts.iter().map(|t| quoted(t)).collect::<Vec<_>>());
        }
        out.push('}');
    }
    out.push_str(if s.not_action {
        ",\"NotAction\":["
    } else {
        ",\"Action\":["
    });
    for (i, (_, _, text)) in actions.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, text);
    }
    out.push(']');
    if !conditions.is_empty() {
        out.push_str(",\"Condition\":{");
        let mut operators: Vec<ConditionOperator> = Vec::new();
        for (op, _, _) in &conditions {
            if !operators.contains(op) {
                operators.push(*op);
            }
        }
        for (i, op) in operators.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(out, &op.to_string());
            out.push_str(":{");
            for (j, (_, key, values)) in conditions.iter().filter(|(o, _, _)| o == op).enumerate() {
                if j > 0 {
                    out.push(',');
                }
                string(out, key);
                out.push(':');
                list(out, values);
            }
            out.push('}');
        }
        out.push('}');
    }
    out.push('}');
    Some(())
}

/// Values already in JSON form: one is written bare, several as an array.
fn list(out: &mut String, values: &[String]) {
    if let [one] = values {
        out.push_str(one);
        return;
    }
    out.push('[');
    out.push_str(&values.join(","));
    out.push(']');
}

fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    string(&mut out, text);
    out
}

/// A JSON string, escaped as serde_json escapes it.
fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}
