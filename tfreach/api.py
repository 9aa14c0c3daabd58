"""tfreach as a library: the analyses the command line runs, for programs and tests.

    from tfreach import api

    result = api.analyse("plan.json")                # a plan JSON file, "-", or a folder of .tf files
    for finding in result.findings:
        print(finding.severity.label, finding.resource, finding.title)
    for path in api.explain(result, "aws_instance.web", port=22):
        print(path.source.label, "blocked" if path.blocked_at else "reachable")
    for answer in api.query(result, "internet", "tag:tier=db", port=5432):
        print(answer.target, answer.passes)

Every function reads the network the analysis built (sources beside the plan, variables), so a
program gets the answers `tfreach check`, `explain` and `query` print. InputError for an input
that cannot be read (one line: the file and the problem).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tfreach import progress
from tfreach.engine.build import GraphBuilder, build_graph
from tfreach.engine.classes import endpoint_classes
from tfreach.engine.trace import Walked
from tfreach.model.packets import ALL_ADDRESSES, PORTS, PacketSet, Span
from tfreach.model.protocols import protocol_span
from tfreach.model.sources import SOURCES
from tfreach.questions import explain as explaining
from tfreach.questions import query as querying
from tfreach.questions.check import PlanResult, Settings, Variables, check_plan, check_sources, reached_from_outside

__all__ = ["PlanResult", "Settings", "Variables", "analyse", "explain", "graph", "query"]


def analyse(path: str | Path, settings: Settings | None = None, variables: Variables | None = None) -> PlanResult:
    """What `tfreach check` reports on one input: a plan (or state) JSON file, "-" for stdin, or a
    folder of Terraform sources read without a plan."""
    with progress.showing(str(path)):
        if str(path) != "-" and Path(path).is_dir():
            return check_sources(Path(path), settings, variables)
        return check_plan(str(path), settings)


def explain(
    result: PlanResult,
    address: str,
    protocol: str | int | None = None,
    port: int | None = None,
    settings: Settings | None = None,
) -> list[Walked]:
    """Every path to one endpoint, blocked ones with where and why they stop (ValueError for a
    protocol that is not one)."""
    settings = settings or Settings()
    protocols, ports = _probe(protocol, port)
    kinds = tuple(k for k in settings.sources if k in SOURCES)
    return explaining.explain(result.network, address, protocols, ports, kinds, settings.ephemeral_ports)


def query(
    result: PlanResult,
    source: str,
    target: str,
    protocol: str | int | None = None,
    port: int | None = None,
    settings: Settings | None = None,
) -> list[querying.Answer]:
    """What of the probe gets from `source` to `target` (selectors: an address or glob, tag:K=V,
    module.x, a CIDR, or an outside source such as internet), and how."""
    settings = settings or Settings()
    protocols, ports = _probe(protocol, port)
    network = result.network
    classes = endpoint_classes(network)
    reached = reached_from_outside(GraphBuilder(network, settings.ephemeral_ports, classes), settings)
    probe = PacketSet.box(protocols, ports, ALL_ADDRESSES)
    return querying.query(network, classes, reached, source, target, probe, settings.ephemeral_ports)


def graph(result: PlanResult, settings: Settings | None = None) -> Any:
    """The network as a networkx.DiGraph: sources, gateways, subnets and endpoints, hops on edges."""
    settings = settings or Settings()
    sources = [SOURCES[kind] for kind in settings.sources]
    return build_graph(result.network, sources, settings.ephemeral_ports).to_networkx()


def _probe(protocol: str | int | None, port: int | None) -> tuple[Span, Span]:
    protocols = protocol_span(protocol if protocol is not None else ("tcp" if port is not None else "-1"))
    return protocols, (port, port) if port is not None else PORTS
