//! The request: who calls, which action, on which repository, with which context keys.

use std::fmt;
use std::net::IpAddr;

use policy_catalogue::{Action, ResourceType, RuleViolation};

use crate::model::arn::RepositoryArn;
use crate::model::names::{
    AccountId, IamPath, Partition, RoleName, ServiceName, SessionName, UserName,
};
use crate::model::principal::AwsPrincipal;

use super::date::parse_date;

/// Who makes a request.
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
        }
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

    /// Reads a user, role, session or root ARN, a bare account id (the root user), or a
    /// service principal name. A role ARN means a session of the role named `session`.
    ///
    /// # Errors
    /// A [`RuleViolation`] when the text is none of these.
    pub fn from_arn(text: &str) -> Result<Self, RuleViolation> {
        if !text.starts_with("arn:") && text.contains('.') {
            return Ok(Caller::Service(ServiceName::new(text)?));
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
            | Caller::Root { partition, .. } => Some(*partition),
            Caller::Service(_) => None,
        }
    }

    /// Whether identity policies apply to the caller: IAM users and role sessions.
    #[must_use]
    pub fn has_identity_policies(&self) -> bool {
        matches!(self, Caller::User { .. } | Caller::AssumedRole { .. })
    }

    /// The caller's own ARN: the user, session or root ARN, or the service name.
    #[must_use]
    pub fn arn(&self) -> String {
        match self {
            Caller::User {
                partition,
                account,
                path,
                name,
            } => format!("arn:{partition}:iam::{account}:user{path}{name}"),
            Caller::AssumedRole {
                partition,
                account,
                role,
                session,
                ..
            } => format!("arn:{partition}:sts::{account}:assumed-role/{role}/{session}"),
            Caller::Root { partition, account } => format!("arn:{partition}:iam::{account}:root"),
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
            } => format!("arn:{partition}:iam::{account}:role{role_path}{role}"),
            other => other.arn(),
        }
    }

    /// The value AWS gives `aws:PrincipalType`.
    #[must_use]
    pub fn principal_type(&self) -> &'static str {
        match self {
            Caller::User { .. } => "User",
            Caller::AssumedRole { .. } => "AssumedRole",
            Caller::Root { .. } => "Account",
            Caller::Service(_) => "AWSService",
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
    /// Actions outside the catalogue are assumed to be.
    #[must_use]
    pub fn is_repository_action(&self) -> bool {
        match self {
            RequestAction::Ecr(a) => a.resource_type() == ResourceType::Repository,
            RequestAction::Other(_) => true,
        }
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
        let number = parse_number(&text);
        let date = parse_date(&text);
        let boolean = parse_bool(&text);
        let ip = text.parse().ok();
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
}

pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    // `f64::from_str` also reads `inf` and `NaN`, which IAM numbers are not.
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    t.parse().ok()
}

pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ContextEntry {
    pub(crate) key: String,
    pub(crate) values: Vec<ContextValue>,
}

/// A request to decide: the caller, the action, the repository and the request context.
///
/// The keys AWS derives from the caller and the repository are filled in by
/// [`Request::new`]: `aws:PrincipalArn` (for a role session, the role's ARN), `aws:PrincipalAccount`,
/// `aws:PrincipalType`, `aws:username` (users), `aws:PrincipalIsAWSService`,
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
}

impl Request {
    /// A request with the context keys AWS derives from the caller and the repository.
    #[must_use]
    pub fn new(
        caller: Caller,
        action: impl Into<RequestAction>,
        repository: RepositoryArn,
    ) -> Self {
        let mut request = Request {
            action: action.into(),
            context: Vec::new(),
            caller,
            repository,
        };
        let caller = request.caller.clone();
        request = request
            .context("aws:PrincipalArn", [caller.principal_arn()])
            .context("aws:PrincipalType", [caller.principal_type()])
            .context(
                "aws:PrincipalIsAWSService",
                [if matches!(caller, Caller::Service(_)) {
                    "true"
                } else {
                    "false"
                }],
            );
        if let Some(account) = caller.account() {
            request = request.context("aws:PrincipalAccount", [account.as_str()]);
        }
        match &caller {
            Caller::User { name, .. } => request = request.context("aws:username", [name.as_str()]),
            Caller::Service(s) => {
                request = request.context("aws:PrincipalServiceName", [s.as_str()]);
            }
            _ => {}
        }
        let account = request.repository.account().as_str().to_owned();
        let region = request.repository.region().as_str().to_owned();
        request
            .context("aws:ResourceAccount", [account])
            .context("aws:RequestedRegion", [region])
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

    /// Sets a context key to the given values (several values make a multi-valued key),
    /// replacing any value it had. The key is matched ignoring case.
    #[must_use]
    pub fn context<I>(mut self, key: &str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let values: Vec<ContextValue> = values
            .into_iter()
            .map(|v| ContextValue::new(v.into()))
            .collect();
        match self
            .context
            .iter_mut()
            .find(|e| e.key.eq_ignore_ascii_case(key))
        {
            Some(entry) => entry.values = values,
            None => self.context.push(ContextEntry {
                key: key.to_owned(),
                values,
            }),
        }
        self
    }

    /// Removes a context key, including one derived from the caller: to test a policy
    /// against a request where AWS would not set it.
    #[must_use]
    pub fn without(mut self, key: &str) -> Self {
        self.context.retain(|e| !e.key.eq_ignore_ascii_case(key));
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
        self.context("aws:SourceIp", [ip.to_string()])
    }

    /// `aws:SecureTransport`: whether the request came over TLS.
    #[must_use]
    pub fn secure_transport(self, tls: bool) -> Self {
        self.context("aws:SecureTransport", [if tls { "true" } else { "false" }])
    }

    /// `aws:CurrentTime` (ISO 8601) and `aws:EpochTime` (seconds), from either form:
    /// `"2026-01-01T00:00:00Z"` or `"1767225600"`.
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
        let seconds = millis.div_euclid(1000);
        Ok(self
            .context("aws:CurrentTime", [when])
            .context("aws:EpochTime", [seconds.to_string()]))
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
            .find(|e| e.key.len() == key.len() && e.key.eq_ignore_ascii_case(key))
            .map(|e| e.values.as_slice())
    }
}

impl fmt::Display for Request {
    /// `arn:... -> ecr:Action on arn:...` followed by the context keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} calls {} on {}",
            self.caller, self.action, self.repository
        )?;
        for entry in &self.context {
            write!(f, "\n    {} = ", entry.key)?;
            match entry.values.as_slice() {
                [one] => write!(f, "{:?}", one.text)?,
                many => {
                    f.write_str("[")?;
                    for (i, v) in many.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{:?}", v.text)?;
                    }
                    f.write_str("]")?;
                }
            }
        }
        Ok(())
    }
}
