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
        /// Shared: negating a test or copying a constraint does not copy its patterns, nor
        /// builds their automaton twice.
        patterns: std::rc::Rc<Patterns>,
        negated: bool,
        finite: Option<Listed>,
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

/// The patterns of a text test as written and the automaton of their union, built from them
/// the first time a question needs it: most tests are only asked whether a value passes,
/// which the patterns as written answer ([`Patterns::takes`]), and a policy at the size limit
/// lowers a hundred of them for each analyzer.
///
/// It reads as its automaton ([`Nfa`], through `Deref`), building it then, and compares as
/// its automaton; it writes itself out as its patterns, without building it.
pub(crate) struct Patterns {
    /// The condition the patterns are the values of (the constraint's origin).
    condition: std::rc::Rc<Condition>,
    form: Form,
    built: std::cell::OnceCell<Nfa>,
}

/// How a text test reads its patterns: as `Nfa::strings` or `Nfa::arns` take them. No
/// operator both takes wildcards and ignores case, so no form does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// The text itself (`StringEquals`, `BinaryEquals`).
    Exact,
    /// `*` and `?` are wildcards, letters compare as they are (`StringLike`).
    Glob,
    /// The text itself, letters compared ignoring case (`StringEqualsIgnoreCase`).
    Folded,
    /// ARNs, field by field (`ArnLike`, `ArnEquals`).
    Arns,
}

impl Patterns {
    fn new(condition: std::rc::Rc<Condition>, form: Form) -> Patterns {
        Patterns {
            condition,
            form,
            built: std::cell::OnceCell::new(),
        }
    }

    /// The automaton of the patterns' union, built the first time it is asked for.
    pub(crate) fn nfa(&self) -> &Nfa {
        self.built.get_or_init(|| {
            let values = self.condition.values.iter().map(String::as_str);
            match self.form {
                Form::Exact => Nfa::strings(values, false, false),
                Form::Glob => Nfa::strings(values, true, false),
                Form::Folded => Nfa::strings(values, false, true),
                Form::Arns => Nfa::arns(values),
            }
        })
    }

    /// Whether one of the patterns takes `v`: what the automaton accepts (`Nfa::strings`,
    /// `Nfa::arns`), told from the patterns as written, without the automaton (cheaper than
    /// its walk even when built).
    pub(crate) fn takes(&self, v: &str) -> bool {
        let patterns = &self.condition.values;
        match self.form {
            Form::Exact => patterns.iter().any(|p| p == v),
            Form::Glob => patterns.iter().any(|p| crate::live::glob(p, v)),
            // Character by character, as `CharSet::Fold` compares.
            Form::Folded => patterns.iter().any(|p| {
                p.chars().count() == v.chars().count()
                    && p.chars()
                        .zip(v.chars())
                        .all(|(a, b)| crate::text::fold_eq(a, b))
            }),
            Form::Arns => patterns.iter().any(|p| crate::live::arn_like(p, v)),
        }
    }
}

impl std::ops::Deref for Patterns {
    type Target = Nfa;

    fn deref(&self) -> &Nfa {
        self.nfa()
    }
}

/// As their automata, by their states (as `Nfa` compares). The patterns of one condition read
/// in one form build one automaton: those are equal without building it (a test and its
/// negation share theirs).
impl PartialEq for Patterns {
    fn eq(&self, other: &Patterns) -> bool {
        (std::rc::Rc::ptr_eq(&self.condition, &other.condition) && self.form == other.form)
            || self.nfa() == other.nfa()
    }
}

/// As the form and the patterns as written: writing a test out does not build its automaton.
impl std::fmt::Debug for Patterns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Patterns")
            .field("form", &self.form)
            .field("values", &self.condition.values)
            .finish()
    }
}

/// The values of a condition as written, shared with the condition the constraint was
/// lowered from (its origin): a test that lists its values copies none of them.
#[derive(Clone)]
pub(crate) struct Listed(std::rc::Rc<Condition>);

impl std::ops::Deref for Listed {
    type Target = Vec<String>;

    fn deref(&self) -> &Vec<String> {
        &self.0.values
    }
}

impl PartialEq for Listed {
    fn eq(&self, other: &Listed) -> bool {
        self.0.values == other.0.values
    }
}

