//! A policy library in use: the vetted policies of `policy_library`, printed with the access
//! each grants. Run with `cargo run --example library`.

mod policy_library;

use ecr_policy::{AccountId, RoleName};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let account = AccountId::new("123456789012")?;
    let ci = policy_library::ci_push_pull(account, RoleName::new("ci")?, "vpc-1a2b3c4d")?;
    println!("{}", ci.summary());
    let partners = ["111122223333", "444455556666"]
        .into_iter()
        .map(AccountId::new)
        .collect::<Result<Vec<_>, _>>()?;
    let pull = policy_library::partners_pull(partners)?;
    println!("{}", pull.summary());
    println!("{}", pull.to_json_pretty());
    let org = policy_library::organization_pull(vec![ecr_policy::OrgId::new("o-a1b2c3d4e5")?])?;
    println!("{}", org.summary());
    let codebuild = policy_library::codebuild_pull(AccountId::new("123456789012")?);
    println!("{}", codebuild.summary());
    Ok(())
}
