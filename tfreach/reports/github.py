"""`--format github`: workflow commands that annotate the pull request on the resource's line."""

from __future__ import annotations

from ..catalogue import Severity
from ..check import PlanResult
from ..findings import Finding
from . import ReportOptions, counted, relative_path

_COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def render_github(results: list[PlanResult], options: ReportOptions) -> str:
    lines = []
    for result in results:
        for finding in result.findings:
            if finding.type == "NetworkExposure" or not counted(finding, options):
                continue
            lines.append(_annotation(result, finding))
    return "".join(line + "\n" for line in lines)


def _annotation(result: PlanResult, finding: Finding) -> str:
    block = result.location(finding.resource)
    if block is not None:
        where = f"file={_property(relative_path(block.file))},line={block.line},endLine={block.end_line}"
    else:
        where = f"file={_property(relative_path(result.path))}"
    title = _property(f"tfreach {finding.severity.label} ({finding.status}): {finding.resource}")
    return (
        f"::{_COMMAND[finding.severity]} {where},title={title}::{_data(finding.title + '. ' + finding.recommendation)}"
    )


def _data(text: str) -> str:
    """Escapes of the message part of a workflow command (GitHub's own rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
