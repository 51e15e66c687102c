//! The request: who calls, which action, on which repository, with which context keys.

use std::fmt;
use std::net::IpAddr;

use policy_catalogue::{Action, PublicAction, ResourceType, RuleViolation};

use crate::model::arn::RepositoryArn;
use crate::model::names::{
    AccountId, IamPath, Partition, RoleName, ServiceName, SessionName, UserName,
};
use crate::model::principal::AwsPrincipal;
use crate::model::version::Effect;

use super::date::{format_date, parse_date};
use super::keys::{
    account_key, eq_ignore_ascii_case, key_slot, known_slot, role_key, service_key, session_key,
    user_key, CallerKeys, Identity, NO_SLOT,
};

/// Who makes a request.
///
/// Sessions from federation: a role assumed with a web identity (OIDC, Amazon Cognito) or a
/// SAML assertion makes requests as a role session,
/// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` ([`Caller::web_identity`]); an IAM user's
/// `GetFederationToken` session as `arn:aws:sts::ACCOUNT:federated-user/NAME`
/// ([`Caller::federated_user`]). The identity provider itself (`{"Federated":
/// "cognito-identity.amazonaws.com"}`) is a principal of role trust policies, for
/// `sts:AssumeRoleWithWebIdentity`, and never the caller of an ECR action, so a repository
/// policy's `Federated` principal covers no [`Caller`].
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getfederationtoken.html>
///
/// ```
/// use policy_core::eval::Caller;
/// let ci = Caller::from_arn("arn:aws:iam::123456789012:user/ci")?;
/// assert_eq!(ci.arn(), "arn:aws:iam::123456789012:user/ci");
/// let session = Caller::from_arn("arn:aws:sts::123456789012:assumed-role/deployer/run-42")?;
/// // AWS sets aws:PrincipalArn of a session to the role's ARN.
/// assert_eq!(session.principal_arn(), "arn:aws:iam::123456789012:role/deployer");
/// # Ok::<(), policy_core::RuleViolation>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Caller {
    /// An IAM user.
    User {
        /// The partition.
        partition: Partition,
        /// The user's account.
        account: AccountId,
        /// The user's path, `/` for none.
        path: IamPath,
        /// The user name.
        name: UserName,
    },
    /// A session of an assumed IAM role: how every role makes requests.
    AssumedRole {
        /// The partition.
        partition: Partition,
        /// The role's account.
        account: AccountId,
        /// The role's path, `/` for none (part of the role ARN, not of the session ARN).
        role_path: IamPath,
        /// The role.
        role: RoleName,
        /// The session name.
        session: SessionName,
        /// For a role assumed with a web identity or SAML assertion, the identity provider
        /// (`aws:FederatedProvider`): `cognito-identity.amazonaws.com`, or the provider's ARN
        /// `arn:aws:iam::ACCOUNT:oidc-provider/...`.
        federated_provider: Option<String>,
    },
    /// A federated user session an IAM user obtained with `GetFederationToken`:
    /// `arn:aws:sts::ACCOUNT:federated-user/NAME`. Its identity-policy permissions are those of
    /// the IAM user limited by the session policy: give the evaluator that intersection as the
    /// identity policy.
    FederatedUser {
        /// The partition.
        partition: Partition,
        /// The account of the IAM user that federated.
        account: AccountId,
        /// The name given to `GetFederationToken`.
        name: String,
    },
    /// The root user of an account.
    Root {
        /// The partition.
        partition: Partition,
        /// The account.
        account: AccountId,
    },
    /// An AWS service principal such as `codebuild.amazonaws.com`, acting for a resource
    /// named by `aws:SourceArn` / `aws:SourceAccount`.
    Service(ServiceName),
}

impl Caller {
    /// An IAM user with the root path, in the `aws` partition.
    #[must_use]
    pub fn user(account: AccountId, name: UserName) -> Self {
        Caller::User {
            partition: Partition::Aws,
            account,
            path: IamPath::root(),
            name,
        }
    }

    /// A session of an IAM role (root path, `aws` partition) named `session`: use this when
    /// the session name does not matter.
    #[must_use]
    pub fn role(account: AccountId, role: RoleName) -> Self {
        Caller::assumed_role(account, role, SessionName::__checked("session"))
    }

    /// A named session of an IAM role (root path, `aws` partition).
    #[must_use]
    pub fn assumed_role(account: AccountId, role: RoleName, session: SessionName) -> Self {
        Caller::AssumedRole {
            partition: Partition::Aws,
            account,
            role_path: IamPath::root(),
            role,
            session,
            federated_provider: None,
        }
    }

