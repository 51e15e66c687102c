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

/// The synthetic policy's shape as a plain `#[derive(Deserialize)]` struct: the floor for
/// reading it without checking anything.
#[derive(serde::Deserialize)]
pub struct DocIn {
    #[serde(rename = "Version")]
    pub version: String,
    #[serde(rename = "Statement")]
    pub statement: Vec<StmtIn>,
}

#[derive(serde::Deserialize)]
pub struct StmtIn {
    #[serde(rename = "Sid")]
    pub sid: String,
    #[serde(rename = "Effect")]
    pub effect: String,
    #[serde(rename = "Principal")]
    pub principal: AwsIn,
    #[serde(rename = "Action")]
    pub action: Vec<String>,
    #[serde(rename = "Condition")]
    pub condition:
        Option<std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>>,
}

#[derive(serde::Deserialize)]
pub struct AwsIn {
    #[serde(rename = "AWS")]
    pub aws: String,
}

/// Every shape the corpus holds, as a `#[derive(Deserialize)]` struct: a string or a list
/// wherever IAM allows either, `Principal` as `"*"` or a map, a statement or a list of them.
#[derive(serde::Deserialize)]
pub struct AnyDoc {
    #[serde(rename = "Version")]
    pub version: Option<String>,
    #[serde(rename = "Id")]
    pub id: Option<String>,
    #[serde(rename = "Statement")]
    pub statement: OneOrMany<AnyStmt>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
pub enum AnyPrincipal {
    Star(String),
    Map(std::collections::BTreeMap<String, OneOrMany<String>>),
}

#[derive(serde::Deserialize)]
pub struct AnyStmt {
    #[serde(rename = "Sid")]
    pub sid: Option<String>,
    #[serde(rename = "Effect")]
    pub effect: String,
    #[serde(rename = "Principal")]
    pub principal: Option<AnyPrincipal>,
    #[serde(rename = "NotPrincipal")]
    pub not_principal: Option<AnyPrincipal>,
    #[serde(rename = "Action")]
    pub action: Option<OneOrMany<String>>,
    #[serde(rename = "NotAction")]
    pub not_action: Option<OneOrMany<String>>,
    #[serde(rename = "Resource")]
    pub resource: Option<OneOrMany<String>>,
    #[serde(rename = "NotResource")]
    pub not_resource: Option<OneOrMany<String>>,
    #[serde(rename = "Condition")]
    pub condition: Option<
        std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, OneOrMany<serde_json::Value>>,
        >,
    >,
}

/// The repository's own corpus of valid ECR policies (`tests/corpus/valid`), in file order:
/// the real shapes, beside the synthetic one.
pub fn corpus() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus/valid");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/corpus/valid")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// The policies of the shared corpus (`../shared/corpus/policies` beside the repository, or
/// `ECR_POLICY_CORPUS`), those that read as policy documents; empty when it is absent.
pub fn shared_corpus() -> Vec<String> {
    let dir = std::env::var_os("ECR_POLICY_CORPUS").map_or_else(
        || std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus")),
        std::path::PathBuf::from,
    );
    let Ok(entries) = std::fs::read_dir(dir.join("policies")) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|t| ecr_policy::PolicyDocument::from_json(t).is_ok())
        .collect()
}

/// ECR's limit on a repository policy's text.
pub const MAX_POLICY_LENGTH: usize = 10_240;

