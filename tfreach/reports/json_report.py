"""`--format json`: the contract other tools rely on (schema: reports/output_schema.json)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson

from .. import __version__
from ..catalogue import Severity
from ..check import PlanResult
from ..findings import Finding
from ..hcl.locations import Location
from . import ReportOptions, failing


def render_json(results: list[PlanResult], options: ReportOptions) -> str:
    return orjson.dumps(report(results, options), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()


def report(results: list[PlanResult], options: ReportOptions) -> dict[str, Any]:
    findings = [f for r in results for f in r.findings]
    closed = [f for r in results for f in r.closed]
    warnings = [(r.path, n) for r in results for n in r.warnings] + [("config", n) for n in options.notices]
    return {
        "tool": {"name": "tfreach", "version": __version__},
        "inputs": [_input(r) for r in results],
        "summary": _summary(results, findings, closed, options),
        "findings": [finding_json(f, r.location(f.resource)) for r in results for f in r.findings],
        "closed": [finding_json(f, r.location(f.resource)) for r in results for f in r.closed],
        "warnings": [
            {"input": source, "resource": n.resource, "attribute": n.attribute, "message": n.message, "cause": n.cause}
            for source, n in warnings
        ],
    }


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


def _summary(
    results: list[PlanResult], findings: list[Finding], closed: list[Finding], options: ReportOptions
) -> dict[str, Any]:
    severities = Counter(f.severity.label for f in findings)
    statuses = Counter(f.status for f in findings + closed)
    return {
        "findings": len(findings),
        "by_severity": {s.label: severities.get(s.label, 0) for s in sorted(Severity, reverse=True)},
        "by_type": dict(sorted(Counter(f.type for f in findings).items())),
        "by_status": {status: statuses.get(status, 0) for status in ("new", "existing", "closed")},
        "suppressed": sum(1 for f in findings if f.suppressed is not None),
        "exposed_resources": len({(f.input, f.resource) for f in findings}),
        "warnings": sum(len(r.warnings) for r in results) + len(options.notices),
        "fail_on": options.fail_on.label if options.fail_on is not None else "never",
        "new_only": options.new_only,
        "failed": failing(results, options),
    }


def finding_json(f: Finding, location: Location | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f.id,
        "type": f.type,
        "severity": f.severity.label,
        "title": f.title,
        "resource": f.resource,
        "resource_type": f.resource_type,
        "protocol": f.protocol,
        "port_range": list(f.port_range) if f.port_range else None,
        "service": f.service,
        "source": {"kind": f.source.kind, "cidrs": f.source_cidrs},
        "via": f.via,
        "status": f.status,
        "suppressed": {"by": f.suppressed.by, "reason": f.suppressed.reason} if f.suppressed else None,
        "path": f.path,
        "assumptions": f.assumptions,
        "recommendation": f.recommendation,
        "input": f.input,
    }
    if f.ranges is not None:
        out["ranges"] = f.ranges
    if location is not None:
        out["location"] = {"file": location.file, "line": location.line, "end_line": location.end_line}
    return out
