"""VPCs, subnets and gateways (internet, egress-only, NAT), and the default VPC."""

from __future__ import annotations

import ipaddress

from tfreach.aws import defaults
from tfreach.aws import outside as outside_readings
from tfreach.families import outside, parses, unknowns, when_unreadable
from tfreach.families.context import (
    INTERNET_GATEWAY,
    SUBNET,
    VPC,
    ParseContext,
    as_bool,
    checked_cidrs,
)
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import Gateway, Subnet, Target, Vpc

KIND_OF_TYPE = {
    "aws_internet_gateway": Target.INTERNET_GATEWAY,
    "aws_vpn_gateway": Target.VPN_GATEWAY,
    "aws_egress_only_internet_gateway": Target.EGRESS_ONLY_GATEWAY,
    "aws_nat_gateway": Target.NAT_GATEWAY,
    "aws_ec2_transit_gateway": Target.TRANSIT_GATEWAY,
    "aws_vpc_peering_connection": Target.PEERING,
    "aws_vpc_peering_connection_accepter": Target.PEERING,
    "aws_network_interface": Target.NETWORK_INTERFACE,
    "aws_instance": Target.NETWORK_INTERFACE,
    "aws_vpc_endpoint": Target.VPC_ENDPOINT,
    "aws_networkfirewall_firewall": Target.VPC_ENDPOINT,  # routes name its endpoints
}


@parses("aws_vpc")
def parse_vpc(r: ResourceInstance, ctx: ParseContext) -> None:
    vpc = Vpc(r.address, r.type, cidrs=checked_cidrs(r.get("cidr_block"), r.get("ipv6_cidr_block")))
    ipv6_requested = as_bool(r.get("assign_generated_ipv6_cidr_block")) or r.is_configured("ipv6_ipam_pool_id")
    vpc.ipv6_unknown = r.is_unknown("ipv6_cidr_block") and (ipv6_requested or r.is_configured("ipv6_cidr_block"))
    vpc.outside = r.address in ctx.facts  # a data source's VPC: its blocks are known, its tables are not
    vpc.known_as = r.get("id") if vpc.outside and isinstance(r.get("id"), str) else None
    ctx.network.vpcs[r.address] = vpc


@parses("aws_vpc_ipv4_cidr_block_association", "aws_vpc_ipv6_cidr_block_association", phase=1)
def parse_vpc_cidr_association(r: ResourceInstance, ctx: ParseContext) -> None:
    vpc = ctx.network.vpcs.get(ctx.one(r, "vpc_id", VPC) or "")
    if vpc is None:
        return
    for attribute in ("cidr_block", "ipv6_cidr_block"):
        if r.get(attribute):
            vpc.cidrs += checked_cidrs(r.get(attribute))
        elif attribute == "ipv6_cidr_block" and r.is_unknown(attribute):
            vpc.ipv6_unknown = True


@parses("aws_subnet")
def parse_subnet(r: ResourceInstance, ctx: ParseContext) -> None:
    ipv6_block = r.get("ipv6_cidr_block")
    cidrs = checked_cidrs(r.get("cidr_block"), ipv6_block)
    subnet = Subnet(
        r.address,
        r.type,
        _vpc_of_subnet(r, ctx, cidrs),
        cidrs=cidrs,
        has_ipv6=bool(ipv6_block) or (ctx.configured(r, "ipv6_cidr_block")),
        map_public_ip_on_launch=ctx.flag(r, "map_public_ip_on_launch"),
        assign_ipv6_address_on_creation=ctx.flag(r, "assign_ipv6_address_on_creation"),
    )
    ctx.network.subnets[r.address] = subnet


def _vpc_of_subnet(r: ResourceInstance, ctx: ParseContext, cidrs: list[str]) -> str | None:
    """The subnet's VPC; among several candidates, the one whose blocks hold the subnet's.

    AWS creates a subnet only inside its VPC's CIDR blocks, so this narrows exactly.
    """
    candidates = ctx.resolver.link(r, ("vpc_id",), VPC).addresses
    holding = [v for v in candidates if _holds(_cidr_blocks(ctx.resolver.by_address[v]), cidrs)]
    if len(candidates) > 1 and len(holding) == 1:
        return holding[0]
    return ctx.one(r, "vpc_id", VPC)


def _cidr_blocks(vpc: ResourceInstance) -> list[str]:
    """A VPC's primary IPv4 block as planned (secondary blocks come from associations)."""
    block = vpc.get("cidr_block")
    try:
        return checked_cidrs(block)
    except ValueError:
        return []


def _holds(blocks: list[str], cidrs: list[str]) -> bool:
    ipv4 = [ipaddress.ip_network(c) for c in cidrs if ":" not in c]
    mine = [ipaddress.ip_network(b) for b in blocks if ":" not in b]
    return bool(ipv4) and all(any(c.subnet_of(b) for b in mine) for c in ipv4)  # type: ignore[arg-type]


@when_unreadable("aws_subnet", "aws_default_subnet")
def unreadable_subnet(r: ResourceInstance, ctx: ParseContext) -> str:
    ctx.network.subnets.pop(r.address, None)
    unknowns.subnet_that_cannot_be_read(ctx, r.address)
    return outside_readings.SUBNET_READING


