"""Output formats. Each formatter turns check results into one string, written in one pass."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    from .github import render_github
    from .json_report import render_json
    from .junit import render_junit
    from .markdown import render_markdown
    from .sarif import render_sarif
    from .table import render_table

    return {
        "table": render_table,
        "json": render_json,
        "sarif": render_sarif,
        "junit": render_junit,
        "markdown": render_markdown,
        "github": render_github,
    }


def counted(finding: Finding, options: ReportOptions) -> bool:
    """Does the finding count for the exit code? Never when suppressed or closed."""
    return finding.counts and (finding.status == "new" or not options.new_only)


def failing(results: list[PlanResult], options: ReportOptions) -> bool:
    """Is any counted finding at or above the --fail-on severity?"""
    if options.fail_on is None:
        return False
    return any(counted(f, options) and f.severity >= options.fail_on for r in results for f in r.findings)


def hop_address(hop: dict[str, Any], finding: Finding) -> str:
    """What a path hop names: an endpoint's own hops (no address) are the finding's resource."""
    return str(hop["address"] or finding.resource)


def printable(text: str, lines: bool = False) -> str:
    """Escape control characters so nothing from a plan can drive the terminal.

    `lines`: keep line breaks (multi-line text of our own, such as a JUnit failure body).
    """
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() or (lines and c == "\n") else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
        for c in text
    )


def relative_path(path: str) -> str:
    """Relative to where tfreach runs (the repository root in CI), with forward slashes."""
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return relative.replace(os.sep, "/")
