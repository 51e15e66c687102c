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
use ecr_policy::json::ParsedPolicy;
use ecr_policy::{AccountId, Action, PolicyDocument, RepositoryPolicy, UserName};

mod shapes;

fn ours_request(n: usize) -> Request {
    let account = AccountId::new(shapes::ACCOUNT).unwrap();
    let caller = Caller::user(
        account.clone(),
        UserName::new(format!("ci-user-{}", n - 1)).unwrap(),
    );
    Request::new(
        caller,
        Action::PutImage,
        shapes::REPOSITORY.parse().unwrap(),
    )
    .source_account(&account)
}

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
    let corpus = if op.starts_with("corpus_") {
        shapes::corpus()
    } else if op.starts_with("shared_") {
        shapes::shared_corpus()
    } else {
        Vec::new()
    };
    // Every form read compared must read every policy: a failure is cheaper than a read.
    for t in corpus.iter().chain([&text]) {
        assert!(PolicyDocument::from_json(t).is_ok() && ParsedPolicy::parse(t).is_ok());
        // The shared corpus holds shapes the derive structs do not read.
        assert!(
            op.starts_with("shared_") || serde_json::from_str::<shapes::AnyDoc>(t).is_ok(),
            "{t}"
        );
    }
    assert!(serde_json::from_str::<shapes::DocIn>(&text).is_ok());
    let decisions = if op.starts_with("corpus_")
        && ["evaluator", "iam_rs", "decision"]
            .iter()
            .any(|w| op.contains(w))
    {
        shapes::corpus_decisions()
    } else {
        Vec::new()
    };
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
        "derive_from_str" => (0..iterations).for_each(|_| {
            total += serde_json::from_str::<shapes::DocIn>(black_box(&text))
                .map_or(0, |d| d.statement.len());
        }),
        "located_read" => (0..iterations).for_each(|_| {
            total +=
                ParsedPolicy::parse(black_box(&text)).map_or(0, |p| p.document.statements.len());
        }),
        "document" => (0..iterations).for_each(|_| {
            total += PolicyDocument::from_json(black_box(&text)).map_or(0, |d| d.statements.len());
        }),
        "parse_lint" => (0..iterations).for_each(|_| {
            total += PolicyDocument::from_json(black_box(&text)).map_or(0, |d| d.lint().len());
        }),
        // The corpus of `tests/corpus/valid`, whatever the statement count: one operation
        // reads every policy of it once.
        "corpus_document" => (0..iterations).for_each(|_| {
            for t in &corpus {
                total += PolicyDocument::from_json(black_box(t)).map_or(0, |d| d.statements.len());
            }
        }),
        "corpus_located_read" => (0..iterations).for_each(|_| {
            for t in &corpus {
                total +=
                    ParsedPolicy::parse(black_box(t)).map_or(0, |p| p.document.statements.len());
            }
        }),
        "corpus_parse_lint" => (0..iterations).for_each(|_| {
            for t in &corpus {
                total += PolicyDocument::from_json(black_box(t)).map_or(0, |d| d.lint().len());
            }
        }),
        // The shared corpus (`../shared/corpus/policies`, when present): parse + lint, and the
        // parse alone, once per policy per operation.
        "shared_parse_lint" => (0..iterations).for_each(|_| {
            for t in &corpus {
                total += PolicyDocument::from_json(black_box(t)).map_or(0, |d| d.lint().len());
            }
        }),
        "shared_document" => (0..iterations).for_each(|_| {
            for t in &corpus {
                total += PolicyDocument::from_json(black_box(t)).map_or(0, |d| d.statements.len());
            }
        }),
        // The same on a fresh thread each time: nothing remembered from the pass before, as
        // for policies the lint has not seen (the answers the analysis keeps per thread).
        "corpus_parse_lint_cold" => (0..iterations).for_each(|_| {
            total += std::thread::spawn({
                let corpus = corpus.clone();
                move || {
                    corpus
                        .iter()
                        .map(|t| {
                            PolicyDocument::from_json(black_box(t)).map_or(0, |d| d.lint().len())
                        })
                        .sum::<usize>()
                }
            })
            .join()
            .unwrap();
        }),
        "corpus_thread" => (0..iterations).for_each(|_| {
            total += std::thread::spawn({
                let corpus = corpus.clone();
                move || corpus.len()
            })
            .join()
            .unwrap();
        }),
        // One policy at ECR's size limit (`shapes::at_limit`, STATEMENTS 1 to 7 picks the shape).
        "at_limit_parse_lint" => {
            let shapes = shapes::at_limit();
            let text = &shapes[(n - 1) % shapes.len()].1;
            (0..iterations).for_each(|_| {
                total += PolicyDocument::from_json(black_box(text)).map_or(0, |d| d.lint().len());
            });
        }
        // One policy at ECR's size limit, in a process that has linted the six other shapes:
        // what a policy costs once the process-wide, one-time work is done.
        "at_limit_parse_lint_after_others" => {
            let shapes = shapes::at_limit();
            let pick = (n - 1) % shapes.len();
            for (i, (_, other)) in shapes.iter().enumerate() {
                if i != pick {
                    total += PolicyDocument::from_json(other).map_or(0, |d| d.lint().len());
                }
            }
            let text = &shapes[pick].1;
            (0..iterations).for_each(|_| {
                total += PolicyDocument::from_json(black_box(text)).map_or(0, |d| d.lint().len());
            });
        }
        // The STATEMENTS-th policy of `shapes::at_limit_random(1, ..)`, counted from 1.
        "at_limit_random_parse_lint" => {
            let text = shapes::at_limit_random(1, n).pop().unwrap_or_default();
            (0..iterations).for_each(|_| {
                total += PolicyDocument::from_json(black_box(&text)).map_or(0, |d| d.lint().len());
            });
        }
        // One statement listing STATEMENTS action entries (`shapes::entries`).
        "entries_parse_lint" => {
            let text = shapes::entries(n);
            (0..iterations).for_each(|_| {
                total += PolicyDocument::from_json(black_box(&text)).map_or(0, |d| d.lint().len());
            });
        }
        "entries_document" => {
            let text = shapes::entries(n);
            (0..iterations).for_each(|_| {
                total +=
                    PolicyDocument::from_json(black_box(&text)).map_or(0, |d| d.statements.len());
            });
        }
        // Prints the policy of the shape, to lint it with the command line.
        "at_limit_print" => {
            let shapes = shapes::at_limit();
            println!("{}", shapes[(n - 1) % shapes.len()].1);
        }
        "at_limit_document" => {
            let shapes = shapes::at_limit();
            let text = &shapes[(n - 1) % shapes.len()].1;
            (0..iterations).for_each(|_| {
                total +=
                    PolicyDocument::from_json(black_box(text)).map_or(0, |d| d.statements.len());
            });
        }
        "corpus_value" => (0..iterations).for_each(|_| {
            for t in &corpus {
                total += serde_json::from_str::<serde_json::Value>(black_box(t))
                    .map_or(0, |v| usize::from(v.is_object()));
            }
        }),
        "corpus_derive" => (0..iterations).for_each(|_| {
            for t in &corpus {
                total += serde_json::from_str::<shapes::AnyDoc>(black_box(t))
                    .map_or(0, |d| usize::from(d.version.is_some()));
            }
        }),
        // The evaluator first, then the request, as a prepared evaluator is used: the request
        // finds the ids of the names the policy interned (`eval::keys`).
        "evaluator" => {
            let evaluator = Evaluator::new(&policy);
            let request = ours_request(n);
            (0..iterations).for_each(|_| {
                total += usize::from(evaluator.decide(black_box(&request)) == Outcome::Allowed)
            });
        }
        // The request built before any policy naming its caller was prepared: names compared.
        "evaluator_request_first" => {
            let request = ours_request(n);
            let evaluator = Evaluator::new(&policy);
            (0..iterations).for_each(|_| {
                total += usize::from(evaluator.decide(black_box(&request)) == Outcome::Allowed)
            });
        }
        "evaluator_oneoff" => {
            let request = ours_request(n);
            (0..iterations).for_each(|_| {
                total += usize::from(
                    Evaluator::new(black_box(&policy)).decide(black_box(&request))
                        == Outcome::Allowed,
                )
            });
        }
        // What building the request costs a user, on each side: ours derives the context keys
        // AWS sets and the caller's keys (and ids, once its policy is prepared); iam-rs's
        // parses the ARNs.
        "request" => {
            let _evaluator = Evaluator::new(&policy);
            (0..iterations).for_each(|_| {
                total += black_box(ours_request(n))
                    .context_values("aws:SourceAccount")
                    .map_or(0, |v| v.len())
            });
        }
        "iam_rs_request" => {
            let user = format!("ci-user-{}", n - 1);
            (0..iterations).for_each(|_| {
                total += black_box(shapes::iam_rs_request(&user, "ecr:PutImage"))
                    .context
                    .data
                    .len()
            });
        }
        "iam_rs" => {
            let theirs = shapes::iam_rs_policy(n);
            let request = shapes::iam_rs_request(&format!("ci-user-{}", n - 1), "ecr:PutImage");
            let evaluator = iam_rs::PolicyEvaluator::with_policies(vec![theirs]);
            (0..iterations).for_each(|_| {
                total += usize::from(
                    evaluator.evaluate(black_box(&request)).unwrap().decision
                        == iam_rs::Decision::Allow,
                )
            });
        }
        "iam_rs_oneoff" => {
            let theirs = shapes::iam_rs_policy(n);
            let request = shapes::iam_rs_request(&format!("ci-user-{}", n - 1), "ecr:PutImage");
            (0..iterations).for_each(|_| {
                total += usize::from(
                    iam_rs::evaluate_policy(black_box(&theirs), black_box(&request)).unwrap()
                        == iam_rs::Decision::Allow,
                )
            });
        }
        // The corpus's decisions (`shapes::corpus_decisions`): one operation decides every
        // request kept, each policy prepared once beforehand, or once for each decision.
        "corpus_evaluator" => {
            let evaluators: Vec<_> = decisions.iter().map(|d| Evaluator::new(&d.ours)).collect();
            (0..iterations).for_each(|_| {
                for (e, d) in evaluators.iter().zip(&decisions) {
                    for (r, _) in &d.requests {
                        total += usize::from(e.decide(black_box(r)) == Outcome::Allowed);
                    }
                }
            });
        }
        "corpus_evaluator_oneoff" => (0..iterations).for_each(|_| {
            for d in &decisions {
                for (r, _) in &d.requests {
                    total += usize::from(
                        Evaluator::new(black_box(&d.ours)).decide(black_box(r)) == Outcome::Allowed,
                    );
                }
            }
        }),
        "corpus_iam_rs" => {
            let evaluators: Vec<_> = decisions
                .iter()
                .map(|d| iam_rs::PolicyEvaluator::with_policies(vec![d.theirs.clone()]))
                .collect();
            (0..iterations).for_each(|_| {
                for (e, d) in evaluators.iter().zip(&decisions) {
                    for (_, r) in &d.requests {
                        total += usize::from(
                            e.evaluate(black_box(r)).unwrap().decision == iam_rs::Decision::Allow,
                        );
                    }
                }
            });
        }
        "corpus_iam_rs_oneoff" => (0..iterations).for_each(|_| {
            for d in &decisions {
                for (_, r) in &d.requests {
                    total += usize::from(
                        iam_rs::evaluate_policy(black_box(&d.theirs), black_box(r)).unwrap()
                            == iam_rs::Decision::Allow,
                    );
                }
            }
        }),
        "corpus_decision_count" => {
            let kept: usize = decisions.iter().map(|d| d.requests.len()).sum();
            println!("{} policies, {kept} requests", decisions.len());
            return;
        }
        other => {
            eprintln!("unknown operation {other}");
            std::process::exit(2);
        }
    }
    println!("{total}");
}
