//! The `Condition` element: operators, keys and values.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use policy_catalogue::{
    operator_fits_key, rules, ConditionOperator, KnownKey, Operator, RuleViolation, KNOWN_KEYS,
};

use crate::model::list::{ListForm, ValueList};

/// A condition key such as `aws:SourceAccount` or `aws:PrincipalTag/team`.
///
/// Keys are matched case-insensitively by AWS; the key keeps the spelling it was given.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConditionKey(Cow<'static, str>);

impl ConditionKey {
    /// Checks the `service:name` shape of a key.
    ///
    /// ```
    /// use policy_core::model::ConditionKey;
    /// let key = ConditionKey::new("aws:SourceAccount")?;
    /// assert_eq!(key.known().map(|k| k.name), Some("aws:SourceAccount"));
    /// assert!(ConditionKey::new("SourceAccount").is_err());
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    ///
    /// # Errors
    /// A [`RuleViolation`] when the key has no service prefix or contains white space.
    pub fn new(key: impl Into<String>) -> Result<Self, RuleViolation> {
        let key = key.into();
        rules::check_condition_key(&key)?;
        Ok(Self(Cow::Owned(key)))
    }

    /// Wraps a key the `policy!` macro has already checked.
    #[doc(hidden)]
    #[must_use]
    pub const fn __checked(key: &'static str) -> Self {
        Self(Cow::Borrowed(key))
    }

    /// Wraps a key that [`rules::check_condition_key`] would accept. A key spelt as the
    /// catalogue spells it (`aws:SourceAccount`, as most are) borrows the catalogue's text
    /// rather than a copy of its own.
    pub(crate) fn from_checked(key: &str) -> Self {
        match lookup_known(key) {
            Some(k) if !k.is_prefix && k.name == key => Self(Cow::Borrowed(k.name)),
            _ => Self(Cow::Owned(key.to_owned())),
        }
    }

    /// The key as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The catalogue entry of this key, if it is a known global or ECR key.
    #[must_use]
    pub fn known(&self) -> Option<&'static KnownKey> {
        lookup_known(&self.0)
    }
}

/// [`policy_catalogue::known_key`] without its scan of every key: the keys that are not
/// prefixes grouped by length ([`BY_LENGTH`]), so that a name is compared with the few of its
/// own length, and the prefix keys (`aws:PrincipalTag/`, ...) tried in turn. The first key of
/// the catalogue that matches wins, as in the scan.
pub(crate) fn lookup_known(name: &str) -> Option<&'static KnownKey> {
    let bytes = name.as_bytes();
    let whole = BY_LENGTH.get(name.len()).and_then(|same| {
        // Every whole key has eight bytes or more (`TAILS`): a shorter name is none of them.
        let tail = u64::from_be_bytes(*bytes.last_chunk::<8>()?) | FOLD;
        same.iter()
            .take_while(|&&i| i != NONE)
            .map(|&i| usize::from(i))
            .find(|&i| {
                let k = KNOWN_KEYS[i].name;
                TAILS[i] == tail && (name == k || name.eq_ignore_ascii_case(k))
            })
    });
    let prefix = PREFIXES
        .iter()
        .take_while(|&&i| i != NONE)
        .map(|&i| usize::from(i))
        .find(|&i| {
            // Every prefix key ends in `/`, which has no other case.
            let k = KNOWN_KEYS[i].name;
            name.len() > k.len()
                && bytes[k.len() - 1] == b'/'
                && name
                    .get(..k.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(k))
        });
    match (whole, prefix) {
        (Some(a), Some(b)) => Some(&KNOWN_KEYS[a.min(b)]),
        (a, b) => a.or(b).map(|i| &KNOWN_KEYS[i]),
    }
}

/// Bit 5 of every byte, which the two cases of a letter share: words of text equal ignoring
/// ASCII case are equal with it set (the converse need not hold; the names are compared after).
const FOLD: u64 = u64::from_ne_bytes([0x20; 8]);

/// The last eight bytes of each key, big-endian, with [`FOLD`] set.
static TAILS: [u64; KNOWN_KEYS.len()] = {
    let mut tails = [0; KNOWN_KEYS.len()];
    let mut i = 0;
    while i < KNOWN_KEYS.len() {
        let name = KNOWN_KEYS[i].name.as_bytes();
        assert!(name.len() >= 8);
        let mut at = name.len() - 8;
        while at < name.len() {
            tails[i] = tails[i] << 8 | name[at] as u64;
            at += 1;
        }
        tails[i] |= FOLD;
        i += 1;
    }
    tails
};

/// No key, in the tables below.
const NONE: u8 = u8::MAX;

const LONGEST: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < KNOWN_KEYS.len() {
        if KNOWN_KEYS[i].name.len() > n {
            n = KNOWN_KEYS[i].name.len();
        }
        i += 1;
    }
    n
};

