//! Condition operators and the condition keys ECR policies use.

use std::fmt;
use std::str::FromStr;

use crate::suggest::closest;

/// The family of an operator, which decides the type of value it compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperatorFamily {
    /// `String*` operators.
    String,
    /// `Numeric*` operators.
    Numeric,
    /// `Date*` operators.
    Date,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    Binary,
    /// `IpAddress`, `NotIpAddress`.
    IpAddress,
    /// `Arn*` operators.
    Arn,
    /// `Null`: tests whether a key is absent.
    Null,
}

/// A base condition operator of the IAM policy language (without the
/// `ForAllValues:`/`ForAnyValue:` qualifier or the `IfExists` suffix).
///
/// ```
/// use policy_catalogue::{Operator, OperatorFamily};
///
/// assert_eq!(Operator::StringNotLike.as_str(), "StringNotLike");
/// assert_eq!(Operator::StringNotLike.family(), OperatorFamily::String);
/// assert!(Operator::StringNotLike.is_negated());
/// assert!(Operator::StringNotLike.is_like());
/// ```
#[allow(missing_docs)] // The variant names are the operator names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Operator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl Operator {
    /// Every base operator.
    pub const ALL: [Operator; 27] = [
        Self::StringEquals,
        Self::StringNotEquals,
        Self::StringEqualsIgnoreCase,
        Self::StringNotEqualsIgnoreCase,
        Self::StringLike,
        Self::StringNotLike,
        Self::NumericEquals,
        Self::NumericNotEquals,
        Self::NumericLessThan,
        Self::NumericLessThanEquals,
        Self::NumericGreaterThan,
        Self::NumericGreaterThanEquals,
        Self::DateEquals,
        Self::DateNotEquals,
        Self::DateLessThan,
        Self::DateLessThanEquals,
        Self::DateGreaterThan,
        Self::DateGreaterThanEquals,
        Self::Bool,
        Self::BinaryEquals,
        Self::IpAddress,
        Self::NotIpAddress,
        Self::ArnEquals,
        Self::ArnLike,
        Self::ArnNotEquals,
        Self::ArnNotLike,
        Self::Null,
    ];

    /// The operator name as written in a policy, e.g. `"StringEquals"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::StringEquals => "StringEquals",
            Self::StringNotEquals => "StringNotEquals",
            Self::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            Self::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            Self::StringLike => "StringLike",
            Self::StringNotLike => "StringNotLike",
            Self::NumericEquals => "NumericEquals",
            Self::NumericNotEquals => "NumericNotEquals",
            Self::NumericLessThan => "NumericLessThan",
            Self::NumericLessThanEquals => "NumericLessThanEquals",
            Self::NumericGreaterThan => "NumericGreaterThan",
            Self::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            Self::DateEquals => "DateEquals",
            Self::DateNotEquals => "DateNotEquals",
            Self::DateLessThan => "DateLessThan",
            Self::DateLessThanEquals => "DateLessThanEquals",
            Self::DateGreaterThan => "DateGreaterThan",
            Self::DateGreaterThanEquals => "DateGreaterThanEquals",
            Self::Bool => "Bool",
            Self::BinaryEquals => "BinaryEquals",
            Self::IpAddress => "IpAddress",
            Self::NotIpAddress => "NotIpAddress",
            Self::ArnEquals => "ArnEquals",
            Self::ArnLike => "ArnLike",
            Self::ArnNotEquals => "ArnNotEquals",
            Self::ArnNotLike => "ArnNotLike",
            Self::Null => "Null",
        }
    }

    /// The family, which decides what type of value the operator compares.
    pub const fn family(self) -> OperatorFamily {
        match self {
            Self::StringEquals
            | Self::StringNotEquals
            | Self::StringEqualsIgnoreCase
            | Self::StringNotEqualsIgnoreCase
            | Self::StringLike
            | Self::StringNotLike => OperatorFamily::String,
            Self::NumericEquals
            | Self::NumericNotEquals
            | Self::NumericLessThan
            | Self::NumericLessThanEquals
            | Self::NumericGreaterThan
            | Self::NumericGreaterThanEquals => OperatorFamily::Numeric,
            Self::DateEquals
            | Self::DateNotEquals
            | Self::DateLessThan
            | Self::DateLessThanEquals
            | Self::DateGreaterThan
            | Self::DateGreaterThanEquals => OperatorFamily::Date,
            Self::Bool => OperatorFamily::Bool,
            Self::BinaryEquals => OperatorFamily::Binary,
            Self::IpAddress | Self::NotIpAddress => OperatorFamily::IpAddress,
            Self::ArnEquals | Self::ArnLike | Self::ArnNotEquals | Self::ArnNotLike => {
                OperatorFamily::Arn
            }
            Self::Null => OperatorFamily::Null,
        }
    }

    /// Whether the operator is a negated one (its name has `Not`): it holds when
    /// no value matches, and also when the key is absent.
    pub const fn is_negated(self) -> bool {
        matches!(
            self,
            Self::StringNotEquals
                | Self::StringNotEqualsIgnoreCase
                | Self::StringNotLike
                | Self::NumericNotEquals
                | Self::DateNotEquals
                | Self::NotIpAddress
                | Self::ArnNotEquals
                | Self::ArnNotLike
        )
    }

    /// Whether the operator treats `*` and `?` in its values as wildcards
    /// (`StringLike`, `StringNotLike`, `ArnLike`, `ArnNotLike`).
    pub const fn is_like(self) -> bool {
        matches!(
            self,
            Self::StringLike | Self::StringNotLike | Self::ArnLike | Self::ArnNotLike
        )
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set qualifier of an operator on a multi-valued key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SetQualifier {
    /// `ForAllValues:`: every value of the key must match (true when the key is
    /// absent or empty).
    ForAllValues,
    /// `ForAnyValue:`: at least one value of the key must match.
    ForAnyValue,
}

impl SetQualifier {
    /// Both qualifiers.
    pub const ALL: [SetQualifier; 2] = [Self::ForAllValues, Self::ForAnyValue];

    /// The qualifier name without its colon, e.g. `"ForAllValues"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ForAllValues => "ForAllValues",
            Self::ForAnyValue => "ForAnyValue",
        }
    }
}

