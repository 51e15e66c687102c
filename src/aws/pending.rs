//! TEMPORARY stand-ins for functions that `policy-core` is gaining: the JSON parser
//! (`PolicyDocument::from_json`), the equivalence (`equivalent`, `diff`, `PolicyDiff`) and the
//! lint's lock-out check. Each is the smallest thing the `aws` module needs, written against the
//! intended signature so that swapping in the real function is a one-line change per item:
//!
//! | stand-in | replaced by |
//! | --- | --- |
//! | [`from_json`] | `PolicyDocument::from_json` |
//! | [`equivalent`] | `equivalent(a, b)` |
//! | [`diff`], [`PolicyDiff`] | `diff(a, b)`, `PolicyDiff` |
//! | [`lock_out`] | the lint's lock-out check |
//!
//! Nothing outside `src/aws/` uses this module.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use crate::{
    ActionElement, ActionItem, AwsPrincipal, Condition, ConditionKey, ConditionOperator,
    ConditionValue, Conditions, Effect, ListForm, PolicyDocument, PolicyId, Principal,
    PrincipalElement, ResourceElement, ServiceName, Sid, Statement, ValueList, Version,
};

// ---------------------------------------------------------------------------------------------
// Parsing (stand-in for `PolicyDocument::from_json`).

/// Reads a policy document from JSON: the shapes ECR stores and returns (objects or arrays of
/// statements, bare strings or lists, every principal kind, conditions).
pub(crate) fn from_json(text: &str) -> Result<PolicyDocument, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(top) = value else {
        return Err("a policy must be a JSON object".to_owned());
    };
    let mut document = PolicyDocument::new(Version::default());
    document.version = None;
    for (key, value) in &top {
        match key.as_str() {
            "Version" => {
                let v = as_str(value, "Version")?;
                document.version = Some(v.parse().map_err(|e| format!("Version: {e}"))?);
            }
            "Id" => {
                let id = as_str(value, "Id")?;
                document.id = Some(PolicyId::new(id).map_err(|e| format!("Id: {e}"))?);
            }
            "Statement" => {
                let (items, form) = list(value);
                let statements = items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| statement(s).map_err(|e| format!("Statement[{i}].{e}")))
                    .collect::<Result<Vec<_>, _>>()?;
                document.statements = ValueList::new(statements, form);
            }
            other => return Err(format!("unknown top-level element {other:?}")),
        }
    }
    if !top.contains_key("Statement") {
        return Err("the policy has no Statement".to_owned());
    }
    Ok(document)
}

fn as_str<'v>(value: &'v Value, what: &str) -> Result<&'v str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("{what} must be a string"))
}

/// The values of a list-valued element and the form it was written in.
fn list(value: &Value) -> (Vec<&Value>, ListForm) {
    match value {
        Value::Array(items) => (items.iter().collect(), ListForm::Array),
        one => (vec![one], ListForm::Compact),
    }
}

fn strings<'v>(value: &'v Value, what: &str) -> Result<(Vec<&'v str>, ListForm), String> {
    let (items, form) = list(value);
    let texts = items
        .into_iter()
        .map(|v| as_str(v, what))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((texts, form))
}

fn statement(value: &Value) -> Result<Statement, String> {
    let Value::Object(map) = value else {
        return Err("a statement must be an object".to_owned());
    };
    let effect = match map.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => return Err("Effect must be \"Allow\" or \"Deny\"".to_owned()),
    };
    let mut s = Statement::new(effect);
    for (key, value) in map {
        match key.as_str() {
            "Effect" => {}
            "Sid" => {
                s.sid = Some(Sid::new(as_str(value, "Sid")?).map_err(|e| format!("Sid: {e}"))?)
            }
            "Principal" | "NotPrincipal" => {
                s.principal = Some(PrincipalElement {
                    negated: key == "NotPrincipal",
                    principals: principals(value).map_err(|e| format!("{key}: {e}"))?,
                });
            }
            "Action" | "NotAction" => {
                let (texts, form) = strings(value, key)?;
                s.action = Some(ActionElement {
                    negated: key == "NotAction",
                    actions: ValueList::new(
                        texts.into_iter().map(ActionItem::parse).collect(),
                        form,
                    ),
                });
            }
            "Resource" | "NotResource" => {
                let (texts, form) = strings(value, key)?;
                s.resource = Some(ResourceElement {
                    negated: key == "NotResource",
                    resources: ValueList::new(texts.into_iter().map(str::to_owned).collect(), form),
                });
            }
            "Condition" => s.condition = conditions(value)?,
            other => return Err(format!("{other}: unknown statement element")),
        }
    }
    Ok(s)
}

