//! A driver for instruction counts: runs one operation of the benchmarks a given number of
//! times, so that `scripts/instruction-counts.sh` can measure it under callgrind. Instruction
//! counts do not move with the load of a shared machine, as wall-clock medians do.
//!
//! ```text
//! cargo bench -p ecr-policy-benches --bench counts -- OPERATION STATEMENTS ITERATIONS
//! ```
//! Run without arguments (as `cargo bench` does), it does nothing.

use std::hint::black_box;

use ecr_policy::eval::{Caller, Evaluator, Outcome, Request};
use ecr_policy::{AccountId, Action, RepositoryPolicy, UserName};

mod shapes;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [op, n, iterations] = args.as_slice() else {
        return;
    };
    let (Ok(n), Ok(iterations)) = (n.parse::<usize>(), iterations.parse::<usize>()) else {
        eprintln!("usage: counts OPERATION STATEMENTS ITERATIONS");
        std::process::exit(2);
    };
    let policy = shapes::model(n);
    let derived = shapes::derived(n);
    let text = policy.to_json();
    let mut total = 0usize;
    match op.as_str() {
        "to_json" => (0..iterations).for_each(|_| total += black_box(&policy).to_json().len()),
        "to_json_pretty" => {
            (0..iterations).for_each(|_| total += black_box(&policy).to_json_pretty().len())
        }
        "to_aws_json" => {
            (0..iterations).for_each(|_| total += black_box(&policy).to_aws_json().len())
        }
        "derive_to_string" => (0..iterations).for_each(|_| {
            total += serde_json::to_string(black_box(&derived)).map_or(0, |s| s.len())
        }),
        "derive_to_string_pretty" => (0..iterations).for_each(|_| {
            total += serde_json::to_string_pretty(black_box(&derived)).map_or(0, |s| s.len())
        }),
        "repository_policy" => (0..iterations).for_each(|_| {
            total +=
                RepositoryPolicy::from_json(black_box(&text)).map_or(0, |p| p.statements().len());
        }),
        "serde_json_value" => (0..iterations).for_each(|_| {
            total += serde_json::from_str::<serde_json::Value>(black_box(&text))
                .map_or(0, |v| usize::from(v.is_object()));
        }),
        "evaluator" => {
            let account = AccountId::new(shapes::ACCOUNT).unwrap();
            let repo = "arn:aws:ecr:us-east-1:123456789012:repository/app"
                .parse()
                .unwrap();
            let caller = Caller::user(
                account.clone(),
                UserName::new(format!("ci-user-{}", n - 1)).unwrap(),
            );
            let request = Request::new(caller, Action::PutImage, repo).source_account(&account);
            let evaluator = Evaluator::new(&policy);
            (0..iterations).for_each(|_| {
                total += usize::from(evaluator.decide(black_box(&request)) == Outcome::Allowed)
            });
        }
        other => {
            eprintln!("unknown operation {other}");
            std::process::exit(2);
        }
    }
    println!("{total}");
}
