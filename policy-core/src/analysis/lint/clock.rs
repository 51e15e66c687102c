//! Conditions on the clock, judged for requests made at or after a given instant
//! ([`LintConfig::requests_from`](super::LintConfig::requests_from)).
//!
//! The analysis gives `aws:CurrentTime` any value (AWS sets it on every request,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-currenttime>),
//! so a `Deny` on `DateGreaterThan aws:CurrentTime` with a past date is, to it, a deny that
//! spares the requests made before that date. Told that requests are made from an instant on,
//! a test whose answer no longer changes is settled: one that always holds is dropped, one
//! that never holds makes its statement apply to nothing, and the exact findings are those
//! of the policy so settled (a lock-out through the deny, the allows it makes dead). The
//! instant is never read from the clock here: the caller gives it, so that the same policy
//! and settings always give the same findings.

use policy_catalogue::{ConditionOperator, Operator};

use crate::eval::parse_date;
use crate::model::condition::{Condition, ConditionKey, ConditionValue, Conditions};
use crate::model::document::PolicyDocument;
use crate::model::version::Effect;

use super::finding::{Finding, LintCode};

/// What a test of the clock does for every request from the instant on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Settled {
    Always,
    Never,
}

/// The policy with its settled clock tests replaced, the statements that apply to nothing
/// any more, and a finding for each settled test; `None` when no test is settled.
pub(super) struct SettledPolicy {
    pub(super) document: PolicyDocument,
    pub(super) never: Vec<usize>,
    pub(super) findings: Vec<Finding>,
}

/// Settles the clock tests of `doc` for requests made at or after `from` (milliseconds since
/// 1970).
pub(super) fn settle(doc: &PolicyDocument, from: i64, from_text: &str) -> Option<SettledPolicy> {
    let mut document = doc.clone();
    let mut never = Vec::new();
    let mut findings = Vec::new();
    for (i, s) in document.statements.items_mut().iter_mut().enumerate() {
        let mut kept = Conditions::new();
        let mut changed = false;
        for t in s.condition.tests() {
            let Some(settled) = settled(t, from) else {
                kept.push(t.clone());
                continue;
            };
            changed = true;
            let test = format!(
                "{} {} {}",
                t.operator,
                t.key.as_str(),
                t.values
                    .iter()
                    .map(|v| v.as_text().into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let (message, hint) = match (settled, s.effect) {
                (Settled::Always, Effect::Deny) => (
                    format!("for requests from {from_text} on, `{test}` always holds: this Deny applies to every request it covers, as if it had no such condition"),
                    "remove the statement if the date has passed by design, or correct the date",
                ),
                (Settled::Always, Effect::Allow) => (
                    format!("for requests from {from_text} on, `{test}` always holds: it no longer narrows this Allow"),
                    "remove the condition, or correct the date",
                ),
                (Settled::Never, Effect::Allow) => (
                    format!("for requests from {from_text} on, `{test}` never holds: this Allow has expired and grants nothing"),
                    "remove the statement, or correct the date",
                ),
                (Settled::Never, Effect::Deny) => (
                    format!("for requests from {from_text} on, `{test}` never holds: this Deny has expired and denies nothing"),
                    "remove the statement, or correct the date",
                ),
            };
            findings.push(Finding {
                code: LintCode::SettledDateCondition,
                severity: LintCode::SettledDateCondition.severity(),
                statement: Some(i),
                path: format!("Statement[{i}].Condition.{}.{}", t.operator, t.key.as_str()),
                location: None,
                message,
                hint: hint.into(),
                counterexample: None,
            });
            if settled == Settled::Never && !never.contains(&i) {
                never.push(i);
                // A test the analysis knows never holds: AWS sets aws:CurrentTime on every
                // request, so `Null: true` on it is false.
                kept.push(Condition::new(
                    ConditionOperator::new(Operator::Null),
                    ConditionKey::new("aws:CurrentTime").expect("a valid key"),
                    [ConditionValue::String("true".into())],
                ));
            }
        }
        if changed {
            s.condition = kept;
        }
    }
    (!findings.is_empty()).then_some(SettledPolicy {
        document,
        never,
        findings,
    })
}

/// Whether `t`, a test of `aws:CurrentTime` or `aws:EpochTime`, holds for every request made
/// at or after `from`, or for none; `None` when that still depends on the request (or the
/// test is not one this module reads: a set qualifier, a value that is not a date).
fn settled(t: &Condition, from: i64) -> Option<Settled> {
    let key = t.key.as_str();
    let epoch = key.eq_ignore_ascii_case("aws:EpochTime");
    if !(epoch || key.eq_ignore_ascii_case("aws:CurrentTime")) || t.operator.qualifier.is_some() {
        return None;
    }
    let values: Vec<i64> = t
        .values
        .iter()
        .map(|v| {
            let text = v.as_text();
            if matches!(
                t.operator.operator.family(),
                policy_catalogue::OperatorFamily::Numeric
            ) {
                // aws:EpochTime compared as a number of seconds.
                text.trim().parse::<i64>().ok()?.checked_mul(1000)
            } else {
                parse_date(&text)
            }
        })
        .collect::<Option<_>>()?;
    let (min, max) = (*values.iter().min()?, *values.iter().max()?);
    use Operator as O;
    // The request's instant t ranges over [from, any later instant]; the values are
    // alternatives (for the negated operator, all must differ).
    match t.operator.operator {
        O::DateLessThan | O::NumericLessThan if max <= from => Some(Settled::Never),
        O::DateLessThanEquals | O::NumericLessThanEquals if max < from => Some(Settled::Never),
        O::DateGreaterThan | O::NumericGreaterThan if min < from => Some(Settled::Always),
        O::DateGreaterThanEquals | O::NumericGreaterThanEquals if min <= from => {
            Some(Settled::Always)
        }
        O::DateEquals | O::NumericEquals if max < from => Some(Settled::Never),
        O::DateNotEquals | O::NumericNotEquals if max < from => Some(Settled::Always),
        _ => None,
    }
}
