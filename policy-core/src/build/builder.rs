//! The builder: every part of a repository policy, with the policy's account bound in the types.
//!
//! A principal such as "the user `fcj-ecr-ci-cd-user`" needs an account for its ARN. Statements
//! that name one without an account are [`StatementBuilder<NeedsAccount>`]; a policy holding such
//! a statement builds into a [`PolicyTemplate`], which has no way to render JSON until
//! [`PolicyTemplate::bind`] gives it the account. Give the account up front with
//! [`PolicyBuilder::account`] and `build` returns a [`RepositoryPolicy`] directly.

use std::fmt;
use std::marker::PhantomData;

use crate::model::action::ActionItem;
use crate::model::condition::{Condition, ConditionKey, ConditionValue};
use crate::model::document::PolicyDocument;
use crate::model::list::{ListForm, ValueList};
use crate::model::names::{
    AccountId, IamPath, OrgId, Partition, PolicyId, RoleName, SessionName, Sid, UserName,
};
use crate::model::policy::RepositoryPolicy;
use crate::model::principal::{AwsPrincipal, Principal};
use crate::model::statement::{ActionElement, PrincipalElement, Statement};
use crate::model::version::{Effect, Version};
use policy_catalogue::{Bundle, Operator};

/// Type-level states of the policy's account.
pub mod state {
    mod sealed {
        pub trait Sealed {}
        impl Sealed for super::Resolved {}
        impl Sealed for super::NeedsAccount {}
        impl Sealed for super::WithAccount {}
    }

    /// Every principal so far has its own account: nothing to bind.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Resolved;
    /// Some principal is in "the policy's account", which is not known yet.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct NeedsAccount;
    /// The policy's account is known.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct WithAccount;

    /// The state of a statement: [`Resolved`] or [`NeedsAccount`].
    pub trait StatementState: PolicyState {}
    impl StatementState for Resolved {}
    impl StatementState for NeedsAccount {}

    /// The state of a policy, and how adding a statement changes it.
    pub trait PolicyState: sealed::Sealed {
        /// The state after adding a statement in state `S`.
        type With<S: StatementState>: PolicyState;
    }
    impl PolicyState for Resolved {
        type With<S: StatementState> = S;
    }
    impl PolicyState for NeedsAccount {
        type With<S: StatementState> = NeedsAccount;
    }
    impl PolicyState for WithAccount {
        type With<S: StatementState> = WithAccount;
    }
}

use state::{NeedsAccount, PolicyState, Resolved, StatementState, WithAccount};

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
    fn resolve(self, partition: Partition, account: Option<&AccountId>) -> Principal {
        let pending = match self {
            Slot::Ready(p) => return p,
            Slot::InPolicyAccount(p) => p,
        };
        // The state types guarantee an account whenever a slot is pending.
        let Some(account) = account.cloned() else {
            return Principal::Aws(AwsPrincipal::Other(String::new()));
        };
        Principal::Aws(match pending {
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
        })
    }
}

#[derive(Clone, Debug)]
struct Draft {
    sid: Option<Sid>,
    effect: Effect,
    not_principal: bool,
    principals: Vec<Slot>,
    principal_form: ListForm,
    not_action: bool,
    actions: Vec<ActionItem>,
    action_form: ListForm,
    conditions: crate::model::condition::Conditions,
    /// The principals a deny of everyone spares, by conditions written at the end.
    spared: Vec<Slot>,
}

/// Builds one statement. Start with [`StatementBuilder::allow`] or [`StatementBuilder::deny`].
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
#[derive(Clone, Debug)]
#[must_use = "a statement does nothing until it is added to a policy"]
pub struct StatementBuilder<S = Resolved> {
    draft: Draft,
    state: PhantomData<S>,
}

impl StatementBuilder<Resolved> {
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
                conditions: crate::model::condition::Conditions::new(),
                spared: Vec::new(),
            },
            state: PhantomData,
        }
    }
}

impl<S: StatementState> StatementBuilder<S> {
    fn needs_account(mut self, pending: Pending) -> StatementBuilder<NeedsAccount> {
        let slot = Slot::InPolicyAccount(pending);
        if !self.draft.principals.contains(&slot) {
            self.draft.principals.push(slot);
        }
        StatementBuilder {
            draft: self.draft,
            state: PhantomData,
        }
    }

