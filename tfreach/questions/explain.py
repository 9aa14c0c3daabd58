"""`tfreach explain`: for one endpoint, every path considered, hop by hop.

A reachable path shows the rule that admitted the traffic at each hop; a blocked one stops
at the hop that blocked it, with the reason (the deciding deny rule or the missing piece).
Paths through load balancers are followed to their targets. The paths are those of `check`'s
graph, walked by the same walker (engine/trace.py), blocked edges included.
"""

from __future__ import annotations

from tfreach.aws.acl import EPHEMERAL_PORTS
from tfreach.engine import client_vpn
from tfreach.engine.between import InternalPaths
from tfreach.engine.build import build_graph
from tfreach.engine.classes import endpoint_classes
from tfreach.engine.trace import Walked, every_path
from tfreach.findings.evidence import source_cidrs
from tfreach.model.network import Network
from tfreach.model.packets import PORTS, PacketSet, Span
from tfreach.model.protocols import ALL, describe
from tfreach.model.sources import CLIENT_VPN, SOURCES, Source


def explain(
    network: Network,
    address: str,
    protocols: Span = ALL,
    ports: Span = PORTS,
    kinds: tuple[str, ...] = tuple(SOURCES),
    ephemeral: Span = EPHEMERAL_PORTS,
) -> list[Walked]:
    """Every path from each kind of source to the endpoint `address`, evaluated for the probe."""
    sources = [SOURCES[kind] for kind in kinds]
    classes = endpoint_classes(network, alone=frozenset({address}))
    graph = build_graph(network, sources, ephemeral, classes)
    walked = [trace for source in sources for trace in every_path(graph, source, address, protocols, ports)]
    if CLIENT_VPN.kind in kinds and network.client_vpns:  # users arrive inside the VPC: paths between endpoints
        walked += client_vpn.walked(InternalPaths(network, classes, ephemeral), address, protocols, ports)
    return _distinct(walked)


def _distinct(traces: list[Walked]) -> list[Walked]:
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


def render(address: str, traces: list[Walked], protocols: Span, ports: Span) -> str:
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
