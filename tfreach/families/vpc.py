"""VPCs, subnets, gateways, route tables, routes and their associations."""

from __future__ import annotations

import ipaddress
from typing import Any

from tfreach.families import finishes, parses, unknowns, when_unreadable
from tfreach.families.context import (
    AMBIGUOUS,
    EGRESS_ONLY_GATEWAY,
    INSTANCE,
    INTERNET_GATEWAY,
    NAT_GATEWAY,
    NETWORK_INTERFACE,
    PEERING,
    ROUTE_TABLE,
    SUBNET,
    TRANSIT_GATEWAY,
    VPC,
    VPC_ENDPOINT,
    VPN_GATEWAY,
    ParseContext,
    as_bool,
    checked_cidrs,
    some_of,
)
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import VPC_DEFAULT, Gateway, Route, RouteTable, Subnet, Target, Vpc
from tfreach.model.packets import IntervalSet, addresses

# Route target attribute -> (the resource types it names, what it is when the type is unknown)
TARGET_FIELDS: dict[str, tuple[frozenset[str], Target]] = {
    "gateway_id": (INTERNET_GATEWAY | VPN_GATEWAY, Target.UNKNOWN),
    "egress_only_gateway_id": (EGRESS_ONLY_GATEWAY, Target.EGRESS_ONLY_GATEWAY),
    "nat_gateway_id": (NAT_GATEWAY, Target.NAT_GATEWAY),
    "transit_gateway_id": (TRANSIT_GATEWAY, Target.TRANSIT_GATEWAY),
    "vpc_peering_connection_id": (PEERING, Target.PEERING),
    "network_interface_id": (NETWORK_INTERFACE | INSTANCE, Target.NETWORK_INTERFACE),
    "instance_id": (INSTANCE, Target.NETWORK_INTERFACE),
    "vpc_endpoint_id": (VPC_ENDPOINT, Target.VPC_ENDPOINT),
    "carrier_gateway_id": (frozenset(), Target.OTHER),
    "local_gateway_id": (frozenset(), Target.OTHER),
    "core_network_arn": (frozenset(), Target.OTHER),
}
_KIND_OF_TYPE = {
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
}
_KIND_OF_ID_PREFIX = {
    "igw-": Target.INTERNET_GATEWAY,
    "vgw-": Target.VPN_GATEWAY,
    "eigw-": Target.EGRESS_ONLY_GATEWAY,
    "nat-": Target.NAT_GATEWAY,
    "tgw-": Target.TRANSIT_GATEWAY,
    "pcx-": Target.PEERING,
    "eni-": Target.NETWORK_INTERFACE,
    "i-": Target.NETWORK_INTERFACE,
    "vpce-": Target.VPC_ENDPOINT,
}
_DESTINATIONS = ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id")
_ROUTE_DESTINATIONS = ("destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id")


@parses("aws_vpc")
def parse_vpc(r: ResourceInstance, ctx: ParseContext) -> None:
    vpc = Vpc(r.address, r.type, cidrs=checked_cidrs(r.get("cidr_block"), r.get("ipv6_cidr_block")))
    ipv6_requested = as_bool(r.get("assign_generated_ipv6_cidr_block")) or r.is_configured("ipv6_ipam_pool_id")
    vpc.ipv6_unknown = r.is_unknown("ipv6_cidr_block") and (ipv6_requested or r.is_configured("ipv6_cidr_block"))
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
    return "routed to an internet gateway, with open network ACLs and public addresses"


@parses("aws_internet_gateway", "aws_egress_only_internet_gateway")
def parse_gateway(r: ResourceInstance, ctx: ParseContext) -> None:
    kind = _KIND_OF_TYPE[r.type]
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
        if gateway_id in ctx.network.gateways:
            ctx.network.gateways[gateway_id].vpc = vpc


