//! Condition operators as AWS evaluates them (ECR-FACTS section 3).
//!
//! - The values of one key are alternatives: a positive operator holds when a context value
//!   matches one of them; a negated operator (`StringNotEquals`, `NotIpAddress`, ...) holds
//!   when no context value matches any of them.
//! - A missing key: positive operators are false; negated operators are true; `...IfExists`
//!   is true; `ForAllValues:` is true; `ForAnyValue:` is false. An empty multi-valued key
//!   counts as missing.
//! - `ForAnyValue:` holds when at least one context value satisfies the operator,
//!   `ForAllValues:` when every one does (for a negated operator, "satisfies" means matches
//!   none of the policy values). Without a prefix a multi-valued key behaves like
//!   `ForAnyValue:` for positive operators and like `ForAllValues:` for negated ones.
//! - `Null`: `true` holds when the key is missing, `false` when it is present.
//! - Case: `String*` and `Arn*` compare case-sensitively, `*IgnoreCase` ignores case,
//!   `Bool` reads `true`/`false` in any case. `StringLike` and the `Arn*` operators treat `*`
//!   and `?` as wildcards; `ArnEquals` and `ArnLike` behave alike, comparing the six
//!   colon-separated ARN fields one by one (the last field, the resource, may contain colons).
//! - `Numeric*` compare decimal numbers; `Date*` compare instants read by
//!   [`parse_date`](super::parse_date); `IpAddress` tests IPv4 and IPv6 CIDR blocks (an
//!   address alone is a /32 or /128); `BinaryEquals` compares the base64 text.
//! - A policy value that cannot be read in the operator's type (`NumericLessThan: "ten"`)
//!   matches nothing: AWS refuses such a policy when it is set.

use std::net::IpAddr;

use policy_catalogue::{wildcard_match, ConditionOperator, Operator, SetQualifier};

use crate::model::condition::{Condition, ConditionValue};

use super::keys::NO_SLOT;
use super::request::{parse_bool, parse_number, ContextValue, Request};
use super::why::ConditionRule;

/// A three-valued truth: the evaluator only produces `True` and `False`; the policy checks of
/// [`crate::tools::assert`] also meet keys whose value they cannot know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    pub(crate) fn from_bool(b: bool) -> Self {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

/// What a context source knows about a key.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Lookup<'a> {
    /// The key's values.
    Values(&'a [ContextValue]),
    /// The key is not in the request.
    Absent,
    /// The key has one value that equals no literal written in the policies being checked
    /// (a principal the policies do not name).
    Opaque,
    /// The value cannot be known.
    Unknown,
}

/// Where condition keys are looked up: a concrete request, or a symbolic one.
pub(crate) trait ContextSource {
    fn lookup(&self, key: &str) -> Lookup<'_>;

    /// [`lookup`](Self::lookup) of a key whose slot ([`key_slot`](super::keys::key_slot)) is
    /// known: a source that records slots finds the key without comparing names.
    fn lookup_slot(&self, key: &str, slot: u8) -> Lookup<'_> {
        let _ = slot;
        self.lookup(key)
    }
}

impl ContextSource for Request {
    fn lookup(&self, key: &str) -> Lookup<'_> {
        match Request::lookup(self, key) {
            Some(values) => Lookup::Values(values),
            None => Lookup::Absent,
        }
    }

    #[inline]
    fn lookup_slot(&self, key: &str, slot: u8) -> Lookup<'_> {
        match Request::lookup_slot(self, key, slot) {
            Some(values) => Lookup::Values(values),
            None => Lookup::Absent,
        }
    }
}

/// A policy value read once in the type its operator compares.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Parsed {
    Text,
    Number(f64),
    Date(i64),
    Bool(bool),
    Cidr(IpAddr, u8),
    Invalid,
}

/// One condition test of a prepared statement: the test as written, with its values read in
/// the operator's type.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PreparedCondition<'s> {
    pub(crate) operator: ConditionOperator,
    pub(crate) key: &'s str,
    /// The key's slot, [`NO_SLOT`] when it has none or it was not worked out.
    slot: u8,
    values: &'s [ConditionValue],
    /// One for each value; empty when the operator compares text.
    parsed: &'s [Parsed],
}

