//! Principals: who a statement is about.

use std::fmt;
use std::str::FromStr;

use policy_catalogue::principal_arn::{parse_principal_arn, PrincipalArn};
use policy_catalogue::RuleViolation;

use crate::model::names::{
    AccountId, IamPath, Partition, RoleName, ServiceName, SessionName, UserName,
};

/// One principal of a `Principal` or `NotPrincipal` element.
///
/// In JSON, [`Principal::Anyone`] is the bare string `"*"`; the others sit under the key of their
/// kind (`AWS`, `Service`, `Federated`, `CanonicalUser`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Principal {
    /// `"Principal": "*"`: everyone, including anonymous callers. Narrow it with a condition.
    Anyone,
    /// A principal under the `AWS` key: an account, user, role or session.
    Aws(AwsPrincipal),
    /// A service principal under the `Service` key, such as `codebuild.amazonaws.com`.
    /// Guard it with `aws:SourceAccount` or `aws:SourceArn` (the confused-deputy guard).
    Service(ServiceName),
    /// A web identity or SAML provider under the `Federated` key, kept as written.
    Federated(String),
    /// A canonical user id under the `CanonicalUser` key, kept as written.
    CanonicalUser(String),
}

impl Principal {
    /// The JSON key this principal sits under, or `None` for [`Principal::Anyone`].
    #[must_use]
    pub const fn key(&self) -> Option<PrincipalKey> {
        match self {
            Principal::Anyone => None,
            Principal::Aws(_) => Some(PrincipalKey::Aws),
            Principal::Service(_) => Some(PrincipalKey::Service),
            Principal::Federated(_) => Some(PrincipalKey::Federated),
            Principal::CanonicalUser(_) => Some(PrincipalKey::CanonicalUser),
        }
    }

    /// An IAM user in `account`, with the root path.
    #[must_use]
    pub fn user(account: AccountId, name: UserName) -> Self {
        Principal::Aws(AwsPrincipal::User {
            partition: Partition::Aws,
            account,
            path: IamPath::root(),
            name,
        })
    }

    /// An IAM role in `account`, with the root path.
    #[must_use]
    pub fn role(account: AccountId, name: RoleName) -> Self {
        Principal::Aws(AwsPrincipal::Role {
            partition: Partition::Aws,
            account,
            path: IamPath::root(),
            name,
        })
    }

    /// A whole account, rendered as `arn:aws:iam::<account>:root`. The account's own identity
    /// policies still decide which of its users and roles may use the grant.
    #[must_use]
    pub fn account(account: AccountId) -> Self {
        Principal::Aws(AwsPrincipal::Account {
            partition: Partition::Aws,
            account,
            bare: false,
        })
    }

    /// A service principal.
    #[must_use]
    pub fn service(name: ServiceName) -> Self {
        Principal::Service(name)
    }
}

impl From<AwsPrincipal> for Principal {
    fn from(p: AwsPrincipal) -> Self {
        Principal::Aws(p)
    }
}

impl From<ServiceName> for Principal {
    fn from(s: ServiceName) -> Self {
        Principal::Service(s)
    }
}

/// The keys of a principal object, in the order they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PrincipalKey {
    /// `AWS`
    Aws,
    /// `Service`
    Service,
    /// `Federated`
    Federated,
    /// `CanonicalUser`
    CanonicalUser,
}

impl PrincipalKey {
    /// Every key, in the order they are written.
    pub const ALL: [PrincipalKey; 4] = [
        PrincipalKey::Aws,
        PrincipalKey::Service,
        PrincipalKey::Federated,
        PrincipalKey::CanonicalUser,
    ];

    /// The JSON key.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PrincipalKey::Aws => "AWS",
            PrincipalKey::Service => "Service",
            PrincipalKey::Federated => "Federated",
            PrincipalKey::CanonicalUser => "CanonicalUser",
        }
    }
}