fn principals(value: &Value) -> Result<ValueList<Principal>, String> {
    match value {
        Value::String(s) if s == "*" => {
            Ok(ValueList::new(vec![Principal::Anyone], ListForm::Compact))
        }
        Value::Object(map) => {
            let mut out = Vec::new();
            let mut form = ListForm::Compact;
            for (key, value) in map {
                let (texts, f) = strings(value, key)?;
                if f == ListForm::Array {
                    form = ListForm::Array;
                }
                for t in texts {
                    out.push(match key.as_str() {
                        "AWS" if t == "*" => Principal::Aws(AwsPrincipal::Everyone),
                        "AWS" => Principal::Aws(
                            AwsPrincipal::from_arn(t)
                                .unwrap_or_else(|_| AwsPrincipal::Other(t.to_owned())),
                        ),
                        "Service" => Principal::Service(
                            ServiceName::new(t).map_err(|e| format!("Service: {e}"))?,
                        ),
                        "Federated" => Principal::Federated(t.to_owned()),
                        "CanonicalUser" => Principal::CanonicalUser(t.to_owned()),
                        other => return Err(format!("unknown principal key {other:?}")),
                    });
                }
            }
            Ok(ValueList::new(out, form))
        }
        _ => Err("must be \"*\" or an object".to_owned()),
    }
}

