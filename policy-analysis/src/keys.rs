//! What the analysis knows of each condition key: the shape of its values, whether it can hold
//! several, and whether AWS always sets it, never sets it, or sets it for some requests of a
//! caller class. Sources: the IAM global condition keys page,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>,
//! and the pages cited at each key.

use policy_catalogue::rules::{PARTITIONS, SERVICE_PRINCIPAL_SUFFIXES};
use policy_catalogue::KeyType;

use crate::text::{CharSet, Re};

/// Whether a request of a caller class carries a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Presence {
    Always,
    Never,
    /// Some requests carry it, others do not (a VPC endpoint hides `aws:SourceIp`; a principal
    /// outside an organization has no `aws:PrincipalOrgID`).
    Maybe,
}

/// The kind of caller, for the presence of keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Root,
    User,
    Session,
    Service,
    Anonymous,
}

impl Kind {
    fn iam(self) -> bool {
        matches!(self, Kind::Root | Kind::User | Kind::Session)
    }
}

/// What is known of a key that the caller's identity does not fix.
#[derive(Clone, Debug)]
pub(crate) struct KeyInfo {
    pub(crate) presence: Presence,
    pub(crate) multi: bool,
    pub(crate) value_type: KeyType,
    /// The key's value depends on facts the analysis does not model (tags, settings, keys it
    /// does not know): answers that rest on it are `Possible`.
    pub(crate) outside: bool,
    /// The shape of the key's values, built only when an automaton is needed.
    pub(crate) domain: fn() -> Re,
}

fn any_text() -> Re {
    Re::Star(Box::new(Re::Rep(CharSet::ANY, 1, 1)))
}

fn nonempty_text() -> Re {
    Re::Seq(vec![Re::Rep(CharSet::ANY, 1, 1), any_text()])
}

pub(crate) fn account_re() -> Re {
    Re::class("0-9", 12, 12)
}

/// `o-` and 10 to 32 lowercase letters or digits
/// (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html>).
fn org_id_re() -> Re {
    Re::Seq(vec![Re::lit("o-"), Re::class("a-z0-9", 10, 32)])
}

/// `o-id/r-root/ou-.../`, as `aws:PrincipalOrgPaths` holds them.
fn org_path_re() -> Re {
    Re::Seq(vec![
        org_id_re(),
        Re::lit("/r-"),
        Re::class("a-z0-9", 4, 32),
        Re::lit("/"),
        Re::Star(Box::new(Re::Seq(vec![
            Re::lit("ou-"),
            Re::class("a-z0-9", 4, 32),
            Re::lit("-"),
            Re::class("a-z0-9", 8, 32),
            Re::lit("/"),
        ]))),
    ])
}

pub(crate) fn partition_re() -> Re {
    Re::Alt(PARTITIONS.iter().map(|p| Re::lit(p)).collect())
}

/// `us-east-1`, `us-gov-west-1`, `ap-southeast-2`.
fn region_re() -> Re {
    Re::Seq(vec![
        Re::class("a-z", 2, 2),
        Re::Rep(CharSet::of("-"), 1, 1),
        Re::class("a-z", 1, 12),
        Re::Star(Box::new(Re::Seq(vec![
            Re::lit("-"),
            Re::class("a-z", 1, 12),
        ]))),
        Re::lit("-"),
        Re::class("0-9", 1, 2),
    ])
}

/// IAM user and role names: `[\w+=,.@-]{1,64}`
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html>).
pub(crate) fn iam_name_re() -> Re {
    Re::class("A-Za-z0-9_+=,.@-", 1, 64)
}

/// Role session names: `[\w+=,.@-]{2,64}`
/// (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>).
pub(crate) fn session_name_re() -> Re {
    Re::class("A-Za-z0-9_+=,.@-", 2, 64)
}

/// An IAM path: `/` or `/segments/`.
pub(crate) fn path_re() -> Re {
    Re::Seq(vec![
        Re::lit("/"),
        Re::Star(Box::new(Re::Seq(vec![
            Re::class("!-.0-~", 1, 64),
            Re::lit("/"),
        ]))),
    ])
}

