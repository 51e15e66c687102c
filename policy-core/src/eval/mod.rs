//! Offline access decisions: "may this principal do this action on this repository?",
//! answered the way AWS combines a repository policy with the caller's identity policy
//! (ECR-FACTS section 5), with an explanation naming the statements that decided and, for
//! each statement that applies, why: the principal that covers the caller and the rule that
//! made each condition hold. [`RegistryEvaluator`] adds the private registry's policy, for
//! cross-account replication, pull through cache and the registry policy scopes.
//!
//! ```
//! use policy_core::eval::{Caller, Evaluator, Outcome, Reason, Request};
//! use policy_core::{AccountId, Action, Bundle, RepositoryPolicy, StatementBuilder, UserName};
//!
//! // The seed's policy: a CI user may push and pull.
//! let repo_account = AccountId::new("123456789012")?;
//! let policy = RepositoryPolicy::builder()
//!     .account(repo_account.clone())
//!     .statement(
//!         StatementBuilder::allow()
//!             .sid("AllowPushPullFromCICDUser".parse()?)
//!             .user(UserName::new("fcj-ecr-ci-cd-user")?)
//!             .bundle(Bundle::Push)
//!             .bundle(Bundle::Pull),
//!     )
//!     .build()?;
//! let repo = "arn:aws:ecr:us-east-1:123456789012:repository/fcj-workshop-app".parse()?;
//! let ci = Caller::user(repo_account, UserName::new("fcj-ecr-ci-cd-user")?);
//! let decision = Evaluator::new(&policy).explain(&Request::new(ci, Action::PutImage, repo));
//! assert_eq!(decision.outcome, Outcome::Allowed);
//! assert_eq!(decision.reason, Reason::SameAccountRepositoryAllow);
//! assert_eq!(decision.deciding[0].sid.as_deref(), Some("AllowPushPullFromCICDUser"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Parts of the evaluator that only the analysis (feature `analysis`) calls.
#![cfg_attr(not(feature = "analysis"), allow(dead_code))]

mod condition;
mod date;
mod decision;
mod keys;
mod prepared;
mod principal_match;
mod registry;
mod request;
mod why;

// What the analysis and the tools above share with the evaluator (feature `analysis`).
#[cfg(feature = "analysis")]
pub(crate) use condition::{ContextSource, Lookup, Tri};

/// Internals the policy checks of [`crate::tools::assert`] share.
#[cfg(feature = "analysis")]
pub(crate) mod condition_internals {
    pub(crate) use super::condition::PreparedCondition;
}
#[cfg(feature = "analysis")]
pub(crate) use date::format_date;
#[cfg(feature = "analysis")]
pub(crate) use prepared::{PreparedPolicy, PreparedStatement};
#[cfg(feature = "analysis")]
pub(crate) use principal_match::{element_matches, principal_matches};

pub use date::parse_date;
pub use decision::{
    Decision, EvaluatedPolicy, Evaluator, Mismatch, Outcome, Reason, StatementRef, StatementReport,
};
pub use principal_match::{PrincipalCover, PrincipalMatch};
pub use registry::RegistryEvaluator;

pub use request::{Caller, ContextValue, Request, RequestAction};
pub use why::{Applies, ConditionRule, HeldCondition};
