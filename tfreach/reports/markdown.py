"""`--format markdown`: a pull-request comment: counts, a table of findings, and for each
exposed endpoint a Mermaid flowchart of its path.

Everything taken from a plan (addresses, tag values, rule labels) is escaped, so that no
resource name can break the table, close a code block or inject HTML into the comment.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from ..catalogue import Severity
from ..check import PlanResult
from ..findings import Finding
from ..protocols import span_text
from . import ReportOptions, failing, hop_address
from .warnings import warning_lines

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
    """Text safe in a Markdown table cell or paragraph."""
    plain = " ".join(str(text).split())
    return "".join(_MD.get(c, c) if c.isprintable() else " " for c in plain)


def mermaid_label(text: object) -> str:
    plain = " ".join(str(text).split())
    return "".join(_MERMAID.get(c, c) if c.isprintable() else " " for c in plain)


def render_markdown(results: list[PlanResult], options: ReportOptions) -> str:
    findings = [f for r in results for f in r.findings if f.type != "NetworkExposure"]
    closed = [f for r in results for f in r.closed]
    verdict = "never fails" if options.fail_on is None else ("**fails**" if failing(results, options) else "passes")
    lines = ["## tfreach: network exposure of this plan", ""]
    lines += _counts(findings, closed)
    threshold = "" if options.fail_on is None else f" at `--fail-on {options.fail_on.label}`"
    lines += ["", f"The check {verdict}{threshold}{' (new findings only)' if options.new_only else ''}.", ""]
    if findings:
        lines += _table(findings)
        lines += _diagrams(results)
    else:
        lines.append("Nothing is reachable from outside.")
    if closed:
        lines += ["", f"### Closed by this plan ({len(closed)})", ""] + [f"- {md(f.title)}" for f in closed]
    notices = [n for r in results for n in r.warnings] + list(options.notices)
    if notices:
        lines += ["", f"<details><summary>Warnings ({len(notices)})</summary>", ""]
        lines += [f"- {md(text)}" for text in warning_lines(notices)[:100]]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _counts(findings: list[Finding], closed: list[Finding]) -> list[str]:
    severities = Counter(f.severity for f in findings if f.suppressed is None)
    statuses = Counter(f.status for f in findings)
    accepted = sum(1 for f in findings if f.suppressed)
    order = sorted(Severity, reverse=True)
    counts = [*(severities[s] for s in order), statuses["new"], statuses["existing"], len(closed), accepted]
    return [
        "| " + " | ".join(s.label for s in order) + " | new | existing | closed | accepted |",
        "|" + "---:|" * (len(order) + 4),
        "| " + " | ".join(str(c) for c in counts) + " |",
    ]


def _table(findings: list[Finding]) -> list[str]:
    lines = ["| severity | status | resource | port | from | via | finding |", "|---|---|---|---|---|---|---|"]
    for f in sorted(findings, key=lambda f: (-f.severity, f.resource, f.port_range or (0, 0))):
        port = f"{f.protocol}/{span_text(f.port_range)}" if f.port_range and f.protocol != "all" else f.protocol
        status = f"{f.status}, accepted: {f.suppressed.reason}" if f.suppressed else f.status
        cells = [f.severity.label, status, f.resource, port, ", ".join(f.source_cidrs[:3]), f.via or "", f.title]
        lines.append("| " + " | ".join(md(c) for c in cells) + " |")
    return lines


def _diagrams(results: list[PlanResult]) -> list[str]:
    lines = ["", "### Paths", ""]
    for result in results:
        ports = [f for f in result.findings if f.type != "NetworkExposure"]
        keyed = sorted(ports, key=lambda f: (f.resource, f.source.kind, f.via or ""))
        for (resource, _, via), group in groupby(keyed, key=lambda f: (f.resource, f.source.kind, f.via)):
            worst = max(group, key=lambda f: f.severity)
            through = f" through {md(via)}" if via else ""
            lines += [f"**{md(resource)}** from {md(worst.source.label)}{through}", "", "```mermaid", "flowchart LR"]
            lines += _flow(worst)
            lines += ["```", ""]
    return lines


def _flow(finding: Finding) -> list[str]:
    nodes = []
    for index, hop in enumerate(finding.path):
        label = f"{mermaid_label(hop['role'])}<br/>{mermaid_label(hop_address(hop, finding))}"
        nodes.append(f'  n{index}["{label}"]')
    edges = [f"  n{i} --> n{i + 1}" for i in range(len(finding.path) - 1)]
    return nodes + edges + [f"  style n{len(finding.path) - 1} stroke:#d33,stroke-width:3px"]
