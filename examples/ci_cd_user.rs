//! The seed policy, written with the `policy!` macro: the CI/CD user may push and pull.
//!
//! ```text
//! cargo run --example ci_cd_user
//! AWS_ACCOUNT_ID=210987654321 cargo run --example ci_cd_user
//! ```
#![warn(clippy::pedantic)]

use std::process::ExitCode;

use ecr_policy::{policy, AccountId};

fn main() -> ExitCode {
    let account = std::env::var("AWS_ACCOUNT_ID").unwrap_or_else(|_| "123456789012".to_owned());
    let account = match AccountId::new(account) {
        Ok(account) => account,
        Err(e) => {
            eprintln!("error: AWS_ACCOUNT_ID: {e}");
            return ExitCode::from(2);
        }
    };
    let template = policy! {
        version "2008-10-17";
        sid "AllowPushPullFromCICDUser" allow user "fcj-ecr-ci-cd-user" push, pull on repo
    };
    println!("{}", template.bind(account).to_json_pretty());
    ExitCode::SUCCESS
}