    /// A session of a role assumed with a web identity or a SAML assertion
    /// (`AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`): a role session like any other, whose
    /// requests also carry `aws:FederatedProvider`. `provider` is written as AWS writes it:
    /// `cognito-identity.amazonaws.com`, `accounts.google.com`, or an IAM provider ARN such as
    /// `arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com`.
    ///
    /// ```
    /// use policy_core::eval::{Caller, Request};
    /// use policy_core::{AccountId, Action, RoleName, SessionName};
    ///
    /// let app = Caller::web_identity(
    ///     AccountId::new("123456789012")?,
    ///     RoleName::new("mobile-app")?,
    ///     SessionName::new("user-17")?,
    ///     "cognito-identity.amazonaws.com",
    /// )?;
    /// assert_eq!(app.arn(), "arn:aws:sts::123456789012:assumed-role/mobile-app/user-17");
    /// let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app".parse()?;
    /// let request = Request::new(app, Action::BatchGetImage, repo);
    /// assert_eq!(
    ///     request.context_values("aws:FederatedProvider"),
    ///     Some(vec!["cognito-identity.amazonaws.com"])
    /// );
    /// assert_eq!(request.context_values("aws:PrincipalArn"), Some(vec!["arn:aws:iam::123456789012:role/mobile-app"]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`RuleViolation`] when `provider` is empty or contains white space.
    pub fn web_identity(
        account: AccountId,
        role: RoleName,
        session: SessionName,
        provider: &str,
    ) -> Result<Self, RuleViolation> {
        if provider.is_empty() || provider.chars().any(char::is_whitespace) {
            return Err(RuleViolation::new(
                "identity provider",
                "a provider name such as cognito-identity.amazonaws.com, or an IAM oidc-provider or saml-provider ARN",
                provider,
                "is empty or contains white space",
            ));
        }
        Ok(Caller::AssumedRole {
            partition: Partition::Aws,
            account,
            role_path: IamPath::root(),
            role,
            session,
            federated_provider: Some(provider.to_owned()),
        })
    }

    /// A federated user session (`GetFederationToken`) named `name`, in the `aws` partition.
    ///
    /// ```
    /// use policy_core::eval::Caller;
    /// use policy_core::AccountId;
    ///
    /// let bob = Caller::federated_user(AccountId::new("123456789012")?, "Bob")?;
    /// assert_eq!(bob.arn(), "arn:aws:sts::123456789012:federated-user/Bob");
    /// assert_eq!(bob.principal_type(), "FederatedUser");
    /// assert!(Caller::federated_user(AccountId::new("123456789012")?, "Bob Smith").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`RuleViolation`] when the name is not 2 to 32 letters, digits or `_+=,.@-`, as
    /// `GetFederationToken` requires.
    pub fn federated_user(account: AccountId, name: &str) -> Result<Self, RuleViolation> {
        check_federated_user_name(name)?;
        Ok(Caller::FederatedUser {
            partition: Partition::Aws,
            account,
            name: name.to_owned(),
        })
    }

    /// The root user of an account.
    #[must_use]
    pub fn root(account: AccountId) -> Self {
        Caller::Root {
            partition: Partition::Aws,
            account,
        }
    }

    /// A service principal.
    #[must_use]
    pub fn service(name: ServiceName) -> Self {
        Caller::Service(name)
    }

    /// Reads a user, role, session, federated user or root ARN, a bare account id (the root
    /// user), or a service principal name. A role ARN means a session of the role named
    /// `session`.
    ///
    /// ```
    /// use policy_core::eval::Caller;
    /// let bob = Caller::from_arn("arn:aws:sts::123456789012:federated-user/Bob")?;
    /// assert_eq!(bob.principal_arn(), "arn:aws:sts::123456789012:federated-user/Bob");
    /// // An identity provider is not a caller: its users call as the role they assumed.
    /// let err = Caller::from_arn("cognito-identity.amazonaws.com").unwrap_err();
    /// assert!(err.to_string().contains("Caller::web_identity"), "{err}");
    /// # Ok::<(), policy_core::RuleViolation>(())
    /// ```
    ///
    /// # Errors
    /// A [`RuleViolation`] when the text is none of these; for an identity provider (a web
    /// identity provider name, an `oidc-provider` or `saml-provider` ARN), one that says to
    /// use [`Caller::web_identity`].
    pub fn from_arn(text: &str) -> Result<Self, RuleViolation> {
        if is_identity_provider(text) {
            return Err(RuleViolation::new(
                "caller",
                "a user, role, session, federated user or root ARN, an account id, or a service principal",
                text,
                "is an identity provider, which is not modelled as a caller: its users call as the role session they assumed; use Caller::web_identity(account, role, session, provider)",
            ));
        }
        if !text.starts_with("arn:") && text.contains('.') {
            return Ok(Caller::Service(ServiceName::new(text)?));
        }
        if let Some(caller) = federated_user_arn(text)? {
            return Ok(caller);
        }
        Ok(match AwsPrincipal::from_arn(text)? {
            AwsPrincipal::User {
                partition,
                account,
                path,
                name,
            } => Caller::User {
                partition,
                account,
                path,
                name,
            },
            AwsPrincipal::Role {
                partition,
                account,
                path,
                name,
            } => Caller::AssumedRole {
                partition,
                account,
                role_path: path,
                role: name,
                session: SessionName::__checked("session"),
                federated_provider: None,
            },
            AwsPrincipal::AssumedRole {
                partition,
                account,
                role,
                session,
            } => Caller::AssumedRole {
                partition,
                account,
                role_path: IamPath::root(),
                role,
                session,
                federated_provider: None,
            },
            AwsPrincipal::Account {
                partition, account, ..
            } => Caller::Root { partition, account },
            AwsPrincipal::Everyone | AwsPrincipal::Other(_) => {
                return Err(RuleViolation::new(
                    "caller",
                    "a user, role, session or root ARN, an account id, or a service principal",
                    text,
                    "is none of these",
                ))
            }
        })
    }

    /// The caller's account; `None` for a service principal.
    #[must_use]
    pub fn account(&self) -> Option<&AccountId> {
        match self {
            Caller::User { account, .. }
            | Caller::AssumedRole { account, .. }
            | Caller::FederatedUser { account, .. }
            | Caller::Root { account, .. } => Some(account),
            Caller::Service(_) => None,
        }
    }

