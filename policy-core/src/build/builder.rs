//! The builder: every part of a repository policy, with the policy's account bound in the types.
//!
//! A principal such as "the user `fcj-ecr-ci-cd-user`" needs an account for its ARN. A
//! [`PolicyBuilder`] that was given the account with [`PolicyBuilder::account`] builds a
//! [`RepositoryPolicy`]; one without builds a [`PolicyTemplate`], which has no way to render JSON
//! until [`PolicyTemplate::bind`] gives it the account (or, when no statement names a principal
//! of the policy's account, [`RepositoryPolicy::try_from`] turns it into the policy).
//!
//! Both builders keep their type whatever you add, so statements can come from a loop, an
//! iterator or a condition:
//!
//! ```
//! use policy_core::{AccountId, Bundle, RepositoryPolicy, RoleName, StatementBuilder};
//!
//! let roles = ["ci", "deployer"].map(|r| RoleName::new(r).unwrap());
//! let read_only = false;
//! let mut builder = RepositoryPolicy::builder().account(AccountId::new("123456789012")?);
//! for role in roles {
//!     builder = builder.statement(StatementBuilder::allow().role(role).bundle(Bundle::Pull));
//! }
//! let policy = builder
//!     .statement_if(!read_only, || {
//!         StatementBuilder::allow().role(RoleName::new("ci").unwrap()).bundle(Bundle::Push)
//!     })
//!     .build()?;
//! assert_eq!(policy.statements().len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::marker::PhantomData;

use crate::model::action::ActionItem;
use crate::model::condition::{Condition, ConditionKey, ConditionValue, Conditions};
use crate::model::document::PolicyDocument;
use crate::model::kinds::NotAPolicyOfKind;
use crate::model::list::{ListForm, ValueList};
use crate::model::names::{
    AccountId, IamPath, OrgId, Partition, PolicyId, RoleName, ServiceName, SessionName, Sid,
    UserName,
};
use crate::model::policy::RepositoryPolicy;
use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::statement::{ActionElement, PrincipalElement, Statement};
use crate::model::version::{Effect, Version};
use policy_catalogue::checks::SPARED_BY;
use policy_catalogue::{Bundle, Operator};

/// Type-level states of the policy's account.
pub mod state {
    mod sealed {
        pub trait Sealed {}
        impl Sealed for super::NoAccount {}
        impl Sealed for super::WithAccount {}
    }

    /// The policy's account is not known: the builder builds a
    /// [`PolicyTemplate`](super::PolicyTemplate).
    #[derive(Clone, Copy, Debug, Default)]
    pub struct NoAccount;
    /// The policy's account is known: the builder builds a
    /// [`RepositoryPolicy`](crate::model::policy::RepositoryPolicy).
    #[derive(Clone, Copy, Debug, Default)]
    pub struct WithAccount;

    /// [`NoAccount`] or [`WithAccount`].
    pub trait AccountState: sealed::Sealed {}
    impl AccountState for NoAccount {}
    impl AccountState for WithAccount {}
}

use state::{AccountState, NoAccount, WithAccount};

/// Which statements a merge joins into one, before Sids are compared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Combine {
    /// Keep every statement as it is.
    #[default]
    Nothing,
    /// Join statements equal in everything but their principals (Sid included): the joined
    /// statement names the principals of both.
    Principals,
    /// Join statements equal in everything but their actions (Sid included): the joined
    /// statement grants or denies the actions of both.
    Actions,
}

/// What a merge refuses: two statements with one Sid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeError {
    /// The Sid.
    pub sid: String,
    /// The first statement with it: index in the policy merged into, from 0.
    pub first: usize,
    /// The second statement with it: index in the policy merged in, from 0.
    pub second: usize,
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "statement {} of the first policy and statement {} of the second share the Sid \"{}\": Sids must be unique within a policy\nhelp: rename one of them, or merge with `Combine::Principals` or `Combine::Actions` when they differ only in those",
            self.first, self.second, self.sid
        )
    }
}

impl std::error::Error for MergeError {}

/// A principal waiting for the policy's account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Pending {
    User(IamPath, UserName),
    Role(IamPath, RoleName),
    Root,
    Session(RoleName, SessionName),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Slot {
    Ready(Principal),
    InPolicyAccount(Pending),
}

