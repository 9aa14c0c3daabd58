"""SARIF, JUnit, Markdown and GitHub annotations on the sample plans, hostile names included."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, sample_plan
from e2e.helpers import run_cli
from junitparser import Failure, JUnitXml

BLOG = str(sample_plan("inspector-blog"))
HOSTILE = str(sample_plan("hostile-names"))
SARIF_SCHEMA = json.loads((REPO / "tests" / "fixtures" / "sarif-schema-2.1.0.json").read_text())


def output(plan: str, fmt: str, *args: str) -> str:
    result = run_cli("check", plan, "--format", fmt, *args)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


@pytest.mark.parametrize(
    "plan", [BLOG, HOSTILE, str(sample_plan("alb-https-asg")), str(sample_plan("update-remove-sg-rule"))]
)
def test_sarif_is_valid_against_the_official_schema(plan):
    jsonschema.validate(json.loads(output(plan, "sarif")), SARIF_SCHEMA)


def test_sarif_points_at_the_resource_block_and_names_the_resource():
    run = json.loads(output(BLOG, "sarif"))["runs"][0]
    ssh = next(r for r in run["results"] if "TCP port 22 (SSH) on aws_instance.inspector_agent" in r["message"]["text"])
    location = ssh["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("sample_plans/inspector-blog/main.tf")
    main_tf = (REPO / "sample_plans" / "inspector-blog" / "main.tf").read_text().splitlines()
    assert main_tf[location["physicalLocation"]["region"]["startLine"] - 1].startswith(
        'resource "aws_instance" "inspector_agent"'
    )
    assert location["logicalLocations"] == [{"fullyQualifiedName": "aws_instance.inspector_agent", "kind": "resource"}]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == ssh["ruleId"])
    assert rule["properties"]["security-severity"] == "8.0" and rule["help"]["text"]


def test_sarif_marks_accepted_findings_as_suppressed():
    run = json.loads(output(str(sample_plan("accepted-exposures")), "sarif"))["runs"][0]
    suppressed = [r for r in run["results"] if r.get("suppressions")]
    assert suppressed and all(s["suppressions"][0]["justification"].startswith("tag: ") for s in suppressed)


def test_junit_has_a_suite_per_plan_a_case_per_endpoint_and_a_failure_per_finding_at_fail_on(tmp_path):
    report = tmp_path / "junit.xml"
    report.write_text(output(BLOG, "junit"))
    suites = list(JUnitXml.fromfile(str(report)))
    assert [s.name for s in suites] == [BLOG]
    cases = {case.name: case for case in suites[0]}
    assert set(cases) == {
        "aws_elb.web",
        "aws_instance.inspector_agent",
        "aws_instance.inspector_noagent",
        "aws_instance.inspector_private",
        "aws_instance.web",
    }
    failures = [r for r in cases["aws_instance.inspector_agent"].result if isinstance(r, Failure)]
    assert sorted(f.message for f in failures) == [
        "TCP port 21 (FTP) on aws_instance.inspector_agent is reachable from the internet",
        "TCP port 22 (SSH) on aws_instance.inspector_agent is reachable from the internet",
    ]
    assert cases["aws_instance.inspector_private"].is_passed
    quiet = cases["aws_instance.inspector_agent"].system_out  # findings below --fail-on, a line each
    assert "\n" in quiet and "\\x0a" not in quiet


def test_markdown_has_counts_a_table_and_a_mermaid_flowchart_per_exposed_endpoint():
    text = output(BLOG, "markdown")
    assert "| critical | high | medium | low | info | new | existing | closed | accepted |" in text
    assert text.count("```mermaid") == 4  # ELB, two public instances, the web server through the ELB
    assert "flowchart LR" in text and "n0 --> n1" in text


def test_hostile_names_cannot_break_or_inject_into_the_markdown_comment():
    text = output(HOSTILE, "markdown")
    assert "<script>" not in text and "<img" not in text and "\x1b" not in text
    assert text.count("```") == 2 * text.count("```mermaid")  # only our own fences
    for line in text.splitlines():
        if line.startswith("| high |"):
            assert line.count("|") == 9  # no pipe from a name splits a cell
    for label in re.findall(r'\["(.*?)"\]', text):
        assert '"' not in label and "`" not in label


def test_hostile_names_stay_escaped_in_every_format():
    for fmt in ("table", "json", "sarif", "junit", "github"):
        text = output(HOSTILE, fmt)
        assert "\x1b" not in text and "\x07" not in text, fmt
    json.loads(output(HOSTILE, "json"))


def test_github_annotations_point_at_the_resource_line():
    *lines, summary = output(BLOG, "github").splitlines()
    assert all(re.match(r"^::(error|warning) file=[^,]+,line=\d+,endLine=\d+,title=", line) for line in lines)
    assert summary.startswith("::notice title=tfreach::12 findings counted in 12 groups")
    assert any(
        line.startswith("::error file=sample_plans/inspector-blog/main.tf,line=") and "SSH" in line for line in lines
    )


def test_annotations_escape_what_would_end_the_command():
    lines = output(HOSTILE, "github").splitlines()  # five hostile instances alike: one group, and the summary
    assert len(lines) == 2 and all("\n" not in line and "\r" not in line for line in lines)
    assert lines[0].startswith("::error ") and lines[1].startswith("::notice title=tfreach::")


def test_tf_root_gives_locations_to_a_plan_copied_elsewhere(tmp_path):
    copy = tmp_path / "plan.json"
    copy.write_text(Path(BLOG).read_text())
    run = json.loads(output(str(copy), "sarif", "--tf-root", str(REPO / "sample_plans" / "inspector-blog")))["runs"][0]
    assert all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("main.tf") for r in run["results"]
    )
