#!/usr/bin/env bash
# Compile cost of `policy!` against `serde_json::json!`, and of a fresh user crate with
# ecr-policy against one with serde (derive) + serde_json, and one with serde_json alone.
#
# Generates throwaway crates under $WORK (default: a temporary folder), then times, in RUNS
# interleaved rounds (default 5):
#   1. the rebuild of a crate with 200 distinct `policy!` invocations after touching its source,
#      against its twin with the same 200 policies written as `serde_json::json!`;
#   2. the clean build of a fresh user crate with ecr-policy and one `policy!` (default features,
#      and `default-features = false`), against one with serde (derive) + serde_json and one
#      `json!`, and one with serde_json alone and that `json!`.
# Prints Markdown tables: min and median, wall clock and CPU time, and the load average.
#
# The clean builds run with CARGO_INCREMENTAL=0: cargo compiles path dependencies (ecr-policy
# here) incrementally, which costs a clean build about a quarter more, but crates from a
# registry (serde, serde_json here, and ecr-policy for its users) never. The default dev
# profile (CARGO_PROFILE_DEV_DEBUG unset). Set COMPILE_GROUPS to run one group:
#
#   scripts/compile-cost.sh [RUNS]
#   COMPILE_GROUPS=clean scripts/compile-cost.sh [RUNS]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
work=${WORK:-$(mktemp -d)}
count=200

mkdir -p "$work"
echo "work folder: $work" >&2

# Both crates and the baseline share one target folder per crate, so dependencies are built once
# and only the crate's own source is rebuilt.
python3 - "$work" "$repo" "$count" <<'PY'
import os, sys
work, repo, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
bundles = ["pull", "push", "read", "delete", "tag", "policy", "lifecycle", "scan"]
actions = {
    "pull": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"],
    "push": ["ecr:BatchCheckLayerAvailability", "ecr:PutImage", "ecr:InitiateLayerUpload",
             "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"],
    "read": ["ecr:DescribeImageReplicationStatus", "ecr:DescribeImageSigningStatus", "ecr:DescribeImages",
             "ecr:DescribeRepositories", "ecr:ListImages", "ecr:ListTagsForResource"],
    "delete": ["ecr:BatchDeleteImage", "ecr:DeleteRepository"],
    "tag": ["ecr:ListTagsForResource", "ecr:TagResource", "ecr:UntagResource"],
    "policy": ["ecr:DeleteRepositoryPolicy", "ecr:GetRepositoryPolicy", "ecr:SetRepositoryPolicy"],
    "lifecycle": ["ecr:DeleteLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview",
                  "ecr:PutLifecyclePolicy", "ecr:StartLifecyclePolicyPreview"],
    "scan": ["ecr:BatchGetRepositoryScanningConfiguration", "ecr:DescribeImageScanFindings",
             "ecr:PutImageScanningConfiguration", "ecr:StartImageScan"],
}

def policy(i):
    account = f"{100000000000 + i * 7919:012d}"
    b1, b2 = bundles[i % 8], bundles[(i + 3) % 8]
    return account, f"Grant{i}", f"ci-user-{i}", b1, b2

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)

# The policy! crate.
fns = []
for i in range(count):
    account, sid, user, b1, b2 = policy(i)
    fns.append(f'''pub fn policy_{i}() -> String {{
    ecr_policy::policy! {{
        account "{account}";
        sid "{sid}" allow user "{user}" {b1}, {b2} on repo
    }}
    .to_json()
}}
''')
write(f"{work}/with-policy-macro/src/lib.rs", "\n".join(fns))
write(f"{work}/with-policy-macro/Cargo.toml", f'''[package]
name = "with-policy-macro"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
ecr-policy = {{ path = "{repo}" }}

[workspace]
''')

# The json! twin: the same 200 policies, by hand.
fns = []
for i in range(count):
    account, sid, user, b1, b2 = policy(i)
    acts = []
    for a in actions[b1] + actions[b2]:
        if a not in acts:
            acts.append(a)
    listed = ", ".join(f'"{a}"' for a in acts)
    fns.append(f'''pub fn policy_{i}() -> String {{
    serde_json::json!({{
        "Version": "2012-10-17",
        "Statement": [{{
            "Sid": "{sid}",
            "Effect": "Allow",
            "Principal": {{ "AWS": "arn:aws:iam::{account}:user/{user}" }},
            "Action": [{listed}]
        }}]
    }})
    .to_string()
}}
''')
write(f"{work}/with-json-macro/src/lib.rs", "\n".join(fns))
write(f"{work}/with-json-macro/Cargo.toml", '''[package]
name = "with-json-macro"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
serde_json = "1"

[workspace]
''')

# Fresh user crates for the clean builds: ecr-policy with one `policy!`; serde (with derive, which
# nearly every Rust service already compiles) + serde_json with one `json!`; serde_json alone with
# the same `json!`.
one_policy = """pub fn policy() -> String {
    ecr_policy::policy! {
        account "123456789012";
        sid "AllowPushPull" allow user "ci-user" push, pull on repo
    }
    .to_json()
}
"""
one_json = """pub fn policy() -> String {
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
}
"""
for name, lib, deps in [
    ("clean-ecr-policy", one_policy, f'ecr-policy = {{ path = "{repo}" }}'),
    ("clean-ecr-policy-minimal", one_policy,
     f'ecr-policy = {{ path = "{repo}", default-features = false }}'),
    ("clean-serde", one_json, 'serde = { version = "1", features = ["derive"] }\nserde_json = "1"'),
    ("clean-serde-json", one_json, 'serde_json = "1"'),
]:
    write(f"{work}/{name}/src/lib.rs", lib)
    write(f"{work}/{name}/Cargo.toml", f"""[package]
name = "{name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
{deps}

[workspace]
""")
PY