@parses("aws_route_table")
def parse_route_table(r: ResourceInstance, ctx: ParseContext) -> None:
    table = RouteTable(r.address, r.type, ctx.one(r, "vpc_id", VPC))
    table.propagating_gateways = ctx.many(r, "propagating_vgws", VPN_GATEWAY)
    ctx.network.route_tables[r.address] = table


@parses("aws_route_table", "aws_default_route_table", phase=1)
def parse_inline_routes(r: ResourceInstance, ctx: ParseContext) -> None:
    """Read once gateways and peerings exist: a route's target may be told by its destination."""
    table = ctx.network.route_tables.get(r.address)
    if table is not None:
        table.routes += _inline_routes(r, ctx)


@parses("aws_default_route_table")
def parse_default_route_table(r: ResourceInstance, ctx: ParseContext) -> None:
    """The VPC's main route table, adopted: only its configured routes remain."""
    vpcs = ctx.candidates(r, "default_route_table_id", VPC)
    table = RouteTable(r.address, r.type, vpcs[0] if len(vpcs) == 1 else None)
    table.propagating_gateways = ctx.many(r, "propagating_vgws", VPN_GATEWAY)
    ctx.network.route_tables[r.address] = table
    for vpc in vpcs:
        _add_main_table(ctx, vpc, r.address)


def _add_main_table(ctx: ParseContext, vpc: str, table: str) -> None:
    tables = ctx.network.main_route_tables.setdefault(vpc, [])
    if table not in tables:
        tables.append(table)


def _inline_routes(r: ResourceInstance, ctx: ParseContext) -> list[Route]:
    routes = r.get("route")
    if r.is_unknown("route"):
        if ctx.configured(r, "route"):
            ctx.network.notice(r.address, "route", "inline routes are unknown until apply; they are not considered")
        return []  # computed only: the separate aws_route resources are the routes
    stale = {
        _destination_of(route.values, _ROUTE_DESTINATIONS) for route in ctx.removed_from(r, _ROUTES, "route_table_id")
    }
    out = []
    for index, entry in enumerate(routes or []):
        if _destination_of(entry, _DESTINATIONS) in stale:
            continue  # a copy of a separate aws_route this plan deletes
        unknown = r.unknown.get("route")
        entry_unknown = unknown[index] if isinstance(unknown, list) and index < len(unknown) else {}
        fields = [
            f
            for f in TARGET_FIELDS
            if entry.get(f) or (isinstance(entry_unknown, dict) and entry_unknown.get(f) is True)
        ]
        label = f"{r.address} route"
        route = _route(ctx, r, entry, _DESTINATIONS, ("route", index), fields, label)
        if route is not None:
            out.append(route)
    return out


_ROUTES = frozenset({"aws_route"})


