//! `to_dsl()` output compiles with the `policy!` macro and gives back the policy it came from,
//! compared by the rules of its kind (repository, registry, ECR Public or identity policy),
//! for every policy there is to try: the corpus (`tests/corpus/valid`, and `tests/corpus/kinds`
//! of the other kinds), the shared real-world
//! corpus (`../shared/corpus`, or the folder `ECR_POLICY_CORPUS` names) and the fuzz corpus (`fuzz/corpus`, `fuzz/artifacts`) when they
//! are present, and a list of every form a repository policy takes.
//!
//! Each expressible policy becomes one function of a single generated program (one trybuild
//! pass case, so one build however many policies there are), which builds the policy with
//! `policy!` and asserts it is equivalent to the JSON. A policy `to_dsl` cannot write must
//! come back as `NotExpressible`, which the type guarantees; the test counts both.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use ecr_policy::model::{AnyPolicy, PolicyKind};
use ecr_policy::PolicyDocument;

/// Every form of a repository policy, one or two statements each: principal kinds and
/// partitions, NotPrincipal, NotAction, patterns, every condition operator family with
/// qualifiers and `IfExists`, JSON booleans and numbers, escapes, Sids, headers.
const FORMS: &[(&str, &str)] = &[
    (
        "user_with_path",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/ci/build/fcj"},"Action":"ecr:BatchGetImage"}]}"#,
    ),
    (
        "role_with_path",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/service-role/deployer","arn:aws:iam::123456789012:role/admin"]},"Action":["ecr:PutImage","ecr:InitiateLayerUpload"]}]}"#,
    ),
    (
        "session",
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/deployer/run-42"},"Action":"ecr:BatchGetImage"}]}"#,
    ),
    (
        "account_root_and_bare_id",
        r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","210987654321"]},"Action":"ecr:*"}]}"#,
    ),
    (
        "service",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["codebuild.amazonaws.com","lambda.amazonaws.com"]},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},"ArnLike":{"aws:SourceArn":"arn:aws:codebuild:us-east-1:123456789012:project/*"}}}]}"#,
    ),
    (
        "anyone_star",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-aaaaaaaaaa","o-bbbbbbbbbb"]}}}]}"#,
    ),
    (
        "anyone_aws_star",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:BatchGetImage","Condition":{"StringLike":{"aws:PrincipalOrgPaths":"o-aaaaaaaaaa/*"}}}]}"#,
    ),
    (
        "other_partitions",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws-cn:iam::123456789012:root","arn:aws-us-gov:iam::123456789012:user/ci","arn:aws-cn:iam::123456789012:role/r","arn:aws-us-gov:sts::123456789012:assumed-role/r/s"]},"Action":"ecr:BatchGetImage"}]}"#,
    ),
    (
        "mixed_principals",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/ci","arn:aws:iam::123456789012:user/ci"],"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage"}]}"#,
    ),
    (
        "empty_principal_key",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root","Service":[]},"Action":"ecr:BatchGetImage"}]}"#,
    ),
    (
        "not_principal_deny",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyPolicyChanges","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:role/admin","arn:aws:iam::123456789012:root"]},"Action":["ecr:SetRepositoryPolicy","ecr:DeleteRepositoryPolicy"]}]}"#,
    ),
    (
        "not_action",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#,
    ),
    (
        "patterns_and_case",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["ecr:Batch*","ecr:Get*Policy","ecr:batchgetimage","ECR:PutImage","ecr:Describe?mages"]}]}"#,
    ),
    (
        "star_action",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
    ),
    (
        "public_actions",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:*"]}]}"#,
    ),
    (
        "string_operators",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalTag/team":"build"},"StringNotEquals":{"aws:PrincipalAccount":"111122223333"},"StringEqualsIgnoreCase":{"aws:PrincipalTag/env":"Prod"},"StringNotLike":{"aws:userid":"AIDA*"},"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ci-*"}}}]}"#,
    ),
    (
        "arn_operators",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/a"},"ArnNotLike":{"aws:SourceArn":"arn:aws:lambda:*:*:function:x*"},"ArnNotEquals":{"aws:PrincipalArn":["arn:aws:iam::123456789012:role/b","arn:aws:iam::123456789012:role/c"]}}}]}"#,
    ),
    (
        "numeric_date_bool_ip",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600},"NumericGreaterThanEquals":{"aws:EpochTime":"1767225600"},"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"},"Bool":{"aws:SecureTransport":true},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"NotIpAddress":{"aws:SourceIp":"10.1.0.0/16"}}}]}"#,
    ),
    (
        "json_numbers",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":[1E5,123456789012345678901234567890,2.50]}}}]}"#,
    ),
    (
        "null_and_qualifiers",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"Null":{"aws:PrincipalOrgID":"true"},"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-aaaaaaaaaa/r-ab12/*"]},"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]},"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c4d"},"BoolIfExists":{"aws:ViaAWSService":"false"}}}]}"#,
    ),
    (
        "escapes",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Quote \\ and / here","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalTag/name":["a\"b","back\\slash","\u00fcber","tab\there","${aws:username}"]}}}]}"#,
    ),
    (
        "key_case",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012","aws:principalorgid":"o-aaaaaaaaaa"}}}]}"#,
    ),
    (
        "sid_with_spaces_and_id",
        r#"{"Version":"2012-10-17","Id":"repo-policy","Statement":[{"Sid":"new statement","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"ecr:BatchGetImage"},{"Sid":"second one","Effect":"Deny","Principal":"*","Action":"ecr:DeleteRepository"}]}"#,
    ),
    (
        "empty_sid",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#,
    ),
    (
        "statement_object_no_version",
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ecr:BatchGetImage"}}"#,
    ),
    (
        "registry_action",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage"]}]}"#,
    ),
    (
        "federated_user",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:federated-user/Bob"},"Action":"ecr:BatchGetImage"}]}"#,
    ),
    (
        "federated_provider",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"ecr:BatchGetImage"}]}"#,
    ),
    (
        "unique_id",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"AIDAJQABLZS4A3QDU576Q"},"Action":"ecr:BatchGetImage"}]}"#,
    ),
    (
        "other_service_action",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","ecr:BatchGetImage"]}]}"#,
    ),
    (
        "resource",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Resource":"*"}]}"#,
    ),
    (
        "empty_condition_list",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:SourceVpce":[]}}}]}"#,
    ),
    (
        "registry_replication",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReplicationAccessCrossAccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":["arn:aws:ecr:us-west-2:444455556666:repository/*"]}]}"#,
    ),
    (
        "registry_pull_through_cache_and_names",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"PullThroughCache","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ecr-pull-through-cache-user"},"Action":["ecr:CreateRepository","ecr:BatchImportUpstreamImage"],"Resource":["arn:aws:ecr:us-east-1:111122223333:repository/ecr-public/*","arn:aws:ecr:us-east-1:111122223333:repository/team/app"]},{"Effect":"Deny","Principal":"*","Action":"ecr:ReplicateImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}"#,
    ),
    (
        "public_push_resource_star",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowPush","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/push-pull-user-1","arn:aws:iam::111122223333:user/push-pull-user-2"]},"Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:PutImage","ecr-public:InitiateLayerUpload","ecr-public:UploadLayerPart","ecr-public:CompleteLayerUpload"],"Resource":"*"}]}"#,
    ),
    (
        "public_without_resource_2008",
        r#"{"Version":"2008-10-17","Statement":[{"Sid":"AllowCrossAccountPush","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:PutImage","ecr-public:Describe*"]}]}"#,
    ),
    (
        "identity_token_and_repositories",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:CompleteLayerUpload","ecr:PutImage","ecr:BatchGetImage"],"Resource":["arn:aws:ecr:us-east-1:123456789012:repository/my-repo","arn:aws:ecr:us-east-1:123456789012:repository/team/*"]},{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr-public:GetAuthorizationToken"],"Resource":"*"},{"Effect":"Deny","NotAction":"ecr:BatchGetImage","Resource":"*","Condition":{"StringEquals":{"ecr:ResourceTag/environment":"prod"}}}]}"#,
    ),
    (
        "identity_tags_and_public",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":["ecr:*","ecr-public:Describe*"],"Resource":"*"},{"Effect":"Deny","Action":"ecr:*","Resource":"*","Condition":{"StringEquals":{"ecr:ResourceTag/environment":"prod"}}}]}"#,
    ),
    (
        "identity_other_service",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr-public:GetAuthorizationToken","sts:GetServiceBearerToken"],"Resource":"*"}]}"#,
    ),
    (
        "identity_other_service_pattern",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#,
    ),
    (
        "identity_two_registries",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:BatchGetImage","Resource":["arn:aws:ecr:us-east-1:123456789012:repository/a","arn:aws:ecr:eu-west-1:123456789012:repository/a"]}]}"#,
    ),
    (
        "duplicate_sids",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},{"Sid":"S","Effect":"Deny","Principal":"*","Action":"ecr:PutImage"}]}"#,
    ),
];

fn files(dir: &Path, json_only: bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .filter(|p| !json_only || p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != "index.json"))
        .collect();
    files.sort();
    files
}

/// `(name, JSON text)` of every policy to try.
fn policies(root: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = FORMS
        .iter()
        .map(|(name, json)| (format!("form_{name}"), (*json).to_owned()))
        .collect();
    let mut add = |prefix: &str, paths: Vec<PathBuf>| {
        for path in paths {
            // The fuzz corpus holds bytes, not always text.
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let stem = path.file_stem().expect("name").to_string_lossy();
            out.push((format!("{prefix}_{stem}"), text));
        }
    };
    add("corpus", files(&root.join("tests/corpus/valid"), true));
    add("kinds", files(&root.join("tests/corpus/kinds"), true));
    let shared = std::env::var_os("ECR_POLICY_CORPUS")
        .map_or_else(|| root.join("../shared/corpus"), PathBuf::from)
        .join("policies");
    if shared.is_dir() {
        add("shared", files(&shared, true));
        add("shared", files(&shared.join("constructed"), true));
    } else {
        eprintln!(
            "SKIPPED: the shared corpus is absent at {}",
            shared.display()
        );
    }
    let fuzz = root.join("fuzz");
    add("fuzz", files(&fuzz.join("corpus/parse"), false));
    add("fuzz", files(&fuzz.join("artifacts/parse"), false));
    out
}

/// A Rust identifier for a case name.
fn ident(name: &str, n: usize) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("case_{n}_{clean}")
}

#[test]
fn dsl_of_every_policy_compiles_and_round_trips() {
    // The repository's root: this package is `tests/trybuild`.
    let root = &Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut program = String::from(
        "// Generated by tests/trybuild/tests/dsl_compiles.rs: the to_dsl() output of every policy tried.\n\
         #![allow(non_snake_case)]\n\n\
         use ecr_policy::model::{AnyPolicy, PolicyKind};\n\n\
         fn check(name: &str, kind: PolicyKind, built: &ecr_policy::PolicyDocument, json: &str) {\n    \
             let built = AnyPolicy::from_document_as(built.clone(), kind).unwrap();\n    \
             let doc = AnyPolicy::from_json_as(json, kind).unwrap();\n    \
             assert!(built.equivalent(&doc), \"{name}: {}\", doc.diff(&built));\n\
         }\n",
    );
    let mut main = String::from("\nfn main() {\n");
    let (mut expressible, mut not_expressible, mut read) = (0, 0, 0);
    let mut by_kind: std::collections::BTreeMap<PolicyKind, usize> = Default::default();
    let mut refused = Vec::new();
    for (n, (name, json)) in policies(root).iter().enumerate() {
        let Ok(doc) = PolicyDocument::from_json(json) else {
            continue;
        };
        read += 1;
        // The kind the document is written as: that of its shape when it follows that kind's
        // rules, a repository policy otherwise.
        let kind =
            AnyPolicy::from_document(doc.clone()).map_or(PolicyKind::Repository, |p| p.kind());
        match doc.to_dsl() {
            Ok(dsl) => {
                let f = ident(name, n);
                let _ = write!(
                    program,
                    "\nfn {f}() {{\n    let policy = ecr_policy::{dsl};\n    check({name:?}, PolicyKind::{kind:?}, policy.document(), {json:?});\n}}\n",
                    dsl = dsl.trim_end().replace('\n', "\n    "),
                );
                *by_kind.entry(kind).or_default() += 1;
                let _ = writeln!(main, "    {f}();");
                expressible += 1;
            }
            Err(e) => {
                assert!(!e.path.is_empty() && !e.reason.is_empty(), "{name}: {e:?}");
                refused.push(format!("{name}: {e}"));
                not_expressible += 1;
            }
        }
    }
    main.push_str("}\n");
    program.push_str(&main);
    eprintln!(
        "{read} policies read: {expressible} written as policy! source ({by_kind:?}), {not_expressible} not expressible:\n  {}",
        refused.join("\n  ")
    );
    // Every kind is written, from the forms above and the corpus.
    for kind in PolicyKind::ALL {
        assert!(
            by_kind.get(&kind).copied().unwrap_or(0) >= 2,
            "{kind}: {by_kind:?}"
        );
    }
    assert!(
        expressible >= 40,
        "only {expressible} policies are expressible"
    );
    // Each form the macro has no way to write is refused, not written wrong.
    for form in [
        "federated_provider",
        "unique_id",
        "other_service_action",
        "resource",
        "empty_condition_list",
        "duplicate_sids",
        "empty_sid",
        "registry_action",
        "identity_other_service_pattern",
    ] {
        assert!(
            refused
                .iter()
                .any(|r| r.starts_with(&format!("form_{form}:"))),
            "{form} should be refused"
        );
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dsl-pass");
    std::fs::create_dir_all(&out).expect("temporary folder");
    let path = out.join("every_policy.rs");
    std::fs::write(&path, program).expect("write the program");
    trybuild::TestCases::new().pass(&path);
}
