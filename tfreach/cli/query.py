"""`tfreach query`: what reaches what, between endpoints or from an outside source."""

from __future__ import annotations

import json

import click

from tfreach import api, escape
from tfreach.cli import main
from tfreach.cli.common import Analysis, analysis_options, emit, guarded
from tfreach.model.protocols import protocol_span
from tfreach.questions.selectors import parse as parse_selector
from tfreach.questions.selectors import parse_target


@main.command(name="query")
@click.argument("path", metavar="PLAN.json|DIR")
@click.option(
    "--from",
    "source",
    required=True,
    help="A selector: tag:K=V, module.x, an address or glob, internet, vpn, peering, transit_gateway, a CIDR.",
)
@click.option("--to", "target", required=True, help="A selector of the plan's endpoints.")
@click.option("--port", type=click.IntRange(0, 65535), help="Only this port (ICMP: type).")
@click.option("--protocol", help="tcp, udp, icmp, icmpv6, all or a number. [default: tcp with --port, else all]")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@analysis_options
def query_command(
    path: str,
    source: str,
    target: str,
    port: int | None,
    protocol: str | None,
    output_format: str,
    analysis: Analysis,
) -> None:
    """What reaches what between any endpoints (inside a VPC, across peering and transit
    gateways) or from an outside source, hop by hop; and where each blocked path stops."""
    from tfreach.questions.query import render_json, render_text  # only a query needs them

    for check_selector, text, option in ((parse_selector, source, "--from"), (parse_target, target, "--to")):
        try:
            check_selector(text)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint=option) from None
    result, settings, redactor = analysis.analyse(path, None)
    try:
        protocol_span(protocol or ("tcp" if port is not None else "-1"))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--protocol") from None
    answers = guarded(lambda: api.query(result, source, target, protocol, port, settings))
    if output_format == "json":
        emit(json.dumps(render_json(answers), indent=2) + "\n", None, redactor)
    else:
        emit(escape.lines(render_text(answers)), None, redactor)
