#!/usr/bin/env bash
# rustc's CPU time (user + system) per crate in the clean build of a fresh user crate with
# ecr-policy (default features) and one `policy!`, against one with serde (derive) + serde_json
# and one `json!`; optionally against a second checkout of ecr-policy (BEFORE=path), so that a
# change is measured before and after under the same load.
#
# Each round builds every side once, the order alternating from round to round, with an empty
# target folder, CARGO_INCREMENTAL=0 and the default dev profile, as a user builds; a
# RUSTC_WRAPPER runs each rustc under /usr/bin/time. Prints min and median per crate.
#
#   scripts/compile-per-crate.sh [RUNS]
#   BEFORE=/path/to/other/checkout scripts/compile-per-crate.sh [RUNS]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
echo "work folder: $work" >&2

cat >"$work/time-rustc" <<'EOF'
#!/usr/bin/env bash
name=
args=("$@")
for ((i = 1; i < ${#args[@]}; i++)); do
  [[ ${args[$i]} == --crate-name ]] && name=${args[$((i + 1))]}
done
if [[ -n $name && $name != ___ ]]; then
  exec /usr/bin/time -a -o "$RECORD" -f "$name %U %S" "$@"
fi
exec "$@"
EOF
chmod +x "$work/time-rustc"

crate() { # name, dependencies, body
  mkdir -p "$work/$1/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n%s\n\n[workspace]\n' \
    "$1" "$2" >"$work/$1/Cargo.toml"
  printf '%s\n' "$3" >"$work/$1/src/lib.rs"
  cp "$repo/Cargo.lock" "$work/$1/Cargo.lock"
  (cd "$work/$1" && cargo fetch -q)
}
one_policy='pub fn policy() -> String {
    ecr_policy::policy! {
        account "123456789012";
        sid "AllowPushPull" allow user "ci-user" push, pull on repo
    }
    .to_json()
}'
one_json='pub fn policy() -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowPushPull",
            "Effect": "Allow",
            "Principal": { "AWS": "arn:aws:iam::123456789012:user/ci-user" },
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:PutImage", "ecr:InitiateLayerUpload",
                       "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:GetDownloadUrlForLayer",
                       "ecr:BatchGetImage"]
        }]
    })
    .to_string()
}'
sides=(ecr-policy serde)
crate ecr-policy "ecr-policy = { path = \"$repo\" }" "$one_policy"
crate serde 'serde = { version = "1", features = ["derive"] }
serde_json = "1"' "$one_json"
if [[ -n ${BEFORE:-} ]]; then
  crate ecr-policy-before "ecr-policy = { path = \"$(cd "$BEFORE" && pwd)\" }" "$one_policy"
  sides=(ecr-policy-before ecr-policy serde)
fi

unset CARGO_PROFILE_DEV_DEBUG CARGO_INCREMENTAL
mkdir -p "$work/records"
for ((r = 1; r <= runs; r++)); do
  order=("${sides[@]}")
  if ((r % 2 == 0)); then
    order=()
    for ((i = ${#sides[@]} - 1; i >= 0; i--)); do order+=("${sides[$i]}"); done
  fi
  for side in "${order[@]}"; do
    cargo clean -q --manifest-path "$work/$side/Cargo.toml"
    echo "load $(cut -d' ' -f1 /proc/loadavg)" >"$work/records/$side.$r"
    RECORD="$work/records/$side.$r" RUSTC_WRAPPER="$work/time-rustc" CARGO_INCREMENTAL=0 \
      cargo build -q --manifest-path "$work/$side/Cargo.toml"
    echo "round $r: $side" >&2
  done
done

python3 - "$work/records" "${sides[@]}" <<'PY'
import collections, os, statistics, sys
folder, sides = sys.argv[1], sys.argv[2:]
ours = ["policy_core", "policy_analysis", "policy_catalogue", "policy_macros"]
cpu = {s: collections.defaultdict(list) for s in sides}
loads = []
for name in sorted(os.listdir(folder)):
    side = name.rsplit(".", 1)[0]
    per = collections.Counter()
    for line in open(os.path.join(folder, name)):
        word, *rest = line.split()
        if word == "load":
            loads.append(float(rest[0]))
            continue
        if len(rest) != 2:  # a compiler message time(1) appended
            continue
        per[word] += float(rest[0]) + float(rest[1])
    for crate in ours:
        if crate in per:
            cpu[side][crate].append(per[crate])
    cpu[side]["the rest"].append(sum(v for k, v in per.items() if k not in ours))
    cpu[side]["all"].append(sum(per.values()))
print(f"{len(cpu[sides[0]]['all'])} interleaved rounds; rustc CPU seconds, min / median; "
      f"load average (1 min) at the start of each build {min(loads):.1f} to {max(loads):.1f}.")
print()
print("| crate | " + " | ".join(sides) + " |")
print("| --- |" + " ---: |" * len(sides))
for crate in ours + ["the rest", "all"]:
    cells = []
    for s in sides:
        xs = cpu[s].get(crate)
        cells.append(f"{min(xs):.2f} / {statistics.median(xs):.2f}" if xs else "")
    print(f"| {crate} | " + " | ".join(cells) + " |")
PY