impl Slot {
    /// The principal, or the pending one back when there is no account to bind.
    fn resolve(self, partition: Partition, account: Option<&AccountId>) -> Result<Principal, Slot> {
        let pending = match self {
            Slot::Ready(p) => return Ok(p),
            Slot::InPolicyAccount(p) => p,
        };
        let Some(account) = account.cloned() else {
            return Err(Slot::InPolicyAccount(pending));
        };
        Ok(Principal::Aws(match pending {
            Pending::User(path, name) => AwsPrincipal::User {
                partition,
                account,
                path,
                name,
            },
            Pending::Role(path, name) => AwsPrincipal::Role {
                partition,
                account,
                path,
                name,
            },
            Pending::Root => AwsPrincipal::Account {
                partition,
                account,
                bare: false,
            },
            Pending::Session(role, session) => AwsPrincipal::AssumedRole {
                partition,
                account,
                role,
                session,
            },
        }))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Draft {
    sid: Option<Sid>,
    effect: Effect,
    not_principal: bool,
    principals: Vec<Slot>,
    principal_form: ListForm,
    not_action: bool,
    actions: Vec<ActionItem>,
    action_form: ListForm,
    conditions: Conditions,
    /// The principals a deny of everyone spares, by conditions written at the end.
    spared: Vec<Slot>,
    /// Whether a `spare` method was called, even with an empty list: the statement then
    /// denies everyone *but* someone, and sparing no one is an error, not a deny of everyone.
    excepting: bool,
    /// Actions as they were read (a statement of an existing policy): not sorted.
    verbatim: bool,
}

/// Builds one statement. Start with [`StatementBuilder::allow`] or [`StatementBuilder::deny`].
///
/// A statement builder has one type whatever it holds, so principals and actions can be added in
/// a loop or from lists ([`accounts`](Self::accounts), [`roles`](Self::roles), ...). Principals
/// of "the policy's account" ([`user`](Self::user), [`role`](Self::role),
/// [`session`](Self::session), [`own_account`](Self::own_account)) get the account when the
/// statement is added to a policy that has one, or when its [`PolicyTemplate`] is bound.
///
/// ```
/// use policy_core::{AccountId, Bundle, RepositoryPolicy, StatementBuilder, UserName, Version};
///
/// let policy = RepositoryPolicy::builder()
///     .version(Version::V2008_10_17)
///     .account(AccountId::new("123456789012")?)
///     .statement(
///         StatementBuilder::allow()
///             .sid("AllowPushPullFromCICDUser".parse()?)
///             .user(UserName::new("fcj-ecr-ci-cd-user")?)
///             .bundle(Bundle::Push)
///             .bundle(Bundle::Pull),
///     )
///     .build()?;
/// assert!(policy.to_json().contains(r#""AWS":"arn:aws:iam::123456789012:user/fcj-ecr-ci-cd-user""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// An empty list adds no principal, and a statement without principal is refused by
/// [`PolicyBuilder::build`], naming the statement: it is never dropped silently.
///
/// ```
/// use policy_core::{AccountId, BuildError, Bundle, RepositoryPolicy, StatementBuilder};
///
/// let partners: Vec<AccountId> = Vec::new();
/// let err = RepositoryPolicy::builder()
///     .statement(StatementBuilder::allow().sid("Partners".parse()?).accounts(partners).bundle(Bundle::Pull))
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, BuildError::MissingPrincipal { statement: 0, .. }));
/// assert!(err.to_string().starts_with("statement 0 (Sid \"Partners\") has no principal"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[must_use = "a statement does nothing until it is added to a policy"]
pub struct StatementBuilder {
    draft: Draft,
}

impl StatementBuilder {
    /// An `Allow` statement.
    pub fn allow() -> Self {
        Self::new(Effect::Allow)
    }

    /// A `Deny` statement.
    pub fn deny() -> Self {
        Self::new(Effect::Deny)
    }

    /// A statement with the given effect.
    pub fn new(effect: Effect) -> Self {
        StatementBuilder {
            draft: Draft {
                sid: None,
                effect,
                not_principal: false,
                principals: Vec::new(),
                principal_form: ListForm::Compact,
                not_action: false,
                actions: Vec::new(),
                action_form: ListForm::Array,
                conditions: Conditions::new(),
                spared: Vec::new(),
                excepting: false,
                verbatim: false,
            },
        }
    }

    fn slot(mut self, slot: Slot) -> Self {
        if !self.draft.principals.contains(&slot) {
            self.draft.principals.push(slot);
        }
        self
    }

    /// Whether some principal is in the policy's account, which the policy must give.
    #[must_use]
    pub fn needs_account(&self) -> bool {
        self.draft.needs_account()
    }

    fn spare_slot(mut self, slot: Slot) -> Self {
        self.draft.excepting = true;
        if !self.draft.spared.contains(&slot) {
            self.draft.spared.push(slot);
        }
        self
    }

    fn spare_pending(self, pending: Pending) -> Self {
        self.spare_slot(Slot::InPolicyAccount(pending))
    }

    /// Marks the statement as sparing someone, for a list of spared principals that may be
    /// empty.
    fn excepting(mut self) -> Self {
        self.draft.excepting = true;
        self
    }

