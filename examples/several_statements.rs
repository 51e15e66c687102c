//! A complete repository policy: the CI/CD user pushes and pulls, another account pulls,
//! `codebuild.amazonaws.com` pulls for this account's projects, callers outside the office are denied, and
//! only the platform administrators may change the policy.
//!
//! The users and roles without `in account` belong to the policy's account, given once.
//!
//! ```text
//! cargo run --example several_statements
//! ```
#![warn(clippy::pedantic)]

use ecr_policy::policy;

fn main() {
    let policy = policy! {
        version "2012-10-17";
        account "123456789012";
        sid "AllowPushPullFromCICDUser"
            allow user "fcj-ecr-ci-cd-user" push, pull on repo;
        sid "CrossAccountPull"
            allow account "210987654321" pull on repo;
        sid "CodeBuild"
            allow service "codebuild.amazonaws.com" pull on repo
            when source_account "123456789012"
            and source_arn "arn:aws:codebuild:us-east-1:123456789012:project/*";
        sid "DenyOutsideOffice"
            deny anyone ecr:* on repo unless source_ip ["203.0.113.0/24", "2001:db8::/32"];
        sid "OnlyAdminsChangeThePolicy"
            deny anyone except role "platform-admin" policy on repo
    };
    println!("{}", policy.to_json_pretty());
}
