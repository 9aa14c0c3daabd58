"""Which route table a subnet uses and where it sends each destination (longest prefix).

- A subnet uses the route table explicitly associated with it, else its VPC's main route table.
  https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html
- The most specific route that matches the destination wins (longest prefix match); a static
  route wins over a propagated one of equal prefix; the local route cannot be overridden by a
  less specific one. https://docs.aws.amazon.com/vpc/latest/userguide/route-table-priority.html
- A transit gateway route table holds static routes and the CIDRs its propagating attachments
  advertise. https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from tfreach.aws.defaults import untouched_main_route_table
from tfreach.aws.outside import routing_anywhere
from tfreach.model.network import VPC_DEFAULT, Network, Route, RouteTable, Subnet, Target, TransitRoute
from tfreach.model.packets import IntervalSet, addresses


def route_tables_for(network: Network, subnet: Subnet) -> list[RouteTable]:
    """The explicitly associated table, else the VPC's main table, else AWS's untouched main table.

    Several only when the plan cannot tell which of them the association names.
    """
    associated = network.subnet_route_tables.get(subnet.id, [])
    explicit = [network.route_tables[t] for t in associated if t in network.route_tables]
    if explicit and VPC_DEFAULT not in associated:
        return explicit
    return explicit + _main_route_tables(network, subnet)


def _main_route_tables(network: Network, subnet: Subnet) -> list[RouteTable]:
    """The VPC's main table: the one the plan (or a context) sets, else AWS's own, local routes only;
    of a VPC the plan does not know (an id, a data source's facts), one that may route anywhere."""
    main = network.main_route_tables.get(subnet.vpc or "", [])
    tables = [network.route_tables[t] for t in main if t in network.route_tables]
    if tables:
        return tables
    if vpc_is_outside(network, subnet.vpc):
        identity = f"main route table of {subnet.vpc or subnet.id}"
        return [routing_anywhere(identity, subnet.vpc, f"the main route table of {subnet.vpc or 'its VPC'} is unknown")]
    return [untouched_main_route_table(subnet)]


def vpc_is_outside(network: Network, vpc: str | None) -> bool:
    """A VPC whose tables, ACLs and groups are not known: not told, not held, or known by facts only."""
    found = network.vpcs.get(vpc or "")
    return found is None or found.outside


# When a VPN's prefixes are learned over BGP (or its connections are not in the plan),
# on-premises networks are assumed to use private address space.
ASSUMED_ON_PREMISES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
ON_PREMISES_ASSUMPTION = (
    "on-premises prefixes are not in the plan (BGP or no VPN connection); assumed private address space"
)


def effective_routes(network: Network, table: RouteTable) -> list[Route]:
    """The local route for each CIDR of the VPC, the table's own routes, then propagated ones.

    Listed in that order so that a static route wins over a propagated one of equal prefix.
    """
    vpc = network.vpcs.get(table.vpc or "")
    local = [
        Route(addresses(cidr), cidr, _length(cidr), Target.LOCAL, None, f"{table.id} {cidr} -> local")
        for cidr in (vpc.cidrs if vpc else [])
    ]
    return local + table.routes + _propagated(network, table)


def _propagated(network: Network, table: RouteTable) -> list[Route]:
    routes = []
    for gateway in table.propagating_gateways:
        for cidr, origin, assumption in on_premises_prefixes(network, gateway):
            label = f"{table.id} {cidr} -> {gateway} (propagated: {origin})"
            routes.append(Route(addresses(cidr), cidr, _length(cidr), Target.VPN_GATEWAY, gateway, label, assumption))
    return routes


def on_premises_prefixes(network: Network, gateway: str) -> list[tuple[str, str, str | None]]:
    """(CIDR, where it comes from, assumption) of the networks behind a VPN gateway."""
    remote = network.remote_networks.get(gateway)
    known: list[tuple[str, str, str | None]] = []
    if remote is not None:
        known = [(cidr, label, None) for cidr, label in zip(remote.cidrs, remote.labels, strict=True)]
    if remote is None or remote.dynamic or not known:
        known += [(cidr, "assumed on-premises range", ON_PREMISES_ASSUMPTION) for cidr in ASSUMED_ON_PREMISES]
    return known


def _length(cidr: str) -> int:
    return int(cidr.split("/")[1])


class _Prefixed(Protocol):
    destination: IntervalSet
    prefix_length: int
    destination_unknown: bool


P = TypeVar("P", bound=_Prefixed)


def destinations_won(routes: list[P]) -> list[tuple[IntervalSet, P]]:
    """For each route, the destinations it wins by longest prefix match (ties: first listed).

    A route whose destination is known only after apply may be more specific than any known
    route, or less: it may win any of its family, and takes nothing from the others."""
    claimed = IntervalSet()
    won: list[tuple[IntervalSet, P]] = []
    known = [item for item in enumerate(routes) if not item[1].destination_unknown]
    for _, route in sorted(known, key=lambda item: (-item[1].prefix_length, item[0])):
        mine = route.destination - claimed
        if mine:
            won.append((mine, route))
            claimed = claimed | route.destination
    return won + [(route.destination, route) for route in routes if route.destination_unknown]


Won = list[tuple[IntervalSet, Route]]  # each route with the destinations it wins


def won_routes(network: Network, table: RouteTable) -> Won:
    """Each route of the table with the destinations it wins (the engine asks once per table)."""
    return destinations_won(effective_routes(network, table))


def routes_to(won: Won, wanted: Callable[[Route], bool]) -> Won:
    """The destinations a table (its won routes) sends to a route that `wanted` accepts."""
    return [(mine, route) for mine, route in won if wanted(route)]


def by_target(won: Won) -> dict[str | None, Won]:
    """Won routes by each target they may have."""
    index: dict[str | None, Won] = {}
    for mine, route in won:
        for target in (route.target, *route.alternatives):
            index.setdefault(target, []).append((mine, route))
    return index


def transit_routes(network: Network, table_id: str | None) -> list[TransitRoute]:
    """A transit gateway route table: static routes, then each propagating attachment's VPC CIDRs."""
    table = network.transit_route_tables.get(table_id or "")
    if table is None:
        return []
    routes = list(table.routes)
    propagated: dict[str, list[tuple[str, str]]] = {}
    for attachment_id in table.propagations:
        for cidr, origin in _propagated_by(network, attachment_id):
            propagated.setdefault(cidr, []).append((attachment_id, origin))
    for cidr, senders in propagated.items():
        routes.append(_propagated_route(network, table.id, cidr, senders))
    return routes


def _propagated_route(network: Network, table: str, cidr: str, senders: list[tuple[str, str]]) -> TransitRoute:
    """The route a CIDR propagated by one attachment makes. When several attachments propagate the
    same CIDR, AWS keeps the route of whichever propagated first, which a plan cannot know: the
    route may lead to any of them, each possible."""
    (attachment, origin), others = senders[0], [a for a, _ in senders[1:]]
    if not others:
        return TransitRoute(
            addresses(cidr), f"{table} {cidr} -> {attachment} (propagated{origin})", _length(cidr), attachment
        )
    every = " or ".join(a for a, _ in senders)
    why = f"{every} propagate {cidr}; AWS keeps whichever propagated first, which the plan cannot tell"
    label = f"{table} {cidr} -> {every} (propagated; the plan cannot tell which)"
    return TransitRoute(addresses(cidr), label, _length(cidr), attachment, tuple(others), why)


def _propagated_by(network: Network, attachment_id: str) -> list[tuple[str, str]]:
    """(CIDR, origin) an attachment propagates: its VPCs' blocks; a VPN's prefixes learned over
    BGP (a static VPN propagates nothing: the gateway's static routes name its prefixes)."""
    attachment = network.transit_attachments.get(attachment_id)
    if attachment is None:
        return []
    if attachment.vpn:
        remote = network.remote_networks.get(attachment_id)
        if remote is None or not remote.dynamic:
            return []
        return [(cidr, f": {origin}") for cidr, origin, _ in on_premises_prefixes(network, attachment_id)]
    vpcs = [network.vpcs[v] for v in attachment.vpcs if v in network.vpcs]
    return [(cidr, "") for vpc in vpcs for cidr in vpc.cidrs]


def transit_routes_to(
    network: Network, table_id: str | None, attachment: str
) -> list[tuple[IntervalSet, TransitRoute]]:
    """The destinations a transit gateway route table sends to `attachment` (longest prefix)."""
    return [
        (mine, route)
        for mine, route in destinations_won(transit_routes(network, table_id))
        if route.attachment == attachment or attachment in route.alternatives
    ]
