"""`tfreach explain`: for one endpoint, every path considered, hop by hop.

A reachable path shows the rule that admitted the traffic at each hop; a blocked one stops
at the hop that blocked it, with the reason (the deciding deny rule or the missing piece).
Paths through load balancers are followed to their targets.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from networkx import DiGraph

from tfreach.aws.filters import EPHEMERAL_PORTS
from tfreach.engine.classes import endpoint_classes
from tfreach.engine.graph import Forward, Hop, Node, build_graph, endpoint_node, source_node
from tfreach.findings.findings import source_cidrs
from tfreach.model.network import Network
from tfreach.model.packets import PORTS, PacketSet, Span
from tfreach.model.protocols import ALL, describe
from tfreach.model.sources import SOURCES, Source

MAX_PATHS = 40


@dataclass
class Step:
    hop: Hop
    rule: str | None  # the admitting rules, or why the hop blocked
    blocked: bool = False


@dataclass
class Trace:
    source: Source
    via: str | None
    steps: list[Step] = field(default_factory=list)
    reached: PacketSet = field(default_factory=PacketSet)

    @property
    def blocked_at(self) -> Step | None:
        return next((s for s in self.steps if s.blocked), None)


def explain(
    network: Network,
    address: str,
    protocols: Span = ALL,
    ports: Span = PORTS,
    kinds: tuple[str, ...] = tuple(SOURCES),
    ephemeral: Span = EPHEMERAL_PORTS,
) -> list[Trace]:
    """Every path from each kind of source to the endpoint `address`, evaluated for the probe."""
    sources = [SOURCES[kind] for kind in kinds]
    graph = build_graph(
        network, sources, ephemeral, endpoint_classes(network, alone=frozenset({address}))
    ).to_networkx()
    traces: list[Trace] = []
    for source in sources:
        probe = PacketSet.box(protocols, ports, source.addresses)
        for target in (endpoint_node(address), ("load_balancer", address)):
            for hops in _paths(graph, source_node(source), target):
                traces.append(_walk(Trace(source, None), hops, probe))
        traces += _through_balancers(graph, source, address, protocols, ports)
    return _distinct(traces)


def _distinct(traces: list[Trace]) -> list[Trace]:
    """Load balancer subnets and candidate target subnets often give the same story twice."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for trace in traces:
        story = (
            trace.source.kind,
            trace.via,
            tuple((s.hop.role, s.hop.address, s.rule, s.blocked) for s in trace.steps),
        )
        if story not in seen:
            seen.add(story)
            out.append(trace)
    return out


def _paths(graph: DiGraph, start: Node, target: Node) -> Iterator[tuple[Hop, ...]]:
    """Structural paths (blocked edges included), as the hops of their edges."""
    if start not in graph or target not in graph:
        return
    import networkx as nx  # imported by explain only: a check never pays for it

    count = 0
    for nodes in nx.all_simple_paths(graph, start, target, cutoff=4):
        edges = [graph.edges[a, b] for a, b in itertools.pairwise(nodes)]
        if any("hops" not in edge for edge in edges):
            continue  # a load balancer's forwarding: followed separately
        yield tuple(hop for edge in edges for hop in edge["hops"])
        count += 1
        if count >= MAX_PATHS:
            return


def _walk(trace: Trace, hops: tuple[Hop, ...], packets: PacketSet) -> Trace:
    for index, hop in enumerate(hops):
        passed = packets & hop.passes
        if not passed:
            trace.steps.append(Step(hop, hop.why_blocked(packets), blocked=True))
            # What else on the path would stop it: "private subnet" and "internal" both matter.
            trace.steps += [
                Step(h, h.why_blocked(packets), blocked=True) for h in hops[index + 1 :] if not packets & h.passes
            ]
            return trace
        admitting = [d.label for d in hop.decisions if d.allow and d.packets.intersects(passed)]
        trace.steps.append(Step(hop, "; ".join(dict.fromkeys(admitting)) or None))
        packets = passed
    trace.reached = packets
    return trace


def _through_balancers(graph: DiGraph, source: Source, address: str, protocols: Span, ports: Span) -> list[Trace]:
    traces = []
    target = endpoint_node(address)
    for balancer_node in [n for n in graph.predecessors(target) if n[0] == "load_balancer"] if target in graph else []:
        for forward in graph.edges[balancer_node, target]["forwards"]:
            for front in _paths(graph, source_node(source), balancer_node):
                traces.append(_forwarded(source, balancer_node[1], front, forward, protocols, ports))
    return traces


def _forwarded(
    source: Source, balancer: str, front: tuple[Hop, ...], forward: Forward, protocols: Span, ports: Span
) -> Trace:
    """Through the listener to the target: the target port must be the one asked about."""
    trace = Trace(source, balancer)
    protocol, listener, target_port = forward.protocol, forward.listener.port, forward.target_port
    if not (protocols[0] <= protocol <= protocols[1] and ports[0] <= target_port <= ports[1]):
        asked = describe(protocols, ports)
        listened = describe((protocol, protocol), (listener, listener))
        reason = f"{forward.listener.id} forwards {listened} to port {target_port} only, not {asked}"
        trace.steps.append(Step(forward.hops[0], reason, blocked=True))
        return trace
    _walk(trace, front, PacketSet.box((protocol, protocol), (listener, listener), source.addresses))
    if trace.blocked_at is not None:
        return trace
    clients = trace.reached.addresses()
    seen_from = clients if forward.sources is None else forward.sources
    at_target = PacketSet.box((protocol, protocol), (target_port, target_port), seen_from)
    back = _walk(Trace(source, balancer), forward.hops, at_target)
    trace.steps += back.steps
    trace.reached = PacketSet()
    if back.blocked_at is None:
        # Clients reach the target: all of them when it only sees the load balancer.
        reached = clients if forward.sources is not None else back.reached.addresses()
        trace.reached = PacketSet.box((protocol, protocol), (target_port, target_port), reached)
    return trace


def render(address: str, traces: list[Trace], protocols: Span, ports: Span) -> str:
    asked = "all traffic" if protocols == ALL and ports == PORTS else describe(protocols, ports)
    lines = [f"{address}: {asked}"]
    if not traces:
        lines.append("  no path leads there: no gateway delivers into its subnets (or it is not attached)")
    for number, trace in enumerate(traces, 1):
        via = f" through {trace.via}" if trace.via else ""
        stop = trace.blocked_at
        if stop is None:
            verdict = f"REACHABLE ({_summary(trace.source, trace.reached)})"
        else:
            verdict = f"BLOCKED at {stop.hop.role} ({stop.hop.address})"
        lines.append(f"  path {number} from {trace.source.label}{via}: {verdict}")
        for step in trace.steps:
            mark = "x" if step.blocked else "-"
            lines.append(f"    {mark} {step.hop.role}: {step.hop.address}")
            if step.rule:
                lines.append(f"        {'because ' if step.blocked else ''}{step.rule}")
    return "\n".join(lines) + "\n"


def _summary(source: Source, packets: PacketSet) -> str:
    parts = []
    for protocols, ports, addrs in packets.boxes():
        cidrs = source_cidrs(source, addrs)
        parts.append(f"{describe(protocols, ports)} from {', '.join(cidrs[:2])}{' ...' if len(cidrs) > 2 else ''}")
    return "; ".join(parts[:4]) + ("; ..." if len(parts) > 4 else "")
