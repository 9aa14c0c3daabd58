"""Reachable packet sets: walk the graph from a source, intersecting along every edge.

Packets are kept in the client's coordinates (protocol, port on the endpoint, client
address). Behind a load balancer the port becomes the target port, and the target sees
either the client's address (preserved) or the load balancer's own: each hop carries a
`Probe` that turns a finding's packets back into the coordinates its rules were written in.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfreach.engine.graph import Forward, Graph, Hop, Node, source_node
from tfreach.model.network import LoadBalancer, NetworkInterface
from tfreach.model.packets import EMPTY, PORTS, PROTOCOLS, IntervalSet, PacketSet
from tfreach.model.sources import Source

Endpoint = NetworkInterface | LoadBalancer


@dataclass(frozen=True)
class Probe:
    """Where a hop sees a finding's packets: on another port, or from other addresses."""

    port: int | None = None
    sources: IntervalSet | None = None

    def apply(self, packets: PacketSet) -> PacketSet:
        if self.port is None and self.sources is None:
            return packets
        out = PacketSet()
        for protocols, ports, addrs in packets.boxes():
            span = ports if self.port is None else (self.port, self.port)
            out = out | PacketSet.box(protocols, span, addrs if self.sources is None else self.sources)
        return out


SAME = Probe()


@dataclass(frozen=True)
class PathReach:
    """What one path delivers from a source to an endpoint (through `via`, a load balancer).

    `certain` is the part it delivers whatever the assumptions (rules that rest on none).
    """

    source: Source
    endpoint: Endpoint
    hops: tuple[Hop, ...]
    packets: PacketSet
    via: str | None = None
    probes: tuple[Probe, ...] = ()
    certain: PacketSet = EMPTY

    def probe(self, index: int) -> Probe:
        return self.probes[index] if self.probes else SAME


def reachable_endpoints(graph: Graph, source: Source) -> dict[tuple[str, str | None], list[PathReach]]:
    """Every (endpoint, load balancer in front or None) some packet of `source` reaches, with its paths."""
    found: dict[tuple[str, str | None], list[PathReach]] = {}
    balancers: list[PathReach] = []
    for reach in _direct(graph, source):
        found.setdefault((reach.endpoint.id, None), []).append(reach)
        if isinstance(reach.endpoint, LoadBalancer):
            balancers.append(reach)
    for front in balancers:
        for reach in _through(graph, front):
            found.setdefault((reach.endpoint.id, reach.via), []).append(reach)
    for paths in found.values():
        paths.sort(key=lambda p: tuple(h.address for h in p.hops))
    return found


def _direct(graph: Graph, source: Source) -> list[PathReach]:
    """Endpoints and load balancers reached from the source over filtering edges."""
    start = source_node(source)
    if start not in graph:
        return []
    out: list[PathReach] = []
    everything = PacketSet.box(PROTOCOLS, PORTS, source.addresses)
    stack: list[tuple[Node, tuple[Hop, ...], PacketSet, PacketSet]] = [(start, (), everything, everything)]
    while stack:
        node, hops, packets, certain = stack.pop()
        for successor in graph.successors(node):
            edge = graph.edges[node, successor]
            if "passes" not in edge:
                continue  # a load balancer's forwarding: followed by _through
            delivered = packets & edge["passes"]
            if not delivered:
                continue
            surely = certain & edge["certain"]
            data = graph.nodes[successor]
            if data.get("kind") in ("endpoint", "load_balancer"):
                endpoint = data.get("interface") or data["endpoint"]
                out.append(PathReach(source, endpoint, hops + edge["hops"], delivered, certain=surely))
            else:
                stack.append((successor, hops + edge["hops"], delivered, surely))
    return out


def _through(graph: Graph, front: PathReach) -> list[PathReach]:
    """What a reached load balancer delivers to each of its targets.

    The load balancer node in the subnet the client came through opens the connection.
    """
    out: list[PathReach] = []
    node = ("load_balancer", front.endpoint.id)
    entered = next((hop.address for hop in reversed(front.hops) if hop.role == "subnet"), None)
    admitted: dict[tuple[object, ...], PacketSet] = {}
    clients: dict[tuple[int, int], IntervalSet] = {}
    for target in graph.successors(node):
        interface = graph.nodes[target]["interface"]
        # Forwards that pass the same packets the same way are one path for the findings:
        # keep the first (a target in several candidate subnets usually meets the same rules).
        alike: set[tuple[object, ...]] = set()
        for forward in graph.edges[node, target]["forwards"]:
            if forward.balancer_subnet != entered:
                continue
            sameness = (
                id(forward.passes),
                forward.sources,
                forward.protocol,
                forward.listener.port,
                forward.target_port,
            )
            if sameness in alike:
                continue
            alike.add(sameness)
            key = (forward.protocol, forward.listener.port)
            if key not in clients:
                clients[key] = front.packets.restrict((key[0], key[0]), (key[1], key[1])).addresses()
            reach = _forwarded(front, forward, interface, clients[key], admitted)
            if reach is not None:
                out.append(reach)
    return out


def _forwarded(
    front: PathReach,
    forward: Forward,
    interface: NetworkInterface,
    clients: IntervalSet,
    admitted: dict[tuple[object, ...], PacketSet],
) -> PathReach | None:
    """`clients` reached the listener; which of them does the target admit, on which port."""
    protocol, port, target_port = forward.protocol, forward.listener.port, forward.target_port
    if not clients:
        return None
    seen_from = clients if forward.sources is None else forward.sources
    key = (id(forward.passes), protocol, target_port, seen_from)
    if key not in admitted:
        admitted[key] = PacketSet.box((protocol, protocol), (target_port, target_port), seen_from) & forward.passes
    passed = admitted[key]
    if not passed:
        return None
    # The finding speaks of the clients: those whose packets the target admits, or all of them
    # when the target only sees the load balancer.
    reached = passed.addresses() if forward.sources is None else clients
    packets = PacketSet.box((protocol, protocol), (target_port, target_port), reached)
    probes = (Probe(port=port),) * len(front.hops) + (Probe(sources=forward.sources),) * len(forward.hops)
    certain = _certainly_forwarded(front, forward)
    return PathReach(front.source, interface, front.hops + forward.hops, packets, front.endpoint.id, probes, certain)


def _certainly_forwarded(front: PathReach, forward: Forward) -> PacketSet:
    """The clients that reach the target on this forward whatever the assumptions."""
    protocol, target_port = forward.protocol, forward.target_port
    clients = front.certain.restrict((protocol, protocol), (forward.listener.port, forward.listener.port)).addresses()
    if not clients:
        return PacketSet()
    seen_from = clients if forward.sources is None else forward.sources
    passed = PacketSet.box((protocol, protocol), (target_port, target_port), seen_from) & forward.certain
    reached = passed.addresses() if forward.sources is None else (clients if passed else IntervalSet())
    return PacketSet.box((protocol, protocol), (target_port, target_port), reached)