/// A principal under the `AWS` key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AwsPrincipal {
    /// `"AWS": "*"`: every authenticated AWS principal.
    Everyone,
    /// A whole account: `arn:aws:iam::123456789012:root`, or the bare id when `bare` is set
    /// (same meaning; AWS stores the ARN form).
    Account {
        /// The partition of the ARN.
        partition: Partition,
        /// The account.
        account: AccountId,
        /// Written as the bare 12-digit id rather than the root ARN.
        bare: bool,
    },
    /// `arn:aws:iam::123456789012:user/path/name`.
    User {
        /// The partition of the ARN.
        partition: Partition,
        /// The account the user belongs to.
        account: AccountId,
        /// The user's IAM path, `/` for none.
        path: IamPath,
        /// The user name.
        name: UserName,
    },
    /// `arn:aws:iam::123456789012:role/path/name`.
    Role {
        /// The partition of the ARN.
        partition: Partition,
        /// The account the role belongs to.
        account: AccountId,
        /// The role's IAM path, `/` for none.
        path: IamPath,
        /// The role name.
        name: RoleName,
    },
    /// `arn:aws:sts::123456789012:assumed-role/role-name/session-name`.
    AssumedRole {
        /// The partition of the ARN.
        partition: Partition,
        /// The account of the role.
        account: AccountId,
        /// The role that was assumed.
        role: RoleName,
        /// The session name.
        session: SessionName,
    },
    /// Any other text: a unique id (`AIDA...`, what AWS shows once a named user or role is
    /// deleted), a federated-user ARN, or an ARN with wildcards. Kept exactly as written.
    Other(String),
}

impl AwsPrincipal {
    /// Reads an account id, or a root, user, role or assumed-role ARN.
    ///
    /// ```
    /// use policy_core::model::AwsPrincipal;
    /// let p = AwsPrincipal::from_arn("arn:aws:iam::123456789012:user/ci/fcj-ecr-ci-cd-user")?;
    /// assert_eq!(p.to_string(), "arn:aws:iam::123456789012:user/ci/fcj-ecr-ci-cd-user");
    /// assert!(AwsPrincipal::from_arn("arn:aws:iam::12345:root").is_err());
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    ///
    /// # Errors
    /// A [`RuleViolation`] when the text is none of these shapes or one of its parts is invalid.
    pub fn from_arn(text: &str) -> Result<Self, RuleViolation> {
        // The partition is checked already: find its variant without checking it again.
        let partition = |p: &str| Partition::find(p).map_or_else(|| p.parse::<Partition>(), Ok);
        Ok(match parse_principal_arn(text)? {
            PrincipalArn::Account {
                partition: p,
                account,
                bare,
            } => AwsPrincipal::Account {
                partition: partition(p)?,
                account: AccountId::from_checked(account),
                bare,
            },
            PrincipalArn::User {
                partition: p,
                account,
                path,
                name,
            } => AwsPrincipal::User {
                partition: partition(p)?,
                account: AccountId::from_checked(account),
                path: if path == "/" {
                    IamPath::root()
                } else {
                    IamPath::from_checked(path)
                },
                name: UserName::from_checked(name),
            },
            PrincipalArn::Role {
                partition: p,
                account,
                path,
                name,
            } => AwsPrincipal::Role {
                partition: partition(p)?,
                account: AccountId::from_checked(account),
                path: if path == "/" {
                    IamPath::root()
                } else {
                    IamPath::from_checked(path)
                },
                name: RoleName::from_checked(name),
            },
            PrincipalArn::AssumedRole {
                partition: p,
                account,
                role,
                session,
            } => AwsPrincipal::AssumedRole {
                partition: partition(p)?,
                account: AccountId::from_checked(account),
                role: RoleName::from_checked(role),
                session: SessionName::from_checked(session),
            },
        })
    }

