"""`--format table` (default): findings grouped by resource, what the plan closes, warnings, a summary."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from itertools import groupby

from tabulate import tabulate

from tfreach.findings.catalogue import Severity
from tfreach.model.network import Notice
from tfreach.model.protocols import span_text
from tfreach.questions.check import PlanResult
from tfreach.reports import ReportOptions, counted, failing, printable
from tfreach.reports.groups import FindingGroup, finding_groups
from tfreach.reports.warnings import shorten, warning_lines

_MAX_WARNINGS = 20


# The hop whose rule admitted the traffic: the groups, or a public endpoint's allow-list; out to
# the internet (an egress intent), the source's own egress rules.
_ADMITTING = ("security groups", "public endpoint", "source security groups egress")


def render_table(results: list[PlanResult], options: ReportOptions) -> str:
    lines: list[str] = []
    for result in results:
        lines += _plan_section(result, options)
    lines += _warnings("configuration", list(options.notices))
    lines += _summary(results, options)
    safe = [printable(line) for line in lines]
    return "\n".join(_coloured(safe) if options.colour else safe) + "\n"


# ANSI colours of the severities, added after escaping (nothing from a plan reaches them).
_COLOURS = {"critical": "\x1b[1;31m", "high": "\x1b[31m", "medium": "\x1b[33m", "low": "\x1b[36m", "info": "\x1b[2m"}
_ROW = re.compile(r"^(  [|+]?\s*)(critical|high|medium|low|info)(?=\s)")


def _coloured(lines: list[str]) -> list[str]:
    return [_ROW.sub(lambda m: f"{m[1]}{_COLOURS[m[2]]}{m[2]}\x1b[0m", line) for line in lines]


def _plan_section(result: PlanResult, options: ReportOptions) -> list[str]:
    kind = " (Terraform sources, no plan)" if result.mode == "sources" else ""
    lines = [f"{result.path}{kind}: {result.resources} resources, {result.network.endpoints()} endpoints analysed"]
    groups = finding_groups(result)
    shown = [g for g in groups if g.status == "new" or not options.new_only]
    if not groups:
        lines.append("  nothing is reachable from outside")
    for _, section in groupby(shown, key=lambda g: (g.block, tuple(g.members), g.source.kind, g.via, g.intent)):
        alike = list(section)
        summary = next((g for g in alike if g.type == "NetworkExposure"), alike[0])
        ports = sorted((g for g in alike if g.type != "NetworkExposure"), key=_order)
        count = f" ({len(summary.members)} resources alike)" if len(summary.members) > 1 else ""
        # an intent's rows each say what passes: its heading names the broken pair alone
        title = summary.title.rsplit(": ", 1)[0] if summary.intent and len(ports) > 1 else summary.title
        lines += ["", title + count]
        lines += [
            "  " + line for line in _columns(_HEADERS, [_row(g) for g in ports], options.table_style, options.redact)
        ]
        lines += [shorten(f"  assumed: {a}") for a in sorted({a for g in alike for a in g.assumptions})]
    hidden = sum(1 for g in groups if g.status != "new" and options.new_only and g.type != "NetworkExposure")
    if hidden:
        lines += ["", f"{hidden} findings that already exist are not shown (--new-only)"]
    closed = finding_groups(result, closed=True)
    if closed:
        lines += ["", f"closed by this plan ({sum(len(g.members) for g in closed)}):"]
        lines += [f"  {g.title}" for g in closed]
    lines += _warnings("warnings", result.warnings)
    skipped = result.network.skipped
    if skipped:
        types = ", ".join(sorted(skipped)[:8]) + (", ..." if len(skipped) > 8 else "")
        lines.append(f"not modelled: {sum(skipped.values())} resources of {len(skipped)} types ({types})")
    lines.append("")
    return lines


_HEADERS = ("severity", "status", "certainty", "finding", "port", "from", "admitted by")


TABLE_STYLES = ("simple", "github", "grid", "plain", "rounded_outline")


def _columns(
    headers: tuple[str, ...], rows: list[list[str]], style: str, redact: Callable[[str], str] = str
) -> list[str]:
    """The rows under their headers, laid out by tabulate (cells are text: never read as numbers)."""
    cells = [[redact(cell) for cell in row] for row in rows]
    return str(tabulate(cells, headers=list(headers), tablefmt=style, disable_numparse=True)).splitlines()


def _order(g: FindingGroup) -> tuple[int, str, tuple[int, int]]:
    return (-g.severity, g.protocol, g.port_range or (0, 0))


def _row(g: FindingGroup) -> list[str]:
    port = f"{g.protocol}/{span_text(g.port_range)}" if g.port_range and g.protocol != "all" else g.protocol
    name = f"{g.type} {g.service}" if g.service else g.type
    # The endpoint's own groups: the last ones on the path (a load balancer's come first).
    admitted = next((hop["rule"] for hop in reversed(g.path) if hop["role"] in _ADMITTING), "") or ""
    status = f"{g.status}, accepted ({g.suppressed.by}: {g.suppressed.reason})" if g.suppressed else g.status
    sources = ", ".join(g.source_cidrs[:2]) + (" ..." if len(g.source_cidrs) > 2 else "")
    return [g.severity.label, status, "certain" if g.certain else "possible", name, port, sources, admitted]


def _warnings(title: str, notices: list[Notice]) -> list[str]:
    if not notices:
        return []
    grouped = warning_lines(notices)
    lines = ["", f"{title} ({len(notices)}):"]
    lines += [f"  {line}" for line in grouped[:_MAX_WARNINGS]]
    if len(grouped) > _MAX_WARNINGS:
        lines.append(f"  ... and {len(grouped) - _MAX_WARNINGS} more kinds (see --format json)")
    return lines


def _summary(results: list[PlanResult], options: ReportOptions) -> list[str]:
    """Counts of findings (one per endpoint), in the groups a reviewer reads."""
    groups = [g for r in results for g in finding_groups(r) if g.type != "NetworkExposure"]
    findings = sum(len(g.members) for g in groups)
    counts: Counter[Severity] = Counter()
    statuses: Counter[str] = Counter()
    accepted = possible = 0
    for g in groups:
        statuses[g.status] += len(g.members)
        accepted += len(g.members) if g.suppressed else 0
        possible += 0 if g.certain else len(g.members)
        if counted(g, options):
            counts[g.severity] += len(g.members)
    by_severity = ", ".join(f"{counts[s]} {s.label}" for s in sorted(Severity, reverse=True) if counts[s])
    closed = sum(len(g.members) for r in results for g in finding_groups(r, closed=True))
    parts = [f"{statuses['new']} new", f"{statuses['existing']} existing", f"{closed} closed", f"{accepted} accepted"]
    parts.append(f"{possible} possible")
    verdict = "never fails" if options.fail_on is None else ("FAIL" if failing(results, options) else "pass")
    threshold = "" if options.fail_on is None else f" at or above {options.fail_on.label}"
    scope = " (new findings only)" if options.new_only else ""
    scope += "" if options.fail_on_possible else " (certain findings only)"
    counted_text = f"; counted: {by_severity}" if by_severity else ""
    noun = "finding" if findings == 1 else "findings"
    in_groups = f" in {len(groups)} group{'' if len(groups) == 1 else 's'}" if len(groups) != findings else ""
    return [f"{findings} {noun}{in_groups} ({', '.join(parts)}){counted_text}; {verdict}{threshold}{scope}"]
