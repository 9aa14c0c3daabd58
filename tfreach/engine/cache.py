"""The one cache object of an analysis: every memo of one network, by the question it answers.

Paths ask the same few questions again and again (the route tables of a subnet, the routes a
table wins, the hop of an ACL toward a range): each is answered once per network here, and
nowhere else. A `Cache` is made for one network and lives as long as its analysis; it is also the
`NetworkView` the AWS rules in aws/* ask their derived questions of.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from tfreach.aws import acl, routing
from tfreach.aws.entries.peering import first_route_toward
from tfreach.model.network import Network, NetworkAcl, Route, RouteTable, Subnet
from tfreach.model.packets import IntervalSet

T = TypeVar("T")


class Cache:
    def __init__(self, network: Network) -> None:
        self.network = network
        self._tables: dict[str, dict[Any, Any]] = {}

    def table(self, question: str) -> dict[Any, Any]:
        """The memo of one question (a hop builder keeps a reference to the ones it fills)."""
        return self._tables.setdefault(question, {})

    def once(self, question: str, key: Hashable, compute: Callable[[], T]) -> T:
        memo = self.table(question)
        if key not in memo:
            memo[key] = compute()
        found: T = memo[key]
        return found

    def sizes(self) -> dict[str, int]:
        """How many answers each question holds (benchmarks/stages.py prints them)."""
        return {question: len(memo) for question, memo in sorted(self._tables.items())}

    # --- the NetworkView the AWS rules ask -------------------------------------------------------

    def route_tables_for(self, subnet: Subnet) -> list[RouteTable]:
        return self.once("route tables of a subnet", subnet.id, lambda: routing.route_tables_for(self.network, subnet))

    def won_routes(self, table: RouteTable) -> list[tuple[IntervalSet, Route]]:
        return self.once("routes a table wins", table.id, lambda: routing.won_routes(self.network, table))

    def won_by_target(self, table: RouteTable) -> dict[str | None, list[tuple[IntervalSet, Route]]]:
        return self.once("won routes by target", table.id, lambda: routing.by_target(self.won_routes(table)))

    def nacls_for(self, subnet: Subnet) -> list[NetworkAcl]:
        return self.once("network ACLs of a subnet", subnet.id, lambda: acl.nacls_for(self.network, subnet))

    def subnets_of(self, vpc: str) -> list[Subnet]:
        by_vpc = self.once("known subnets by VPC", None, self._subnets_by_vpc)
        return by_vpc.get(vpc, [])

    def _subnets_by_vpc(self) -> dict[str | None, list[Subnet]]:
        found: dict[str | None, list[Subnet]] = {}
        for subnet in self.network.subnets.values():
            if not subnet.unknown:
                found.setdefault(subnet.vpc, []).append(subnet)
        return found

    def subnets_by_tables(self, vpc: str) -> list[tuple[list[RouteTable], list[Subnet]]]:
        return self.once("a VPC's subnets by route tables", vpc, lambda: self._by_tables(vpc))

    def _by_tables(self, vpc: str) -> list[tuple[list[RouteTable], list[Subnet]]]:
        grouped: dict[tuple[str, ...], tuple[list[RouteTable], list[Subnet]]] = {}
        for subnet in self.subnets_of(vpc):
            tables = self.route_tables_for(subnet)
            grouped.setdefault(tuple(t.id for t in tables), (tables, []))[1].append(subnet)
        return list(grouped.values())

    def route_toward(self, subnet: Subnet, destination: IntervalSet, gateways: frozenset[str]) -> str | None:
        tables = self.route_tables_for(subnet)
        key = (tuple(t.id for t in tables), destination, gateways)
        return self.once(
            "route toward a destination", key, lambda: first_route_toward(self, tables, destination, set(gateways))
        )
