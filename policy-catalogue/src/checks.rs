//! The judgements that the `policy!` macro (at compile time) and the lint of policy-core (on
//! JSON) share, so that a policy written in code and the same policy read from JSON are judged
//! alike. Every function is pure, takes any text and never panics.

use crate::action::{split_service, Action};
use crate::condition::{known_key, ConditionOperator, Operator, OperatorFamily};
use crate::pattern::{wildcard_match, ActionPattern};
use crate::public_action::PublicAction;
use crate::rules::RuleViolation;

/// The most ECR stores in `policyText`, in characters (ECR-FACTS section 1): the macro refuses a
/// longer literal policy, the lint reports a longer document.
pub const MAX_POLICY_LENGTH: usize = 10_240;

/// What an entry of an `Action` list is, as far as a repository policy is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ActionCheck {
    /// A catalogue `ecr:` action that a repository policy can grant.
    Repository(Action),
    /// A catalogue `ecr-public:` action (meaningful in an ECR Public repository policy).
    Public(PublicAction),
    /// `ecr:GetAuthorizationToken`: it has no resource, so it belongs in the caller's identity
    /// policy on `"Resource": "*"` (ECR-FACTS section 1).
    AuthorizationToken,
    /// A catalogue `ecr:` action on the registry or on no resource, which a repository policy
    /// cannot grant (e.g. `ecr:PutRegistryPolicy`).
    NotRepositoryAction(Action),
    /// A wildcard pattern, with the `ecr:` actions it matches today.
    Pattern(Vec<Action>),
    /// An `ecr:` or `ecr-public:` name the catalogue does not know, with the nearest one.
    Unknown {
        /// The nearest catalogue action, in full, if one is close.
        suggestion: Option<&'static str>,
    },
    /// An action of another service (`s3:GetObject`), meaningless in a repository policy.
    OtherService,
}

/// Classifies one entry of an `Action` or `NotAction` list.
///
/// ```
/// use policy_catalogue::checks::{classify_action, ActionCheck};
/// use policy_catalogue::Action;
///
/// assert_eq!(classify_action("ecr:PutImages"), ActionCheck::Unknown { suggestion: Some("ecr:PutImage") });
/// assert_eq!(classify_action("ecr:putimage"), ActionCheck::Repository(Action::PutImage));
/// assert_eq!(classify_action("ecr:GetAuthorizationToken"), ActionCheck::AuthorizationToken);
/// assert!(matches!(classify_action("ecr:Batch*"), ActionCheck::Pattern(v) if v.contains(&Action::BatchGetImage)));
/// ```
pub fn classify_action(text: &str) -> ActionCheck {
    if text.contains(['*', '?']) {
        let matches = ActionPattern::new(&text.to_ascii_lowercase())
            .map(|p| p.matching_actions())
            .unwrap_or_default();
        return ActionCheck::Pattern(matches);
    }
    let (service, _) = split_service(text);
    match service {
        Some(s) if s.eq_ignore_ascii_case("ecr") => match text.parse::<Action>() {
            Ok(Action::GetAuthorizationToken) => ActionCheck::AuthorizationToken,
            Ok(a) if a.is_repository_action() => ActionCheck::Repository(a),
            Ok(a) => ActionCheck::NotRepositoryAction(a),
            Err(e) => ActionCheck::Unknown {
                suggestion: e.suggestion,
            },
        },
        Some(s) if s.eq_ignore_ascii_case("ecr-public") => match text.parse::<PublicAction>() {
            Ok(a) => ActionCheck::Public(a),
            Err(e) => ActionCheck::Unknown {
                suggestion: e.suggestion,
            },
        },
        _ => ActionCheck::OtherService,
    }
}

/// Whether a repository policy can grant the action named by `text` (an `ecr:` action of the
/// catalogue whose resource is a repository), in any letter case.
///
/// ```
/// use policy_catalogue::checks::is_repository_action;
/// assert!(is_repository_action("ecr:BatchGetImage"));
/// assert!(!is_repository_action("ecr:GetAuthorizationToken"));
/// assert!(!is_repository_action("s3:GetObject"));
/// ```
pub fn is_repository_action(text: &str) -> bool {
    matches!(classify_action(text), ActionCheck::Repository(_))
}

