"""Output formats. Each formatter turns check results into one string, written in one pass."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TextIO

from tfreach import escape
from tfreach.findings.catalogue import Severity
from tfreach.model.network import Notice
from tfreach.questions.check import PlanResult


@dataclass(frozen=True)
class ReportOptions:
    fail_on: Severity | None  # None: never fail
    new_only: bool = False  # only findings this plan opens count (and the table shows only them)
    notices: tuple[Notice, ...] = ()  # warnings that belong to no plan (the config file)
    fail_on_possible: bool = True  # possible findings (resting on an assumption) count too: fail closed
    colour: bool = False  # severities in colour (a terminal, and NO_COLOR not set)
    table_style: str = "simple"  # tabulate's tablefmt for --format table
    # Sensitive values out of a cell before the table is laid out (the written report is redacted
    # whole too; this keeps the columns aligned).
    redact: Callable[[str], str] = str
    expand: bool = True  # --format json: one finding per endpoint (False, --group: one per group)


Formatter = Callable[[list[PlanResult], ReportOptions, TextIO], None]  # writes the report as it goes
Renderer = Callable[[list[PlanResult], ReportOptions], str]


def formatters() -> dict[str, Formatter]:
    from tfreach.reports.github import render_github
    from tfreach.reports.gitlab import render_gitlab
    from tfreach.reports.html_report import render_html
    from tfreach.reports.json_report import render_json
    from tfreach.reports.junit import render_junit
    from tfreach.reports.markdown import render_markdown
    from tfreach.reports.sarif import render_sarif
    from tfreach.reports.table import render_table

    return {
        "table": _whole(render_table),
        "json": render_json,
        "sarif": _whole(render_sarif),
        "junit": _whole(render_junit),
        "markdown": _whole(render_markdown),
        "github": _whole(render_github),
        "gitlab": _whole(render_gitlab),
        "html": _whole(render_html),
    }


def _whole(render: Renderer) -> Formatter:
    """A report small enough to build whole (grouped, and capped where it is read)."""

    def write(results: list[PlanResult], options: ReportOptions, out: TextIO) -> None:
        out.write(render(results, options))

    return write


class Countable(Protocol):
    """A finding, or a group of findings of alike resources."""

    @property
    def counts(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def certain(self) -> bool: ...
    @property
    def severity(self) -> Severity: ...


def counted(finding: Countable, options: ReportOptions) -> bool:
    """Does the finding count for the exit code? Never when suppressed or closed; a possible one
    only with --fail-on-possible (the default)."""
    return (
        finding.counts
        and (finding.status == "new" or not options.new_only)
        and (finding.certain or options.fail_on_possible)
    )


def failing(results: list[PlanResult], options: ReportOptions) -> bool:
    """Is any counted finding at or above the --fail-on severity?"""
    from tfreach.reports.groups import finding_groups

    if options.fail_on is None:
        return False
    threshold = options.fail_on
    return any(counted(g, options) and g.severity >= threshold for r in results for g in finding_groups(r))


def printable(text: str, lines: bool = False) -> str:
    """Nothing from a plan drives the terminal or the CI log (`escape.line`).

    `lines`: keep line breaks (multi-line text of our own, such as a JUnit failure body).
    """
    return escape.lines(text) if lines else escape.line(text)


def relative_path(path: str) -> str:
    """Relative to where tfreach runs (the repository root in CI), with forward slashes."""
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return relative.replace(os.sep, "/")
