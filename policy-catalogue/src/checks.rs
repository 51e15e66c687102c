//! The judgements that the `policy!` macro (at compile time) and the lint of policy-core (on
//! JSON) share, so that a policy written in code and the same policy read from JSON are judged
//! alike. Every function is pure, takes any text and never panics.

use crate::action::{split_service, Action};
use crate::condition::{known_key, ConditionOperator, KeyType, Operator, OperatorFamily};
use crate::pattern::{wildcard_match, ActionPattern};
use crate::public_action::PublicAction;
use crate::rules::{check_account_id, check_ip_or_cidr, check_service_principal, RuleViolation};

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

/// Whether `text` is an action of a service other than ECR and ECR Public, `service:Name` (a
/// service of `a-z 0-9 -`, a name of letters and digits that starts with a letter): what an
/// identity policy may grant besides ECR's actions, such as `sts:GetServiceBearerToken`, which
/// ECR Public's push needs.
///
/// ```
/// use policy_catalogue::checks::is_other_service_action;
/// assert!(is_other_service_action("sts:GetServiceBearerToken"));
/// assert!(!is_other_service_action("ecr:BatchGetImage"));
/// assert!(!is_other_service_action("ECR-Public:PutImage"));
/// assert!(!is_other_service_action("s3:Get*"));
/// ```
pub fn is_other_service_action(text: &str) -> bool {
    let Some((service, name)) = text.split_once(':') else {
        return false;
    };
    let ecr = service.eq_ignore_ascii_case("ecr") || service.eq_ignore_ascii_case("ecr-public");
    !ecr && !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `text` has the shape of an ARN, `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`
/// with a service and a resource: what an identity policy may name as a resource besides its
/// registry's repositories.
///
/// ```
/// use policy_catalogue::checks::is_arn;
/// assert!(is_arn("arn:aws:s3:::bucket/key"));
/// assert!(is_arn("arn:aws:ecr:us-east-1:111122223333:repository/app"));
/// assert!(!is_arn("arn:aws::us-east-1:111122223333:thing"));
/// assert!(!is_arn("repository/app"));
/// ```
pub fn is_arn(text: &str) -> bool {
    let fields: Vec<&str> = text.splitn(6, ':').collect();
    fields.len() == 6 && fields[0] == "arn" && !fields[2].is_empty() && !fields[5].is_empty()
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
///
/// # Errors
/// A [`RuleViolation`] saying what is wrong with the text: empty, no `:`, or a character the
/// service or the name may not hold.
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
    // Most values have no `$` at all: one byte scan instead of a substring searcher.
    if !text.as_bytes().contains(&b'$') {
        return false;
    }
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
    // Byte scans: the lint asks this for pairs of entries of lists of hundreds of patterns.
    wide.bytes().any(|b| b == b'*' || b == b'?')
        && !wide.eq_ignore_ascii_case(narrow)
        && (!narrow.bytes().any(|b| b == b'*') || wide.ends_with('*') || wide == "*")
        && wildcard_match(wide, narrow, true)
}

/// What is wrong with `value` as a value of a condition `operator key`, or `None` when it fits:
/// a number for `Numeric` operators, a date for `Date` operators, `true` or `false` for `Bool`
/// and `Null`, an IP address or CIDR block for `IpAddress`, and an ARN or ARN pattern for a key
/// whose values are ARNs (`aws:SourceArn`, `aws:PrincipalArn`) under a string or ARN operator.
/// A value holding a policy variable (`${aws:username}`) is not judged: its text is not the
/// value AWS compares.
///
/// Dates are the W3C profile of ISO 8601 that AWS documents (`2026-12-01`,
/// `2026-12-01T09:30:00Z`, with optional fractions of a second and a `Z` or `+hh:mm` offset) or
/// epoch seconds; numbers are decimal, optionally signed, with an optional fraction and exponent
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>).
///
/// ```
/// use policy_catalogue::checks::condition_value_problem;
/// use policy_catalogue::Operator;
///
/// assert!(condition_value_problem(Operator::ArnLike, "aws:SourceArn", "arn:aws:codebuild:*:123456789012:project/*").is_none());
/// assert!(condition_value_problem(Operator::ArnLike, "aws:PrincipalArn", "deployer").is_some());
/// assert!(condition_value_problem(Operator::StringLike, "aws:PrincipalArn", "*").is_none());
/// assert!(condition_value_problem(Operator::DateLessThan, "aws:CurrentTime", "2026-12-01T00:00:00Z").is_none());
/// assert!(condition_value_problem(Operator::DateLessThan, "aws:CurrentTime", "next friday").is_some());
/// assert!(condition_value_problem(Operator::NumericLessThan, "aws:MultiFactorAuthAge", "3600").is_none());
/// assert!(condition_value_problem(Operator::NumericLessThan, "aws:MultiFactorAuthAge", "infinity").is_some());
/// ```
pub fn condition_value_problem(operator: Operator, key: &str, value: &str) -> Option<String> {
    if has_policy_variable(value) {
        return None;
    }
    // Escaped only for a message: most values have none.
    let shown = || value.escape_debug();
    match operator.family() {
        OperatorFamily::Numeric if !is_number(value) => Some(format!(
            "`{operator}` takes a number, not \"{}\"",
            shown()
        )),
        OperatorFamily::Date if !is_date(value) => Some(format!(
            "`{operator}` takes a date such as \"2026-12-01T00:00:00Z\" or epoch seconds, not \"{}\"",
            shown()
        )),
        OperatorFamily::Bool | OperatorFamily::Null if value != "true" && value != "false" => {
            Some(format!("`{operator}` takes `true` or `false`, not \"{}\"", shown()))
        }
        OperatorFamily::IpAddress => check_ip_or_cidr(value).err().map(|e| e.to_string()),
        OperatorFamily::String | OperatorFamily::Arn
            if known_key(key).is_some_and(|k| k.value_type == KeyType::Arn) && !is_arn_or_pattern(value) =>
        {
            let name = known_key(key).map_or(key, |k| k.name);
            let help = if check_account_id(value).is_ok() {
                "\nhelp: an account id is tested with aws:SourceAccount or aws:PrincipalAccount".to_owned()
            } else if crate::rules::check_role_name(value).is_ok() {
                format!("\nhelp: write the whole ARN, e.g. \"arn:aws:iam::123456789012:role/{}\"", shown())
            } else {
                String::new()
            };
            Some(format!(
                "`{name}` holds an ARN, and \"{}\" is neither an ARN (\"arn:partition:service:region:account:resource\") nor an ARN pattern (\"arn:aws:iam::*:role/ci-*\"){help}",
                shown()
            ))
        }
        _ => None,
    }
}

