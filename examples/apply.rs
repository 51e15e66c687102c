//! Sets the seed policy (the CI/CD user may push and pull) on a repository, reads it back and
//! prints the drift report. Exits with 1 when the deployed policy has drifted from the code.
//!
//! ```text
//! AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//! AWS_ACCOUNT_ID=210987654321 ECR_REPOSITORY=fcj-workshop-app \
//!     cargo run --features aws --example apply
//! ```
//!
//! The region, credentials and retry settings come from the environment and the AWS profile,
//! as for the AWS CLI (`AWS_PROFILE`, SSO, web identity: see `aws::client_from_env`).
//! `AWS_ENDPOINT_URL` points it at another ECR API server, such as a local one for tests.
//! `AWS_ACCOUNT_ID` is the account of the CI/CD user (default `123456789012`), `ECR_REPOSITORY`
//! the repository, which must exist (default `fcj-workshop-app`).

use std::process::ExitCode;

use ecr_policy::aws::{self, Drift, Repository};
use ecr_policy::{policy, AccountId, RepositoryName, RepositoryPolicy};

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The seed policy for `account`: every word is checked when the example compiles.
fn seed_policy(account: AccountId) -> RepositoryPolicy {
    policy! {
        version "2008-10-17";
        account {account};
        sid "AllowPushPullFromCICDUser" allow user "fcj-ecr-ci-cd-user" push, pull on repo
    }
}

/// Applies, reads back and compares; `Ok(true)` when in sync.
async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let account = std::env::var("AWS_ACCOUNT_ID").unwrap_or_else(|_| "123456789012".to_owned());
    let account = AccountId::new(account).map_err(|e| format!("AWS_ACCOUNT_ID: {e}"))?;
    let name = std::env::var("ECR_REPOSITORY").unwrap_or_else(|_| "fcj-workshop-app".to_owned());
    let name = RepositoryName::new(name).map_err(|e| format!("ECR_REPOSITORY: {e}"))?;
    let policy = seed_policy(account);

    let client = aws::client_from_env().await?;
    let repo = Repository::new(name);

    match aws::apply(&client, &repo, &policy).await {
        Ok(_) => println!("applied the policy to {repo}"),
        // The answer was lost after the request went out, but ECR, asked again, holds the
        // policy: the job is done.
        Err(
            e @ aws::Error::Unconfirmed {
                deployed: Ok(Drift::InSync),
                ..
            },
        ) => {
            eprintln!("warning: {e}");
            println!("the policy is on {repo}");
        }
        Err(e) => return Err(e.into()),
    }

    match aws::fetch(&client, &repo).await? {
        Some(deployed) => println!("ECR holds:\n{}", deployed.text()),
        None => println!("ECR holds no policy"),
    }

    let drift = aws::drift(&client, &repo, &policy).await?;
    println!("{drift}");
    Ok(drift.is_in_sync())
}
