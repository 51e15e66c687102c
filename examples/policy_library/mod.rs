//! A policy library: the repository policies an organization allows, each a function of its
//! inputs, vetted once and pinned by tests (`tests/library.rs`).
//!
//! The pattern:
//! - one function per kind of policy, taking typed inputs (account ids, role names, ...), so a
//!   caller cannot pass a malformed name, and returning the policy (or a `Result` when an
//!   input list may be empty);
//! - statements shared by several policies written once with `statement!`;
//! - for each function, a test that snapshots the JSON and the access summary (`insta`), so a
//!   review of a change reads the change of access, and an assertion of the access it must or
//!   must not grant (`ecr_policy::assert`).

use ecr_policy::{
    policy, statement, AccountId, BuildError, OrgId, RepositoryPolicy, RoleName, StatementBuilder,
};

/// No pushes or deletes from outside the company VPC, whoever the caller.
pub fn deny_writes_outside_vpc(vpc: &str) -> StatementBuilder {
    let vpc = ecr_policy::model::ConditionValue::from(vpc.to_owned());
    statement! {
        sid "DenyWritesOutsideVpc" deny anyone push, delete on repo
            when StringNotEquals "aws:SourceVpc" {vpc}
    }
}

/// The CI role of the repository's account pushes and pulls; nobody writes from outside the
/// VPC.
///
/// The shared statement is spliced in, so the result is checked when built: a `Result`.
pub fn ci_push_pull(
    account: AccountId,
    ci_role: RoleName,
    vpc: &str,
) -> Result<RepositoryPolicy, BuildError> {
    policy! {
        account {account};
        sid "CiPushPull" allow role {ci_role} push, pull on repo;
        {deny_writes_outside_vpc(vpc)}
    }
}

/// Partner accounts pull. Refused when there is no partner: a statement without principal
/// cannot be sent to ECR.
pub fn partners_pull(partners: Vec<AccountId>) -> Result<RepositoryPolicy, BuildError> {
    policy! { sid "PartnersPull" allow account {partners} pull on repo }
}

/// Everyone in the organizations pulls.
pub fn organization_pull(orgs: Vec<OrgId>) -> Result<RepositoryPolicy, BuildError> {
    policy! { sid "OrganizationPull" allow org {orgs} pull on repo }
}

/// CodeBuild pulls for the projects of one account only (the confused-deputy guard).
pub fn codebuild_pull(source_account: AccountId) -> RepositoryPolicy {
    policy! {
        sid "CodeBuildPull" allow service "codebuild.amazonaws.com" pull on repo
            when source_account {source_account}
    }
}
