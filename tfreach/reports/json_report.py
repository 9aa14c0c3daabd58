"""`--format json`: the contract other tools rely on (schema: reports/output_schema.json).

One finding per endpoint (the default, as every version of the contract wrote it), or with
`--group` one per group of alike endpoints of one resource block (what a reviewer reads), each
member listed by address with the id of its own finding, so the report grows with the answers,
not with the endpoints. A path, shared by every member of an endpoint class, and an assumption,
shared by many findings, are written once under `paths` and `assumptions` and referenced by id.
The report is written as it goes (a large plan's report is never held whole in memory).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

import orjson

from tfreach import __version__, escape
from tfreach.findings.catalogue import Severity
from tfreach.findings.finding import Exposure, Finding, Suppression, member_ids
from tfreach.inputs.sources.locations import Location
from tfreach.model.network import Notice
from tfreach.questions.check import PlanResult
from tfreach.reports import ReportOptions, failing
from tfreach.reports.groups import FindingGroup, finding_groups

FORMAT_VERSION = "1.1"  # the major number changes when a field changes meaning or goes away


def render_json(results: list[PlanResult], options: ReportOptions, out: TextIO) -> None:
    table = _Shared()
    out.write("{\n")
    _field(out, "format_version", FORMAT_VERSION)
    _field(out, "view", "expanded" if options.expand else "grouped")
    _field(out, "tool", {"name": "tfreach", "version": __version__})
    _field(out, "inputs", [_input(r) for r in results])
    _field(out, "summary", _summary(results, options))
    if options.expand:
        _stream(out, "findings", (finding_json(f, r.location(f.resource), table) for r in results for f in r.findings))
        _stream(out, "closed", (finding_json(f, r.location(f.resource), table) for r in results for f in r.closed))
    else:
        groups = (group_json(g, r.location(g.resource), table) for r in results for g in finding_groups(r))
        _stream(out, "findings", groups)
        closed = (group_json(g, r.location(g.resource), table) for r in results for g in finding_groups(r, True))
        _stream(out, "closed", closed)
    _field(out, "paths", table.paths)
    _field(out, "assumptions", table.assumptions)
    warnings = [(r.path, n) for r in results for n in r.warnings] + [("config", n) for n in options.notices]
    _stream(out, "warnings", _warnings_expanded(warnings) if options.expand else _warnings_grouped(warnings), True)
    out.write("}\n")


def _warnings_expanded(warnings: list[tuple[str, Notice]]) -> Iterator[dict[str, Any]]:
    for source, n in warnings:
        resource, attribute, message = n.resource, n.attribute, n.message
        yield {"input": source, "resource": resource, "attribute": attribute, "message": message, "cause": n.cause}


def _warnings_grouped(warnings: list[tuple[str, Notice]]) -> Iterator[dict[str, Any]]:
    """One per message, in the order first said: the resources it is said of listed (thousands
    of instances of one block share a handful of messages)."""
    said: dict[tuple[str, str | None, str, str | None], list[str]] = {}
    for source, n in warnings:
        said.setdefault((source, n.attribute, n.message, n.cause), []).append(n.resource)
    for (source, attribute, message, cause), resources in said.items():
        yield {"input": source, "resources": resources, "attribute": attribute, "message": message, "cause": cause}


class _Shared:
    """Paths and assumptions by id: P1, P2..., A1, A2..., in the order findings first use them."""

    def __init__(self) -> None:
        self.paths: dict[str, list[dict[str, Any]]] = {}
        self.assumptions: dict[str, str] = {}
        self._path_ids: dict[tuple[int, ...], str] = {}  # hop objects are shared: a path is their identities
        self._assumption_ids: dict[str, str] = {}

    def path(self, hops: list[dict[str, Any]]) -> str:
        key = tuple(map(id, hops))
        if key not in self._path_ids:
            self._path_ids[key] = identity = f"P{len(self._path_ids) + 1}"
            self.paths[identity] = hops
        return self._path_ids[key]

    def assumption(self, text: str) -> str:
        if text not in self._assumption_ids:
            self._assumption_ids[text] = identity = f"A{len(self._assumption_ids) + 1}"
            self.assumptions[identity] = text
        return self._assumption_ids[text]


def _field(out: TextIO, name: str, value: Any) -> None:
    out.write(f'  "{name}": ')
    out.write(escape.json_text(orjson.dumps(value).decode()))
    out.write(",\n")


def _stream(out: TextIO, name: str, items: Iterable[dict[str, Any]], last: bool = False) -> None:
    out.write(f'  "{name}": [')
    separator = "\n    "
    for item in items:
        out.write(separator)
        out.write(escape.json_text(orjson.dumps(item).decode()))
        separator = ",\n    "
    out.write("\n  ]" if separator != "\n    " else "]")
    out.write("\n" if last else ",\n")


def _input(result: PlanResult) -> dict[str, Any]:
    network = result.network
    return {
        "path": result.path,
        "kind": result.mode,
        "format_version": result.format_version,
        "terraform_version": result.terraform_version,
        "resources": result.resources,
        "modelled": dict(sorted(network.modelled.items())),
        "skipped": dict(sorted(network.skipped.items())),
        "endpoints": network.endpoints(),
        "sources": result.sources,
        "compared_with_prior_state": result.compared,
    }


def _summary(results: list[PlanResult], options: ReportOptions) -> dict[str, Any]:
    """Counted over the groups (one per exposure and resource block), in findings per endpoint."""
    groups = [g for r in results for g in finding_groups(r)]
    closed = [g for r in results for g in finding_groups(r, closed=True)]
    severities: Counter[str] = Counter()
    types: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    suppressed = possible = 0
    for g in groups:
        n = len(g.members)
        severities[g.severity.label] += n
        types[g.type] += n
        statuses[g.status] += n
        suppressed += n if g.suppressed is not None else 0
        possible += 0 if g.certain else n
    statuses["closed"] = sum(len(g.members) for g in closed)
    return {
        "findings": sum(len(g.members) for g in groups),
        "groups": len(groups),
        "by_severity": {s.label: severities.get(s.label, 0) for s in sorted(Severity, reverse=True)},
        "by_type": dict(sorted(types.items())),
        "by_status": {status: statuses.get(status, 0) for status in ("new", "existing", "closed")},
        "suppressed": suppressed,
        "possible": possible,
        "exposed_resources": len({(g.input, m) for g in groups for m in g.members}),
        "warnings": sum(len(r.warnings) for r in results) + len(options.notices),
        "fail_on": options.fail_on.label if options.fail_on is not None else "never",
        "fail_on_possible": options.fail_on_possible,
        "new_only": options.new_only,
        "failed": failing(results, options),
    }


def finding_json(f: Finding, location: Location | None = None, shared: _Shared | None = None) -> dict[str, Any]:
    """One endpoint's finding (`--expand`)."""
    out: dict[str, Any] = {"id": f.id, "resource": f.resource}
    out.update(_exposure_json(f.exposure, f.title, f.suppressed, f.input, shared or _Shared()))
    return _located(out, location)