/// A service principal name: dot-separated labels and one of the suffixes.
pub(crate) fn service_re() -> Re {
    let label = || Re::class("a-z0-9-", 1, 63);
    Re::Seq(vec![
        label(),
        Re::Star(Box::new(Re::Seq(vec![Re::lit("."), label()]))),
        Re::Alt(
            SERVICE_PRINCIPAL_SUFFIXES
                .iter()
                .map(|s| Re::lit(s))
                .collect(),
        ),
    ])
}

/// The ARN of a resource a service acts for (`aws:SourceArn`): any ARN. Its service is never
/// IAM or STS (the key "does not work with the ARN of the principal making the request"),
/// which [`source_arn_exclusions`] removes.
fn source_arn_re() -> Re {
    Re::Seq(vec![
        Re::lit("arn:"),
        partition_re(),
        Re::lit(":"),
        Re::class("a-z0-9-", 1, 32),
        Re::lit(":"),
        Re::Alt(vec![Re::lit(""), region_re()]),
        Re::lit(":"),
        Re::Alt(vec![Re::lit(""), account_re(), Re::lit("aws")]),
        Re::lit(":"),
        nonempty_text(),
    ])
}

/// Patterns (`StringLike`) no `aws:SourceArn` matches.
pub(crate) fn source_arn_exclusions() -> [&'static str; 2] {
    ["arn:*:iam:*", "arn:*:sts:*"]
}

fn hex_id(prefix: &str, min: usize, max: usize) -> Re {
    Re::Seq(vec![Re::lit(prefix), Re::class("0-9a-f", min, max)])
}

fn bool_re() -> Re {
    Re::Alt(vec![Re::lit("true"), Re::lit("false")])
}

fn number_re() -> Re {
    Re::Seq(vec![
        Re::Alt(vec![Re::lit(""), Re::lit("-")]),
        Re::class("0-9", 1, 19),
    ])
}

/// Seconds since a moment in the past (`aws:EpochTime`, `aws:MultiFactorAuthAge`): never
/// negative, so a condition such as `NumericGreaterThanEquals aws:EpochTime 0` always holds.
fn seconds_re() -> Re {
    Re::class("0-9", 1, 19)
}

/// `2026-01-01T00:00:00Z`, the form of `aws:CurrentTime`.
fn date_re() -> Re {
    let d = |n| Re::class("0-9", n, n);
    Re::Seq(vec![
        d(4),
        Re::lit("-"),
        Re::Alt(vec![
            Re::Seq(vec![Re::lit("0"), Re::class("1-9", 1, 1)]),
            Re::Seq(vec![Re::lit("1"), Re::class("0-2", 1, 1)]),
        ]),
        Re::lit("-"),
        Re::Alt(vec![
            Re::Seq(vec![Re::lit("0"), Re::class("1-9", 1, 1)]),
            Re::Seq(vec![Re::class("12", 1, 1), d(1)]),
            Re::Seq(vec![Re::lit("3"), Re::class("01", 1, 1)]),
        ]),
        Re::lit("T"),
        Re::Alt(vec![
            Re::Seq(vec![Re::class("01", 1, 1), d(1)]),
            Re::Seq(vec![Re::lit("2"), Re::class("0-3", 1, 1)]),
        ]),
        Re::lit(":"),
        Re::class("0-5", 1, 1),
        d(1),
        Re::lit(":"),
        Re::class("0-5", 1, 1),
        d(1),
        Re::lit("Z"),
    ])
}

/// A dotted IPv4 address (IPv6 text is not modelled for string operators).
fn ipv4_re() -> Re {
    let octet = Re::Alt(vec![
        Re::class("0-9", 1, 1),
        Re::Seq(vec![Re::class("1-9", 1, 1), Re::class("0-9", 1, 1)]),
        Re::Seq(vec![Re::lit("1"), Re::class("0-9", 2, 2)]),
        Re::Seq(vec![
            Re::lit("2"),
            Re::class("0-4", 1, 1),
            Re::class("0-9", 1, 1),
        ]),
        Re::Seq(vec![Re::lit("25"), Re::class("0-5", 1, 1)]),
    ]);
    Re::Seq(vec![
        octet.clone(),
        Re::lit("."),
        octet.clone(),
        Re::lit("."),
        octet.clone(),
        Re::lit("."),
        octet,
    ])
}