    /// Spares a principal from a statement that denies everyone: `deny anyone except ...`, in
    /// the form AWS recommends over `NotPrincipal`, `"Principal": "*"` with conditions that fail
    /// for the spared callers
    /// ([NotPrincipal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)).
    /// A `NotPrincipal` deny would also deny a role's sessions unless the account and each
    /// session ARN were listed, and takes no wildcards.
    ///
    /// Users and roles are spared by `ArnNotLike` on `aws:PrincipalArn`, which holds the role's
    /// ARN for each of its sessions, so sparing a role spares all its sessions; accounts, with
    /// everyone in them, by `StringNotEquals` on `aws:PrincipalAccount`; services by
    /// `StringNotEquals` on `aws:PrincipalServiceName`
    /// ([condition keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)).
    /// The statement then denies only callers who are none of them. [`PolicyBuilder::build`]
    /// refuses sparing in an `Allow` statement, and sparing a session or any other principal
    /// ([`BuildError::CannotSpare`]).
    ///
    /// ```
    /// use policy_core::model::Principal;
    /// use policy_core::{AccountId, Bundle, RepositoryPolicy, RoleName, StatementBuilder};
    ///
    /// let policy = RepositoryPolicy::builder()
    ///     .statement(
    ///         StatementBuilder::deny()
    ///             .anyone()
    ///             .spare_role(RoleName::new("platform-admin")?)
    ///             .spare(Principal::account(AccountId::new("210987654321")?))
    ///             .bundle(Bundle::Policy),
    ///     )
    ///     .build()?
    ///     .bind(AccountId::new("123456789012")?);
    /// let json = policy.to_json();
    /// assert!(json.contains(r#""Principal":"*""#));
    /// assert!(json.contains(r#""ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/platform-admin"}"#));
    /// assert!(json.contains(r#""StringNotEquals":{"aws:PrincipalAccount":"210987654321"}"#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spare(self, principal: impl Into<Principal>) -> Self {
        self.spare_slot(Slot::Ready(principal.into()))
    }

    /// Spares several principals that name their own accounts; see [`spare`](Self::spare).
    ///
    /// Every list form of sparing (`spares`, [`spare_users`](Self::spare_users),
    /// [`spare_roles`](Self::spare_roles), [`spare_accounts`](Self::spare_accounts),
    /// [`spare_services`](Self::spare_services)) marks the statement as sparing someone, even
    /// when the list is empty. A statement that spares no one would deny everyone, its own
    /// administrators included, so [`PolicyBuilder::build`] refuses it
    /// ([`BuildError::NothingSpared`]) rather than widen the deny silently; write the deny
    /// without sparing to mean everyone.
    ///
    /// ```
    /// use policy_core::{AccountId, BuildError, Bundle, RepositoryPolicy, RoleName, StatementBuilder};
    ///
    /// let admins: Vec<RoleName> = Vec::new();
    /// let err = RepositoryPolicy::builder()
    ///     .account(AccountId::new("123456789012")?)
    ///     .statement(StatementBuilder::deny().anyone().spare_roles(admins).bundle(Bundle::Policy))
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err, BuildError::NothingSpared { statement: 0, sid: None });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spares<I>(self, principals: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Principal>,
    {
        principals
            .into_iter()
            .fold(self.excepting(), |s, p| s.spare(p))
    }

    /// Spares an IAM user of the policy's account; see [`spare`](Self::spare).
    pub fn spare_user(self, name: UserName) -> Self {
        self.spare_pending(Pending::User(IamPath::root(), name))
    }

    /// Spares IAM users of the policy's account; see [`spares`](Self::spares) for an empty
    /// list.
    pub fn spare_users(self, names: impl IntoIterator<Item = UserName>) -> Self {
        names.into_iter().fold(self.excepting(), Self::spare_user)
    }

    /// Spares an IAM user with a path, of the policy's account; see [`spare`](Self::spare).
    pub fn spare_user_with_path(self, path: IamPath, name: UserName) -> Self {
        self.spare_pending(Pending::User(path, name))
    }

    /// Spares an IAM role of the policy's account, and so all its sessions; see
    /// [`spare`](Self::spare).
    pub fn spare_role(self, name: RoleName) -> Self {
        self.spare_pending(Pending::Role(IamPath::root(), name))
    }

    /// Spares IAM roles of the policy's account, and so all their sessions; see
    /// [`spares`](Self::spares) for an empty list.
    pub fn spare_roles(self, names: impl IntoIterator<Item = RoleName>) -> Self {
        names.into_iter().fold(self.excepting(), Self::spare_role)
    }

    /// Spares an IAM role with a path, of the policy's account; see [`spare`](Self::spare).
    pub fn spare_role_with_path(self, path: IamPath, name: RoleName) -> Self {
        self.spare_pending(Pending::Role(path, name))
    }

    /// Spares an account, everyone in it; see [`spare`](Self::spare).
    pub fn spare_account(self, account: AccountId) -> Self {
        self.spare(Principal::account(account))
    }

    /// Spares accounts, everyone in them; see [`spares`](Self::spares) for an empty list.
    pub fn spare_accounts(self, accounts: impl IntoIterator<Item = AccountId>) -> Self {
        accounts
            .into_iter()
            .fold(self.excepting(), Self::spare_account)
    }

    /// Spares a service principal; see [`spare`](Self::spare).
    pub fn spare_service(self, service: ServiceName) -> Self {
        self.spare(Principal::Service(service))
    }

    /// Spares service principals; see [`spares`](Self::spares) for an empty list.
    pub fn spare_services(self, services: impl IntoIterator<Item = ServiceName>) -> Self {
        services
            .into_iter()
            .fold(self.excepting(), Self::spare_service)
    }

    /// Sets the statement id.
    pub fn sid(mut self, sid: Sid) -> Self {
        self.draft.sid = Some(sid);
        self
    }

    /// Adds a principal that names its own account (or needs none). Duplicates are dropped.
    pub fn principal(self, principal: impl Into<Principal>) -> Self {
        self.slot(Slot::Ready(principal.into()))
    }

    /// Adds several principals that name their own accounts.
    pub fn principals<I>(self, principals: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Principal>,
    {
        principals.into_iter().fold(self, Self::principal)
    }

    /// Adds an IAM user of the policy's account.
    pub fn user(self, name: UserName) -> Self {
        self.slot(Slot::InPolicyAccount(Pending::User(IamPath::root(), name)))
    }

    /// Adds IAM users of the policy's account.
    pub fn users(self, names: impl IntoIterator<Item = UserName>) -> Self {
        names.into_iter().fold(self, Self::user)
    }

    /// Adds an IAM user with a path, of the policy's account.
    pub fn user_with_path(self, path: IamPath, name: UserName) -> Self {
        self.slot(Slot::InPolicyAccount(Pending::User(path, name)))
    }

    /// Adds an IAM role of the policy's account.
    pub fn role(self, name: RoleName) -> Self {
        self.slot(Slot::InPolicyAccount(Pending::Role(IamPath::root(), name)))
    }

    /// Adds IAM roles of the policy's account.
    pub fn roles(self, names: impl IntoIterator<Item = RoleName>) -> Self {
        names.into_iter().fold(self, Self::role)
    }

    /// Adds an IAM role with a path, of the policy's account.
    pub fn role_with_path(self, path: IamPath, name: RoleName) -> Self {
        self.slot(Slot::InPolicyAccount(Pending::Role(path, name)))
    }

    /// Adds an assumed-role session of the policy's account.
    pub fn session(self, role: RoleName, session: SessionName) -> Self {
        self.slot(Slot::InPolicyAccount(Pending::Session(role, session)))
    }

    /// Adds sessions of one role of the policy's account.
    pub fn sessions(self, role: RoleName, sessions: impl IntoIterator<Item = SessionName>) -> Self {
        sessions
            .into_iter()
            .fold(self, |s, name| s.session(role.clone(), name))
    }

    /// Adds the policy's own account (`arn:aws:iam::<account>:root`).
    pub fn own_account(self) -> Self {
        self.slot(Slot::InPolicyAccount(Pending::Root))
    }

    /// Adds another account, as its root ARN.
    pub fn account(self, account: AccountId) -> Self {
        self.principal(Principal::account(account))
    }

    /// Adds other accounts, each as its root ARN.
    pub fn accounts(self, accounts: impl IntoIterator<Item = AccountId>) -> Self {
        accounts.into_iter().fold(self, Self::account)
    }

    /// Adds a service principal such as `codebuild.amazonaws.com`.
    pub fn service(self, service: ServiceName) -> Self {
        self.principal(Principal::Service(service))
    }

    /// Adds service principals.
    pub fn services(self, services: impl IntoIterator<Item = ServiceName>) -> Self {
        services.into_iter().fold(self, Self::service)
    }

    /// Adds everyone (`"Principal": "*"`).
    pub fn anyone(self) -> Self {
        self.principal(Principal::Anyone)
    }

    /// Everyone in an AWS Organization: `"Principal": "*"` with `StringEquals`
    /// `aws:PrincipalOrgID`.
    pub fn org(self, org: OrgId) -> Self {
        self.orgs([org])
    }

    /// Everyone in any of the organizations: `"Principal": "*"` with `StringEquals`
    /// `aws:PrincipalOrgID` listing them. No organization adds no principal (never `*` alone).
    pub fn orgs(self, orgs: impl IntoIterator<Item = OrgId>) -> Self {
        let values: Vec<ConditionValue> = orgs
            .into_iter()
            .map(|o| ConditionValue::from(o.as_str()))
            .collect();
        if values.is_empty() {
            return self;
        }
        self.anyone().condition(Condition::new(
            crate::model::condition::plain(Operator::StringEquals),
            ConditionKey::__checked("aws:PrincipalOrgID"),
            values,
        ))
    }

    /// Turns the principals into `NotPrincipal`: the statement applies to everyone else.
    pub fn not_principal(mut self) -> Self {
        self.draft.not_principal = true;
        self
    }

    /// Writes a single principal as a one-element array instead of a bare string.
    pub fn principal_form(mut self, form: ListForm) -> Self {
        self.draft.principal_form = form;
        self
    }

    /// Adds an action, public action or pattern.
    pub fn action(mut self, action: impl Into<ActionItem>) -> Self {
        self.draft.actions.push(action.into());
        self
    }

    /// Adds every action of a bundle.
    pub fn bundle(mut self, bundle: Bundle) -> Self {
        self.draft
            .actions
            .extend(bundle.actions().iter().copied().map(ActionItem::Ecr));
        self
    }

    /// Adds several actions.
    pub fn actions<I>(mut self, actions: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<ActionItem>,
    {
        self.draft
            .actions
            .extend(actions.into_iter().map(Into::into));
        self
    }

    /// Turns the actions into `NotAction`: the statement covers every other action.
    pub fn not_action(mut self) -> Self {
        self.draft.not_action = true;
        self
    }

    /// Writes a single action as a bare string instead of a one-element array (the default is
    /// an array, as in the AWS console's templates).
    pub fn action_form(mut self, form: ListForm) -> Self {
        self.draft.action_form = form;
        self
    }

    /// Adds a condition test. A test with the operator and key of an existing one adds its
    /// values to it, as alternatives. A test without values is refused by `build`.
    pub fn condition(mut self, test: Condition) -> Self {
        self.draft.conditions.push(test);
        self
    }

    /// `StringEquals` `aws:SourceAccount`: the confused-deputy guard for service principals.
    pub fn source_account(self, account: &AccountId) -> Self {
        self.condition(Condition::new(
            crate::model::condition::plain(Operator::StringEquals),
            ConditionKey::__checked("aws:SourceAccount"),
            [ConditionValue::from(account.as_str())],
        ))
    }

    /// `ArnLike` `aws:SourceArn`: the resource a service acts for (may hold `*` and `?`).
    pub fn source_arn(self, arn: impl Into<String>) -> Self {
        self.condition(Condition::new(
            crate::model::condition::plain(Operator::ArnLike),
            ConditionKey::__checked("aws:SourceArn"),
            [ConditionValue::from(arn.into())],
        ))
    }
}

impl StatementBuilder {
    pub(crate) fn into_draft(self) -> Draft {
        self.draft
    }
}

impl From<Statement> for StatementBuilder {
    /// A statement of an existing policy, kept as it is written (actions in their order).
    /// `Resource` is dropped: a repository policy has none.
    fn from(s: Statement) -> Self {
        let (not_principal, principals, principal_form) = match s.principal {
            Some(p) => (
                p.negated,
                p.principals.iter().cloned().map(Slot::Ready).collect(),
                p.principals.form(),
            ),
            None => (false, Vec::new(), ListForm::Compact),
        };
        let (not_action, actions, action_form) = match s.action {
            Some(a) => (a.negated, a.actions.to_vec(), a.actions.form()),
            None => (false, Vec::new(), ListForm::Array),
        };
        StatementBuilder {
            draft: Draft {
                sid: s.sid,
                effect: s.effect,
                not_principal,
                principals,
                principal_form,
                not_action,
                actions,
                action_form,
                conditions: s.condition,
                spared: Vec::new(),
                excepting: false,
                verbatim: true,
            },
        }
    }
}

/// Whether a spared principal can be spared, i.e. has a condition that fails for it.
fn can_spare(slot: &Slot) -> bool {
    match slot {
        Slot::InPolicyAccount(p) => matches!(p, Pending::User(..) | Pending::Role(..)),
        Slot::Ready(p) => matches!(
            p,
            Principal::Service(_)
                | Principal::Aws(
                    AwsPrincipal::User { .. }
                        | AwsPrincipal::Role { .. }
                        | AwsPrincipal::Account { .. }
                )
        ),
    }
}

impl Draft {
    /// The statement, with the policy's account given to pending principals. Without an
    /// account they are left out: callers check [`Draft::needs_account`] first.
    pub(crate) fn finish(self, partition: Partition, account: Option<&AccountId>) -> Statement {
        let mut d = self;
        let (mut arns, mut accounts, mut services) = (Vec::new(), Vec::new(), Vec::new());
        for slot in std::mem::take(&mut d.spared) {
            match slot.resolve(partition, account) {
                Ok(Principal::Aws(p @ (AwsPrincipal::User { .. } | AwsPrincipal::Role { .. }))) => {
                    arns.push(ConditionValue::from(p.to_string()));
                }
                Ok(Principal::Aws(AwsPrincipal::Account { account, .. })) => {
                    accounts.push(ConditionValue::from(account.as_str()));
                }
                Ok(Principal::Service(s)) => services.push(ConditionValue::from(s.as_str())),
                // Refused by `PolicyBuilder::build`, or left for `bind`.
                _ => {}
            }
        }
        for ((operator, key), values) in SPARED_BY.into_iter().zip([arns, accounts, services]) {
            if !values.is_empty() {
                d.conditions.push(Condition::new(
                    crate::model::condition::plain(operator),
                    ConditionKey::__checked(key),
                    values,
                ));
            }
        }
        let mut actions = d.actions;
        if !d.verbatim {
            actions.sort();
            actions.dedup();
        }
        let principals: Vec<Principal> = d
            .principals
            .into_iter()
            .filter_map(|s| s.resolve(partition, account).ok())
            .collect();
        Statement {
            sid: d.sid,
            effect: d.effect,
            principal: (!principals.is_empty()).then(|| PrincipalElement {
                negated: d.not_principal,
                empty_keys: Vec::new(),
                principals: ValueList::new(principals, d.principal_form),
            }),
            action: (!actions.is_empty()).then(|| ActionElement {
                negated: d.not_action,
                actions: ValueList::new(actions, d.action_form),
            }),
            resource: None,
            condition: d.conditions,
        }
    }

    /// Whether a merge with `combine` joins `other` into this statement.
    pub(crate) fn combinable(&self, other: &Draft, combine: Combine) -> bool {
        fn same_set<T: Ord + Clone>(a: &[T], b: &[T]) -> bool {
            let mut a = a.to_vec();
            let mut b = b.to_vec();
            a.sort();
            a.dedup();
            b.sort();
            b.dedup();
            a == b
        }
        let alike = self.sid == other.sid
            && self.effect == other.effect
            && self.not_principal == other.not_principal
            && self.not_action == other.not_action
            && self.conditions == other.conditions
            && self.spared == other.spared
            && self.excepting == other.excepting;
        alike
            && match combine {
                Combine::Principals => same_set(&self.actions, &other.actions),
                Combine::Actions => {
                    self.principals.len() == other.principals.len()
                        && self.principals.iter().all(|p| other.principals.contains(p))
                }
                Combine::Nothing => false,
            }
    }

    /// Joins the principals or actions of `other` into this statement.
    pub(crate) fn absorb(&mut self, other: Draft, combine: Combine) {
        match combine {
            Combine::Principals => {
                for p in other.principals {
                    if !self.principals.contains(&p) {
                        self.principals.push(p);
                    }
                }
            }
            Combine::Actions => {
                for a in other.actions {
                    if !self.actions.contains(&a) {
                        self.actions.push(a);
                    }
                }
            }
            Combine::Nothing => {}
        }
    }

    pub(crate) fn sid(&self) -> Option<&Sid> {
        self.sid.as_ref()
    }

    /// Whether the statement names a principal (or spares one).
    pub(crate) fn has_principal(&self) -> bool {
        !self.principals.is_empty() || !self.spared.is_empty()
    }

    pub(crate) fn needs_account(&self) -> bool {
        self.principals
            .iter()
            .chain(&self.spared)
            .any(|s| matches!(s, Slot::InPolicyAccount(_)))
    }
}

/// What [`PolicyBuilder::build`] refuses. Statements are named by their index, from 0, and
/// their Sid when they have one.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The policy has no statement. The `Statement` element is required
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html>),
    /// and a document without one is not a repository policy
    /// ([`RepositoryRuleViolation::NoStatement`](crate::model::policy::RepositoryRuleViolation::NoStatement)).
    NoStatement,
    /// A statement names no principal (an empty list of them is none); ECR requires one in every
    /// statement.
    MissingPrincipal {
        /// Index of the statement, from 0.
        statement: usize,
        /// Its Sid.
        sid: Option<String>,
    },
    /// A statement names no action.
    MissingAction {
        /// Index of the statement, from 0.
        statement: usize,
        /// Its Sid.
        sid: Option<String>,
    },
    /// A condition test has no value (it was given an empty list).
    EmptyCondition {
        /// Index of the statement, from 0.
        statement: usize,
        /// Its Sid.
        sid: Option<String>,
        /// The condition key, e.g. `aws:SourceIp`.
        key: String,
    },
    /// A statement spares a principal it cannot: sparing is for `Deny` statements, and for
    /// users, roles, accounts and services (see [`StatementBuilder::spare`]).
    CannotSpare {
        /// Index of the statement, from 0.
        statement: usize,
        /// The principal, or `None` when the statement is an `Allow`.
        principal: Option<String>,
    },
    /// A statement denies everyone but the principals it spares, and spares none (a list of
    /// them was empty): it would deny everyone, so it is refused rather than widened.
    NothingSpared {
        /// Index of the statement, from 0.
        statement: usize,
        /// Its Sid.
        sid: Option<String>,
    },
    /// A statement of an identity policy names a principal: an identity policy applies to the
    /// user, group or role it is attached to, and IAM refuses a `Principal` in it.
    PrincipalInIdentityPolicy {
        /// Index of the statement, from 0.
        statement: usize,
        /// Its Sid.
        sid: Option<String>,
    },
    /// A statement of a registry or identity policy names no resource (a list of repositories
    /// was empty); the kind requires a `Resource` in every statement.
    MissingResource {
        /// Index of the statement, from 0.
        statement: usize,
        /// Its Sid.
        sid: Option<String>,
    },
    /// A statement names a user, role, session or root of the policy's account, and the
    /// builder was given no account (see `PublicRepositoryPolicyBuilder::account`).
    AccountNeeded {
        /// Index of the statement, from 0.
        statement: usize,
        /// Its Sid.
        sid: Option<String>,
    },
    /// The built document breaks a rule of its kind, e.g. an `ecr:` action in an ECR Public
    /// repository policy (an action given as a value, which the builder cannot know).
    NotOfKind(NotAPolicyOfKind),
    /// Two statements share a Sid; Sids must be unique within a policy.
    DuplicateSid {
        /// The Sid.
        sid: String,
        /// Index of the first statement with it.
        first: usize,
        /// Index of the second statement with it.
        second: usize,
    },
}

