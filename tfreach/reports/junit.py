"""`--format junit`: one test suite per plan, one test case per endpoint, a failure per counted
finding at or above --fail-on. JUnit is three elements deep: the standard library writes it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..check import PlanResult
from ..findings import Finding
from . import ReportOptions, counted, hop_address, printable


def render_junit(results: list[PlanResult], options: ReportOptions) -> str:
    suites = ET.Element("testsuites", name="tfreach")
    total = failed = 0
    for result in results:
        suite = _suite(result, options)
        suites.append(suite)
        total += int(suite.get("tests", "0"))
        failed += int(suite.get("failures", "0"))
    suites.set("tests", str(total))
    suites.set("failures", str(failed))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _suite(result: PlanResult, options: ReportOptions) -> ET.Element:
    suite = ET.Element("testsuite", name=printable(result.path))
    endpoints = sorted(
        {*result.network.load_balancers, *(i.id for i in result.network.interfaces.values() if i.attached)}
    )
    by_endpoint: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.type != "NetworkExposure":
            by_endpoint.setdefault(finding.resource, []).append(finding)
    failures = 0
    for endpoint in endpoints:
        case = ET.SubElement(suite, "testcase", classname=_classname(result.path), name=printable(endpoint))
        findings = by_endpoint.get(endpoint, [])
        for finding in findings:
            if _fails(finding, options):
                failure = ET.SubElement(case, "failure", message=printable(finding.title), type=finding.severity.label)
                failure.text = printable(_details(finding), lines=True)
                failures += 1
        quiet = [f for f in findings if not _fails(f, options)]
        if quiet:
            ET.SubElement(case, "system-out").text = printable(
                "\n".join(f"{f.severity.label} ({f.status}): {f.title}" for f in quiet), lines=True
            )
    suite.set("tests", str(len(endpoints)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    return suite


def _fails(finding: Finding, options: ReportOptions) -> bool:
    return options.fail_on is not None and counted(finding, options) and finding.severity >= options.fail_on


def _classname(path: str) -> str:
    return "tfreach." + printable(path).replace("/", ".").removesuffix(".json")


def _details(finding: Finding) -> str:
    lines = [f"{finding.severity.label}, {finding.status}: {finding.title}", "path:"]
    lines += [
        f"  {hop['role']}: {hop_address(hop, finding)}" + (f" ({hop['rule']})" if hop["rule"] else "")
        for hop in finding.path
    ]
    lines.append(finding.recommendation)
    return "\n".join(lines)
