"""The command line: a thin layer over `check.check_plan` and the report formatters.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or input
error, 3 internal error (a bug: please report it with the plan's shape).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from . import __version__
from .catalogue import Severity
from .check import PlanResult, check_plan
from .errors import InputError
from .reports import ReportOptions, failing, formatters
from .sources import SOURCES

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
FAIL_ON_CHOICES = [s.label for s in sorted(Severity, reverse=True)] + ["never"]
DEFAULT_FAIL_ON = "high"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfreach")
def main() -> None:
    """Which ports of an AWS Terraform plan become reachable from the internet, and how."""


def _source_kinds(context: click.Context, parameter: click.Parameter, value: str) -> list[str]:
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in SOURCES]
    if unknown or not kinds:
        raise click.BadParameter(f"{', '.join(unknown) or 'nothing'}: choose from {', '.join(SOURCES)}")
    return kinds


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PLAN.json...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(formatters())),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE instead of stdout."
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default=DEFAULT_FAIL_ON,
    show_default=True,
    help="Exit 1 when a finding has this severity or a higher one ('never': always exit 0).",
)
@click.option(
    "--source",
    "sources",
    callback=_source_kinds,
    default=",".join(SOURCES),
    show_default=True,
    help="Comma-separated kinds of source to report: internet, vpn, peering, transit_gateway.",
)
def check(paths: tuple[str, ...], output_format: str, output: str | None, fail_on: str, sources: list[str]) -> None:
    """Analyse `terraform show -json` plans (or '-' for stdin)."""
    results = [_checked(path, sources) for path in paths]
    options = ReportOptions(None if fail_on == "never" else Severity[fail_on.upper()])
    text = formatters()[output_format](results, options)
    if output:
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            _exit(EXIT_INPUT, f"{output}: cannot write the report ({error.strerror})")
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_FINDINGS if failing(results, options) else EXIT_OK)


def _checked(path: str, sources: list[str]) -> PlanResult:
    try:
        return check_plan(path, sources)
    except InputError as error:
        _exit(EXIT_INPUT, str(error))
    except Exception as error:  # a bug must not look like a traceback in a CI log
        if os.environ.get("TFREACH_DEBUG"):
            raise
        _exit(
            EXIT_INTERNAL,
            f"{path}: internal error ({type(error).__name__}: {error}); rerun with TFREACH_DEBUG=1 and report it",
        )


def _exit(code: int, message: str) -> NoReturn:
    click.echo(f"tfreach: error: {message}", err=True)
    sys.exit(code)
