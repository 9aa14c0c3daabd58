"""The command line: a thin layer over `check.check_plan`, suppressions and the report formatters.

Exit codes: 0 nothing counted at or above --fail-on, 1 findings at or above it, 2 usage or
input error (plan, config or baseline file), 3 internal error (a bug: please report it).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NoReturn, TextIO, TypeVar

import click

from tfreach import __version__, escape, progress
from tfreach.aws.acl import EPHEMERAL_PORTS
from tfreach.engine.build import GraphBuilder, build_graph
from tfreach.errors import InputError, NotAPlan
from tfreach.findings.catalogue import DEFAULT_CATALOGUE, Severity
from tfreach.findings.config import CONFIG_NAME, Config, find_config, load_config
from tfreach.findings.suppress import apply_suppressions, read_baseline, write_baseline
from tfreach.model.network import Network
from tfreach.model.packets import ALL_ADDRESSES, PORTS, PacketSet
from tfreach.model.protocols import protocol_span
from tfreach.model.sources import SOURCES
from tfreach.questions.check import PlanResult, Settings, Variables, check_plan, check_sources
from tfreach.questions.explain import explain, render
from tfreach.questions.selectors import parse as parse_selector
from tfreach.questions.selectors import parse_target
from tfreach.redact import Redactor
from tfreach.reports import ReportOptions, failing, formatters
from tfreach.reports.diagram import diagram, dot, mermaid
from tfreach.reports.table import TABLE_STYLES

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
FAIL_ON_CHOICES = [s.label for s in sorted(Severity, reverse=True)] + ["never"]
DEFAULT_FAIL_ON = "high"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfreach")
def main() -> None:
    """Which ports of an AWS Terraform plan become reachable from outside, and how."""


def run() -> NoReturn:
    """The `tfreach` command: `main`, then exit without freeing the analysis object by object.

    A large plan leaves millions of small objects; tearing them down took longer than writing
    the report (1.2 s at 5,000 resources). The caught exit keeps them referenced, the report is
    already written and flushed, so the process can end at once.
    """
    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    except Exception as error:  # a bug outside the guarded steps: never a traceback, never exit 1
        if os.environ.get("TFREACH_DEBUG"):
            traceback.print_exc()
        else:
            print(f"tfreach: error: {escape.line(_internal(error))}", file=sys.stderr)
        code = EXIT_INTERNAL
    if isinstance(code, str):
        print(escape.line(code), file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a reader that went away (`| head`) wants no more
            stream.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


def _source_kinds(context: click.Context, parameter: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in SOURCES]
    if unknown or not kinds:
        raise click.BadParameter(f"{', '.join(unknown) or 'nothing'}: choose from {', '.join(SOURCES)}")
    return kinds


def _analysis_options(command: Callable[..., None]) -> Callable[..., None]:
    """What decides the network, shared by check, explain and graph so that they agree."""
    options = [
        click.option(
            "--config",
            "config_path",
            type=click.Path(dir_okay=False),
            help=f"Settings file. [default: the nearest {CONFIG_NAME}]",
        ),
        click.option(
            "--tf-root",
            type=click.Path(file_okay=False, exists=True),
            help="Terraform sources, for exact links, file and line locations. "
            "[default: the plan's folder when it holds .tf files]",
        ),
        click.option(
            "--var",
            "assignments",
            multiple=True,
            metavar="NAME=VALUE",
            help="Sources only: a value for a root variable, as terraform plan -var.",
        ),
        click.option(
            "--var-file",
            "var_files",
            multiple=True,
            type=click.Path(dir_okay=False, exists=True),
            help="Sources only: a .tfvars file, as terraform plan -var-file.",
        ),
    ]

    @functools.wraps(command)
    def collapsed(
        config_path: str | None,
        tf_root: str | None,
        assignments: tuple[str, ...],
        var_files: tuple[str, ...],
        **rest: Any,
    ) -> None:
        config = _guarded(lambda: _config(config_path))
        command(analysis=_Analysis(config, tf_root, Variables(var_files, assignments)), **rest)

    for option in reversed(options):
        collapsed = option(collapsed)
    return collapsed


@dataclass(frozen=True)
class _Analysis:
    """The shared options, read: the settings file, the sources' folder, root variable values."""

    config: Config
    tf_root: str | None
    variables: Variables

    def settings(self, sources: list[str] | None) -> Settings:
        return Settings(
            sources=tuple(sources or self.config.sources or SOURCES),
            ephemeral_ports=self.config.ephemeral_ports or EPHEMERAL_PORTS,
            catalogue=DEFAULT_CATALOGUE.extended(self.config.recognized_ports),
            tf_root=Path(self.tf_root) if self.tf_root else None,
            intents=self.config.intents,
        )

    def network(self, path: str, sources: list[str] | None) -> tuple[Network, Settings, Redactor]:
        """The planned network exactly as `check` builds it (sources beside the plan, --tf-root,
        variables), so that explain and graph never tell another story; and what they must not print."""
        settings = self.settings(sources)
        result = _guarded(lambda: _check_one(path, settings, self.variables))
        return result.network, settings, Redactor(result.secrets)