    /// The caller's partition; `None` for a service principal.
    #[must_use]
    pub fn partition(&self) -> Option<Partition> {
        match self {
            Caller::User { partition, .. }
            | Caller::AssumedRole { partition, .. }
            | Caller::FederatedUser { partition, .. }
            | Caller::Root { partition, .. } => Some(*partition),
            Caller::Service(_) => None,
        }
    }

    /// Whether identity policies apply to the caller: IAM users, role sessions and federated
    /// users.
    #[must_use]
    pub fn has_identity_policies(&self) -> bool {
        matches!(
            self,
            Caller::User { .. } | Caller::AssumedRole { .. } | Caller::FederatedUser { .. }
        )
    }

    /// The caller's own ARN: the user, session or root ARN, or the service name.
    #[must_use]
    pub fn arn(&self) -> String {
        // Written by concatenation: the same text as `format!`, in one allocation.
        match self {
            Caller::User {
                partition,
                account,
                path,
                name,
            } => [
                "arn:",
                partition.as_str(),
                ":iam::",
                account.as_str(),
                ":user",
                path.as_str(),
                name.as_str(),
            ]
            .concat(),
            Caller::AssumedRole {
                partition,
                account,
                role,
                session,
                ..
            } => [
                "arn:",
                partition.as_str(),
                ":sts::",
                account.as_str(),
                ":assumed-role/",
                role.as_str(),
                "/",
                session.as_str(),
            ]
            .concat(),
            Caller::FederatedUser {
                partition,
                account,
                name,
            } => [
                "arn:",
                partition.as_str(),
                ":sts::",
                account.as_str(),
                ":federated-user/",
                name,
            ]
            .concat(),
            Caller::Root { partition, account } => [
                "arn:",
                partition.as_str(),
                ":iam::",
                account.as_str(),
                ":root",
            ]
            .concat(),
            Caller::Service(s) => s.as_str().to_owned(),
        }
    }

    /// The value AWS gives `aws:PrincipalArn`: the caller's ARN, except for a role session,
    /// where it is the role's ARN (with its path), not the session's.
    #[must_use]
    pub fn principal_arn(&self) -> String {
        match self {
            Caller::AssumedRole {
                partition,
                account,
                role_path,
                role,
                ..
            } => [
                "arn:",
                partition.as_str(),
                ":iam::",
                account.as_str(),
                ":role",
                role_path.as_str(),
                role.as_str(),
            ]
            .concat(),
            other => other.arn(),
        }
    }

    /// The value AWS gives `aws:PrincipalType`.
    #[must_use]
    pub fn principal_type(&self) -> &'static str {
        match self {
            Caller::User { .. } => "User",
            Caller::AssumedRole { .. } => "AssumedRole",
            Caller::FederatedUser { .. } => "FederatedUser",
            Caller::Root { .. } => "Account",
            Caller::Service(_) => "AWSService",
        }
    }
}

/// The web identity providers AWS names by domain, and IAM's OIDC and SAML provider ARNs.
fn is_identity_provider(text: &str) -> bool {
    const BY_NAME: [&str; 4] = [
        "cognito-identity.amazonaws.com",
        "accounts.google.com",
        "graph.facebook.com",
        "www.amazon.com",
    ];
    BY_NAME.iter().any(|p| p.eq_ignore_ascii_case(text))
        || (text.starts_with("arn:")
            && (text.contains(":oidc-provider/") || text.contains(":saml-provider/")))
}

/// Reads `arn:PARTITION:sts::ACCOUNT:federated-user/NAME`; `None` for any other text.
fn federated_user_arn(text: &str) -> Result<Option<Caller>, RuleViolation> {
    let fields: Vec<&str> = text.splitn(6, ':').collect();
    let ["arn", partition, "sts", "", account, resource] = fields[..] else {
        return Ok(None);
    };
    let Some(name) = resource.strip_prefix("federated-user/") else {
        return Ok(None);
    };
    let partition: Partition = partition.parse()?;
    let account = AccountId::new(account)?;
    check_federated_user_name(name)?;
    Ok(Some(Caller::FederatedUser {
        partition,
        account,
        name: name.to_owned(),
    }))
}

/// `GetFederationToken`'s rule for `Name`: 2 to 32 of `[\w+=,.@-]`.
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html>
fn check_federated_user_name(name: &str) -> Result<(), RuleViolation> {
    let fits = (2..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    if fits {
        Ok(())
    } else {
        Err(RuleViolation::new(
            "federated user name",
            "2 to 32 letters, digits or _+=,.@-",
            name,
            "does not fit",
        ))
    }
}

impl Caller {
    /// The keys of the caller's identities (its account, and its user, or its role and
    /// session, or its service), each as a principal naming that identity has it.
    pub(crate) fn keys(&self) -> CallerKeys {
        match self {
            Caller::User {
                partition,
                account,
                path,
                name,
            } => {
                let p = *partition as u64;
                let (account, path, name) = (account.as_str(), path.as_str(), name.as_str());
                CallerKeys::new(&[
                    (account_key(p, account), None),
                    (
                        user_key(p, account, path, name),
                        Some(Identity::user(p, account, path, name)),
                    ),
                ])
            }
            Caller::AssumedRole {
                partition,
                account,
                role_path,
                role,
                session,
                ..
            } => {
                let p = *partition as u64;
                let (account, path) = (account.as_str(), role_path.as_str());
                let (role, session) = (role.as_str(), session.as_str());
                CallerKeys::new(&[
                    (account_key(p, account), None),
                    (
                        role_key(p, account, path, role),
                        Some(Identity::role(p, account, path, role)),
                    ),
                    (
                        session_key(p, account, role, session),
                        Some(Identity::session(p, account, role, session)),
                    ),
                ])
            }
            Caller::FederatedUser {
                partition, account, ..
            }
            | Caller::Root { partition, account } => {
                CallerKeys::new(&[(account_key(*partition as u64, account.as_str()), None)])
            }
            Caller::Service(s) => {
                CallerKeys::new(&[(service_key(s.as_str()), Some(Identity::service(s.as_str())))])
            }
        }
    }
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn())
    }
}

