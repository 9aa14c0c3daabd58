"""The network as a graph: sources -> gateways -> subnets -> endpoint classes -> (load balancer) targets.

Every edge carries the hops a packet crosses on it; an edge exists wherever AWS could deliver
something at all, blocked or not (`explain` shows where a blocked one stops). Alike endpoints are
one node (classes.py). The engine keeps its own adjacency: the walker carries packet sets, which
no graph library does, and a check never imports networkx (0.12 s, a tenth of a 5k run); the
diagram gets the graph as networkx's (`Graph.to_networkx`) for its topological order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tfreach.aws.entries import WayIn
from tfreach.aws.outside import subnet_addresses
from tfreach.engine.hop import Hop
from tfreach.model.network import Listener, Subnet
from tfreach.model.packets import IntervalSet, PacketSet
from tfreach.model.sources import Source

Node = tuple[str, ...]


def subnet_node(identity: str, public: bool) -> Node:
    """Traffic from the internet reaches public addresses; other sources, private ones."""
    return ("subnet", identity) if public else ("subnet", identity, "private")


def source_node(source: Source) -> Node:
    return ("source", source.kind)


def endpoint_node(identity: str) -> Node:
    return ("endpoint", identity)


def balancer_node(identity: str) -> Node:
    return ("load_balancer", identity)


class Graph:
    """Nodes and directed edges with their data (the subset of networkx.DiGraph the engine uses)."""

    def __init__(self) -> None:
        self.nodes: dict[Node, dict[str, Any]] = {}
        self._out: dict[Node, dict[Node, dict[str, Any]]] = {}
        self._in: dict[Node, dict[Node, dict[str, Any]]] = {}
        self.edges = _Edges(self._out)

    def add_node(self, node: Node, **data: Any) -> None:
        if node not in self.nodes:
            self.nodes[node], self._out[node], self._in[node] = {}, {}, {}
        self.nodes[node].update(data)

    def add_edge(self, start: Node, end: Node, **data: Any) -> None:
        self.add_node(start)
        self.add_node(end)
        edge = self._out[start].setdefault(end, {})
        edge.update(data)
        self._in[end][start] = edge

    def has_node(self, node: Node) -> bool:
        return node in self.nodes

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def successors(self, node: Node) -> Iterator[Node]:
        return iter(self._out[node])

    def predecessors(self, node: Node) -> Iterator[Node]:
        return iter(self._in[node])

    def to_networkx(self) -> Any:
        """The same graph as a networkx.DiGraph, for path enumeration and ordering."""
        import networkx as nx  # only explain and the diagram need it

        graph = nx.DiGraph()
        graph.add_nodes_from(self.nodes.items())
        graph.add_edges_from((a, b, data) for a, out in self._out.items() for b, data in out.items())
        return graph


@dataclass(frozen=True)
class _Edges:
    out: dict[Node, dict[Node, dict[str, Any]]]

    def __getitem__(self, pair: tuple[Node, Node]) -> dict[str, Any]:
        return self.out[pair[0]][pair[1]]

    def __iter__(self) -> Iterator[tuple[Node, Node]]:
        return ((a, b) for a, out in self.out.items() for b in out)


@dataclass(frozen=True)
class Forward:
    """A load balancer's forwarding of one listener to one target on one port.

    `sources` are the addresses the target sees: the load balancer's own (its subnet) when
    it opens its own connection, None when the client's address is preserved.
    """

    listener: Listener
    balancer_subnet: str  # the load balancer node that opens the connection
    protocol: int
    target_ports: tuple[int, int]  # one port, or any when the target group's is unknown
    sources: IntervalSet | None
    hops: tuple[Hop, ...]
    passes: PacketSet  # what gets through every hop, in the target's coordinates
    certain: PacketSet  # what gets through them whatever the assumptions


@dataclass(frozen=True)
class Entry:
    """A way into a VPC, as the graph uses it: its node and its hop."""

    node: Node
    hop: Hop  # which client addresses arrive there, and why
    gateways: frozenset[str]  # route targets that send replies back through it
    vpc: str | None
    public: bool  # from the internet: only public addresses are delivered
    way: WayIn | None = None

    @classmethod
    def of(cls, way: WayIn) -> Entry:
        hop = Hop(way.owner, way.owner_type, way.role, way.senders, blocked=way.blocked)
        return cls(way.key, hop, way.gateways, way.vpc, way.public, way)

    def toward(self, subnet: Subnet) -> list[Hop]:
        """The senders that reach this subnet's addresses, when that depends on the subnet."""
        if self.way is None or self.way.toward is None or subnet.unknown:
            return []
        senders = self.way.toward(subnet_addresses(subnet))
        return [
            Hop(
                self.hop.address,
                self.hop.type,
                f"{self.hop.role} routes toward the subnet",
                senders,
                blocked=self.way.blocked,
            )
        ]
