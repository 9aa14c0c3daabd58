"""`--format gitlab`: a GitLab Code Quality report (https://docs.gitlab.com/ci/testing/code_quality/),
on the real plan tests/inputs/grouped-report, whose main.tf states the answer: web[0..2] and
worker["a", "b"] reachable from the internet on tcp/22 (high: GitLab "critical") and tcp/443
(low: "minor"); db not reachable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
from conftest import REPO
from e2e.helpers import run_cli

FOLDER = REPO / "tests" / "inputs" / "grouped-report"

# What GitLab reads of each issue (its documented Code Quality format).
CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/]"},
                    "lines": {"type": "object", "required": ["begin"], "properties": {"begin": {"minimum": 1}}},
                },
            },
        },
    },
}


def code_quality(plan: Path, *options: str) -> list[dict[str, Any]]:
    result = run_cli("check", str(plan), "--format", "gitlab", "--fail-on", "never", *options)
    assert result.returncode == 0, result.stderr
    issues: list[dict[str, Any]] = json.loads(result.stdout)
    jsonschema.validate(issues, CODE_QUALITY)
    return issues


def test_each_exposed_port_of_each_block_is_one_issue_on_its_resource_block():
    issues = code_quality(FOLDER / "plan.json")
    found = sorted((i["check_name"], i["severity"], i["location"]["lines"]["begin"]) for i in issues)
    web, worker = line_of('resource "aws_instance" "web"'), line_of('resource "aws_instance" "worker"')
    assert found == [
        ("tfreach/RecognizedPort/HTTPS", "minor", web),
        ("tfreach/RecognizedPort/HTTPS", "minor", worker),
        ("tfreach/RecognizedPort/SSH", "critical", web),
        ("tfreach/RecognizedPort/SSH", "critical", worker),
    ]
    assert {i["location"]["path"] for i in issues} == {"tests/inputs/grouped-report/main.tf"}
    assert all("aws_instance.db" not in i["description"] for i in issues)
    ssh = next(i for i in issues if i["check_name"].endswith("SSH") and i["location"]["lines"]["begin"] == web)
    assert ssh["description"].startswith("TCP port 22 (SSH) on aws_instance.web[0..2] is reachable from the internet")
    assert "aws_internet_gateway.igw" in ssh["description"]


def test_fingerprints_are_unique_and_hold_across_runs_and_while_members_change(tmp_path):
    first, second = code_quality(FOLDER / "plan.json"), code_quality(FOLDER / "plan.json")
    prints = [i["fingerprint"] for i in first]
    assert len(set(prints)) == len(prints) and prints == [i["fingerprint"] for i in second]
    config = tmp_path / ".tfreach.yml"
    config.write_text('allow:\n  - {resource: "aws_instance.web[1]", reason: the bastion reviewed in SEC-1}\n')
    fewer = code_quality(FOLDER / "plan.json", "--config", str(config))
    web_ssh = [i for i in fewer if i["description"].startswith("TCP port 22 (SSH) on aws_instance.web")]
    assert [i["description"].split(" is ")[0] for i in web_ssh] == ["TCP port 22 (SSH) on aws_instance.web[0, 2]"]
    assert web_ssh[0]["fingerprint"] in prints  # the same issue for GitLab: web[1] accepted is not an issue


def test_a_plan_without_its_sources_points_at_the_plan_file(tmp_path):
    shutil.copy(FOLDER / "plan.json", tmp_path / "plan.json")
    issues = code_quality(tmp_path / "plan.json")
    assert len(issues) == 4
    assert {(i["location"]["path"].rsplit("/", 1)[-1], i["location"]["lines"]["begin"]) for i in issues} == {
        ("plan.json", 1)
    }


def test_what_is_accepted_is_not_an_issue(tmp_path):
    baseline = tmp_path / "baseline.json"
    written = run_cli("check", str(FOLDER / "plan.json"), "-q", "--write-baseline", str(baseline))
    assert written.returncode == 1, written.stderr  # SSH from the internet: high
    assert code_quality(FOLDER / "plan.json", "--baseline", str(baseline)) == []


def line_of(text: str) -> int:
    lines = (FOLDER / "main.tf").read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(text))
