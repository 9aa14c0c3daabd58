"""`--format markdown`: a pull-request comment: counts, a table of findings, and for each
exposed endpoint a Mermaid flowchart of its path.

Everything taken from a plan (addresses, tag values, rule labels) is escaped, so that no
resource name can break the table, close a code block or inject HTML into the comment.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from tfreach import escape
from tfreach.findings.catalogue import Severity
from tfreach.model.protocols import span_text
from tfreach.questions.check import PlanResult
from tfreach.reports import ReportOptions, failing
from tfreach.reports.groups import FindingGroup, finding_groups
from tfreach.reports.warnings import warning_lines

_MD = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "`": "&#96;",
    "[": "&#91;",
    "]": "&#93;",
    "*": "&#42;",
    "_": "&#95;",
    "\\": "&#92;",
    "#": "&#35;",
    "~": "&#126;",
    "$": "&#36;",
}
_MERMAID = {"&": "#amp;", "<": "#lt;", ">": "#gt;", '"': "#quot;", "|": "#124;", "`": "#96;", "#": "#35;", ";": "#59;"}


def md(text: object) -> str:
    """Text safe in a Markdown table cell or paragraph: no markup, mention or autolink."""
    plain = " ".join(str(text).split())
    return escape.markdown_text("".join(_MD.get(c, c) if c.isprintable() else " " for c in plain))


def mermaid_label(text: object) -> str:
    plain = " ".join(str(text).split())
    return "".join(_MERMAID.get(c, c) if c.isprintable() else " " for c in plain)


MAX_CHARACTERS = 65_536  # what a GitHub comment holds
_RESERVED = 4_000  # for the closing lines (closed findings, warnings, the truncation note)


def render_markdown(results: list[PlanResult], options: ReportOptions) -> str:
    groups = [g for r in results for g in finding_groups(r) if g.type != "NetworkExposure"]
    closed = [g for r in results for g in finding_groups(r, closed=True)]
    verdict = "never fails" if options.fail_on is None else ("**fails**" if failing(results, options) else "passes")
    lines = ["## tfreach: network exposure of this plan", ""]
    lines += _counts(groups, closed)
    threshold = "" if options.fail_on is None else f" at `--fail-on {options.fail_on.label}`"
    scope = " (new findings only)" if options.new_only else ""
    scope += "" if options.fail_on_possible else " (certain findings only)"
    lines += ["", f"The check {verdict}{threshold}{scope}.", ""]
    budget = _Budget(MAX_CHARACTERS - _RESERVED - _size(lines))
    if groups:
        budget.add(lines, _table(groups), "findings")
        budget.add(lines, _diagrams(groups), "paths")
    else:
        lines.append("Nothing is reachable from outside.")
    if closed:
        shown = [f"- {md(g.title)}" for g in closed[:20]]
        more = [f"- ... and {len(closed) - 20} more"] if len(closed) > 20 else []
        lines += ["", f"### Closed by this plan ({sum(len(g.members) for g in closed)})", "", *shown, *more]
    notices = [n for r in results for n in r.warnings] + list(options.notices)
    if notices:
        lines += ["", f"<details><summary>Warnings ({len(notices)})</summary>", ""]
        lines += [f"- {md(text)}" for text in warning_lines(notices)[:20]]
        lines += ["", "</details>"]
    if budget.cut:
        lines += ["", f"_This comment is cut to fit ({', '.join(budget.cut)} not all shown): `--format json` has all._"]
    return "\n".join(lines) + "\n"


class _Budget:
    """What is left of a comment's characters; a section that does not fit is cut at a line."""

    def __init__(self, left: int) -> None:
        self.left = left
        self.cut: list[str] = []

    def add(self, lines: list[str], section: list[str], name: str) -> None:
        for index, line in enumerate(section):
            if len(line) + 1 > self.left:
                self.cut.append(name)
                lines += _closed_fences(section[:index])
                return
            lines.append(line)
            self.left -= len(line) + 1


def _closed_fences(shown: list[str]) -> list[str]:
    """A cut inside a code block must still close it."""
    return ["```"] if sum(1 for line in shown if line.startswith("```")) % 2 else []


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _counts(groups: list[FindingGroup], closed: list[FindingGroup]) -> list[str]:
    severities: Counter[Severity] = Counter()
    statuses: Counter[str] = Counter()
    accepted = possible = 0
    for g in groups:
        n = len(g.members)
        statuses[g.status] += n
        accepted += n if g.suppressed else 0
        possible += 0 if g.certain else n
        if g.suppressed is None:
            severities[g.severity] += n
    order = sorted(Severity, reverse=True)
    closed_count = sum(len(g.members) for g in closed)
    counts = [*(severities[s] for s in order), statuses["new"], statuses["existing"], closed_count, accepted, possible]
    return [
        "| " + " | ".join(s.label for s in order) + " | new | existing | closed | accepted | possible |",
        "|" + "---:|" * (len(order) + 5),
        "| " + " | ".join(str(c) for c in counts) + " |",
    ]


def _table(groups: list[FindingGroup]) -> list[str]:
    lines = [
        "| severity | status | certainty | resources | port | from | via | finding |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for g in sorted(groups, key=lambda g: (-g.severity, g.certain is False, g.label, g.port_range or (0, 0))):
        port = f"{g.protocol}/{span_text(g.port_range)}" if g.port_range and g.protocol != "all" else g.protocol
        status = f"{g.status}, accepted: {g.suppressed.reason}" if g.suppressed else g.status
        certainty = "certain" if g.certain else "possible"
        count = f" ({len(g.members)})" if len(g.members) > 1 else ""
        cells = [g.severity.label, status, certainty, g.label + count, port, ", ".join(g.source_cidrs[:3]), g.via or ""]
        lines.append("| " + " | ".join(md(c) for c in [*cells, g.title]) + " |")
    return lines


def _diagrams(groups: list[FindingGroup]) -> list[str]:
    lines = ["", "### Paths", ""]
    keyed = sorted(groups, key=lambda g: (g.label, g.source.kind, g.via or "", g.intent or ("", "")))
    for (label, _, via, _), alike in groupby(keyed, key=lambda g: (g.label, g.source.kind, g.via, g.intent)):
        worst = max(alike, key=lambda g: g.severity)
        through = f" through {md(via)}" if via else ""
        lines += [f"**{md(label)}** from {md(worst.source.label)}{through}", "", "```mermaid", "flowchart LR"]
        lines += _flow(worst)
        lines += ["```", ""]
    return lines


def _flow(group: FindingGroup) -> list[str]:
    nodes = []
    for index, hop in enumerate(group.path):
        label = f"{mermaid_label(hop['role'])}<br/>{mermaid_label(hop['address'] or group.label)}"
        nodes.append(f'  n{index}["{label}"]')
    edges = [f"  n{i} --> n{i + 1}" for i in range(len(group.path) - 1)]
    return nodes + edges + [f"  style n{len(group.path) - 1} stroke:#d33,stroke-width:3px"]
