//! A policy's access as a small table a reviewer reads: who, which actions (by bundle), under
//! which conditions. A change of access shows as a changed row, not as a change of JSON.

use std::fmt;

use crate::model::action::ActionItem;
use crate::model::condition::{Condition, Conditions};
use crate::model::policy::RepositoryPolicy;
use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::statement::Statement;
use crate::model::version::Effect;
use policy_catalogue::{Action, Bundle, Operator};

/// One row of an [`AccessSummary`]: one principal of one statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryRow {
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// The principal in words, e.g. `role ci in 123456789012` or `anyone in org o-a1b2c3d4e5`.
    pub principal: String,
    /// The actions, whole bundles by their keyword first, e.g. `push, pull, ecr:ListImages`.
    pub actions: String,
    /// The conditions, `and` between tests and `or` between the values of one, in parentheses;
    /// empty when there are none.
    pub conditions: String,
}

/// Who can do what under a policy: one [`SummaryRow`] per principal of each statement, in
/// order. Its `Display` is an aligned table.
///
/// ```
/// use policy_core::{AccountId, Bundle, RepositoryPolicy, RoleName, StatementBuilder};
///
/// let policy = RepositoryPolicy::builder()
///     .account(AccountId::new("123456789012")?)
///     .statement(StatementBuilder::allow().role(RoleName::new("ci")?).bundle(Bundle::Push).bundle(Bundle::Pull))
///     .statement(StatementBuilder::allow().account(AccountId::new("111122223333")?).bundle(Bundle::Pull))
///     .build()?;
/// assert_eq!(
///     policy.summary().to_string(),
///     "\
/// effect  principal                actions     conditions
/// Allow   role ci in 123456789012  pull, push  -
/// Allow   account 111122223333     pull        -
/// "
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessSummary {
    /// The rows, in statement order.
    pub rows: Vec<SummaryRow>,
}

impl RepositoryPolicy {
    /// The policy's access as a table: see [`AccessSummary`].
    #[must_use]
    pub fn summary(&self) -> AccessSummary {
        let mut rows = Vec::new();
        for s in self.statements() {
            summarize(s, &mut rows);
        }
        AccessSummary { rows }
    }
}

fn is_org_test(test: &Condition) -> bool {
    test.operator.qualifier.is_none()
        && !test.operator.if_exists
        && test.operator.operator == Operator::StringEquals
        && test.key.as_str().eq_ignore_ascii_case("aws:PrincipalOrgID")
}

fn summarize(s: &Statement, rows: &mut Vec<SummaryRow>) {
    let principals: Vec<&Principal> = s
        .principal
        .as_ref()
        .map(|p| p.principals.iter().collect())
        .unwrap_or_default();
    let negated = s.principal.as_ref().is_some_and(|p| p.negated);
    // Everyone in an organization is `*` with a test of aws:PrincipalOrgID.
    let org = match principals.as_slice() {
        [Principal::Anyone] if !negated => s.condition.tests().iter().find(|t| is_org_test(t)),
        _ => None,
    };
    let conditions = conditions(&s.condition, org);
    let actions = actions(s);
    let mut push = |principal: String| {
        rows.push(SummaryRow {
            effect: s.effect,
            principal,
            actions: actions.clone(),
            conditions: conditions.clone(),
        });
    };
    if let Some(org) = org {
        let orgs: Vec<String> = org
            .values
            .iter()
            .map(|v| v.as_text().into_owned())
            .collect();
        push(format!("anyone in org {}", orgs.join(" or ")));
        return;
    }
    if principals.is_empty() {
        push("(no principal)".to_owned());
    }
    for p in principals {
        let name = principal(p);
        push(if negated {
            format!("everyone but {name}")
        } else {
            name
        });
    }
}

