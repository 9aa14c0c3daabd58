"""A check's JSON report as an HCP Terraform task result: passed or failed, a one-line message,
and one outcome per finding group that counts (the most severe first; HCP Terraform shows ten)
with severity and status tags and a Markdown body that holds the path.
"""

from __future__ import annotations

from typing import Any

from tfreach.reports.markdown import md

MAX_OUTCOMES = 10  # what the task result schema accepts
MAX_BODY = 9_000  # under the schema's 10,000 characters
RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "info", "info": "info"}


def failed(message: str) -> dict[str, Any]:
    return task_result("failed", message, [])


def task_result(status: str, message: str, outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    attributes = {"status": status, "message": message[:1000]}
    data: dict[str, Any] = {"type": "task-results", "attributes": attributes}
    if outcomes:
        data["relationships"] = {"outcomes": {"data": outcomes}}
    return {"data": data}


def from_report(report: dict[str, Any], note: str = "") -> dict[str, Any]:
    """The task result of a check that ran to its end (exit 0 or 1); `note`: how it was read."""
    summary = report["summary"]
    counting = [g for g in report["findings"] if g["suppressed"] is None and g["type"] != "NetworkExposure"]
    counting.sort(key=lambda g: (-RANK[g["severity"]], not g["certain"], g["title"]))
    status = "failed" if summary["failed"] else "passed"
    outcomes = [_outcome(g, report) for g in counting[:MAX_OUTCOMES]]
    return task_result(status, _message(summary, len(counting)) + note, outcomes)


def _message(summary: dict[str, Any], groups: int) -> str:
    severities = ", ".join(f"{n} {s}" for s, n in summary["by_severity"].items() if n)
    verdict = "fails" if summary["failed"] else "passes"
    shown = f"; the {MAX_OUTCOMES} most severe are shown" if groups > MAX_OUTCOMES else ""
    accepted = f", {summary['suppressed']} accepted" if summary["suppressed"] else ""
    return (
        f"tfreach: {summary['findings']} exposures ({severities or 'none'}{accepted}) in {groups} groups; "
        f"{verdict} at --fail-on {summary['fail_on']}{shown}"
    )


def _outcome(group: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    severity, status = group["severity"], group["status"]
    tags = {
        "Severity": [{"label": severity.capitalize(), "level": LEVEL[severity]}],
        "Status": [{"label": status.capitalize(), "level": "info"}],
        "Certainty": [{"label": "Certain" if group["certain"] else "Possible", "level": "none"}],
        "Source": [{"label": group["source"]["kind"][:32], "level": "none"}],
    }
    return {
        "type": "task-result-outcomes",
        "attributes": {
            "outcome-id": group["id"],
            "description": group["title"][:1000],
            "body": _body(group, report)[:MAX_BODY],
            "tags": tags,
        },
    }


def _body(group: dict[str, Any], report: dict[str, Any]) -> str:
    certainty = "certain" if group["certain"] else "possible"
    lines = [f"**{md(group['title'])}** ({group['status']}, {certainty})", "", "Path:", ""]
    for number, hop in enumerate(report["paths"][group["path"]], 1):
        where = md(hop["address"] or group["block"])
        rule = f": {md(hop['rule'])}" if hop.get("rule") else ""
        lines.append(f"{number}. {where} ({md(hop['role'])}){rule}")
    assumptions = [report["assumptions"][a] for a in group["assumptions"]]
    if assumptions:
        lines += ["", "It rests on:", "", *(f"- {md(a)}" for a in assumptions[:5])]
    members = list(group["members"])
    shown = ", ".join(md(m) for m in members[:20]) + (f" and {len(members) - 20} more" if len(members) > 20 else "")
    lines += ["", f"Resources ({len(members)}): {shown}", "", md(group["recommendation"])]
    return "\n".join(lines)
