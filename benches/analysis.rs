//! The exact access analysis (`ecr_policy::access`): every caller class and action of each
//! policy of the repository's corpus (`tests/corpus/valid`), each grant confirmed by the
//! evaluator; and one policy of about 10,000 characters, near ECR's limit of 10,240.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ecr_policy::access::{AccessAnalysis, AnalysisOptions};
use ecr_policy::PolicyDocument;
use std::hint::black_box;

mod shapes;

/// The repository's corpus in the model.
fn corpus() -> Vec<PolicyDocument> {
    shapes::corpus()
        .iter()
        .map(|text| PolicyDocument::from_json(text).unwrap())
        .collect()
}

/// Twenty-two partner accounts, each with a role, an organization and network condition, a
/// guarded service principal and a deny with an exception.
fn at_the_limit() -> String {
    let mut statements = Vec::new();
    for i in 0..22 {
        let account = format!("{:012}", 100_000_000_000u64 + i);
        statements.push(format!(
            r#"{{"Sid":"Partner{i}","Effect":"Allow","Principal":{{"AWS":["arn:aws:iam::{account}:role/deploy-{i}","{account}"]}},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:Put*"],"Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}},"IpAddress":{{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}}}}}"#
        ));
    }
    statements.push(r#"{"Sid":"Build","Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:codebuild:*:111122223333:project/*"}}}"#.to_owned());
    statements.push(r#"{"Sid":"Guard","Effect":"Deny","Principal":"*","Action":["ecr:Delete*","ecr:SetRepositoryPolicy"],"Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/admin*"}}}"#.to_owned());
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

fn analysis(c: &mut Criterion) {
    let options = AnalysisOptions {
        repository: Some(
            "arn:aws:ecr:us-east-1:111122223333:repository/app"
                .parse()
                .unwrap(),
        ),
        ..AnalysisOptions::default()
    };
    let docs = corpus();
    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.bench_with_input(BenchmarkId::new("corpus", docs.len()), &docs, |b, docs| {
        b.iter(|| {
            docs.iter()
                .map(|d| AccessAnalysis::new(black_box(d), &options).access().len())
                .sum::<usize>()
        })
    });
    let text = at_the_limit();
    let doc = PolicyDocument::from_json(&text).unwrap();
    group.throughput(Throughput::Elements(1));
    group.bench_with_input(
        BenchmarkId::new("at_the_limit", text.len()),
        &doc,
        |b, doc| b.iter(|| AccessAnalysis::new(black_box(doc), &options).access().len()),
    );
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
