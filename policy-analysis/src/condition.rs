//! Condition tests lowered to constraints over one key: when the key is missing, a quantifier
//! over its values, and a test of one value as a set (automaton, ranges, IP set).
//!
//! The rules, as `policy_core::eval` applies them (see
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//! and <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>):
//! - several values of one test are alternatives; a negated operator holds when no value of
//!   the request matches any of them;
//! - a missing (or empty) key: positive operators are false, negated ones true, `...IfExists`
//!   true, `ForAllValues:` true, `ForAnyValue:` false; `Null: true` holds exactly then;
//! - `ForAllValues:` wants every request value to satisfy the operator, `ForAnyValue:` one;
//!   without a qualifier, positive operators behave like `ForAnyValue:` and negated ones like
//!   `ForAllValues:`;
//! - a policy value that cannot be read in the operator's type matches nothing.

use policy_catalogue::{ConditionOperator, Operator, OperatorFamily, SetQualifier};

use crate::date::parse_date;
use crate::ir::Condition;
use crate::ranges::{all_numbers, number_key, IpSet, Ranges};
use crate::text::Nfa;

/// The earliest and latest instants a date value can be written as (12 digits of seconds).
pub(crate) const DATE_MIN: i64 = -999_999_999_999_999;
pub(crate) const DATE_MAX: i64 = 999_999_999_999_999;

pub(crate) fn all_dates() -> Ranges<i64> {
    Ranges::span(DATE_MIN, DATE_MAX)
}

/// The test of one value. For the set forms, `other` says whether a value that cannot be read
/// in the type (not a number, not an address) passes.
#[derive(Clone, Debug)]
pub(crate) enum Test {
    /// `finite`: the values themselves, when they are the only strings the automaton takes
    /// (no wildcard, no case folding), so that a positive test can be solved by trying them.
    Text {
        /// Shared: negating a test or copying a constraint does not copy its automaton.
        nfa: std::rc::Rc<Nfa>,
        negated: bool,
        finite: Option<std::rc::Rc<Vec<String>>>,
    },
    Numbers {
        set: Ranges<i64>,
        other: bool,
    },
    Dates {
        set: Ranges<i64>,
        other: bool,
    },
    Bools {
        set: [bool; 2],
        other: bool,
    },
    Ips {
        /// Shared: copying a constraint copies no ranges.
        set: std::rc::Rc<IpSet>,
        /// The complement of `set`, when known: the test this one is the negation of. A
        /// deny's `NotIpAddress` is negated twice (lowered, then escaped): the second gives
        /// back the first set, not its complement worked out again.
        complement: Option<std::rc::Rc<IpSet>>,
        /// Whether every value of the condition is a block (`IpSet::from_cidrs` reads them
        /// all): the letters of a policy take only such conditions (`literal`).
        every_block: bool,
        other: bool,
    },
    Const(bool),
    /// Outside the model: a policy variable.
    Unknown,
}

/// The family a test reads values in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Text,
    Number,
    Date,
    Bool,
    Ip,
    None,
}

impl Test {
    pub(crate) fn family(&self) -> Family {
        match self {
            Test::Text { .. } => Family::Text,
            Test::Numbers { .. } => Family::Number,
            Test::Dates { .. } => Family::Date,
            Test::Bools { .. } => Family::Bool,
            Test::Ips { .. } => Family::Ip,
            Test::Const(_) | Test::Unknown => Family::None,
        }
    }

    /// Whether one value passes; `None` when outside the model.
    pub(crate) fn eval(&self, v: &str) -> Option<bool> {
        Some(match self {
            Test::Text { nfa, negated, .. } => nfa.matches(v) != *negated,
            Test::Numbers { set, other } => {
                parse_number(v).map_or(*other, |x| set.contains(number_key(x)))
            }
            Test::Dates { set, other } => parse_date(v).map_or(*other, |d| set.contains(d)),
            Test::Bools { set, other } => parse_bool(v).map_or(*other, |b| set[usize::from(b)]),
            Test::Ips { set, other, .. } => {
                policy_catalogue::rules::parse_ip(v).map_or(*other, |ip| set.contains(ip))
            }
            Test::Const(b) => *b,
            Test::Unknown => return None,
        })
    }

    pub(crate) fn negate(&self) -> Test {
        match self {
            Test::Text {
                nfa,
                negated,
                finite,
            } => Test::Text {
                nfa: nfa.clone(),
                negated: !negated,
                finite: finite.clone(),
            },
            Test::Numbers { set, other } => Test::Numbers {
                set: set.complement().intersect(&all_numbers()),
                other: !other,
            },
            Test::Dates { set, other } => Test::Dates {
                set: set.complement().intersect(&all_dates()),
                other: !other,
            },
            Test::Bools { set, other } => Test::Bools {
                set: [!set[0], !set[1]],
                other: !other,
            },
            Test::Ips {
                set,
                complement,
                every_block,
                other,
            } => Test::Ips {
                set: complement
                    .clone()
                    .unwrap_or_else(|| std::rc::Rc::new(set.complement())),
                complement: Some(set.clone()),
                every_block: *every_block,
                other: !other,
            },
            Test::Const(b) => Test::Const(!b),
            Test::Unknown => Test::Unknown,
        }
    }
}

