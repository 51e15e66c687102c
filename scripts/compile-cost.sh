#!/usr/bin/env bash
# Compile cost of `policy!` against `serde_json::json!`, and of a clean build of ecr-policy
# against a crate that depends only on serde (derive) and serde_json.
#
# Generates throwaway crates under $WORK (default: a temporary folder), then times with
# hyperfine:
#   1. the rebuild of a crate with 200 distinct `policy!` invocations after touching its source,
#      against its twin with the same 200 policies written as `serde_json::json!`;
#   2. a clean build of ecr-policy against a clean build of the serde + serde_json baseline.
# Prints a Markdown table. Needs hyperfine (`apt-get install hyperfine`).
#
#   scripts/compile-cost.sh [RUNS]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
work=${WORK:-$(mktemp -d)}
count=200
command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install hyperfine" >&2; exit 2; }

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

# Clean-build pair: ecr-policy alone, and serde (derive) + serde_json alone.
write(f"{work}/clean-ecr-policy/src/lib.rs", "pub use ecr_policy;\n")
write(f"{work}/clean-ecr-policy/Cargo.toml", f'''[package]
name = "clean-ecr-policy"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
ecr-policy = {{ path = "{repo}" }}

[workspace]
''')
write(f"{work}/clean-serde/src/lib.rs", "pub use serde;\npub use serde_json;\n")
write(f"{work}/clean-serde/Cargo.toml", '''[package]
name = "clean-serde"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[workspace]
''')
PY

# Same lock file versions for both sides where they share crates.
for c in with-policy-macro with-json-macro clean-ecr-policy clean-serde; do
  cp "$repo/Cargo.lock" "$work/$c/Cargo.lock"
  (cd "$work/$c" && cargo build -q 2>/dev/null || cargo build)
done

cd "$work"
hyperfine --style basic --runs "$runs" --export-json rebuild.json \
  --prepare 'touch with-policy-macro/src/lib.rs' -n 'policy! x200 rebuild' 'cargo build -q --manifest-path with-policy-macro/Cargo.toml' \
  --prepare 'touch with-json-macro/src/lib.rs' -n 'json! x200 rebuild' 'cargo build -q --manifest-path with-json-macro/Cargo.toml' >&2

hyperfine --style basic --runs "$runs" --export-json clean.json \
  --prepare 'cargo clean -q --manifest-path clean-ecr-policy/Cargo.toml' -n 'ecr-policy clean build' 'cargo build -q --manifest-path clean-ecr-policy/Cargo.toml' \
  --prepare 'cargo clean -q --manifest-path clean-serde/Cargo.toml' -n 'serde + serde_json clean build' 'cargo build -q --manifest-path clean-serde/Cargo.toml' >&2

python3 - "$count" <<'PY'
import json, sys
count = int(sys.argv[1])
def load(name):
    return {r["command"]: r for r in json.load(open(name))["results"]}
rb, cl = load("rebuild.json"), load("clean.json")
p, j = rb["policy! x200 rebuild"], rb["json! x200 rebuild"]
e, s = cl["ecr-policy clean build"], cl["serde + serde_json clean build"]
print("| measure | ours | alternative | ratio | target |")
print("| --- | --- | --- | --- | --- |")
print(f"| rebuild, 200 invocations (`policy!` vs `json!`) | {p['mean']:.2f} s ± {p['stddev']:.2f} | {j['mean']:.2f} s ± {j['stddev']:.2f} | {p['mean']/j['mean']:.2f}x | <= 1.0x |")
print(f"| per invocation | {p['mean']/count*1000:.2f} ms | {j['mean']/count*1000:.2f} ms | | |")
print(f"| clean build (`ecr-policy` vs serde + serde_json) | {e['mean']:.2f} s ± {e['stddev']:.2f} | {s['mean']:.2f} s ± {s['stddev']:.2f} | {e['mean']/s['mean']:.2f}x | <= 1.2x |")
PY
