//! Rendering: this crate's `to_json`, `to_json_pretty` and `to_aws_json` against
//! `serde_json::to_string` of a plain derive struct, and against building the document with
//! `json!` and serialising it.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;

mod shapes;

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    for n in shapes::SIZES {
        let model = shapes::model(n);
        let derived = shapes::derived(n);
        // The forms must agree, or the comparison means nothing.
        assert_eq!(model.to_json(), serde_json::to_string(&derived).unwrap());
        group.bench_with_input(BenchmarkId::new("to_json", n), &model, |b, p| {
            b.iter(|| black_box(p).to_json())
        });
        group.bench_with_input(BenchmarkId::new("to_json_pretty", n), &model, |b, p| {
            b.iter(|| black_box(p).to_json_pretty())
        });
        group.bench_with_input(BenchmarkId::new("to_aws_json", n), &model, |b, p| {
            b.iter(|| black_box(p).to_aws_json())
        });
        group.bench_with_input(BenchmarkId::new("derive_to_string", n), &derived, |b, d| {
            b.iter(|| serde_json::to_string(black_box(d)).unwrap())
        });
        group.bench_with_input(
            BenchmarkId::new("derive_to_string_pretty", n),
            &derived,
            |b, d| b.iter(|| serde_json::to_string_pretty(black_box(d)).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new("json_macro_build_to_string", n),
            &n,
            |b, &n| b.iter(|| serde_json::to_string(&shapes::json_macro(black_box(n))).unwrap()),
        );
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
