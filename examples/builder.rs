//! The seed policy, built with the typed builder: the CI/CD user may push and pull.
//!
//! ```text
//! cargo run --example builder
//! AWS_ACCOUNT_ID=210987654321 cargo run --example builder
//! ```

use std::process::ExitCode;

use ecr_policy::{AccountId, Bundle, RepositoryPolicy, Sid, StatementBuilder, UserName, Version};

fn main() -> ExitCode {
    match run() {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<String, Box<dyn std::error::Error>> {
    let account = std::env::var("AWS_ACCOUNT_ID").unwrap_or_else(|_| "123456789012".to_owned());
    let account = AccountId::new(account).map_err(|e| format!("AWS_ACCOUNT_ID: {e}"))?;
    let policy = RepositoryPolicy::builder()
        .version(Version::V2008_10_17)
        .account(account)
        .statement(
            StatementBuilder::allow()
                .sid(Sid::new("AllowPushPullFromCICDUser")?)
                .user(UserName::new("fcj-ecr-ci-cd-user")?)
                .bundle(Bundle::Push)
                .bundle(Bundle::Pull),
        )
        .build()?;
    Ok(policy.to_json_pretty())
}
