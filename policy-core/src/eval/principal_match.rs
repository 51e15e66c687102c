//! Whether a `Principal` or `NotPrincipal` element covers a caller.
//!
//! AWS resolves principals by identity, not by text: IAM user and role names are matched
//! ignoring case (IAM does not allow two names differing only in case), paths and session
//! names exactly. Wildcards are not allowed inside principal ARNs (only `"*"` alone), so a
//! principal such as `arn:aws:iam::123456789012:user/ci-*` matches nobody; neither do unique
//! ids (`AIDA...`), federated and canonical-user principals, which no [`Caller`] has.

use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::statement::PrincipalElement;

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

/// How one principal covers a caller.
pub(crate) fn principal_matches(principal: &Principal, caller: &Caller) -> PrincipalMatch {
    let yes = |b: bool, kind: PrincipalMatch| if b { kind } else { PrincipalMatch::No };
    match (principal, caller) {
        (Principal::Anyone | Principal::Aws(AwsPrincipal::Everyone), _) => PrincipalMatch::Direct,
        (Principal::Service(s), Caller::Service(c)) => yes(
            s.as_str().eq_ignore_ascii_case(c.as_str()),
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
            && account == ca
            && path == cpath
            && name.as_str().eq_ignore_ascii_case(cname.as_str()) =>
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
            && account == ca
            && path == role_path
            && name.as_str().eq_ignore_ascii_case(role.as_str()) =>
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
            && account == ca
            && role.as_str().eq_ignore_ascii_case(crole.as_str())
            && session == csession =>
        {
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
    // Whether the caller's identity of this kind is listed.
    let listed = |kind: Kind| {
        element
            .principals
            .iter()
            .any(|p| kind_of(p) == Some(kind) && principal_matches(p, caller) != PrincipalMatch::No)
    };
    let all_listed = match caller {
        Caller::User { .. } => listed(Kind::Account) && listed(Kind::User),
        Caller::AssumedRole { .. } => {
            listed(Kind::Account) && listed(Kind::Role) && listed(Kind::Session)
        }
        Caller::Root { .. } => listed(Kind::Account),
        Caller::Service(_) => listed(Kind::Service),
    };
    if all_listed {
        PrincipalMatch::No
    } else {
        PrincipalMatch::Direct
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Account,
    User,
    Role,
    Session,
    Service,
}

fn kind_of(p: &Principal) -> Option<Kind> {
    match p {
        Principal::Aws(AwsPrincipal::Account { .. }) => Some(Kind::Account),
        Principal::Aws(AwsPrincipal::User { .. }) => Some(Kind::User),
        Principal::Aws(AwsPrincipal::Role { .. }) => Some(Kind::Role),
        Principal::Aws(AwsPrincipal::AssumedRole { .. }) => Some(Kind::Session),
        Principal::Service(_) => Some(Kind::Service),
        _ => None,
    }
}
