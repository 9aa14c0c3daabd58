"""Private connectivity: VPN gateways and connections, Direct Connect, VPC peering, transit gateways."""

from __future__ import annotations

from tfreach.families import finishes, outside, parses
from tfreach.families.context import (
    AMBIGUOUS,
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
from tfreach.families.managed import in_subnets, managed_endpoint
from tfreach.families.unknowns import UNKNOWN_ROUTE_DESTINATION, warn
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import (
    Gateway,
    Peering,
    RemoteNetwork,
    ServicePorts,
    Target,
    TransitAttachment,
    TransitGateway,
    TransitRoute,
    TransitRouteTable,
)
from tfreach.model.packets import addresses

_CONNECTION = frozenset({"aws_vpc_peering_connection"})


# --- VPN and Direct Connect -----------------------------------------------------------------


@parses("aws_vpn_gateway")
def parse_vpn_gateway(r: ResourceInstance, ctx: ParseContext) -> None:
    vpc = ctx.one_or_any(r, "vpc_id", VPC) if ctx.is_set(r, "vpc_id") else None
    ctx.network.gateways[r.address] = Gateway(r.address, r.type, Target.VPN_GATEWAY, vpc)


@parses("aws_vpn_gateway_attachment", phase=1)
def parse_vpn_gateway_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    vpc = ctx.one_or_any(r, "vpc_id", VPC)
    for gateway_id in ctx.candidates(r, "vpn_gateway_id", VPN_GATEWAY):
        outside.gateway(ctx, gateway_id, Target.VPN_GATEWAY, vpc)  # an id the plan does not hold
        ctx.network.gateways[gateway_id].vpc = vpc


@parses("aws_vpn_gateway_route_propagation", phase=1)
def parse_route_propagation(r: ResourceInstance, ctx: ParseContext) -> None:
    """The VPN gateway's routes (its connections' prefixes) appear in the route table."""
    gateways = ctx.candidates(r, "vpn_gateway_id", VPN_GATEWAY)
    for table_id in ctx.candidates(r, "route_table_id", ROUTE_TABLE):
        table = ctx.network.route_tables.get(table_id)
        if table is not None:
            table.propagating_gateways += [g for g in gateways if g not in table.propagating_gateways]


@parses("aws_vpn_connection", phase=1)
def parse_vpn_connection(r: ResourceInstance, ctx: ParseContext) -> None:
    """Static-routes-only connections name their prefixes; BGP ones learn them at run time."""
    if ctx.is_set(r, "transit_gateway_id") and not ctx.is_set(r, "vpn_gateway_id"):
        _vpn_attachment(r, ctx)
        return
    gateways = ctx.candidates(r, "vpn_gateway_id", VPN_GATEWAY)
    for gateway in gateways:
        remote = ctx.network.remote_networks.setdefault(gateway, RemoteNetwork(gateway))
        remote.dynamic = remote.dynamic or not as_bool(r.get("static_routes_only"))
    ctx.vpn_connections[r.address] = gateways


def _vpn_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    """A VPN on a transit gateway is an attachment of it: on-premises networks enter the gateway
    there and are routed by its route tables. Its prefixes are the gateway's static routes to it
    (static_routes_only), else learned over BGP."""
    gateway_id = ctx.one(r, "transit_gateway_id", TRANSIT_GATEWAY)
    attachment = TransitAttachment(r.address, r.type, gateway_id, [], vpn=True)
    _default_tables(ctx, attachment, associate=True, propagate=True)
    ctx.network.transit_attachments[r.address] = attachment
    remote = ctx.network.remote_networks.setdefault(r.address, RemoteNetwork(r.address))
    remote.dynamic = not as_bool(r.get("static_routes_only"))


@parses("aws_vpn_connection_route", phase=2)
def parse_vpn_connection_route(r: ResourceInstance, ctx: ParseContext) -> None:
    connections = ctx.candidates(r, "vpn_connection_id", VPN_CONNECTION)
    cidrs = checked_cidrs(r.get("destination_cidr_block"))
    for gateway in {g for c in connections for g in ctx.vpn_connections.get(c, [])}:
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
    for gateway in ctx.candidates(r, field, VPN_GATEWAY) if ctx.is_set(r, field) else []:
        ctx.network.remote_networks.setdefault(gateway, RemoteNetwork(gateway)).dynamic = True


@parses("aws_customer_gateway", "aws_dx_gateway")
def parse_without_network_effect(r: ResourceInstance, ctx: ParseContext) -> None:
    """The far end of a VPN or a Direct Connect gateway: what matters is read from the connections."""


# --- PrivateLink -----------------------------------------------------------------------------


@parses("aws_vpc_endpoint", phase=1)
def parse_vpc_endpoint(r: ResourceInstance, ctx: ParseContext) -> None:
    """An interface endpoint is interfaces in its subnets that accept HTTPS (the AWS service's
    API), never with a public address; gateway endpoints (S3, DynamoDB) are routes, not endpoints."""
    if str(r.get("vpc_endpoint_type") or "Gateway") != "Interface":
        return
    subnets = in_subnets(ctx, r, "subnet_ids")
    managed_endpoint(ctx, r, subnets, "security_group_ids", ServicePorts.tcp(443))


# --- VPC peering ----------------------------------------------------------------------------


@parses("aws_vpc_peering_connection")
def parse_peering(r: ResourceInstance, ctx: ParseContext) -> None:
    """A peering whose VPCs the plan cannot pin down may join any two different candidates
    (AWS refuses to peer a VPC with itself)."""
    requesters = ctx.candidates(r, "vpc_id", VPC, quiet=True)
    accepters = ctx.candidates(r, "peer_vpc_id", VPC, quiet=True)
    peering = Peering(r.address, r.type, requesters, accepters, _accepted(r))
    pairs = len(peering.sides()) // 2
    if pairs > 1:
        choices = ", ".join(sorted({v for pair in peering.sides() for v in pair}))
        peering.assumption = f"{r.address} may join any two of {choices}; each pair is considered"
        ctx.network.notice(
            r.address, "peer_vpc_id", f"ambiguous: {pairs} pairs of VPCs are possible; each is considered", AMBIGUOUS
        )
    elif requesters and requesters == accepters:
        ctx.network.notice(r.address, "peer_vpc_id", f"peers {requesters[0]} with itself, which AWS refuses")
    ctx.network.peerings[r.address] = peering


def _accepted(r: ResourceInstance) -> bool:
    return as_bool(r.get("auto_accept")) or r.get("accept_status") == "active"


@parses("aws_vpc_peering_connection_accepter")
def parse_peering_accepter(r: ResourceInstance, ctx: ParseContext) -> None:
    """The accepting side's handle on a peering connection: routes may name it instead."""
    connections = ctx.candidates(r, "vpc_peering_connection_id", _CONNECTION)
    if len(connections) == 1:
        ctx.aliases[r.address] = connections[0]
    if _accepted(r):
        ctx.accepted_peerings.update(connections)


@finishes
def settle_peerings(ctx: ParseContext) -> None:
    """Routes may name the accepter: they lead to its connection. Unaccepted peerings carry nothing."""
    for table in ctx.network.route_tables.values():
        for route in table.routes:
            route.target = ctx.aliases.get(route.target or "", route.target)
            route.alternatives = tuple(ctx.aliases.get(t, t) for t in route.alternatives)
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
    table = TransitRouteTable(r.address, r.type, ctx.one_or_any(r, "transit_gateway_id", TRANSIT_GATEWAY))
    ctx.network.transit_route_tables[r.address] = table


@parses("aws_ec2_transit_gateway_vpc_attachment", phase=1)
def parse_transit_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    """Attachments use the gateway's default route table unless told otherwise."""
    gateway_id = ctx.one(r, "transit_gateway_id", TRANSIT_GATEWAY)
    attachment = TransitAttachment(r.address, r.type, gateway_id, [])
    attachment.subnets = ctx.many(r, "subnet_ids", SUBNET)
    attachment.vpcs = _attached_vpcs(r, ctx, attachment.subnets)
    associate = r.get("transit_gateway_default_route_table_association") is not False
    propagate = r.get("transit_gateway_default_route_table_propagation") is not False
    _default_tables(ctx, attachment, associate, propagate)
    ctx.network.transit_attachments[r.address] = attachment


def _default_tables(ctx: ParseContext, attachment: TransitAttachment, associate: bool, propagate: bool) -> None:
    """An attachment is associated with, and propagates to, the gateway's default route table
    when the gateway enables it and the attachment does not opt out."""
    gateway = ctx.network.transit_gateways.get(attachment.gateway or "")
    if gateway is None or not gateway.default_route_table:
        return
    if gateway.default_association and associate:
        attachment.route_tables = [gateway.default_route_table]
    if gateway.default_propagation and propagate:
        ctx.network.transit_route_tables[gateway.default_route_table].propagations.append(attachment.id)


def transit_tables_named(ctx: ParseContext, r: ResourceInstance, path: str) -> list[str]:
    """The transit route tables an attribute names; a gateway's association_default_route_table_id
    or propagation_default_route_table_id names its default table."""
    found = []
    for identity in ctx.candidates(r, path, TRANSIT_ROUTE_TABLE | TRANSIT_GATEWAY):
        gateway = ctx.network.transit_gateways.get(identity)
        if gateway is None:
            found.append(identity)
        elif gateway.default_route_table:
            found.append(gateway.default_route_table)
        else:
            message = f"names the default route table of {identity}, which has none (both defaults disabled)"
            ctx.network.notice(r.address, path, message)
    return list(dict.fromkeys(found))


def _attached_vpcs(r: ResourceInstance, ctx: ParseContext, subnets: list[str]) -> list[str]:
    """The attachment's VPC; among candidates, those holding one of its subnets (AWS requires it)."""
    candidates = ctx.candidates(r, "vpc_id", VPC, quiet=True)
    holding = {ctx.network.subnets[s].vpc for s in subnets if s in ctx.network.subnets}
    narrowed = [v for v in candidates if v in holding]
    if len(candidates) > 1 and len(narrowed) == 1:
        return narrowed
    return ctx.candidates(r, "vpc_id", VPC)


@parses("aws_ec2_transit_gateway_route_table_association", phase=2)
def parse_transit_association(r: ResourceInstance, ctx: ParseContext) -> None:
    """Ambiguous: each candidate attachment may be associated with each candidate table."""
    tables = transit_tables_named(ctx, r, "transit_gateway_route_table_id")
    attachments = ctx.candidates(r, "transit_gateway_attachment_id", TRANSIT_ATTACHMENT)
    for attachment in [ctx.network.transit_attachments[a] for a in attachments if a in ctx.network.transit_attachments]:
        # Only a certain association replaces the default table; an ambiguous one may name another attachment.
        kept = [t for t in attachment.route_tables if len(attachments) > 1 or t not in _defaults(ctx)]
        attachment.route_tables = kept + [t for t in tables if t not in kept]


def _defaults(ctx: ParseContext) -> set[str]:
    return {g.default_route_table for g in ctx.network.transit_gateways.values() if g.default_route_table}


@parses("aws_ec2_transit_gateway_route_table_propagation", phase=2)
def parse_transit_propagation(r: ResourceInstance, ctx: ParseContext) -> None:
    attachments = ctx.candidates(r, "transit_gateway_attachment_id", TRANSIT_ATTACHMENT)
    for table_id in transit_tables_named(ctx, r, "transit_gateway_route_table_id"):
        table = ctx.network.transit_route_tables.get(table_id)
        if table is not None:
            table.propagations += [a for a in attachments if a not in table.propagations]


@parses("aws_ec2_transit_gateway_route", phase=2)
def parse_transit_route(r: ResourceInstance, ctx: ParseContext) -> None:
    """An ambiguous route goes in each candidate table; to each candidate attachment. A destination
    known only after apply may be any address (the route is kept: it may carry the replies)."""
    destination = checked_cidrs(r.get("destination_cidr_block"))
    why = None
    if not destination:
        why = f"{r.address} goes to a destination known only after apply; assumed it may hold any address"
        warn(ctx, r.address, None, why, UNKNOWN_ROUTE_DESTINATION)
    blocks = destination or ["0.0.0.0/0", "::/0"]
    blackhole = as_bool(r.get("blackhole"))
    attachments = [None] if blackhole else ctx.candidates(r, "transit_gateway_attachment_id", TRANSIT_ATTACHMENT)
    for table_id in transit_tables_named(ctx, r, "transit_gateway_route_table_id"):
        table = ctx.network.transit_route_tables.get(table_id)
        if table is None:
            continue
        for attachment, block in ((a, b) for a in attachments for b in blocks):
            shown = block if why is None else "an unknown destination"
            label = f"{r.address} {shown} -> {attachment or 'blackhole'}"
            length = int(block.split("/")[1])
            route = TransitRoute(addresses(block), label, length, attachment, (), why, why is not None)
            table.routes.append(route)
    for attachment in attachments if destination else ():
        _on_premises_route(ctx, attachment, destination[0], r.address)


def _on_premises_route(ctx: ParseContext, attachment: str | None, cidr: str, address: str) -> None:
    """A static route to a VPN attachment says where on-premises networks are."""
    remote = ctx.network.remote_networks.get(attachment or "")
    found = ctx.network.transit_attachments.get(attachment or "")
    if remote is not None and found is not None and found.vpn and cidr not in remote.cidrs:
        remote.cidrs.append(cidr)
        remote.labels.append(f"{address} {cidr}")


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_vpn_gateway": "https://docs.aws.amazon.com/vpn/latest/s2svpn/how_it_works.html",
    "aws_vpn_gateway_attachment": "https://docs.aws.amazon.com/vpn/latest/s2svpn/how_it_works.html",
    "aws_vpn_gateway_route_propagation": "https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html",
    "aws_vpn_connection": "https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html",
    "aws_vpn_connection_route": "https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html",
    "aws_customer_gateway": "https://docs.aws.amazon.com/vpn/latest/s2svpn/your-cgw.html",
    "aws_dx_gateway": "https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-gateways-intro.html",
    "aws_dx_gateway_association": "https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-gateways-intro.html",
    "aws_dx_private_virtual_interface": "https://docs.aws.amazon.com/directconnect/latest/UserGuide/WorkingWithVirtualInterfaces.html",
    "aws_vpc_endpoint": "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    "aws_vpc_peering_connection": "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html",
    "aws_vpc_peering_connection_accepter": "https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html",
    "aws_ec2_transit_gateway": "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html",
    "aws_ec2_transit_gateway_route_table": "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html",
    "aws_ec2_transit_gateway_vpc_attachment": "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html",
    "aws_ec2_transit_gateway_route_table_association": "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html",
    "aws_ec2_transit_gateway_route_table_propagation": "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html",
    "aws_ec2_transit_gateway_route": "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html",
}