    fn spare_pending(mut self, pending: Pending) -> StatementBuilder<NeedsAccount> {
        let slot = Slot::InPolicyAccount(pending);
        if !self.draft.spared.contains(&slot) {
            self.draft.spared.push(slot);
        }
        StatementBuilder {
            draft: self.draft,
            state: PhantomData,
        }
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
    pub fn spare(mut self, principal: impl Into<Principal>) -> Self {
        let slot = Slot::Ready(principal.into());
        if !self.draft.spared.contains(&slot) {
            self.draft.spared.push(slot);
        }
        self
    }

    /// Spares an IAM user of the policy's account; see [`spare`](Self::spare).
    pub fn spare_user(self, name: UserName) -> StatementBuilder<NeedsAccount> {
        self.spare_pending(Pending::User(IamPath::root(), name))
    }

    /// Spares an IAM user with a path, of the policy's account; see [`spare`](Self::spare).
    pub fn spare_user_with_path(
        self,
        path: IamPath,
        name: UserName,
    ) -> StatementBuilder<NeedsAccount> {
        self.spare_pending(Pending::User(path, name))
    }

    /// Spares an IAM role of the policy's account, and so all its sessions; see
    /// [`spare`](Self::spare).
    pub fn spare_role(self, name: RoleName) -> StatementBuilder<NeedsAccount> {
        self.spare_pending(Pending::Role(IamPath::root(), name))
    }

    /// Spares an IAM role with a path, of the policy's account; see [`spare`](Self::spare).
    pub fn spare_role_with_path(
        self,
        path: IamPath,
        name: RoleName,
    ) -> StatementBuilder<NeedsAccount> {
        self.spare_pending(Pending::Role(path, name))
    }

    /// Sets the statement id.
    pub fn sid(mut self, sid: Sid) -> Self {
        self.draft.sid = Some(sid);
        self
    }

    /// Adds a principal that names its own account (or needs none). Duplicates are dropped.
    pub fn principal(mut self, principal: impl Into<Principal>) -> Self {
        let slot = Slot::Ready(principal.into());
        if !self.draft.principals.contains(&slot) {
            self.draft.principals.push(slot);
        }
        self
    }

    /// Adds an IAM user of the policy's account.
    pub fn user(self, name: UserName) -> StatementBuilder<NeedsAccount> {
        self.needs_account(Pending::User(IamPath::root(), name))
    }

    /// Adds an IAM user with a path, of the policy's account.
    pub fn user_with_path(self, path: IamPath, name: UserName) -> StatementBuilder<NeedsAccount> {
        self.needs_account(Pending::User(path, name))
    }

    /// Adds an IAM role of the policy's account.
    pub fn role(self, name: RoleName) -> StatementBuilder<NeedsAccount> {
        self.needs_account(Pending::Role(IamPath::root(), name))
    }

    /// Adds an IAM role with a path, of the policy's account.
    pub fn role_with_path(self, path: IamPath, name: RoleName) -> StatementBuilder<NeedsAccount> {
        self.needs_account(Pending::Role(path, name))
    }

    /// Adds an assumed-role session of the policy's account.
    pub fn session(self, role: RoleName, session: SessionName) -> StatementBuilder<NeedsAccount> {
        self.needs_account(Pending::Session(role, session))
    }

    /// Adds the policy's own account (`arn:aws:iam::<account>:root`).
    pub fn own_account(self) -> StatementBuilder<NeedsAccount> {
        self.needs_account(Pending::Root)
    }

    /// Adds another account, as its root ARN.
    pub fn account(self, account: AccountId) -> Self {
        self.principal(Principal::account(account))
    }

    /// Adds a service principal such as `codebuild.amazonaws.com`.
    pub fn service(self, service: crate::model::names::ServiceName) -> Self {
        self.principal(Principal::Service(service))
    }

    /// Adds everyone (`"Principal": "*"`).
    pub fn anyone(self) -> Self {
        self.principal(Principal::Anyone)
    }

    /// Everyone in an AWS Organization: `"Principal": "*"` with `StringEquals`
    /// `aws:PrincipalOrgID`.
    pub fn org(self, org: OrgId) -> Self {
        self.anyone().condition(Condition::new(
            crate::model::condition::plain(Operator::StringEquals),
            ConditionKey::__checked("aws:PrincipalOrgID"),
            [ConditionValue::from(org.as_str())],
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
    /// values to it, as alternatives.
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
    fn finish(self, partition: Partition, account: Option<&AccountId>) -> Statement {
        let mut d = self;
        let (mut arns, mut accounts, mut services) = (Vec::new(), Vec::new(), Vec::new());
        for slot in std::mem::take(&mut d.spared) {
            match slot.resolve(partition, account) {
                Principal::Aws(p @ (AwsPrincipal::User { .. } | AwsPrincipal::Role { .. })) => {
                    arns.push(ConditionValue::from(p.to_string()));
                }
                Principal::Aws(AwsPrincipal::Account { account, .. }) => {
                    accounts.push(ConditionValue::from(account.as_str()));
                }
                Principal::Service(s) => services.push(ConditionValue::from(s.as_str())),
                // Refused by `PolicyBuilder::build`.
                _ => {}
            }
        }
        for (operator, key, values) in [
            (Operator::ArnNotLike, "aws:PrincipalArn", arns),
            (Operator::StringNotEquals, "aws:PrincipalAccount", accounts),
            (
                Operator::StringNotEquals,
                "aws:PrincipalServiceName",
                services,
            ),
        ] {
            if !values.is_empty() {
                d.conditions.push(Condition::new(
                    crate::model::condition::plain(operator),
                    ConditionKey::__checked(key),
                    values,
                ));
            }
        }
        let mut actions = d.actions;
        actions.sort();
        actions.dedup();
        Statement {
            sid: d.sid,
            effect: d.effect,
            principal: (!d.principals.is_empty()).then(|| PrincipalElement {
                negated: d.not_principal,
                empty_keys: Vec::new(),
                principals: ValueList::new(
                    d.principals
                        .into_iter()
                        .map(|s| s.resolve(partition, account))
                        .collect(),
                    d.principal_form,
                ),
            }),
            action: (!actions.is_empty()).then(|| ActionElement {
                negated: d.not_action,
                actions: ValueList::new(actions, d.action_form),
            }),
            resource: None,
            condition: d.conditions,
        }
    }
}

/// What [`PolicyBuilder::build`] refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The policy has no statement. The `Statement` element is required
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html>),
    /// and a document without one is not a repository policy
    /// ([`RepositoryRuleViolation::NoStatement`](crate::model::RepositoryRuleViolation::NoStatement)).
    NoStatement,
    /// A statement names no principal; ECR requires one in every statement.
    MissingPrincipal {
        /// Index of the statement, from 0.
        statement: usize,
    },
    /// A statement names no action.
    MissingAction {
        /// Index of the statement, from 0.
        statement: usize,
    },
    /// A statement spares a principal it cannot: sparing is for `Deny` statements, and for
    /// users, roles, accounts and services (see [`StatementBuilder::spare`]).
    CannotSpare {
        /// Index of the statement, from 0.
        statement: usize,
        /// The principal, or `None` when the statement is an `Allow`.
        principal: Option<String>,
    },
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

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoStatement => f.write_str(
                "the policy has no statement: a repository policy needs at least one (add one with `.statement(...)`)",
            ),
            BuildError::MissingPrincipal { statement } => write!(
                f,
                "statement {statement} has no principal: ECR requires a principal in every statement of a repository policy (add one, e.g. `.user(...)` or `.account(...)`)"
            ),
            BuildError::MissingAction { statement } => write!(
                f,
                "statement {statement} has no action: add one with `.action(...)` or `.bundle(...)`"
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
            BuildError::DuplicateSid { sid, first, second } => write!(
                f,
                "statements {first} and {second} share the Sid \"{sid}\": Sids must be unique within a policy"
            ),
        }
    }
}

impl std::error::Error for BuildError {}

/// Builds a [`RepositoryPolicy`] (or, without an account, a [`PolicyTemplate`]).
/// Start with [`RepositoryPolicy::builder`].
#[derive(Clone, Debug)]
#[must_use = "call .build() to get the policy"]
pub struct PolicyBuilder<S = Resolved> {
    version: Version,
    id: Option<PolicyId>,
    partition: Partition,
    account: Option<AccountId>,
    statements: Vec<Draft>,
    state: PhantomData<S>,
}

impl PolicyBuilder<Resolved> {
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
}

impl<S: PolicyState> PolicyBuilder<S> {
    fn into_state<T>(self) -> PolicyBuilder<T> {
        PolicyBuilder {
            version: self.version,
            id: self.id,
            partition: self.partition,
            account: self.account,
            statements: self.statements,
            state: PhantomData,
        }
    }

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

