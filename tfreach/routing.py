"""Which route table a subnet uses and where it sends each destination (longest prefix)."""

from __future__ import annotations

from collections.abc import Callable

from .model import Network, Route, RouteTable, Subnet, Target
from .packets import IntervalSet, addresses


def route_tables_for(network: Network, subnet: Subnet) -> list[RouteTable]:
    """The explicitly associated table, else the VPC's main table, else AWS's untouched main table.

    Several only when the plan cannot tell which of them the association names.
    """
    explicit = [
        network.route_tables[t] for t in network.subnet_route_tables.get(subnet.id, []) if t in network.route_tables
    ]
    if explicit:
        return explicit
    main = network.main_route_tables.get(subnet.vpc or "")
    if main in network.route_tables:
        return [network.route_tables[main]]
    identity = f"{subnet.vpc or subnet.id} main route table"
    return [RouteTable(identity, "main route table (AWS default)", subnet.vpc, implicit=True)]


def effective_routes(network: Network, table: RouteTable) -> list[Route]:
    """The table's routes plus the implicit local route for each CIDR of its VPC."""
    vpc = network.vpcs.get(table.vpc or "")
    local = [
        Route(addresses(cidr), cidr, int(cidr.split("/")[1]), Target.LOCAL, None, f"{table.id} {cidr} -> local")
        for cidr in (vpc.cidrs if vpc else [])
    ]
    return local + table.routes


def destinations_won(routes: list[Route]) -> list[tuple[IntervalSet, Route]]:
    """For each route, the destinations it wins by longest prefix match (ties: first listed)."""
    claimed = IntervalSet()
    won: list[tuple[IntervalSet, Route]] = []
    ordered = sorted(enumerate(routes), key=lambda item: (-item[1].prefix_length, item[0]))
    for _, route in ordered:
        mine = route.destination - claimed
        if mine:
            won.append((mine, route))
            claimed = claimed | route.destination
    return won


def routes_to(network: Network, table: RouteTable, wanted: Callable[[Route], bool]) -> list[tuple[IntervalSet, Route]]:
    """The destinations this table sends to a route that `wanted` accepts."""
    return [(mine, route) for mine, route in destinations_won(effective_routes(network, table)) if wanted(route)]
