//! The policy files the tests walk, shared by the crate's unit tests and its integration tests.

use std::path::{Path, PathBuf};

/// Every `.json` file of the repository's test sets (`tests/findings`, `tests/corpus`) and of
/// the shared corpus when present (`ECR_POLICY_CORPUS`, else `../shared/corpus`), sorted.
pub fn policy_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs: Vec<PathBuf> = vec![root.join("tests/findings"), root.join("tests/corpus")];
    dirs.push(
        std::env::var_os("ECR_POLICY_CORPUS")
            .map_or_else(|| root.join("../shared/corpus"), PathBuf::from),
    );
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
