//! Lists in the slots of `policy!`: one `{expr}` takes a single value or any iterator of values
//! of the slot's type.
//!
//! A slot filled with one value is as certain as a literal. A list may be empty, which would
//! leave a statement without principal or a condition without value: `policy!` with a list in
//! some slot therefore returns a `Result`, and the [`BuildError`] names the statement. The type
//! of the value decides this at compile time ([`IntoSlot::Count`]).

use std::marker::PhantomData;

use crate::build::builder::state::{AccountState, NoAccount};
use crate::build::builder::{BuildError, PolicyBuilder, PolicyTemplate};
use crate::build::kinds::BuildKind;
use crate::model::condition::ConditionValue;
use crate::model::names::{AccountId, OrgId, RoleName, ServiceName, SessionName, UserName};
use crate::model::policy::RepositoryPolicy;
use crate::model::principal::AwsPrincipal;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::One {}
    impl Sealed for super::Many {}
}

/// A slot filled with exactly one value.
#[derive(Clone, Copy, Debug)]
pub enum One {}

/// A slot filled with a list, which may be empty.
#[derive(Clone, Copy, Debug)]
pub enum Many {}

/// [`One`] or [`Many`]: how many values a slot holds, and so whether `policy!` can fail.
pub trait Count: sealed::Sealed {
    /// `Many` if either is.
    type Or<D: Count>: Count;
    /// What `policy!` returns for a policy `P`: `P`, or `Result<P, BuildError>`.
    type Output<P>;
    #[doc(hidden)]
    fn __finish<B: Finish>(builder: B) -> Self::Output<B::Out>;
}

impl Count for One {
    type Or<D: Count> = D;
    type Output<P> = P;
    fn __finish<B: Finish>(builder: B) -> B::Out {
        builder.unchecked()
    }
}

impl Count for Many {
    type Or<D: Count> = Many;
    type Output<P> = Result<P, BuildError>;
    fn __finish<B: Finish>(builder: B) -> Result<B::Out, BuildError> {
        builder.checked()
    }
}

/// A value for a slot of type `T` in `policy!`: one `T`, or any iterator of `T` (a `Vec`, an
/// array, an `Option`, a `map(...)`).
///
/// ```
/// use policy_core::slot::IntoSlot;
/// use policy_core::AccountId;
///
/// let one = AccountId::new("111122223333")?;
/// let many = vec![AccountId::new("111122223333")?, AccountId::new("444455556666")?];
/// assert_eq!(IntoSlot::<AccountId>::into_values(one).len(), 1);
/// assert_eq!(IntoSlot::<AccountId>::into_values(many).len(), 2);
/// # Ok::<(), policy_core::RuleViolation>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill a slot that takes `{T}`",
    label = "expected a `{T}`, or a list (any `IntoIterator`) of `{T}`",
    note = "`{{expr}}` in `policy!` takes one `{T}` or an iterator of them; text read at run time is checked first, e.g. `AccountId::new(text)?`, and a list of references is `.iter().cloned()`"
)]
pub trait IntoSlot<T> {
    /// [`One`] for a single value, [`Many`] for a list.
    type Count: Count;
    /// The values, in order.
    fn into_values(self) -> Vec<T>;
}

macro_rules! slots {
    ($($ty:ty),*) => {$(
        impl IntoSlot<$ty> for $ty {
            type Count = One;
            fn into_values(self) -> Vec<$ty> {
                vec![self]
            }
        }

        impl<I: IntoIterator<Item = $ty>> IntoSlot<$ty> for I {
            type Count = Many;
            fn into_values(self) -> Vec<$ty> {
                self.into_iter().collect()
            }
        }
    )*};
}

slots!(
    AccountId,
    UserName,
    RoleName,
    SessionName,
    ServiceName,
    OrgId,
    AwsPrincipal,
    ConditionValue
);

/// How `policy!` finishes a builder: checked when a list or a spliced statement may have left
/// something out, as is otherwise.
#[doc(hidden)]
pub trait Finish {
    type Out;
    fn checked(self) -> Result<Self::Out, BuildError>;
    fn unchecked(self) -> Self::Out;
}

#[doc(hidden)]
pub struct AsPolicy<A>(pub PolicyBuilder<A>);

impl<A: AccountState> Finish for AsPolicy<A> {
    type Out = RepositoryPolicy;
    fn checked(self) -> Result<RepositoryPolicy, BuildError> {
        self.0.__checked_policy()
    }
    fn unchecked(self) -> RepositoryPolicy {
        self.0.__policy()
    }
}

#[doc(hidden)]
pub struct AsTemplate(pub PolicyBuilder<NoAccount>);

impl Finish for AsTemplate {
    type Out = PolicyTemplate;
    fn checked(self) -> Result<PolicyTemplate, BuildError> {
        self.0.build()
    }
    fn unchecked(self) -> PolicyTemplate {
        self.0.__template()
    }
}

/// A builder of a registry, ECR Public or identity policy, finished by `policy!`.
#[doc(hidden)]
pub struct AsKind<B>(pub B);

impl<B: BuildKind> Finish for AsKind<B> {
    type Out = B::Out;
    fn checked(self) -> Result<B::Out, BuildError> {
        self.0.build_checked()
    }
    fn unchecked(self) -> B::Out {
        self.0.build_unchecked()
    }
}

/// The values of one slot, with their count in the type.
#[doc(hidden)]
pub struct Values<T, C> {
    pub values: Vec<T>,
    count: PhantomData<C>,
}

/// The count is a parameter of its own, not `S::Count`, so that the values have a concrete type
/// even when `S` is a list of the wrong item type: the type error is then reported once, on
/// the expression, and not again wherever the count is used.
#[doc(hidden)]
pub fn values<T, C: Count, S: IntoSlot<T, Count = C>>(slot: S) -> Values<T, C> {
    Values {
        values: slot.into_values(),
        count: PhantomData,
    }
}

/// Whether any slot so far held a list.
#[doc(hidden)]
pub struct Counter<C>(PhantomData<C>);

#[doc(hidden)]
pub fn counter() -> Counter<One> {
    Counter(PhantomData)
}

#[doc(hidden)]
impl<C: Count> Counter<C> {
    pub fn and<T, D: Count>(self, _: &Values<T, D>) -> Counter<C::Or<D>> {
        Counter(PhantomData)
    }

    pub fn many(self) -> Counter<Many> {
        Counter(PhantomData)
    }

    pub fn finish<B: Finish>(self, builder: B) -> C::Output<B::Out> {
        C::__finish(builder)
    }
}