    /// Sets the policy's account: the account of users, roles and sessions named without one.
    pub fn account(mut self, account: AccountId) -> PolicyBuilder<WithAccount> {
        self.account = Some(account);
        self.into_state()
    }

    /// Adds a statement.
    pub fn statement<T: StatementState>(
        mut self,
        statement: StatementBuilder<T>,
    ) -> PolicyBuilder<S::With<T>> {
        self.statements.push(statement.draft);
        self.into_state()
    }

    fn check(&self) -> Result<(), BuildError> {
        if self.statements.is_empty() {
            return Err(BuildError::NoStatement);
        }
        for (i, s) in self.statements.iter().enumerate() {
            if s.principals.is_empty() {
                return Err(BuildError::MissingPrincipal { statement: i });
            }
            if s.actions.is_empty() {
                return Err(BuildError::MissingAction { statement: i });
            }
            if !s.spared.is_empty() && s.effect == Effect::Allow {
                return Err(BuildError::CannotSpare {
                    statement: i,
                    principal: None,
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
            if let Some(sid) = &s.sid {
                if let Some(j) = self.statements[..i]
                    .iter()
                    .position(|o| o.sid.as_ref() == Some(sid))
                {
                    return Err(BuildError::DuplicateSid {
                        sid: sid.as_str().to_owned(),
                        first: j,
                        second: i,
                    });
                }
            }
        }
        Ok(())
    }

    fn assemble(self, account: Option<&AccountId>) -> RepositoryPolicy {
        let partition = self.partition;
        let mut doc = PolicyDocument::new(self.version);
        doc.id = self.id;
        for s in self.statements {
            doc.statements.push(s.finish(partition, account));
        }
        RepositoryPolicy::from_document_unchecked(doc)
    }
}

impl PolicyBuilder<Resolved> {
    /// Checks and builds the policy.
    ///
    /// # Errors
    /// A [`BuildError`] when the policy has no statement, a statement lacks a principal or an
    /// action, or two share a Sid.
    pub fn build(self) -> Result<RepositoryPolicy, BuildError> {
        self.check()?;
        Ok(self.assemble(None))
    }

    #[doc(hidden)]
    pub fn __build_checked_by_macro(self) -> RepositoryPolicy {
        self.assemble(None)
    }
}

impl PolicyBuilder<WithAccount> {
    /// Checks and builds the policy.
    ///
    /// # Errors
    /// A [`BuildError`] when the policy has no statement, a statement lacks a principal or an
    /// action, or two share a Sid.
    pub fn build(self) -> Result<RepositoryPolicy, BuildError> {
        self.check()?;
        let account = self.account.clone();
        Ok(self.assemble(account.as_ref()))
    }

    #[doc(hidden)]
    pub fn __build_checked_by_macro(self) -> RepositoryPolicy {
        let account = self.account.clone();
        self.assemble(account.as_ref())
    }
}

impl PolicyBuilder<NeedsAccount> {
    /// Checks the statements and returns a template that renders once an account is bound.
    ///
    /// # Errors
    /// A [`BuildError`] when the policy has no statement, a statement lacks a principal or an
    /// action, or two share a Sid.
    pub fn build(self) -> Result<PolicyTemplate, BuildError> {
        self.check()?;
        Ok(PolicyTemplate(self))
    }

    #[doc(hidden)]
    pub fn __build_checked_by_macro(self) -> PolicyTemplate {
        PolicyTemplate(self)
    }
}

/// A repository policy with principals in "the policy's account", which is not known yet.
///
/// It has no JSON: [`bind`](PolicyTemplate::bind) the account to get a [`RepositoryPolicy`].
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
/// ```
/// use policy_core::{AccountId, Bundle, RepositoryPolicy, StatementBuilder, UserName};
///
/// let template = RepositoryPolicy::builder()
///     .statement(StatementBuilder::allow().user(UserName::new("ci")?).bundle(Bundle::Pull))
///     .build()?;
/// let policy = template.bind(AccountId::new("123456789012")?);
/// assert!(policy.to_json().contains("arn:aws:iam::123456789012:user/ci"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "bind an account to get a policy"]
pub struct PolicyTemplate(PolicyBuilder<NeedsAccount>);

impl PolicyTemplate {
    /// Binds the policy's account, giving a policy that can render.
    pub fn bind(self, account: AccountId) -> RepositoryPolicy {
        self.0.assemble(Some(&account))
    }
}

impl RepositoryPolicy {
    /// Starts a builder.
    pub fn builder() -> PolicyBuilder<Resolved> {
        PolicyBuilder::new()
    }
}
