//! Deny every repository action to callers outside the office networks. An explicit deny wins
//! over every allow (ECR-FACTS section 5). `ecr:*` rather than the
//! `all` bundle, so that a deny also covers actions added to ECR later; `unless` writes the
//! negated operator, `NotIpAddress`.
//!
//! ```text
//! cargo run --example deny_outside_ip
//! ```
#![warn(clippy::pedantic)]

use ecr_policy::policy;

fn main() {
    let policy = policy! {
        sid "DenyOutsideOffice"
        deny anyone ecr:* on repo
            unless source_ip ["203.0.113.0/24", "2001:db8::/32"]
    };
    println!("{}", policy.to_json_pretty());
}