def _formats(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """`--format NAME` or `--format NAME=FILE`, repeatable."""
    out: list[tuple[str, str | None]] = []
    for value in values or ("table",):
        name, _, target = value.partition("=")
        if name not in formatters():
            raise click.BadParameter(f"{name!r} is not one of {', '.join(sorted(formatters()))}")
        out.append((name, target or None))
    return out


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PLAN.json|DIR|FILE.tf...")
@click.option(
    "--format",
    "output_formats",
    multiple=True,
    callback=_formats,
    metavar="FORMAT[=FILE]",
    help=f"Output format ({', '.join(sorted(formatters()))}); repeat it for several reports of one analysis, "
    "each FORMAT=FILE written to its file. [default: table]",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option("-q", "--quiet", is_flag=True, help="Nothing on stdout (reports to files are still written).")
@click.option(
    "--table-style",
    type=click.Choice(TABLE_STYLES),
    default="simple",
    show_default=True,
    help="Layout of --format table (tabulate's table formats).",
)
@click.option(
    "--color",
    "colour",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Severities in colour in the table: auto = on a terminal, unless NO_COLOR is set.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    help=f"Exit 1 on a counted finding of this severity or higher ('never': always 0). [default: {DEFAULT_FAIL_ON}]",
)
@click.option(
    "--source",
    "sources",
    callback=_source_kinds,
    help=f"Comma-separated kinds of source to analyse. [default: {','.join(SOURCES)}]",
)
@click.option(
    "--new-only/--all-findings", "new_only", default=None, help="Only findings this plan opens count for the exit code."
)
@click.option(
    "--fail-on-possible/--certain-only",
    "fail_on_possible",
    default=None,
    help="Findings that rest on an assumption count for the exit code (the gate fails closed), "
    "or only certain ones do. [default: --fail-on-possible]",
)
@click.option(
    "--baseline", "baseline_path", type=click.Path(dir_okay=False), help="Accept the findings listed in this file."
)
@click.option(
    "--write-baseline",
    "write_baseline_path",
    type=click.Path(dir_okay=False),
    help="Record every current finding in this file.",
)
@_analysis_options
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 2 when anything had to be assumed (a value not resolved, a rule not read): see the warnings.",
)
@click.option(
    "--only-plans",
    is_flag=True,
    help="Skip JSON files that are not Terraform plans or states (said on stderr) instead of failing: "
    "for hooks that pass every file whose name looks like a plan.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(0, 256),
    default=1,
    show_default=True,
    help="Analyse this many inputs at once, in separate processes (0: one per CPU).",
)
def check(
    paths: tuple[str, ...],
    output_formats: list[tuple[str, str | None]],
    output: str | None,
    quiet: bool,
    table_style: str,
    colour: str,
    fail_on: str | None,
    sources: list[str] | None,
    new_only: bool | None,
    fail_on_possible: bool | None,
    baseline_path: str | None,
    write_baseline_path: str | None,
    strict: bool,
    only_plans: bool,
    jobs: int,
    analysis: _Analysis,
) -> None:
    """Analyse `terraform show -json` plans or states ('-' for stdin), or Terraform sources.

    A folder, or .tf files (their folders), is read directly without a plan: see the README
    for what only a plan can tell.
    """
    config, settings = analysis.config, analysis.settings(sources)
    given = inputs(paths)
    reports = _report_targets(output_formats, output, quiet, given)
    # A short-lived process that builds millions of small acyclic objects: the cycle
    # collector only costs time here (14% at 1,000 resources), never memory.
    gc.disable()
    work = [partial(_check_one, path, settings, analysis.variables) for path in given]
    attempt = partial(_attempt, only_plans=only_plans)
    outcomes = _in_parallel(work, jobs, attempt) if jobs != 1 and len(work) > 1 else [attempt(w) for w in work]
    if only_plans:
        outcomes = [o for o in outcomes if not isinstance(o, NotAPlan)]
    results = [o for o in outcomes if isinstance(o, PlanResult)]
    unreadable = len(outcomes) - len(results)
    if not results:
        sys.exit(EXIT_INPUT if unreadable or not only_plans else EXIT_OK)
    baseline = _guarded(lambda: read_baseline(baseline_path)) if baseline_path else None
    notices = apply_suppressions(results, config, baseline)
    level = fail_on or config.fail_on or DEFAULT_FAIL_ON
    redactor = Redactor(secret for result in results for secret in result.secrets)
    options = ReportOptions(
        None if level == "never" else Severity[level.upper()],
        bool(_first(new_only, config.new_only)),
        tuple(notices),
        _first(fail_on_possible, config.fail_on_possible, True) is not False,
        _in_colour(colour, reports),
        table_style,
        redactor.text,
    )
    if write_baseline_path:
        _guarded(lambda: write_baseline(write_baseline_path, results))
    for name, target in reports:
        _guarded(partial(_write, partial(formatters()[name], results, options), target, redactor))
    if unreadable:
        _exit(EXIT_INPUT, f"{unreadable} of {len(outcomes)} inputs could not be read (said above): the gate fails")
    warnings = sum(len(r.warnings) for r in results) + len(notices)
    if strict and warnings:
        plural = "s" if warnings != 1 else ""
        _exit(EXIT_INPUT, f"--strict: {warnings} warning{plural}: something could not be read or resolved; see them")
    sys.exit(EXIT_FINDINGS if failing(results, options) else EXIT_OK)


@main.command(name="explain")
@click.argument("path", metavar="PLAN.json|DIR")
@click.argument("address")
@click.option("--port", type=click.IntRange(0, 65535), help="Only this port (ICMP: type).")
@click.option("--protocol", help="tcp, udp, icmp, icmpv6, all or a number. [default: tcp with --port, else all]")
@click.option("--source", "sources", callback=_source_kinds, help="Comma-separated kinds of source. [default: all]")
@_analysis_options
def explain_command(
    path: str,
    address: str,
    port: int | None,
    protocol: str | None,
    sources: list[str] | None,
    analysis: _Analysis,
) -> None:
    """Every path to one endpoint, hop by hop, and where and why each blocked path stops."""
    network, settings, redactor = analysis.network(path, sources)
    if address not in network.interfaces and address not in network.load_balancers:
        known = sorted([*network.interfaces, *network.load_balancers])
        close = [k for k in known if address.split(".")[-1].split("[")[0] in k][:5] or known[:5]
        _exit(EXIT_INPUT, f"{address} is not an endpoint of {path} (endpoints include: {', '.join(close)})")
    try:
        protocols = protocol_span(protocol or ("tcp" if port is not None else "-1"))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--protocol") from None
    ports = (port, port) if port is not None else PORTS
    traces = _guarded(lambda: explain(network, address, protocols, ports, settings.sources, settings.ephemeral_ports))
    _emit(escape.lines(render(address, traces, protocols, ports)), None, redactor)


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
@_analysis_options
def query_command(
    path: str,
    source: str,
    target: str,
    port: int | None,
    protocol: str | None,
    output_format: str,
    analysis: _Analysis,
) -> None:
    """What reaches what between any endpoints (inside a VPC, across peering and transit
    gateways) or from an outside source, hop by hop; and where each blocked path stops."""
    from tfreach.engine.classes import endpoint_classes
    from tfreach.questions.check import reached_from_outside
    from tfreach.questions.query import query, render_json, render_text

    for check_selector, text, option in ((parse_selector, source, "--from"), (parse_target, target, "--to")):
        try:
            check_selector(text)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint=option) from None
    network, settings, redactor = analysis.network(path, None)
    try:
        protocols = protocol_span(protocol or ("tcp" if port is not None else "-1"))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--protocol") from None
    probe = PacketSet.box(protocols, (port, port) if port is not None else PORTS, ALL_ADDRESSES)
    classes = endpoint_classes(network)
    reached = _guarded(lambda: reached_from_outside(GraphBuilder(network, settings.ephemeral_ports, classes), settings))
    answers = _guarded(lambda: query(network, classes, reached, source, target, probe, settings.ephemeral_ports))
    if output_format == "json":
        _emit(json.dumps(render_json(answers), indent=2) + "\n", None, redactor)
    else:
        _emit(escape.lines(render_text(answers)), None, redactor)


