//! The typed model of AWS ECR repository policies, a builder, and the exact JSON ECR takes and
//! hands back.
//!
//! Most users depend on `ecr-policy`, which re-exports this crate together with the `policy!`
//! macro. At the root are the names nearly every user needs: [`RepositoryPolicy`], the
//! [builder](RepositoryPolicy::builder) ([`PolicyBuilder`], [`StatementBuilder`],
//! [`PolicyTemplate`] for a policy whose account is bound later), the validated names
//! ([`AccountId`], [`UserName`], [`RoleName`], [`Sid`], ...), [`Action`], [`Bundle`],
//! [`Effect`] and [`Version`]. The rest is in modules named after their job:
//!
//! - [`model`]: the IAM grammar ECR uses ([`PolicyDocument`], [`Statement`](model::Statement),
//!   [`Principal`](model::Principal), [`Condition`](model::Condition), ...);
//! - [`names`]: every validated name, with the less common ones ([`IamPath`](names::IamPath),
//!   [`Partition`](names::Partition), [`Region`](names::Region));
//! - [`json`]: reading policies with located errors ([`ParseError`](json::ParseError),
//!   [`ParsedPolicy`](json::ParsedPolicy), [`Limits`](json::Limits)); writing is
//!   [`RepositoryPolicy::to_json`], [`to_json_pretty`](RepositoryPolicy::to_json_pretty) and
//!   [`to_aws_json`](RepositoryPolicy::to_aws_json), the text `GetRepositoryPolicy` returns;
//! - [`access`]: who can do what on the repository, exactly, each grant with a request the
//!   evaluator confirms;
//! - [`lint`]: findings about a policy, judged by the same rules as the macro;
//! - [`compare`]: policies compared by what they grant ([`equivalent`](compare::equivalent),
//!   [`diff`](compare::diff));
//! - [`eval`]: offline access decisions; [`assert`](mod@assert): tests of what a policy grants;
//! - [`dsl`]: a policy as `policy!` source; [`catalogue`]: the action catalogue, action
//!   patterns, condition operators and keys, and the naming rules.
//!
//! ```
//! use policy_core::{AccountId, Bundle, RepositoryPolicy, StatementBuilder, UserName, Version};
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
//! println!("{}", policy.to_json_pretty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! `analysis` (default) brings [`lint`], [`access`], [`compare`], [`summary`],
//! [`assert`](mod@assert) and [`dsl`], on the exact analysis engine (`policy-analysis`), and
//! includes `eval`, the offline evaluator ([`eval`]). `serde` adds Serialize and Deserialize
//! for the value types. With `default-features = false` the crate is the model, the builder
//! and the JSON: what the expansion of `policy!` needs, at about half the compile time.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_code)]
#![warn(missing_docs)]

// From the bottom floor up; a module imports only from its own floor or the floors below
// (`tests/layers.rs` keeps it so). The public modules below re-export from the floors.
pub mod model;

mod build;
#[cfg(feature = "eval")]
pub mod eval;
pub mod json;

#[cfg(feature = "analysis")]
mod analysis;

#[cfg(feature = "analysis")]
mod tools;

#[cfg(feature = "analysis")]
pub use analysis::access;
#[cfg(feature = "analysis")]
pub use analysis::lint;
#[cfg(feature = "analysis")]
pub use analysis::summary;
pub mod builder {
    //! The typed builders: [`PolicyBuilder`] and [`StatementBuilder`] for repository policies
    //! (the policy's account bound in the types, [`PolicyTemplate`] until it is known), and the
    //! builders of registry, ECR Public and identity policies with the resources they name
    //! ([`Registry`], [`Repositories`], [`IdentityResource`]).
    pub use crate::build::builder::*;
    pub use crate::build::kinds::{
        IdentityPolicyBuilder, IdentityResource, PublicRepositoryPolicyBuilder, Registry,
        RegistryPolicyBuilder, Repositories,
    };
}
pub use build::slot;
#[cfg(feature = "analysis")]
pub use tools::assert;

pub use build::builder::{BuildError, PolicyBuilder, PolicyTemplate, StatementBuilder};
pub use model::names::{
    AccountId, OrgId, PolicyId, RepositoryName, RoleName, RuleViolation, ServiceName, SessionName,
    Sid, UserName,
};
pub use model::{Effect, PolicyDocument, RepositoryPolicy, Version};
pub use policy_catalogue::{Action, Bundle, UnknownAction, UnknownBundle};

pub mod names {
    //! Validated names: account ids, IAM user and role names, service principals, Sids and more.
    //!
    //! Every constructor checks its input against the rule in [`catalogue::rules`](crate::catalogue::rules),
    //! the same function the `policy!` macro runs at compile time. The common names are also at
    //! the crate root.
    pub use crate::model::names::{
        AccountId, IamPath, OrgId, Partition, PolicyId, Region, RepositoryName, RoleName,
        RuleViolation, ServiceName, SessionName, Sid, UserName,
    };
}

#[cfg(feature = "analysis")]
pub mod compare {
    //! Policies compared by what they grant, not by their text: [`equivalent`] says whether two
    //! grant the same access, [`diff`] says what changes, in words a reviewer understands.
    //!
    //! Two repository policies are compared by the access analysis: they are equivalent when
    //! no request is allowed by one and refused by the other, on any repository and whatever
    //! the callers' identity policies, and [`diff`] shows each class of callers and group of
    //! actions that one allows and the other does not, with a [`Counterexample`]: a request
    //! the evaluator allows under one policy and refuses under the other. So two policies that
    //! grant the same access in other words (`ecr:Batch*` for the two `Batch` actions, a
    //! condition that narrows nothing, a deny of the rest instead of a condition on the allow)
    //! are equivalent.
    //!
    //! Other documents (registry, ECR Public and identity policies, and repository policies
    //! beyond the analysis, see [`equivalent`]) are taken apart into grants: one effect for
    //! one principal, one action, one resource, under one set of conditions. Two documents are
    //! equivalent when their grants are the same, once grants covered by a wider one (`ecr:*`
    //! covers `ecr:PutImage`, `"*"` covers every principal) are left out. So the order of
    //! statements, actions, principals and values, a string versus a one-element list, the
    //! letter case of actions and condition keys, and a bare account id versus its root ARN
    //! make no difference. That comparison is conservative: equivalent documents grant the same
    //! access, but two that grant the same access through different conditions or overlapping
    //! patterns may be reported as different.
    //!
    //! [`exact_diff`] answers from the access analysis for one repository and one reading of
    //! the identity policies ([`AnalysisOptions`](crate::access::AnalysisOptions)).
    pub use crate::analysis::access::{exact_diff, ExactDiff};
    pub use crate::analysis::changes::{Counterexample, MAX_OWNERS};
    pub use crate::analysis::diff::{diff, diff_with, AccessChange, DiffOptions, PolicyDiff};
    pub use crate::analysis::equivalence::equivalent;
}

#[cfg(feature = "analysis")]
pub mod dsl {
    //! Back to code: [`PolicyDocument::to_dsl`](crate::PolicyDocument::to_dsl) writes a policy
    //! as `policy! { ... }` source, or says with [`NotExpressible`] why the macro cannot.
    pub use crate::tools::to_dsl::NotExpressible;
}

/// The action catalogue, action patterns, condition operators and keys, and the naming rules
/// this crate is built on.
pub use policy_catalogue as catalogue;
