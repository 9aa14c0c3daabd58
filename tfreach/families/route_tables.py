"""Route tables, routes, their associations with subnets and the main route table of each VPC."""

from __future__ import annotations

import ipaddress
from typing import Any

from tfreach.aws.outside import can_be_id
from tfreach.families import finishes, parses
from tfreach.families.context import (
    AMBIGUOUS,
    EGRESS_ONLY_GATEWAY,
    FIREWALL,
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
    some_of,
)
from tfreach.families.unknowns import UNKNOWN_ROUTE_DESTINATION, warn
from tfreach.families.vpc import KIND_OF_TYPE
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.inputs.plan.resolve import NOT_AN_ID
from tfreach.model.network import VPC_DEFAULT, Route, RouteTable, Target
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
    "vpc_endpoint_id": (VPC_ENDPOINT | FIREWALL, Target.VPC_ENDPOINT),  # a firewall's endpoint, too
    "carrier_gateway_id": (frozenset(), Target.OTHER),
    "local_gateway_id": (frozenset(), Target.OTHER),
    "core_network_arn": (frozenset(), Target.OTHER),
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
        out += _route(ctx, r, entry, _DESTINATIONS, ("route", index), fields, label)
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
    for route in _route(ctx, r, r.values, _ROUTE_DESTINATIONS, (), fields, r.address):
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
) -> list[Route]:
    """The route an entry makes: one per destination block (a prefix list holds several)."""
    blocks, unknown_why = _destination_blocks(ctx, r, values, destination_fields, prefix)
    out = []
    for block in blocks:
        network = ipaddress.ip_network(block, strict=False)
        kind, targets, assumption = _target(ctx, r, values, prefix, target_fields, addresses(str(network)))
        shown = " or ".join(targets) or kind.value
        destination = "an unknown destination" if unknown_why else str(network)
        route = Route(
            addresses(block),
            str(network),
            network.prefixlen,
            kind,
            targets[0] if targets else None,
            f"{label} {destination} -> {shown}",
            unknown_why or assumption,
            tuple(targets[1:]),
            destination_unknown=unknown_why is not None,
        )
        out.append(route)
    return out


def _destination_blocks(
    ctx: ParseContext,
    r: ResourceInstance,
    values: dict[str, Any],
    fields: tuple[str, ...],
    prefix: tuple[str | int, ...],
) -> tuple[list[str], str | None]:
    """The blocks a route sends (a CIDR, or a prefix list's entries), and why they are unknown:
    a route to a destination the plan cannot show may send any address of its family (it is kept,
    never dropped: it may be the route back to a peer, or a way out)."""
    cidr, ipv6, prefix_list = fields
    found = next((values[f] for f in (cidr, ipv6) if values.get(f)), None)
    if found is not None:
        return [str(found)], None
    listed = values.get(prefix_list)
    entries = ctx.prefix_lists.get(str(listed)) if listed else None
    if entries is not None and entries.complete and entries.cidrs:
        return list(entries.cidrs), None
    families = [c for f, c in ((cidr, "0.0.0.0/0"), (ipv6, "::/0")) if r.unknown_at((*prefix, f))]
    what = f"prefix list {listed}" if listed else "a destination known only after apply"
    why = f"a route of {r.address} goes to {what}; assumed it may hold any address"
    warn(ctx, r.address, None, why, UNKNOWN_ROUTE_DESTINATION)
    return families or ["0.0.0.0/0", "::/0"], why


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
            if address is None and types and not can_be_id(value, types):  # never shown as an id
                message = f"holds a value that cannot be the id of a {' or '.join(sorted(types))}; assumed any gateway"
                ctx.network.notice(r.address, field, message, NOT_AN_ID)
                return Target.UNKNOWN, [], f"the target of a route of {r.address} cannot be read; assumed any gateway"
            if address is None:
                kind = next((k for p, k in _KIND_OF_ID_PREFIX.items() if value.startswith(p)), default_kind)
                return kind, [value], None
            return KIND_OF_TYPE.get(ctx.resolver.by_address[address].type, default_kind), [address], None
        found = _peerings_toward(ctx, ctx.candidates(r, (*prefix, field), types, quiet=True), destination)
        if found:
            kinds = {KIND_OF_TYPE.get(ctx.resolver.by_address[f].type, default_kind) for f in found}
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
            f"the target of a route of {r.address} is unknown; assumed it may be any gateway",
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
        message = (
            "a gateway (edge) route table is not read: what it sends through an appliance is taken as "
            "forwarded (the subnets' routes back through the appliance are possible findings)"
        )
        ctx.network.notice(r.address, "gateway_id", message)
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


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_route_table": "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
    "aws_default_route_table": "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
    "aws_route": "https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html",
    "aws_route_table_association": "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html",
    "aws_main_route_table_association": "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html",
}
