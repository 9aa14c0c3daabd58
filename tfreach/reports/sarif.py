"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One rule per finding type and port class, with help text and a `security-severity`; each
result points at the resource block in the Terraform sources when they are known (else at
the plan file) and names the resource as its logical location. Accepted findings carry a
SARIF suppression; closed ones are not problems and are left out.
"""

from __future__ import annotations

from typing import Any

import orjson

from .. import __version__
from ..catalogue import Severity
from ..check import PlanResult
from ..findings import Finding
from . import ReportOptions, hop_address, relative_path

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/tfreach/tfreach"
# GitHub reads security-severity: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, below low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def render_sarif(results: list[PlanResult], options: ReportOptions) -> str:
    rules: dict[str, dict[str, Any]] = {}
    sarif_results = []
    for result in results:
        for finding in result.findings:
            rule = _rule(finding)
            rules.setdefault(rule["id"], rule)
            sarif_results.append(_result(result, finding, rule["id"]))
    run = {
        "tool": {
            "driver": {
                "name": "tfreach",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": list(rules.values()),
            }
        },
        "results": sarif_results,
        "columnKind": "utf16CodeUnits",
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()


def rule_id(finding: Finding) -> str:
    if finding.type == "NetworkExposure":
        return "tfreach/NetworkExposure"
    if finding.protocol == "all":
        return "tfreach/AllTraffic"
    if finding.service:
        return f"tfreach/RecognizedPort/{finding.protocol}/{finding.service.replace(' ', '')}"
    return f"tfreach/UnrecognizedPort/{finding.protocol}"


def _rule(finding: Finding) -> dict[str, Any]:
    identity = rule_id(finding)
    what = {
        "tfreach/NetworkExposure": "An endpoint is reachable from outside its VPC",
        "tfreach/AllTraffic": "All traffic is reachable from outside the VPC",
    }.get(identity) or (
        f"{finding.protocol.upper()} {finding.service} is reachable from outside the VPC"
        if finding.service
        else f"{finding.protocol.upper()} ports outside the catalogue are reachable from outside the VPC"
    )
    help_text = (
        f"{what}. tfreach followed the path through gateways, route tables, network ACLs, security groups, "
        f"public addresses and load balancers, as the plan will deploy it. {finding.recommendation}"
    )
    return {
        "id": identity,
        "name": identity.split("/", 1)[1].replace("/", ""),
        "shortDescription": {"text": what},
        "fullDescription": {"text": help_text},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVEL[finding.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "tags": ["security", "network", "terraform"],
        },
    }


def _result(result: PlanResult, finding: Finding, rule: str) -> dict[str, Any]:
    block = result.location(finding.resource)
    if block is not None:
        physical = {
            "artifactLocation": {"uri": relative_path(block.file)},
            "region": {"startLine": block.line, "endLine": block.end_line},
        }
    else:
        physical = {"artifactLocation": {"uri": relative_path(result.path)}, "region": {"startLine": 1}}
    out: dict[str, Any] = {
        "ruleId": rule,
        "level": LEVEL[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": finding.resource, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {"tfreachFindingId/v1": finding.id},
        "properties": {
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "status": finding.status,
            "source": finding.source.kind,
            "sourceCidrs": finding.source_cidrs,
            "via": finding.via,
            "portRange": list(finding.port_range) if finding.port_range else None,
            "plan": result.path,
        },
    }
    if finding.suppressed is not None:
        out["suppressions"] = [
            {"kind": "external", "justification": f"{finding.suppressed.by}: {finding.suppressed.reason}"}
        ]
    return out


def _message(finding: Finding) -> str:
    hops = " -> ".join(hop_address(hop, finding) for hop in finding.path)
    return f"{finding.title} ({finding.status}). Path: {hops}. {finding.recommendation}"
