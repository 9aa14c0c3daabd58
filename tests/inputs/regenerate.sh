#!/usr/bin/env bash
# Re-plan the real Terraform inputs of tests/inputs (each folder with a main.tf or main.tf.json) offline.
# Uses ../shared/tools/tfplan relative to the repository root; override with $TFPLAN.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tfplan=${TFPLAN:-$here/../../../shared/tools/tfplan}
for main in "$here"/*/main.tf "$here"/*/main.tf.json; do
  [ -e "$main" ] || continue
  dir=$(dirname "$main")
  "$tfplan" "$dir" "$dir/plan.json" >/dev/null
  rm -rf "$dir/.terraform" "$dir/.terraform.lock.hcl"
  echo "planned $(basename "$dir")" >&2
done