/// Policies that fill ECR's size limit with the statements that cost the analysis most, one
/// per name: public pulls behind wildcard conditions, denies by network, service principals
/// with source conditions, one statement trusting many accounts, one list of action
/// patterns, a principal of its own in every statement, and denies with wildcard
/// conditions. Each holds as many statements (or entries) as fit in 10,240 characters.
pub fn at_limit() -> Vec<(&'static str, String)> {
    use serde_json::json;
    let account = |i: usize| format!("{:012}", 100_000_000_000 + i * 7_919);
    let fill = |make: &dyn Fn(usize) -> serde_json::Value| {
        let mut statements: Vec<serde_json::Value> = Vec::new();
        let mut text = String::new();
        for i in 0.. {
            statements.push(make(i));
            let next = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
            if next.len() > MAX_POLICY_LENGTH {
                break;
            }
            text = next;
        }
        text
    };
    let public = fill(&|i| {
        json!({"Sid": format!("Public{i}"), "Effect": "Allow", "Principal": "*",
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Condition": {"StringLike": {"aws:PrincipalOrgID": format!("o-{i}*")},
                "ArnNotLike": {"aws:PrincipalArn": format!("arn:aws:iam::{}:role/*", account(i))}}})
    });
    let denies = fill(&|i| {
        if i == 0 {
            json!({"Effect": "Allow", "Principal": "*", "Action": "ecr:*"})
        } else {
            json!({"Sid": format!("Deny{i}"), "Effect": "Deny", "Principal": "*",
                "Action": "ecr:*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": [format!("10.{i}.0.0/16"), format!("2001:db8:{i:x}::/48")]}}})
        }
    });
    let services = fill(&|i| {
        json!({"Sid": format!("Service{i}"), "Effect": "Allow",
            "Principal": {"Service": format!("service{i}.amazonaws.com")},
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Condition": {"StringEquals": {"aws:SourceAccount": account(i)},
                "ArnLike": {"aws:SourceArn": format!("arn:aws:codebuild:us-east-1:{}:project/*", account(i))}}})
    });
    let accounts = {
        let mut n = 1;
        let mut text = String::new();
        loop {
            let roots: Vec<String> = (0..n)
                .map(|i| format!("arn:aws:iam::{}:root", account(i)))
                .collect();
            let next = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": roots}, "Action": ["ecr:BatchGetImage", "ecr:PutImage"],
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]})
            .to_string();
            if next.len() > MAX_POLICY_LENGTH {
                break text;
            }
            text = next;
            n += 1;
        }
    };
    let patterns = {
        let words = [
            "Batch", "Get", "Put", "List", "Describe", "Upload", "Complete", "Initiate", "Delete",
            "Set",
        ];
        let mut n = 1;
        let mut text = String::new();
        loop {
            let actions: Vec<String> = (0..n)
                .map(|i| format!("ecr:{}*{}?", words[i % words.len()], i % 7))
                .collect();
            let next = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": actions}]})
            .to_string();
            if next.len() > MAX_POLICY_LENGTH {
                break text;
            }
            text = next;
            n += 1;
        }
    };
    // Every statement names a principal of its own (a role of its own account): as many
    // caller classes as statements, each decided against every statement.
    let principals = fill(&|i| {
        json!({"Sid": format!("Role{i}"), "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{}:role/deploy-{i}", account(i))},
            "Action": ["ecr:BatchGetImage", "ecr:PutImage"]})
    });
    // A public pull beside denies whose conditions hold wildcards: each deny is escaped by
    // falsifying one of its tests, for every class and probe.
    let wildcard_denies = fill(&|i| {
        if i == 0 {
            json!({"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"})
        } else {
            json!({"Sid": format!("Deny{i}"), "Effect": "Deny", "Principal": "*",
                "Action": "ecr:*",
                "Condition": {"StringLike": {"aws:PrincipalArn": format!("arn:aws:iam::*:role/team-{i}-*")},
                    "StringNotLike": {"aws:userid": format!("*:ci-{i}-*")}}})
        }
    });
    vec![
        ("public_conditions", public),
        ("network_denies", denies),
        ("service_sources", services),
        ("many_accounts", accounts),
        ("action_patterns", patterns),
        ("distinct_principals", principals),
        ("wildcard_denies", wildcard_denies),
    ]
}

/// One statement whose `Action` lists `n` entries, patterns and names in turn: the growth of
/// the lint with the length of a list.
pub fn entries(n: usize) -> String {
    let words = [
        "Batch", "Get", "Put", "List", "Describe", "Upload", "Complete", "Initiate",
    ];
    let actions: Vec<String> = (0..n)
        .map(|i| {
            if i % 2 == 0 {
                format!("ecr:{}*{}?", words[i % words.len()], i % 7)
            } else {
                ACTIONS[i % ACTIONS.len()].to_owned()
            }
        })
        .collect();
    serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": actions}]})
    .to_string()
}

