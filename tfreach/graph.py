"""The network as a graph: sources -> gateways -> subnets -> endpoints.

Every edge carries the hops a packet crosses on it (route back, network ACL in and out,
security groups, public address), each a list of decisions naming the deciding rule. An
edge only exists where AWS could deliver something at all; what it delivers is the
intersection of its hops.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .filters import (
    Decision,
    acl_decisions,
    admitted_by_security_groups,
    allowed,
    groups_of,
    nacl_for,
    public_addresses,
    replies_allowed,
)
from .model import Gateway, Network, NetworkInterface, Route, Subnet, Target
from .packets import ALL_ADDRESSES, EVERYTHING, PORTS, PROTOCOLS, PacketSet
from .routing import route_tables_for, routes_to
from .sources import Source

Node = tuple[str, str]


@dataclass(frozen=True)
class Hop:
    """One thing a packet crosses, and the rules that decided what passes it."""

    address: str
    type: str
    role: str
    decisions: tuple[Decision, ...]
    assumptions: tuple[str, ...] = ()
    passes: PacketSet = field(init=False, compare=False)
    _admitting: dict[PacketSet, tuple[Decision, ...]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "passes", allowed(list(self.decisions)))
        object.__setattr__(self, "_admitting", {})

    def admitting(self, packets: PacketSet) -> tuple[Decision, ...]:
        """The allow decisions that admit some of `packets` (memoized: many paths share a hop)."""
        found = self._admitting.get(packets)
        if found is None:
            found = self._admitting[packets] = tuple(
                d for d in self.decisions if d.allow and d.packets.intersects(packets)
            )
        return found


def source_node(source: Source) -> Node:
    return ("source", source.kind)


def endpoint_node(identity: str) -> Node:
    return ("endpoint", identity)


class GraphBuilder:
    def __init__(self, network: Network) -> None:
        self.network = network
        self.graph = nx.DiGraph()
        self._acl_hops: dict[str, tuple[Hop, Hop]] = {}
        self._group_hops: dict[tuple[str, ...], Hop] = {}

    def build(self, sources: list[Source]) -> nx.DiGraph:
        for source in sources:
            self.graph.add_node(source_node(source), kind="source", source=source)
        internet = next((s for s in sources if s.kind == "internet"), None)
        if internet is not None:
            self._internet_gateways(internet)
        for interface in self.network.interfaces.values():
            if interface.attached:
                self._endpoint(interface)
        return self.graph

    def _add_edge(self, start: Node, end: Node, hops: list[Hop]) -> None:
        passes = EVERYTHING
        for hop in hops:
            passes = passes & hop.passes
        self.graph.add_edge(start, end, hops=tuple(hops), passes=passes)

    # --- internet -> internet gateway -> subnet ---------------------------------------

    def _internet_gateways(self, internet: Source) -> None:
        gateways = [g for g in self.network.gateways.values() if g.kind is Target.INTERNET_GATEWAY]
        for gateway in gateways:
            node = ("gateway", gateway.id)
            attached = (
                f"{gateway.id} attached to {gateway.vpc}" if gateway.vpc else f"{gateway.id} (VPC attachment unknown)"
            )
            decision = Decision(EVERYTHING, attached, True, gateway.id, gateway.resource_type)
            self._add_edge(
                source_node(internet), node, [Hop(gateway.id, gateway.resource_type, "internet gateway", (decision,))]
            )
        for subnet in self.network.subnets.values():
            if subnet.unknown:
                self._unknown_subnet(internet, subnet)
                continue
            for gateway in gateways:
                hops = self._gateway_to_subnet(gateway, subnet)
                if hops:
                    self._add_edge(("gateway", gateway.id), ("subnet", subnet.id), hops)

    def _gateway_to_subnet(self, gateway: Gateway, subnet: Subnet) -> list[Hop]:
        """Replies must be routed back to this gateway (longest prefix), and the ACL must pass both ways."""
        if gateway.vpc and subnet.vpc and gateway.vpc != subnet.vpc:
            return []
        tables = route_tables_for(self.network, subnet)
        ambiguity = (
            f"the route table of {subnet.id} may be any of {', '.join(t.id for t in tables)}"
            if len(tables) > 1
            else None
        )

        def to_gateway(route: Route) -> bool:
            return route.target == gateway.id or route.target_kind is Target.UNKNOWN

        route_back = tuple(
            Decision(
                PacketSet.box(PROTOCOLS, PORTS, mine),
                route.label,
                True,
                table.id,
                table.resource_type,
                route.assumption or ambiguity,
            )
            for table in tables
            for mine, route in routes_to(self.network, table, to_gateway)
        )
        if not route_back:
            return []
        inbound, reply = self._acl_hops_for(subnet)
        return [
            Hop(tables[0].id, tables[0].resource_type, "route back", route_back),
            self._subnet_hop(subnet),
            inbound,
            reply,
        ]

    def _acl_hops_for(self, subnet: Subnet) -> tuple[Hop, Hop]:
        acl = nacl_for(self.network, subnet)
        if acl.id not in self._acl_hops:
            inbound = Hop(acl.id, acl.resource_type, "network ACL inbound", tuple(acl_decisions(acl, egress=False)))
            reply = Hop(acl.id, acl.resource_type, "network ACL outbound reply", tuple(replies_allowed(acl)))
            self._acl_hops[acl.id] = (inbound, reply)
        return self._acl_hops[acl.id]

    def _subnet_hop(self, subnet: Subnet) -> Hop:
        label = f"{subnet.id} ({', '.join(subnet.cidrs)})" if subnet.cidrs else subnet.id
        assumptions = (subnet.assumption,) if subnet.assumption else ()
        return Hop(
            subnet.id,
            subnet.resource_type,
            "subnet",
            (Decision(EVERYTHING, label, True, subnet.id, subnet.resource_type),),
            assumptions,
        )

    def _unknown_subnet(self, source: Source, subnet: Subnet) -> None:
        self._add_edge(source_node(source), ("subnet", subnet.id), [self._subnet_hop(subnet)])

    # --- subnet -> endpoint -----------------------------------------------------------

    def _endpoint(self, interface: NetworkInterface) -> None:
        node = endpoint_node(interface.id)
        self.graph.add_node(node, kind="endpoint", interface=interface)
        for subnet_id in interface.subnets:
            subnet = self.network.subnets.get(subnet_id)
            if subnet is None or not self.graph.has_node(("subnet", subnet_id)):
                continue
            groups = self._groups_hop(interface, subnet)
            addresses = Hop(
                interface.id,
                interface.resource_type,
                "public address",
                tuple(public_addresses(interface, subnet)),
                tuple(interface.assumptions),
            )
            self._add_edge(("subnet", subnet_id), node, [groups, addresses])

    def _groups_hop(self, interface: NetworkInterface, subnet: Subnet) -> Hop:
        groups = groups_of(self.network, interface, subnet)
        key = tuple(g.id for g in groups)
        if key not in self._group_hops:
            address = groups[0].id if len(groups) == 1 else ", ".join(key) or "no security group"
            kind = groups[0].resource_type if len(groups) == 1 else "security groups"
            self._group_hops[key] = Hop(address, kind, "security groups", tuple(admitted_by_security_groups(groups)))
        return self._group_hops[key]


def build_graph(network: Network, sources: list[Source]) -> nx.DiGraph:
    return GraphBuilder(network).build(sources)


__all__ = ["ALL_ADDRESSES", "Hop", "build_graph", "endpoint_node", "source_node"]