impl fmt::Display for SetQualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A complete condition operator as written in a policy:
/// `[ForAllValues:|ForAnyValue:]Operator[IfExists]`.
///
/// Parsing is case-sensitive, as IAM operator names are, and rejects `NullIfExists`.
///
/// ```
/// use policy_catalogue::{ConditionOperator, Operator, SetQualifier};
///
/// let op: ConditionOperator = "ForAnyValue:StringLikeIfExists".parse().unwrap();
/// assert_eq!(op.qualifier, Some(SetQualifier::ForAnyValue));
/// assert_eq!(op.operator, Operator::StringLike);
/// assert!(op.if_exists);
/// assert_eq!(op.to_string(), "ForAnyValue:StringLikeIfExists");
///
/// let err = "StringEqual".parse::<ConditionOperator>().unwrap_err();
/// assert_eq!(err.suggestion.as_deref(), Some("StringEquals"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConditionOperator {
    /// The `ForAllValues:` or `ForAnyValue:` prefix, if any.
    pub qualifier: Option<SetQualifier>,
    /// The base operator.
    pub operator: Operator,
    /// Whether the `IfExists` suffix is present (the condition holds when the key is absent).
    pub if_exists: bool,
}

impl ConditionOperator {
    /// A plain operator without qualifier or suffix.
    pub const fn new(operator: Operator) -> Self {
        ConditionOperator {
            qualifier: None,
            operator,
            if_exists: false,
        }
    }
}

