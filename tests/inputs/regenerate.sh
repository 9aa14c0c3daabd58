#!/usr/bin/env bash
# Re-plan the real Terraform inputs of tests/inputs offline: each folder with a main.tf or
# main.tf.json, one or two levels down (split-stack has its own script: it needs a local AWS API).
# Uses ../shared/tools/tfplan relative to the repository root; override with $TFPLAN.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tfplan=${TFPLAN:-$here/../../../shared/tools/tfplan}
for main in "$here"/*/main.tf "$here"/*/main.tf.json "$here"/*/*/main.tf; do
  [ -e "$main" ] || continue
  dir=$(dirname "$main")
  case "$dir" in */split-stack/*) continue ;; esac
  "$tfplan" "$dir" "$dir/plan.json" >/dev/null
  rm -rf "$dir/.terraform" "$dir/.terraform.lock.hcl"
  echo "planned ${dir#"$here"/}" >&2
done
