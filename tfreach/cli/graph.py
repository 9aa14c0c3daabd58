"""`tfreach graph`: the network as a diagram, with the exposed paths highlighted."""

from __future__ import annotations

import click

from tfreach.cli import main
from tfreach.cli.common import Analysis, analysis_options, emit, source_kinds
from tfreach.engine.build import build_graph
from tfreach.model.sources import SOURCES
from tfreach.reports.diagram import diagram, dot, mermaid


@main.command(name="graph")
@click.argument("path", metavar="PLAN.json|DIR")
@click.option("--format", "output_format", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the diagram to FILE instead of stdout.")
@click.option("--source", "sources", callback=source_kinds, help="Comma-separated kinds of source. [default: all]")
@analysis_options
def graph_command(
    path: str,
    output_format: str,
    output: str | None,
    sources: list[str] | None,
    analysis: Analysis,
) -> None:
    """The network as a diagram, with the exposed paths highlighted."""
    result, settings, redactor = analysis.analyse(path, sources)
    network = result.network
    graph = build_graph(network, [SOURCES[kind] for kind in settings.sources], settings.ephemeral_ports).to_networkx()
    picture = diagram(network, graph)
    emit(mermaid(picture) if output_format == "mermaid" else dot(picture), output, redactor)
