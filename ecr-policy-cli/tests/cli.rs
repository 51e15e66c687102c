//! The command line's cases: each `cmd/*.md` holds commands with their expected output and
//! exit code, run in `cmd/fixtures` (through the `NAME.in` links); each `cmd/*.toml` one
//! command with its own input folder, standard input and expected files.

#[test]
fn cli() {
    trycmd::TestCases::new()
        .case("tests/cmd/*.md")
        .case("tests/cmd/*.toml");
}