/// The shape of an entry of an `Action` list: `"*"` or `service:name`, the service of
/// `A-Z a-z 0-9 -`, the name of `A-Z a-z 0-9 * ?` (IAM's `action_string`).
///
/// ```
/// use policy_catalogue::checks::check_action_text;
/// assert!(check_action_text("ecr:PutImage").is_ok());
/// assert!(check_action_text("ecr:*").is_ok());
/// assert!(check_action_text("BatchGetImage").is_err());
/// ```
pub fn check_action_text(text: &str) -> Result<(), RuleViolation> {
    const RULE: &str = "\"*\" or \"service:ActionName\", e.g. \"ecr:BatchGetImage\"";
    let fail = |detail: &str| Err(RuleViolation::new("action", RULE, text, detail));
    if text == "*" {
        return Ok(());
    }
    let Some((service, name)) = text.split_once(':') else {
        return fail("has no service prefix");
    };
    if service.is_empty()
        || !service
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return fail("the service prefix may contain only letters, digits and -");
    }
    if name.is_empty() {
        return fail("the action name is empty");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?')
    {
        return fail("the action name may contain only letters, digits, * and ?");
    }
    Ok(())
}

/// Whether `operator` suits the condition key `key`: `Some(true)` or `Some(false)` for a key
/// the catalogue knows, `None` for one it does not (any operator may then be right).
///
/// ```
/// use policy_catalogue::checks::operator_fits_key_name;
/// use policy_catalogue::Operator;
/// assert_eq!(operator_fits_key_name(Operator::ArnLike, "aws:SourceAccount"), Some(false));
/// assert_eq!(operator_fits_key_name(Operator::ArnLike, "aws:sourcearn"), Some(true));
/// assert_eq!(operator_fits_key_name(Operator::ArnLike, "foo:bar"), None);
/// ```
pub fn operator_fits_key_name(operator: Operator, key: &str) -> Option<bool> {
    known_key(key).map(|k| k.fits(operator))
}

/// Whether a value under `operator` contains `*` or `?` that the operator takes literally:
/// every string or ARN operator but the `Like` ones (IAM Access Analyzer warns about this).
///
/// ```
/// use policy_catalogue::checks::wildcard_in_non_like;
/// use policy_catalogue::Operator;
/// assert!(wildcard_in_non_like(Operator::StringEquals, "arn:aws:iam::*:role/x"));
/// assert!(!wildcard_in_non_like(Operator::StringLike, "arn:aws:iam::*:role/x"));
/// assert!(!wildcard_in_non_like(Operator::StringEquals, "o-a1b2c3d4e5"));
/// ```
pub fn wildcard_in_non_like(operator: Operator, value: &str) -> bool {
    matches!(
        operator.family(),
        OperatorFamily::String | OperatorFamily::Arn
    ) && !operator.is_like()
        && value.contains(['*', '?'])
}

/// Whether `text` holds a policy variable such as `${aws:username}`. Under Version
/// `2008-10-17` (and without a Version) AWS takes it as plain text (ECR-FACTS section 2).
///
/// ```
/// use policy_catalogue::checks::has_policy_variable;
/// assert!(has_policy_variable("arn:aws:iam::123456789012:user/${aws:username}"));
/// assert!(!has_policy_variable("$5"));
/// ```
pub fn has_policy_variable(text: &str) -> bool {
    text.match_indices("${")
        .any(|(i, _)| text[i + 2..].find('}').is_some_and(|end| end > 0))
}

/// Condition keys that narrow a public principal (`"*"` or `AWS: "*"`) to known callers: the
/// caller's organization, account, ARN or user, or the network or source it comes from.
pub const NARROWING_KEYS: [&str; 14] = [
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalServiceName",
    "aws:userid",
    "aws:username",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
];

