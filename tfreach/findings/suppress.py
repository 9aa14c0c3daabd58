"""Accepted exposures: allow entries of .tfreach.yml, `tfreach:allow` tags, and baselines.

A suppressed finding stays in the report with who accepted it and why; it never fails the
run. An expired allow entry stops suppressing and says so in the warnings.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from tfreach import __version__
from tfreach.errors import InputError
from tfreach.findings.config import AllowEntry, Config
from tfreach.findings.finding import Finding, Suppression
from tfreach.model.network import LoadBalancer, NetworkInterface, Notice
from tfreach.model.packets import addresses
from tfreach.model.protocols import protocol_name, protocol_span
from tfreach.questions.check import PlanResult
from tfreach.questions.selectors import address_glob as _glob

ALLOW_TAG, REASON_TAG = "tfreach:allow", "tfreach:reason"


def apply_suppressions(
    results: list[PlanResult], config: Config, baseline: tuple[str, set[str]] | None
) -> list[Notice]:
    """Mark accepted findings; returns warnings about expired entries and unusable tags."""
    today = datetime.date.today()
    live = [entry for entry in config.allow if entry.expires is None or entry.expires >= today]
    notices = [
        Notice(
            config.path or ".tfreach.yml",
            entry.key,
            f"expired on {entry.expires}; {entry.resource} is no longer accepted",
        )
        for entry in config.allow
        if entry not in live
    ]
    for result in results:
        tags = _tag_allowances(result)
        comments = _comment_allowances(result)
        if not (live or tags or comments or baseline):
            continue  # nothing can be accepted: the findings need not be written out one by one
        ports = [f for f in result.findings if f.type != "NetworkExposure"]
        for finding in ports:
            if finding.type == "IntentViolation":  # what is accepted from outside does not accept a broken intent
                entries = [entry for entry in live if entry.source == "intent"]
                finding.suppressed = _by_config(finding, entries) or _by_baseline(finding, baseline)
                continue
            finding.suppressed = (
                _by_config(finding, live)
                or _by_tag(finding, tags)
                or _by_allowance(finding, comments, "comment")
                or _by_baseline(finding, baseline)
            )
        _settle_summaries(result.findings)
    return notices


def _by_config(finding: Finding, entries: list[AllowEntry]) -> Suppression | None:
    for entry in entries:
        if _covers(entry, finding):
            return Suppression("config", f"{entry.key}: {entry.reason}")
    return None


def _covers(entry: AllowEntry, finding: Finding) -> bool:
    if not _glob(entry.resource).fullmatch(finding.resource):
        return False
    if entry.via is not None and not (finding.via and _glob(entry.via).fullmatch(finding.via)):
        return False
    if entry.protocol not in (None, "all", finding.protocol) or entry.source not in (None, finding.source.kind):
        return False
    if entry.ports is not None and not _within(finding, entry.ports):
        return False
    return entry.cidrs is None or addresses(*finding.source_cidrs).issubset(entry.cidrs)


def _within(finding: Finding, spans: Iterable[tuple[int, int]]) -> bool:
    low, high = finding.port_range or (0, 65535)
    return any(lo <= low and high <= hi for lo, hi in spans)


Allowances = dict[str, tuple[list[tuple[str, tuple[int, int]]], str]]


def _tag_allowances(result: PlanResult) -> Allowances:
    """resource -> ([(protocol, ports)], reason) from `tfreach:allow` and `tfreach:reason` tags.

    Unusable tags become warnings of the plan.
    """
    allowances = {}
    network = result.network
    endpoints: list[NetworkInterface | LoadBalancer] = [*network.interfaces.values(), *network.load_balancers.values()]
    for endpoint in endpoints:
        value = endpoint.tags.get(ALLOW_TAG)
        if value is None:
            continue
        reason = endpoint.tags.get(REASON_TAG, "").strip()
        if not reason:
            network.notice(
                endpoint.id, "tags", f"{ALLOW_TAG} without {REASON_TAG} is ignored: a reviewer needs the reason"
            )
            continue
        try:
            allowances[endpoint.id] = (_parse_tag(value), reason)
        except ValueError as error:
            network.notice(endpoint.id, "tags", f"{ALLOW_TAG} tag ignored: {error}")  # never its value
    return allowances


def _parse_tag(value: str) -> list[tuple[str, tuple[int, int]]]:
    """ "tcp/443,tcp/80,udp/53,tcp/8000-8100,all" (a tag value cannot hold much more)."""
    out = []
    for number, item in enumerate((i.strip() for i in value.split(",") if i.strip()), 1):
        protocol, _, ports = item.partition("/")
        try:
            name = protocol_name(protocol_span(protocol))
        except ValueError:
            raise ValueError(f"entry {number} names no protocol") from None
        low, _, high = ports.partition("-")
        if ports and not (low.isdigit() and (high or low).isdigit()):
            raise ValueError(f"entry {number} is not protocol/port or protocol/from-to")
        span = (int(low), int(high or low)) if ports else (0, 65535)
        if span[0] > span[1] or span[1] > 65535:
            raise ValueError(f"entry {number} is not a port range within 0-65535")
        out.append((name, span))
    if not out:
        raise ValueError("it names no protocol/port")
    return out


def _comment_allowances(result: PlanResult) -> Allowances:
    """resource -> allowances from `# tfreach:allow tcp/443 reason: ...` comments on its block."""
    allowances: Allowances = {}
    endpoints = [*result.network.interfaces, *result.network.load_balancers]
    for endpoint in endpoints:
        location = result.location(endpoint)
        for comment in location.allowances if location else ():
            where = f"{location.file}:{comment.line}" if location else endpoint
            if not comment.reason:
                result.network.notice(where, None, f"{ALLOW_TAG} comment without 'reason: ...' is ignored")
                continue
            try:
                allowed = _parse_tag(comment.ports)
            except ValueError as error:
                result.network.notice(where, None, f"{ALLOW_TAG} {comment.ports!r} ignored: {error}")
                continue
            earlier = allowances.get(endpoint, ([], ""))
            reason = "; ".join(r for r in (earlier[1], comment.reason) if r)
            allowances[endpoint] = (earlier[0] + allowed, reason)
    return allowances


def _by_tag(finding: Finding, tags: Allowances) -> Suppression | None:
    return _by_allowance(finding, tags, "tag")


def _by_allowance(finding: Finding, allowances: Allowances, by: str) -> Suppression | None:
    allowance = allowances.get(finding.resource)
    if allowance is None:
        return None
    allowed, reason = allowance
    spans = [span for protocol, span in allowed if protocol in ("all", finding.protocol)]
    return Suppression(by, reason) if spans and _within(finding, spans) else None


def _by_baseline(finding: Finding, baseline: tuple[str, set[str]] | None) -> Suppression | None:
    if baseline is not None and finding.id in baseline[1]:
        return Suppression("baseline", f"listed in {baseline[0]}")
    return None


def _settle_summaries(findings: list[Finding]) -> None:
    """A NetworkExposure summary is suppressed when everything it sums up is."""
    parts: dict[tuple[str, str, str | None], list[Finding]] = {}
    for f in findings:
        if f.type != "NetworkExposure":
            parts.setdefault((f.resource, f.source.kind, f.via), []).append(f)
    for summary in (f for f in findings if f.type == "NetworkExposure"):
        summed = parts.get((summary.resource, summary.source.kind, summary.via), [])
        accepted = [p.suppressed for p in summed if p.suppressed is not None]
        if summed and len(accepted) == len(summed):
            summary.suppressed = Suppression(accepted[0].by, "every exposure it sums up is accepted")


def read_baseline(path: str) -> tuple[str, set[str]]:
    """The finding ids of a baseline file written by --write-baseline (or a JSON list of ids, or a
    `--format json` report)."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise InputError(path, f"is not a tfreach baseline: {error.msg} (line {error.lineno})") from None
    except UnicodeDecodeError:
        raise InputError(path, "is not a tfreach baseline: it is not UTF-8 text") from None
    entries = document.get("findings") if isinstance(document, dict) else document
    if not isinstance(entries, list):
        raise InputError(path, "is not a tfreach baseline: it has no list of findings")
    # A baseline, a list of ids, or a JSON report: a group of a grouped report gives its members' ids.
    ids = [i for e in entries for i in (_ids_in(e) if isinstance(e, dict) else [e])]
    if not all(isinstance(i, str) for i in ids):
        raise InputError(path, "is not a tfreach baseline: findings must be ids (strings)")
    return path, {str(i) for i in ids}


def _ids_in(entry: dict[str, Any]) -> list[Any]:
    """A baseline's or an expanded report's finding: its id; a group: its members' ids."""
    members = entry.get("members")
    return list(members.values()) if isinstance(members, dict) else [entry.get("id")]


def write_baseline(path: str, results: list[PlanResult]) -> None:
    """Every current finding, so that a later run with --baseline accepts exactly these."""
    findings = sorted({(f.id, f.title) for r in results for f in r.findings if f.type != "NetworkExposure"})
    document = {
        "tool": {"name": "tfreach", "version": __version__},
        "findings": [{"id": i, "title": t} for i, t in findings],
    }
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
    except OSError as error:
        raise InputError(path, f"cannot write the baseline ({error.strerror})") from None
