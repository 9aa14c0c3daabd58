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
#
# Update scenarios (a folder with before/main.tf beside main.tf) are planned
# against a prior state:
#   1. before/main.tf is planned as main.tf in a temporary copy (tfplan);
#   2. the AWS provider schema is read there (terraform providers schema -json);
#   3. the shared state synthesizer turns that all-create plan into the folder's
#      prior.tfstate, with the folder's overrides.json (if any):
#        synth_state.py BEFORE_PLAN SCHEMA OVERRIDES > prior.tfstate
#      by default ../shared/corpus/tools/synth_state.py relative to the
#      repository root; override with $SYNTH_STATE. The before/main.tf config
#      is then re-planned against that state as a check: anything but
#      "No changes" is reported as a warning (the state is still written);
#   4. main.tf is planned against prior.tfstate (copied to terraform.tfstate)
#      into the folder's plan.json. So that the state file never lands in the
#      scenario folder, this step, too, runs in a temporary copy (main.tf +
#      terraform.tfstate), which is removed afterwards together with its
#      .terraform / lock / tfplan / state backup files. (before/ is a folder of
#      its own so that `tfreach check DIR` reads only the after configuration.)
# prior.tfstate is committed, so it can be inspected, but it is rewritten on
# every run (synth_state.py is deterministic).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
tfplan=${TFPLAN:-$repo/../shared/tools/tfplan}
synth=${SYNTH_STATE:-$repo/../shared/corpus/tools/synth_state.py}
python=${PYTHON:-python3}

if [ ! -x "$tfplan" ]; then
  echo "regenerate.sh: tfplan helper not found or not executable: $tfplan (set TFPLAN)" >&2
  exit 2
fi

# Scenario folders: the arguments, or every folder that has a main.tf.
dirs=()
if [ $# -gt 0 ]; then
  for name in "$@"; do
    name=${name%/}
    [ -f "$here/$name/main.tf" ] || { echo "regenerate.sh: no $name/main.tf" >&2; exit 2; }
    dirs+=("$here/$name")
  done
else
  for main in "$here"/*/main.tf; do
    dirs+=("$(dirname "$main")")
  done
fi

for dir in "${dirs[@]}"; do
  [ -f "$dir/before/main.tf" ] || continue
  if [ ! -f "$synth" ]; then
    echo "regenerate.sh: state synthesizer not found: $synth (set SYNTH_STATE)" >&2
    exit 2
  fi
done

# Same environment as tfplan for the terraform calls made here directly.
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi

# Files created by the current run, removed even if tfplan fails.
cleanup=()
remove_created() {
  local p
  for p in ${cleanup[@]+"${cleanup[@]}"}; do rm -rf -- "$p"; done
  cleanup=()
}
trap remove_created EXIT

# Steps 1-3 for an update scenario: write $dir/prior.tfstate from before/main.tf.
synthesize_prior_state() {
  local dir=$1 work rc overrides=()
  work=$(mktemp -d "${TMPDIR:-/tmp}/tfreach-before.XXXXXX")
  cleanup+=("$work")
  cp "$dir/before/main.tf" "$work/main.tf"
  "$tfplan" "$work" "$work/before.plan.json" >/dev/null
  (cd "$work" && terraform providers schema -json) > "$work/aws_schema.json"
  [ -f "$dir/overrides.json" ] && overrides=("$dir/overrides.json")
  "$python" "$synth" "$work/before.plan.json" "$work/aws_schema.json" ${overrides[@]+"${overrides[@]}"} \
    > "$work/prior.tfstate"
  # Check: the deployed configuration planned against its own state is a no-op.
  cp "$work/prior.tfstate" "$work/terraform.tfstate"
  rc=0
  (cd "$work" && terraform plan -refresh=false -input=false -no-color -lock=false -detailed-exitcode) \
    > "$work/check.log" 2>&1 || rc=$?
  case $rc in
    0) ;;
    2) echo "regenerate.sh: warning: before/main.tf planned against prior.tfstate is not a no-op:" >&2
       grep -E '^  # |^Plan:' "$work/check.log" >&2 || true ;;
    *) cat "$work/check.log" >&2; return 1 ;;
  esac
  cp "$work/prior.tfstate" "$dir/prior.tfstate"
}

# Step 4 for an update scenario: plan main.tf against prior.tfstate.
plan_update() {
  local dir=$1 work
  work=$(mktemp -d "${TMPDIR:-/tmp}/tfreach-after.XXXXXX")
  cleanup+=("$work")
  cp "$dir/main.tf" "$work/main.tf"
  cp "$dir/prior.tfstate" "$work/terraform.tfstate"
  "$tfplan" "$work" "$dir/plan.json" >/dev/null
}

for dir in "${dirs[@]}"; do
  echo "planning $(basename "$dir")" >&2
  if [ -f "$dir/before/main.tf" ]; then
    synthesize_prior_state "$dir"
    plan_update "$dir"
  else
    [ -e "$dir/.terraform" ] || cleanup+=("$dir/.terraform")
    [ -e "$dir/.terraform.lock.hcl" ] || cleanup+=("$dir/.terraform.lock.hcl")
    "$tfplan" "$dir" "$dir/plan.json" >/dev/null
  fi
  remove_created
done
echo "regenerated ${#dirs[@]} plan(s)" >&2
