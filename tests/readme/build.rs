//! Copies the README into OUT_DIR for `lib.rs` to take as its documentation, so that each Rust
//! block is a doctest. A block that uses `ecr_policy::aws` cannot compile without the feature
//! `aws`: without it, the block is marked `ignore`; with it, it is compiled as written.

use std::{env, fs, path::Path};

fn main() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    println!("cargo::rerun-if-changed={}", readme.display());
    let text = fs::read_to_string(&readme).expect("README.md at the root of the repository");
    let aws = env::var_os("CARGO_FEATURE_AWS").is_some();

    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```").filter(|i| i.starts_with("rust")) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let mut block = Vec::new();
        for body in lines.by_ref() {
            if body.starts_with("```") {
                break;
            }
            block.push(body);
        }
        let needs_aws = block.iter().any(|l| l.contains("ecr_policy::aws"));
        if needs_aws && !aws {
            out.push_str(&format!("```{info},ignore\n"));
        } else {
            out.push_str(&format!("```{info}\n"));
        }
        for body in block {
            out.push_str(body);
            out.push('\n');
        }
        out.push_str("```\n");
    }
    let dest = Path::new(&env::var_os("OUT_DIR").expect("OUT_DIR")).join("README.md");
    fs::write(dest, out).expect("write README.md to OUT_DIR");
}