    /// The account this principal belongs to, when its text names one.
    #[must_use]
    pub fn account(&self) -> Option<&AccountId> {
        match self {
            AwsPrincipal::Account { account, .. }
            | AwsPrincipal::User { account, .. }
            | AwsPrincipal::Role { account, .. }
            | AwsPrincipal::AssumedRole { account, .. } => Some(account),
            AwsPrincipal::Everyone | AwsPrincipal::Other(_) => None,
        }
    }
}

impl fmt::Display for AwsPrincipal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AwsPrincipal::Everyone => f.write_str("*"),
            AwsPrincipal::Account {
                account,
                bare: true,
                ..
            } => f.write_str(account.as_str()),
            AwsPrincipal::Account {
                partition,
                account,
                bare: false,
            } => write!(f, "arn:{partition}:iam::{account}:root"),
            AwsPrincipal::User {
                partition,
                account,
                path,
                name,
            } => write!(f, "arn:{partition}:iam::{account}:user{path}{name}"),
            AwsPrincipal::Role {
                partition,
                account,
                path,
                name,
            } => write!(f, "arn:{partition}:iam::{account}:role{path}{name}"),
            AwsPrincipal::AssumedRole {
                partition,
                account,
                role,
                session,
            } => write!(
                f,
                "arn:{partition}:sts::{account}:assumed-role/{role}/{session}"
            ),
            AwsPrincipal::Other(text) => f.write_str(text),
        }
    }
}

impl FromStr for AwsPrincipal {
    type Err = RuleViolation;

    /// `*`, an account id, or a root, user, role or assumed-role ARN
    /// ([`AwsPrincipal::from_arn`]). [`AwsPrincipal::Other`] has no text form of its own: the
    /// reader keeps such text as written, and code builds it directly.
    ///
    /// ```
    /// use policy_core::model::AwsPrincipal;
    /// assert_eq!("*".parse::<AwsPrincipal>()?, AwsPrincipal::Everyone);
    /// let role: AwsPrincipal = "arn:aws:iam::123456789012:role/deployer".parse()?;
    /// assert_eq!(role.to_string(), "arn:aws:iam::123456789012:role/deployer");
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "*" {
            Ok(AwsPrincipal::Everyone)
        } else {
            AwsPrincipal::from_arn(s)
        }
    }
}

impl FromStr for Principal {
    type Err = RuleViolation;

    /// `*` ([`Principal::Anyone`]), an AWS principal ([`AwsPrincipal::from_str`]), or a service
    /// principal such as `codebuild.amazonaws.com`. Federated and canonical-user principals share
    /// their text with the others (`cognito-identity.amazonaws.com` is a federated provider), so
    /// build [`Principal::Federated`] and [`Principal::CanonicalUser`] directly.
    ///
    /// ```
    /// use policy_core::model::Principal;
    /// assert_eq!("*".parse::<Principal>()?, Principal::Anyone);
    /// assert!(matches!("123456789012".parse::<Principal>()?, Principal::Aws(_)));
    /// assert!(matches!("lambda.amazonaws.com".parse::<Principal>()?, Principal::Service(_)));
    /// assert!("ci-user".parse::<Principal>().is_err());
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "*" {
            return Ok(Principal::Anyone);
        }
        if s.starts_with("arn:") || s.bytes().all(|b| b.is_ascii_digit()) {
            return AwsPrincipal::from_arn(s).map(Principal::Aws);
        }
        ServiceName::new(s).map(Principal::Service).map_err(|_| {
            RuleViolation::new(
                "principal",
                "`*`, an account id, a principal ARN or a service principal",
                s,
                "is none of these (write a user as its ARN, arn:aws:iam::<account>:user/<name>)",
            )
        })
    }
}

impl fmt::Display for Principal {
    /// The principal's value as written in JSON (`*` for [`Principal::Anyone`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::Anyone => f.write_str("*"),
            Principal::Aws(p) => p.fmt(f),
            Principal::Service(s) => s.fmt(f),
            Principal::Federated(s) | Principal::CanonicalUser(s) => f.write_str(s),
        }
    }
}
