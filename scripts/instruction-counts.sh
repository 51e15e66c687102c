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

# COUNTS_BIN runs an already built driver instead (a copy keeps a long run from picking up a
# rebuild halfway). PAIRS_MATCHING keeps only the comparisons whose name matches.
bin=${COUNTS_BIN:-$(cargo bench -p ecr-policy-benches --bench counts --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "counts" and m.get("executable"):
        print(m["executable"])')}

# Instructions of `iterations` runs minus those of none: the setup cancels out.
per_op() {
  local total base
  total=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" "$iterations" 2>&1 | awk '/Collected/ {print $4}')
  base=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 0 2>&1 | awk '/Collected/ {print $4}')
  echo $(( (total - base) / iterations ))
}

echo "| comparison | statements | ours (instructions) | alternative (instructions) | ratio |"
echo "| --- | --- | --- | --- | --- |"
# `corpus` rows read every policy of tests/corpus/valid once per operation.
while read -r what ours theirs sizes; do
  [[ $what =~ ${PAIRS_MATCHING:-.} ]] || continue
  for n in $sizes; do
    a=$(per_op "$ours" "$n")
    b=$(per_op "$theirs" "$n")
    label=$n; [[ $what == corpus* ]] && label="corpus (33 policies)"
    [[ $what == corpus_decision* ]] && label="corpus ($("$bin" corpus_decision_count 1 0))"
    # Decisions are far apart: their rows say how many times faster too.
    ratio=$(python3 -c "r = $a / $b; print(f'{r:.2f}x' + (f' ({1 / r:.0f}x faster)' if '$what'.count('decision') else ''))")
    echo "| $what | $label | $a | $b | $ratio |"
  done
done <<'PAIRS'
render_compact_vs_derive to_json derive_to_string 1 10 100
render_pretty_vs_derive_pretty to_json_pretty derive_to_string_pretty 1 10 100
parse_vs_value repository_policy serde_json_value 1 10 100
parse_vs_derive repository_policy derive_from_str 1 10 100
located_read_vs_read located_read document 1 10 100
parse_lint_vs_parse parse_lint document 1 10 100
decision_prepared_vs_iam_rs evaluator iam_rs 1 10 100
decision_prepared_request_first_vs_iam_rs evaluator_request_first iam_rs 1 10 100
decision_oneoff_vs_iam_rs evaluator_oneoff iam_rs_oneoff 1 10 100
corpus_read_vs_value corpus_document corpus_value 1
corpus_read_vs_derive corpus_document corpus_derive 1
corpus_located_read_vs_read corpus_located_read corpus_document 1
corpus_parse_lint_vs_parse corpus_parse_lint corpus_document 1
corpus_decision_prepared_vs_iam_rs corpus_evaluator corpus_iam_rs 1
corpus_decision_oneoff_vs_iam_rs corpus_evaluator_oneoff corpus_iam_rs_oneoff 1
PAIRS