/// The most whole keys of one length.
const SAME_LENGTH: usize = {
    let mut most = 0;
    let mut len = 0;
    while len <= LONGEST {
        let mut n = 0;
        let mut i = 0;
        while i < KNOWN_KEYS.len() {
            if !KNOWN_KEYS[i].is_prefix && KNOWN_KEYS[i].name.len() == len {
                n += 1;
            }
            i += 1;
        }
        if n > most {
            most = n;
        }
        len += 1;
    }
    most
};

// Indexes of `KNOWN_KEYS` fit a byte, `NONE` apart.
const _: () = assert!(KNOWN_KEYS.len() < NONE as usize);

/// The indexes in `KNOWN_KEYS` of the whole keys of each length, in catalogue order, then
/// `NONE`.
static BY_LENGTH: [[u8; SAME_LENGTH + 1]; LONGEST + 1] = {
    let mut table = [[NONE; SAME_LENGTH + 1]; LONGEST + 1];
    let mut i = 0;
    while i < KNOWN_KEYS.len() {
        if !KNOWN_KEYS[i].is_prefix {
            let row = &mut table[KNOWN_KEYS[i].name.len()];
            let mut at = 0;
            while row[at] != NONE {
                at += 1;
            }
            row[at] = i as u8;
        }
        i += 1;
    }
    table
};

/// The indexes of the prefix keys, in catalogue order, then `NONE`.
static PREFIXES: [u8; KNOWN_KEYS.len() + 1] = {
    let mut list = [NONE; KNOWN_KEYS.len() + 1];
    let (mut i, mut at) = (0, 0);
    while i < KNOWN_KEYS.len() {
        if KNOWN_KEYS[i].is_prefix {
            list[at] = i as u8;
            at += 1;
        }
        i += 1;
    }
    list
};

impl FromStr for ConditionKey {
    type Err = RuleViolation;

    /// [`ConditionKey::new`].
    ///
    /// ```
    /// use policy_core::model::ConditionKey;
    /// let key: ConditionKey = "aws:SourceAccount".parse()?;
    /// assert_eq!(key.as_str(), "aws:SourceAccount");
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ConditionKey::new(s)
    }
}

impl fmt::Display for ConditionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One value of a condition. JSON allows strings, booleans and numbers; each keeps its JSON type
/// so that a policy is written back as it was read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConditionValue {
    /// A string, the usual form.
    String(Cow<'static, str>),
    /// A JSON boolean (`"Bool": {"aws:SecureTransport": false}`).
    Bool(bool),
    /// A JSON number, kept as its decimal text.
    Number(String),
}

impl ConditionValue {
    /// The value as text, the way AWS compares it (`true`, `42`, ...).
    #[must_use]
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            ConditionValue::String(s) => Cow::Borrowed(s),
            ConditionValue::Bool(true) => Cow::Borrowed("true"),
            ConditionValue::Bool(false) => Cow::Borrowed("false"),
            ConditionValue::Number(n) => Cow::Borrowed(n),
        }
    }

    /// A string value from a literal the `policy!` macro has already checked.
    #[doc(hidden)]
    #[must_use]
    pub const fn __checked(value: &'static str) -> Self {
        ConditionValue::String(Cow::Borrowed(value))
    }
}

impl From<&str> for ConditionValue {
    fn from(s: &str) -> Self {
        ConditionValue::String(Cow::Owned(s.to_owned()))
    }
}

impl From<String> for ConditionValue {
    fn from(s: String) -> Self {
        ConditionValue::String(Cow::Owned(s))
    }
}

impl From<bool> for ConditionValue {
    fn from(b: bool) -> Self {
        ConditionValue::Bool(b)
    }
}

impl From<u64> for ConditionValue {
    fn from(n: u64) -> Self {
        ConditionValue::Number(n.to_string())
    }
}

impl From<i64> for ConditionValue {
    fn from(n: i64) -> Self {
        ConditionValue::Number(n.to_string())
    }
}

impl fmt::Display for ConditionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_text())
    }
}

/// One test of a `Condition` element: an operator applied to a key with one or more values.
/// The values are alternatives: the test holds if any of them matches (for negated operators, if
/// none of them does).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Condition {
    /// The operator, e.g. `StringEquals` or `ForAnyValue:StringLikeIfExists`.
    pub operator: ConditionOperator,
    /// The key, e.g. `aws:SourceAccount`.
    pub key: ConditionKey,
    /// The values; written as a bare string when there is one, unless the list form says otherwise.
    pub values: ValueList<ConditionValue>,
}

impl Condition {
    /// A condition with the given values.
    #[must_use]
    pub fn new(
        operator: ConditionOperator,
        key: ConditionKey,
        values: impl IntoIterator<Item = ConditionValue>,
    ) -> Self {
        Condition {
            operator,
            key,
            values: ValueList::new(values.into_iter().collect(), ListForm::Compact),
        }
    }

