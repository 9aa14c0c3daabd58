"""AWS Verified Access: users on the internet reach private applications after a policy check.

A Verified Access endpoint of type `load-balancer` sends its users' requests to an internal load
balancer on its port, from interfaces in its subnets with its security groups; one of type
`network-interface` sends them to an interface (an instance). The load balancer's or instance's
groups must admit those interfaces (by address or by naming the endpoint's groups). Who gets
through is the Verified Access group's policy (identity, device), which the plan holds as text
and tfreach does not evaluate: the exposure is possible, to the users the policy admits.
https://docs.aws.amazon.com/verified-access/latest/ug/verified-access-endpoints.html
"""

from __future__ import annotations

from typing import Any

from tfreach.aws.outside import addresses_of
from tfreach.families import parses, unknowns
from tfreach.families.context import INSTANCE, LOAD_BALANCER, NETWORK_INTERFACE, SUBNET, ParseContext
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.packets import ALL_ADDRESSES, IntervalSet
from tfreach.model.protocols import TCP
from tfreach.model.ways_in import EdgeTarget, ManagedEdge

SERVICE = "Verified Access"
_POLICY = "only users the Verified Access group's policy admits (identity, device) get through"


@parses("aws_verifiedaccess_endpoint", phase=2)
def parse_endpoint(r: ResourceInstance, ctx: ParseContext) -> None:
    edge = ctx.network.managed_edges.setdefault(r.address, ManagedEdge(r.address, r.type, SERVICE))
    edge.security_groups = unknowns.security_group_set(ctx, r, "security_group_ids")
    kind = str(r.get("endpoint_type") or "")
    if kind == "load-balancer":
        options = _options(r, "load_balancer_options")
        at = ("load_balancer_options", 0)
        targets = ctx.in_block(r, (*at, "load_balancer_arn"), LOAD_BALANCER)
        edge.subnets = ctx.many(r, (*at, "subnet_ids"), SUBNET)
    elif kind == "network-interface":
        options = _options(r, "network_interface_options")
        at = ("network_interface_options", 0)
        targets = ctx.in_block(r, (*at, "network_interface_id"), NETWORK_INTERFACE | INSTANCE)
        edge.subnets = [s for t in targets if t in ctx.network.interfaces for s in ctx.network.interfaces[t].subnets]
    else:
        ctx.network.notice(
            r.address, "endpoint_type", f"a Verified Access endpoint of type {kind or 'unknown'} is not modelled"
        )
        return
    (first, last), _ = unknowns.ports(
        ctx, r.address, (TCP, TCP), options.get("port"), options.get("port"), at=f"{at[0]}[0].port "
    )
    seen = _addresses(ctx, edge.subnets)
    for target in targets:
        label = f"{r.address} -> {target} on tcp {first}" if first == last else f"{r.address} -> {target}"
        edge.targets.append(EdgeTarget(target, ((TCP, first, last),), seen, label, _POLICY))


def _options(r: ResourceInstance, block: str) -> dict[str, Any]:
    found = next(iter(r.get(block) or []), None)
    return found if isinstance(found, dict) else {}


def _addresses(ctx: ParseContext, subnets: list[str]) -> IntervalSet:
    """The endpoint's interfaces are in its subnets: any address there (any at all when unknown)."""
    out = addresses_of(ctx.network.subnets[s] for s in subnets if s in ctx.network.subnets)
    return out if out else ALL_ADDRESSES


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_verifiedaccess_endpoint": "https://docs.aws.amazon.com/verified-access/latest/ug/verified-access-endpoints.html",
}