/// One policy of the corpus with the requests both evaluators answer alike.
pub struct CorpusDecisions {
    pub ours: ecr_policy::PolicyDocument,
    pub theirs: iam_rs::IAMPolicy,
    pub requests: Vec<(ecr_policy::eval::Request, iam_rs::IAMRequest)>,
}

/// The corpus's policies, each asked to pull, push and delete the repository by every principal
/// it names (accounts as their root user, services as themselves) and by two strangers. A
/// request is kept only where both evaluators give the same answer (allowed, explicitly denied,
/// or neither): `iam-rs` reads a policy alone, so the cross-account grants that AWS completes
/// with the caller's identity policy, `NotPrincipal` and a few operators differ, and a policy
/// `iam-rs` cannot read is left out. `iam-rs`'s copy names the repository as `Resource` where a
/// statement has none.
pub fn corpus_decisions() -> Vec<CorpusDecisions> {
    use ecr_policy::eval::{Caller, Evaluator, Outcome, Request};
    use ecr_policy::{Action, PolicyDocument, ServiceName};
    let repository: ecr_policy::model::RepositoryArn = REPOSITORY.parse().unwrap();
    let mut out = Vec::new();
    for text in corpus() {
        let ours = PolicyDocument::from_json(&text).unwrap();
        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let statements = match &mut json["Statement"] {
            serde_json::Value::Array(list) => list.iter_mut().collect::<Vec<_>>(),
            one => vec![one],
        };
        let mut names: Vec<(bool, String)> = Vec::new();
        for s in statements {
            if s.get("Resource").is_none() && s.get("NotResource").is_none() {
                s["Resource"] = serde_json::Value::from(REPOSITORY);
            }
            for (key, service) in [("AWS", false), ("Service", true)] {
                match s.get("Principal").and_then(|p| p.get(key)) {
                    Some(serde_json::Value::String(one)) => names.push((service, one.clone())),
                    Some(serde_json::Value::Array(many)) => names.extend(
                        many.iter()
                            .filter_map(|v| v.as_str())
                            .map(|v| (service, v.to_owned())),
                    ),
                    _ => {}
                }
            }
        }
        let Ok(theirs) = iam_rs::IAMPolicy::from_json(&json.to_string()) else {
            continue;
        };
        names.push((false, format!("arn:aws:iam::{ACCOUNT}:user/someone")));
        names.push((false, "arn:aws:iam::999999999999:user/stranger".to_owned()));
        names.sort();
        names.dedup();
        let evaluator = Evaluator::new(&ours);
        let prepared = iam_rs::PolicyEvaluator::with_policies(vec![theirs.clone()]);
        let mut requests = Vec::new();
        for (service, name) in names {
            let arn = if !service && name.len() == 12 && name.bytes().all(|b| b.is_ascii_digit()) {
                format!("arn:aws:iam::{name}:root")
            } else {
                name.clone()
            };
            let (caller, principal) = if service {
                let Ok(s) = ServiceName::new(&name) else {
                    continue;
                };
                (
                    Caller::service(s),
                    iam_rs::Principal::Service(iam_rs::PrincipalId::String(name.clone())),
                )
            } else {
                let Ok(c) = Caller::from_arn(&arn) else {
                    continue;
                };
                (
                    c,
                    iam_rs::Principal::Aws(iam_rs::PrincipalId::String(arn.clone())),
                )
            };
            for action in [
                Action::BatchGetImage,
                Action::PutImage,
                Action::DeleteRepository,
            ] {
                let ours_request = Request::new(caller.clone(), action, repository.clone());
                let mut context = iam_rs::Context::new();
                context.insert(
                    "aws:PrincipalArn".to_owned(),
                    iam_rs::ContextValue::String(caller.principal_arn()),
                );
                let theirs_request = iam_rs::IAMRequest::new_with_context(
                    principal.clone(),
                    action.as_str(),
                    iam_rs::Arn::parse(REPOSITORY).unwrap(),
                    context,
                );
                let Ok(result) = prepared.evaluate(&theirs_request) else {
                    continue;
                };
                let same = match evaluator.decide(&ours_request) {
                    Outcome::Allowed => result.decision == iam_rs::Decision::Allow,
                    Outcome::ExplicitlyDenied => result.decision == iam_rs::Decision::Deny,
                    Outcome::ImplicitlyDenied => result.decision == iam_rs::Decision::NotApplicable,
                };
                if same {
                    requests.push((ours_request, theirs_request));
                }
            }
        }
        if !requests.is_empty() {
            out.push(CorpusDecisions {
                ours,
                theirs,
                requests,
            });
        }
    }
    out
}

