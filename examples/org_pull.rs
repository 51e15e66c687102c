//! Everyone in an AWS Organization may pull: `"Principal": "*"` narrowed by
//! `aws:PrincipalOrgID`.
//!
//! ```text
//! cargo run --example org_pull
//! ```
#![warn(clippy::pedantic)]

use ecr_policy::policy;

fn main() {
    let policy = policy! {
        sid "OrganizationPull"
        allow org "o-a1b2c3d4e5" pull on repo
    };
    println!("{}", policy.to_json_pretty());
}