@main.command(name="graph")
@click.argument("path", metavar="PLAN.json|DIR")
@click.option("--format", "output_format", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the diagram to FILE instead of stdout.")
@click.option("--source", "sources", callback=_source_kinds, help="Comma-separated kinds of source. [default: all]")
@_analysis_options
def graph_command(
    path: str,
    output_format: str,
    output: str | None,
    sources: list[str] | None,
    analysis: _Analysis,
) -> None:
    """The network as a diagram, with the exposed paths highlighted."""
    network, settings, redactor = analysis.network(path, sources)
    graph = build_graph(network, [SOURCES[kind] for kind in settings.sources], settings.ephemeral_ports).to_networkx()
    picture = diagram(network, graph)
    _emit(mermaid(picture) if output_format == "mermaid" else dot(picture), output, redactor)


def inputs(paths: tuple[str, ...]) -> list[str]:
    """Plans and folders as given; a .tf file stands for the configuration it belongs to (once).

    That is its folder, or, for a local module's file, the folder that calls the module
    (searched upwards to the working directory), as the pre-commit hook passes changed files.
    """
    out: dict[str, str] = {}  # resolved path -> as shown
    for path in paths:
        if path.endswith((".tf", ".tf.json")) and Path(path).is_file():
            from tfreach.inputs.sources.source import calling_root  # the HCL reader: only for .tf inputs

            folder = calling_root(Path(path).parent, Path.cwd())
            path = os.path.relpath(folder) if not Path(path).is_absolute() else str(folder)
        key = str(Path(path).resolve()) if path != "-" else path
        out.setdefault(key, path)
    return list(out.values())


def _in_parallel(
    work: list[partial[PlanResult]], jobs: int, attempt: Callable[[Callable[[], PlanResult]], PlanResult | InputError]
) -> list[PlanResult | InputError]:
    """Each input in a process of its own; results in the order given (an unreadable input is
    reported and the others go on; a bug ends the run)."""
    workers = min(jobs or os.cpu_count() or 1, len(work))
    from concurrent.futures import ProcessPoolExecutor  # only --jobs needs processes

    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(w) for w in work]
        try:
            return [attempt(future.result) for future in futures]
        except SystemExit:
            for future in futures:
                future.cancel()  # the run is over: start nothing more (the pool still shuts down cleanly)
            raise


