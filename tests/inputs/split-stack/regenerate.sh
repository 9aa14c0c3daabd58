#!/usr/bin/env bash
# Regenerate the split-stack inputs against a local AWS API (moto server), with real terraform:
# the network stack is applied (network/state.json: `terraform show -json` of its state;
# network/terraform.tfstate: the raw state, as `terraform state pull` gives it), then each
# application stack is planned against it (plan.json). Needs terraform, the provider mirror and
# ../shared/tools/localaws (override with $LOCALAWS). Ids change at every run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
localaws=${LOCALAWS:-$here/../../../../shared/tools/localaws}
exec "$localaws" bash -euo pipefail -c '
  here=$1
  init() { terraform -chdir="$1" init -plugin-dir="$TF_PLUGIN_DIR" -input=false -no-color >/dev/null; }
  init "$here/network"
  terraform -chdir="$here/network" apply -auto-approve -input=false -no-color >/dev/null
  terraform -chdir="$here/network" show -json > "$here/network/state.json"
  cat "$here/network/terraform.tfstate" > "$here/network/raw-state.json"
  out() { terraform -chdir="$here/network" output -raw "$1"; }
  sed -e "s/@vpc_id@/$(out vpc_id)/" -e "s/@public_subnet_id@/$(out public_subnet_id)/" \
      -e "s/@private_subnet_id@/$(out private_subnet_id)/" \
      -e "s/@bastion_security_group_id@/$(out bastion_security_group_id)/" \
      "$here/app-ids/main.tf.tmpl" > "$here/app-ids/main.tf"
  cat "$here/app-ids/app.tf.part" >> "$here/app-ids/main.tf"
  for app in app-data app-remote app-ids; do
    init "$here/$app"
    terraform -chdir="$here/$app" plan -refresh=false -input=false -no-color -lock=false -out=tfplan >/dev/null
    terraform -chdir="$here/$app" show -json tfplan > "$here/$app/plan.json"
    rm -f "$here/$app/tfplan"
  done
  for dir in network app-data app-remote app-ids; do
    rm -rf "$here/$dir/.terraform" "$here/$dir/.terraform.lock.hcl" "$here/$dir/terraform.tfstate.backup"
  done
  rm -f "$here/network/terraform.tfstate"
' bash "$here"