impl From<Operator> for ConditionOperator {
    fn from(operator: Operator) -> Self {
        ConditionOperator::new(operator)
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.qualifier {
            write!(f, "{q}:")?;
        }
        f.write_str(self.operator.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

const IF_EXISTS: &str = "IfExists";

/// Parses an operator name with an optional `IfExists` suffix, exactly.
fn parse_operator(text: &str) -> Result<(Operator, bool), &'static str> {
    let (base, if_exists) = match text.strip_suffix(IF_EXISTS) {
        Some(base) => (base, true),
        None => (text, false),
    };
    match operator_named(base) {
        Some(Operator::Null) if if_exists => Err("Null cannot take the IfExists suffix"),
        Some(op) => Ok((op, if_exists)),
        None => Err("unknown operator"),
    }
}

/// The operator of this name: `Operator::ALL`'s whose `as_str` it is, by one `match` on the
/// text rather than a comparison with each name in turn (the operators of addresses come
/// late in that list). `tests::operators_are_named_as_listed` compares the two.
fn operator_named(name: &str) -> Option<Operator> {
    Some(match name {
        "StringEquals" => Operator::StringEquals,
        "StringNotEquals" => Operator::StringNotEquals,
        "StringEqualsIgnoreCase" => Operator::StringEqualsIgnoreCase,
        "StringNotEqualsIgnoreCase" => Operator::StringNotEqualsIgnoreCase,
        "StringLike" => Operator::StringLike,
        "StringNotLike" => Operator::StringNotLike,
        "NumericEquals" => Operator::NumericEquals,
        "NumericNotEquals" => Operator::NumericNotEquals,
        "NumericLessThan" => Operator::NumericLessThan,
        "NumericLessThanEquals" => Operator::NumericLessThanEquals,
        "NumericGreaterThan" => Operator::NumericGreaterThan,
        "NumericGreaterThanEquals" => Operator::NumericGreaterThanEquals,
        "DateEquals" => Operator::DateEquals,
        "DateNotEquals" => Operator::DateNotEquals,
        "DateLessThan" => Operator::DateLessThan,
        "DateLessThanEquals" => Operator::DateLessThanEquals,
        "DateGreaterThan" => Operator::DateGreaterThan,
        "DateGreaterThanEquals" => Operator::DateGreaterThanEquals,
        "Bool" => Operator::Bool,
        "BinaryEquals" => Operator::BinaryEquals,
        "IpAddress" => Operator::IpAddress,
        "NotIpAddress" => Operator::NotIpAddress,
        "ArnEquals" => Operator::ArnEquals,
        "ArnLike" => Operator::ArnLike,
        "ArnNotEquals" => Operator::ArnNotEquals,
        "ArnNotLike" => Operator::ArnNotLike,
        "Null" => Operator::Null,
        _ => return None,
    })
}

/// The closest valid `Operator[IfExists]` spelling to `text`.
fn suggest_operator(text: &str) -> Option<String> {
    let mut names: Vec<String> = Operator::ALL
        .iter()
        .map(|o| o.as_str().to_string())
        .collect();
    names.extend(
        Operator::ALL
            .iter()
            .filter(|o| **o != Operator::Null)
            .map(|o| format!("{o}{IF_EXISTS}")),
    );
    closest(text, names.iter().map(String::as_str)).map(str::to_string)
}

impl FromStr for ConditionOperator {
    type Err = InvalidConditionOperator;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |reason: &'static str, suggestion: Option<String>| InvalidConditionOperator {
            input: input.to_string(),
            reason,
            // A suggestion identical to the input would only confuse.
            suggestion: suggestion.filter(|s| s != input),
        };
        let (qualifier_text, rest) = match input.split_once(':') {
            Some((q, rest)) => (Some(q), rest),
            None => (None, input),
        };
        let qualifier = match qualifier_text {
            None => Ok(None),
            Some(q) => SetQualifier::ALL
                .into_iter()
                .find(|s| s.as_str() == q)
                .map(Some)
                .ok_or(q),
        };
        let operator = parse_operator(rest);
        match (qualifier, operator) {
            (Ok(qualifier), Ok((operator, if_exists))) => Ok(ConditionOperator {
                qualifier,
                operator,
                if_exists,
            }),
            (Ok(qualifier), Err(reason)) => {
                let prefix = qualifier.map(|q| format!("{q}:")).unwrap_or_default();
                let best = if reason == "unknown operator" {
                    suggest_operator(rest)
                } else {
                    // NullIfExists: the fix is to drop the suffix.
                    Some(Operator::Null.as_str().to_string())
                };
                let reason = match (&best, reason) {
                    (Some(b), "unknown operator") if b.eq_ignore_ascii_case(rest) => {
                        "operator names are case-sensitive"
                    }
                    _ => reason,
                };
                Err(fail(reason, best.map(|b| format!("{prefix}{b}"))))
            }
            (Err(q), operator) => {
                let fixed_q = closest(q, SetQualifier::ALL.iter().map(|s| s.as_str()));
                let fixed_op = match operator {
                    Ok(_) => Some(rest.to_string()),
                    Err(_) => suggest_operator(rest),
                };
                let suggestion = match (fixed_q, fixed_op) {
                    (Some(q), Some(op)) => Some(format!("{q}:{op}")),
                    _ => None,
                };
                Err(fail(
                    "the prefix must be ForAllValues: or ForAnyValue:",
                    suggestion,
                ))
            }
        }
    }
}

