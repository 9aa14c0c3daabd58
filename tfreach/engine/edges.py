"""The hops of managed edges: from the internet, through an AWS service, to an endpoint in a VPC.

An accelerator, a CDN's VPC origin or an API's private integration has its own addresses on the
internet and network interfaces in the endpoint's subnets: no internet gateway, route back or
public address of the endpoint is involved, and an internal load balancer or a private instance
behind it is reached from the internet (aws/managed_edges.py). What still decides is the edge's
own ports, the endpoint's groups (admitting the client's address when it is preserved, else the
edge's) and, behind a load balancer, its listeners and targets as for any client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tfreach.aws import managed_edges as rules
from tfreach.engine.graph import Node, balancer_node, endpoint_node, source_node
from tfreach.engine.hop import Hop
from tfreach.model.network import LoadBalancer, NetworkInterface, Subnet
from tfreach.model.sources import SOURCES
from tfreach.model.ways_in import EdgeTarget, ManagedEdge

if TYPE_CHECKING:
    from tfreach.engine.build import GraphBuilder


def edge_node(edge: ManagedEdge, target: EdgeTarget, subnet: Subnet) -> Node:
    return ("edge", edge.id, target.endpoint, subnet.id)


class EdgeHops:
    def __init__(self, builder: GraphBuilder) -> None:
        self.builder = builder
        self.network = builder.network

    def add(self, edge: ManagedEdge) -> None:
        """internet -> the edge, in each subnet of the endpoint -> the endpoint."""
        start = source_node(SOURCES[edge.source])
        if start not in self.builder.graph:
            return  # a kind of source not asked about
        for target in edge.targets:
            balancer = self.network.load_balancers.get(target.endpoint)
            interface = self._interface(target.endpoint)
            subnets = balancer.subnets if balancer else interface.subnets if interface else []
            for subnet in self.builder.known_subnets(subnets):
                node = edge_node(edge, target, subnet)
                seen = target.beyond if target.beyond is not None else target.seen_from
                self.builder.graph.add_node(node, kind="edge", via=edge.id, seen_as=seen)
                self.builder.add_edge(start, node, [self._edge_hop(edge, target), self.builder.subnet_hop(subnet)])
                if balancer is not None:
                    self.builder.add_edge(node, balancer_node(balancer.id), self._onto_balancer(edge, target, balancer))
                elif interface is not None:
                    hops = self._onto_interface(edge, target, interface, subnet)
                    self.builder.add_edge(node, endpoint_node(interface.id), hops)

    def _interface(self, identity: str) -> NetworkInterface | None:
        """The endpoint node of an interface is its class's representative."""
        representative = self.builder.classes.of(identity)
        interface = self.network.interfaces.get(representative)
        return interface if interface is not None and interface.attached else None

    def _edge_hop(self, edge: ManagedEdge, target: EdgeTarget) -> Hop:
        decisions = tuple(rules.forwarded(edge, target))
        why = rules.not_forwarded(edge, target)
        return Hop(edge.id, edge.resource_type, edge.service, decisions, blocked=why, narrows=target.narrows)

    def _onto_balancer(self, edge: ManagedEdge, target: EdgeTarget, balancer: LoadBalancer) -> list[Hop]:
        hops = self.builder.balancers.groups_and_listeners(balancer)
        if not target.groups_apply:
            return [hop for hop in hops if hop.role != "security groups"]
        return [rules.as_seen(hop, target, edge.service) if hop.role == "security groups" else hop for hop in hops]

    def _onto_interface(
        self, edge: ManagedEdge, target: EdgeTarget, interface: NetworkInterface, subnet: Subnet
    ) -> list[Hop]:
        groups, *rest = self.builder.onto_endpoint(interface, subnet, ())
        return [rules.as_seen(groups, target, edge.service), *rest]