def group_json(g: FindingGroup, location: Location | None = None, shared: _Shared | None = None) -> dict[str, Any]:
    """One exposure of alike endpoints of one resource block, each member with its finding's id."""
    out: dict[str, Any] = {"id": g.id, "block": g.block}
    out.update(_exposure_json(g.exposure, g.title, g.suppressed, g.input, shared or _Shared()))
    member_id = member_ids(g.exposure)
    out["members"] = {m: member_id(m) for m in g.members}
    return _located(out, location)


def _exposure_json(
    e: Exposure, title: str, suppressed: Suppression | None, input_path: str, shared: _Shared
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": e.type,
        "severity": e.severity.label,
        "certain": e.certain,
        "title": title,
        "resource_type": e.resource_type,
        "protocol": e.protocol,
        "port_range": list(e.port_range) if e.port_range else None,
        "service": e.service,
        "source": {"kind": e.source.kind, "cidrs": e.source_cidrs},
        "via": e.via,
        "status": e.status,
        "suppressed": {"by": suppressed.by, "reason": suppressed.reason} if suppressed else None,
        "path": shared.path(e.path),
        "assumptions": [shared.assumption(a) for a in e.assumptions],
        "recommendation": e.recommendation,
        "input": input_path,
    }
    if e.ranges is not None:
        out["ranges"] = e.ranges
    if e.intent is not None:
        out["intent"] = {"name": e.intent[0], "source": e.intent[1]}
    return out


def _located(out: dict[str, Any], location: Location | None) -> dict[str, Any]:
    if location is not None:
        out["location"] = {"file": location.file, "line": location.line, "end_line": location.end_line}
    return out
