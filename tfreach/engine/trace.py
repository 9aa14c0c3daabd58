"""The one walker: what gets through a path, hop by hop, and where a blocked one stops.

A `Trace` is one path with what it delivers: from an outside source (the internet, a VPN, a peer,
a transit gateway) to an endpoint, possibly through a load balancer; from one endpoint to
another; or from an endpoint out to the internet. Every question reads traces walked here:
`check` (what reaches each endpoint), `explain` (every path, blocked ones with their reason),
`query` and the intents (between endpoints: between.py assembles their ways from the same hops).

Packets are kept in the target's coordinates (protocol, port on the endpoint, remote address:
the client's, or out to the internet the destination's). Behind a load balancer the port becomes
the target port, and the target sees either the client's address (preserved) or the load
balancer's own: each hop carries a `Probe` that turns a trace's packets back into the
coordinates its rules were written in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tfreach.engine.graph import Forward, Graph, Node, balancer_node, endpoint_node, source_node
from tfreach.engine.hop import Hop
from tfreach.model.network import LoadBalancer, NetworkInterface
from tfreach.model.packets import EMPTY, PORTS, PROTOCOLS, IntervalSet, PacketSet, Span
from tfreach.model.protocols import describe
from tfreach.model.sources import Source

Endpoint = NetworkInterface | LoadBalancer
MAX_PATHS = 40  # explain shows at most this many paths per source and target


@dataclass(frozen=True)
class Probe:
    """Where a hop sees a trace's packets: on another port, or from other addresses."""

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
class Step:
    """A hop as a trace crosses it: the rules that admitted, or why it stopped the packets."""

    hop: Hop
    rule: str | None
    blocked: bool = False


@dataclass(frozen=True)
class Trace:
    """One path and what it delivers (`certain`: whatever the assumptions, by rules resting on none).

    `endpoint` is None out to the internet; `via` names a load balancer in front."""

    source: Source
    endpoint: Endpoint | None
    hops: tuple[Hop, ...]
    packets: PacketSet
    via: str | None = None
    probes: tuple[Probe, ...] = ()
    certain: PacketSet = EMPTY
    seen_as: IntervalSet | None = None  # through a managed edge: the addresses the endpoint sees

    def probe(self, index: int) -> Probe:
        return self.probes[index] if self.probes else SAME

    @property
    def resource_type(self) -> str:
        """What the trace reaches: its endpoint's type, or the internet."""
        return self.endpoint.resource_type if self.endpoint is not None else "internet"

    def blocked_at(self, packets: PacketSet) -> tuple[Hop, str] | None:
        """The first hop that stops `packets`, and why (None when some of them get through);
        for a trace with no load balancer in it, whose hops all see the trace's coordinates."""
        for hop in self.hops:
            if not packets & hop.passes:
                return hop, hop.why_blocked(packets)
            packets = packets & hop.passes
        return None

    def steps(self, packets: PacketSet) -> tuple[list[Step], PacketSet]:
        """Each hop crossed by `packets`: the rules that admit them, or, from the first hop that
        stops them, every hop that would (a private subnet and an internal load balancer both
        matter); and what gets through."""
        out: list[Step] = []
        for index, hop in enumerate(self.hops):
            passed = packets & hop.passes
            if not passed:
                out += [Step(h, h.why_blocked(packets), True) for h in self.hops[index:] if not packets & h.passes]
                return out, EMPTY
            admitting = [d.label for d in hop.decisions if d.allow and d.packets.intersects(passed)]
            out.append(Step(hop, "; ".join(dict.fromkeys(admitting)) or None))
            packets = passed
        return out, packets


# --- from outside: the graph, source -> gateway -> subnet -> endpoint (-> target) ---------------------


def from_outside(graph: Graph, source: Source) -> dict[tuple[str, str | None], list[Trace]]:
    """Every (endpoint, load balancer in front or None) some packet of `source` reaches, with its traces."""
    found: dict[tuple[str, str | None], list[Trace]] = {}
    balancers: list[Trace] = []
    for trace in _direct(graph, source):
        assert trace.endpoint is not None
        found.setdefault((trace.endpoint.id, trace.via), []).append(trace)
        if isinstance(trace.endpoint, LoadBalancer):
            balancers.append(trace)
    for front in balancers:
        for trace in _through(graph, front):
            assert trace.endpoint is not None
            found.setdefault((trace.endpoint.id, trace.via), []).append(trace)
    for traces in found.values():
        traces.sort(key=lambda t: tuple(h.address for h in t.hops))
    return found


