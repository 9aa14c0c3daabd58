"""AWS Network Firewall on the route back: the firewall hop of a path into a subnet.

A subnet whose replies are routed through a Network Firewall endpoint has its clients inspected
both ways: what the firewall lets through toward the subnet (aws/network_firewall.py decides);
clients routed around it pass. Other appliances are aws/inspection.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from tfreach.aws.network_firewall import firewall_decisions
from tfreach.aws.outside import subnet_addresses
from tfreach.aws.routing import routes_to
from tfreach.engine.hop import Decision, Hop, box
from tfreach.model.network import Route, RouteTable, Subnet
from tfreach.model.packets import EMPTY, PacketSet

if TYPE_CHECKING:
    from tfreach.engine.build import GraphBuilder


def firewall_hop(
    builder: GraphBuilder, tables: list[RouteTable], through: Callable[[Route], bool], subnet: Subnet
) -> list[Hop]:
    """A Network Firewall the replies go through inspects the clients both ways: what it lets
    through toward the subnet (aws/network_firewall.py); clients routed around it pass."""
    firewalls = builder.network.firewalls
    if not firewalls:
        return []
    around: list[Decision] = []
    inspected_by: dict[str, PacketSet] = {}
    for table in tables:
        for mine, route in routes_to(builder.cache.won_routes(table), through):
            if route.target in firewalls:
                inspected_by[route.target] = inspected_by.get(route.target, EMPTY) | box(mine)
            else:
                around.append(
                    Decision(box(mine), f"{route.label} (not through a firewall)", True, table.id, table.resource_type)
                )
    if not inspected_by:
        return []
    decisions = list(around)
    where = subnet_addresses(subnet)
    for identity, clients in inspected_by.items():
        decisions += [replace(d, packets=d.packets & clients) for d in firewall_decisions(firewalls[identity], where)]
    names = ", ".join(inspected_by)
    return [Hop(names, "aws_networkfirewall_firewall", "network firewall", tuple(d for d in decisions if d.packets))]
