"""The whole pipeline for one plan: load -> model -> graph -> reach -> findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .findings import Finding, endpoint_findings
from .graph import build_graph
from .model import Network, Notice
from .parsers import build_network
from .plan.load import load_plan
from .reach import reachable_endpoints
from .sources import SOURCES, Source


@dataclass
class PlanResult:
    path: str
    format_version: str
    terraform_version: str | None
    network: Network
    findings: list[Finding] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the kinds of source analysed

    @property
    def warnings(self) -> list[Notice]:
        return self.network.notices

    @property
    def resources(self) -> int:
        return sum(self.network.modelled.values()) + sum(self.network.skipped.values())


def check_plan(path: str, sources: list[str] | None = None) -> PlanResult:
    """Analyse one plan file ("-" is stdin); InputError when it cannot be read as a plan.

    `sources`: the kinds of source to report (internet, vpn, peering, transit_gateway); all by default.
    """
    return check_document(load_plan(path), path, sources)


def check_document(document: dict[str, Any], path: str, sources: list[str] | None = None) -> PlanResult:
    network = build_network(document)
    result = PlanResult(path, document["format_version"], document.get("terraform_version"), network)
    chosen: list[Source] = [SOURCES[kind] for kind in sources or SOURCES]
    result.sources = [source.kind for source in chosen]
    graph = build_graph(network, chosen)
    for source in chosen:
        for paths in reachable_endpoints(graph, source).values():
            result.findings.extend(endpoint_findings(paths))
    for finding in result.findings:
        finding.input = path
    result.findings.sort(key=Finding.sort_key)
    return result
