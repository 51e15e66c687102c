#!/usr/bin/env python3
"""Checks that the Rust versions the project states are the ones its locked dependency tree needs.

For each way of building (the libraries, the examples and tests, the `aws` feature, the
benchmarks) it takes the highest `rust-version` among the packages that build compiles, per
`cargo metadata` and `cargo tree` over Cargo.lock, and then checks that

- every workspace member declares a `rust-version` at least as high as its dependencies need
  (the crates' own code is held to their `rust-version` by clippy's `incompatible_msrv` lint);
- each row of the README's "Rust versions" table names exactly the version its build needs.

    python3 scripts/check-rust-versions.py
"""
import json
import os
import re
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)


def cargo(*args):
    out = subprocess.run(["cargo", *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"cargo {' '.join(args)} failed:\n{out.stderr}")
    return out.stdout


def version(text):
    """`1.87` and `1.87.0` alike, as (1, 87, 0)."""
    parts = [int(part) for part in text.split(".")] if text else [0]
    return tuple(parts + [0] * (3 - len(parts)))


def show(v):
    return ".".join(str(part) for part in (v if v[2] else v[:2]))


metadata = json.loads(cargo("metadata", "--format-version", "1", "--locked", "--all-features"))
declared = {(p["name"], p["version"]): p.get("rust_version") for p in metadata["packages"]}
members = {p["name"]: p for p in metadata["packages"] if p["id"] in metadata["workspace_members"]}


def compiled(package, edges, features=()):
    """(name, version) of every package `cargo tree` shows for one member, on any target."""
    args = ["tree", "--locked", "--prefix", "none", "--format", "{p}", "--target", "all",
            "-e", edges, "-p", package]
    if features:
        args += ["--features", ",".join(features)]
    found = set()
    for line in cargo(*args).splitlines():
        words = line.split()
        if len(words) >= 2 and words[1].startswith("v"):
            found.add((words[0], words[1][1:]))
    return found


def needs(packages):
    """The highest rust-version among `packages`, and the package that declares it."""
    return max(((version(declared.get(p)), p[0]) for p in packages), default=((0,), "-"))


def member_versions(names):
    return max(version(members[n].get("rust_version")) for n in names)


workspace = {(p["name"], p["version"]) for p in members.values()}
failures = []

# Every member's own rust-version covers what its dependencies need, with every feature but
# `aws`, which has a row of its own in the README.
for name, member in sorted(members.items()):
    own = version(member.get("rust_version"))
    edges = "normal,build,dev" if member.get("publish") == [] else "normal,build"
    features = sorted(set(member["features"]) - {"default", "aws"})
    deps = compiled(name, edges, features) - {(name, member["version"])}
    need, by = needs(deps)
    if own < need:
        failures.append(f"{name} declares rust-version {show(own)}, but {by} needs {show(need)}: "
                        f"raise `rust-version` in {os.path.relpath(member['manifest_path'])}")

publishable = sorted(n for n, m in members.items() if m.get("publish") != [])
# `cargo test --workspace` compiles the dev-dependencies of every member but the benchmarks,
# which have no test targets.
tested = sorted(n for n in members if n != "ecr-policy-benches")


def build_needs(pairs, floor):
    need, by = floor, "the rust-version of the crates it builds"
    for package, edges, features in pairs:
        v, p = needs(compiled(package, edges, features) - workspace)
        if v > need:
            need, by = v, p
    return need, by


library = member_versions(publishable)
builds = {
    "library": (library, "the crates' rust-version"),
    "tests": build_needs([(n, "normal,build,dev", ()) for n in tested], library),
    "aws": build_needs([("ecr-policy", "normal,build", ("aws",))], library),
    "benches": build_needs([("ecr-policy-benches", "normal,build,dev", ())], library),
}
if "ecr-policy-cli" in members:
    cli = max(library, version(members["ecr-policy-cli"].get("rust_version")))
    builds["cli"] = build_needs([("ecr-policy-cli", "normal,build", ())], cli)
builds["tests-aws"] = max(builds["tests"], builds["aws"])

# The README's table: `| what | Rust | ... |`, each row tagged with the build it describes.
readme = open("README.md", encoding="utf-8").read()
rows = re.findall(r"^\| ([^|]*) \| (\d+\.\d+(?:\.\d+)?) \|.*<!-- rust-version: (\S+) -->", readme, re.M)
stated = {tag: (version(v), what.strip()) for what, v, tag in rows}
for tag, (need, by) in sorted(builds.items()):
    if tag not in stated:
        failures.append(f"README.md: no row of the Rust versions table is tagged "
                        f"`<!-- rust-version: {tag} -->` (it needs {show(need)})")
        continue
    v, what = stated[tag]
    if v != need:
        failures.append(f"README.md: the row \"{what}\" states Rust {show(v)}, but it needs {show(need)} "
                        f"({by}): change the table")
for tag in sorted(set(stated) - set(builds)):
    failures.append(f"README.md: unknown build `{tag}` in the Rust versions table")

for tag, (need, by) in sorted(builds.items()):
    print(f"{tag:10} needs Rust {show(need):7} ({by})")
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