/// "statement 2" or "statement 2 (Sid "Pull")".
fn named(statement: usize, sid: Option<&String>) -> String {
    match sid {
        Some(sid) => format!("statement {statement} (Sid \"{sid}\")"),
        None => format!("statement {statement}"),
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoStatement => write!(
                f,
                "the policy has no statement: a repository policy needs at least one (add one with `.statement(...)`; a list of statements may have been empty)"
            ),
            BuildError::MissingPrincipal { statement, sid } => write!(
                f,
                "{} has no principal: ECR requires a principal in every statement of a repository policy (add one, e.g. `.user(...)` or `.account(...)`; a list of principals may have been empty)",
                named(*statement, sid.as_ref())
            ),
            BuildError::MissingAction { statement, sid } => write!(
                f,
                "{} has no action: add one with `.action(...)` or `.bundle(...)`",
                named(*statement, sid.as_ref())
            ),
            BuildError::EmptyCondition {
                statement,
                sid,
                key,
            } => write!(
                f,
                "{} tests `{key}` against no value: a condition needs at least one (a list of values may have been empty)",
                named(*statement, sid.as_ref())
            ),
            BuildError::CannotSpare {
                statement,
                principal: None,
            } => write!(
                f,
                "statement {statement} allows everyone but the principals it spares: sparing is for Deny statements (AWS does not support Allow with NotPrincipal, and an Allow of everyone else lets anonymous callers in)"
            ),
            BuildError::CannotSpare {
                statement,
                principal: Some(p),
            } => write!(
                f,
                "statement {statement} spares {p}, which no condition on the caller singles out: spare users, roles, accounts and services (for a session, aws:PrincipalArn holds its role's ARN: spare the role)"
            ),
            BuildError::NothingSpared { statement, sid } => write!(
                f,
                "{} denies everyone but the principals it spares, and spares none: it would deny everyone, administrators included (give at least one principal to spare, or leave the sparing out if everyone is meant; a list of spared principals may have been empty)",
                named(*statement, sid.as_ref())
            ),
            BuildError::PrincipalInIdentityPolicy { statement, sid } => write!(
                f,
                "{} names a principal: an identity policy has none, it applies to the user, group or role it is attached to (leave the principals out)",
                named(*statement, sid.as_ref())
            ),
            BuildError::MissingResource { statement, sid } => write!(
                f,
                "{} names no resource: every statement of a registry or identity policy needs one (a list of repositories may have been empty)",
                named(*statement, sid.as_ref())
            ),
            BuildError::AccountNeeded { statement, sid } => write!(
                f,
                "{} names a user, role, session or root of the policy's account, and no account is given (give it with `.account(...)`, or name the principal with its account)",
                named(*statement, sid.as_ref())
            ),
            BuildError::NotOfKind(e) => e.fmt(f),
            BuildError::DuplicateSid { sid, first, second } => write!(
                f,
                "statements {first} and {second} share the Sid \"{sid}\": Sids must be unique within a policy"
            ),
        }
    }
}

