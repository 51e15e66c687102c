//! Compile-fail cases of `policy!`: one mistake per file, each with the errors a user sees.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