/// The text is not a condition operator.
///
/// ```
/// use policy_catalogue::ConditionOperator;
///
/// let err = "NullIfExists".parse::<ConditionOperator>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"invalid condition operator "NullIfExists": Null cannot take the IfExists suffix; did you mean "Null"?"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidConditionOperator {
    /// The rejected text.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
    /// A valid operator close to the input, with its qualifier, if one is close.
    pub suggestion: Option<String>,
}

impl fmt::Display for InvalidConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid condition operator \"{}\": {}",
            self.input.escape_debug(),
            self.reason
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, "; did you mean \"{s}\"?")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidConditionOperator {}

/// The type of a condition key's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyType {
    /// Text.
    String,
    /// An ARN.
    Arn,
    /// A number.
    Numeric,
    /// A date and time.
    Date,
    /// `true` or `false`.
    Bool,
    /// An IP address or CIDR block.
    Ip,
    /// Base64-encoded binary.
    Binary,
}

/// A condition key the catalogue knows, with the type of its values.
///
/// ```
/// use policy_catalogue::{known_key, KeyType};
///
/// let key = known_key("aws:sourcearn").unwrap();
/// assert_eq!(key.name, "aws:SourceArn");
/// assert_eq!(key.value_type, KeyType::Arn);
/// assert!(known_key("aws:PrincipalTag/team").unwrap().is_prefix);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KnownKey {
    /// The key, e.g. `"aws:SourceAccount"`; for a prefix key the part up to and
    /// including the `/`, e.g. `"aws:PrincipalTag/"`.
    pub name: &'static str,
    /// Whether `name` is a prefix to be followed by a tag key.
    pub is_prefix: bool,
    /// The type of the key's values.
    pub value_type: KeyType,
    /// Whether the key can carry several values (use `ForAllValues:`/`ForAnyValue:`).
    pub multi_valued: bool,
    /// A one-line description.
    pub description: &'static str,
}

impl KnownKey {
    /// Whether `op` suits this key: [`operator_fits_key`] on its type, and in
    /// addition the numeric operators on `aws:EpochTime`, which AWS types as both
    /// date and numeric.
    pub fn fits(&self, op: Operator) -> bool {
        operator_fits_key(op, self.value_type)
            || (self.name == "aws:EpochTime" && op.family() == OperatorFamily::Numeric)
    }
}

const fn key(
    name: &'static str,
    value_type: KeyType,
    multi_valued: bool,
    description: &'static str,
) -> KnownKey {
    // A trailing `/` marks a prefix key; deriving it keeps the table from disagreeing.
    let bytes = name.as_bytes();
    let is_prefix = !bytes.is_empty() && bytes[bytes.len() - 1] == b'/';
    KnownKey {
        name,
        is_prefix,
        value_type,
        multi_valued,
        description,
    }
}

use KeyType::{Arn, Bool, Date, Ip, Numeric, String as Str};

