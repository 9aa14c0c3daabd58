"""`tfreach explain`: every path to one endpoint, and where and why each blocked one stops."""

from __future__ import annotations

import click

from tfreach import api, escape
from tfreach.cli import main
from tfreach.cli.common import EXIT_INPUT, Analysis, analysis_options, emit, exit_with, guarded, source_kinds
from tfreach.model.packets import PORTS
from tfreach.model.protocols import protocol_span
from tfreach.questions.explain import render


@main.command(name="explain")
@click.argument("path", metavar="PLAN.json|DIR")
@click.argument("address")
@click.option("--port", type=click.IntRange(0, 65535), help="Only this port (ICMP: type).")
@click.option("--protocol", help="tcp, udp, icmp, icmpv6, all or a number. [default: tcp with --port, else all]")
@click.option("--source", "sources", callback=source_kinds, help="Comma-separated kinds of source. [default: all]")
@analysis_options
def explain_command(
    path: str,
    address: str,
    port: int | None,
    protocol: str | None,
    sources: list[str] | None,
    analysis: Analysis,
) -> None:
    """Every path to one endpoint, hop by hop, and where and why each blocked path stops."""
    result, settings, redactor = analysis.analyse(path, sources)
    network = result.network
    if address not in network.interfaces and address not in network.load_balancers:
        known = sorted([*network.interfaces, *network.load_balancers])
        close = [k for k in known if address.split(".")[-1].split("[")[0] in k][:5] or known[:5]
        exit_with(EXIT_INPUT, f"{address} is not an endpoint of {path} (endpoints include: {', '.join(close)})")
    try:
        protocols = protocol_span(protocol or ("tcp" if port is not None else "-1"))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--protocol") from None
    ports = (port, port) if port is not None else PORTS
    traces = guarded(lambda: api.explain(result, address, protocol, port, settings))
    emit(escape.lines(render(address, traces, protocols, ports)), None, redactor)
