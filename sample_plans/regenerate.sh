#!/usr/bin/env bash
# Regenerate sample_plans/*/plan.json from each scenario's main.tf, offline.
#
#   sample_plans/regenerate.sh            # every scenario
#   sample_plans/regenerate.sh NAME...    # only the named scenario folders
#
# Uses the shared planning helper (terraform init with the local provider
# mirror, plan -refresh=false, show -json): by default ../shared/tools/tfplan
# relative to the repository root; override with $TFPLAN.
# The .terraform/ directories and .terraform.lock.hcl files that this run
# creates are removed afterwards (pre-existing ones are left alone).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
tfplan=${TFPLAN:-$repo/../shared/tools/tfplan}

if [ ! -x "$tfplan" ]; then
  echo "regenerate.sh: tfplan helper not found or not executable: $tfplan (set TFPLAN)" >&2
  exit 2
fi

# Scenario folders: the arguments, or every folder that has a main.tf.
dirs=()
if [ $# -gt 0 ]; then
  for name in "$@"; do
    [ -f "$here/$name/main.tf" ] || { echo "regenerate.sh: no $name/main.tf" >&2; exit 2; }
    dirs+=("$here/$name")
  done
else
  for main in "$here"/*/main.tf; do
    dirs+=("$(dirname "$main")")
  done
fi

# Files created by the current run, removed even if tfplan fails.
cleanup=()
remove_created() {
  local p
  for p in ${cleanup[@]+"${cleanup[@]}"}; do rm -rf -- "$p"; done
  cleanup=()
}
trap remove_created EXIT

for dir in "${dirs[@]}"; do
  [ -e "$dir/.terraform" ] || cleanup+=("$dir/.terraform")
  [ -e "$dir/.terraform.lock.hcl" ] || cleanup+=("$dir/.terraform.lock.hcl")
  echo "planning $(basename "$dir")" >&2
  "$tfplan" "$dir" "$dir/plan.json" >/dev/null
  remove_created
done
echo "regenerated ${#dirs[@]} plan(s)" >&2
