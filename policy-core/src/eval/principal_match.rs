//! Whether a `Principal` or `NotPrincipal` element covers a caller.
//!
//! AWS resolves principals by identity, not by text: IAM user and role names are matched
//! ignoring case (IAM does not allow two names differing only in case), paths and session
//! names exactly. Wildcards are not allowed inside principal ARNs (only `"*"` alone), so a
//! principal such as `arn:aws:iam::123456789012:user/ci-*` matches nobody; neither do unique
//! ids (`AIDA...`), `Federated` principals (identity providers, which role trust policies
//! name for `sts:AssumeRoleWithWebIdentity`; their users call ECR as role sessions) and
//! canonical-user principals, which no [`Caller`] has. A federated user session
//! (`arn:aws:sts::ACCOUNT:federated-user/NAME`) is matched by its ARN.

use std::fmt;

use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::statement::PrincipalElement;

use super::keys::{eq_ignore_ascii_case, same_text};
use super::request::Caller;

/// How a statement's principal covers a caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalMatch {
    /// Not covered.
    No,
    /// Covered through the caller's account (`arn:aws:iam::ACCOUNT:root` or the bare id): the
    /// account is trusted, and its own identity policies decide which of its users and roles
    /// may use the grant (ECR-FACTS section 5).
    Account,
    /// Covered by name (the user, the role of a session, the session, the service), by `"*"`,
    /// or by a `NotPrincipal` that does not exclude the caller.
    Direct,
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

/// How one principal covers a caller.
#[inline]
pub(crate) fn principal_matches(principal: &Principal, caller: &Caller) -> PrincipalMatch {
    let yes = |b: bool, kind: PrincipalMatch| if b { kind } else { PrincipalMatch::No };
    match (principal, caller) {
        (Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone), _) => PrincipalMatch::Direct,
        (Principal::Service(s), Caller::Service(c)) => yes(
            eq_ignore_ascii_case(s.as_str(), c.as_str()),
            PrincipalMatch::Direct,
        ),
        (Principal::Aws(p), c) => aws_matches(p, c),
        _ => PrincipalMatch::No,
    }
}

fn aws_matches(principal: &AwsPrincipal, caller: &Caller) -> PrincipalMatch {
    use PrincipalMatch::{Account, Direct, No};
    match (principal, caller) {
        (
            AwsPrincipal::Account {
                partition, account, ..
            },
            c,
        ) => {
            if c.partition() != Some(*partition) || c.account() != Some(account) {
                No
            } else if matches!(c, Caller::Root { .. }) {
                Direct
            } else {
                Account
            }
        }
        (
            AwsPrincipal::User {
                partition,
                account,
                path,
                name,
            },
            Caller::User {
                partition: cp,
                account: ca,
                path: cpath,
                name: cname,
            },
        ) if partition == cp
            && same_text(account.as_str(), ca.as_str())
            && same_text(path.as_str(), cpath.as_str())
            && eq_ignore_ascii_case(name.as_str(), cname.as_str()) =>
        {
            Direct
        }
        (
            AwsPrincipal::Role {
                partition,
                account,
                path,
                name,
            },
            Caller::AssumedRole {
                partition: cp,
                account: ca,
                role_path,
                role,
                ..
            },
        ) if partition == cp
            && same_text(account.as_str(), ca.as_str())
            && same_text(path.as_str(), role_path.as_str())
            && eq_ignore_ascii_case(name.as_str(), role.as_str()) =>
        {
            Direct
        }
        (
            AwsPrincipal::AssumedRole {
                partition,
                account,
                role,
                session,
            },
            Caller::AssumedRole {
                partition: cp,
                account: ca,
                role: crole,
                session: csession,
                ..
            },
        ) if partition == cp
            && same_text(account.as_str(), ca.as_str())
            && eq_ignore_ascii_case(role.as_str(), crole.as_str())
            && same_text(session.as_str(), csession.as_str()) =>
        {
            Direct
        }
        // A federated user session is named by its ARN, which the model keeps as written.
        (AwsPrincipal::Other(text), Caller::FederatedUser { .. }) if *text == caller.arn() => {
            Direct
        }
        _ => No,
    }
}