/// A decimal number: optional sign, digits with an optional fraction, an optional exponent.
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (digits(whole) || whole.is_empty())
                && (digits(fraction) || fraction.is_empty())
                && !(whole.is_empty() && fraction.is_empty())
        }
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)))
}

/// Epoch seconds, or a date of the W3C profile of ISO 8601.
fn is_date(text: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let within = |s: &str, max: u32| s.parse::<u32>().is_ok_and(|n| n <= max);
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let (date, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let date_ok = match parts.as_slice() {
        [y] => digits(y, 4) && time.is_none(),
        [y, m] => digits(y, 4) && digits(m, 2) && within(m, 12) && *m != "00" && time.is_none(),
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(d, 2)
                && within(m, 12)
                && within(d, 31)
                && *m != "00"
                && *d != "00"
        }
        _ => false,
    };
    let Some(time) = time else { return date_ok };
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(i) => (&time[..i], Some(&time[i..])),
        None => (time, None),
    };
    let zone_ok = match zone {
        None | Some("Z") => true,
        Some(z) => match z[1..].split_once(':') {
            Some((h, m)) => digits(h, 2) && digits(m, 2) && within(h, 23) && within(m, 59),
            None => false,
        },
    };
    let (clock, fraction) = match clock.split_once('.') {
        Some((c, f)) => (c, Some(f)),
        None => (clock, None),
    };
    let fields: Vec<&str> = clock.split(':').collect();
    let clock_ok = match fields.as_slice() {
        [h, m] => {
            fraction.is_none() && digits(h, 2) && digits(m, 2) && within(h, 23) && within(m, 59)
        }
        [h, m, s] => {
            digits(h, 2)
                && digits(m, 2)
                && digits(s, 2)
                && within(h, 23)
                && within(m, 59)
                && within(s, 60)
        }
        _ => false,
    };
    let fraction_ok =
        fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    date_ok && zone_ok && clock_ok && fraction_ok
}

/// An ARN (`arn:partition:service:region:account:resource`, partition, service and resource
/// not empty), or a pattern that could match one: its text before the first wildcard begins
/// `arn:` or is the start of `arn:` (`*`, `ar*`).
fn is_arn_or_pattern(text: &str) -> bool {
    if let Some(i) = text.find(['*', '?']) {
        let literal = &text[..i];
        return literal.starts_with("arn:") || "arn:".starts_with(literal);
    }
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, service, _, _, resource]
        if !partition.is_empty() && !service.is_empty() && !resource.is_empty())
}

