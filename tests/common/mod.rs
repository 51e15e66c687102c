//! Shared test helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ecr_policy::AccountId;

pub mod ecr_public;
pub mod moto;

/// insta settings that keep every snapshot in the top-level `snapshots/` folder.
pub fn snapshots() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// The path of a compiled example of this package (`cargo test` builds them before the tests).
pub fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    dir.join("examples").join(name)
}

/// Runs a compiled example with `AWS_ACCOUNT_ID` set or removed, returning its standard output.
pub fn run_example(name: &str, account: Option<&str>) -> String {
    let mut cmd = std::process::Command::new(example(name));
    match account {
        Some(a) => cmd.env("AWS_ACCOUNT_ID", a),
        None => cmd.env_remove("AWS_ACCOUNT_ID"),
    };
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running example {name}: {e}"));
    assert!(
        out.status.success(),
        "example {name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The seed document's policy for `account`, transcribed from the seed and indented by two
/// spaces: the text `to_json_pretty` must produce, key for key and in the same order.
pub fn seed_json(account: &str) -> String {
    SEED_TEMPLATE.replace("<YOUR_AWS_ACCOUNT_ID>", account)
}

const SEED_TEMPLATE: &str = r#"{
  "Version": "2008-10-17",
  "Statement": [
    {
      "Sid": "AllowPushPullFromCICDUser",
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::<YOUR_AWS_ACCOUNT_ID>:user/fcj-ecr-ci-cd-user"
      },
      "Action": [
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        "ecr:BatchCheckLayerAvailability",
        "ecr:PutImage",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload"
      ]
    }
  ]
}"#;

/// An account id from a literal the test knows to be valid.
pub fn account(id: &str) -> AccountId {
    AccountId::new(id).unwrap()
}

/// The `.json` files of a folder, sorted by name.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The text without insignificant white space, keys in their original order: what the
/// shaped rendering of a document read from it writes.
pub fn compact_preserving_order(text: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}
