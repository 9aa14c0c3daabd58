"""Who can send into a VPC through each gateway: the internet, on-premises, peers, transit.

Each function returns decisions over the client address: which addresses arrive at the
gateway, and why. What happens inside the VPC (route back, ACLs, groups) is the graph's.
"""

from __future__ import annotations

from tfreach.aws.filters import Decision
from tfreach.aws.routing import on_premises_prefixes, route_tables_for, transit_routes_to, won_by_target
from tfreach.model.network import Gateway, Network, Peering, RouteTable, Subnet, TransitAttachment
from tfreach.model.packets import PORTS, PROTOCOLS, IntervalSet, PacketSet, addresses


def _from(addrs: IntervalSet, label: str, owner: str, owner_type: str, assumption: str | None = None) -> Decision:
    return Decision(PacketSet.box(PROTOCOLS, PORTS, addrs), label, True, owner, owner_type, assumption)


def vpn_senders(network: Network, gateway: Gateway) -> list[Decision]:
    """On-premises networks: the VPN connections' static routes, else assumed private ranges."""
    own = vpc_addresses(network, gateway.vpc)
    return [
        _from(addresses(cidr) - own, f"{gateway.id} from {origin}", gateway.id, gateway.resource_type, assumption)
        for cidr, origin, assumption in on_premises_prefixes(network, gateway.id)
        if addresses(cidr) - own
    ]


def peering_senders(network: Network, peering: Peering, into: str, peer: str) -> list[Decision]:
    """Subnets of the peer VPC whose route tables send (part of) this VPC to the peering."""
    target = vpc_addresses(network, into)
    if peer not in network.vpcs:
        assumption = f"the peer VPC {peer} is not in the plan; assumed to route to {peering.id}"
        outside = addresses(*peering.external_cidrs) if peering.external_cidrs else _everything() - target
        return [_from(outside, f"{peering.id} from {peer}", peering.id, peering.resource_type, assumption)]
    by_route: dict[str, list[Subnet]] = {}
    for tables, subnets in _subnets_by_tables(network, peer):
        route = _first_route_toward(network, tables, target, {peering.id})
        if route is not None:
            by_route.setdefault(route, []).extend(subnets)
    return [
        _from(
            _addresses_of(subnets),
            f"{_names(subnets)} via {route}",
            peering.id,
            peering.resource_type,
            peering.assumption,
        )
        for route, subnets in by_route.items()
    ]


def _subnets_by_tables(network: Network, vpc: str) -> list[tuple[list[RouteTable], list[Subnet]]]:
    """A VPC's subnets by the route tables they use (once per network): a route is looked up
    once for all the subnets of a table."""
    cache: dict[str, list[tuple[list[RouteTable], list[Subnet]]]] = network.derived.setdefault("by tables", {})
    if vpc not in cache:
        grouped: dict[tuple[str, ...], tuple[list[RouteTable], list[Subnet]]] = {}
        for subnet in _subnets_of(network, vpc):
            tables = route_tables_for(network, subnet)
            grouped.setdefault(tuple(t.id for t in tables), (tables, []))[1].append(subnet)
        cache[vpc] = list(grouped.values())
    return cache[vpc]


def _addresses_of(subnets: list[Subnet]) -> IntervalSet:
    return IntervalSet([span for subnet in subnets for span in subnet_addresses(subnet).spans])


def _names(subnets: list[Subnet], shown: int = 3) -> str:
    """The subnets that send through one route: one decision for them all, as they are told
    apart by their addresses (a VPC's private subnets share their route table)."""
    names = [s.id for s in subnets]
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more subnets" if len(names) > shown else "")


