"""The network beyond the plan: other stacks' resources, and the plan's own data sources.

Real organisations keep the network (VPCs, subnets, route tables, gateways, shared groups) in one
stack and build applications in others, which name it by id. What those ids are comes from:

- the plan's data sources, read during the plan (facts: a subnet's CIDR, VPC and public-IP
  default; a route table's routes and associations): data_sources.py;
- `--context SOURCE`: another stack's `terraform show -json` output (a state, or a plan's planned
  values), a raw state file (`terraform state pull`, format 4), or a folder of them: states.py;
- `--context aws`: the live account, read only, for the ids nothing else holds: live.py.

Each gives resource instances that join the plan's network by AWS id (engine and parsers read them
as they read the plan's): what the plan manages wins, what it deletes is gone. Their endpoints
are never reported (they belong to other stacks); they are what the plan's paths cross.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfreach.inputs.plan.instances import ResourceInstance

AWS = "aws"  # --context aws: the live account


@dataclass(frozen=True)
class Context:
    """One source of resources beyond the plan: its name (as warnings say it) and its instances."""

    name: str
    instances: tuple[ResourceInstance, ...]
    secrets: frozenset[str] = frozenset()  # values it marks sensitive: analysed, never printed
    facts: bool = False  # data sources: what they describe is known, what they do not (a VPC's tables) is not


def beyond(
    plan: list[ResourceInstance], removed: list[ResourceInstance], contexts: list[Context]
) -> list[ResourceInstance]:
    """The contexts' instances the plan does not hold: not one the plan manages (the plan wins)
    or deletes, each AWS id once (the first context that holds it wins)."""
    taken = {i.get("id") for i in plan} | {r.get("id") for r in removed}
    out = []
    for context in contexts:
        for instance in context.instances:
            identity = instance.get("id")
            if isinstance(identity, str) and identity and identity not in taken:
                taken.add(identity)
                out.append(instance)
    return out