fn principal(p: &Principal) -> String {
    match p {
        Principal::Anyone => "anyone".to_owned(),
        Principal::Service(s) => format!("service {s}"),
        Principal::Federated(f) => format!("federated {f}"),
        Principal::CanonicalUser(c) => format!("canonical user {c}"),
        Principal::Aws(a) => match a {
            AwsPrincipal::Everyone => "any AWS principal".to_owned(),
            AwsPrincipal::Account { account, .. } => format!("account {account}"),
            AwsPrincipal::User {
                account,
                path,
                name,
                ..
            } => format!("user {}{name} in {account}", path_prefix(path.as_str())),
            AwsPrincipal::Role {
                account,
                path,
                name,
                ..
            } => format!("role {}{name} in {account}", path_prefix(path.as_str())),
            AwsPrincipal::AssumedRole {
                account,
                role,
                session,
                ..
            } => format!("session {role}/{session} in {account}"),
            AwsPrincipal::Other(text) => format!("aws {text}"),
        },
    }
}

/// `/ci/` as `ci/`, the root path as nothing.
fn path_prefix(path: &str) -> &str {
    path.trim_start_matches('/')
}

fn actions(s: &Statement) -> String {
    let Some(element) = &s.action else {
        return "(no action)".to_owned();
    };
    let mut ecr: Vec<Action> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    for item in element.actions.iter() {
        match item {
            ActionItem::Ecr(a) => {
                if !ecr.contains(a) {
                    ecr.push(*a);
                }
            }
            other => others.push(other.as_str().to_owned()),
        }
    }
    // Whole bundles, widest first, each only if it adds actions to those named so far.
    let mut bundles: Vec<Bundle> = Bundle::ALL.to_vec();
    crate::model::order::sort_by_key(&mut bundles, |b| std::cmp::Reverse(b.actions().len()));
    let mut covered: Vec<Action> = Vec::new();
    let mut words: Vec<Bundle> = Vec::new();
    for b in bundles {
        let whole = b.actions().iter().all(|a| ecr.contains(a));
        let adds = b.actions().iter().any(|a| !covered.contains(a));
        if whole && adds {
            words.push(b);
            covered.extend(b.actions());
        }
    }
    // In the order of the documentation, then the single actions in catalogue order.
    crate::model::order::sort_by_key(&mut words, |b| Bundle::ALL.iter().position(|x| x == b));
    let mut parts: Vec<String> = words.iter().map(|b| b.keyword().to_owned()).collect();
    let mut single: Vec<Action> = ecr.into_iter().filter(|a| !covered.contains(a)).collect();
    single.sort();
    parts.extend(single.iter().map(|a| a.as_str().to_owned()));
    parts.extend(others);
    let list = parts.join(", ");
    if element.negated {
        format!("every action but {list}")
    } else {
        list
    }
}

fn conditions(conditions: &Conditions, skip: Option<&Condition>) -> String {
    let tests: Vec<String> = conditions
        .tests()
        .iter()
        .filter(|t| skip != Some(*t))
        .map(|t| {
            let values: Vec<String> = t.values.iter().map(|v| v.as_text().into_owned()).collect();
            // Several values in parentheses, so that `or` never reads as binding the tests.
            let values = match values.as_slice() {
                [one] => one.clone(),
                _ => format!("({})", values.join(" or ")),
            };
            format!("{} {} {values}", t.operator, t.key.as_str())
        })
        .collect();
    tests.join(" and ")
}

impl fmt::Display for AccessSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = ["effect", "principal", "actions", "conditions"];
        let cells: Vec<[String; 4]> = self
            .rows
            .iter()
            .map(|r| {
                let conditions = if r.conditions.is_empty() {
                    "-".to_owned()
                } else {
                    r.conditions.clone()
                };
                [
                    r.effect.to_string(),
                    r.principal.clone(),
                    r.actions.clone(),
                    conditions,
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for row in &cells {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut line = |row: [&str; 4]| -> fmt::Result {
            let mut text = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i + 1 == row.len() {
                    text.push_str(cell);
                } else {
                    let pad = widths[i] + 2 - cell.chars().count();
                    text.push_str(cell);
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            writeln!(f, "{}", text.trim_end())
        };
        line(header)?;
        for row in &cells {
            line([&row[0], &row[1], &row[2], &row[3]])?;
        }
        Ok(())
    }
}
