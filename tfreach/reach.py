"""Reachable packet sets: walk the graph from a source, intersecting along every edge."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from .filters import Decision
from .graph import Hop, Node, source_node
from .model import NetworkInterface
from .packets import PORTS, PROTOCOLS, PacketSet
from .sources import Source


@dataclass(frozen=True)
class PathReach:
    """What one path delivers from a source to an endpoint."""

    source: Source
    endpoint: NetworkInterface
    hops: tuple[Hop, ...]
    packets: PacketSet

    @cached_property
    def admitting(self) -> tuple[tuple[Decision, ...], ...]:
        """Per hop, the allow decisions that admitted some of what this path delivers."""
        return tuple(hop.admitting(self.packets) for hop in self.hops)


def reachable_endpoints(graph: nx.DiGraph, source: Source) -> dict[str, list[PathReach]]:
    """Every endpoint some packet of `source` reaches, with each path that delivers."""
    start = source_node(source)
    found: dict[str, list[PathReach]] = {}
    if start not in graph:
        return found
    stack: list[tuple[Node, tuple[Hop, ...], PacketSet]] = [
        (start, (), PacketSet.box(PROTOCOLS, PORTS, source.addresses))
    ]
    while stack:
        node, hops, packets = stack.pop()
        for successor in graph.successors(node):
            edge = graph.edges[node, successor]
            delivered = packets & edge["passes"]
            if not delivered:
                continue
            path = hops + edge["hops"]
            data = graph.nodes[successor]
            if data.get("kind") == "endpoint":
                interface = data["interface"]
                found.setdefault(interface.id, []).append(PathReach(source, interface, path, delivered))
            else:
                stack.append((successor, path, delivered))
    for paths in found.values():
        paths.sort(key=lambda p: tuple(h.address for h in p.hops))
    return found
