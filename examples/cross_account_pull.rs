//! Cross-account pull: a whole account, and one role of it, may pull images.
//!
//! Across accounts both sides must allow (ECR-FACTS section 5): this repository policy, and the
//! identity policy of the caller in the other account.
//!
//! ```text
//! cargo run --example cross_account_pull
//! ```
#![warn(clippy::pedantic)]

use ecr_policy::{policy, AccountId};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A runtime value is already validated: `AccountId::new` checked it.
    let consumer = AccountId::new("210987654321")?;
    let policy = policy! {
        sid "CrossAccountPull"
        allow account {consumer.clone()}, role "deployer" in account {consumer}
        pull on repo
    };
    println!("{}", policy.to_json_pretty());
    Ok(())
}
