#!/usr/bin/env bash
# Instructions per operation, counted by callgrind: this crate against the alternatives of
# BENCHMARKS.md. Counts are repeatable on a shared machine, where wall-clock medians are not.
# Needs valgrind.
#
#   scripts/instruction-counts.sh [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-1000}
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 2; }

bin=$(cargo bench -p ecr-policy-benches --bench counts --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "counts" and m.get("executable"):
        print(m["executable"])')

# Instructions of `iterations` runs minus those of none: the setup cancels out.
per_op() {
  local total base
  total=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" "$iterations" 2>&1 | awk '/Collected/ {print $4}')
  base=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 0 2>&1 | awk '/Collected/ {print $4}')
  echo $(( (total - base) / iterations ))
}

echo "| comparison | statements | ours (instructions) | alternative (instructions) | ratio |"
echo "| --- | --- | --- | --- | --- |"
while read -r what ours theirs; do
  for n in 1 10 100; do
    a=$(per_op "$ours" "$n")
    b=$(per_op "$theirs" "$n")
    echo "| $what | $n | $a | $b | $(python3 -c "print(f'{$a/$b:.2f}x')") |"
  done
done <<'PAIRS'
render_compact_vs_derive to_json derive_to_string
render_pretty_vs_derive_pretty to_json_pretty derive_to_string_pretty
render_aws_vs_derive_pretty to_aws_json derive_to_string_pretty
parse_vs_value repository_policy serde_json_value
decision_prepared_vs_iam_rs evaluator iam_rs
decision_oneoff_vs_iam_rs evaluator_oneoff iam_rs_oneoff
PAIRS
