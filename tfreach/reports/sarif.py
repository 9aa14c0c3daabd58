"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One rule per finding type, port class and severity, with help text and a `security-severity`;
one result per group of alike resources of one block, which points at the block in the
Terraform sources when they are known (else at the plan file) and names the resources as its
logical location. Accepted findings carry a SARIF suppression; closed ones are not problems and
are left out. At most 5,000 results, the most severe first.
"""

from __future__ import annotations

from typing import Any

import orjson

from tfreach import __version__, escape
from tfreach.findings.catalogue import Severity
from tfreach.questions.check import PlanResult
from tfreach.reports import ReportOptions, relative_path
from tfreach.reports.groups import FindingGroup, described, finding_groups

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


MAX_RESULTS = 5_000  # what GitHub code scanning shows of one upload (it rejects more than 25,000)


def render_sarif(results: list[PlanResult], options: ReportOptions) -> str:
    """One result per group of alike resources (closed ones are not problems), the most severe
    first, at most MAX_RESULTS; what is left out is said in the run's notifications."""
    rules: dict[str, dict[str, Any]] = {}
    groups = [(result, g) for result in results for g in finding_groups(result)]
    groups.sort(key=lambda item: (-item[1].severity, not item[1].certain, item[1].type == "NetworkExposure"))
    sarif_results = []
    for result, group in groups[:MAX_RESULTS]:
        rule = _rule(group)
        rules.setdefault(rule["id"], rule)
        sarif_results.append(_result(result, group, rule["id"]))
    run: dict[str, Any] = {
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
    if len(groups) > MAX_RESULTS:
        left = len(groups) - MAX_RESULTS
        note = f"{left} less severe results are left out (at most {MAX_RESULTS}); --format json has them all"
        run["invocations"] = [
            {"executionSuccessful": True, "toolExecutionNotifications": [{"level": "note", "message": {"text": note}}]}
        ]
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return escape.json_text(orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode())


def rule_id(finding: FindingGroup) -> str:
    """One rule per kind of finding and severity: GitHub takes a rule's severity for all its results."""
    severity = finding.severity.label
    if finding.type == "NetworkExposure":
        return "tfreach/NetworkExposure"
    if finding.type == "IntentViolation":
        return f"tfreach/IntentViolation/{severity}"
    if finding.protocol == "all":
        return f"tfreach/AllTraffic/{severity}"
    if finding.service:
        return f"tfreach/RecognizedPort/{finding.protocol}/{finding.service.replace(' ', '')}/{severity}"
    return f"tfreach/UnrecognizedPort/{finding.protocol}/{severity}"


def _rule(finding: FindingGroup) -> dict[str, Any]:
    identity = rule_id(finding)
    what = (
        "A segmentation intent of .tfreach.yml is broken"
        if finding.type == "IntentViolation"
        else "An endpoint is reachable from outside its VPC"
        if finding.type == "NetworkExposure"
        else "All traffic is reachable from outside the VPC"
        if finding.protocol == "all"
        else f"{finding.protocol.upper()} {finding.service} is reachable from outside the VPC"
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


def _result(result: PlanResult, group: FindingGroup, rule: str) -> dict[str, Any]:
    block = result.location(group.resource)
    if block is not None:
        physical = {
            "artifactLocation": {"uri": escape.uri(relative_path(block.file))},
            "region": {"startLine": block.line, "endLine": block.end_line},
        }
    else:
        physical = {"artifactLocation": {"uri": escape.uri(relative_path(result.path))}, "region": {"startLine": 1}}
    out: dict[str, Any] = {
        "ruleId": rule,
        "level": LEVEL[group.severity],
        "message": {"text": described(group)},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": group.label, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {"tfreachGroupId/v1": group.id},
        "properties": {
            "security-severity": SECURITY_SEVERITY[group.severity],
            "status": group.status,
            "certain": group.certain,
            "source": group.source.kind,
            "sourceCidrs": group.source_cidrs,
            "via": group.via,
            "portRange": list(group.port_range) if group.port_range else None,
            "resources": len(group.members),
            "plan": result.path,
        },
    }
    if group.suppressed is not None:
        out["suppressions"] = [
            {"kind": "external", "justification": escape.line(f"{group.suppressed.by}: {group.suppressed.reason}")}
        ]
    return out