/// How a `Principal` / `NotPrincipal` element covers a caller.
///
/// `NotPrincipal` follows AWS's documented rule: a request carries several identities (the
/// account, then the user; or the account, the role and the session), and the statement
/// applies unless every one of them is listed. So a `Deny` with `NotPrincipal` naming only a
/// role still denies its sessions, and one naming a user of another account still denies that
/// user unless the account is listed too.
pub(crate) fn element_matches(element: &PrincipalElement, caller: &Caller) -> PrincipalMatch {
    if !element.negated {
        return element
            .principals
            .iter()
            .map(|p| principal_matches(p, caller))
            .max()
            .unwrap_or(PrincipalMatch::No);
    }
    if element.principals.iter().any(|p| {
        matches!(
            p,
            Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone)
        )
    }) {
        return PrincipalMatch::No;
    }
    if identities(caller)
        .iter()
        .all(|(kind, _, _)| listed(element, caller, *kind))
    {
        PrincipalMatch::No
    } else {
        PrincipalMatch::Direct
    }
}

/// Why an element covers a caller, or `None` when it does not.
pub(crate) fn element_cover(element: &PrincipalElement, caller: &Caller) -> Option<PrincipalCover> {
    let how = element_matches(element, caller);
    if how == PrincipalMatch::No {
        return None;
    }
    if !element.negated {
        let principal = element
            .principals
            .iter()
            .find(|p| principal_matches(p, caller) == how)?;
        return Some(PrincipalCover::Listed {
            principal: principal.to_string(),
            how,
        });
    }
    let (covering, not_covering) = element
        .principals
        .iter()
        .partition::<Vec<_>, _>(|p| principal_matches(p, caller) != PrincipalMatch::No);
    Some(PrincipalCover::NotListed {
        not_covering: not_covering.iter().map(ToString::to_string).collect(),
        covering: covering
            .iter()
            .map(|p| (kind_of(p).map_or("identity", Kind::word), p.to_string()))
            .collect(),
        unlisted: identities(caller)
            .into_iter()
            .filter(|(kind, _, _)| !listed(element, caller, *kind))
            .map(|(_, word, arn)| (word, arn))
            .collect(),
    })
}

/// Whether the caller's identity of this kind is listed.
fn listed(element: &PrincipalElement, caller: &Caller, kind: Kind) -> bool {
    element
        .principals
        .iter()
        .any(|p| kind_of(p) == Some(kind) && principal_matches(p, caller) != PrincipalMatch::No)
}

/// The identities a request of the caller carries, each of which a `NotPrincipal` must list
/// to exclude it: its kind, the word for it, and its ARN.
fn identities(caller: &Caller) -> Vec<(Kind, &'static str, String)> {
    identity_arns(caller)
        .into_iter()
        .map(|(kind, arn)| (kind, kind.word(), arn))
        .collect()
}

fn identity_arns(caller: &Caller) -> Vec<(Kind, String)> {
    let account = |partition, account| format!("arn:{partition}:iam::{account}:root");
    match caller {
        Caller::User {
            partition,
            account: a,
            ..
        } => vec![
            (Kind::Account, account(partition, a)),
            (Kind::User, caller.arn()),
        ],
        Caller::AssumedRole {
            partition,
            account: a,
            ..
        } => vec![
            (Kind::Account, account(partition, a)),
            (Kind::Role, caller.principal_arn()),
            (Kind::Session, caller.arn()),
        ],
        Caller::FederatedUser {
            partition,
            account: a,
            ..
        } => vec![
            (Kind::Account, account(partition, a)),
            (Kind::FederatedUser, caller.arn()),
        ],
        Caller::Root { .. } => vec![(Kind::Account, caller.arn())],
        Caller::Service(_) => vec![(Kind::Service, caller.arn())],
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Account,
    User,
    Role,
    Session,
    FederatedUser,
    Service,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Account => "account",
            Kind::User => "user",
            Kind::Role => "role",
            Kind::Session => "session",
            Kind::FederatedUser => "federated user",
            Kind::Service => "service",
        }
    }
}

fn kind_of(p: &Principal) -> Option<Kind> {
    match p {
        Principal::Aws(AwsPrincipal::Account { .. }) => Some(Kind::Account),
        Principal::Aws(AwsPrincipal::User { .. }) => Some(Kind::User),
        Principal::Aws(AwsPrincipal::Role { .. }) => Some(Kind::Role),
        Principal::Aws(AwsPrincipal::AssumedRole { .. }) => Some(Kind::Session),
        Principal::Aws(AwsPrincipal::Other(text)) if text.contains(":federated-user/") => {
            Some(Kind::FederatedUser)
        }
        Principal::Service(_) => Some(Kind::Service),
        _ => None,
    }
}
