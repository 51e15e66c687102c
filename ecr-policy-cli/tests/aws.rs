//! `apply`, `fetch` and `drift` against a local ECR API server (moto, started by the test on
//! 127.0.0.1 and stopped when the test binary exits): each command's output is compared with
//! `aws/*.stdout` and `aws/*.stderr`. Without moto installed the test says it was skipped,
//! except under `CI=true`, where it fails.
#![cfg(feature = "aws")]

#[allow(dead_code)]
#[path = "../../tests/common/moto.rs"]
mod moto;

#[allow(dead_code)]
#[path = "../../tests/common/ecr_public.rs"]
mod ecr_public;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use snapbox::cmd::{cargo_bin, Command};
use snapbox::file;

/// One ECR API call to the server, as the SDK would send it (moto checks no signature).
fn call(endpoint: &str, operation: &str, body: &str) -> String {
    let address = endpoint.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("the server listens");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/x-amz-json-1.1\r\n\
         x-amz-target: AmazonEC2ContainerRegistry_V20150921.{operation}\r\n\
         authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=0\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{operation} failed: {answer}"
    );
    answer
}

fn create(endpoint: &str, name: &str) {
    call(
        endpoint,
        "CreateRepository",
        &format!(r#"{{"repositoryName":"{name}"}}"#),
    );
}

fn set_text(endpoint: &str, name: &str, text: &str) {
    let body = serde_json::json!({"repositoryName": name, "policyText": text}).to_string();
    call(endpoint, "SetRepositoryPolicy", &body);
}

/// `ecr-policy ARGS` against the server, in `tests/aws/fixtures`.
fn ecr_policy(endpoint: &str, args: &[&str]) -> Command {
    Command::new(cargo_bin!("ecr-policy"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/aws/fixtures"))
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent/ecr-policy-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/ecr-policy-test/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL_ECR")
        .env_remove("AWS_DEFAULT_REGION")
        .timeout(Duration::from_secs(120))
}

// One test: `--all` sees every repository of the server's registry, so the steps share it in
// order.
#[test]
fn apply_fetch_drift() {
    let server = match moto::server() {
        Ok(s) => s,
        Err(why) => {
            moto::say_skipped("apply_fetch_drift", &why);
            return;
        }
    };
    let e = server.endpoint.as_str();
    for name in ["app", "team/web", "legacy", "base"] {
        create(e, name);
    }

    // No policy anywhere yet.
    ecr_policy(e, &["drift", "pull.json", "--all", "--page-size", "2"])
        .assert()
        .code(1)
        .stdout_eq(file!["aws/drift-none.stdout"])
        .stderr_eq("");

    ecr_policy(e, &["apply", "pull.json", "--repository", "app"])
        .assert()
        .code(0)
        .stdout_eq(file!["aws/apply-one.stdout"])
        .stderr_eq("");
    ecr_policy(e, &["fetch", "--repository", "app"])
        .assert()
        .code(0)
        .stdout_eq(file!["aws/fetch-one.stdout"])
        .stderr_eq("");
    ecr_policy(e, &["drift", "pull.json", "--repository", "app"])
        .assert()
        .code(0)
        .stdout_eq(file!["aws/drift-one.stdout"])
        .stderr_eq("");

    // A lock-out is refused without --force, and nothing is set.
    ecr_policy(e, &["apply", "lock-out.json", "--repository", "legacy"])
        .assert()
        .code(2)
        .stdout_eq(file!["aws/apply-lock-out.stdout"])
        .stderr_eq(file!["aws/apply-lock-out.stderr"]);

    // Drift by meaning: the AWS form of the same policy is in sync, a wider one drifted.
    set_text(
        e,
        "team/web",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability"]}]}"#,
    );
    set_text(
        e,
        "base",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#,
    );
    ecr_policy(e, &["drift", "pull.json", "--all", "--page-size", "1"])
        .assert()
        .code(1)
        .stdout_eq(file!["aws/drift-all.stdout"])
        .stderr_eq("");
    ecr_policy(e, &["fetch", "--all"])
        .assert()
        .code(0)
        .stdout_eq(file!["aws/fetch-all.stdout"])
        .stderr_eq(file!["aws/fetch-all.stderr"]);

    ecr_policy(e, &["apply", "pull.json", "--all"])
        .assert()
        .code(0)
        .stdout_eq(file!["aws/apply-all.stdout"])
        .stderr_eq("");
    ecr_policy(e, &["drift", "pull.json", "--all"])
        .assert()
        .code(0)
        .stdout_eq(file!["aws/drift-all-in-sync.stdout"])
        .stderr_eq("");

    // Errors: no such repository, an unreadable policy file.
    ecr_policy(e, &["drift", "pull.json", "--repository", "missing"])
        .assert()
        .code(2)
        .stdout_eq(file!["aws/drift-missing.stdout"])
        .stderr_eq(file!["aws/drift-missing.stderr"]);
    ecr_policy(e, &["apply", "broken.json", "--all"])
        .assert()
        .code(2)
        .stdout_eq("")
        .stderr_eq(file!["aws/apply-broken.stderr"]);
}

/// `--registry`: the registry's own policy, in the client's Region (moto's registry is
/// 123456789012 in us-east-1, and it takes only `ecr:CreateRepository` and
/// `ecr:ReplicateImage` in a registry policy). moto keeps one registry policy, which the other
/// test never touches.
#[test]
fn registry_policy() {
    let server = match moto::server() {
        Ok(s) => s,
        Err(why) => {
            moto::say_skipped("registry_policy", &why);
            return;
        }
    };
    let e = server.endpoint.as_str();
    ecr_policy(e, &["drift", "registry.json", "--registry"])
        .assert()
        .code(1)
        .stdout_eq(file!["aws/registry-drift-none.stdout"])
        .stderr_eq("");
    ecr_policy(e, &["apply", "registry.json", "--registry"])
        .assert()
        .code(0)
        .stdout_eq(file!["aws/registry-apply.stdout"])
        .stderr_eq("");
    ecr_policy(e, &["fetch", "--registry"])
        .assert()
        .code(0)
        .stdout_eq(file!["aws/registry-fetch.stdout"])
        .stderr_eq("");
    ecr_policy(e, &["drift", "registry.json", "--registry"])
        .assert()
        .code(0)
        .stdout_eq(file!["aws/registry-drift.stdout"])
        .stderr_eq("");
    // Another account replicating: drift, in words.
    let other = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/aws/fixtures/registry.json"
    ))
    .unwrap()
    .replace("210987654321", "444455556666");
    call(
        e,
        "PutRegistryPolicy",
        &serde_json::json!({ "policyText": other }).to_string(),
    );
    ecr_policy(e, &["drift", "registry.json", "--registry"])
        .assert()
        .code(1)
        .stdout_eq(file!["aws/registry-drifted.stdout"])
        .stderr_eq("");
}

/// `--public`: ECR Public repositories, against the stand-in of ECR Public's API (moto has
/// none), reached through `AWS_ENDPOINT_URL_ECR_PUBLIC`, whatever `AWS_REGION` says.
#[test]
fn public_repositories() {
    let server =
        ecr_public::FakeEcrPublic::start(&["base-images", "tools"], ecr_public::Mode::Serve);
    let e = server.endpoint.as_str();
    // The private ECR endpoint is moto's or nothing: every call here must go to ECR Public.
    let public = |args: &[&str]| {
        ecr_policy("http://127.0.0.1:9", args)
            .env("AWS_ENDPOINT_URL_ECR_PUBLIC", e)
            .env("AWS_REGION", "eu-west-1")
    };
    public(&["drift", "public-push.json", "--public", "--all"])
        .assert()
        .code(1)
        .stdout_eq(file!["aws/public-drift-none.stdout"])
        .stderr_eq("");
    public(&[
        "apply",
        "public-push.json",
        "--public",
        "--repository",
        "base-images",
    ])
    .assert()
    .code(0)
    .stdout_eq(file!["aws/public-apply.stdout"])
    .stderr_eq("");
    public(&["fetch", "--public", "--repository", "base-images"])
        .assert()
        .code(0)
        .stdout_eq(file!["aws/public-fetch.stdout"])
        .stderr_eq("");
    public(&["drift", "public-push.json", "--public", "--all"])
        .assert()
        .code(1)
        .stdout_eq(file!["aws/public-drift.stdout"])
        .stderr_eq("");
    let received = server.received();
    assert!(
        received.iter().all(|r| r
            .authorization
            .contains("/us-east-1/ecr-public/aws4_request")),
        "{received:?}"
    );
    assert_eq!(
        received
            .iter()
            .filter(|r| r.target == "SetRepositoryPolicy")
            .count(),
        1
    );
}

/// The cases that stop before any request (`aws-cmd/*.toml`): a policy of the wrong kind, a
/// refused lock-out, arguments that do not go together.
#[test]
fn refused_before_any_request() {
    trycmd::TestCases::new().case("tests/aws-cmd/*.toml");
}

/// The help names the three commands and documents their exit codes.
#[test]
fn help() {
    for command in ["apply", "fetch", "drift"] {
        Command::new(cargo_bin!("ecr-policy"))
            .args([command, "--help"])
            .assert()
            .code(0)
            .stdout_eq(snapbox::Data::read_from(
                std::path::Path::new(&format!(
                    "{}/tests/aws/{command}-help.stdout",
                    env!("CARGO_MANIFEST_DIR")
                )),
                None,
            ));
    }
}

/// Without credentials or region the run stops before any request, with exit code 2.
#[test]
fn no_region() {
    Command::new(cargo_bin!("ecr-policy"))
        .args(["fetch", "--repository", "app"])
        .env("AWS_CONFIG_FILE", "/nonexistent/ecr-policy-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/ecr-policy-test/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_PROFILE")
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stdout_eq("")
        .stderr_eq(file!["aws/no-region.stderr"]);
}