def _destination_of(values: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    return next((str(values[f]) for f in fields if values.get(f)), None)


def route_tables_named(ctx: ParseContext, r: ResourceInstance, path: str) -> list[str]:
    """The route tables an attribute names; `aws_vpc.x.main_route_table_id` (or its
    default_route_table_id) names the VPC's main table, which the plan may not declare."""
    found = []
    for identity in ctx.candidates(r, path, ROUTE_TABLE | VPC):
        found += main_route_table_of(ctx, identity) if identity in ctx.network.vpcs else [identity]
    return list(dict.fromkeys(found))


def main_route_table_of(ctx: ParseContext, vpc: str) -> list[str]:
    """The VPC's main table: its aws_default_route_table, else AWS's own, made a table here
    so that routes added to it count (subnets without an association use it)."""
    tables = ctx.network.main_route_tables.get(vpc)
    if not tables:
        identity = f"{vpc} main route table"
        ctx.network.route_tables[identity] = RouteTable(identity, "main route table (AWS default)", vpc)
        tables = ctx.network.main_route_tables[vpc] = [identity]
    return tables


@parses("aws_route", phase=1)
def parse_route(r: ResourceInstance, ctx: ParseContext) -> None:
    tables = [
        ctx.network.route_tables[t]
        for t in route_tables_named(ctx, r, "route_table_id")
        if t in ctx.network.route_tables
    ]
    fields = [f for f in TARGET_FIELDS if r.get(f) or ctx.configured(r, f)]
    route = _route(ctx, r, r.values, _ROUTE_DESTINATIONS, (), fields, r.address)
    if route is None:
        return
    if len(tables) > 1:
        route.assumption = route.assumption or f"{r.address} may belong to any of {some_of([t.id for t in tables])}"
    for table in tables:
        table.routes.append(route)


def _route(
    ctx: ParseContext,
    r: ResourceInstance,
    values: dict[str, Any],
    destination_fields: tuple[str, ...],
    prefix: tuple[str | int, ...],
    target_fields: list[str],
    label: str,
) -> Route | None:
    destination = next((values[f] for f in destination_fields[:2] if values.get(f)), None)
    if destination is None:
        prefix_list = values.get(destination_fields[2])
        what = f"prefix list {prefix_list}" if prefix_list else "an unknown destination"
        ctx.network.notice(r.address, None, f"route to {what} is not modelled (its addresses are unknown)")
        return None
    network = ipaddress.ip_network(destination, strict=False)
    kind, targets, assumption = _target(ctx, r, values, prefix, target_fields, addresses(str(network)))
    shown = " or ".join(targets) or kind.value
    return Route(
        addresses(destination),
        str(network),
        network.prefixlen,
        kind,
        targets[0] if targets else None,
        f"{label} {network} -> {shown}",
        assumption,
        tuple(targets[1:]),
    )


def _target(
    ctx: ParseContext,
    r: ResourceInstance,
    values: dict[str, Any],
    prefix: tuple[str | int, ...],
    fields: list[str],
    destination: IntervalSet,
) -> tuple[Target, list[str], str | None]:
    """(kind, the target or its candidates, assumption) of a route."""
    for field in fields:
        types, default_kind = TARGET_FIELDS[field]
        value = values.get(field)
        if value == "local":
            return Target.LOCAL, [], None
        if isinstance(value, str) and value:
            address = ctx.resolver.address_of_id(value)
            if address is None:
                kind = next((k for p, k in _KIND_OF_ID_PREFIX.items() if value.startswith(p)), default_kind)
                return kind, [value], None
            return _KIND_OF_TYPE.get(ctx.resolver.by_address[address].type, default_kind), [address], None
        found = _peerings_toward(ctx, ctx.candidates(r, (*prefix, field), types, quiet=True), destination)
        if found:
            kinds = {_KIND_OF_TYPE.get(ctx.resolver.by_address[f].type, default_kind) for f in found}
            kind = kinds.pop() if len(kinds) == 1 else default_kind
            if len(found) == 1:
                return kind, found, None
            message = f"ambiguous: may be any of {some_of(found)}; each is considered"
            ctx.network.notice(r.address, field, message, AMBIGUOUS)
            return kind, found, f"the target of a route of {r.address} may be any of {some_of(found)}"
        if default_kind is not Target.UNKNOWN:
            return default_kind, [], None
        return (
            Target.UNKNOWN,
            [],
            f"the target of a route of {r.address} is unknown; assumed to be an internet gateway",
        )
    return Target.OTHER, [], None


def _peerings_toward(ctx: ParseContext, candidates: list[str], destination: IntervalSet) -> list[str]:
    """Several peerings referenced by one table's routes: each route goes to the one whose VPCs it names.

    Inline routes share one reference list, so the plan cannot say which route names which
    peering; the destination can (a route to a peer's CIDR goes to that peering).
    """
    if len(candidates) < 2:
        return candidates
    toward = []
    for candidate in candidates:
        peering = ctx.network.peerings.get(candidate)
        vpcs = [ctx.network.vpcs.get(v) for v in (*peering.requester_vpcs, *peering.accepter_vpcs)] if peering else []
        if any(v is not None and v.addresses().intersects(destination) for v in vpcs):
            toward.append(candidate)
    return toward if len(toward) == 1 else candidates


@parses("aws_route_table_association", phase=1)
def parse_route_table_association(r: ResourceInstance, ctx: ParseContext) -> None:
    if ctx.is_set(r, "gateway_id"):
        ctx.network.notice(r.address, "gateway_id", "gateway (edge) route table associations are not modelled")
        return
    tables = route_tables_named(ctx, r, "route_table_id")
    ctx.associate("route table", r, ctx.candidates(r, "subnet_id", SUBNET), tables)


@parses("aws_main_route_table_association", phase=1)
def parse_main_route_table_association(r: ResourceInstance, ctx: ParseContext) -> None:
    """Ambiguous: each candidate VPC may get each candidate table as its main one."""
    tables = ctx.candidates(r, "route_table_id", ROUTE_TABLE)
    for vpc in ctx.candidates(r, "vpc_id", VPC):
        for table in tables:
            _add_main_table(ctx, vpc, table)


@finishes
def settle_associations(ctx: ParseContext) -> None:
    """An ambiguous association may name any of its candidate subnets; unless there are as many
    such associations as subnets (each then gets one), a subnet may also keep its VPC's default."""
    for (kind, subnets), associations in ctx.ambiguous_associations.items():
        if len(associations) >= len(subnets):
            continue
        table = ctx.network.subnet_route_tables if kind == "route table" else ctx.network.subnet_nacls
        for subnet in subnets:
            if VPC_DEFAULT not in table[subnet]:
                table[subnet].append(VPC_DEFAULT)


DEFAULT_VPC = "default VPC"
DEFAULT_SUBNET = "default VPC subnet"


def default_vpc_subnet(ctx: ParseContext) -> str:
    """Where an instance without a subnet lands: AWS's default VPC, as AWS creates it.

    A default subnet maps a public IPv4 address on launch and the default VPC's main route
    table sends 0.0.0.0/0 to its internet gateway; the plan cannot prove it was not changed.
    """
    network = ctx.network
    if DEFAULT_SUBNET not in network.subnets:
        gateway = "default VPC internet gateway"
        table = "default VPC main route table"
        network.vpcs[DEFAULT_VPC] = Vpc(DEFAULT_VPC, "aws_default_vpc", ["172.31.0.0/16"], synthetic=True)
        network.subnets[DEFAULT_SUBNET] = Subnet(
            DEFAULT_SUBNET,
            "aws_default_subnet",
            DEFAULT_VPC,
            ["172.31.0.0/16"],
            map_public_ip_on_launch=True,
            assumption="no subnet is set, so AWS launches it in the region's default VPC, assumed unmodified",
        )
        network.gateways[gateway] = Gateway(gateway, "aws_internet_gateway", Target.INTERNET_GATEWAY, DEFAULT_VPC)
        route = Route(
            addresses("0.0.0.0/0"), "0.0.0.0/0", 0, Target.INTERNET_GATEWAY, gateway, f"{table} 0.0.0.0/0 -> {gateway}"
        )
        network.route_tables[table] = RouteTable(table, "aws_route_table", DEFAULT_VPC, [route])
        network.main_route_tables[DEFAULT_VPC] = [table]
    return DEFAULT_SUBNET


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
    "aws_vpc_ipv4_cidr_block_association": "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
    "aws_vpc_ipv6_cidr_block_association": "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
    "aws_subnet": "https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html",
    "aws_internet_gateway": "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html",
    "aws_internet_gateway_attachment": "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html",
    "aws_egress_only_internet_gateway": "https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html",
    "aws_nat_gateway": "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
    "aws_route_table": "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
    "aws_default_route_table": "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
    "aws_route": "https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html",
    "aws_route_table_association": "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html",
    "aws_main_route_table_association": "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html",
}
