//! Wall clock of parse + analysis + lint of one policy at ECR's size limit in a process of its
//! own: what `ecr-policy lint` or a build script pays for its first policy, which criterion's
//! medians (the same policy again and again) do not show.
//!
//! ```text
//! cargo bench -p ecr-policy-benches --bench first [-- RUNS]
//! ```
//! For each shape of `shapes::at_limit`, it starts itself RUNS times (21 unless given) as a
//! child process. A child builds the seven policies (not timed), then times with `Instant`
//! either its policy's first and second pass (`fresh`), or its policy once after the six
//! others were linted (`after`: a new policy in a process whose one-time work is done).
//! The parent prints the median and the largest of each column, in microseconds. Then it
//! times, in its own process, the policies of `shapes::at_limit_random`: mixed statements
//! that press on every part of the analysis at once.

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use ecr_policy::PolicyDocument;

mod shapes;

fn pass(text: &str) -> (u128, usize) {
    let start = Instant::now();
    let findings = PolicyDocument::from_json(black_box(text)).map_or(0, |d| d.lint().len());
    (start.elapsed().as_nanos(), black_box(findings))
}

fn child(mode: &str, shape: usize) {
    let shapes = shapes::at_limit();
    let Some((_, text)) = shapes.get(shape) else {
        eprintln!("no shape {shape}: there are {}", shapes.len());
        std::process::exit(2);
    };
    match mode {
        "fresh" => {
            let (first, a) = pass(text);
            let (second, b) = pass(text);
            assert_eq!(
                a, b,
                "the same policy gave other findings on its second pass"
            );
            println!("{first} {second}");
        }
        "after" => {
            for (i, (_, other)) in shapes.iter().enumerate() {
                if i != shape {
                    black_box(pass(other));
                }
            }
            println!("{}", pass(text).0);
        }
        _ => {
            eprintln!("usage: first --child fresh|after SHAPE");
            std::process::exit(2);
        }
    }
}

fn run(mode: &str, shape: usize) -> Vec<u128> {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let out = Command::new(exe)
        .args(["--child", mode, &shape.to_string()])
        .output()
        .expect("the benchmark starts itself");
    assert!(
        out.status.success(),
        "child {mode} {shape}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|n| n.parse().expect("nanoseconds"))
        .collect()
}

fn micros(mut ns: Vec<u128>) -> (f64, f64) {
    ns.sort_unstable();
    let median = ns[ns.len() / 2] as f64 / 1000.0;
    let max = ns[ns.len() - 1] as f64 / 1000.0;
    (median, max)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let [flag, mode, shape] = args.as_slice() {
        if flag == "--child" {
            let shape = shape.parse().unwrap_or(usize::MAX);
            return child(mode, shape);
        }
    }
    let runs = match args.first().map(|r| r.parse::<usize>()) {
        None => 21,
        Some(Ok(r)) if r > 0 => r,
        Some(_) => {
            eprintln!("usage: first [RUNS]");
            std::process::exit(2);
        }
    };
    println!("µs, median / largest of {runs} processes");
    println!(
        "{:<20} {:>8} {:>17} {:>17} {:>17}",
        "shape", "chars", "first pass", "second pass", "after the others"
    );
    let cell = |(median, max): (f64, f64)| format!("{median:>7.0} / {max:>7.0}");
    for (i, (name, text)) in shapes::at_limit().iter().enumerate() {
        let (mut first, mut second, mut after) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let fresh = run("fresh", i);
            first.push(fresh[0]);
            second.push(fresh[1]);
            after.push(run("after", i)[0]);
        }
        println!(
            "{name:<20} {:>8} {:>17} {:>17} {:>17}",
            text.len(),
            cell(micros(first)),
            cell(micros(second)),
            cell(micros(after))
        );
    }
    random(RANDOM);
}

/// How many of `shapes::at_limit_random(1, ..)` [`random`] times.
const RANDOM: usize = 100;

/// The policies of `shapes::at_limit_random`, in this process: each once, then its best of
/// five more passes (a warm process, its one-time work done); the spread over the policies.
fn random(count: usize) {
    let policies = shapes::at_limit_random(1, count);
    let mut best: Vec<(u128, usize)> = Vec::new();
    for (i, text) in policies.iter().enumerate() {
        if PolicyDocument::from_json(text).is_err() {
            eprintln!("random policy {} does not read: {text}", i + 1);
            std::process::exit(1);
        }
        pass(text);
        let fastest = (0..5).map(|_| pass(text).0).min().unwrap_or(0);
        best.push((fastest, i + 1));
    }
    best.sort_unstable();
    let at = |q: f64| best[((best.len() - 1) as f64 * q) as usize];
    let over = best.iter().filter(|(ns, _)| *ns > 1_000_000).count();
    println!();
    println!(
        "{count} random policies at the limit (`shapes::at_limit_random(1, {count})`), best of 5 warm passes, µs:"
    );
    for (label, q) in [("median", 0.5), ("90th", 0.9), ("largest", 1.0)] {
        let (ns, k) = at(q);
        println!("{label:<8} {:>9.0}  (policy {k})", ns as f64 / 1000.0);
    }
    println!("over 1 ms: {over} of {count}");
}
