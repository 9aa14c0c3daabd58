"""`--format gitlab`: a GitLab Code Quality report, shown in the merge request widget and the
diff on every GitLab tier (https://docs.gitlab.com/ci/testing/code_quality/).

One issue per group of alike endpoints that counts (not accepted, not closed; only new ones with
--new-only; possible ones unless --certain-only): `description` says what, the path, what it
rests on and what to do; `check_name` the finding type and service; `fingerprint` a digest of the
group's id (what is exposed to whom, for the resource block), so it holds across runs while
instances come and go; `severity` on GitLab's scale; `location` the resource block's file and
lines (the plan file when the sources are not at hand). Summaries (NetworkExposure) are left out:
the ports they sum up are issues of their own.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from tfreach import escape
from tfreach.findings.catalogue import Severity
from tfreach.questions.check import PlanResult
from tfreach.reports import ReportOptions, counted, relative_path
from tfreach.reports.groups import FindingGroup, described, finding_groups

# GitLab's scale is info, minor, major, critical, blocker.
GITLAB_SEVERITY = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}


def render_gitlab(results: list[PlanResult], options: ReportOptions) -> str:
    issues = [
        code_quality_issue(result, group)
        for result in results
        for group in finding_groups(result)
        if group.type != "NetworkExposure" and counted(group, options)
    ]
    return escape.json_text(orjson.dumps(issues, option=orjson.OPT_INDENT_2).decode()) + "\n"


def code_quality_issue(result: PlanResult, group: FindingGroup) -> dict[str, Any]:
    block = result.location(group.resource)
    if block is not None:
        location = {"path": relative_path(block.file), "lines": {"begin": block.line, "end": block.end_line}}
    else:
        location = {"path": relative_path(result.path), "lines": {"begin": 1}}
    return {
        "type": "issue",
        "description": described(group),
        "check_name": _check_name(group),
        "fingerprint": hashlib.sha256(group.id.encode()).hexdigest()[:32],
        "severity": GITLAB_SEVERITY[group.severity],
        "categories": ["Security"],
        "location": location,
    }


def _check_name(group: FindingGroup) -> str:
    """`tfreach/RecognizedPort/SSH`, `tfreach/UnrecognizedPort/tcp`, `tfreach/IntentViolation`."""
    if group.type == "IntentViolation":
        return "tfreach/IntentViolation"
    return f"tfreach/{group.type}/{group.service or group.protocol}"