/// The action of a request: a catalogue action, or any other action name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RequestAction {
    /// An `ecr:` action of the catalogue.
    Ecr(Action),
    /// Any other action text, e.g. `ecr-public:PutImage` or a newer `ecr:` action.
    Other(String),
}

impl RequestAction {
    /// The action name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            RequestAction::Ecr(a) => a.as_str(),
            RequestAction::Other(s) => s,
        }
    }

    /// Whether the action is on a repository (and so can be granted by a repository policy).
    /// An `ecr-public:` action is when the catalogue gives it the resource type `repository`:
    /// not `ecr-public:GetAuthorizationToken` (no resource; authentication is granted
    /// "through an IAM policy",
    /// <https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policy-examples.html>)
    /// nor the registry actions such as `ecr-public:PutRegistryCatalogData`
    /// (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistrypublic.html>).
    /// Other actions outside the catalogue are assumed to be.
    #[must_use]
    pub fn is_repository_action(&self) -> bool {
        match self {
            RequestAction::Ecr(a) => a.resource_type() == ResourceType::Repository,
            RequestAction::Other(s) => s
                .parse::<PublicAction>()
                .map_or(true, PublicAction::is_repository_action),
        }
    }
}

/// Why a repository policy's statements are left out of a decision: the action has no
/// repository.
pub(crate) const NO_RESOURCE: &str =
    "the action has no resource, and only an identity policy grants such an action";
/// Why a repository policy is left out of `ecr:CreateRepository`.
pub(crate) const NOT_YET_CREATED: &str = "the repository ecr:CreateRepository would create has no policy yet; the registry or identity policy grants it";
/// Why an ECR Public repository policy is left out of `ecr-public:CreateRepository`.
pub(crate) const PUBLIC_NOT_YET_CREATED: &str = "the repository ecr-public:CreateRepository would create has no policy yet; the identity policy grants it";
/// Why a repository policy's `Allow` is left out of `ecr:ReplicateImage`.
pub(crate) const REPLICATION: &str =
    "AWS requires the registry policy to grant ecr:ReplicateImage; an Allow of the repository policy does not";

/// Whether AWS consults the statements of `effect` of a repository policy (of a private or an
/// ECR Public repository) for the action, and if not, why: the rule both evaluators share.
///
/// - An action without a repository resource: never (only an identity policy grants it).
/// - The actions on a repository that a repository policy cannot grant
///   ([`Action::is_granted_by_repository_policy`], the catalogue's `not_granted_by`):
///   `ecr:CreateRepository` "can be granted by either an identity-based IAM policy or the
///   private registry permissions policy"
///   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html>)
///   and names a repository that has no policy yet, so none of the policy's statements take
///   part; for `ecr:ReplicateImage` "A registry policy must grant permission"
///   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html>)
///   and AWS says nothing of the destination repository's policy: a `Deny` wins wherever it
///   stands, so its `Deny` statements are taken to count, its `Allow` statements not.
/// - `ecr-public:CreateRepository` ([`PublicAction::is_granted_by_repository_policy`]): as
///   `ecr:CreateRepository`, it names a repository that has no policy yet; ECR Public's only
///   resource-based policy is the repository policy
///   (<https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policies.html>),
///   and the permission to create one goes "in their policy", the caller's identity policy
///   (<https://docs.aws.amazon.com/AmazonECR/latest/public/security_iam_service-with-iam.html>).
pub(crate) fn repository_policy_consulted(
    action: &RequestAction,
    effect: Effect,
) -> Result<(), &'static str> {
    match action {
        _ if !action.is_repository_action() => Err(NO_RESOURCE),
        RequestAction::Ecr(a) if !a.is_granted_by_repository_policy() => {
            if *a == Action::ReplicateImage {
                if effect == Effect::Allow {
                    Err(REPLICATION)
                } else {
                    Ok(())
                }
            } else {
                Err(NOT_YET_CREATED)
            }
        }
        RequestAction::Other(s)
            if s.parse::<PublicAction>()
                .is_ok_and(|a| !a.is_granted_by_repository_policy()) =>
        {
            Err(PUBLIC_NOT_YET_CREATED)
        }
        _ => Ok(()),
    }
}

impl From<Action> for RequestAction {
    fn from(a: Action) -> Self {
        RequestAction::Ecr(a)
    }
}

impl From<&str> for RequestAction {
    /// A catalogue action when the text names one (in any letter case), else the text.
    fn from(s: &str) -> Self {
        match s.parse::<Action>() {
            Ok(a) if s.contains(':') => RequestAction::Ecr(a),
            _ => RequestAction::Other(s.to_owned()),
        }
    }
}