/// The value that was probably meant, for common slips that break a naming rule: an account
/// id written with dashes or spaces (`1234-5678-9012`), a service principal without its domain
/// (`codebuild`) or in capitals. `None` when no such correction passes the rule.
///
/// ```
/// use policy_catalogue::checks::corrected_value;
/// use policy_catalogue::rules::{check_account_id, check_service_principal};
///
/// let e = check_account_id("1234-5678-9012").unwrap_err();
/// assert_eq!(corrected_value(&e).as_deref(), Some("123456789012"));
/// let e = check_service_principal("codebuild").unwrap_err();
/// assert_eq!(corrected_value(&e).as_deref(), Some("codebuild.amazonaws.com"));
/// assert_eq!(corrected_value(&check_account_id("12345").unwrap_err()), None);
/// ```
pub fn corrected_value(violation: &RuleViolation) -> Option<String> {
    let value = violation.value.trim();
    let candidate = match violation.what {
        "account id" => value.chars().filter(|c| !matches!(c, '-' | ' ')).collect(),
        "service principal" if value.contains('.') => value.to_ascii_lowercase(),
        "service principal" => format!("{}.amazonaws.com", value.to_ascii_lowercase()),
        _ => return None,
    };
    let fits = match violation.what {
        "account id" => check_account_id(&candidate).is_ok(),
        _ => check_service_principal(&candidate).is_ok(),
    };
    (fits && candidate != violation.value).then_some(candidate)
}

/// How `deny anyone except ...` spares each kind of principal from a `"Principal": "*"` deny:
/// the condition that leaves it out, for users and roles (by ARN, so that a role's sessions are
/// spared with it), accounts and services, in that order. The builder, the macro's expansion
/// and its compile-time analysis all write these conditions from this one table.
///
/// ```
/// use policy_catalogue::checks::SPARED_BY;
/// use policy_catalogue::Operator;
/// assert_eq!(SPARED_BY[1], (Operator::StringNotEquals, "aws:PrincipalAccount"));
/// ```
pub const SPARED_BY: [(Operator, &str); 3] = [
    (Operator::ArnNotLike, "aws:PrincipalArn"),
    (Operator::StringNotEquals, "aws:PrincipalAccount"),
    (Operator::StringNotEquals, "aws:PrincipalServiceName"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_variables_found_as_the_substring_search_finds_them() {
        let slow = |text: &str| {
            text.match_indices("${")
                .any(|(i, _)| text[i + 2..].find('}').is_some_and(|end| end > 0))
        };
        let parts = [
            "",
            "$",
            "{",
            "}",
            "${",
            "a",
            "${}",
            "${aws:username}",
            "é",
            "$$",
            "}{",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let text = format!("{a}{b}{c}");
                    assert_eq!(has_policy_variable(&text), slow(&text), "{text:?}");
                }
            }
        }
    }

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

    #[test]
    fn condition_values_by_type() {
        for number in [
            "0",
            "-1",
            "+2.5",
            "1E5",
            "1e-400",
            ".5",
            "5.",
            "340282366920938463463374607431768211456",
        ] {
            assert!(is_number(number), "{number}");
        }
        for not_number in [
            "", "-", ".", "inf", "NaN", "1_000", " 1", "1e", "0x10", "1,5",
        ] {
            assert!(!is_number(not_number), "{not_number}");
        }
        for date in [
            "1700000000",
            "2026",
            "2026-12",
            "2026-12-01",
            "2026-12-01T09:30Z",
            "2026-12-01T09:30:00Z",
            "2026-12-01T09:30:00.123+01:00",
            "2026-12-01T09:30:00",
        ] {
            assert!(is_date(date), "{date}");
        }
        for not_date in [
            "",
            "next friday",
            "2026-13-01",
            "2026-12-32",
            "2026-12-01T25:00:00Z",
            "2026/12/01",
            "12-01-2026",
            "2026-12-01T09:30:00+0100",
            "2026-00-10",
        ] {
            assert!(!is_date(not_date), "{not_date}");
        }
        for arn in [
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:s3:::bucket",
            "*",
            "arn:*",
            "a*",
            "arn:aws:iam::*:role/ci-*",
        ] {
            assert!(is_arn_or_pattern(arn), "{arn}");
        }
        for not_arn in [
            "",
            "deployer",
            "123456789012",
            "arn:aws:iam",
            "arn::iam::1:role/x",
            "role/*",
            "arn:aws:iam::123456789012:",
        ] {
            assert!(!is_arn_or_pattern(not_arn), "{not_arn}");
        }
        // The key's type is judged only for ARN keys; a variable is never judged.
        assert!(
            condition_value_problem(Operator::StringEquals, "aws:SourceAccount", "deployer")
                .is_none()
        );
        assert!(
            condition_value_problem(Operator::ArnLike, "aws:PrincipalArn", "${aws:username}")
                .is_none()
        );
        assert!(condition_value_problem(Operator::Bool, "aws:SecureTransport", "yes").is_some());
    }
}
