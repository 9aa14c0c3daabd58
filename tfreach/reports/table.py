"""`--format table` (default): findings grouped by resource, what the plan closes, warnings, a summary."""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from ..catalogue import Severity
from ..check import PlanResult
from ..findings import Finding
from ..model import Notice
from ..protocols import span_text
from . import ReportOptions, counted, failing, printable
from .warnings import shorten, warning_lines

_MAX_WARNINGS = 20


def render_table(results: list[PlanResult], options: ReportOptions) -> str:
    lines: list[str] = []
    for result in results:
        lines += _plan_section(result, options)
    lines += _warnings("configuration", list(options.notices))
    lines += _summary(results, options)
    return "\n".join(printable(line) for line in lines) + "\n"


def _plan_section(result: PlanResult, options: ReportOptions) -> list[str]:
    kind = " (Terraform sources, no plan)" if result.mode == "sources" else ""
    lines = [f"{result.path}{kind}: {result.resources} resources, {result.network.endpoints()} endpoints analysed"]
    shown = [f for f in result.findings if f.status == "new" or not options.new_only]
    if not result.findings:
        lines.append("  nothing is reachable from outside")
    for (resource, kind, _), group in groupby(shown, key=lambda f: (f.resource, f.source.kind, f.via)):
        findings = list(group)
        exposure = next((f for f in findings if f.type == "NetworkExposure"), None)
        ports = sorted((f for f in findings if f.type != "NetworkExposure"), key=_order)
        lines += ["", exposure.title if exposure else f"{resource} ({kind})"]
        lines += ["  " + line for line in _columns(_HEADERS, [_row(f) for f in ports])]
        lines += [shorten(f"  assumed: {a}") for a in sorted({a for f in findings for a in f.assumptions})]
    hidden = sum(1 for f in result.findings if f.status != "new" and options.new_only and f.type != "NetworkExposure")
    if hidden:
        lines += ["", f"{hidden} findings that already exist are not shown (--new-only)"]
    if result.closed:
        lines += ["", f"closed by this plan ({len(result.closed)}):"]
        lines += [f"  {f.title}" for f in result.closed]
    lines += _warnings("warnings", result.warnings)
    skipped = result.network.skipped
    if skipped:
        types = ", ".join(sorted(skipped)[:8]) + (", ..." if len(skipped) > 8 else "")
        lines.append(f"not modelled: {sum(skipped.values())} resources of {len(skipped)} types ({types})")
    lines.append("")
    return lines


_HEADERS = ("severity", "status", "finding", "port", "from", "admitted by")


def _columns(headers: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    """Left-aligned columns under underlined headers, two spaces apart (tabulate's "simple"
    layout; written here because tabulate's per-cell type sniffing took seconds on 60k rows)."""
    widths = [max([len(h) + 2, *map(len, cells)]) for h, *cells in zip(headers, *rows, strict=True)]

    def line(cells: tuple[str, ...] | list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return [line(headers), "  ".join("-" * width for width in widths), *(line(row) for row in rows)]


def _order(f: Finding) -> tuple[int, str, tuple[int, int]]:
    return (-f.severity, f.protocol, f.port_range or (0, 0))


def _row(f: Finding) -> list[str]:
    port = f"{f.protocol}/{span_text(f.port_range)}" if f.port_range and f.protocol != "all" else f.protocol
    name = f"{f.type} {f.service}" if f.service else f.type
    # The endpoint's own groups: the last ones on the path (a load balancer's come first).
    admitted = next((hop["rule"] for hop in reversed(f.path) if hop["role"] == "security groups"), "") or ""
    status = f"{f.status}, accepted ({f.suppressed.by}: {f.suppressed.reason})" if f.suppressed else f.status
    sources = ", ".join(f.source_cidrs[:2]) + (" ..." if len(f.source_cidrs) > 2 else "")
    return [f.severity.label, status, name, port, sources, admitted]


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
    findings = [f for r in results for f in r.findings if f.type != "NetworkExposure"]
    counts = Counter(f.severity for f in findings if counted(f, options))
    by_severity = ", ".join(f"{counts[s]} {s.label}" for s in sorted(Severity, reverse=True) if counts[s])
    statuses = Counter(f.status for f in findings)
    closed = sum(len(r.closed) for r in results)
    accepted = sum(1 for f in findings if f.suppressed)
    parts = [f"{statuses['new']} new", f"{statuses['existing']} existing", f"{closed} closed", f"{accepted} accepted"]
    verdict = "never fails" if options.fail_on is None else ("FAIL" if failing(results, options) else "pass")
    threshold = "" if options.fail_on is None else f" at or above {options.fail_on.label}"
    scope = " (new findings only)" if options.new_only else ""
    counted_text = f"; counted: {by_severity}" if by_severity else ""
    return [f"{len(findings)} findings ({', '.join(parts)}){counted_text}; {verdict}{threshold}{scope}"]
