//! Lint throughput over the repository's own corpus of ECR policies (`tests/corpus/valid`):
//! one iteration parses and lints every policy.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ecr_policy::PolicyDocument;
use std::hint::black_box;

mod shapes;
use shapes::corpus;

fn lint(c: &mut Criterion) {
    let texts = corpus();
    let docs: Vec<PolicyDocument> = texts
        .iter()
        .map(|t| PolicyDocument::from_json(t).unwrap())
        .collect();
    let mut group = c.benchmark_group("lint");
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.bench_with_input(BenchmarkId::new("corpus", docs.len()), &docs, |b, docs| {
        b.iter(|| {
            docs.iter()
                .map(|d| black_box(d).lint().len())
                .sum::<usize>()
        })
    });
    group.bench_with_input(
        BenchmarkId::new("parse_and_lint", texts.len()),
        &texts,
        |b, texts| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| {
                        PolicyDocument::from_json(black_box(t))
                            .unwrap()
                            .lint()
                            .len()
                    })
                    .sum::<usize>()
            })
        },
    );
    group.finish();
    // One policy at ECR's size limit per shape, parsed and linted.
    let mut group = c.benchmark_group("lint_at_limit");
    for (name, text) in shapes::at_limit() {
        assert!(PolicyDocument::from_json(&text).is_ok(), "{name}");
        group.bench_with_input(BenchmarkId::new(name, text.len()), &text, |b, text| {
            b.iter(|| {
                PolicyDocument::from_json(black_box(text))
                    .unwrap()
                    .lint()
                    .len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, lint);
criterion_main!(benches);