# The default dev profile, as a user's crate has it.
unset CARGO_PROFILE_DEV_DEBUG CARGO_INCREMENTAL
groups=${COMPILE_GROUPS:-rebuild clean}

# Same lock file versions for every side where they share crates; the rebuild crates built once,
# the others' crates downloaded.
for c in with-policy-macro with-json-macro clean-ecr-policy clean-ecr-policy-minimal clean-serde clean-serde-json; do
  cp "$repo/Cargo.lock" "$work/$c/Cargo.lock"
  if [[ "$c" != with-* ]]; then
    (cd "$work/$c" && cargo fetch -q)
  elif [[ " $groups " == *" rebuild "* ]]; then
    (cd "$work/$c" && { cargo build -q 2>/dev/null || cargo build; })
  fi
done

# Interleaved runs: each round builds every side once, in an order that alternates from round to
# round, so that a change of load on the shared machine falls on every side alike. Wall clock and
# CPU time (user + system of the build and its children) of each build; min and median of each.
cd "$work"
python3 - "$runs" "$count" "$groups" <<'PY'
import os, statistics, subprocess, sys, time
runs, count, wanted = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split()
loads = [os.getloadavg()[0]]

def timed(prepare, command):
    subprocess.run(prepare, shell=True, check=True)
    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, shell=True, check=True)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu

def build(crate, incremental=True):
    env = "" if incremental else "CARGO_INCREMENTAL=0 "
    return f"{env}cargo build -q --manifest-path {crate}/Cargo.toml"

def clean(crate):
    return f"cargo clean -q --manifest-path {crate}/Cargo.toml"

groups = {
    "rebuild": [
        ("policy! x200", "touch with-policy-macro/src/lib.rs", build("with-policy-macro")),
        ("json! x200", "touch with-json-macro/src/lib.rs", build("with-json-macro")),
    ],
    "clean": [
        ("ecr-policy + policy!", clean("clean-ecr-policy"), build("clean-ecr-policy", False)),
        ("ecr-policy (no default features) + policy!", clean("clean-ecr-policy-minimal"),
         build("clean-ecr-policy-minimal", False)),
        ("serde (derive) + serde_json + json!", clean("clean-serde"), build("clean-serde", False)),
        ("serde_json + json!", clean("clean-serde-json"), build("clean-serde-json", False)),
    ],
}
results = {}
for group, sides in groups.items():
    if group not in wanted:
        continue
    for r in range(runs):
        order = sides if r % 2 == 0 else list(reversed(sides))
        for name, prepare, command in order:
            results.setdefault(name, []).append(timed(prepare, command))
            wall, cpu = results[name][-1]
            loads.append(os.getloadavg()[0])
            print(f"{group} round {r + 1}: {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                  f"load {loads[-1]:.1f}", file=sys.stderr)

def stats(name, i):
    xs = [x[i] for x in results[name]]
    return min(xs), statistics.median(xs)

print(f"{runs} interleaved rounds; seconds; load average (1 min) {min(loads):.1f} to "
      f"{max(loads):.1f}, median {statistics.median(loads):.1f}.")
print()
print("| build | wall min | wall median | CPU min | CPU median |")
print("| --- | ---: | ---: | ---: | ---: |")
for name in results:
    wmin, wmed = stats(name, 0)
    cmin, cmed = stats(name, 1)
    print(f"| {name} | {wmin:.2f} | {wmed:.2f} | {cmin:.2f} | {cmed:.2f} |")
print()
print("| ratio | wall (min) | wall (median) | CPU (min) | CPU (median) | target |")
print("| --- | ---: | ---: | ---: | ---: | --- |")
for ours, theirs, target in [
    ("policy! x200", "json! x200", "<= 0.5x"),
    ("ecr-policy + policy!", "serde (derive) + serde_json + json!", "<= 1.1x"),
    ("ecr-policy (no default features) + policy!", "serde (derive) + serde_json + json!", "<= 1.1x"),
    ("ecr-policy + policy!", "serde_json + json!", "reported"),
    ("ecr-policy (no default features) + policy!", "serde_json + json!", "reported"),
]:
    if ours not in results or theirs not in results:
        continue
    cells = []
    for i in (0, 1):
        (a_min, a_med), (b_min, b_med) = stats(ours, i), stats(theirs, i)
        cells += [f"{a_min / b_min:.2f}x", f"{a_med / b_med:.2f}x"]
    print(f"| {ours} vs {theirs} | {' | '.join(cells)} | {target} |")
if "policy! x200" in results:
    print()
    print(f"Per invocation (median wall): policy! {stats('policy! x200', 0)[1] / count * 1000:.2f} ms, "
          f"json! {stats('json! x200', 0)[1] / count * 1000:.2f} ms.")
PY
