//! The catalogue behind ECR repository policies: every `ecr:` and `ecr-public:`
//! action with its access level, resource type and condition keys; the named
//! action bundles of the policy DSL; wildcard action patterns; condition operators
//! and keys; and the naming rules (account ids, role names, repository names, ...)
//! that policies must follow.
//!
//! The crate has no dependencies, so both the runtime library and the `policy!`
//! macro can use it without slowing builds. The optional `serde` feature makes
//! [`Action`] and [`PublicAction`] serialize as their policy text.
//!
//! ```
//! use policy_catalogue::{Action, ActionPattern, Bundle};
//!
//! let action: Action = "ecr:BatchGetImage".parse().unwrap();
//! assert!(Bundle::Pull.actions().contains(&action));
//!
//! let pattern = ActionPattern::new("ecr:Batch*").unwrap();
//! assert!(pattern.matching_actions().contains(&action));
//! ```
//!
//! The action tables come from `data/ecr-actions.tsv`, a copy of the AWS Service
//! Authorization Reference whose source and date are [`DATA_SOURCE`] and [`DATA_DATE`];
//! `src/generated.rs` is generated from it by a test
//! (`UPDATE_CATALOGUE=1 cargo test -p policy-catalogue --test generate`), and the file
//! is refreshed from AWS's machine-readable data by `scripts/refresh-catalogue.sh`
//! (see the crate's README).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod action;
pub mod bundle;
pub mod checks;
pub mod condition;
mod generated;
mod name_hash;
pub mod pattern;
pub mod principal_arn;
pub mod public_action;
pub mod rules;
#[cfg(feature = "serde")]
mod serde_impls;
pub mod suggest;
#[cfg(test)]
mod test_random;

pub use action::{AccessLevel, Action, ResourceType, UnknownAction};
pub use bundle::{Bundle, UnknownBundle};
pub use condition::{
    known_key, operator_fits_key, ConditionOperator, InvalidConditionOperator, KeyType, KnownKey,
    Operator, OperatorFamily, SetQualifier, KNOWN_KEYS,
};
pub use generated::{DATA_DATE, DATA_SOURCE};
pub use pattern::{action_bits, wildcard_match, ActionPattern, InvalidActionPattern};
pub use public_action::{PublicAction, UnknownPublicAction};
pub use rules::{
    check_account_id, check_condition_key, check_iam_path, check_ip_or_cidr, check_organization_id,
    check_partition, check_policy_id, check_region, check_repository_name, check_role_name,
    check_service_principal, check_session_name, check_sid, check_user_name, check_version,
    is_iam_strict_sid, RuleViolation,
};
pub use suggest::closest;