def _attempt(work: Callable[[], PlanResult], only_plans: bool = False) -> PlanResult | InputError:
    """One input: its result, or its problem said on one line (the other inputs still count)."""
    try:
        return _guarded(work, reraise=True)
    except InputError as error:
        skipped = only_plans and isinstance(error, NotAPlan)
        click.echo(f"tfreach: {'skipped' if skipped else 'error'}: {escape.line(str(error))}", err=True)
        return error


def _in_colour(choice: str, reports: list[tuple[str, str | None]]) -> bool:
    """Colour only where a person reads it: the table on a terminal (https://no-color.org)."""
    if choice != "auto":
        return choice == "always"
    to_terminal = any(name == "table" and target is None for name, target in reports) and sys.stdout.isatty()
    return to_terminal and not os.environ.get("NO_COLOR")


def _report_targets(
    formats: list[tuple[str, str | None]], output: str | None, quiet: bool, inputs: list[str]
) -> list[tuple[str, str | None]]:
    """Where each report goes: its own file, -o, or stdout (one at most, none with --quiet).
    A report never overwrites an input."""
    to_stream = [name for name, target in formats if target is None]
    if len(to_stream) > 1:
        raise click.UsageError(f"only one report can go to {output or 'stdout'}: give the others =FILE")
    targets = [(name, target or output) for name, target in formats if target or output or not quiet]
    read = {os.path.realpath(p) for p in inputs if p != "-"}
    for _, target in targets:
        if target and os.path.realpath(target) in read:
            raise click.UsageError(f"{escape.line(target)} is an input: a report would overwrite it")
    return targets


