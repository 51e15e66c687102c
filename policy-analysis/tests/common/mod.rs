//! Policies in a few words, and an independent, straightforward reading of conditions to check
//! witnesses with (written from the AWS rules, sharing no code with the engine's matchers).

#![allow(dead_code)]

use std::net::IpAddr;

use policy_analysis::ir::{
    Actions, Condition, Effect, Policy, PrincipalItem, Principals, Statement,
};
use policy_analysis::{
    parse_date, Analyzer, CallerClass, Certainty, Grant, Identity, Options, Verdict, Witness,
};
use policy_catalogue::{Action, ConditionOperator, Operator, OperatorFamily, SetQualifier};

pub const OWNER: &str = "111122223333";
pub const OTHER: &str = "444455556666";

pub fn principal(text: &str) -> PrincipalItem {
    match text.strip_prefix("service:") {
        Some(s) => PrincipalItem::Service(s.to_owned()),
        None => PrincipalItem::aws(text),
    }
}

pub fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
    let operator: ConditionOperator = op.parse().expect("an operator");
    Condition::new(operator, key, values.iter().copied())
}

pub fn statement(
    effect: Effect,
    negated_principal: bool,
    principals: &[&str],
    actions: &[&str],
    conditions: Vec<Condition>,
) -> Statement {
    Statement {
        sid: None,
        effect,
        principal: Some(Principals {
            negated: negated_principal,
            items: principals.iter().map(|p| principal(p)).collect(),
        }),
        actions: Actions {
            negated: false,
            items: actions.iter().map(|a| (*a).to_owned()).collect(),
        },
        resources: None,
        conditions,
    }
}

pub fn allow(principals: &[&str], actions: &[&str], conditions: Vec<Condition>) -> Statement {
    statement(Effect::Allow, false, principals, actions, conditions)
}

pub fn deny(principals: &[&str], actions: &[&str], conditions: Vec<Condition>) -> Statement {
    statement(Effect::Deny, false, principals, actions, conditions)
}

pub fn policy(statements: Vec<Statement>) -> Policy {
    Policy {
        statements,
        variables: true,
    }
}

pub fn options() -> Options {
    Options {
        owner: Some(OWNER.to_owned()),
        region: Some("us-east-1".to_owned()),
        ..Options::default()
    }
}

pub fn analyzer(statements: Vec<Statement>) -> (Policy, Analyzer) {
    let p = policy(statements);
    let a = Analyzer::new(&p, &options());
    (p, a)
}

/// The class of any user in an account the policy does not name.
pub fn outsider_user(a: &Analyzer) -> CallerClass {
    a.classes()
        .iter()
        .find(|c| matches!(c, CallerClass::User { account, user: None } if !account.named))
        .expect("an outsider")
        .clone()
}

pub fn outsider_session(a: &Analyzer) -> CallerClass {
    a.classes()
        .iter()
        .find(|c| matches!(c, CallerClass::Session { account, role: None, .. } if !account.named))
        .expect("an outsider")
        .clone()
}

pub fn owner_root(a: &Analyzer) -> CallerClass {
    a.classes()
        .iter()
        .find(|c| matches!(c, CallerClass::Root { account } if account.owner))
        .expect("the owner's root")
        .clone()
}

pub fn owner_session(a: &Analyzer) -> CallerClass {
    a.classes()
        .iter()
        .find(|c| matches!(c, CallerClass::Session { account, role: None, .. } if account.owner))
        .expect("an owner session")
        .clone()
}

pub fn granted(a: &Analyzer, class: &CallerClass, action: Action) -> Option<Grant> {
    match a.decide(class, action) {
        Verdict::Allowed(g) => Some(g),
        Verdict::Denied => None,
    }
}

// ---- the independent reading ----

/// `*` any run, `?` one character; by recursion on both strings.
pub fn glob(p: &[char], t: &[char], fold: bool) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some(('*', rest)) => (0..=t.len()).any(|k| glob(rest, &t[k..], fold)),
        Some(('?', rest)) => !t.is_empty() && glob(rest, &t[1..], fold),
        Some((c, rest)) => match t.split_first() {
            Some((d, trest)) => {
                let same = c == d
                    || (fold
                        && c.to_lowercase().collect::<String>()
                            == d.to_lowercase().collect::<String>());
                same && glob(rest, trest, fold)
            }
            None => false,
        },
    }
}

pub fn like(p: &str, t: &str) -> bool {
    let p: Vec<char> = p.chars().collect();
    let t: Vec<char> = t.chars().collect();
    glob(&p, &t, false)
}

pub fn arn_like(p: &str, v: &str) -> bool {
    let pf: Vec<&str> = p.splitn(6, ':').collect();
    let vf: Vec<&str> = v.splitn(6, ':').collect();
    pf.len() == 6 && vf.len() == 6 && pf.iter().zip(&vf).all(|(a, b)| like(a, b))
}

