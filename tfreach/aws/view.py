"""What AWS rules ask of a network besides its objects: derived lookups, each asked many times.

The rules in aws/* take a `NetworkView`; the engine's cache object (engine/cache.py) is one, and
answers each question once per network. The rules themselves stay pure functions of the network.
"""

from __future__ import annotations

from typing import Protocol

from tfreach.model.network import Network, NetworkAcl, Route, RouteTable, Subnet
from tfreach.model.packets import IntervalSet


class NetworkView(Protocol):
    network: Network

    def route_tables_for(self, subnet: Subnet) -> list[RouteTable]:
        """aws.routing.route_tables_for, once per subnet."""

    def won_routes(self, table: RouteTable) -> list[tuple[IntervalSet, Route]]:
        """aws.routing.won_routes, once per table."""

    def won_by_target(self, table: RouteTable) -> dict[str | None, list[tuple[IntervalSet, Route]]]:
        """The table's won routes by each target they may have, once per table."""

    def nacls_for(self, subnet: Subnet) -> list[NetworkAcl]:
        """aws.acl.nacls_for, once per subnet."""

    def subnets_of(self, vpc: str) -> list[Subnet]:
        """The known subnets of a VPC."""

    def subnets_by_tables(self, vpc: str) -> list[tuple[list[RouteTable], list[Subnet]]]:
        """A VPC's known subnets, by the route tables they use."""

    def route_toward(self, subnet: Subnet, destination: IntervalSet, gateways: frozenset[str]) -> str | None:
        """The label of a route of the subnet's table sending part of `destination` to one of `gateways`."""