def transit_vpn_senders(
    network: Network, vpn: TransitAttachment, attachment: TransitAttachment, into: str
) -> list[Decision]:
    """On-premises networks behind a VPN on the transit gateway that reach this VPC's attachment
    and get replies: the VPN attachment's route table sends the VPC here, and this attachment's
    route table sends the on-premises prefix back to the VPN (longest prefix; a blackhole drops)."""
    target = vpc_addresses(network, into)
    forward = [
        route
        for table in vpn.route_tables
        for mine, route in transit_routes_to(network, table, attachment.id)
        if mine.intersects(target)
    ]
    back = [found for table in attachment.route_tables for found in transit_routes_to(network, table, vpn.id)]
    if not forward or not back:
        return []
    returned = IntervalSet()
    for mine, _ in back:
        returned = returned | mine
    out = []
    for cidr, origin, assumption in on_premises_prefixes(network, vpn.id):
        senders = (addresses(cidr) & returned) - target
        if senders:
            label = f"{vpn.id} from {origin}; {forward[0].label}; replies {back[0][1].label}"
            out.append(_from(senders, label, vpn.gateway or vpn.id, "aws_ec2_transit_gateway", assumption))
    return out


def transit_senders(network: Network, attachment: TransitAttachment, into: str) -> list[Decision]:
    """Subnets of other VPCs on the same transit gateway that reach this attachment and get replies.

    The source VPC's route table must send this VPC to the transit gateway, the transit route
    table of the source attachment must send it on to this attachment, and this attachment's
    route table must send the replies back.
    """
    gateway = network.transit_gateways.get(attachment.gateway or "")
    target = vpc_addresses(network, into)
    out = []
    for other in network.transit_attachments.values():
        if other.id == attachment.id or other.gateway != attachment.gateway:
            continue
        forward = [
            route
            for table in other.route_tables
            for mine, route in transit_routes_to(network, table, attachment.id)
            if mine.intersects(target)
        ]
        back = [found for table in attachment.route_tables for found in transit_routes_to(network, table, other.id)]
        if not forward or not back:
            continue
        returned = IntervalSet()
        for mine, _ in back:
            returned = returned | mine
        for subnet in [s for vpc in other.vpcs if vpc != into for s in _subnets_of(network, vpc)]:
            route = _route_toward(network, subnet, target, {attachment.gateway or ""})
            senders = subnet_addresses(subnet) & returned
            if route is not None and senders:
                label = f"{subnet.id} via {route}; {forward[0].label}; replies {back[0][1].label}"
                out.append(_from(senders, label, gateway.id if gateway else attachment.id, "aws_ec2_transit_gateway"))
    return out


def _route_toward(network: Network, subnet: Subnet, destination: IntervalSet, gateways: set[str]) -> str | None:
    """The label of a route of the subnet's table that sends part of `destination` to one of `gateways`
    (subnets share their tables: asked once per tables, destination and gateways)."""
    tables = route_tables_for(network, subnet)
    cache: dict[tuple[object, ...], str | None] = network.derived.setdefault("route toward", {})
    key = (tuple(t.id for t in tables), destination, frozenset(gateways))
    if key not in cache:
        cache[key] = _first_route_toward(network, tables, destination, gateways)
    return cache[key]


def _first_route_toward(
    network: Network, tables: list[RouteTable], destination: IntervalSet, gateways: set[str]
) -> str | None:
    for table in tables:
        index = won_by_target(network, table)
        for gateway in sorted(gateways.intersection(index)):
            for mine, route in index.get(gateway, []):
                if mine.intersects(destination):
                    return route.label
    return None


def _subnets_of(network: Network, vpc: str) -> list[Subnet]:
    """The known subnets of a VPC (grouped once per network)."""
    by_vpc: dict[str | None, list[Subnet]] | None = network.derived.get("subnets by vpc")
    if by_vpc is None:
        by_vpc = network.derived["subnets by vpc"] = {}
        for subnet in network.subnets.values():
            if not subnet.unknown:
                by_vpc.setdefault(subnet.vpc, []).append(subnet)
    return by_vpc.get(vpc, [])


def subnet_addresses(subnet: Subnet) -> IntervalSet:
    return addresses(*subnet.cidrs)


def vpc_addresses(network: Network, vpc_id: str | None) -> IntervalSet:
    vpc = network.vpcs.get(vpc_id or "")
    return addresses(*vpc.cidrs) if vpc else IntervalSet()


def _everything() -> IntervalSet:
    return addresses("0.0.0.0/0", "::/0")