fn cidr(block: &str, ip: IpAddr) -> bool {
    let (net, bits) = match block.split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (block, None),
    };
    match (net.parse::<IpAddr>(), ip) {
        (Ok(IpAddr::V4(n)), IpAddr::V4(i)) => {
            let bits = bits.unwrap_or(32);
            if bits > 32 {
                return false;
            }
            let shift = 32 - bits;
            (u64::from(u32::from(n)) >> shift) == (u64::from(u32::from(i)) >> shift)
        }
        (Ok(IpAddr::V6(n)), IpAddr::V6(i)) => {
            let bits = bits.unwrap_or(128);
            if bits > 128 {
                return false;
            }
            if bits == 0 {
                return true;
            }
            let shift = 128 - bits;
            (u128::from(n) >> shift) == (u128::from(i) >> shift)
        }
        _ => false,
    }
}

fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.contains(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c))) {
        return None;
    }
    t.parse().ok()
}

/// Whether a context value matches a policy value under the positive form of `op`.
fn value_matches(op: Operator, policy: &str, v: &str) -> bool {
    use Operator as O;
    match op {
        O::StringEquals | O::StringNotEquals | O::BinaryEquals => policy == v,
        O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase => {
            policy.to_lowercase() == v.to_lowercase()
        }
        O::StringLike | O::StringNotLike => like(policy, v),
        O::ArnEquals | O::ArnLike | O::ArnNotEquals | O::ArnNotLike => arn_like(policy, v),
        O::Bool => matches!(
            (
                policy.to_ascii_lowercase().as_str(),
                v.to_ascii_lowercase().as_str()
            ),
            ("true", "true") | ("false", "false")
        ),
        O::IpAddress | O::NotIpAddress => v.parse().is_ok_and(|ip| cidr(policy, ip)),
        _ if op.family() == OperatorFamily::Numeric => match (number(policy), number(v)) {
            (Some(p), Some(x)) => compare(op, x.partial_cmp(&p)),
            _ => false,
        },
        _ if op.family() == OperatorFamily::Date => match (parse_date(policy), parse_date(v)) {
            (Some(p), Some(x)) => compare(op, Some(x.cmp(&p))),
            _ => false,
        },
        _ => false,
    }
}

fn compare(op: Operator, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    use Operator as O;
    let Some(o) = ord else { return false };
    match op {
        O::NumericEquals | O::NumericNotEquals | O::DateEquals | O::DateNotEquals => o == Equal,
        O::NumericLessThan | O::DateLessThan => o == Less,
        O::NumericLessThanEquals | O::DateLessThanEquals => o != Greater,
        O::NumericGreaterThan | O::DateGreaterThan => o == Greater,
        O::NumericGreaterThanEquals | O::DateGreaterThanEquals => o != Less,
        _ => false,
    }
}

/// A condition, by the rules of the IAM condition operators page.
pub fn holds(c: &Condition, values: Option<&[String]>) -> bool {
    let op = c.operator;
    let present = values.filter(|v| !v.is_empty());
    if op.operator == Operator::Null {
        let want_missing = c.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        let want_present = c.values.iter().any(|v| v.eq_ignore_ascii_case("false"));
        return if present.is_some() {
            want_present
        } else {
            want_missing
        };
    }
    let negated = op.operator.is_negated();
    let Some(values) = present else {
        if op.if_exists {
            return true;
        }
        return match op.qualifier {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => negated,
        };
    };
    let ok = |v: &String| c.values.iter().any(|p| value_matches(op.operator, p, v)) != negated;
    match op.qualifier {
        Some(SetQualifier::ForAllValues) => values.iter().all(ok),
        Some(SetQualifier::ForAnyValue) => values.iter().any(ok),
        None if negated => values.iter().all(ok),
        None => values.iter().any(ok),
    }
}

/// A key's values in the witness: listed, or derived from the caller as AWS does.
pub fn lookup(w: &Witness, key: &str) -> Option<Vec<String>> {
    if let Some((_, v)) = w.context.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
        return v.clone();
    }
    let one = |s: String| Some(vec![s]);
    match (key.to_ascii_lowercase().as_str(), &w.caller) {
        ("aws:principalarn", c) => c.principal_arn().map(|a| vec![a]),
        ("aws:principalaccount", Identity::Anonymous) => one("anonymous".into()),
        ("aws:principalaccount", c) => c.account().map(|a| vec![a.to_owned()]),
        ("aws:username", Identity::User { name, .. }) => one(name.clone()),
        ("aws:resourceaccount", _) => one(OWNER.into()),
        _ => None,
    }
}

/// Every condition holds for the witness.
pub fn all_hold(conditions: &[Condition], w: &Witness) -> bool {
    conditions
        .iter()
        .all(|c| holds(c, lookup(w, &c.key).as_deref()))
}

/// For a certain grant: the allowing statement's conditions hold, and no `Deny` with
/// `Principal: "*"` covering the action applies.
pub fn assert_witness(p: &Policy, g: &Grant, action: Action) {
    if g.certainty != Certainty::Certain {
        return;
    }
    for &s in &g.statements {
        assert!(
            all_hold(&p.statements[s].conditions, &g.witness),
            "statement {s} does not hold for {:?}",
            g.witness
        );
    }
    for s in &p.statements {
        let everyone = s
            .principal
            .as_ref()
            .is_some_and(|e| !e.negated && e.items.contains(&PrincipalItem::Anyone));
        if s.effect == Effect::Deny && everyone && s.actions.resolve().contains(action) {
            assert!(
                !all_hold(&s.conditions, &g.witness),
                "a deny applies to {:?}",
                g.witness
            );
        }
    }
}
