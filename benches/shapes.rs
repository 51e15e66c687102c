//! The same policies in the forms the benchmarks compare: this crate's model, a plain
//! `#[derive(Serialize)]` struct (the practical floor), and `serde_json::json!` (what users
//! write today). Statement `i` grants push and pull to one user; odd statements also carry a
//! `StringEquals aws:SourceAccount` condition.

#![allow(dead_code)]

use ecr_policy::catalogue::ConditionOperator;
use ecr_policy::model::{Condition, ConditionKey, ConditionValue};
use ecr_policy::{AccountId, Bundle, RepositoryPolicy, Sid, StatementBuilder, UserName, Version};
use serde::Serialize;

pub const SIZES: [usize; 3] = [1, 10, 100];
pub const ACCOUNT: &str = "123456789012";
pub const ACTIONS: [&str; 7] = [
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "ecr:BatchCheckLayerAvailability",
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
];

/// Builds the policy of `n` statements with the typed builder.
pub fn model(n: usize) -> RepositoryPolicy {
    let account = AccountId::new(ACCOUNT).unwrap();
    let mut builder = RepositoryPolicy::builder()
        .version(Version::V2012_10_17)
        .account(account.clone());
    for i in 0..n {
        let mut s = StatementBuilder::allow()
            .sid(Sid::new(format!("AllowPushPull{i}")).unwrap())
            .user(UserName::new(format!("ci-user-{i}")).unwrap())
            .bundle(Bundle::Push)
            .bundle(Bundle::Pull);
        if i % 2 == 1 {
            s = s.condition(Condition::new(
                ConditionOperator::from(ecr_policy::catalogue::Operator::StringEquals),
                ConditionKey::new("aws:SourceAccount").unwrap(),
                [ConditionValue::from(ACCOUNT)],
            ));
        }
        builder = builder.statement(s);
    }
    builder.build().unwrap()
}

#[derive(Serialize)]
pub struct Doc {
    #[serde(rename = "Version")]
    pub version: &'static str,
    #[serde(rename = "Statement")]
    pub statement: Vec<Stmt>,
}

#[derive(Serialize)]
pub struct Stmt {
    #[serde(rename = "Sid")]
    pub sid: String,
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    #[serde(rename = "Principal")]
    pub principal: Aws,
    #[serde(rename = "Action")]
    pub action: Vec<&'static str>,
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    pub condition: Option<StringEquals>,
}

#[derive(Serialize)]
pub struct Aws {
    #[serde(rename = "AWS")]
    pub aws: String,
}

#[derive(Serialize)]
pub struct StringEquals {
    #[serde(rename = "StringEquals")]
    pub string_equals: SourceAccount,
}

#[derive(Serialize)]
pub struct SourceAccount {
    #[serde(rename = "aws:SourceAccount")]
    pub source_account: &'static str,
}

/// The same policy as a plain derive struct.
pub fn derived(n: usize) -> Doc {
    Doc {
        version: "2012-10-17",
        statement: (0..n)
            .map(|i| Stmt {
                sid: format!("AllowPushPull{i}"),
                effect: "Allow",
                principal: Aws {
                    aws: format!("arn:aws:iam::{ACCOUNT}:user/ci-user-{i}"),
                },
                action: ACTIONS.to_vec(),
                condition: (i % 2 == 1).then_some(StringEquals {
                    string_equals: SourceAccount {
                        source_account: ACCOUNT,
                    },
                }),
            })
            .collect(),
    }
}

/// The same policy written with `serde_json::json!`, as users write it by hand today.
pub fn json_macro(n: usize) -> serde_json::Value {
    let statements: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut s = serde_json::json!({
                "Sid": format!("AllowPushPull{i}"),
                "Effect": "Allow",
                "Principal": { "AWS": format!("arn:aws:iam::{ACCOUNT}:user/ci-user-{i}") },
                "Action": [
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:PutImage",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload"
                ]
            });
            if i % 2 == 1 {
                s["Condition"] =
                    serde_json::json!({ "StringEquals": { "aws:SourceAccount": ACCOUNT } });
            }
            s
        })
        .collect();
    serde_json::json!({ "Version": "2012-10-17", "Statement": statements })
}

/// The repository `iam_rs_policy` names: ECR repository policies carry no `Resource`, while
/// `iam-rs` matches resources.
pub const REPOSITORY: &str = "arn:aws:ecr:us-east-1:123456789012:repository/app";

pub fn iam_rs_policy(n: usize) -> iam_rs::IAMPolicy {
    let mut json: serde_json::Value = serde_json::from_str(&model(n).to_json()).unwrap();
    for s in json["Statement"].as_array_mut().unwrap() {
        s["Resource"] = serde_json::Value::from(REPOSITORY);
    }
    iam_rs::IAMPolicy::from_json(&json.to_string()).unwrap()
}

pub fn iam_rs_request(user: &str, action: &str) -> iam_rs::IAMRequest {
    let mut context = iam_rs::Context::new();
    context.insert(
        "aws:SourceAccount".to_owned(),
        iam_rs::ContextValue::String(ACCOUNT.to_owned()),
    );
    iam_rs::IAMRequest::new_with_context(
        iam_rs::Principal::Aws(iam_rs::PrincipalId::String(format!(
            "arn:aws:iam::{}:user/{user}",
            ACCOUNT
        ))),
        action,
        iam_rs::Arn::parse(REPOSITORY).unwrap(),
        context,
    )
}
