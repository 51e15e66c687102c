#!/usr/bin/env python3
"""Reads criterion's estimates from target/criterion and prints the side-by-side ratios of
BENCHMARKS.md as a Markdown table. Run the benches first:
`cargo bench -p ecr-policy-benches` (the commands of BENCHMARKS.md).

    python3 scripts/bench-report.py [TARGET_DIR]
"""
import json
import os
import sys

target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CARGO_TARGET_DIR", "target")
root = os.path.join(target, "criterion")

# (group, ours, theirs, what, target ratio: ours/theirs must be <= this, or None)
COMPARISONS = [
    ("render", "to_json", "derive_to_string", "render compact vs derive struct", 1.10),
    ("render", "to_json_pretty", "derive_to_string_pretty", "render pretty vs derive struct (pretty)", 1.10),
    ("render", "to_aws_json", "derive_to_string_pretty", "render AWS form vs derive struct (pretty)", 1.10),
    ("render", "to_json", "json_macro_build_to_string", "render compact vs json! build + to_string", None),
    ("build", "policy_macro_to_json", "json_macro_to_string", "policy! + to_json vs json! + to_string", 1.0),
    ("parse", "repository_policy", "serde_json_value", "parse to RepositoryPolicy vs Value", 1.0),
    ("parse", "repository_policy_aws", "serde_json_value_aws", "parse AWS form vs Value", 1.0),
    ("decide", "evaluator", "iam_rs", "access decision vs iam-rs", 0.1),
]


def estimate(group, function, param):
    path = os.path.join(root, group, function, str(param), "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except OSError:
        return None


def fmt(ns):
    if ns is None:
        return "n/a"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def params(group, function):
    try:
        return sorted(os.listdir(os.path.join(root, group, function)), key=lambda p: (len(p), p))
    except OSError:
        return []


print("| comparison | statements | ours (median) | alternative (median) | ratio | target | met |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for group, ours, theirs, what, goal in COMPARISONS:
    for p in params(group, ours):
        if p == "report":
            continue
        a, b = estimate(group, ours, p), estimate(group, theirs, p)
        if a is None or b is None:
            continue
        ratio = a / b
        met = "" if goal is None else ("yes" if ratio <= goal else "no")
        goal_text = "" if goal is None else f"<= {goal:.2f}x"
        print(f"| {what} | {p} | {fmt(a)} | {fmt(b)} | {ratio:.2f}x | {goal_text} | {met} |")

lint = os.path.join(root, "lint", "corpus")
for p in params("lint", "corpus"):
    ns = estimate("lint", "corpus", p)
    if ns:
        print(f"| lint throughput over {p} policies | | {fmt(ns)} per pass | | {int(p) / (ns / 1e9):,.0f} policies/s | | |")