/// The condition keys the catalogue knows: the AWS global keys that make sense in a
/// resource policy, and the `ecr:` and `ecr-public:` service keys.
///
/// `aws:EpochTime` is listed as [`KeyType::Date`]; AWS accepts both date and numeric
/// operators on it (see [`KnownKey::fits`]).
pub const KNOWN_KEYS: &[KnownKey] = &[
    key(
        "aws:SourceAccount",
        Str,
        false,
        "account of the resource making a service-to-service request",
    ),
    key(
        "aws:SourceArn",
        Arn,
        false,
        "ARN of the resource making a service-to-service request",
    ),
    key(
        "aws:SourceOwner",
        Str,
        false,
        "account owning the source resource (older services)",
    ),
    key(
        "aws:PrincipalOrgID",
        Str,
        false,
        "AWS Organizations id of the caller's organization",
    ),
    key(
        "aws:PrincipalOrgPaths",
        Str,
        true,
        "Organizations paths of the caller's account",
    ),
    key(
        "aws:PrincipalArn",
        Arn,
        false,
        "ARN of the caller (the role, not the session)",
    ),
    key("aws:PrincipalAccount", Str, false, "account of the caller"),
    key(
        "aws:PrincipalType",
        Str,
        false,
        "kind of caller: Account, User, AssumedRole, ...",
    ),
    key(
        "aws:PrincipalTag/",
        Str,
        false,
        "a tag on the calling user or role",
    ),
    key(
        "aws:PrincipalIsAWSService",
        Bool,
        false,
        "whether the caller is an AWS service principal",
    ),
    key(
        "aws:PrincipalServiceName",
        Str,
        false,
        "the calling service principal",
    ),
    key(
        "aws:PrincipalServiceNamesList",
        Str,
        true,
        "all service principal names of the calling service",
    ),
    key("aws:userid", Str, false, "unique id of the caller"),
    key("aws:username", Str, false, "IAM user name of the caller"),
    key("aws:SourceIp", Ip, false, "public IP address of the caller"),
    key(
        "aws:VpcSourceIp",
        Ip,
        false,
        "IP address of a caller inside a VPC",
    ),
    key("aws:SourceVpc", Str, false, "VPC the request comes through"),
    key(
        "aws:SourceVpce",
        Str,
        false,
        "VPC endpoint the request comes through",
    ),
    key(
        "aws:SecureTransport",
        Bool,
        false,
        "whether the request used TLS",
    ),
    key("aws:CurrentTime", Date, false, "time of the request"),
    key(
        "aws:EpochTime",
        Date,
        false,
        "time of the request in seconds since 1970 (date or numeric)",
    ),
    key(
        "aws:MultiFactorAuthPresent",
        Bool,
        false,
        "whether the caller signed in with MFA",
    ),
    key(
        "aws:MultiFactorAuthAge",
        Numeric,
        false,
        "seconds since MFA sign-in",
    ),
    key(
        "aws:CalledVia",
        Str,
        true,
        "services that made the request on the caller's behalf",
    ),
    key(
        "aws:CalledViaFirst",
        Str,
        false,
        "first service in aws:CalledVia",
    ),
    key(
        "aws:CalledViaLast",
        Str,
        false,
        "last service in aws:CalledVia",
    ),
    key(
        "aws:ViaAWSService",
        Bool,
        false,
        "whether a service made the request on the caller's behalf",
    ),
    key(
        "aws:RequestedRegion",
        Str,
        false,
        "region the request is sent to",
    ),
    key("aws:RequestTag/", Str, false, "a tag sent in the request"),
    key("aws:ResourceTag/", Str, false, "a tag on the resource"),
    key("aws:TagKeys", Str, true, "tag keys sent in the request"),
    key(
        "aws:ResourceAccount",
        Str,
        false,
        "account owning the resource",
    ),
    key(
        "aws:ResourceOrgID",
        Str,
        false,
        "Organizations id of the resource's organization",
    ),
    key(
        "aws:ResourceOrgPaths",
        Str,
        true,
        "Organizations paths of the resource's account",
    ),
    key(
        "aws:SourceOrgID",
        Str,
        false,
        "Organizations id of the source resource's organization",
    ),
    key(
        "aws:SourceOrgPaths",
        Str,
        true,
        "Organizations paths of the source resource's account",
    ),
    key(
        "aws:TokenIssueTime",
        Date,
        false,
        "time the caller's temporary credentials were issued",
    ),
    key("aws:UserAgent", Str, false, "the caller's HTTP user agent"),
    key("aws:Referer", Str, false, "the HTTP referer of the request"),
    key(
        "aws:FederatedProvider",
        Str,
        false,
        "identity provider of a federated caller",
    ),
    key(
        "ecr:ResourceTag/",
        Str,
        false,
        "a tag on the ECR repository",
    ),
    key(
        "ecr:AccountSetting",
        Str,
        false,
        "ECR account setting name (Get/PutAccountSetting)",
    ),
    key(
        "ecr-public:ResourceTag/",
        Str,
        false,
        "a tag on the ECR Public repository",
    ),
];

/// Looks up a condition key, ignoring ASCII case (IAM key names are
/// case-insensitive). A prefix key such as `aws:PrincipalTag/` matches only with a
/// non-empty tag key after the `/`.
pub fn known_key(name: &str) -> Option<&'static KnownKey> {
    KNOWN_KEYS.iter().find(|k| {
        if k.is_prefix {
            // `get` rather than slicing: `name` may split a multi-byte character there.
            name.len() > k.name.len()
                && name
                    .get(..k.name.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(k.name))
        } else {
            name.eq_ignore_ascii_case(k.name)
        }
    })
}

