//! Reading: JSON text to a checked `RepositoryPolicy`, against `serde_json::from_str` into an
//! untyped `serde_json::Value` of the same text.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ecr_policy::RepositoryPolicy;
use std::hint::black_box;

mod shapes;

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for n in shapes::SIZES {
        let policy = shapes::model(n);
        for (form, text) in [("compact", policy.to_json()), ("aws", policy.to_aws_json())] {
            assert_eq!(RepositoryPolicy::from_json(&text).unwrap(), policy);
            let id = |f: &str| {
                BenchmarkId::new(
                    if form == "compact" {
                        f.to_owned()
                    } else {
                        format!("{f}_{form}")
                    },
                    n,
                )
            };
            group.bench_with_input(id("repository_policy"), &text, |b, t| {
                b.iter(|| RepositoryPolicy::from_json(black_box(t)).unwrap())
            });
            group.bench_with_input(id("serde_json_value"), &text, |b, t| {
                b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(t)).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
