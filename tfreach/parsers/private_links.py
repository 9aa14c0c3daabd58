"""Private connectivity: VPN gateways and connections, Direct Connect, VPC peering, transit gateways."""

from __future__ import annotations

from ..model import (
    Gateway,
    Peering,
    RemoteNetwork,
    Target,
    TransitAttachment,
    TransitGateway,
    TransitRoute,
    TransitRouteTable,
)
from ..packets import addresses
from ..plan.instances import ResourceInstance
from . import finishes, parses
from .context import (
    ROUTE_TABLE,
    SUBNET,
    TRANSIT_ATTACHMENT,
    TRANSIT_GATEWAY,
    TRANSIT_ROUTE_TABLE,
    VPC,
    VPN_CONNECTION,
    VPN_GATEWAY,
    ParseContext,
    as_bool,
    checked_cidrs,
)

_CONNECTION = frozenset({"aws_vpc_peering_connection"})


# --- VPN and Direct Connect -----------------------------------------------------------------


@parses("aws_vpn_gateway")
def parse_vpn_gateway(r: ResourceInstance, ctx: ParseContext) -> None:
    vpc = ctx.one(r, "vpc_id", VPC) if ctx.is_set(r, "vpc_id") else None
    ctx.network.gateways[r.address] = Gateway(r.address, r.type, Target.VPN_GATEWAY, vpc)


@parses("aws_vpn_gateway_attachment", phase=1)
def parse_vpn_gateway_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    gateway = ctx.network.gateways.get(ctx.one(r, "vpn_gateway_id", VPN_GATEWAY) or "")
    if gateway is not None:
        gateway.vpc = ctx.one(r, "vpc_id", VPC)


@parses("aws_vpn_gateway_route_propagation", phase=1)
def parse_route_propagation(r: ResourceInstance, ctx: ParseContext) -> None:
    """The VPN gateway's routes (its connections' prefixes) appear in the route table."""
    gateway = ctx.one(r, "vpn_gateway_id", VPN_GATEWAY)
    for table_id in ctx.candidates(r, "route_table_id", ROUTE_TABLE):
        table = ctx.network.route_tables.get(table_id)
        if table is not None and gateway and gateway not in table.propagating_gateways:
            table.propagating_gateways.append(gateway)


@parses("aws_vpn_connection", phase=1)
def parse_vpn_connection(r: ResourceInstance, ctx: ParseContext) -> None:
    """Static-routes-only connections name their prefixes; BGP ones learn them at run time."""
    if ctx.is_set(r, "transit_gateway_id") and not ctx.is_set(r, "vpn_gateway_id"):
        ctx.network.notice(r.address, "transit_gateway_id", "VPN connections to a transit gateway are not modelled")
        return
    gateway = ctx.one(r, "vpn_gateway_id", VPN_GATEWAY)
    if gateway is None:
        return
    remote = ctx.network.remote_networks.setdefault(gateway, RemoteNetwork(gateway))
    remote.dynamic = remote.dynamic or not as_bool(r.get("static_routes_only"))
    ctx.vpn_connections[r.address] = gateway


@parses("aws_vpn_connection_route", phase=2)
def parse_vpn_connection_route(r: ResourceInstance, ctx: ParseContext) -> None:
    gateway = ctx.vpn_connections.get(ctx.one(r, "vpn_connection_id", VPN_CONNECTION) or "")
    cidrs = checked_cidrs(r.get("destination_cidr_block"))
    if gateway is not None and cidrs:
        remote = ctx.network.remote_networks[gateway]
        remote.cidrs += cidrs
        remote.labels += [f"{r.address} {cidr}" for cidr in cidrs]


@parses("aws_dx_gateway_association", "aws_dx_private_virtual_interface", phase=1)
def parse_direct_connect(r: ResourceInstance, ctx: ParseContext) -> None:
    """Direct Connect reaches a VPN gateway with routes learned over BGP: prefixes unknown.

    A DX gateway association's allowed_prefixes are the VPC side advertised on-premises; they
    are not a source restriction and are not modelled.
    """
    field = "associated_gateway_id" if r.type == "aws_dx_gateway_association" else "vpn_gateway_id"
    gateway = ctx.one(r, field, VPN_GATEWAY) if ctx.is_set(r, field) else None
    if gateway is not None:
        ctx.network.remote_networks.setdefault(gateway, RemoteNetwork(gateway)).dynamic = True


@parses("aws_customer_gateway", "aws_dx_gateway")
def parse_without_network_effect(r: ResourceInstance, ctx: ParseContext) -> None:
    """The far end of a VPN or a Direct Connect gateway: what matters is read from the connections."""


# --- VPC peering ----------------------------------------------------------------------------


@parses("aws_vpc_peering_connection")
def parse_peering(r: ResourceInstance, ctx: ParseContext) -> None:
    requester = ctx.one(r, "vpc_id", VPC)
    accepter = ctx.one(r, "peer_vpc_id", VPC)
    if requester is not None and requester == accepter:
        # AWS refuses to peer a VPC with itself: the plan's references were read wrongly, most
        # likely index arithmetic (`module.vpc[count.index + 1]`) the JSON does not record.
        ctx.network.notice(
            r.address,
            "peer_vpc_id",
            f"resolves to {requester} on both sides, which AWS refuses; the plan JSON does not record "
            "index arithmetic such as [count.index + 1]: this peering is not analysed. Run tfreach on "
            "the sources (tfreach check DIR) for the exact answer",
        )
        accepter = None
    active = as_bool(r.get("auto_accept")) or r.get("accept_status") == "active"
    ctx.network.peerings[r.address] = Peering(r.address, r.type, requester, accepter, active)