@parses("aws_internet_gateway", "aws_egress_only_internet_gateway")
def parse_gateway(r: ResourceInstance, ctx: ParseContext) -> None:
    kind = KIND_OF_TYPE[r.type]
    vpc = ctx.one_or_any(r, "vpc_id", VPC) if ctx.is_set(r, "vpc_id") else None
    ctx.network.gateways[r.address] = Gateway(r.address, r.type, kind, vpc)


@parses("aws_nat_gateway")
def parse_nat_gateway(r: ResourceInstance, ctx: ParseContext) -> None:
    """Outbound only: what matters is its subnet (whose route reaches the internet) and its kind."""
    subnet = ctx.one(r, "subnet_id", SUBNET)
    public = str(r.get("connectivity_type") or "public") != "private"
    ctx.network.gateways[r.address] = Gateway(r.address, r.type, Target.NAT_GATEWAY, None, subnet, public)


@parses("aws_internet_gateway_attachment", phase=1)
def parse_gateway_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    vpc = ctx.one_or_any(r, "vpc_id", VPC)
    for gateway_id in ctx.candidates(r, "internet_gateway_id", INTERNET_GATEWAY):
        outside.gateway(ctx, gateway_id, Target.INTERNET_GATEWAY, vpc)  # an id the plan does not hold
        ctx.network.gateways[gateway_id].vpc = vpc


DEFAULT_VPC = "default VPC"
DEFAULT_SUBNET = "default VPC subnet"


@parses("aws_default_vpc")
def parse_default_vpc(r: ResourceInstance, ctx: ParseContext) -> None:
    """The region's default VPC, adopted: its block is AWS's unless the plan shows it; its route
    tables, ACL, groups and gateways are not in the plan (defaults.default_vpc)."""
    ctx.network.vpcs[r.address] = defaults.default_vpc(r.address, checked_cidrs(r.get("cidr_block")))


@parses("aws_default_subnet")
def parse_default_subnet(r: ResourceInstance, ctx: ParseContext) -> None:
    """A default subnet of the region's default VPC (AWS maps public IPv4 addresses on launch)."""
    adopted = [a for a, found in ctx.resolver.by_address.items() if found.type == "aws_default_vpc"]
    vpc = adopted[0] if len(adopted) == 1 else _default_vpc(ctx)
    subnet = Subnet(
        r.address,
        r.type,
        vpc,
        cidrs=checked_cidrs(r.get("cidr_block"), r.get("ipv6_cidr_block")),
        has_ipv6=bool(r.get("ipv6_cidr_block")) or r.is_unknown("ipv6_cidr_block"),
        map_public_ip_on_launch=ctx.flag(r, "map_public_ip_on_launch"),
        assign_ipv6_address_on_creation=ctx.flag(r, "assign_ipv6_address_on_creation"),
    )
    ctx.network.subnets[r.address] = subnet


def default_vpc_subnet(ctx: ParseContext) -> str:
    """Where an instance without a subnet lands: a default subnet of the region's default VPC,
    which maps a public IPv4 address on launch."""
    network = ctx.network
    if DEFAULT_SUBNET not in network.subnets:
        network.subnets[DEFAULT_SUBNET] = Subnet(
            DEFAULT_SUBNET,
            "aws_default_subnet",
            _default_vpc(ctx),
            ["172.31.0.0/16"],
            map_public_ip_on_launch=True,
            assumption="no subnet is set, so AWS launches it in a default subnet of the region's default VPC",
        )
    return DEFAULT_SUBNET


def _default_vpc(ctx: ParseContext) -> str:
    if DEFAULT_VPC not in ctx.network.vpcs:
        ctx.network.vpcs[DEFAULT_VPC] = defaults.default_vpc(DEFAULT_VPC, [], synthetic=True)
    return DEFAULT_VPC


def subnets_of(ctx: ParseContext, r: ResourceInstance, path: str | tuple[str | int, ...], *, one_of: bool) -> list[str]:
    """Where `r` is placed. `one_of`: a single subnet is meant, so several candidates are ambiguous
    (each is considered); otherwise the resource spans all of them (an ASG, a load balancer).

    A subnet the plan does not manage, or cannot name, stands for an unknown subnet that a
    careful reviewer assumes public.
    """
    steps = (path,) if isinstance(path, str) else path
    found = ctx.candidates(r, steps, SUBNET) if one_of else ctx.many(r, steps, SUBNET)
    link = ctx.resolver.link(r, steps, SUBNET)
    found += [unknowns.external_subnet(ctx, identity) for identity in link.external]
    if not found or (not link.complete and link.configured):
        found.append(unknowns.unknown_subnet(ctx, r.address))  # some of it comes from outside the plan
    return found


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_vpc": "https://docs.aws.amazon.com/vpc/latest/userguide/configure-your-vpc.html",
    "aws_default_vpc": "https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html",
    "aws_default_subnet": "https://docs.aws.amazon.com/vpc/latest/userguide/default-subnet.html",
    "aws_vpc_ipv4_cidr_block_association": "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
    "aws_vpc_ipv6_cidr_block_association": "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
    "aws_subnet": "https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html",
    "aws_internet_gateway": "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html",
    "aws_internet_gateway_attachment": "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html",
    "aws_egress_only_internet_gateway": "https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html",
    "aws_nat_gateway": "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
}