impl<'s> PreparedCondition<'s> {
    pub(crate) fn new(condition: &'s Condition, parsed: &'s [Parsed]) -> Self {
        PreparedCondition {
            operator: condition.operator,
            key: condition.key.as_str(),
            slot: NO_SLOT,
            values: &condition.values[..],
            parsed,
        }
    }

    /// The test with its key's slot, [`key_slot`](super::keys::key_slot) of its key.
    pub(crate) fn with_slot(self, slot: u8) -> Self {
        PreparedCondition { slot, ..self }
    }

    /// The policy values as written.
    pub(crate) fn texts(&self) -> impl Iterator<Item = &'s str> + 's {
        self.values.iter().map(value_text)
    }

    /// The policy values, each with its reading.
    fn policy_values(&self) -> impl Iterator<Item = (&'s str, Parsed)> + 's {
        let parsed = self.parsed;
        self.values.iter().enumerate().map(move |(i, v)| {
            (
                value_text(v),
                parsed.get(i).copied().unwrap_or(Parsed::Text),
            )
        })
    }

    /// Evaluates the test against a context source.
    pub(crate) fn evaluate<C: ContextSource + ?Sized>(&self, context: &C) -> Tri {
        let op = self.operator;
        let values = match context.lookup_slot(self.key, self.slot) {
            Lookup::Unknown => return Tri::Unknown,
            Lookup::Values(v) if !v.is_empty() => v,
            Lookup::Absent | Lookup::Values(_) => return Tri::from_bool(self.when_missing()),
            Lookup::Opaque => return self.when_opaque(),
        };
        if op.operator == Operator::Null {
            // Present: holds when the policy says `false` (the key must not be null).
            return Tri::from_bool(self.policy_values().any(|p| parsed_bool(p) == Some(false)));
        }
        let negated = op.operator.is_negated();
        let satisfies = |v: &ContextValue| {
            let matched = if self.parsed.is_empty() {
                // Compared as text: nothing read ahead to pair with the values.
                self.values
                    .iter()
                    .any(|p| base_match(op.operator, v, (value_text(p), Parsed::Text)))
            } else {
                self.policy_values().any(|p| base_match(op.operator, v, p))
            };
            matched != negated
        };
        Tri::from_bool(match op.qualifier {
            Some(SetQualifier::ForAllValues) => values.iter().all(satisfies),
            Some(SetQualifier::ForAnyValue) => values.iter().any(satisfies),
            None if negated => values.iter().all(satisfies),
            None => values.iter().any(satisfies),
        })
    }

    /// The rule that makes the test hold for a request, or `None` when it does not hold. Follows
    /// [`evaluate`](Self::evaluate) case for case.
    pub(crate) fn rule_that_holds(&self, request: &Request) -> Option<ConditionRule> {
        let op = self.operator;
        let values = match request.lookup(self.key) {
            Some(v) if !v.is_empty() => v,
            _ => {
                if !self.when_missing() {
                    return None;
                }
                return Some(if op.operator == Operator::Null {
                    ConditionRule::NullMissing
                } else if op.if_exists {
                    ConditionRule::IfExistsMissing
                } else if op.qualifier == Some(SetQualifier::ForAllValues) {
                    ConditionRule::ForAllValuesOfNothing
                } else {
                    ConditionRule::MissingKeyNegated
                });
            }
        };
        if self.evaluate(request) != Tri::True {
            return None;
        }
        if op.operator == Operator::Null {
            return Some(ConditionRule::NullPresent);
        }
        let first_match = |v: &ContextValue| {
            self.policy_values()
                .find(|p| base_match(op.operator, v, *p))
                .map(|(text, _)| ConditionRule::Matches {
                    found: v.text.clone(),
                    value: text.to_owned(),
                })
        };
        Some(match (op.qualifier, op.operator.is_negated()) {
            (Some(SetQualifier::ForAllValues), false) => ConditionRule::EveryValueMatches,
            (Some(SetQualifier::ForAnyValue), true) => ConditionRule::SomeValueMatchesNone {
                found: values
                    .iter()
                    .find(|v| !self.policy_values().any(|p| base_match(op.operator, v, p)))?
                    .text
                    .clone(),
            },
            (_, true) => ConditionRule::MatchesNone,
            (_, false) => values.iter().find_map(first_match)?,
        })
    }

    /// The result when the key is missing (or empty).
    pub(crate) fn when_missing(&self) -> bool {
        let op = self.operator;
        if op.operator == Operator::Null {
            return self.policy_values().any(|p| parsed_bool(p) == Some(true));
        }
        if op.if_exists {
            return true;
        }
        match op.qualifier {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => op.operator.is_negated(),
        }
    }

    /// The result for a single value that equals no literal of the policies: known exactly for
    /// comparisons of text without wildcards, unknown otherwise.
    fn when_opaque(&self) -> Tri {
        let op = self.operator.operator;
        if op == Operator::Null {
            return Tri::from_bool(self.policy_values().any(|p| parsed_bool(p) == Some(false)));
        }
        let exact = match op {
            Operator::StringEquals
            | Operator::StringNotEquals
            | Operator::StringEqualsIgnoreCase
            | Operator::StringNotEqualsIgnoreCase
            | Operator::BinaryEquals => true,
            Operator::StringLike
            | Operator::StringNotLike
            | Operator::ArnEquals
            | Operator::ArnLike
            | Operator::ArnNotEquals
            | Operator::ArnNotLike => !self.texts().any(|p| p.contains(['*', '?'])),
            _ => false,
        };
        if !exact {
            return Tri::Unknown;
        }
        // The one value matches no policy value.
        Tri::from_bool(op.is_negated())
    }
}

fn parsed_bool((_, parsed): (&str, Parsed)) -> Option<bool> {
    match parsed {
        Parsed::Bool(b) => Some(b),
        _ => None,
    }
}

/// A condition value's text, as [`ConditionValue::as_text`] gives it, borrowed.
fn value_text(v: &ConditionValue) -> &str {
    match v {
        ConditionValue::String(s) => s,
        ConditionValue::Number(n) => n,
        ConditionValue::Bool(true) => "true",
        ConditionValue::Bool(false) => "false",
    }
}

/// Whether the operator compares values as text, so that nothing is read ahead.
pub(crate) fn reads_as_text(op: Operator) -> bool {
    use policy_catalogue::OperatorFamily as F;
    matches!(op.family(), F::String | F::Arn | F::Binary)
}

pub(crate) fn parse_policy_value(op: Operator, text: &str) -> Parsed {
    use policy_catalogue::OperatorFamily as F;
    let parsed = match op.family() {
        F::String | F::Arn | F::Binary => Some(Parsed::Text),
        F::Numeric => parse_number(text).map(Parsed::Number),
        F::Date => super::date::parse_date(text).map(Parsed::Date),
        F::Bool | F::Null => parse_bool(text).map(Parsed::Bool),
        F::IpAddress => parse_cidr(text).map(|(ip, bits)| Parsed::Cidr(ip, bits)),
    };
    parsed.unwrap_or(Parsed::Invalid)
}

// One reading of IP ranges for the evaluator and the analysis engine.
pub(crate) use policy_analysis::parse_cidr;

/// Whether `ip` lies in the block `net/bits`. Addresses of different families never match.
pub(crate) fn cidr_contains(net: IpAddr, bits: u8, ip: IpAddr) -> bool {
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

/// Compares two strings ignoring case (Unicode lowercase), without allocating.
pub(crate) fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// `ArnLike` matching: six colon-separated fields, each a glob; the sixth takes the rest.
pub(crate) fn arn_match(pattern: &str, arn: &str) -> bool {
    let mut p = pattern.splitn(6, ':');
    let mut a = arn.splitn(6, ':');
    for _ in 0..6 {
        match (p.next(), a.next()) {
            (Some(pf), Some(af)) => {
                if !wildcard_match(pf, af, false) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// The positive comparison behind an operator (`StringNotEquals` compares like `StringEquals`).
fn base_match(op: Operator, v: &ContextValue, (text, parsed): (&str, Parsed)) -> bool {
    use Operator as O;
    match (op, parsed) {
        (_, Parsed::Invalid) => false,
        (O::StringEquals | O::StringNotEquals | O::BinaryEquals, _) => v.text == text,
        (O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase, _) => {
            eq_ignore_case(&v.text, text)
        }
        (O::StringLike | O::StringNotLike, _) => wildcard_match(text, &v.text, false),
        (O::ArnEquals | O::ArnLike | O::ArnNotEquals | O::ArnNotLike, _) => {
            arn_match(text, &v.text)
        }
        (O::NumericEquals | O::NumericNotEquals, Parsed::Number(n)) => v.number == Some(n),
        (O::NumericLessThan, Parsed::Number(n)) => v.number.is_some_and(|x| x < n),
        (O::NumericLessThanEquals, Parsed::Number(n)) => v.number.is_some_and(|x| x <= n),
        (O::NumericGreaterThan, Parsed::Number(n)) => v.number.is_some_and(|x| x > n),
        (O::NumericGreaterThanEquals, Parsed::Number(n)) => v.number.is_some_and(|x| x >= n),
        (O::DateEquals | O::DateNotEquals, Parsed::Date(d)) => v.date == Some(d),
        (O::DateLessThan, Parsed::Date(d)) => v.date.is_some_and(|x| x < d),
        (O::DateLessThanEquals, Parsed::Date(d)) => v.date.is_some_and(|x| x <= d),
        (O::DateGreaterThan, Parsed::Date(d)) => v.date.is_some_and(|x| x > d),
        (O::DateGreaterThanEquals, Parsed::Date(d)) => v.date.is_some_and(|x| x >= d),
        (O::Bool, Parsed::Bool(b)) => v.boolean == Some(b),
        (O::IpAddress | O::NotIpAddress, Parsed::Cidr(net, bits)) => {
            v.ip.is_some_and(|ip| cidr_contains(net, bits, ip))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_blocks() {
        let (n, b) = parse_cidr("10.0.0.0/8").unwrap();
        assert!(cidr_contains(n, b, "10.255.0.1".parse().unwrap()));
        assert!(!cidr_contains(n, b, "11.0.0.1".parse().unwrap()));
        let (n, b) = parse_cidr("0.0.0.0/0").unwrap();
        assert!(cidr_contains(n, b, "203.0.113.9".parse().unwrap()));
        assert!(!cidr_contains(n, b, "::1".parse().unwrap()));
        let (n, b) = parse_cidr("2001:db8::/32").unwrap();
        assert!(cidr_contains(n, b, "2001:db8:ffff::1".parse().unwrap()));
        assert!(!cidr_contains(n, b, "2001:db9::1".parse().unwrap()));
        let (n, b) = parse_cidr("192.0.2.7").unwrap();
        assert_eq!(b, 32);
        assert!(cidr_contains(n, b, "192.0.2.7".parse().unwrap()));
        assert!(!cidr_contains(n, b, "192.0.2.8".parse().unwrap()));
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0/8",
            "x",
            "10.0.0.0/+8",
        ] {
            assert_eq!(parse_cidr(bad), None, "{bad}");
        }
    }

    #[test]
    fn arn_fields() {
        assert!(arn_match(
            "arn:aws:codebuild:*:123456789012:project/*",
            "arn:aws:codebuild:us-east-1:123456789012:project/app"
        ));
        // A wildcard does not cross a field boundary...
        assert!(!arn_match(
            "arn:aws:*:123456789012:project/app",
            "arn:aws:codebuild:us-east-1:123456789012:project/app"
        ));
        // ...except in the resource, which takes the rest.
        assert!(arn_match(
            "arn:aws:lambda:*:*:function:*",
            "arn:aws:lambda:us-east-1:123456789012:function:f:1"
        ));
        assert!(!arn_match("*", "arn:aws:s3:::bucket"));
        assert!(!arn_match("arn:aws:s3:::bucket", "not an arn"));
        assert!(!arn_match(
            "arn:aws:iam::123456789012:ROLE/x",
            "arn:aws:iam::123456789012:role/x"
        ));
    }

    #[test]
    fn ignore_case_without_allocation() {
        assert!(eq_ignore_case("ABC", "abc"));
        assert!(eq_ignore_case("ÄRGER", "ärger"));
        assert!(!eq_ignore_case("abc", "abd"));
    }
}