/// `count` policies at ECR's size limit drawn at random (seed `seed`), each statement mixing
/// what real policies hold: every kind of principal, `NotPrincipal` and `NotAction` now and
/// then, a third of them denies, action names and patterns, and zero to three conditions on
/// the keys the analysis reads (principal and source ARNs and accounts, organizations and
/// their paths, addresses, user ids and names, endpoints, tags, transport, time), with
/// wildcards, set qualifiers and `...IfExists`. Where the seven shapes of [`at_limit`] each
/// press on one part of the analysis, these press on all of them at once.
pub fn at_limit_random(seed: u64, count: usize) -> Vec<String> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    (0..count)
        .map(|_| {
            let mut statements: Vec<serde_json::Value> = Vec::new();
            let mut text = String::new();
            loop {
                statements.push(random_statement(statements.len(), &mut next));
                let t = serde_json::json!({"Version": "2012-10-17", "Statement": statements})
                    .to_string();
                if t.len() > MAX_POLICY_LENGTH {
                    break text;
                }
                text = t;
            }
        })
        .collect()
}

fn random_statement(i: usize, next: &mut dyn FnMut(usize) -> usize) -> serde_json::Value {
    use serde_json::json;
    let account = |next: &mut dyn FnMut(usize) -> usize| match next(4) {
        0 => "111122223333".to_owned(),
        1 => "444455556666".to_owned(),
        2 => ACCOUNT.to_owned(),
        _ => format!("{:012}", next(1_000_000) * 1_000_003 % 1_000_000_000_000),
    };
    // Up to two wildcards put into `s` at random places.
    let wild = |s: String, next: &mut dyn FnMut(usize) -> usize| {
        let mut chars: Vec<char> = s.chars().collect();
        for _ in 0..next(3) {
            let at = next(chars.len() + 1);
            chars.insert(at, if next(2) == 0 { '*' } else { '?' });
        }
        chars.into_iter().collect::<String>()
    };
    let principal = match next(8) {
        0 => json!("*"),
        1 => json!({"AWS": "*"}),
        2 => {
            let roots: Vec<String> = (0..1 + next(5))
                .map(|_| format!("arn:aws:iam::{}:root", account(next)))
                .collect();
            json!({ "AWS": roots })
        }
        3 => json!({"AWS": format!("arn:aws:iam::{}:role/r{}", account(next), next(50))}),
        4 => json!({"AWS": format!("arn:aws:iam::{}:user/u{}", account(next), next(50))}),
        5 => {
            let services = [
                "codebuild.amazonaws.com",
                "lambda.amazonaws.com",
                "ecs-tasks.amazonaws.com",
            ];
            json!({"Service": services[next(3)]})
        }
        6 => {
            json!({"AWS": format!("arn:aws:sts::{}:assumed-role/r{}/s{}", account(next), next(9), next(9))})
        }
        _ => json!({ "AWS": account(next) }),
    };
    const ACTIONS_DRAWN: [&str; 14] = [
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:PutImage",
        "ecr:SetRepositoryPolicy",
        "ecr:DeleteRepositoryPolicy",
        "ecr:*",
        "ecr:Get*",
        "ecr:*Image*",
        "ecr:Batch*",
        "ecr:Describe*",
        "ecr:?utImage",
        "ecr:DeleteRepository",
        "ecr:InitiateLayerUpload",
        "ecr:List*",
    ];
    let actions: Vec<&str> = (0..1 + next(4))
        .map(|_| ACTIONS_DRAWN[next(ACTIONS_DRAWN.len())])
        .collect();
    let mut conditions = serde_json::Map::new();
    for _ in 0..next(4) {
        // A key, a value for it and the operators that read it.
        let (key, value, operators): (String, String, &[&str]) = match next(13) {
            0 => (
                "aws:PrincipalArn".into(),
                match next(3) {
                    0 => format!("arn:aws:iam::{}:role/*", account(next)),
                    1 => wild(
                        format!("arn:aws:iam::{}:role/r{}", account(next), next(9)),
                        next,
                    ),
                    _ => "arn:aws:iam::*:user/*".into(),
                },
                &["ArnLike", "ArnNotLike", "ArnEquals", "StringLike"],
            ),
            1 => (
                "aws:PrincipalOrgID".into(),
                wild("o-a1b2c3d4e5".into(), next),
                &[
                    "StringEquals",
                    "StringLike",
                    "StringNotLike",
                    "StringNotEquals",
                ],
            ),
            2 => (
                "aws:PrincipalOrgPaths".into(),
                wild("o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*".into(), next),
                &[
                    "StringLike",
                    "ForAnyValue:StringLike",
                    "ForAllValues:StringLike",
                ],
            ),
            3 => (
                "aws:SourceArn".into(),
                wild(
                    format!("arn:aws:codebuild:us-east-1:{}:project/p*", account(next)),
                    next,
                ),
                &["ArnLike", "ArnNotLike"],
            ),
            4 => (
                "aws:SourceAccount".into(),
                account(next),
                &["StringEquals", "StringNotEquals", "StringLike"],
            ),
            5 => (
                "aws:SourceIp".into(),
                match next(4) {
                    0 => "10.0.0.0/8".into(),
                    1 => format!("10.{}.0.0/16", next(256)),
                    2 => format!("2001:db8:{:x}::/48", next(4096)),
                    _ => "203.0.113.7".into(),
                },
                &["IpAddress", "NotIpAddress"],
            ),
            6 => (
                "aws:userid".into(),
                wild(["AIDAEXAMPLE", "AROAEXAMPLE:*"][next(2)].into(), next),
                &["StringLike", "StringNotLike"],
            ),
            7 => (
                "aws:username".into(),
                wild(format!("user{}", next(9)), next),
                &["StringLike", "StringEqualsIgnoreCase", "StringNotEquals"],
            ),
            8 => (
                "aws:PrincipalAccount".into(),
                account(next),
                &["StringEquals", "StringNotEquals"],
            ),
            9 => (
                "aws:SourceVpce".into(),
                format!("vpce-{:08x}", next(1 << 30)),
                &["StringEquals", "StringNotEquals", "StringEqualsIfExists"],
            ),
            10 => (
                "aws:SecureTransport".into(),
                ["true", "false"][next(2)].into(),
                &["Bool"],
            ),
            11 => (
                "aws:CurrentTime".into(),
                "2026-01-01T00:00:00Z".into(),
                &["DateGreaterThan", "DateLessThan"],
            ),
            _ => (
                "aws:PrincipalTag/team".into(),
                wild("platform".into(), next),
                &["StringLike", "StringNotLike"],
            ),
        };
        let operator = operators[next(operators.len())];
        let tests = conditions
            .entry(operator)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("an operator's keys");
        tests.insert(key, json!(value));
    }
    let mut s = serde_json::Map::new();
    s.insert("Sid".into(), json!(format!("S{i}")));
    s.insert(
        "Effect".into(),
        json!(if next(3) == 0 { "Deny" } else { "Allow" }),
    );
    if next(20) == 0 {
        s.insert(
            "NotPrincipal".into(),
            json!({"AWS": format!("arn:aws:iam::{}:root", account(next))}),
        );
    } else {
        s.insert("Principal".into(), principal);
    }
    let action_key = if next(12) == 0 { "NotAction" } else { "Action" };
    s.insert(action_key.into(), json!(actions));
    if !conditions.is_empty() {
        s.insert("Condition".into(), serde_json::Value::Object(conditions));
    }
    serde_json::Value::Object(s)
}
