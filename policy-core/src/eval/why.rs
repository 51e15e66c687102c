//! Why a statement applies: how its principal covers the caller and which rule made each
//! condition hold.

use std::fmt;

use policy_catalogue::ConditionOperator;

use super::principal_match::{PrincipalCover, PrincipalMatch};

/// How a statement that applies covers the request, part by part.
///
/// ```
/// use policy_core::eval::{Caller, ConditionRule, Evaluator, Request};
/// use policy_core::{AccountId, Action, PolicyDocument, UserName};
///
/// let policy = PolicyDocument::from_json(r#"{"Statement": {"Effect": "Deny", "Principal": "*",
///   "Action": "ecr:*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}}}}"#)?;
/// let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app".parse()?;
/// let ci = Caller::user(AccountId::new("123456789012")?, UserName::new("ci")?);
/// let decision = Evaluator::new(&policy).explain(&Request::new(ci, Action::PutImage, repo));
/// let applies = decision.statements[0].result.as_ref().unwrap();
/// // The request has no aws:PrincipalOrgID, which makes the negated operator true.
/// assert_eq!(applies.conditions[0].rule, ConditionRule::MissingKeyNegated);
/// assert!(decision.to_string().contains("a negated operator holds when its key is missing"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Applies {
    /// How the principal covers the caller.
    pub principal: PrincipalMatch,
    /// Why the principal covers the caller; `None` for an identity-policy statement, which is
    /// about the identity it is attached to.
    pub principal_cover: Option<PrincipalCover>,
    /// Each condition of the statement, with the rule that made it hold.
    pub conditions: Vec<HeldCondition>,
}

/// A condition test that holds, and the rule that made it hold.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HeldCondition {
    /// Position of the test in the statement's conditions, from 0.
    pub index: usize,
    /// The operator.
    pub operator: ConditionOperator,
    /// The key as written.
    pub key: String,
    /// The policy values.
    pub values: Vec<String>,
    /// The request's values of the key, `None` when the request does not have it.
    pub found: Option<Vec<String>>,
    /// The rule that made the test hold.
    pub rule: ConditionRule,
}

/// The rule of AWS's condition logic that made a test hold.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConditionRule {
    /// A positive operator: a request value matches a policy value.
    Matches {
        /// The request value.
        found: String,
        /// The policy value it matches.
        value: String,
    },
    /// A negated operator: no request value matches any of the policy values.
    MatchesNone,
    /// `ForAllValues:` with a positive operator: every request value matches a policy value.
    EveryValueMatches,
    /// `ForAnyValue:` with a negated operator: this request value matches none of the policy
    /// values.
    SomeValueMatchesNone {
        /// The request value.
        found: String,
    },
    /// The key is missing, and a negated operator holds when its key is missing.
    MissingKeyNegated,
    /// `ForAllValues:` over a missing key (an empty set) holds: no value fails the test.
    ForAllValuesOfNothing,
    /// `...IfExists` with the key missing holds.
    IfExistsMissing,
    /// `Null` with `true`, and the key is missing.
    NullMissing,
    /// `Null` with `false`, and the key is present.
    NullPresent,
}

impl fmt::Display for HeldCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let HeldCondition {
            index,
            operator,
            key,
            values,
            found,
            rule,
        } = self;
        write!(f, "condition #{index} {operator} {key} {values:?} holds: ")?;
        let missing = || match found {
            Some(_) => format!("the request's {key} is an empty list, which counts as missing"),
            None => format!("the request has no {key}"),
        };
        let found = Found(found.as_deref().unwrap_or_default());
        match rule {
            ConditionRule::Matches { found, value } => {
                write!(f, "{key} = {found:?} matches {value:?}")
            }
            ConditionRule::MatchesNone => write!(
                f,
                "{key} = {found} matches none of the values, and {} is negated",
                operator.operator
            ),
            ConditionRule::EveryValueMatches => write!(
                f,
                "every value of {key} {found} matches one of the values (ForAllValues:)"
            ),
            ConditionRule::SomeValueMatchesNone { found } => write!(
                f,
                "{key} has {found:?}, which matches none of the values (ForAnyValue: with a negated operator)"
            ),
            ConditionRule::MissingKeyNegated => write!(
                f,
                "{}, and a negated operator holds when its key is missing",
                missing()
            ),
            ConditionRule::ForAllValuesOfNothing => write!(
                f,
                "{}, and ForAllValues: over an empty set holds (no value fails it)",
                missing()
            ),
            ConditionRule::IfExistsMissing => write!(
                f,
                "{}, and ...IfExists holds when its key is missing",
                missing()
            ),
            ConditionRule::NullMissing => write!(f, "{}, as Null true asks", missing()),
            ConditionRule::NullPresent => {
                write!(f, "the request has {key} = {found}, as Null false asks")
            }
        }
    }
}

/// Request values: `"a"` for one, `["a", "b"]` for several.
struct Found<'a>(&'a [String]);

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [one] => write!(f, "{one:?}"),
            many => write!(f, "{many:?}"),
        }
    }
}