/// Whether a condition `operator key` narrows a public principal: the key is one of
/// [`NARROWING_KEYS`] and the operator is a positive one (a `Not` operator or `IfExists` lets
/// everyone else in, and a `Null` test says nothing of who the caller is).
///
/// ```
/// use policy_catalogue::checks::narrows_public_access;
/// assert!(narrows_public_access(&"StringEquals".parse().unwrap(), "aws:PrincipalOrgID"));
/// assert!(!narrows_public_access(&"StringNotEquals".parse().unwrap(), "aws:PrincipalOrgID"));
/// assert!(!narrows_public_access(&"StringEquals".parse().unwrap(), "aws:RequestTag/x"));
/// ```
pub fn narrows_public_access(operator: &ConditionOperator, key: &str) -> bool {
    !operator.operator.is_negated()
        && !operator.if_exists
        && operator.operator != Operator::Null
        && NARROWING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// The keys that guard a service principal against the confused deputy (ECR-FACTS section 5).
pub const SOURCE_GUARD_KEYS: [&str; 4] = [
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/// Whether a condition on `key` with `operator` guards a service principal: a positive test of
/// `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or `aws:SourceOrgPaths`.
///
/// ```
/// use policy_catalogue::checks::guards_service_principal;
/// assert!(guards_service_principal(&"ArnLike".parse().unwrap(), "aws:sourcearn"));
/// assert!(!guards_service_principal(&"StringEquals".parse().unwrap(), "aws:PrincipalOrgID"));
/// ```
pub fn guards_service_principal(operator: &ConditionOperator, key: &str) -> bool {
    !operator.operator.is_negated()
        && operator.operator != Operator::Null
        && SOURCE_GUARD_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
}

/// The action whose denial to everyone locks a repository policy: ECR then refuses the policy
/// unless `force` is set (ECR-FACTS section 1).
pub const POLICY_CHANGE_ACTION: Action = Action::SetRepositoryPolicy;

/// Whether an action entry (an action, a pattern, `*`) covers `action`, ignoring case.
///
/// ```
/// use policy_catalogue::checks::action_text_covers;
/// use policy_catalogue::Action;
/// assert!(action_text_covers("ecr:Set*", Action::SetRepositoryPolicy));
/// assert!(action_text_covers("ECR:setrepositorypolicy", Action::SetRepositoryPolicy));
/// assert!(!action_text_covers("ecr:Get*", Action::SetRepositoryPolicy));
/// ```
pub fn action_text_covers(text: &str, action: Action) -> bool {
    wildcard_match(text, action.as_str(), true)
}

/// Whether the action entry `wide` covers the entry `narrow` for every action it could name
/// (`ecr:*` covers `ecr:Batch*` and `ecr:PutImage`): the narrow text, wildcards and all,
/// matches the wide pattern read as a pattern. Identical entries do not count.
///
/// ```
/// use policy_catalogue::checks::action_covers_action;
/// assert!(action_covers_action("ecr:*", "ecr:PutImage"));
/// assert!(action_covers_action("ecr:*", "ecr:Batch*"));
/// assert!(!action_covers_action("ecr:Batch*", "ecr:*"));
/// assert!(!action_covers_action("ecr:PutImage", "ecr:putimage"));
/// ```
pub fn action_covers_action(wide: &str, narrow: &str) -> bool {
    wide.contains(['*', '?'])
        && !wide.eq_ignore_ascii_case(narrow)
        && (!narrow.contains('*') || wide.ends_with('*') || wide == "*")
        && wildcard_match(wide, narrow, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_every_kind() {
        assert_eq!(classify_action("s3:GetObject"), ActionCheck::OtherService);
        assert_eq!(
            classify_action("*"),
            ActionCheck::Pattern(ActionPattern::new("*").unwrap().matching_actions())
        );
        assert_eq!(
            classify_action("ecr:PutRegistryPolicy"),
            ActionCheck::NotRepositoryAction(Action::PutRegistryPolicy)
        );
        assert!(matches!(
            classify_action("ecr-public:GetAuthorizationToken"),
            ActionCheck::Public(_)
        ));
        assert!(has_policy_variable("${aws:PrincipalTag/team}"));
        assert!(!has_policy_variable("${}"));
        assert!(!has_policy_variable("${"));
    }
}
