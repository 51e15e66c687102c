#!/usr/bin/env bash
# Lints a directory of policy files with `ecr-policy lint` and with parliament
# (pip install parliament), in the same run, and prints wall clock and CPU time of each, the
# policies per second per core (files over CPU time), and the start-up time of `ecr-policy`
# on one small file.
#
#   ecr-policy-cli/scripts/bench-vs-parliament.sh [COUNT]     (default 10000)
#       COUNT generated policy files;
#   ecr-policy-cli/scripts/bench-vs-parliament.sh --corpus DIR [COPIES]     (default 200)
#       the policy documents of DIR/policies (the shared corpus: the same 49 as
#       `counts shared_parse_lint`), each COPIES times, so that per-file work, not start-up,
#       dominates both runs.
#
# Needs python3 and GNU time (/usr/bin/time). Builds the release binary first.
set -euo pipefail
corpus=""
if [ "${1:-}" = "--corpus" ]; then
  corpus="${2:?--corpus needs a folder holding policies/}"
  copies="${3:-200}"
else
  count="${1:-10000}"
fi
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --quiet --release -p ecr-policy-cli --manifest-path "$root/Cargo.toml"
bin="$root/target/release/ecr-policy"
command -v parliament >/dev/null || { echo "parliament is not on PATH: pip install parliament" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is missing: apt-get install time" >&2; exit 1; }

if [ -n "$corpus" ]; then
python3 - "$corpus/policies" "$work/policies" "$copies" <<'PY'
import json, os, sys
src, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(out)
docs = []
for name in sorted(os.listdir(src)):
    path = os.path.join(src, name)
    if not name.endswith(".json") or not os.path.isfile(path):
        continue
    with open(path) as f:
        text = f.read()
    try:
        value = json.loads(text)
    except ValueError:
        continue
    # Documents only (the corpus's index.json is not a policy).
    if isinstance(value, dict) and "Statement" in value:
        docs.append((name, text))
for c in range(copies):
    for name, text in docs:
        with open(os.path.join(out, f"{c:04d}-{name}"), "w") as f:
            f.write(text)
print(f"{len(docs)} documents of {src}, {copies} copies each")
PY
count=$(ls "$work/policies" | wc -l)
else
# Policies of the shapes real repositories hold: CI users and roles, cross-account pulls,
# service principals with and without a source condition, public pulls, denies by IP.
python3 - "$work/policies" "$count" <<'PY'
import json, os, random, sys
out, count = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
rnd = random.Random(42)
pull = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
push = ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"]
def account():
    return "".join(rnd.choice("0123456789") for _ in range(12))
def statement(i):
    kind = rnd.randrange(6)
    s = {"Sid": f"Statement{i}", "Effect": "Allow"}
    if kind == 0:
        s["Principal"] = {"AWS": f"arn:aws:iam::{account()}:user/ci-{rnd.randrange(100)}"}
        s["Action"] = pull + push
    elif kind == 1:
        s["Principal"] = {"AWS": [f"arn:aws:iam::{account()}:root" for _ in range(rnd.randrange(1, 5))]}
        s["Action"] = pull
    elif kind == 2:
        s["Principal"] = {"Service": "codebuild.amazonaws.com"}
        s["Action"] = pull
        if rnd.random() < 0.5:
            s["Condition"] = {"StringEquals": {"aws:SourceAccount": account()}}
    elif kind == 3:
        s["Principal"] = "*"
        s["Action"] = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    elif kind == 4:
        s["Effect"] = "Deny"
        s["Principal"] = "*"
        s["Action"] = "ecr:*"
        s["Condition"] = {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}
    else:
        s["Principal"] = {"AWS": f"arn:aws:iam::{account()}:role/deployer"}
        s["Action"] = ["ecr:*"]
    return s
for n in range(count):
    doc = {"Version": "2012-10-17", "Statement": [statement(i) for i in range(rnd.randrange(1, 5))]}
    with open(os.path.join(out, f"policy-{n:05d}.json"), "w") as f:
        json.dump(doc, f, indent=2)
PY
fi

measure() { # label, then the command; prints wall, user+sys
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || true
  read -r wall user sys < <(tail -n 1 "$work/time")
  cpu=$(python3 -c "print(f'{$user + $sys:.2f}')")
  per_core=$(python3 -c "print(f'{$count / max($user + $sys, 0.001):,.0f}')")
  printf '%-34s wall %8.2f s   cpu %8.2f s   %10s policies/s/core\n' "$label" "$wall" "$cpu" "$per_core"
  echo "$wall" >"$work/$label.wall"
  echo "$cpu" >"$work/$label.cpu"
}

echo "$count policy files in $work/policies"
measure "ecr-policy lint (text)" "$bin" lint "$work/policies" --deny never
measure "ecr-policy lint --format sarif" "$bin" lint "$work/policies" --deny never --format sarif
measure "parliament --directory" parliament --directory "$work/policies" --include_policy_extension json
ours=$(cat "$work/ecr-policy lint (text).wall")
theirs=$(cat "$work/parliament --directory.wall")
python3 -c "print(f'throughput ratio (parliament wall / ecr-policy wall): {$theirs / max($ours, 0.001):.0f}x')"
# On a loaded machine wall clock measures the other processes too: CPU time is the fairer ratio.
ours_cpu=$(cat "$work/ecr-policy lint (text).cpu")
theirs_cpu=$(cat "$work/parliament --directory.cpu")
python3 -c "print(f'throughput ratio (parliament CPU / ecr-policy CPU): {$theirs_cpu / max($ours_cpu, 0.001):.1f}x')"

# Start-up: the median of 50 runs on one small file.
one="$(ls "$work"/policies/*.json | head -n 1)"
python3 - "$bin" "$one" <<'PY'
import statistics, subprocess, sys, time
runs = []
for _ in range(50):
    t = time.perf_counter()
    subprocess.run([sys.argv[1], "lint", "--deny", "never", sys.argv[2]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs.append(time.perf_counter() - t)
print(f"start-up (lint of one file, median of 50): {statistics.median(runs) * 1000:.1f} ms")
PY