def _check_one(path: str, settings: Settings, variables: Variables) -> PlanResult:
    with progress.showing(path):
        if Path(path).is_dir():
            return check_sources(Path(path), settings, variables)
        return check_plan(path, settings)


def _config(path: str | None) -> Config:
    if path is not None:
        if not Path(path).is_file():
            raise InputError(path, "no such file")
        return load_config(Path(path))
    found = find_config(Path.cwd())
    return load_config(found) if found else Config()


def _first(*values: bool | None) -> bool | None:
    return next((v for v in values if v is not None), None)


def _write(report: Callable[[TextIO], None], output: str | None, redactor: Redactor) -> None:
    """The report to FILE, or to stdout, without a sensitive value of the plans."""
    try:
        with open(output, "w", encoding="utf-8") if output else contextlib.nullcontext(sys.stdout) as handle:
            if not redactor:
                report(handle)
                return
            redacting = redactor.writing(handle)
            report(redacting)  # type: ignore[arg-type]
            redacting.close()
    except OSError as error:
        _exit(EXIT_INPUT, f"{output}: cannot write the report ({error.strerror})")


def _emit(text: str, output: str | None, redactor: Redactor) -> None:
    """explain, query and graph: their text, without a sensitive value of the plan."""

    def write(out: TextIO) -> None:
        out.write(text)

    _write(write, output, redactor)


T = TypeVar("T")


def _guarded(work: Callable[[], T], reraise: bool = False) -> T:
    """Input problems end the run with one line and exit 2 (`reraise`: the caller says it); a bug
    with one line and exit 3."""
    try:
        return work()
    except InputError as error:
        if reraise:
            raise
        _exit(EXIT_INPUT, str(error))
    except Exception as error:  # a bug must not look like a traceback in a CI log
        if os.environ.get("TFREACH_DEBUG"):
            raise
        _exit(EXIT_INTERNAL, _internal(error))


def _internal(error: Exception) -> str:
    return f"internal error ({type(error).__name__}: {str(error)[:300]}); rerun with TFREACH_DEBUG=1 and report it"


def _exit(code: int, message: str) -> NoReturn:
    click.echo(f"tfreach: error: {escape.quoted(message) if len(message) > 2000 else escape.line(message)}", err=True)
    sys.exit(code)