impl fmt::Display for RequestAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value of a context key, with its readings as a number, date, boolean and IP address
/// worked out once when the request is built.
///
/// Made from text (read in every type it can be read as), or from a typed value, which keeps
/// its type: a `bool` is a boolean only, a number a number (and, for whole numbers, seconds
/// since 1970 for `Date*` operators), an [`IpAddr`] an address. The text form is what
/// `String*` operators compare, as AWS compares every value as text there.
///
/// ```
/// use policy_core::eval::{Caller, Request};
/// use policy_core::{AccountId, Action, UserName};
///
/// let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app".parse()?;
/// let ci = Caller::user(AccountId::new("123456789012")?, UserName::new("ci")?);
/// let request = Request::new(ci, Action::BatchGetImage, repo)
///     .context("aws:MultiFactorAuthPresent", [true])
///     .context("aws:MultiFactorAuthAge", [3600])
///     .context("aws:TagKeys", ["team", "env"]);
/// assert_eq!(request.context_values("aws:MultiFactorAuthAge"), Some(vec!["3600"]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ContextValue {
    pub(crate) text: String,
    pub(crate) number: Option<f64>,
    pub(crate) date: Option<i64>,
    pub(crate) boolean: Option<bool>,
    pub(crate) ip: Option<IpAddr>,
}

impl ContextValue {
    /// A value from its text.
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        // Most values are names and ARNs: a first letter other than `e` is no number and no
        // date (both start with a digit, a sign or a dot once trimmed, and trimming leaves an
        // ASCII letter in place), and a byte outside hex digits, `.` and `:` no address.
        let letter = text
            .as_bytes()
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() && !matches!(b, b'e' | b'E'));
        let number = if letter { None } else { parse_number(&text) };
        let date = if letter { None } else { parse_date(&text) };
        let boolean = parse_bool(&text);
        // An address has a `.` (IPv4, or IPv6 ending in one) or a `:` (IPv6): hex digits
        // alone (an account id) are none.
        let mut separated = false;
        let ip = if text.bytes().all(|b| {
            separated |= b == b'.' || b == b':';
            b.is_ascii_hexdigit() || b == b'.' || b == b':'
        }) && separated
        {
            text.parse().ok()
        } else {
            None
        };
        ContextValue {
            text,
            number,
            date,
            boolean,
            ip,
        }
    }

    /// The value as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn typed(text: String) -> Self {
        ContextValue {
            text,
            number: None,
            date: None,
            boolean: None,
            ip: None,
        }
    }

    fn whole(n: i128) -> Self {
        ContextValue {
            number: Some(n as f64),
            date: i64::try_from(n).ok().and_then(|s| s.checked_mul(1000)),
            ..ContextValue::typed(n.to_string())
        }
    }
}

impl From<&str> for ContextValue {
    fn from(text: &str) -> Self {
        ContextValue::new(text)
    }
}

impl From<String> for ContextValue {
    fn from(text: String) -> Self {
        ContextValue::new(text)
    }
}

impl From<&String> for ContextValue {
    fn from(text: &String) -> Self {
        ContextValue::new(text.as_str())
    }
}

impl From<bool> for ContextValue {
    /// `true` or `false`, for `Bool`.
    fn from(b: bool) -> Self {
        ContextValue {
            boolean: Some(b),
            ..ContextValue::typed(b.to_string())
        }
    }
}

macro_rules! whole_numbers {
    ($($t:ty),*) => {$(
        impl From<$t> for ContextValue {
            /// A number for `Numeric*`, and seconds since 1970 for `Date*`.
            fn from(n: $t) -> Self {
                ContextValue::whole(i128::from(n))
            }
        }
    )*};
}
whole_numbers!(i32, u32, i64, u64);

impl From<f64> for ContextValue {
    /// A number for `Numeric*`; not a number when it is infinite or NaN, which IAM numbers
    /// never are.
    fn from(n: f64) -> Self {
        ContextValue {
            number: n.is_finite().then_some(n),
            ..ContextValue::typed(n.to_string())
        }
    }
}

impl From<IpAddr> for ContextValue {
    /// An address for `IpAddress` / `NotIpAddress`.
    fn from(ip: IpAddr) -> Self {
        ContextValue {
            ip: Some(ip),
            ..ContextValue::typed(ip.to_string())
        }
    }
}

const CURRENT_TIME: &str = "aws:CurrentTime";
const EPOCH_TIME: &str = "aws:EpochTime";

fn is_clock_key(key: &str) -> bool {
    key.eq_ignore_ascii_case(CURRENT_TIME) || key.eq_ignore_ascii_case(EPOCH_TIME)
}

// One reading of numbers and booleans for the evaluator and the analysis engine.
pub(crate) use policy_analysis::{parse_bool, parse_number};

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ContextEntry {
    pub(crate) key: String,
    /// [`key_slot`] of the key.
    slot: u8,
    pub(crate) values: Vec<ContextValue>,
}