/// The text shape of a value of a type, for string operators on typed keys.
fn typed_re(t: KeyType) -> fn() -> Re {
    match t {
        KeyType::Bool => bool_re,
        KeyType::Numeric => number_re,
        KeyType::Date => date_re,
        KeyType::Ip => ipv4_re,
        KeyType::String | KeyType::Arn | KeyType::Binary => any_text,
    }
}

/// What is known of `key` (lowercased) for a caller of `kind`. Keys fixed by the caller's
/// identity (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username`, `aws:userid`,
/// `aws:PrincipalType`, ...) are handled by the solver, not here.
pub(crate) fn key_info(key: &str, kind: Kind) -> KeyInfo {
    use KeyType as T;
    use Presence::{Always, Maybe, Never};
    let iam = kind.iam();
    let service = kind == Kind::Service;
    let info = |presence, multi, value_type, domain| KeyInfo {
        presence,
        multi,
        value_type,
        outside: false,
        domain,
    };
    let when = |b: bool| if b { Maybe } else { Never };
    match key {
        // "included in the request context only if the principal is a member of an
        // organization"
        "aws:principalorgid" => info(when(iam), false, T::String, org_id_re),
        "aws:principalorgpaths" => info(when(iam), true, T::String, org_path_re),
        // "included in the request context, except when the requester uses a VPC endpoint";
        // like the other network keys, redacted from the calls of service principals
        // ("certain network-specific authorization context is redacted"). Its values are
        // public addresses only (`IpSet::public`).
        "aws:sourceip" => info(when(!service), false, T::Ip, ipv4_re),
        "aws:vpcsourceip" => info(when(!service), false, T::Ip, ipv4_re),
        // "included ... only if the requester uses a VPC endpoint"
        "aws:sourcevpc" => info(when(!service), false, T::String, || {
            Re::Alt(vec![hex_id("vpc-", 8, 8), hex_id("vpc-", 17, 17)])
        }),
        "aws:sourcevpce" => info(when(!service), false, T::String, || hex_id("vpce-", 8, 17)),
        "aws:sourcevpcarn" => info(when(!service), false, T::Arn, source_arn_re),
        // "only when the call to your resource is being made directly by an AWS service
        // principal on behalf of a resource"
        "aws:sourceaccount" | "aws:sourceowner" => {
            info(when(service), false, T::String, account_re)
        }
        "aws:sourcearn" => info(when(service), false, T::Arn, source_arn_re),
        "aws:sourceorgid" => info(when(service), false, T::String, org_id_re),
        "aws:sourceorgpaths" => info(when(service), true, T::String, org_path_re),
        // "always included"
        "aws:securetransport" => info(Always, false, T::Bool, bool_re),
        "aws:currenttime" => info(Always, false, T::Date, date_re),
        "aws:epochtime" => info(Always, false, T::Date, seconds_re),
        "aws:viaawsservice" => info(when(kind != Kind::Anonymous), false, T::Bool, bool_re),
        "aws:multifactorauthpresent" => info(when(iam), false, T::Bool, bool_re),
        "aws:multifactorauthage" => info(when(iam), false, T::Numeric, seconds_re),
        "aws:tokenissuetime" => info(when(iam), false, T::Date, date_re),
        // Present "when a service ... uses the credentials of an IAM principal".
        "aws:calledvia" => info(when(iam), true, T::String, service_re),
        "aws:calledviafirst" | "aws:calledvialast" => info(when(iam), false, T::String, service_re),
        "aws:principalservicenameslist" => info(when(service), true, T::String, service_re),
        "aws:useragent" | "aws:referer" => info(Maybe, false, T::String, any_text),
        "aws:resourceorgid" => info(Maybe, false, T::String, org_id_re),
        "aws:resourceorgpaths" => info(Maybe, true, T::String, org_path_re),
        "aws:federatedprovider" => info(Never, false, T::String, any_text),
        _ => {
            let known = policy_catalogue::known_key(key);
            let (multi, value_type) =
                known.map_or((false, T::String), |k| (k.multi_valued, k.value_type));
            // Tags, settings and keys the catalogue does not know: present or not, any
            // value, and outside the model.
            let presence = if key.starts_with("aws:principaltag/") {
                when(matches!(kind, Kind::User | Kind::Session))
            } else {
                Maybe
            };
            KeyInfo {
                presence,
                multi,
                value_type,
                outside: true,
                domain: typed_re(value_type),
            }
        }
    }
}