impl std::error::Error for BuildError {}

/// Checks the statements of a policy, in order.
fn check(statements: &[Draft]) -> Result<(), BuildError> {
    check_statements(statements, true)
}

/// Checks the statements of a policy of any kind, in order; `principals` says whether each
/// needs one (an identity policy's have none, which its builder checks).
pub(crate) fn check_statements(statements: &[Draft], principals: bool) -> Result<(), BuildError> {
    if statements.is_empty() {
        return Err(BuildError::NoStatement);
    }
    for (i, s) in statements.iter().enumerate() {
        let sid = || s.sid.as_ref().map(|s| s.as_str().to_owned());
        if principals && s.principals.is_empty() {
            return Err(BuildError::MissingPrincipal {
                statement: i,
                sid: sid(),
            });
        }
        if s.actions.is_empty() {
            return Err(BuildError::MissingAction {
                statement: i,
                sid: sid(),
            });
        }
        if let Some(test) = s.conditions.tests().iter().find(|t| t.values.is_empty()) {
            return Err(BuildError::EmptyCondition {
                statement: i,
                sid: sid(),
                key: test.key.as_str().to_owned(),
            });
        }
        if s.excepting && s.effect == Effect::Allow {
            return Err(BuildError::CannotSpare {
                statement: i,
                principal: None,
            });
        }
        if s.excepting && s.spared.is_empty() {
            return Err(BuildError::NothingSpared {
                statement: i,
                sid: sid(),
            });
        }
        if let Some(slot) = s.spared.iter().find(|slot| !can_spare(slot)) {
            let principal = match slot {
                Slot::Ready(p) => p.to_string(),
                Slot::InPolicyAccount(_) => "a principal of the policy's account".to_owned(),
            };
            return Err(BuildError::CannotSpare {
                statement: i,
                principal: Some(principal),
            });
        }
        if let Some(own) = &s.sid {
            if let Some(j) = statements[..i]
                .iter()
                .position(|o| o.sid.as_ref() == Some(own))
            {
                return Err(BuildError::DuplicateSid {
                    sid: own.as_str().to_owned(),
                    first: j,
                    second: i,
                });
            }
        }
    }
    Ok(())
}