/// A request to decide: the caller, the action, the repository and the request context.
///
/// The keys AWS derives from the caller and the repository are filled in by
/// [`Request::new`]: `aws:PrincipalArn` (for a role session, the role's ARN), `aws:PrincipalAccount`,
/// `aws:PrincipalType`, `aws:username` (users), `aws:userid` (federated users,
/// `ACCOUNT:NAME`), `aws:FederatedProvider` (web identity sessions), `aws:PrincipalIsAWSService`,
/// `aws:PrincipalServiceName` (services), `aws:ResourceAccount` and `aws:RequestedRegion`.
/// Everything else is absent until set: `aws:SecureTransport`, `aws:CurrentTime` and
/// `aws:EpochTime` included, so that decisions never depend on the clock.
/// Key names are matched ignoring case, as AWS does.
///
/// ```
/// use policy_core::eval::{Caller, Request};
/// use policy_core::{AccountId, Action, ServiceName};
/// use policy_core::model::RepositoryArn;
///
/// let repo: RepositoryArn = "arn:aws:ecr:us-east-1:123456789012:repository/app".parse()?;
/// let request = Request::new(
///     Caller::service(ServiceName::new("codebuild.amazonaws.com")?),
///     Action::BatchGetImage,
///     repo,
/// )
/// .source_account(&AccountId::new("123456789012")?)
/// .source_arn("arn:aws:codebuild:us-east-1:123456789012:project/build")
/// .secure_transport(true);
/// assert_eq!(request.context_values("AWS:SOURCEACCOUNT"), Some(vec!["123456789012"]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub(crate) caller: Caller,
    pub(crate) action: RequestAction,
    pub(crate) repository: RepositoryArn,
    pub(crate) context: Vec<ContextEntry>,
    /// The caller's keys, worked out with the request (as its context keys are) so that
    /// every decision on it starts from them.
    pub(crate) keys: CallerKeys,
    /// One bit for each slot ([`key_slot`]) of the context's keys: a condition on a known key
    /// the request lacks needs no search.
    slots: u64,
    /// Whether the caller's account owns the repository.
    pub(crate) same_account: bool,
    /// Whether the action is on a repository
    /// ([`RequestAction::is_repository_action`]).
    pub(crate) on_repository: bool,
    /// Whether the repository policy's `Allow` and `Deny` statements take part in the
    /// decision ([`repository_policy_consulted`]).
    pub(crate) repository_allows: bool,
    pub(crate) repository_denies: bool,
}

const PRINCIPAL_ARN: u8 = known_slot("aws:PrincipalArn");
const PRINCIPAL_TYPE: u8 = known_slot("aws:PrincipalType");
const PRINCIPAL_IS_AWS_SERVICE: u8 = known_slot("aws:PrincipalIsAWSService");
const PRINCIPAL_ACCOUNT: u8 = known_slot("aws:PrincipalAccount");
const USERNAME: u8 = known_slot("aws:username");
const FEDERATED_PROVIDER: u8 = known_slot("aws:FederatedProvider");
const USERID: u8 = known_slot("aws:userid");
const PRINCIPAL_SERVICE_NAME: u8 = known_slot("aws:PrincipalServiceName");
const RESOURCE_ACCOUNT: u8 = known_slot("aws:ResourceAccount");
const REQUESTED_REGION: u8 = known_slot("aws:RequestedRegion");

impl Request {
    /// A request with the context keys AWS derives from the caller and the repository.
    #[must_use]
    pub fn new(
        caller: Caller,
        action: impl Into<RequestAction>,
        repository: RepositoryArn,
    ) -> Self {
        let action = action.into();
        let mut request = Request {
            on_repository: action.is_repository_action(),
            repository_allows: repository_policy_consulted(&action, Effect::Allow).is_ok(),
            repository_denies: repository_policy_consulted(&action, Effect::Deny).is_ok(),
            same_account: caller.account() == Some(repository.account()),
            action,
            context: Vec::with_capacity(8),
            keys: caller.keys(),
            slots: 0,
            caller,
            repository,
        };
        let caller = &request.caller;
        let arn = caller.principal_arn();
        let kind = ContextValue::new(caller.principal_type());
        let service = ContextValue::from(matches!(caller, Caller::Service(_)));
        let account = caller.account().map(|a| ContextValue::new(a.as_str()));
        let own = match caller {
            Caller::User { name, .. } => Some((USERNAME, "aws:username", name.as_str().to_owned())),
            Caller::AssumedRole {
                federated_provider: Some(provider),
                ..
            } => Some((
                FEDERATED_PROVIDER,
                "aws:FederatedProvider",
                provider.clone(),
            )),
            Caller::FederatedUser { account, name, .. } => {
                Some((USERID, "aws:userid", format!("{account}:{name}")))
            }
            Caller::Service(s) => Some((
                PRINCIPAL_SERVICE_NAME,
                "aws:PrincipalServiceName",
                s.as_str().to_owned(),
            )),
            _ => None,
        };
        let resource_account = ContextValue::new(request.repository.account().as_str());
        let region = ContextValue::new(request.repository.region().as_str());
        // The derived keys, each set once: their slots are known when compiled.
        request.push(PRINCIPAL_ARN, "aws:PrincipalArn", ContextValue::new(arn));
        request.push(PRINCIPAL_TYPE, "aws:PrincipalType", kind);
        request.push(
            PRINCIPAL_IS_AWS_SERVICE,
            "aws:PrincipalIsAWSService",
            service,
        );
        if let Some(account) = account {
            request.push(PRINCIPAL_ACCOUNT, "aws:PrincipalAccount", account);
        }
        if let Some((slot, key, value)) = own {
            request.push(slot, key, ContextValue::new(value));
        }
        request.push(RESOURCE_ACCOUNT, "aws:ResourceAccount", resource_account);
        request.push(REQUESTED_REGION, "aws:RequestedRegion", region);
        request
    }

