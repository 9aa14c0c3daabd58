"""Regenerate tfreach/inputs/sources/provider_schema.json: the attributes the AWS provider computes.

HCL mode needs to know, for each resource type, which attributes the provider fills in
when the configuration leaves them unset: in a plan they are "known after apply".

    python scripts/provider_schema.py                 # plan an empty AWS config offline
    python scripts/provider_schema.py SCHEMA.json     # from `terraform providers schema -json`
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROVIDER = "registry.terraform.io/hashicorp/aws"
OUT = Path(__file__).resolve().parent.parent / "tfreach" / "hcl" / "provider_schema.json"
CONFIG = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
"""


def provider_schema() -> dict:
    mirror = os.environ.get("TF_PLUGIN_DIR") or _find_mirror()
    with tempfile.TemporaryDirectory() as work:
        Path(work, "main.tf").write_text(CONFIG)
        env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
        subprocess.run(
            ["terraform", "init", f"-plugin-dir={mirror}", "-input=false"],
            cwd=work,
            env=env,
            check=True,
            capture_output=True,
        )
        shown = subprocess.run(
            ["terraform", "providers", "schema", "-json"], cwd=work, env=env, check=True, capture_output=True, text=True
        )
        version = subprocess.run(
            ["terraform", "version", "-json"], cwd=work, env=env, check=True, capture_output=True, text=True
        )
    schema = json.loads(shown.stdout)
    schema["provider_version"] = json.loads(version.stdout).get("provider_selections", {}).get(PROVIDER)
    return schema


def _find_mirror() -> str:
    for root in (Path("/opt"), Path("/usr/share"), Path.home()):
        for found in root.glob("**/registry.terraform.io"):
            if ".terraform" not in found.parts:
                return str(found.parent)
    sys.exit("no provider mirror found; set TF_PLUGIN_DIR")


def computed(schema: dict) -> dict[str, list[str]]:
    resources = schema["provider_schemas"][PROVIDER]["resource_schemas"]
    return {
        rtype: sorted(name for name, attribute in body["block"]["attributes"].items() if attribute.get("computed"))
        for rtype, body in sorted(resources.items())
    }


def main() -> None:
    schema = json.loads(Path(sys.argv[1]).read_text()) if len(sys.argv) > 1 else provider_schema()
    version = schema.get("provider_version") or "(version not recorded)"
    table = {"source": f"terraform providers schema -json, hashicorp/aws {version}", "computed": computed(schema)}
    lines = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in table["computed"].items())
    OUT.write_text(f'{{\n  "source": {json.dumps(table["source"])},\n  "computed": {{\n{lines}\n  }}\n}}\n')
    print(f"{OUT}: {len(table['computed'])} resource types")


if __name__ == "__main__":
    main()
