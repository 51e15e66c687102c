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
