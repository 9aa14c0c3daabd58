"""`--format table` (default): findings grouped by resource, then warnings and a summary."""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from tabulate import tabulate

from ..catalogue import Severity
from ..check import PlanResult
from ..findings import Finding
from ..protocols import span_text
from . import ReportOptions, failing, printable

_MAX_WARNINGS = 20


def render_table(results: list[PlanResult], options: ReportOptions) -> str:
    lines: list[str] = []
    for result in results:
        lines += _plan_section(result)
    lines += _summary(results, options)
    return "\n".join(printable(line) for line in lines) + "\n"


def _plan_section(result: PlanResult) -> list[str]:
    lines = [f"{result.path}: {result.resources} resources, {result.network.endpoints()} endpoints analysed"]
    if not result.findings:
        lines.append("  nothing is reachable from outside")
    for (resource, kind, _), group in groupby(result.findings, key=lambda f: (f.resource, f.source.kind, f.via)):
        findings = list(group)
        exposure = next((f for f in findings if f.type == "NetworkExposure"), None)
        ports = [f for f in findings if f.type != "NetworkExposure"]
        lines.append("")
        lines.append(exposure.title if exposure else f"{resource} ({kind})")
        rows = [_row(f) for f in sorted(ports, key=lambda f: (-f.severity, f.protocol, f.port_range or (0, 0)))]
        table = tabulate(rows, headers=["severity", "finding", "port", "from", "admitted by"], tablefmt="simple")
        lines += ["  " + line for line in table.splitlines()]
        assumptions = sorted({a for f in findings for a in f.assumptions})
        lines += [f"  assumed: {a}" for a in assumptions]
    if result.warnings:
        lines.append("")
        lines.append(f"warnings ({len(result.warnings)}):")
        lines += [f"  {n.text()}" for n in result.warnings[:_MAX_WARNINGS]]
        if len(result.warnings) > _MAX_WARNINGS:
            lines.append(f"  ... and {len(result.warnings) - _MAX_WARNINGS} more (see --format json)")
    skipped = result.network.skipped
    if skipped:
        types = ", ".join(sorted(skipped)[:8]) + (", ..." if len(skipped) > 8 else "")
        lines.append(f"not modelled: {sum(skipped.values())} resources of {len(skipped)} types ({types})")
    lines.append("")
    return lines


def _row(f: Finding) -> list[str]:
    port = f"{f.protocol}/{span_text(f.port_range)}" if f.port_range and f.protocol != "all" else f.protocol
    name = f"{f.type} {f.service}" if f.service else f.type
    # The endpoint's own groups: the last ones on the path (a load balancer's come first).
    admitted = next((hop["rule"] for hop in reversed(f.path) if hop["role"] == "security groups"), "") or ""
    return [
        f.severity.label,
        name,
        port,
        ", ".join(f.source_cidrs[:2]) + (" ..." if len(f.source_cidrs) > 2 else ""),
        admitted,
    ]


def _summary(results: list[PlanResult], options: ReportOptions) -> list[str]:
    findings = [f for r in results for f in r.findings if f.type != "NetworkExposure"]
    counts = Counter(f.severity for f in findings)
    by_severity = ", ".join(f"{counts[s]} {s.label}" for s in sorted(Severity, reverse=True) if counts[s])
    resources = len({(f.input, f.resource) for f in findings})
    verdict = "never fails" if options.fail_on is None else ("FAIL" if failing(results, options) else "pass")
    threshold = "" if options.fail_on is None else f" at or above {options.fail_on.label}"
    return [
        f"{len(findings)} findings on {resources} resources"
        + (f" ({by_severity})" if by_severity else "")
        + f"; {verdict}{threshold}"
    ]
