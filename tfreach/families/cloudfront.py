"""Amazon CloudFront VPC origins: the internet reaches a private load balancer or instance.

A VPC origin names an ALB, an NLB or an EC2 instance, usually internal or in a private subnet,
and the ports CloudFront uses toward it: its HTTP port, its HTTPS port, or both when the origin
protocol policy matches the viewer's. CloudFront connects from interfaces it creates in the origin's VPC
(with a security group of its own), so the origin's groups must admit those: addresses of the
VPC, or that group (which the plan does not hold, so a rule naming a group it cannot tell is
taken as admitting it). A VPC origin no enabled distribution of the plan uses may still be used by one of
another stack: possible (aws/managed_edges.py).
"""

from __future__ import annotations

from typing import Any

from tfreach.aws.outside import vpc_may_hold
from tfreach.families import parses, unknowns
from tfreach.families.context import INSTANCE, LOAD_BALANCER, ParseContext
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.packets import ALL_ADDRESSES, IntervalSet
from tfreach.model.protocols import TCP
from tfreach.model.ways_in import EdgeTarget, ManagedEdge

SERVICE = "CloudFront"
VPC_ORIGIN = frozenset({"aws_cloudfront_vpc_origin"})
_POLICY_PORTS = {
    "http-only": ("http_port",),
    "https-only": ("https_port",),
    "match-viewer": ("http_port", "https_port"),
}


@parses("aws_cloudfront_vpc_origin", phase=2)
def parse_vpc_origin(r: ResourceInstance, ctx: ParseContext) -> None:
    config = next(iter(r.get("vpc_origin_endpoint_config") or []), None)
    if not isinstance(config, dict):
        return
    fields = _POLICY_PORTS.get(str(config.get("origin_protocol_policy")), ("http_port", "https_port"))
    spans = []
    for field in fields:
        (first, last), _ = unknowns.ports(
            ctx,
            r.address,
            (TCP, TCP),
            config.get(field),
            config.get(field),
            at=f"vpc_origin_endpoint_config[0].{field} ",
        )
        spans.append((TCP, first, last))
    edge = ctx.network.managed_edges.setdefault(r.address, ManagedEdge(r.address, r.type, SERVICE))
    assumption = None if r.address in ctx.used_vpc_origins else _UNUSED.format(r.address)
    for endpoint in ctx.in_block(r, ("vpc_origin_endpoint_config", 0, "arn"), LOAD_BALANCER | INSTANCE):
        label = f"{r.address} {' and '.join(f.split('_')[0].upper() for f in fields)} -> {endpoint}"
        edge.targets.append(EdgeTarget(endpoint, tuple(spans), _vpc_of(ctx, endpoint), label, assumption))


def _vpc_of(ctx: ParseContext, endpoint: str) -> IntervalSet:
    """CloudFront's interfaces are in the origin's VPC (with a group AWS makes for them): the origin
    sees addresses of that VPC, any it may hold."""
    out = IntervalSet()
    for subnet in ctx.network.subnets_of(endpoint):
        out = out | vpc_may_hold(ctx.network.vpcs.get(subnet.vpc or ""))
    return out or ALL_ADDRESSES


_UNUSED = "no enabled distribution of the plan uses {}; one of another stack may"


@parses("aws_cloudfront_distribution", phase=1)
def parse_distribution(r: ResourceInstance, ctx: ParseContext) -> None:
    """Which VPC origins an enabled distribution sends to (read before the origins, phase 2)."""
    if r.get("enabled") is False:
        return
    for index, origin in enumerate(r.get("origin") or []):
        if isinstance(origin, dict) and origin.get("vpc_origin_config"):
            ctx.used_vpc_origins.update(_origins(r, ctx, index))


def _origins(r: ResourceInstance, ctx: ParseContext, index: int) -> list[str]:
    """Origins are a set: the plan orders their values apart from the configuration; any VPC origin
    a distribution's configuration references is taken as used."""
    found: list[Any] = ctx.resolver.referenced_by(r, VPC_ORIGIN)
    return found or ctx.in_block(r, ("origin", index, "vpc_origin_config", 0, "vpc_origin_id"), VPC_ORIGIN)


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_cloudfront_vpc_origin": "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html",
    "aws_cloudfront_distribution": "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/distribution-working-with.html",
}
