"""Time `tfreach check` on an application plan beside a large network stack's state (`--context`).

    python benchmarks/context.py                  # 1k plan, 20k context, 5 runs
    python benchmarks/context.py --plan 1000 --context 20000 --runs 3

The shared real plans (../shared/bench) hold no AWS ids (a plan creates everything), so the
context is made from the 20k plan as Terraform would record it after its apply: every resource gets
an id of its kind, and every link its configuration makes (`vpc_id`, `subnet_id`, groups, route
tables, gateways, rules' groups, targets) gets the id of what it names, resolved by tfreach's own
resolver. The application plan is the 1k plan with its instances placed, by literal id, in the
context's subnets, as an application stack that finds the network by id would be. Prints the
median wall time and peak memory of `check -q`, alone and with the context.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import from_shared  # noqa: E402
from run import measure  # noqa: E402

from tfreach.inputs.plan.instances import config_modules, planned_instances  # noqa: E402
from tfreach.inputs.plan.resolve import Resolver  # noqa: E402

PREFIX = {
    "aws_vpc": "vpc",
    "aws_subnet": "subnet",
    "aws_security_group": "sg",
    "aws_route_table": "rtb",
    "aws_network_acl": "acl",
    "aws_internet_gateway": "igw",
    "aws_nat_gateway": "nat",
    "aws_vpn_gateway": "vgw",
    "aws_vpn_connection": "vpn",
    "aws_vpc_peering_connection": "pcx",
    "aws_instance": "i",
    "aws_eip": "eipalloc",
    "aws_customer_gateway": "cgw",
}
LINKS = (
    "vpc_id",
    "peer_vpc_id",
    "subnet_id",
    "subnet_ids",
    "subnets",
    "vpc_security_group_ids",
    "security_groups",
    "security_group_id",
    "source_security_group_id",
    "referenced_security_group_id",
    "route_table_id",
    "network_acl_id",
    "gateway_id",
    "nat_gateway_id",
    "vpn_gateway_id",
    "customer_gateway_id",
    "vpn_connection_id",
    "vpc_peering_connection_id",
    "allocation_id",
    "instance_id",
    "load_balancer_arn",
    "target_group_arn",
    "target_id",
)


def identity(resource_type: str, address: str) -> str:
    digest = hashlib.sha1(address.encode()).hexdigest()[:17]
    if resource_type in PREFIX:
        return f"{PREFIX[resource_type]}-{digest}"
    return f"arn:aws:elasticloadbalancing:us-east-1:123456789012:{resource_type}/{digest}"


def state_of(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan's resources as a `terraform show -json` state: ids given, links resolved to ids."""
    instances = planned_instances(plan)
    ids = {i.address: identity(i.type, i.address) for i in instances}
    resolver = Resolver(instances, config_modules(plan.get("configuration")), frozenset(), None)
    every_type = frozenset(i.type for i in instances)
    resources = []
    for instance in instances:
        values = copy.deepcopy(instance.values)
        values["id"] = ids[instance.address]
        for attribute in LINKS:
            if values.get(attribute) is not None and not instance.is_unknown(attribute):
                continue
            found = [ids[a] for a in resolver.link(instance, (attribute,), every_type).addresses if a in ids]
            if found:
                values[attribute] = found if attribute.endswith(("_ids", "groups", "subnets")) else found[0]
        resource = {"address": instance.address, "mode": "managed", "type": instance.type, "name": instance.name}
        resources.append({**resource, "provider_name": "registry.terraform.io/hashicorp/aws", "values": values})
    return {"format_version": "1.0", "terraform_version": "1.11.0", "values": {"root_module": {"resources": resources}}}


def placed_in(plan: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """The plan with its instances in the context's subnets, by literal id."""
    subnets = [r["values"]["id"] for r in state["values"]["root_module"]["resources"] if r["type"] == "aws_subnet"]
    out = copy.deepcopy(plan)
    placed = 0
    for change in out.get("resource_changes") or []:
        if change.get("type") == "aws_instance" and change["change"].get("after") is not None:
            change["change"]["after"]["subnet_id"] = subnets[placed % len(subnets)]
            (change["change"].get("after_unknown") or {}).pop("subnet_id", None)
            placed += 1
    pending = [out["planned_values"]["root_module"]]
    placed = 0
    while pending:
        module = pending.pop(0)
        for resource in module.get("resources") or []:
            if resource["type"] == "aws_instance":
                resource["values"]["subnet_id"] = subnets[placed % len(subnets)]
                placed += 1
        pending.extend(module.get("child_modules") or [])
    return out


def build(plan_size: int, context_size: int, work: Path) -> None:
    """Write work/context.json and work/app/plan.json."""
    from_shared(plan_size, work / "shared-plan.json")
    from_shared(context_size, work / "shared-context.json")
    state = state_of(json.loads((work / "shared-context.json").read_text()))
    (work / "context.json").write_text(json.dumps(state))
    app = placed_in(json.loads((work / "shared-plan.json").read_text()), state)
    (work / "app").mkdir()
    (work / "app" / "plan.json").write_text(json.dumps(app))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", type=int, default=1000, help="the shared plan of the application")
    parser.add_argument("--context", type=int, default=20000, help="the shared plan made into the network's state")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # the inputs only, in a process of their own
    args = parser.parse_args()
    if args.build:
        build(args.plan, args.context, args.build)
        return
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        # Built in a child: a peak measured later must not inherit this process's memory.
        maker = [sys.executable, __file__, "--plan", str(args.plan), "--context", str(args.context), "--build", folder]
        subprocess.run(maker, check=True)
        count = len(json.loads((work / "context.json").read_text())["values"]["root_module"]["resources"])
        tfreach = [sys.executable, "-m", "tfreach", "check", str(work / "app" / "plan.json"), "-q"]
        print(f"| {args.plan}-resource plan | wall s | peak MB |\n|---|---|---|")
        for label, extra in (
            ("alone", []),
            (f"with a {count}-resource context", ["--context", str(work / "context.json")]),
        ):
            wall, peak, _ = measure([*tfreach, *extra], args.runs)
            print(f"| {label} | {wall:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
