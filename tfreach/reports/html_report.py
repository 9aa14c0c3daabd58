"""`--format html`: one self-contained page a reviewer opens from a CI artifact.

The network as the findings cross it, drawn left to right: sources -> gateways -> subnets ->
load balancers -> endpoints, the exposed paths in colour (the rest of the plan's subnets in
grey); the findings, one row per group, filtered by severity, status, certainty and source; a
click shows a finding's hops, the rule that decided each, what it rests on, and lights its path.

Nothing is fetched: style and script are inline and the page's Content-Security-Policy forbids
every request. Names from the plan are data, never markup: the drawing escapes them, and the
script reads them from a JSON block and writes them with textContent.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import orjson

from tfreach import __version__, escape
from tfreach.questions.check import PlanResult
from tfreach.reports import ReportOptions, counted
from tfreach.reports.groups import FindingGroup, finding_groups

COLUMNS = ("sources", "gateways", "subnets", "load balancers", "endpoints")
MAX_DRAWN_GROUPS = 400  # the drawing stays readable; the table lists every group
MAX_PER_COLUMN = 150
# Hops that are rules applied on the way (drawn as the details of an edge), not places.
RULES = {
    "route back", "network ACL inbound", "network ACL outbound reply", "load balancer subnet network ACL",
    "source subnet network ACL", "security groups", "load balancer egress", "source security groups egress",
    "private address", "service port", "listener", "target group", "network firewall",
}  # fmt: skip
BALANCERS = {"aws_lb", "aws_alb", "aws_elb"}
_SLOT = re.compile(r"\{\{(title|version|svg|drawn|data)\}\}")


@dataclass
class Drawing:
    nodes: dict[str, tuple[int, bool]] = field(default_factory=dict)  # name -> (column, exposed)
    edges: dict[tuple[str, str], set[int]] = field(default_factory=dict)  # -> the groups that cross it
    exposed_edges: set[tuple[str, str]] = field(default_factory=set)  # crossed by a finding that counts

    def add_path(self, places: list[tuple[str, int]], group: int, exposed: bool) -> None:
        for name, column in places:
            before = self.nodes.get(name, (column, False))
            self.nodes[name] = (before[0], before[1] or exposed)
        for (a, _), (b, _) in itertools.pairwise(places):
            self.edges.setdefault((a, b), set()).add(group)
            if exposed:
                self.exposed_edges.add((a, b))


def render_html(results: list[PlanResult], options: ReportOptions) -> str:
    rows = [(r, g) for r in results for g in [*finding_groups(r), *finding_groups(r, closed=True)]]
    drawing = Drawing()
    for index, (_, group) in enumerate(rows[:MAX_DRAWN_GROUPS]):
        if group.status != "closed":
            drawing.add_path(places_of(group), index, counted(group, options))
    for result in results:
        for subnet in list(result.network.subnets.values())[:MAX_PER_COLUMN]:
            if not subnet.unknown:
                drawing.nodes.setdefault(subnet.id, (2, False))
    data = {
        "inputs": [r.path for r in results],
        "groups": [_group(g, options) for _, g in rows],
        "drawn": min(len(rows), MAX_DRAWN_GROUPS),
    }
    template = resources.files("tfreach.reports").joinpath("html_report.html").read_text()
    return filled(
        template,
        {
            "title": html.escape(escape.line(f"tfreach: {', '.join(r.path for r in results)}")),
            "version": html.escape(__version__),
            "svg": svg(drawing),
            "drawn": _drawn(len(rows)),
            "data": _script_json(data),
        },
    )


def _drawn(groups: int) -> str:
    """Said when the drawing leaves paths out (the table always lists every finding)."""
    if groups <= MAX_DRAWN_GROUPS:
        return ""
    return f" The drawing shows the paths of the first {MAX_DRAWN_GROUPS} of the {groups} findings below."


def filled(template: str, parts: dict[str, str]) -> str:
    """Each `{{name}}` of the template replaced in one pass: what a part holds (a name from the
    plan that reads `{{data}}`) is never filled in turn."""
    return _SLOT.sub(lambda slot: parts[slot.group(1)], template)


def places_of(group: FindingGroup) -> list[tuple[str, int]]:
    """The places a path crosses, by column: its source, gateways, the first subnet, a load
    balancer, the endpoint (a balancer's target is the endpoint: its subnet is a detail)."""
    places: list[tuple[str, int]] = []
    for hop in group.path:
        role, kind, name = hop["role"], hop["type"], hop["address"] or group.label
        if role == "source":
            column = 0
        elif kind in BALANCERS:
            column = 3
        elif role in RULES or (role == "public address" and hop["address"] is not None):
            continue
        elif kind == "aws_subnet":
            if any(c >= 2 for _, c in places):
                continue
            column = 2
        elif hop["address"] is None or role in ("target", "public endpoint", "public address"):
            column = 4
        else:
            column = 1
        if not places or places[-1][0] != name:
            places.append((name, column))
    return places


def _group(group: FindingGroup, options: ReportOptions) -> dict[str, Any]:
    """What the script shows of a group; text from the plan made visible (no control, invisible
    or bidirectional character reorders what a reviewer reads)."""
    shown = escape.line
    hops = [
        {"at": shown(h["address"] or group.label), "role": shown(h["role"]), "rule": shown(h["rule"] or "")}
        for h in group.path
    ]
    return {
        "id": group.id,
        "severity": group.severity.label,
        "status": group.status,
        "certain": group.certain,
        "source": group.source.kind,
        "type": group.type,
        "title": shown(group.title),
        "members": [shown(m) for m in group.members[:50]],
        "more": max(0, len(group.members) - 50),
        "suppressed": shown(f"{group.suppressed.by}: {group.suppressed.reason}") if group.suppressed else None,
        "counts": counted(group, options),
        "hops": hops,
        "assumptions": [shown(a) for a in group.assumptions],
        "recommendation": shown(group.recommendation),
        "places": [shown(name) for name, _ in places_of(group)],
    }


def svg(drawing: Drawing) -> str:
    """The drawing, laid out by column; a name is escaped text, its whole in a tooltip."""
    by_column: dict[int, list[str]] = {c: [] for c in range(len(COLUMNS))}
    for name, (column, _) in sorted(drawing.nodes.items(), key=lambda item: (not item[1][1], item[0])):
        by_column[column].append(name)
    at: dict[str, tuple[int, int]] = {}
    parts: list[str] = []
    for column, names in by_column.items():
        x = 10 + column * 250
        parts.append(f'<text class="head" x="{x}" y="16">{COLUMNS[column]}</text>')
        for row, name in enumerate(names[:MAX_PER_COLUMN]):
            y = 30 + row * 26
            at[name] = (x, y)
            state = "exposed" if drawing.nodes[name][1] else "quiet"
            shown = html.escape(escape.line(name if len(name) <= 30 else name[:29] + "…"))
            parts.append(
                f'<g class="node {state}" data-name="{html.escape(escape.line(name))}"><title>'
                f'{html.escape(escape.line(name))}</title><rect x="{x}" y="{y}" width="220" height="20" rx="4"/>'
                f'<text x="{x + 6}" y="{y + 14}">{shown}</text></g>'
            )
        if len(names) > MAX_PER_COLUMN:
            y = 30 + MAX_PER_COLUMN * 26
            parts.append(f'<text class="head" x="{x}" y="{y + 14}">and {len(names) - MAX_PER_COLUMN} more</text>')
    edges: list[str] = []
    for (a, b), groups in drawing.edges.items():
        if a in at and b in at:
            (x1, y1), (x2, y2) = at[a], at[b]
            exposed = (a, b) in drawing.exposed_edges
            path = f"M{x1 + 220},{y1 + 10} C{x1 + 240},{y1 + 10} {x2 - 20},{y2 + 10} {x2},{y2 + 10}"
            members = " ".join(str(g) for g in sorted(groups))
            edges.append(
                f'<path class="edge {"exposed" if exposed else "quiet"}" data-groups=" {members} " d="{path}"/>'
            )
    height = 40 + 26 * min(MAX_PER_COLUMN + 1, max((len(n) for n in by_column.values()), default=1))
    width = 10 + 250 * len(COLUMNS)
    body = "".join(edges) + "".join(parts)
    return f'<svg id="network" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">{body}</svg>'


def _script_json(data: dict[str, Any]) -> str:
    """JSON inside a <script> block: no `<`, `>` or `&` can end it or start markup."""
    text = orjson.dumps(data).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
