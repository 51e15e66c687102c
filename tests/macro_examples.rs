//! The `policy!` examples print what they promise.

mod common;

#[test]
fn ci_cd_user_prints_the_seed_json() {
    assert_eq!(
        common::run_example("ci_cd_user", None).trim_end(),
        common::seed_json("123456789012")
    );
    assert_eq!(
        common::run_example("ci_cd_user", Some("444455556666")).trim_end(),
        common::seed_json("444455556666")
    );
}

#[test]
fn ci_cd_user_refuses_a_malformed_account() {
    let out = std::process::Command::new(common::example("ci_cd_user"))
        .env("AWS_ACCOUNT_ID", "12345")
        .output()
        .expect("run example");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid account id \"12345\""), "{stderr}");
}

#[test]
fn pattern_examples() {
    let mut rendered = String::new();
    for name in [
        "cross_account_pull",
        "codebuild_service",
        "lambda_service",
        "org_pull",
        "deny_outside_ip",
        "several_statements",
    ] {
        rendered.push_str(&format!("{name}:\n{}\n", common::run_example(name, None)));
    }
    common::snapshots().bind(|| insta::assert_snapshot!("macro_examples", rendered));
}
