//! Why a statement applies: how its principal covers the caller and which rule made each
//! condition hold.

use std::fmt;

use policy_catalogue::ConditionOperator;

use super::principal_match::PrincipalMatch;

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

/// Why a `Principal` or `NotPrincipal` element covers the caller.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrincipalCover {
    /// `Principal` lists this principal (as written), which names the caller, is `"*"`, or
    /// names the caller's account.
    Listed {
        /// The principal.
        principal: String,
        /// How it covers the caller.
        how: PrincipalMatch,
    },
    /// `NotPrincipal` does not exclude the caller: AWS excludes a caller only when each of its
    /// identities (the account, then the user; or the account, the role and the session) is
    /// listed, and some are not.
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
    NotListed {
        /// The listed principals that cover none of the caller's identities.
        not_covering: Vec<String>,
        /// The listed principals that cover one of the caller's identities: `(kind, principal)`,
        /// kind as in `unlisted`.
        covering: Vec<(&'static str, String)>,
        /// The caller's identities that no listed principal covers: `(kind, ARN)`, kind being
        /// `"account"`, `"user"`, `"role"`, `"session"`, `"service"` or `"federated"`.
        unlisted: Vec<(&'static str, String)>,
    },
}

impl fmt::Display for PrincipalCover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrincipalCover::Listed { principal, how } => match how {
                PrincipalMatch::Account => write!(
                    f,
                    "Principal lists {principal}, the caller's account, which leaves the \
                     account's users and roles to its identity policies"
                ),
                _ if principal == "*" => f.write_str("Principal is \"*\", which covers everyone"),
                _ => write!(f, "Principal lists {principal}, which is the caller"),
            },
            PrincipalCover::NotListed {
                not_covering,
                covering,
                unlisted,
            } => {
                f.write_str("NotPrincipal does not exclude the caller: ")?;
                if !not_covering.is_empty() {
                    write!(
                        f,
                        "{} {} not cover the caller; ",
                        not_covering.join(", "),
                        if not_covering.len() == 1 {
                            "does"
                        } else {
                            "do"
                        }
                    )?;
                }
                for (kind, principal) in covering {
                    write!(f, "{principal} covers the caller's {kind}; ")?;
                }
                f.write_str("not listed: ")?;
                for (i, (kind, arn)) in unlisted.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "the caller's {kind} {arn}")?;
                }
                f.write_str(" (a caller is excluded only when each of its identities is listed)")
            }
        }
    }
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