/// Builds a [`RepositoryPolicy`] (with [`account`](Self::account)) or a [`PolicyTemplate`]
/// (without). Start with [`RepositoryPolicy::builder`].
#[derive(Clone, Debug)]
#[must_use = "call .build() to get the policy"]
pub struct PolicyBuilder<A = NoAccount> {
    version: Version,
    id: Option<PolicyId>,
    partition: Partition,
    account: Option<AccountId>,
    statements: Vec<Draft>,
    state: PhantomData<A>,
}

impl PolicyBuilder<NoAccount> {
    pub(crate) fn new() -> Self {
        PolicyBuilder {
            version: Version::V2012_10_17,
            id: None,
            partition: Partition::Aws,
            account: None,
            statements: Vec::new(),
            state: PhantomData,
        }
    }

    /// Sets the policy's account: the account of users, roles and sessions named without one.
    pub fn account(self, account: AccountId) -> PolicyBuilder<WithAccount> {
        PolicyBuilder {
            version: self.version,
            id: self.id,
            partition: self.partition,
            account: Some(account),
            statements: self.statements,
            state: PhantomData,
        }
    }

    /// Checks the statements and returns a template that renders once an account is bound.
    ///
    /// # Errors
    /// A [`BuildError`] when there is no statement, a statement lacks a principal or an action,
    /// a condition has no value, or two statements share a Sid.
    pub fn build(self) -> Result<PolicyTemplate, BuildError> {
        check(&self.statements)?;
        Ok(self.into_template())
    }

