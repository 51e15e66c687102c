//! Lambda may fetch the image of a container function, only for functions of this account.
//! This is the policy the Lambda console sets (ECR-FACTS section 4, capture 2), with the
//! source guard added.
//!
//! ```text
//! cargo run --example lambda_service
//! ```
#![warn(clippy::pedantic)]

use ecr_policy::policy;

fn main() {
    let policy = policy! {
        sid "LambdaECRImageRetrievalPolicy"
        allow service "lambda.amazonaws.com" BatchGetImage, GetDownloadUrlForLayer on repo
            when source_account "123456789012"
            and source_arn "arn:aws:lambda:us-east-1:123456789012:function:*"
    };
    println!("{}", policy.to_json_pretty());
}
