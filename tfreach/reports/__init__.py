"""Output formats. Each formatter turns check results into one string, written in one pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..catalogue import Severity
from ..check import PlanResult
from ..findings import Finding
from ..model import Notice


@dataclass(frozen=True)
class ReportOptions:
    fail_on: Severity | None  # None: never fail
    new_only: bool = False  # only findings this plan opens count (and the table shows only them)
    notices: tuple[Notice, ...] = ()  # warnings that belong to no plan (the config file)


Formatter = Callable[[list[PlanResult], ReportOptions], str]


def formatters() -> dict[str, Formatter]:
    from .json_report import render_json
    from .table import render_table

    return {"table": render_table, "json": render_json}


def counted(finding: Finding, options: ReportOptions) -> bool:
    """Does the finding count for the exit code? Never when suppressed or closed."""
    return finding.counts and (finding.status == "new" or not options.new_only)


def failing(results: list[PlanResult], options: ReportOptions) -> bool:
    """Is any counted finding at or above the --fail-on severity?"""
    if options.fail_on is None:
        return False
    return any(counted(f, options) and f.severity >= options.fail_on for r in results for f in r.findings)


def printable(text: str) -> str:
    """Escape control characters so nothing from a plan can drive the terminal."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}" for c in text)