    fn into_template(self) -> PolicyTemplate {
        PolicyTemplate {
            version: Some(self.version),
            id: self.id,
            partition: self.partition,
            statements: self.statements,
        }
    }
}

impl<A: AccountState> PolicyBuilder<A> {
    /// Sets the `Version` (default `2012-10-17`).
    pub fn version(mut self, version: Version) -> Self {
        self.version = version;
        self
    }

    /// Sets the policy `Id`.
    pub fn id(mut self, id: PolicyId) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets the partition of principals in the policy's account (default `aws`).
    pub fn partition(mut self, partition: Partition) -> Self {
        self.partition = partition;
        self
    }

    /// Adds a statement.
    pub fn statement(mut self, statement: StatementBuilder) -> Self {
        self.statements.push(statement.draft);
        self
    }

    /// Adds a statement when `include` holds; `statement` is called only then.
    pub fn statement_if(self, include: bool, statement: impl FnOnce() -> StatementBuilder) -> Self {
        if include {
            self.statement(statement())
        } else {
            self
        }
    }

    /// Adds statements: any iterator of [`StatementBuilder`]s (an `Option` of one included),
    /// or the statements of a [`PolicyTemplate`] or [`RepositoryPolicy`].
    ///
    /// ```
    /// use policy_core::{AccountId, Bundle, RepositoryPolicy, StatementBuilder};
    ///
    /// let partners = ["111122223333", "444455556666"].map(|a| AccountId::new(a).unwrap());
    /// let policy = RepositoryPolicy::try_from(
    ///     RepositoryPolicy::builder()
    ///         .statements(partners.into_iter().map(|a| StatementBuilder::allow().account(a).bundle(Bundle::Pull)))
    ///         .build()?,
    /// )?;
    /// assert_eq!(policy.statements().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statements(mut self, statements: impl IntoStatements) -> Self {
        self.statements
            .extend(statements.into_statements().into_iter().map(|s| s.draft));
        self
    }
}

#[doc(hidden)]
impl<A: AccountState> PolicyBuilder<A> {
    /// For `policy!`, which checked at compile time that no principal waits for an account
    /// unless one is given.
    pub fn __policy(self) -> RepositoryPolicy {
        let account = self.account;
        assemble(
            Some(self.version),
            self.id,
            self.statements,
            self.partition,
            account.as_ref(),
        )
    }

    /// For `policy!` with lists or spliced statements, known only at run time.
    pub fn __checked_policy(self) -> Result<RepositoryPolicy, BuildError> {
        check(&self.statements)?;
        Ok(self.__policy())
    }
}

#[doc(hidden)]
impl PolicyBuilder<NoAccount> {
    pub fn __template(self) -> PolicyTemplate {
        self.into_template()
    }
}

impl PolicyBuilder<WithAccount> {
    /// Checks and builds the policy.
    ///
    /// # Errors
    /// A [`BuildError`] when there is no statement, a statement lacks a principal or an action,
    /// a condition has no value, or two statements share a Sid.
    pub fn build(self) -> Result<RepositoryPolicy, BuildError> {
        check(&self.statements)?;
        Ok(self.assemble())
    }

    fn assemble(self) -> RepositoryPolicy {
        let account = self.account;
        assemble(
            Some(self.version),
            self.id,
            self.statements,
            self.partition,
            account.as_ref(),
        )
    }
}

fn assemble(
    version: Option<Version>,
    id: Option<PolicyId>,
    statements: Vec<Draft>,
    partition: Partition,
    account: Option<&AccountId>,
) -> RepositoryPolicy {
    let mut doc = PolicyDocument::new(Version::V2012_10_17);
    doc.version = version;
    doc.id = id;
    for s in statements {
        doc.statements.push(s.finish(partition, account));
    }
    RepositoryPolicy::from_document_unchecked(doc)
}

/// What [`PolicyBuilder::statements`] and `..{...}` in `policy!` take: statements from an
/// iterator, a [`PolicyTemplate`] or a [`RepositoryPolicy`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of statements",
    label = "expected statements",
    note = "give an iterator of `StatementBuilder` (e.g. a `Vec` of `statement!` values, or an `Option` of one), a `PolicyTemplate` or a `RepositoryPolicy`"
)]
pub trait IntoStatements {
    /// The statements, in order.
    fn into_statements(self) -> Vec<StatementBuilder>;
}

impl<I: IntoIterator<Item = StatementBuilder>> IntoStatements for I {
    fn into_statements(self) -> Vec<StatementBuilder> {
        self.into_iter().collect()
    }
}