@parses("aws_vpc_peering_connection_accepter")
def parse_peering_accepter(r: ResourceInstance, ctx: ParseContext) -> None:
    """The accepting side's handle on a peering connection: routes may name it instead."""
    connection = ctx.one(r, "vpc_peering_connection_id", _CONNECTION)
    if connection is not None:
        ctx.aliases[r.address] = connection
        if as_bool(r.get("auto_accept")) or r.get("accept_status") == "active":
            ctx.accepted_peerings.add(connection)


@finishes
def settle_peerings(ctx: ParseContext) -> None:
    """Routes may name the accepter: they lead to its connection. Unaccepted peerings carry nothing."""
    for table in ctx.network.route_tables.values():
        for route in table.routes:
            route.target = ctx.aliases.get(route.target or "", route.target)
    for peering in ctx.network.peerings.values():
        peering.active = peering.active or peering.id in ctx.accepted_peerings
        if not peering.active:
            ctx.network.notice(peering.id, "auto_accept", "not accepted in this plan: no traffic crosses it")


# --- transit gateways -----------------------------------------------------------------------


@parses("aws_ec2_transit_gateway")
def parse_transit_gateway(r: ResourceInstance, ctx: ParseContext) -> None:
    gateway = TransitGateway(r.address, r.type)
    gateway.default_association = r.get("default_route_table_association") != "disable"
    gateway.default_propagation = r.get("default_route_table_propagation") != "disable"
    if gateway.default_association or gateway.default_propagation:
        gateway.default_route_table = f"{r.address} default route table"
        table = TransitRouteTable(gateway.default_route_table, "default transit gateway route table", r.address)
        ctx.network.transit_route_tables[table.id] = table
    ctx.network.transit_gateways[r.address] = gateway


@parses("aws_ec2_transit_gateway_route_table")
def parse_transit_route_table(r: ResourceInstance, ctx: ParseContext) -> None:
    table = TransitRouteTable(r.address, r.type, ctx.one(r, "transit_gateway_id", TRANSIT_GATEWAY))
    ctx.network.transit_route_tables[r.address] = table


@parses("aws_ec2_transit_gateway_vpc_attachment", phase=1)
def parse_transit_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    """Attachments use the gateway's default route table unless told otherwise."""
    gateway_id = ctx.one(r, "transit_gateway_id", TRANSIT_GATEWAY)
    attachment = TransitAttachment(r.address, r.type, gateway_id, ctx.one(r, "vpc_id", VPC))
    attachment.subnets = ctx.many(r, "subnet_ids", SUBNET)
    gateway = ctx.network.transit_gateways.get(gateway_id or "")
    if gateway is not None and gateway.default_route_table:
        if gateway.default_association and r.get("transit_gateway_default_route_table_association") is not False:
            attachment.route_table = gateway.default_route_table
        if gateway.default_propagation and r.get("transit_gateway_default_route_table_propagation") is not False:
            ctx.network.transit_route_tables[gateway.default_route_table].propagations.append(r.address)
    ctx.network.transit_attachments[r.address] = attachment


@parses("aws_ec2_transit_gateway_route_table_association", phase=2)
def parse_transit_association(r: ResourceInstance, ctx: ParseContext) -> None:
    attachment = ctx.network.transit_attachments.get(
        ctx.one(r, "transit_gateway_attachment_id", TRANSIT_ATTACHMENT) or ""
    )
    table = ctx.one(r, "transit_gateway_route_table_id", TRANSIT_ROUTE_TABLE)
    if attachment is not None and table:
        attachment.route_table = table


@parses("aws_ec2_transit_gateway_route_table_propagation", phase=2)
def parse_transit_propagation(r: ResourceInstance, ctx: ParseContext) -> None:
    attachment = ctx.one(r, "transit_gateway_attachment_id", TRANSIT_ATTACHMENT)
    table = ctx.network.transit_route_tables.get(
        ctx.one(r, "transit_gateway_route_table_id", TRANSIT_ROUTE_TABLE) or ""
    )
    if table is not None and attachment and attachment not in table.propagations:
        table.propagations.append(attachment)


@parses("aws_ec2_transit_gateway_route", phase=2)
def parse_transit_route(r: ResourceInstance, ctx: ParseContext) -> None:
    table = ctx.network.transit_route_tables.get(
        ctx.one(r, "transit_gateway_route_table_id", TRANSIT_ROUTE_TABLE) or ""
    )
    destination = checked_cidrs(r.get("destination_cidr_block"))
    if table is None or not destination:
        return
    blackhole = as_bool(r.get("blackhole"))
    attachment = None if blackhole else ctx.one(r, "transit_gateway_attachment_id", TRANSIT_ATTACHMENT)
    label = f"{r.address} {destination[0]} -> {attachment or 'blackhole'}"
    length = int(destination[0].split("/")[1])
    table.routes.append(TransitRoute(addresses(destination[0]), label, length, attachment))
