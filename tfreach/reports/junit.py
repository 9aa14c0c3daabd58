"""`--format junit`: one test suite per plan, one test case per endpoint, a failure per counted
finding at or above --fail-on. JUnit is three elements deep: the standard library writes it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tfreach.questions.check import PlanResult
from tfreach.reports import ReportOptions, counted, printable
from tfreach.reports.groups import FindingGroup, finding_groups


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
    """One test case per resource block's alike resources (or per endpoint that is reached
    by nothing), a failure per counted group of findings at or above --fail-on."""
    suite = ET.Element("testsuite", name=printable(result.path))
    sections: dict[str, list[FindingGroup]] = {}
    for group in finding_groups(result):
        if group.type != "NetworkExposure":
            sections.setdefault(group.label, []).append(group)
    reached = {member for groups in sections.values() for g in groups for member in g.members}
    quiet = sorted(
        {*result.network.load_balancers, *(i.id for i in result.network.interfaces.values() if i.attached)} - reached
    )
    failures = 0
    for label in [*sorted(sections), *quiet]:
        case = ET.SubElement(suite, "testcase", classname=_classname(result.path), name=printable(label))
        groups = sections.get(label, [])
        for group in groups:
            if _fails(group, options):
                failure = ET.SubElement(case, "failure", message=printable(group.title), type=group.severity.label)
                failure.text = printable(_details(group), lines=True)
                failures += 1
        passing = [g for g in groups if not _fails(g, options)]
        if passing:
            ET.SubElement(case, "system-out").text = "\n".join(
                f"{g.severity.label} ({g.status}): {printable(g.title)}" for g in passing
            )
    suite.set("tests", str(len(sections) + len(quiet)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    return suite


def _fails(group: FindingGroup, options: ReportOptions) -> bool:
    return options.fail_on is not None and counted(group, options) and group.severity >= options.fail_on


def _classname(path: str) -> str:
    return "tfreach." + printable(path).replace("/", ".").removesuffix(".json")


def _details(group: FindingGroup) -> str:
    """Our lines, each piece of plan data escaped on its own: a line break in it stays visible."""
    certainty = "" if group.certain else ", possible"
    lines = [f"{group.severity.label}, {group.status}{certainty}: {printable(group.title)}", "path:"]
    lines += [
        f"  {hop['role']}: {printable(hop['address'] or group.label)}"
        + (f" ({printable(hop['rule'])})" if hop["rule"] else "")
        for hop in group.path
    ]
    lines += [f"assumed: {printable(a)}" for a in group.assumptions]
    lines.append(group.recommendation)
    return "\n".join(lines)
