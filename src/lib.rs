//! AWS ECR repository policies in Rust: a typed model, a builder, and the exact JSON ECR takes
//! and hands back.
//!
//! This crate re-exports [`policy_core`]; see its items below.
//!
//! ```
//! use ecr_policy::{AccountId, Bundle, RepositoryPolicy, StatementBuilder, UserName, Version};
//!
//! let policy = RepositoryPolicy::builder()
//!     .version(Version::V2008_10_17)
//!     .account(AccountId::new("123456789012")?)
//!     .statement(
//!         StatementBuilder::allow()
//!             .sid("AllowPushPullFromCICDUser".parse()?)
//!             .user(UserName::new("fcj-ecr-ci-cd-user")?)
//!             .bundle(Bundle::Push)
//!             .bundle(Bundle::Pull),
//!     )
//!     .build()?;
//! assert!(policy.to_json().starts_with(r#"{"Version":"2008-10-17","Statement":[{"Sid":"AllowPushPullFromCICDUser""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use policy_core::*;

#[doc(hidden)]
pub mod __private {
    pub use policy_macros::policy_impl;
}

/// A repository policy written as a sentence, checked when your code compiles.
///
/// ```
/// let policy = ecr_policy::policy! {
///     account "123456789012";
///     allow user "fcj-ecr-ci-cd-user" push, pull on repo
/// };
/// assert!(policy.to_json().contains("fcj-ecr-ci-cd-user"));
/// ```
#[macro_export]
macro_rules! policy {
    ($($tokens:tt)*) => {
        $crate::__private::policy_impl! { ($crate) $($tokens)* }
    };
}
