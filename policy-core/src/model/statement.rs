//! Statements and their elements.

use crate::model::action::ActionItem;
use crate::model::condition::Conditions;
use crate::model::list::ValueList;
use crate::model::names::Sid;
use crate::model::principal::Principal;
use crate::model::version::Effect;

/// One statement of a policy document.
///
/// This is the general IAM grammar: a statement read from JSON may lack a principal or carry a
/// `Resource`. [`RepositoryPolicy`](crate::model::policy::RepositoryPolicy) guarantees that neither happens.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Statement {
    /// The optional statement id.
    pub sid: Option<Sid>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`.
    pub principal: Option<PrincipalElement>,
    /// `Action` or `NotAction`.
    pub action: Option<ActionElement>,
    /// `Resource` or `NotResource`: needed in identity policies, never emitted in a repository policy.
    pub resource: Option<ResourceElement>,
    /// The `Condition` element; left out of JSON when empty.
    pub condition: Conditions,
}

impl Statement {
    /// A statement with only an effect; fill in its elements.
    #[must_use]
    pub fn new(effect: Effect) -> Self {
        Statement {
            sid: None,
            effect,
            principal: None,
            action: None,
            resource: None,
            condition: Conditions::new(),
        }
    }
}

/// The `Principal` element, or `NotPrincipal` when `negated`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PrincipalElement {
    /// `NotPrincipal`: the statement applies to everyone except these principals.
    pub negated: bool,
    /// The principals. [`Principal::Anyone`] alone is written as `"*"`; others are grouped under
    /// their key (`AWS`, `Service`, `Federated`, `CanonicalUser`), keys in that order, each key's
    /// values in the order given. `Anyone` together with other principals covers them, and is
    /// written as `"*"`.
    pub principals: ValueList<Principal>,
    /// Keys written with an empty list (`"Service": []`), in the order read: they name nobody,
    /// and are kept so that the element is written back as it was read.
    pub empty_keys: Vec<crate::model::principal::PrincipalKey>,
}

impl PrincipalElement {
    /// The principals with the given key, in order.
    pub fn with_key(
        &self,
        key: crate::model::principal::PrincipalKey,
    ) -> impl Iterator<Item = &Principal> + '_ {
        self.principals.iter().filter(move |p| p.key() == Some(key))
    }

    /// Whether the element is written as `"*"`.
    #[must_use]
    pub fn is_anyone(&self) -> bool {
        self.principals.contains(&Principal::Anyone)
    }
}

/// The `Action` element, or `NotAction` when `negated`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ActionElement {
    /// `NotAction`: the statement covers every action except these.
    pub negated: bool,
    /// The actions, in the order they are written.
    pub actions: ValueList<ActionItem>,
}

/// The `Resource` element, or `NotResource` when `negated`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResourceElement {
    /// `NotResource`.
    pub negated: bool,
    /// The resource ARNs or patterns, as written.
    pub resources: ValueList<String>,
}
