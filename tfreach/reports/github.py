"""`--format github`: workflow commands that annotate the pull request on the resource's line.

GitHub shows at most 10 errors and 10 warnings per step: the 10 most severe groups of each
level (critical and high are errors, medium warnings, certain before possible), and one summary
notice that counts everything, including what is not shown.
"""

from __future__ import annotations

from tfreach import escape
from tfreach.findings.catalogue import Severity
from tfreach.questions.check import PlanResult
from tfreach.reports import ReportOptions, counted, relative_path
from tfreach.reports.groups import FindingGroup, finding_groups

PER_LEVEL = 10  # what GitHub shows of each level in one step
_COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def render_github(results: list[PlanResult], options: ReportOptions) -> str:
    counting = [
        (result, g)
        for result in results
        for g in finding_groups(result)
        if g.type != "NetworkExposure" and counted(g, options)
    ]
    counting.sort(key=lambda item: (-item[1].severity, not item[1].certain, item[1].label))
    lines: list[str] = []
    for level in ("error", "warning"):
        chosen = [(r, g) for r, g in counting if _COMMAND[g.severity] == level][:PER_LEVEL]
        lines += [_annotation(r, g) for r, g in chosen]
    lines.append(_summary(results, counting, len(lines)))
    return "".join(line + "\n" for line in lines)


def _annotation(result: PlanResult, group: FindingGroup) -> str:
    block = result.location(group.resource)
    if block is not None:
        where = f"file={_property(relative_path(block.file))},line={block.line},endLine={block.end_line}"
    else:
        where = f"file={_property(relative_path(result.path))}"
    certainty = "" if group.certain else ", possible"
    title = _property(f"tfreach {group.severity.label} ({group.status}{certainty}): {group.label}")
    return f"::{_COMMAND[group.severity]} {where},title={title}::{_data(group.title + '. ' + group.recommendation)}"


def _summary(results: list[PlanResult], counting: list[tuple[PlanResult, FindingGroup]], shown: int) -> str:
    findings = sum(len(g.members) for _, g in counting)
    possible = sum(len(g.members) for _, g in counting if not g.certain)
    hidden = len(counting) - shown
    rest = (
        f"; {hidden} more are not annotated (only the {PER_LEVEL} most severe errors and warnings are)"
        if hidden > 0
        else ""
    )
    inputs = ", ".join(relative_path(r.path) for r in results[:3]) + (", ..." if len(results) > 3 else "")
    groups = f"{len(counting)} group" + ("" if len(counting) == 1 else "s")
    text = (
        f"{findings} finding{'' if findings == 1 else 's'} counted in {groups} ({possible} possible) in {inputs}{rest}"
    )
    return f"::notice title=tfreach::{_data(text)}"


def _data(text: str) -> str:
    """Escapes of the message part of a workflow command (GitHub's own rules)."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escape.line(escaped)  # other control characters: visible, not a terminal sequence


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
