//! `codebuild.amazonaws.com` may pull build images, but only for projects of this account: the service
//! principal is guarded by `aws:SourceAccount` and `aws:SourceArn` (the confused-deputy guard,
//! ECR-FACTS section 3).
//!
//! ```text
//! cargo run --example codebuild_service
//! ```
#![warn(clippy::pedantic)]

use ecr_policy::policy;

fn main() {
    let policy = policy! {
        sid "CodeBuildAccess"
        allow service "codebuild.amazonaws.com" pull on repo
            when source_account "123456789012"
            and source_arn "arn:aws:codebuild:us-east-1:123456789012:project/*"
    };
    println!("{}", policy.to_json_pretty());
}