    /// Adds a key the request does not hold yet.
    fn push(&mut self, slot: u8, key: &str, value: ContextValue) {
        self.slots |= slot_bit(slot);
        self.context.push(ContextEntry {
            key: key.to_owned(),
            slot,
            values: vec![value],
        });
    }

    /// The caller.
    #[must_use]
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The action.
    #[must_use]
    pub fn action(&self) -> &RequestAction {
        &self.action
    }

    /// The repository.
    #[must_use]
    pub fn repository(&self) -> &RepositoryArn {
        &self.repository
    }

    /// Sets a context key to the given values (several values make a multi-valued key, none an
    /// empty one), replacing any value it had: text, or typed values (`bool`, numbers,
    /// [`IpAddr`], see [`ContextValue`]). The key is matched ignoring case.
    ///
    /// `aws:CurrentTime` and `aws:EpochTime` are one clock: setting either to a date sets both
    /// (as [`current_time`](Self::current_time) does); setting either to anything else removes
    /// the other, so that the two never disagree.
    #[must_use]
    pub fn context<I>(self, key: &str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<ContextValue>,
    {
        let values: Vec<ContextValue> = values.into_iter().map(Into::into).collect();
        if is_clock_key(key) {
            return match values.as_slice() {
                [one] if one.date.is_some() => self.set_time(one.date.unwrap_or_default()),
                _ => self
                    .without(CURRENT_TIME)
                    .without(EPOCH_TIME)
                    .set(key, values),
            };
        }
        self.set(key, values)
    }

    fn set(mut self, key: &str, values: Vec<ContextValue>) -> Self {
        let slot = key_slot(key);
        match self.context.iter_mut().find(|e| {
            if slot == NO_SLOT {
                e.slot == NO_SLOT && e.key.eq_ignore_ascii_case(key)
            } else {
                e.slot == slot
            }
        }) {
            Some(entry) => entry.values = values,
            None => {
                self.slots |= slot_bit(slot);
                self.context.push(ContextEntry {
                    key: key.to_owned(),
                    slot,
                    values,
                });
            }
        }
        self
    }

    /// Removes a context key, including one derived from the caller: to test a policy
    /// against a request where AWS would not set it. Removing `aws:CurrentTime` or
    /// `aws:EpochTime` removes both.
    #[must_use]
    pub fn without(mut self, key: &str) -> Self {
        let clock = is_clock_key(key);
        self.context
            .retain(|e| !(e.key.eq_ignore_ascii_case(key) || clock && is_clock_key(&e.key)));
        self.slots = self.context.iter().fold(0, |s, e| s | slot_bit(e.slot));
        self
    }

    /// `aws:SourceAccount`: the account of the resource a service acts for.
    #[must_use]
    pub fn source_account(self, account: &AccountId) -> Self {
        self.context("aws:SourceAccount", [account.as_str()])
    }

    /// `aws:SourceArn`: the resource a service acts for.
    #[must_use]
    pub fn source_arn(self, arn: &str) -> Self {
        self.context("aws:SourceArn", [arn])
    }

    /// `aws:PrincipalOrgID`: the caller's organization.
    #[must_use]
    pub fn principal_org_id(self, org: &str) -> Self {
        self.context("aws:PrincipalOrgID", [org])
    }

    /// `aws:PrincipalArn`, replacing the value derived from the caller.
    #[must_use]
    pub fn principal_arn(self, arn: &str) -> Self {
        self.context("aws:PrincipalArn", [arn])
    }

    /// `aws:PrincipalTag/<key>`: a tag on the calling user or role.
    #[must_use]
    pub fn principal_tag(self, key: &str, value: &str) -> Self {
        self.context(&format!("aws:PrincipalTag/{key}"), [value])
    }

    /// `aws:SourceIp`.
    #[must_use]
    pub fn source_ip(self, ip: IpAddr) -> Self {
        self.context("aws:SourceIp", [ip])
    }

    /// `aws:SecureTransport`: whether the request came over TLS.
    #[must_use]
    pub fn secure_transport(self, tls: bool) -> Self {
        self.context("aws:SecureTransport", [tls])
    }

    /// Sets the clock: `aws:CurrentTime` (ISO 8601, UTC, as AWS writes it) and
    /// `aws:EpochTime` (seconds since 1970), both from either form: `"2026-01-01T00:00:00Z"`,
    /// `"2026-01-01T01:00:00+01:00"` or `"1767225600"`.
    ///
    /// ```
    /// use policy_core::eval::{Caller, Request};
    /// use policy_core::{AccountId, Action};
    ///
    /// let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app".parse()?;
    /// let request = Request::new(Caller::root(AccountId::new("123456789012")?), Action::BatchGetImage, repo)
    ///     .current_time("1767225600")?;
    /// assert_eq!(request.context_values("aws:CurrentTime"), Some(vec!["2026-01-01T00:00:00Z"]));
    /// assert_eq!(request.context_values("aws:EpochTime"), Some(vec!["1767225600"]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`RuleViolation`] when the text is not a date [`parse_date`] reads.
    pub fn current_time(self, when: &str) -> Result<Self, RuleViolation> {
        let millis = parse_date(when).ok_or_else(|| {
            RuleViolation::new(
                "current time",
                "an ISO 8601 date and time (2026-01-01T00:00:00Z) or seconds since 1970",
                when,
                "cannot be read as a date",
            )
        })?;
        Ok(self.set_time(millis))
    }

    fn set_time(self, millis: i64) -> Self {
        let current = ContextValue::new(format_date(millis));
        let epoch = ContextValue::whole(i128::from(millis.div_euclid(1000)));
        self.set(CURRENT_TIME, vec![current])
            .set(EPOCH_TIME, vec![epoch])
    }

    /// The values of a context key (ignoring case), or `None` when it is absent.
    #[must_use]
    pub fn context_values(&self, key: &str) -> Option<Vec<&str>> {
        self.lookup(key)
            .map(|values| values.iter().map(ContextValue::as_str).collect())
    }

    pub(crate) fn lookup(&self, key: &str) -> Option<&[ContextValue]> {
        self.context
            .iter()
            .find(|e| eq_ignore_ascii_case(&e.key, key))
            .map(|e| e.values.as_slice())
    }

    /// [`lookup`](Self::lookup) of a key whose [`key_slot`] is `slot`: by slot, or by name for
    /// [`NO_SLOT`].
    #[inline]
    pub(crate) fn lookup_slot(&self, key: &str, slot: u8) -> Option<&[ContextValue]> {
        if slot == NO_SLOT {
            return self.lookup(key);
        }
        if self.slots & slot_bit(slot) == 0 {
            return None;
        }
        self.context
            .iter()
            .find(|e| e.slot == slot)
            .map(|e| e.values.as_slice())
    }
}

/// The bit of a slot in [`Request::slots`]; none for [`NO_SLOT`].
fn slot_bit(slot: u8) -> u64 {
    1u64.checked_shl(u32::from(slot)).unwrap_or(0)
}

impl fmt::Display for Request {
    /// `arn:... -> ecr:Action on arn:...` followed by the context keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written piece by piece: no formatting to do but the quoting.
        f.write_str(&self.caller.arn())?;
        f.write_str(" calls ")?;
        f.write_str(self.action.as_str())?;
        f.write_str(" on ")?;
        f.write_str(self.repository.as_str())?;
        for entry in &self.context {
            f.write_str("\n    ")?;
            f.write_str(&entry.key)?;
            f.write_str(" = ")?;
            match entry.values.as_slice() {
                [one] => quoted(f, &one.text)?,
                many => {
                    f.write_str("[")?;
                    for (i, v) in many.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        quoted(f, &v.text)?;
                    }
                    f.write_str("]")?;
                }
            }
        }
        Ok(())
    }
}