/// One condition test as a constraint on its key.
#[derive(Clone, Debug)]
pub(crate) struct Constraint {
    /// The key, lowercased (keys ignore case). Shared, as the key as written is: copies of a
    /// constraint (each analyzer of a policy takes its own) copy no text.
    pub(crate) key: SharedText,
    /// The key as written.
    pub(crate) name: SharedText,
    /// Whether the test holds when the key is missing or empty.
    pub(crate) when_missing: bool,
    /// Every value must pass (`true`) or one must (`false`).
    pub(crate) all: bool,
    pub(crate) test: Test,
    /// What it was lowered from, and whether it is the negation: equal origins lower to
    /// equal constraints, so answers about constraints can be remembered by their origins.
    pub(crate) origin: (std::rc::Rc<Origin>, bool),
}

/// Text shared by the copies of what holds it, read as a `&str`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct SharedText(std::rc::Rc<str>);

impl SharedText {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedText {
    fn from(s: &str) -> SharedText {
        SharedText(s.into())
    }
}

impl std::ops::Deref for SharedText {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl std::fmt::Display for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The condition a constraint was lowered from: the condition itself, shared with the memory
/// of lowered conditions and the statement read for analysis (`access::Prepared`), which
/// copy no text of it. It compares and hashes as its parts in order (operator, key, values,
/// variables).
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct Origin {
    condition: std::rc::Rc<Condition>,
    variables: bool,
}

impl Origin {
    /// The values of the condition as written.
    pub(crate) fn values(&self) -> &[String] {
        &self.condition.values
    }

    /// The condition as written.
    pub(crate) fn condition(&self) -> &std::rc::Rc<Condition> {
        &self.condition
    }
}

impl Constraint {
    /// Lowers a condition. `variables`: `${...}` in values are policy variables, outside the
    /// model.
    pub(crate) fn lower(c: &Condition, variables: bool) -> Constraint {
        Constraint::lower_shared(std::rc::Rc::new(c.clone()), variables)
    }

    /// [`Constraint::lower`] of a condition already shared, which the constraint's origin
    /// keeps.
    pub(crate) fn lower_shared(shared: std::rc::Rc<Condition>, variables: bool) -> Constraint {
        let origin = (
            std::rc::Rc::new(Origin {
                condition: shared,
                variables,
            }),
            false,
        );
        let c: &Condition = &origin.0.condition;
        let op: ConditionOperator = c.operator;
        let key = c.key.to_ascii_lowercase();
        if op.operator == Operator::Null {
            let parsed: Vec<Option<bool>> = c.values.iter().map(|v| parse_bool(v)).collect();
            return Constraint {
                key: key.as_str().into(),
                name: c.key.as_str().into(),
                when_missing: parsed.contains(&Some(true)),
                all: false,
                test: Test::Const(parsed.contains(&Some(false))),
                origin,
            };
        }
        let negated = op.operator.is_negated();
        let test = if variables && c.values.iter().any(|v| v.contains("${")) {
            Test::Unknown
        } else {
            let positive = positive_test(op.operator, &c.values);
            if negated {
                positive.negate()
            } else {
                positive
            }
        };
        let (all, when_missing) = match op.qualifier {
            Some(SetQualifier::ForAllValues) => (true, true),
            Some(SetQualifier::ForAnyValue) => (false, op.if_exists),
            None => (negated, negated || op.if_exists),
        };
        Constraint {
            key: key.as_str().into(),
            name: c.key.as_str().into(),
            when_missing: when_missing || op.if_exists,
            all,
            test,
            origin,
        }
    }

    /// The negation: holds exactly when this constraint does not.
    pub(crate) fn negate(&self) -> Constraint {
        Constraint {
            key: self.key.clone(),
            name: self.name.clone(),
            when_missing: !self.when_missing,
            all: !self.all,
            test: self.test.negate(),
            origin: (self.origin.0.clone(), !self.origin.1),
        }
    }