/// Whether an operator suits a key of the given type.
///
/// - String operators fit String and Arn keys (IAM Access Analyzer accepts string
///   operators on ARN keys).
/// - Arn operators fit Arn keys only; Numeric, Date, Bool and Binary operators fit
///   keys of their own type; `IpAddress`/`NotIpAddress` fit Ip keys.
/// - `Null` fits every key.
///
/// For a [`KnownKey`], prefer [`KnownKey::fits`], which knows the exceptions.
pub fn operator_fits_key(op: Operator, key: KeyType) -> bool {
    match op.family() {
        OperatorFamily::String => matches!(key, KeyType::String | KeyType::Arn),
        OperatorFamily::Arn => key == KeyType::Arn,
        OperatorFamily::Numeric => key == KeyType::Numeric,
        OperatorFamily::Date => key == KeyType::Date,
        OperatorFamily::Bool => key == KeyType::Bool,
        OperatorFamily::IpAddress => key == KeyType::Ip,
        OperatorFamily::Binary => key == KeyType::Binary,
        OperatorFamily::Null => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An operator found by its name in one `match` is the one of `Operator::ALL` with that
    /// name, for every name, and none is found for near names: each name with a letter
    /// changed, dropped, doubled or in the other case, its prefixes, and 5,000 random texts.
    #[test]
    fn operators_are_named_as_listed() {
        let listed = |t: &str| Operator::ALL.into_iter().find(|o| o.as_str() == t);
        let mut texts: Vec<String> = vec![String::new(), "IfExists".into(), "Nul".into()];
        for o in Operator::ALL {
            let name = o.as_str();
            assert_eq!(operator_named(name), Some(o), "{name}");
            for i in 0..name.len() {
                texts.push(name[..i].to_owned());
                texts.push(format!("{}{}", &name[..i], &name[i + 1..]));
                texts.push(format!("{}{}", &name[..=i], &name[i..]));
                texts.push(format!("{}x{}", &name[..i], &name[i + 1..]));
            }
            texts.push(name.to_ascii_lowercase());
            texts.push(format!("{name}IfExists"));
            texts.push(format!("{name} "));
        }
        let mut next = crate::test_random::xorshift(0x0be7_a70e_0000_0008);
        let pieces = [
            "String", "Numeric", "Date", "Ip", "Not", "Equals", "Like", "Address", "Arn", "Null",
            "Bool",
        ];
        for _ in 0..5_000 {
            texts.push(
                (0..1 + next(4))
                    .map(|_| pieces[next(pieces.len() as u64) as usize])
                    .collect(),
            );
        }
        for t in &texts {
            assert_eq!(operator_named(t), listed(t), "{t:?}");
        }
    }

    #[test]
    fn every_operator_round_trips_with_every_qualifier_and_suffix() {
        let mut count = 0;
        for operator in Operator::ALL {
            for qualifier in [
                None,
                Some(SetQualifier::ForAllValues),
                Some(SetQualifier::ForAnyValue),
            ] {
                for if_exists in [false, true] {
                    let op = ConditionOperator {
                        qualifier,
                        operator,
                        if_exists,
                    };
                    let text = op.to_string();
                    if operator == Operator::Null && if_exists {
                        assert!(text.parse::<ConditionOperator>().is_err(), "{text}");
                    } else {
                        assert_eq!(text.parse::<ConditionOperator>(), Ok(op), "{text}");
                        count += 1;
                    }
                }
            }
        }
        assert_eq!(count, 27 * 6 - 3);
    }

    #[test]
    fn operator_classification() {
        let negated: Vec<_> = Operator::ALL
            .into_iter()
            .filter(|o| o.is_negated())
            .collect();
        assert_eq!(negated.len(), 8);
        for o in negated {
            assert!(o.as_str().contains("Not"), "{o}");
        }
        for o in Operator::ALL {
            assert_eq!(o.is_negated(), o.as_str().contains("Not"), "{o}");
            assert_eq!(o.is_like(), o.as_str().ends_with("Like"), "{o}");
        }
        assert_eq!(Operator::NotIpAddress.family(), OperatorFamily::IpAddress);
        assert_eq!(Operator::ArnLike.family(), OperatorFamily::Arn);
        assert_eq!(Operator::Null.family(), OperatorFamily::Null);
        assert_eq!(Operator::BinaryEquals.family(), OperatorFamily::Binary);
    }

    #[test]
    fn parse_errors_suggest() {
        let e = "StringEqual".parse::<ConditionOperator>().unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("StringEquals"));
        assert_eq!(e.reason, "unknown operator");
        let e = "stringequals".parse::<ConditionOperator>().unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("StringEquals"));
        assert_eq!(e.reason, "operator names are case-sensitive");
        let e = "ForAnyValue:StringLikeIfExist"
            .parse::<ConditionOperator>()
            .unwrap_err();
        assert_eq!(
            e.suggestion.as_deref(),
            Some("ForAnyValue:StringLikeIfExists")
        );
        let e = "ForAllValue:StringEquals"
            .parse::<ConditionOperator>()
            .unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("ForAllValues:StringEquals"));
        let e = "ForAllValue:StringEqual"
            .parse::<ConditionOperator>()
            .unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("ForAllValues:StringEquals"));
        let e = "ForAnyValue:NullIfExists"
            .parse::<ConditionOperator>()
            .unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("ForAnyValue:Null"));
        let e = "Frobnicate".parse::<ConditionOperator>().unwrap_err();
        assert_eq!(e.suggestion, None);
        assert_eq!(
            e.to_string(),
            r#"invalid condition operator "Frobnicate": unknown operator"#
        );
        for bad in [
            "",
            ":",
            "IfExists",
            "ForAnyValue:",
            "ForAnyValue:ForAllValues:Bool",
            "Bool ",
            "é:ü",
        ] {
            assert!(bad.parse::<ConditionOperator>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn key_lookup() {
        assert_eq!(
            known_key("aws:SourceAccount").unwrap().value_type,
            KeyType::String
        );
        assert_eq!(known_key("AWS:SOURCEIP").unwrap().value_type, KeyType::Ip);
        assert!(known_key("aws:PrincipalOrgPaths").unwrap().multi_valued);
        assert!(!known_key("aws:PrincipalOrgID").unwrap().multi_valued);
        assert_eq!(
            known_key("aws:PrincipalTag/team").unwrap().name,
            "aws:PrincipalTag/"
        );
        assert_eq!(
            known_key("ecr:resourcetag/env").unwrap().name,
            "ecr:ResourceTag/"
        );
        assert_eq!(
            known_key("ecr-public:ResourceTag/x").unwrap().name,
            "ecr-public:ResourceTag/"
        );
        assert!(known_key("aws:PrincipalTag/").is_none());
        assert!(known_key("aws:PrincipalTag").is_none());
        assert!(known_key("aws:Frobnicate").is_none());
        assert!(known_key("").is_none());
        assert!(known_key("aws:PrincipalTaé/x").is_none());
        assert!(known_key("aws:PrincipalTag\u{e9}").is_none());
        assert_eq!(KNOWN_KEYS.len(), 43);
        for k in KNOWN_KEYS {
            assert_eq!(k.is_prefix, k.name.ends_with('/'));
            assert!(!k.description.is_empty());
        }
    }

    #[test]
    fn operators_fit_keys() {
        use KeyType as K;
        assert!(operator_fits_key(Operator::StringEquals, K::String));
        assert!(operator_fits_key(Operator::StringLike, K::Arn));
        assert!(!operator_fits_key(Operator::ArnLike, K::String));
        assert!(operator_fits_key(Operator::ArnLike, K::Arn));
        assert!(operator_fits_key(Operator::NumericLessThan, K::Numeric));
        assert!(!operator_fits_key(Operator::NumericLessThan, K::Date));
        assert!(operator_fits_key(Operator::DateLessThan, K::Date));
        assert!(operator_fits_key(Operator::Bool, K::Bool));
        assert!(!operator_fits_key(Operator::Bool, K::String));
        assert!(operator_fits_key(Operator::NotIpAddress, K::Ip));
        assert!(!operator_fits_key(Operator::StringEquals, K::Ip));
        assert!(operator_fits_key(Operator::BinaryEquals, K::Binary));
        for k in [
            K::String,
            K::Arn,
            K::Numeric,
            K::Date,
            K::Bool,
            K::Ip,
            K::Binary,
        ] {
            assert!(operator_fits_key(Operator::Null, k));
        }
        let epoch = known_key("aws:EpochTime").unwrap();
        assert!(epoch.fits(Operator::DateGreaterThan));
        assert!(epoch.fits(Operator::NumericGreaterThan));
        let current = known_key("aws:CurrentTime").unwrap();
        assert!(!current.fits(Operator::NumericGreaterThan));
    }
}