/// As the list of values alone: the condition they are shared with is the constraint's
/// origin, written out beside the test.
impl std::fmt::Debug for Listed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.values.fmt(f)
    }
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
            Test::Text {
                patterns, negated, ..
            } => patterns.takes(v) != *negated,
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

    /// [`Test::eval`] with a text test told by walking its automaton (built if need be), not
    /// by its patterns as written: the reference the readings by patterns are checked against.
    #[cfg(test)]
    pub(crate) fn eval_by_automaton(&self, v: &str) -> Option<bool> {
        match self {
            Test::Text {
                patterns, negated, ..
            } => Some(patterns.nfa().matches(v) != *negated),
            _ => self.eval(v),
        }
    }

    pub(crate) fn negate(&self) -> Test {
        match self {
            Test::Text {
                patterns,
                negated,
                finite,
            } => Test::Text {
                patterns: patterns.clone(),
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
        let (key, name) = key_texts(&c.key);
        if op.operator == Operator::Null {
            let has = |b: bool| c.values.iter().any(|v| parse_bool(v) == Some(b));
            return Constraint {
                key,
                name,
                when_missing: has(true),
                all: false,
                test: Test::Const(has(false)),
                origin,
            };
        }
        let negated = op.operator.is_negated();
        let test = if variables && c.values.iter().any(|v| v.contains("${")) {
            Test::Unknown
        } else {
            let positive = positive_test(op.operator, &origin.0.condition);
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
            key,
            name,
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
        self.holds_by(values, |v| self.test.eval(v))
    }

    /// [`holds`](Self::holds) with `eval` telling whether the test takes one value (`None`:
    /// outside the model): the missing key, the set qualifiers and the unknowns as `holds`
    /// reads them, for the callers that tell a value by a cheaper route than the test's.
    pub(crate) fn holds_by(
        &self,
        values: Option<&[String]>,
        eval: impl Fn(&str) -> Option<bool>,
    ) -> Option<bool> {
        let values = match values {
            Some(v) if !v.is_empty() => v,
            _ => return Some(self.when_missing),
        };
        let mut unknown = false;
        for v in values {
            match eval(v) {
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

/// A key as written and lowercased (keys ignore case), shared by every condition on the same
/// key as written: the conditions of a policy name a few keys many times over. A key already
/// lowercase is one text.
fn key_texts(written: &str) -> (SharedText, SharedText) {
    thread_local! {
        /// By the key as written, its lowercase form.
        static KEYS: std::cell::RefCell<crate::text::FastMap<SharedText, SharedText>> =
            std::cell::RefCell::default();
    }
    /// Past this many keys the memory starts again.
    const KEPT: usize = 256;
    KEYS.with(|m| {
        let mut m = m.borrow_mut();
        if let Some((name, key)) = m.get_key_value(written) {
            return (key.clone(), name.clone());
        }
        let (key, name) = key_texts_afresh(written);
        if m.len() >= KEPT {
            m.clear();
        }
        m.insert(name.clone(), key.clone());
        (key, name)
    })
}

/// [`key_texts`] without the memory: the lowercase key and the key as written, one text when
/// they are the same.
fn key_texts_afresh(written: &str) -> (SharedText, SharedText) {
    let name = SharedText::from(written);
    if !written.bytes().any(|b| b.is_ascii_uppercase()) {
        return (name.clone(), name);
    }
    let mut lower: std::rc::Rc<str> = written.into();
    // Made here and not shared: always ours to change.
    if let Some(text) = std::rc::Rc::get_mut(&mut lower) {
        text.make_ascii_lowercase();
    }
    (SharedText(lower), name)
}

/// The set of values that match one of the condition's values under a positive operator.
fn positive_test(op: Operator, condition: &std::rc::Rc<Condition>) -> Test {
    use Operator as O;
    let values: &[String] = &condition.values;
    match op.family() {
        OperatorFamily::String | OperatorFamily::Binary => {
            // `plain`: the values are the only strings the automaton takes.
            let (form, plain) =
                if matches!(op, O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase) {
                    (Form::Folded, false)
                } else if op.is_like() {
                    (Form::Glob, !values.iter().any(|v| v.contains(['*', '?'])))
                } else {
                    (Form::Exact, true)
                };
            Test::Text {
                patterns: std::rc::Rc::new(Patterns::new(condition.clone(), form)),
                negated: false,
                finite: plain.then(|| Listed(condition.clone())),
            }
        }
        OperatorFamily::Arn => {
            let plain = !values.iter().any(|v| v.contains(['*', '?']));
            Test::Text {
                patterns: std::rc::Rc::new(Patterns::new(condition.clone(), Form::Arns)),
                negated: false,
                finite: plain.then(|| Listed(condition.clone())),
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
        let mut next = crate::test_random::xorshift(0x0e6a_7e00_0000_0005);
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

    /// [`Constraint::lower_shared`] as first written: the key lowercased into a text of its
    /// own, `Null`'s values read into a list, a test's values copied.
    fn lower_as_first_written(c: &Condition, variables: bool) -> Constraint {
        let shared = std::rc::Rc::new(c.clone());
        let origin = (
            std::rc::Rc::new(Origin {
                condition: shared.clone(),
                variables,
            }),
            false,
        );
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
            // The values copied, into a condition of their own that holds nothing else.
            let copied = std::rc::Rc::new(Condition::new(op, "", c.values.to_vec()));
            let positive = positive_test(op.operator, &copied);
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

    /// Two constraints alike, part by part (a test's listed values compared as lists,
    /// automata by their states, other sets as written out).
    fn assert_same(a: &Constraint, b: &Constraint, what: &str) {
        assert_eq!(a.key, b.key, "{what}");
        assert_eq!(a.name, b.name, "{what}");
        assert_eq!(a.when_missing, b.when_missing, "{what}");
        assert_eq!(a.all, b.all, "{what}");
        assert_eq!(a.origin, b.origin, "{what}");
        match (&a.test, &b.test) {
            (
                Test::Text {
                    patterns,
                    negated,
                    finite,
                },
                Test::Text {
                    patterns: other,
                    negated: n,
                    finite: f,
                },
            ) => {
                assert!(patterns == other, "{what}");
                assert_eq!(negated, n, "{what}");
                assert_eq!(
                    finite.as_ref().map(|l| l.as_slice()),
                    f.as_ref().map(|l| l.as_slice()),
                    "{what}"
                );
            }
            // The complement an IP test keeps is a memory of its negation: when known,
            // it is the set's complement; the sets themselves must be alike.
            (
                Test::Ips {
                    set,
                    complement,
                    every_block,
                    other,
                },
                Test::Ips {
                    set: set_b,
                    complement: complement_b,
                    every_block: e,
                    other: o,
                },
            ) => {
                assert_eq!(set, set_b, "{what}");
                assert_eq!((every_block, other), (e, o), "{what}");
                for known in [complement, complement_b].into_iter().flatten() {
                    assert_eq!(**known, set.complement(), "{what}");
                }
                return;
            }
            (x, y) => assert_eq!(format!("{x:?}"), format!("{y:?}"), "{what}"),
        }
        assert_eq!(format!("{:?}", a.test), format!("{:?}", b.test), "{what}");
    }

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        let operator: ConditionOperator = op.parse().expect("an operator");
        Condition::new(operator, key, values.iter().copied())
    }

    /// Lowering, and negating what it lowered, is as first written: for fixed conditions of
    /// every family (keys lowercase and not, literal values and patterns, variables, values
    /// that do not read) and 2,000 random ones.
    #[test]
    fn lowering_is_as_first_written() {
        let mut conditions = vec![
            cond("StringLike", "aws:PrincipalOrgID", &["o-1*"]),
            cond("StringLike", "aws:principalorgid", &["o-1*"]),
            cond("StringEquals", "aws:SourceAccount", &["111122223333"]),
            cond("StringEquals", "aws:sourceaccount", &["1", "2", "3"]),
            cond("StringEqualsIgnoreCase", "aws:username", &["CI"]),
            cond("StringNotLike", "aws:userid", &["*:ci-1-*", "AIDA?"]),
            cond(
                "ArnNotLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::100000000000:role/*"],
            ),
            cond("ArnEquals", "aws:SourceArn", &["arn:aws:s3:::bucket"]),
            cond("ArnLike", "aws:SourceArn", &["not-an-arn"]),
            cond("StringEquals", "aws:username", &["${aws:username}"]),
            cond("BinaryEquals", "aws:Data", &["QUJD"]),
            cond(
                "IpAddress",
                "aws:SourceIp",
                &["10.0.0.0/8", "2001:db8::/32"],
            ),
            cond("NotIpAddress", "aws:SourceIp", &["10.1.0.0/16", "bad"]),
            cond("NumericLessThan", "aws:MultiFactorAuthAge", &["3600", "x"]),
            cond(
                "NumericGreaterThanEquals",
                "aws:MultiFactorAuthAge",
                &["1e3"],
            ),
            cond(
                "DateGreaterThan",
                "aws:CurrentTime",
                &["2026-01-01T00:00:00Z"],
            ),
            cond("DateLessThanEquals", "aws:CurrentTime", &["0"]),
            cond("Bool", "aws:SecureTransport", &["false", "TRUE"]),
            cond("BoolIfExists", "aws:SecureTransport", &["maybe"]),
            cond("Null", "aws:PrincipalOrgID", &["true"]),
            cond("Null", "aws:PrincipalOrgID", &["false", "True"]),
            cond("Null", "AWS:PrincipalOrgID", &["neither"]),
            cond("ForAllValues:StringLike", "aws:TagKeys", &["team-*"]),
            cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["a", "b"]),
            cond("StringLikeIfExists", "ÄWS:Key", &["x"]),
            cond("StringEquals", "aws:key", &[]),
        ];
        let mut next = crate::test_random::xorshift(0x2545_f491_4f6c_dd1d);
        let operators = [
            "StringLike",
            "StringNotLike",
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCaseIfExists",
            "ForAnyValue:StringLike",
            "ForAllValues:StringEquals",
            "ArnLike",
            "ArnEquals",
            "ArnNotLikeIfExists",
            "BinaryEquals",
            "NumericEquals",
            "NumericLessThan",
            "DateGreaterThan",
            "Bool",
            "Null",
            "IpAddress",
            "NotIpAddress",
        ];
        let keys = [
            "aws:PrincipalArn",
            "aws:userid",
            "aws:PrincipalOrgID",
            "aws:USERID",
            "aws:sourceip",
            "s3:prefix",
        ];
        let pieces = [
            "a",
            "*",
            "?",
            ":",
            "${aws:username}",
            "role/",
            "o-",
            "10",
            ".",
            "/8",
            "true",
            "False",
            "2026-01-01",
            "1e3",
            "-",
            "arn:aws:iam::1:",
        ];
        for _ in 0..2000 {
            let values: Vec<String> = (0..next(4))
                .map(|_| {
                    (0..1 + next(4))
                        .map(|_| pieces[next(pieces.len() as u64) as usize])
                        .collect()
                })
                .collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            conditions.push(cond(
                operators[next(operators.len() as u64) as usize],
                keys[next(keys.len() as u64) as usize],
                &values,
            ));
        }
        for (k, c) in conditions.iter().enumerate() {
            for variables in [false, true] {
                let what = format!("{k}: {c:?} {variables}");
                let fast = Constraint::lower(c, variables);
                let first = lower_as_first_written(c, variables);
                assert_same(&fast, &first, &what);
                assert_same(&fast.negate(), &first.negate(), &what);
                assert_same(&fast.negate().negate(), &first, &what);
            }
        }
    }

    /// The automaton of a text test built at once from its operator and values: what
    /// [`Patterns::nfa`] builds when first asked, and [`Patterns::takes`] answers without it.
    fn eager_nfa(op: Operator, values: &[String]) -> Nfa {
        let values = values.iter().map(String::as_str);
        match op.family() {
            OperatorFamily::Arn => Nfa::arns(values),
            _ => {
                let fold = matches!(
                    op,
                    Operator::StringEqualsIgnoreCase | Operator::StringNotEqualsIgnoreCase
                );
                Nfa::strings(values, op.is_like(), fold)
            }
        }
    }

    /// Text conditions of every text operator, fixed and 1,500 random ones, each with the
    /// values to ask of it: its patterns, their wildcards filled, their letters' case turned,
    /// cut short and run on, and random texts.
    fn text_cases() -> Vec<(Condition, Vec<String>)> {
        let mut conditions = vec![
            cond("StringLike", "aws:PrincipalOrgID", &["o-1*"]),
            cond("StringEquals", "aws:SourceAccount", &["111122223333", "1"]),
            cond(
                "StringEqualsIgnoreCase",
                "aws:username",
                &["CI", "Kelvin", "straße"],
            ),
            cond("StringNotEqualsIgnoreCase", "aws:username", &["ÉTÉ"]),
            cond(
                "StringNotLike",
                "aws:userid",
                &["*:ci-1-*", "AIDA?", "a**b"],
            ),
            cond("StringLike", "aws:userid", &["*", "", "?é*"]),
            cond("StringNotEquals", "aws:userid", &[]),
            cond("ArnNotLike", "aws:PrincipalArn", &["arn:aws:iam::1:role/*"]),
            cond(
                "ArnEquals",
                "aws:SourceArn",
                &["arn:aws:s3:::bucket", "not-an-arn"],
            ),
            cond(
                "ArnLike",
                "aws:SourceArn",
                &["arn:*:*:*:*:*", "arn:a?s:s3:::b:c*"],
            ),
            cond("ArnNotEquals", "aws:SourceArn", &["a:b:c:d:e", "::::::"]),
            cond("BinaryEquals", "aws:Data", &["QUJD", "*"]),
        ];
        let operators = [
            "StringLike",
            "StringNotLike",
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCaseIfExists",
            "ForAnyValue:StringLike",
            "ForAllValues:StringNotLike",
            "ArnLike",
            "ArnEquals",
            "ArnNotLikeIfExists",
            "ForAllValues:ArnNotEquals",
            "BinaryEquals",
        ];
        let pieces = [
            "a",
            "A",
            "*",
            "?",
            ":",
            "::",
            "role/",
            "o-",
            "é",
            "É",
            "\u{212a}",
            "k",
            "ß",
            "arn:aws:iam::1:",
            "arn",
            "-",
            "${x}",
        ];
        let mut next = crate::test_random::xorshift(0x6c61_7a79_0000_0001);
        for _ in 0..1_500 {
            let values: Vec<String> = (0..next(4))
                .map(|_| {
                    (0..1 + next(5))
                        .map(|_| pieces[next(pieces.len() as u64) as usize])
                        .collect()
                })
                .collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            conditions.push(cond(
                operators[next(operators.len() as u64) as usize],
                "aws:PrincipalArn",
                &values,
            ));
        }
        conditions
            .into_iter()
            .map(|c| {
                let mut asked: Vec<String> = vec![String::new(), "arn:aws:iam::1:role/x".into()];
                for p in &c.values {
                    let filled: String = p
                        .chars()
                        .map(|ch| match ch {
                            '*' => pieces[next(pieces.len() as u64) as usize]
                                .repeat(usize::try_from(next(3)).unwrap_or(0)),
                            '?' => pieces[next(4) as usize].to_owned(),
                            ch => ch.to_string(),
                        })
                        .collect();
                    let turned: String = p
                        .chars()
                        .map(|ch| {
                            if next(2) == 0 {
                                ch.to_uppercase().collect::<String>()
                            } else {
                                ch.to_lowercase().collect()
                            }
                        })
                        .collect();
                    let cut: String = p
                        .chars()
                        .take(p.chars().count().saturating_sub(1))
                        .collect();
                    asked.extend([p.clone(), filled, turned, cut, format!("{p}:x")]);
                }
                for _ in 0..4 {
                    asked.push(
                        (0..next(6))
                            .map(|_| pieces[next(pieces.len() as u64) as usize])
                            .collect(),
                    );
                }
                (c, asked)
            })
            .collect()
    }

    /// A text test's automaton is built only when asked for (not to write the test out), and
    /// is then the one [`eager_nfa`] builds at once; until then the test (and its negation,
    /// and a negated constraint's) answers what the automaton built at once answers, value by
    /// value and over lists of values through the quantifiers: over the fixed and random
    /// conditions of [`text_cases`].
    #[test]
    fn lazy_automata_are_the_eager_ones() {
        let mut next = crate::test_random::xorshift(0x6c61_7a79_0000_0002);
        let mut built = 0;
        for (k, (c, asked)) in text_cases().iter().enumerate() {
            let what = format!("{k}: {c:?}");
            let constraint = Constraint::lower(c, false);
            let negation = constraint.negate();
            let (
                Test::Text {
                    patterns,
                    negated: n,
                    ..
                },
                Test::Text {
                    patterns: other, ..
                },
            ) = (&constraint.test, &negation.test)
            else {
                panic!("a text test: {what}");
            };
            assert!(std::rc::Rc::ptr_eq(patterns, other), "{what}");
            let eager = eager_nfa(c.operator.operator, &c.values);
            let eager_holds = |cn: &Constraint, negated: bool, values: &[String]| {
                cn.holds_by(Some(values), |v| Some(eager.matches(v) != negated))
            };
            for v in asked {
                assert_eq!(patterns.takes(v), eager.matches(v), "{what} {v:?}");
                assert_eq!(
                    constraint.test.eval(v),
                    Some(eager.matches(v) != *n),
                    "{what} {v:?}"
                );
                assert_eq!(
                    negation.test.eval(v),
                    Some(eager.matches(v) == *n),
                    "{what} {v:?}"
                );
            }
            for _ in 0..8 {
                let values: Vec<String> = (0..next(4))
                    .map(|_| asked[next(asked.len() as u64) as usize].clone())
                    .collect();
                assert_eq!(
                    constraint.holds(Some(&values)),
                    eager_holds(&constraint, *n, &values),
                    "{what} {values:?}"
                );
                assert_eq!(
                    negation.holds(Some(&values)),
                    eager_holds(&negation, !*n, &values),
                    "{what} {values:?}"
                );
            }
            // Written out as the form and the patterns as written.
            let written = format!("{patterns:?}");
            assert!(written.contains(&format!("{:?}", c.values)), "{what}");
            // The patterns of the same condition lowered again compare equal without building
            // either automaton, and are equal as automata once built.
            let again = Constraint::lower_shared(constraint.origin.0.condition().clone(), false);
            let Test::Text { patterns: twin, .. } = &again.test else {
                panic!("a text test: {what}");
            };
            assert!(
                !std::rc::Rc::ptr_eq(patterns, twin) && **patterns == **twin,
                "{what}"
            );
            assert!(twin.built.get().is_none(), "{what}");
            // Nothing asked so far, nor writing it out or comparing it, needed the automaton.
            assert!(patterns.built.get().is_none(), "{what}");
            // Built half the time before a second look at the values, which then still
            // answer alike; once built, it is the eager one, for the test and its negation.
            let built_here = next(2) == 0;
            if built_here {
                assert!(*patterns.nfa() == eager, "{what}");
                built += 1;
                for v in asked {
                    assert_eq!(patterns.takes(v), eager.matches(v), "{what} {v:?}");
                    assert_eq!(patterns.matches(v), eager.matches(v), "{what} {v:?}");
                }
            }
            let through_deref: &Nfa = other;
            assert!(*through_deref == eager, "{what}");
            assert!(patterns.built.get().is_some(), "{what}");
            assert!(*twin.nfa() == eager, "{what}");
            // Built or not, written out alike.
            assert_eq!(format!("{patterns:?}"), written, "{what}");
        }
        assert!(built > 500, "{built}");
    }

    /// A key's texts from the memory are the key lowercased and as written, for fixed keys
    /// and random ones (more than the memory keeps, so that it starts again), each asked for
    /// twice; a key already lowercase is one text.
    #[test]
    fn key_texts_are_the_key_lowercased() {
        let mut written: Vec<String> = [
            "aws:PrincipalArn",
            "aws:principalarn",
            "AWS:PRINCIPALARN",
            "",
            "ecr:ResourceTag/Team",
            "aws:Ünicode",
            "s3:x-amz-acl",
        ]
        .map(str::to_owned)
        .to_vec();
        let mut next = crate::test_random::xorshift(0x9e37_79b9_7f4a_7c15);
        let letters = ['a', 'B', ':', 'z', 'Q', '/', 'é', 'É', '1'];
        for _ in 0..3 * 256 {
            written.push(
                (0..next(12))
                    .map(|_| letters[next(letters.len() as u64) as usize])
                    .collect(),
            );
        }
        for round in 0..2 {
            for w in &written {
                let (key, name) = key_texts(w);
                assert_eq!(key.as_str(), w.to_ascii_lowercase(), "round {round}: {w}");
                assert_eq!(name.as_str(), w.as_str(), "round {round}: {w}");
                let (key, name) = key_texts_afresh(w);
                assert_eq!(key.as_str(), w.to_ascii_lowercase(), "{w}");
                assert_eq!(name.as_str(), w.as_str(), "{w}");
                if !w.bytes().any(|b| b.is_ascii_uppercase()) {
                    assert!(std::rc::Rc::ptr_eq(&key.0, &name.0), "{w}");
                }
            }
        }
    }
}