def _direct(graph: Graph, source: Source) -> list[Trace]:
    """Endpoints and load balancers reached from the source over filtering edges."""
    start = source_node(source)
    if start not in graph:
        return []
    out: list[Trace] = []
    everything = PacketSet.box(PROTOCOLS, PORTS, source.addresses)
    # `via`: the managed edge (an accelerator, a CDN, an API) a path came through, if any, and
    # `seen`: the addresses the endpoint then sees instead of the clients' (None: the clients')
    stack: list[tuple[Node, tuple[Hop, ...], PacketSet, PacketSet, str | None, IntervalSet | None]] = [
        (start, (), everything, everything, None, None)
    ]
    while stack:
        node, hops, packets, certain, via, seen = stack.pop()
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
                out.append(Trace(source, endpoint, hops + edge["hops"], delivered, via, certain=surely, seen_as=seen))
            else:
                onward = (data.get("via", via), data.get("seen_as", seen))
                stack.append((successor, hops + edge["hops"], delivered, surely, *onward))
    return out


def _through(graph: Graph, front: Trace) -> list[Trace]:
    """What a reached load balancer delivers to each of its targets: the load balancer node in
    the subnet the client came through opens the connection."""
    out: list[Trace] = []
    assert front.endpoint is not None
    node = balancer_node(front.endpoint.id)
    entered = next((hop.address for hop in reversed(front.hops) if hop.role == "subnet"), None)
    admitted: dict[tuple[object, ...], PacketSet] = {}
    clients: dict[tuple[int, tuple[int, int]], IntervalSet] = {}
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
                forward.listener.ports,
                forward.target_ports,
            )
            if sameness in alike:
                continue
            alike.add(sameness)
            key = (forward.protocol, forward.listener.ports)
            if key not in clients:
                clients[key] = front.packets.restrict((key[0], key[0]), key[1]).addresses()
            trace = _forwarded(front, forward, interface, clients[key], admitted)
            if trace is not None:
                out.append(trace)
    return out


def _forwarded(
    front: Trace,
    forward: Forward,
    interface: NetworkInterface,
    clients: IntervalSet,
    admitted: dict[tuple[object, ...], PacketSet],
) -> Trace | None:
    """`clients` reached the listener; which of them does the target admit, on which port."""
    protocol, port, target_ports = forward.protocol, forward.listener.port, forward.target_ports
    if not clients:
        return None
    seen_from = _seen(front, forward, clients)
    key = (id(forward.passes), protocol, target_ports, seen_from)
    if key not in admitted:
        admitted[key] = PacketSet.box((protocol, protocol), target_ports, seen_from) & forward.passes
    passed = admitted[key]
    if not passed:
        return None
    # The trace speaks of the clients: those whose packets the target admits, or all of them
    # when the target only sees the load balancer.
    packets = passed if _preserved(front, forward) else _from_clients(passed, clients)
    seen = forward.sources if forward.sources is not None else front.seen_as
    probes = (Probe(port=port),) * len(front.hops) + (Probe(sources=seen),) * len(forward.hops)
    certain = _certainly_forwarded(front, forward)
    assert front.endpoint is not None
    return Trace(front.source, interface, front.hops + forward.hops, packets, front.endpoint.id, probes, certain)


def _certainly_forwarded(front: Trace, forward: Forward) -> PacketSet:
    """The clients that reach the target on this forward whatever the assumptions."""
    protocol, target_ports = forward.protocol, forward.target_ports
    clients = front.certain.restrict((protocol, protocol), forward.listener.ports).addresses()
    if not clients:
        return PacketSet()
    passed = PacketSet.box((protocol, protocol), target_ports, _seen(front, forward, clients)) & forward.certain
    return passed if _preserved(front, forward) else _from_clients(passed, clients)


def _preserved(front: Trace, forward: Forward) -> bool:
    """Does the target see the clients' own addresses?"""
    return forward.sources is None and front.seen_as is None


def _seen(front: Trace, forward: Forward, clients: IntervalSet) -> IntervalSet:
    """The addresses the target sees: the load balancer's own, else what reached it (the clients,
    or a managed edge's interfaces)."""
    if forward.sources is not None:
        return forward.sources
    return clients if front.seen_as is None else front.seen_as


def _from_clients(passed: PacketSet, clients: IntervalSet) -> PacketSet:
    """The protocols and ports the target admits, spoken of as the clients' (the target saw only
    the load balancer's addresses)."""
    out = PacketSet()
    for protocols, ports, _ in passed.boxes():
        out |= PacketSet.box(protocols, ports, clients)
    return out