impl IntoStatements for PolicyTemplate {
    fn into_statements(self) -> Vec<StatementBuilder> {
        self.statements
            .into_iter()
            .map(|draft| StatementBuilder { draft })
            .collect()
    }
}

impl IntoStatements for RepositoryPolicy {
    fn into_statements(self) -> Vec<StatementBuilder> {
        self.into_document()
            .statements
            .into_iter()
            .map(StatementBuilder::from)
            .collect()
    }
}

/// A repository policy whose principals may be in "the policy's account", which is not known
/// yet.
///
/// It has no JSON: [`bind`](PolicyTemplate::bind) the account to get a [`RepositoryPolicy`], or,
/// when no principal needs it, convert with [`RepositoryPolicy::try_from`].
///
/// ```compile_fail
/// use policy_core::{Bundle, RepositoryPolicy, StatementBuilder, UserName};
///
/// let template = RepositoryPolicy::builder()
///     .statement(StatementBuilder::allow().user(UserName::new("ci")?).bundle(Bundle::Pull))
///     .build()?;
/// // error[E0599]: no method named `to_json` found for struct `PolicyTemplate`
/// let json = template.to_json();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A loop adding statements keeps the builder's type, and what it builds still cannot render
/// without the account:
///
/// ```compile_fail
/// use policy_core::{Bundle, RepositoryPolicy, RoleName, StatementBuilder};
///
/// let mut builder = RepositoryPolicy::builder();
/// for role in ["ci", "deployer"] {
///     builder = builder.statement(StatementBuilder::allow().role(RoleName::new(role)?).bundle(Bundle::Pull));
/// }
/// // error[E0599]: no method named `to_json` found for struct `PolicyTemplate`
/// let json = builder.build()?.to_json();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// ```
/// use policy_core::{AccountId, Bundle, RepositoryPolicy, StatementBuilder, UserName};
///
/// let template = RepositoryPolicy::builder()
///     .statement(StatementBuilder::allow().user(UserName::new("ci")?).bundle(Bundle::Pull))
///     .build()?;
/// assert!(template.needs_account());
/// let policy = template.bind(AccountId::new("123456789012")?);
/// assert!(policy.to_json().contains("arn:aws:iam::123456789012:user/ci"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[must_use = "bind an account to get a policy"]
pub struct PolicyTemplate {
    pub(crate) version: Option<Version>,
    pub(crate) id: Option<PolicyId>,
    pub(crate) partition: Partition,
    pub(crate) statements: Vec<Draft>,
}

impl PolicyTemplate {
    /// Binds the policy's account, giving a policy that can render.
    pub fn bind(self, account: AccountId) -> RepositoryPolicy {
        assemble(
            self.version,
            self.id,
            self.statements,
            self.partition,
            Some(&account),
        )
    }

    /// Whether some principal is in the policy's account, so that only
    /// [`bind`](Self::bind) gives the policy.
    #[must_use]
    pub fn needs_account(&self) -> bool {
        self.statements.iter().any(Draft::needs_account)
    }

    /// The policy, when no principal needs the policy's account: the same as
    /// [`RepositoryPolicy::try_from`], for the end of a builder chain.
    ///
    /// ```
    /// use policy_core::{AccountId, Bundle, RepositoryPolicy, StatementBuilder};
    ///
    /// let policy = RepositoryPolicy::builder()
    ///     .statement(StatementBuilder::allow().account(AccountId::new("111122223333")?).bundle(Bundle::Pull))
    ///     .build()?
    ///     .into_policy()?;
    /// assert!(policy.to_json().contains("arn:aws:iam::111122223333:root"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`AccountNeeded`], naming the statements with a principal in the policy's account.
    pub fn into_policy(self) -> Result<RepositoryPolicy, AccountNeeded> {
        RepositoryPolicy::try_from(self)
    }

    /// The policy; principals of the policy's account are left out, so callers know there are
    /// none.
    pub(crate) fn into_policy_unchecked(self) -> RepositoryPolicy {
        assemble(self.version, self.id, self.statements, self.partition, None)
    }

    /// The indexes of the statements with a principal in the policy's account.
    fn needing_account(&self) -> Vec<usize> {
        (0..self.statements.len())
            .filter(|&i| self.statements[i].needs_account())
            .collect()
    }
}

/// [`RepositoryPolicy::try_from`] of a [`PolicyTemplate`] whose statements need the policy's
/// account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountNeeded {
    /// The statements with a principal in the policy's account, by index from 0.
    pub statements: Vec<usize>,
}

impl fmt::Display for AccountNeeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.statements.iter().map(usize::to_string).collect();
        write!(
            f,
            "statements {} name a user, role, session or root of the policy's account, which is not known: bind it with `PolicyTemplate::bind`",
            list.join(", ")
        )
    }
}

impl std::error::Error for AccountNeeded {}

impl TryFrom<PolicyTemplate> for RepositoryPolicy {
    type Error = AccountNeeded;

    /// The policy, when no principal needs the policy's account.
    fn try_from(template: PolicyTemplate) -> Result<Self, Self::Error> {
        let statements = template.needing_account();
        if !statements.is_empty() {
            return Err(AccountNeeded { statements });
        }
        Ok(assemble(
            template.version,
            template.id,
            template.statements,
            template.partition,
            None,
        ))
    }
}

impl From<RepositoryPolicy> for PolicyTemplate {
    /// The policy as a template that needs no account (binding it changes nothing).
    fn from(policy: RepositoryPolicy) -> Self {
        let version = policy.version();
        let id = policy.id().cloned();
        PolicyTemplate {
            version,
            id,
            partition: Partition::Aws,
            statements: policy
                .into_statements()
                .into_iter()
                .map(|s| s.draft)
                .collect(),
        }
    }
}

impl RepositoryPolicy {
    /// Starts a builder.
    pub fn builder() -> PolicyBuilder<NoAccount> {
        PolicyBuilder::new()
    }
}
