//! The `Condition` element: operators, keys and values.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use policy_catalogue::{
    known_key, operator_fits_key, rules, ConditionOperator, KnownKey, Operator, RuleViolation,
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

    /// Wraps a key that [`rules::check_condition_key`] would accept.
    pub(crate) fn from_checked(key: &str) -> Self {
        Self(Cow::Owned(key.to_owned()))
    }

    /// The key as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The catalogue entry of this key, if it is a known global or ECR key.
    #[must_use]
    pub fn known(&self) -> Option<&'static KnownKey> {
        known_key(&self.0)
    }
}

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