# --- every path to one endpoint, blocked ones included (explain) ------------------------------------


@dataclass(frozen=True)
class Walked:
    """A trace of `explain`: the steps one probe takes along it, and what reaches the endpoint."""

    source: Source
    via: str | None
    steps: tuple[Step, ...]
    reached: PacketSet

    @property
    def blocked_at(self) -> Step | None:
        return next((s for s in self.steps if s.blocked), None)


def every_path(graph: Graph, source: Source, address: str, protocols: Span, ports: Span) -> list[Walked]:
    """Every structural path from `source` to the endpoint `address` (blocked edges included, at
    most MAX_PATHS each), and through each load balancer in front of it, walked by one probe."""
    probe = PacketSet.box(protocols, ports, source.addresses)
    out = []
    for target in (endpoint_node(address), balancer_node(address)):
        for hops, _, via in _paths(graph, source_node(source), target):
            steps, reached = Trace(source, None, hops, probe).steps(probe)
            out.append(Walked(source, via, tuple(steps), reached))
    target = endpoint_node(address)
    for node in [n for n in graph.predecessors(target) if n[0] == "load_balancer"] if target in graph else []:
        for forward in graph.edges[node, target]["forwards"]:
            for front, seen, _ in _paths(graph, source_node(source), node):
                out.append(_forwarded_walk(source, node[1], front, forward, protocols, ports, seen))
    return out


def _paths(
    graph: Graph, start: Node, target: Node, cutoff: int = 4
) -> Iterator[tuple[tuple[Hop, ...], IntervalSet | None, str | None]]:
    """Simple paths of at most `cutoff` edges, depth first in the order edges were added (blocked
    edges included), as the hops of their edges, with the addresses the endpoint sees when a
    managed edge stands between (None: the clients') and that edge; a load balancer's forwarding is
    not an edge."""
    if start not in graph or target not in graph:
        return
    count = 0
    Walk = tuple[Node, tuple[Node, ...], tuple[Hop, ...], IntervalSet | None, str | None]
    stack: list[Walk] = [(start, (start,), (), None, None)]
    while stack:
        node, seen, hops, seen_as, via = stack.pop()
        onward = []
        for successor in graph.successors(node):
            edge = graph.edges[node, successor]
            if successor in seen or "hops" not in edge:
                continue
            if successor == target:
                yield hops + edge["hops"], seen_as, via
                count += 1
                if count >= MAX_PATHS:
                    return
            elif len(seen) < cutoff:
                data = graph.nodes[successor]
                onward.append(
                    (
                        successor,
                        (*seen, successor),
                        hops + edge["hops"],
                        data.get("seen_as", seen_as),
                        data.get("via", via),
                    )
                )
        stack.extend(reversed(onward))


def _forwarded_walk(
    source: Source,
    balancer: str,
    front: tuple[Hop, ...],
    forward: Forward,
    protocols: Span,
    ports: Span,
    seen_as: IntervalSet | None = None,
) -> Walked:
    """Through the listener to the target: the target port must be the one asked about."""
    protocol, listener, targets = forward.protocol, forward.listener.ports, forward.target_ports
    low, high = max(ports[0], targets[0]), min(ports[1], targets[1])
    if not (protocols[0] <= protocol <= protocols[1] and low <= high):
        asked = describe(protocols, ports)
        listened = describe((protocol, protocol), listener)
        onto = f"port {targets[0]}" if targets[0] == targets[1] else f"ports {targets[0]}-{targets[1]}"
        reason = f"{forward.listener.id} forwards {listened} to {onto} only, not {asked}"
        return Walked(source, balancer, (Step(forward.hops[0], reason, blocked=True),), EMPTY)
    at_listener = PacketSet.box((protocol, protocol), listener, source.addresses)
    steps, reached = Trace(source, None, front, at_listener).steps(at_listener)
    if not reached:
        return Walked(source, balancer, tuple(steps), EMPTY)
    clients = reached.addresses()
    seen_from = forward.sources if forward.sources is not None else seen_as if seen_as is not None else clients
    at_target = PacketSet.box((protocol, protocol), (low, high), seen_from)
    back, delivered = Trace(source, None, forward.hops, at_target).steps(at_target)
    if not delivered:
        return Walked(source, balancer, tuple(steps + back), EMPTY)
    # Clients reach the target: all of them when it only sees the load balancer.
    clients = clients if forward.sources is not None or seen_as is not None else delivered.addresses()
    return Walked(source, balancer, tuple(steps + back), PacketSet.box((protocol, protocol), (low, high), clients))