    /// Whether the constraint holds for the key's values (`None`: missing); `None` when
    /// outside the model.
    pub(crate) fn holds(&self, values: Option<&[String]>) -> Option<bool> {
        let values = match values {
            Some(v) if !v.is_empty() => v,
            _ => return Some(self.when_missing),
        };
        let mut unknown = false;
        for v in values {
            match self.test.eval(v) {
                Some(pass) if pass != self.all => return Some(pass),
                Some(_) => {}
                None => unknown = true,
            }
        }
        if unknown {
            None
        } else {
            Some(self.all)
        }
    }
}

/// The set of values that match one of `values` under a positive operator.
fn positive_test(op: Operator, values: &[String]) -> Test {
    use Operator as O;
    match op.family() {
        OperatorFamily::String | OperatorFamily::Binary => {
            let like = op.is_like();
            let fold = matches!(op, O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase);
            let plain = !fold && (!like || !values.iter().any(|v| v.contains(['*', '?'])));
            Test::Text {
                nfa: std::rc::Rc::new(Nfa::strings(values.iter().map(String::as_str), like, fold)),
                negated: false,
                finite: plain.then(|| std::rc::Rc::new(values.to_vec())),
            }
        }
        OperatorFamily::Arn => {
            let plain = !values.iter().any(|v| v.contains(['*', '?']));
            Test::Text {
                nfa: std::rc::Rc::new(Nfa::arns(values.iter().map(String::as_str))),
                negated: false,
                finite: plain.then(|| std::rc::Rc::new(values.to_vec())),
            }
        }
        OperatorFamily::Numeric => {
            let lo = number_key(f64::NEG_INFINITY);
            let hi = number_key(f64::INFINITY);
            let ranges = values
                .iter()
                .filter_map(|v| parse_number(v))
                .map(|n| {
                    let k = number_key(n);
                    order_range(op, k, lo, hi)
                })
                .collect();
            Test::Numbers {
                set: Ranges::from_ranges(ranges),
                other: false,
            }
        }
        OperatorFamily::Date => {
            let ranges = values
                .iter()
                .filter_map(|v| parse_date(v))
                .map(|d| order_range(op, d, DATE_MIN, DATE_MAX))
                .collect();
            Test::Dates {
                set: Ranges::from_ranges(ranges),
                other: false,
            }
        }
        OperatorFamily::Bool => {
            let mut set = [false; 2];
            for b in values.iter().filter_map(|v| parse_bool(v)) {
                set[usize::from(b)] = true;
            }
            Test::Bools { set, other: false }
        }
        OperatorFamily::IpAddress => {
            let (set, every_block) = IpSet::from_readable_cidrs(values.iter().map(String::as_str));
            Test::Ips {
                set: std::rc::Rc::new(set),
                complement: None,
                every_block,
                other: false,
            }
        }
        OperatorFamily::Null => Test::Const(false),
    }
}

/// The keys `k` compares to under an ordering operator, within `lo..=hi`.
fn order_range(op: Operator, k: i64, lo: i64, hi: i64) -> (i64, i64) {
    use Operator as O;
    match op {
        O::NumericLessThan | O::DateLessThan => (lo, k - 1),
        O::NumericLessThanEquals | O::DateLessThanEquals => (lo, k),
        O::NumericGreaterThan | O::DateGreaterThan => (k + 1, hi),
        O::NumericGreaterThanEquals | O::DateGreaterThanEquals => (k, hi),
        _ => (k, k),
    }
}

/// Reads a number the way `Numeric*` operators do: decimal digits, sign, point and exponent only
/// (`f64::from_str` would also read `inf` and `NaN`, which IAM numbers are not). The one reading
/// shared with `policy_core::eval`, so the evaluator and the engine agree on every value.
///
/// ```
/// assert_eq!(policy_analysis::parse_number(" 1e3 "), Some(1000.0));
/// assert_eq!(policy_analysis::parse_number("inf"), None);
/// ```
#[must_use]
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    t.parse().ok()
}

/// Reads `true` / `false` in any letter case, as `Bool` and `Null` do.
///
/// ```
/// assert_eq!(policy_analysis::parse_bool("True"), Some(true));
/// assert_eq!(policy_analysis::parse_bool("yes"), None);
/// ```
#[must_use]
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The addresses of an IP test, its negation and the negation of that, the complement
    /// being taken from the test negated rather than worked out again: the sets the
    /// complement worked out each time gives, over fixed and 2,000 random lists of blocks of
    /// both families.
    #[test]
    fn negated_ip_tests_are_the_complements() {
        let blocks = [
            "10.1.0.0/16",
            "10.0.0.0/8",
            "0.0.0.0/0",
            "192.0.2.7",
            "2001:db8:1::/48",
            "::/0",
            "::",
            "bad",
        ];
        let mut seed: u64 = 0x0e6a_7e00_0000_0005;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let sets = |t: &Test| match t {
            Test::Ips { set, other, .. } => ((**set).clone(), *other),
            _ => unreachable!("an IP test"),
        };
        for _ in 0..2_000 {
            let values: Vec<&str> = (0..next(4))
                .map(|_| blocks[next(blocks.len() as u64) as usize])
                .collect();
            let op = [Operator::IpAddress, Operator::NotIpAddress][next(2) as usize];
            let c = Constraint::lower(
                &Condition::new(op.into(), "aws:SourceIp", values.iter().copied()),
                false,
            );
            let (set, other) = sets(&c.test);
            let once = c.negate();
            let twice = once.negate();
            assert_eq!(sets(&once.test), (set.complement(), !other), "{values:?}");
            assert_eq!(sets(&twice.test), (set.clone(), other), "{values:?}");
            assert_eq!(
                sets(&twice.negate().test),
                (set.complement(), !other),
                "{values:?}"
            );
            let (positive, _) = IpSet::from_readable_cidrs(values.iter().copied());
            let expected = if op == Operator::NotIpAddress {
                positive.complement()
            } else {
                positive
            };
            assert_eq!(set, expected, "{values:?}");
        }
    }
}