/// `text` as `{:?}` writes it. Text of printable ASCII without `"` or `\` (nearly every
/// value a witness holds) is its own escape, written without `Debug`'s walk over characters.
fn quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    if text
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        f.write_str("\"")?;
        f.write_str(text)?;
        f.write_str("\"")
    } else {
        write!(f, "{text:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `quoted` through `Display`.
    struct Quoted<'a>(&'a str);

    impl fmt::Display for Quoted<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            quoted(f, self.0)
        }
    }

    /// A value's readings are what reading its text in every type gives: the address (read
    /// only from hex digits with a `.` or `:`), the number and the date, over fixed texts and
    /// 2,000 random ones of digits, hex letters, separators and signs.
    #[test]
    fn context_values_read_as_their_text_reads() {
        let mut texts: Vec<String> = [
            "",
            "0",
            "123456789012",
            "999999999999",
            "1234567890123456789012",
            "10.0.0.1",
            "::",
            "::1",
            "2001:db8::7",
            "::ffff:10.0.0.1",
            "abc",
            "ab.cd",
            "1.5",
            "1e3",
            "2026-12-03",
            "-12",
            " 12 ",
        ]
        .map(str::to_owned)
        .to_vec();
        let mut seed = 20_261_203u64;
        let alphabet = b"0123456789abcdefABCDEF.:-+eT ";
        for _ in 0..2000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = usize::try_from(seed >> 60).unwrap_or(0) + 1;
            let mut t = String::new();
            for k in 0..len {
                let at = (seed >> (4 * k % 56)) as usize % alphabet.len();
                // Mostly digits, as account ids and ports are.
                let at = if (seed >> (k % 60)) & 3 == 0 {
                    at
                } else {
                    at % 10
                };
                t.push(char::from(alphabet[at]));
            }
            texts.push(t);
        }
        for t in &texts {
            let v = ContextValue::new(t.as_str());
            assert_eq!(v.ip, t.parse::<IpAddr>().ok(), "{t:?}");
            assert_eq!(v.date, parse_date(t), "{t:?}");
            let number = t.trim().parse::<f64>().ok().filter(|_| {
                t.trim()
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b"-+.eE".contains(&b))
            });
            assert_eq!(v.number, number, "{t:?}");
        }
    }

    #[test]
    fn quoted_text_is_its_debug_form() {
        // Every ASCII byte alone and inside text, and text beyond ASCII.
        let mut texts: Vec<String> = (0u8..=127)
            .flat_map(|b| {
                let c = char::from(b);
                [
                    c.to_string(),
                    format!("arn:aws:iam::{c}:root"),
                    format!("{c}{c}x"),
                ]
            })
            .collect();
        texts.extend(
            [
                "",
                "10.0.0.0/8",
                "o-a1b2c3d4e5",
                "caf\u{e9}",
                "\u{301}x",
                "a\u{200b}b",
                "\u{1f600}",
            ]
            .map(str::to_owned),
        );
        for t in &texts {
            assert_eq!(Quoted(t).to_string(), format!("{t:?}"), "{t:?}");
        }
    }
}
