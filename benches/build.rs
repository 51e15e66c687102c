//! From intent to JSON: `policy!` + `to_json()` against `json!` + `to_string()` for the same
//! policy, both written as literals.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

mod intent;
mod shapes;

/// Statements, the `policy!` form, the `json!` form.
type Case = (usize, fn() -> String, fn() -> String);

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build");
    let cases: [Case; 2] = [
        (1, intent::policy_macro_1, intent::json_macro_1),
        (10, intent::policy_macro_10, intent::json_macro_10),
    ];
    for (n, ours, theirs) in cases {
        // Same policy, same bytes (json! without preserve_order sorts keys, so compare values).
        let a: serde_json::Value = serde_json::from_str(&ours()).unwrap();
        let b: serde_json::Value = serde_json::from_str(&theirs()).unwrap();
        assert_eq!(a, b, "the two forms must state the same policy");
        group.bench_function(BenchmarkId::new("policy_macro_to_json", n), |b| {
            b.iter(ours)
        });
        group.bench_function(BenchmarkId::new("json_macro_to_string", n), |b| {
            b.iter(theirs)
        });
    }
    group.finish();
}

criterion_group!(benches, build);
criterion_main!(benches);