fn conditions(value: &Value) -> Result<Conditions, String> {
    let Value::Object(block) = value else {
        return Err("Condition must be an object".to_owned());
    };
    let mut out = Conditions::new();
    for (operator, tests) in block {
        let op: ConditionOperator = operator
            .parse()
            .map_err(|e| format!("Condition.{operator}: {e}"))?;
        let Value::Object(tests) = tests else {
            return Err(format!("Condition.{operator} must be an object"));
        };
        for (key, values) in tests {
            let key_ =
                ConditionKey::new(key.as_str()).map_err(|e| format!("Condition key: {e}"))?;
            let (items, form) = list(values);
            let values = items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(ConditionValue::from(s.as_str())),
                    Value::Bool(b) => Ok(ConditionValue::Bool(*b)),
                    Value::Number(n) => Ok(ConditionValue::Number(n.to_string())),
                    _ => Err(format!(
                        "Condition.{operator}.{key}: values are strings, booleans or numbers"
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut test = Condition::new(op, key_, values);
            test.values.set_form(form);
            out.push(test);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Equivalence (stand-in for `equivalent` / `diff` / `PolicyDiff`).

/// One unit of access: an effect, one principal, one action and the conditions under which it
/// holds, each in a normal form (`:root` for bare account ids, action names in lower case, list
/// forms and order dropped). `NotPrincipal` and `NotAction` stay whole, as one unit each.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Grant {
    effect: &'static str,
    principal: String,
    action: String,
    resource: String,
    condition: String,
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.effect, self.principal, self.action)?;
        if !self.resource.is_empty() {
            write!(f, " on {}", self.resource)?;
        }
        if !self.condition.is_empty() {
            write!(f, " when {}", self.condition)?;
        }
        Ok(())
    }
}

fn principal_text(p: &Principal) -> String {
    match p {
        Principal::Anyone => "anyone (\"*\")".to_owned(),
        Principal::Aws(AwsPrincipal::Account {
            partition, account, ..
        }) => format!("AWS arn:{partition}:iam::{account}:root"),
        Principal::Aws(a) => format!("AWS {a}"),
        Principal::Service(s) => format!("Service {}", s.as_str().to_ascii_lowercase()),
        Principal::Federated(s) => format!("Federated {s}"),
        Principal::CanonicalUser(s) => format!("CanonicalUser {s}"),
    }
}

fn action_text(a: &ActionItem) -> String {
    match a {
        ActionItem::Ecr(_) | ActionItem::Public(_) => a.as_str().to_owned(),
        ActionItem::Pattern(_) | ActionItem::Other(_) => a.as_str().to_ascii_lowercase(),
    }
}

fn condition_text(c: &Conditions) -> String {
    let mut tests: Vec<String> = c
        .tests()
        .iter()
        .map(|t| {
            let values: BTreeSet<String> =
                t.values.iter().map(|v| v.as_text().into_owned()).collect();
            let values: Vec<String> = values.into_iter().collect();
            format!(
                "{} {} [{}]",
                t.operator,
                t.key.as_str().to_ascii_lowercase(),
                values.join(", ")
            )
        })
        .collect();
    tests.sort();
    tests.dedup();
    tests.join(" and ")
}

fn grants(document: &PolicyDocument) -> BTreeSet<Grant> {
    let mut out = BTreeSet::new();
    for s in document.statements.iter() {
        let principals: Vec<String> = match &s.principal {
            None => vec!["(no principal)".to_owned()],
            Some(p) if p.negated => {
                let set: BTreeSet<String> = p.principals.iter().map(principal_text).collect();
                vec![format!(
                    "everyone except [{}]",
                    set.into_iter().collect::<Vec<_>>().join(", ")
                )]
            }
            Some(p) => p.principals.iter().map(principal_text).collect(),
        };
        let actions: Vec<String> = match &s.action {
            None => vec!["(no action)".to_owned()],
            Some(a) if a.negated => {
                let set: BTreeSet<String> = a.actions.iter().map(action_text).collect();
                vec![format!(
                    "every action except [{}]",
                    set.into_iter().collect::<Vec<_>>().join(", ")
                )]
            }
            Some(a) => a.actions.iter().map(action_text).collect(),
        };
        let resource = match &s.resource {
            None => String::new(),
            Some(r) => {
                let set: BTreeSet<&str> = r.resources.iter().map(String::as_str).collect();
                let list = set.into_iter().collect::<Vec<_>>().join(", ");
                if r.negated {
                    format!("every resource except [{list}]")
                } else {
                    format!("[{list}]")
                }
            }
        };
        let condition = condition_text(&s.condition);
        for p in &principals {
            for a in &actions {
                out.insert(Grant {
                    effect: s.effect.as_str(),
                    principal: p.clone(),
                    action: a.clone(),
                    resource: resource.clone(),
                    condition: condition.clone(),
                });
            }
        }
    }
    out
}

/// Whether two documents grant and deny the same access. Statement ids, key order, list forms,
/// duplicates, action-name case and `:root` rewrites of bare account ids do not count.
pub(crate) fn equivalent(a: &PolicyDocument, b: &PolicyDocument) -> bool {
    grants(a) == grants(b)
}

/// The access `to` has that `from` lacks (added) and the reverse (removed).
pub(crate) fn diff(from: &PolicyDocument, to: &PolicyDocument) -> PolicyDiff {
    let from = grants(from);
    let to = grants(to);
    PolicyDiff {
        added: to.difference(&from).map(ToString::to_string).collect(),
        removed: from.difference(&to).map(ToString::to_string).collect(),
    }
}

/// How two policies differ in meaning: each line is one effect, principal and action (with its
/// conditions) that one policy has and the other lacks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyDiff {
    added: Vec<String>,
    removed: Vec<String>,
}

impl PolicyDiff {
    /// Whether the policies mean the same.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

impl fmt::Display for PolicyDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.added {
            writeln!(f, "+ {line}")?;
        }
        for line in &self.removed {
            writeln!(f, "- {line}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Lock-out check (stand-in for the lint's check).

/// Why setting `document` would stop anyone from setting a policy on the repository again: a
/// `Deny` statement without conditions that covers `ecr:SetRepositoryPolicy` for every
/// principal (ECR-FACTS 1: ECR refuses such a policy unless `force` is set).
pub(crate) fn lock_out(document: &PolicyDocument) -> Option<String> {
    document.statements.iter().enumerate().find_map(|(i, s)| {
        let everyone = s.principal.as_ref().is_some_and(|p| {
            !p.negated
                && p.principals
                    .iter()
                    .any(|p| matches!(p, Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone)))
        });
        let covers = s.action.as_ref().is_some_and(|a| {
            let any = a.actions.iter().any(|item| item.covers(crate::Action::SetRepositoryPolicy));
            any != a.negated
        });
        (s.effect == Effect::Deny && everyone && covers && s.condition.is_empty()).then(|| {
            format!(
                "Statement[{i}] denies ecr:SetRepositoryPolicy to every principal without a condition: once set, no one could change or remove this policy"
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> PolicyDocument {
        from_json(text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    #[test]
    fn forms_that_mean_the_same_are_equivalent() {
        let a = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ecr:ListImages","Condition":{"StringEquals":{"aws:SourceAccount":["1","2"]}}}]}"#,
        );
        let b = doc(
            r#"{"Statement":{"Action":["ECR:listimages","ecr:ListImages"],"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root"]},"Condition":{"StringEquals":{"aws:sourceaccount":["2","1"]}}},"Version":"2012-10-17"}"#,
        );
        assert!(equivalent(&a, &b));
        assert!(diff(&a, &b).is_empty());
    }

    #[test]
    fn differences_in_meaning_are_listed() {
        let a =
            doc(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:ListImages"}]}"#);
        let b = doc(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:ListImages","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}"#,
        );
        assert!(!equivalent(&a, &b));
        let d = diff(&a, &b);
        assert_eq!(
            d.to_string(),
            "+ Allow anyone (\"*\") ecr:ListImages when StringEquals aws:principalorgid [o-a1b2c3d4e5]\n- Allow anyone (\"*\") ecr:ListImages\n"
        );
        // NotPrincipal is not Principal.
        let c = doc(
            r#"{"Statement":[{"Effect":"Allow","NotPrincipal":"*","Action":"ecr:ListImages"}]}"#,
        );
        assert!(!equivalent(&a, &c));
    }

    #[test]
    fn unreadable_text_is_explained() {
        assert!(from_json("[]").unwrap_err().contains("object"));
        assert!(from_json(r#"{"Version":"2012-10-17"}"#)
            .unwrap_err()
            .contains("no Statement"));
        assert!(from_json(r#"{"Statement":[{"Effect":"Maybe"}]}"#)
            .unwrap_err()
            .contains("Statement[0]"));
        assert!(from_json("not json").unwrap_err().starts_with("not JSON"));
    }

    #[test]
    fn a_deny_of_policy_changes_to_everyone_locks_out() {
        let lock = doc(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"},{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"ecr:Set*"}]}"#,
        );
        assert!(lock_out(&lock).unwrap().starts_with("Statement[1]"));
        let not_action = doc(
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","NotAction":"ecr:ListImages"}]}"#,
        );
        assert!(lock_out(&not_action).is_some());
        for fine in [
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","NotAction":"ecr:SetRepositoryPolicy"}]}"#,
            r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"ecr:SetRepositoryPolicy"}]}"#,
            r#"{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"ecr:*"}]}"#,
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"Bool":{"aws:SecureTransport":false}}}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:SetRepositoryPolicy"}]}"#,
        ] {
            assert_eq!(lock_out(&doc(fine)), None, "{fine}");
        }
    }
}