    /// Whether the operator can be applied to the key's value type, when the key is known.
    /// `None` for keys the catalogue does not know.
    #[must_use]
    pub fn operator_fits_key(&self) -> Option<bool> {
        self.key
            .known()
            .map(|k| operator_fits_key(self.operator.operator, k.value_type))
    }
}

/// The `Condition` element of a statement: every test must hold.
///
/// Tests are kept in the order they were added; JSON groups them by operator, operators in order
/// of first appearance. Adding a test for an operator and key that are already there adds its
/// values to the existing test, because JSON cannot repeat a key: the values then become
/// alternatives.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Conditions {
    tests: Vec<Condition>,
}

impl Conditions {
    /// No conditions.
    #[must_use]
    pub const fn new() -> Self {
        Conditions { tests: Vec::new() }
    }

    /// Adds a test, merging it into an existing test of the same operator and key (keys
    /// compared ignoring case, as AWS compares them; the first spelling is kept).
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html>
    pub fn push(&mut self, test: Condition) {
        if let Some(existing) = self.tests.iter_mut().find(|t| {
            t.operator == test.operator && t.key.as_str().eq_ignore_ascii_case(test.key.as_str())
        }) {
            existing.values.extend(test.values);
        } else {
            self.tests.push(test);
        }
    }

    /// The tests, in the order they were added.
    #[must_use]
    pub fn tests(&self) -> &[Condition] {
        &self.tests
    }

    /// Whether there are no tests.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tests.is_empty()
    }

    /// The operators in order of first appearance, each with its tests.
    pub fn by_operator(&self) -> impl Iterator<Item = (ConditionOperator, Vec<&Condition>)> + '_ {
        let mut operators: Vec<ConditionOperator> = Vec::new();
        for t in &self.tests {
            if !operators.contains(&t.operator) {
                operators.push(t.operator);
            }
        }
        operators.into_iter().map(move |op| {
            let tests = self.tests.iter().filter(|t| t.operator == op).collect();
            (op, tests)
        })
    }
}

impl FromIterator<Condition> for Conditions {
    fn from_iter<I: IntoIterator<Item = Condition>>(iter: I) -> Self {
        let mut c = Conditions::new();
        for t in iter {
            c.push(t);
        }
        c
    }
}

/// An operator without set qualifier or `IfExists`.
pub(crate) const fn plain(operator: Operator) -> ConditionOperator {
    ConditionOperator {
        qualifier: None,
        operator,
        if_exists: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift).
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    /// The table finds what the catalogue's scan finds: every key in three letter cases,
    /// cut short, extended, with a tag after it, and random texts of the keys' pieces.
    #[test]
    fn the_table_finds_what_the_scan_finds() {
        let mut texts = vec![String::new(), ":".to_owned(), "aws:".to_owned()];
        for k in KNOWN_KEYS {
            for t in [
                k.name.to_owned(),
                k.name.to_ascii_uppercase(),
                k.name.to_ascii_lowercase(),
            ] {
                texts.push(format!("{t}x"));
                texts.push(format!("{t}/team"));
                texts.push(t[..t.len() - 1].to_owned());
                texts.push(format!("{}é", &t[..t.len() - 1]));
                texts.push(t);
            }
        }
        let pieces: Vec<&str> = KNOWN_KEYS
            .iter()
            .flat_map(|k| k.name.split_inclusive([':', '/']))
            .chain(["é", "/", "a", "Tag/", "ecr:", "AWS:"])
            .collect();
        let mut seed = 0x2026_1202_0bad_5eed_u64;
        for _ in 0..5000 {
            let n = next(&mut seed) % 4;
            let text: String = (0..n)
                .map(|_| pieces[(next(&mut seed) % pieces.len() as u64) as usize])
                .collect();
            texts.push(text);
        }
        let mut found = 0;
        for t in &texts {
            let scan = policy_catalogue::known_key(t);
            // The same entry, every field of it (`KNOWN_KEYS` is a constant: its entries have
            // no one address).
            let fields = |k: &KnownKey| {
                (
                    k.name,
                    k.is_prefix,
                    k.value_type,
                    k.multi_valued,
                    k.description,
                )
            };
            assert_eq!(lookup_known(t).map(fields), scan.map(fields), "{t:?}");
            found += usize::from(scan.is_some());
            // A key is borrowed from the catalogue exactly when it is spelt as there.
            if rules::check_condition_key(t).is_ok() {
                let key = ConditionKey::from_checked(t);
                assert_eq!(key.as_str(), t);
                assert_eq!(
                    matches!(key.0, Cow::Borrowed(_)),
                    scan.is_some_and(|k| !k.is_prefix && k.name == t),
                    "{t:?}"
                );
            }
        }
        assert!(found > 300, "only {found} known");
    }
}
