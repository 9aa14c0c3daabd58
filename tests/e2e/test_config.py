"""`.tfreach.yml`, tags and baselines, end to end through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import sample_plan
from e2e.helpers import run_cli, validate_output

ACCEPTED = str(sample_plan("accepted-exposures"))
NACL = str(sample_plan("nacl-heavy"))
ALB = str(sample_plan("alb-https-asg"))


def check(*args: str, config: str | None = None, tmp_path: Path | None = None) -> tuple[int, dict]:
    extra = []
    if config is not None and tmp_path is not None:
        path = tmp_path / ".tfreach.yml"
        path.write_text(config)
        extra = ["--config", str(path)]
    result = run_cli("check", *args, "--format", "json", "--expand", *extra)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    validate_output(report)
    return result.returncode, report


def accepted(report: dict) -> dict[tuple[str, int], dict]:
    return {
        (f["resource"], f["port_range"][0]): f["suppressed"]
        for f in report["findings"]
        if f["suppressed"] and f["port_range"]
    }


def test_a_tag_accepts_the_exposures_it_names_with_its_reason():
    code, report = check(ACCEPTED)
    assert accepted(report) == {
        ("aws_instance.web", 80): {"by": "tag", "reason": "public website, reviewed in SEC-123"},
        ("aws_instance.web", 443): {"by": "tag", "reason": "public website, reviewed in SEC-123"},
    }
    assert code == 1  # SSH on web is not in the tag
    messages = {(w["resource"], w["message"].split(":")[0]) for w in report["warnings"]}
    assert ("aws_instance.no_reason", "tfreach") in messages and ("aws_instance.bad_tag", "tfreach") in messages


def test_allow_entries_accept_findings_and_never_fail_the_run(tmp_path):
    config = """
allow:
  - resource: "aws_instance.*"
    protocol: tcp
    ports: 22
    source: internet
    cidrs: ["0.0.0.0/0"]
    reason: bastion access, ticket SEC-7
"""
    code, report = check(ACCEPTED, config=config, tmp_path=tmp_path)
    ssh = [f for f in report["findings"] if f["port_range"] == [22, 22]]
    assert len(ssh) == 3 and all(
        f["suppressed"] == {"by": "config", "reason": "allow[0]: bastion access, ticket SEC-7"} for f in ssh
    )
    assert report["summary"]["suppressed"] == 6  # and web's 80/443 by tag, so its summary too
    assert code == 0  # what is left is low


def test_an_allow_entry_only_covers_what_it_names(tmp_path):
    config = """
allow:
  - {resource: "aws_instance.web", protocol: udp, reason: wrong protocol}
  - {resource: "aws_instance.web", ports: "20-21", reason: wrong ports}
  - {resource: "aws_instance.web", source: vpn, reason: wrong source}
  - {resource: "aws_instance.web", cidrs: ["203.0.113.0/24"], reason: narrower than the finding}
  - {resource: "aws_instance.web?", reason: glob that does not match}
"""
    _, report = check(ACCEPTED, config=config, tmp_path=tmp_path)
    ssh = next(f for f in report["findings"] if f["resource"] == "aws_instance.web" and f["port_range"] == [22, 22])
    assert ssh["suppressed"] is None


def test_an_expired_allow_entry_stops_suppressing_and_says_so(tmp_path):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    config = f"allow:\n  - {{resource: 'aws_instance.*', ports: 22, reason: temporary, expires: {yesterday}}}\n"
    code, report = check(ACCEPTED, config=config, tmp_path=tmp_path)
    assert code == 1 and not [f for f in report["findings"] if f["port_range"] == [22, 22] and f["suppressed"]]
    assert any(w["attribute"] == "allow[0]" and "expired" in w["message"] for w in report["warnings"])


def test_fail_on_from_the_file_and_the_command_line_overrides_it(tmp_path):
    assert check(ACCEPTED, config="fail_on: critical\n", tmp_path=tmp_path)[0] == 0
    assert check(ACCEPTED, "--fail-on", "high", config="fail_on: critical\n", tmp_path=tmp_path)[0] == 1


def test_sources_from_the_file(tmp_path):
    _, report = check(ACCEPTED, config="sources: [vpn]\n", tmp_path=tmp_path)
    assert report["findings"] == [] and report["inputs"][0]["sources"] == ["vpn"]
    _, report = check(ACCEPTED, "--source", "internet", config="sources: [vpn]\n", tmp_path=tmp_path)
    assert report["findings"]


def test_new_only_from_the_file(tmp_path):
    _, report = check(ACCEPTED, config="new_only: true\n", tmp_path=tmp_path)
    assert report["summary"]["new_only"] is True
    _, report = check(ACCEPTED, "--all-findings", config="new_only: true\n", tmp_path=tmp_path)
    assert report["summary"]["new_only"] is False


def test_recognized_ports_name_your_own_services(tmp_path):
    config = "recognized_ports:\n  - {protocol: tcp, ports: 8080, service: Orders API, severity: high}\n"
    _, report = check(ALB, config=config, tmp_path=tmp_path)
    app = [f for f in report["findings"] if f["resource"] == "aws_instance.app[0]" and f["type"] != "NetworkExposure"]
    assert [(f["type"], f["service"], f["severity"]) for f in app] == [("RecognizedPort", "Orders API", "high")]


def test_ephemeral_ports_decide_which_replies_a_network_acl_lets_out(tmp_path):
    _, default = check(NACL)
    assert any(f["resource"] == "aws_instance.web" for f in default["findings"])
    # The web ACL lets replies out to 1024-65535 only: clients using lower ports get no answer.
    _, narrow = check(NACL, config="ephemeral_ports: [100, 1000]\n", tmp_path=tmp_path)
    assert not any(f["resource"] == "aws_instance.web" for f in narrow["findings"])


def test_the_nearest_config_file_is_found_from_the_current_directory(tmp_path):
    (tmp_path / ".tfreach.yml").write_text("fail_on: never\n")
    inner = tmp_path / "stacks" / "web"
    inner.mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-m", "tfreach", "check", ACCEPTED], cwd=inner, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ("fial_on: high\n", "top level: Additional properties are not allowed ('fial_on' was unexpected)"),
        (
            "allow:\n  - {resource: x, reason: r, expires: 2027-13-45}\n",
            "allow[0].expires: '2027-13-45' is not a date (YYYY-MM-DD)",
        ),
        ("allow:\n  - {resource: x, reason: r, ports: 70000}\n", "allow[0].ports"),
        (
            "allow:\n  - {resource: x, reason: r, ports: '90-80'}\n",
            "allow[0].ports: '90-80' is not a port or port range within 0-65535",
        ),
        ("allow:\n  - {resource: x}\n", "allow[0]: 'reason' is a required property"),
        ("allow:\n  - {resource: x, reason: r, cidrs: [not-a-cidr]}\n", "allow[0].cidrs: 'not-a-cidr' is not a CIDR"),
        ("sources: [internet, carrier-pigeon]\n", "sources[1]"),
        ("fail_on: [high\n", "is not valid YAML"),
    ],
)
def test_a_bad_config_names_the_file_the_key_and_the_problem(tmp_path, config, problem):
    path = tmp_path / ".tfreach.yml"
    path.write_text(config)
    result = run_cli("check", ACCEPTED, "--config", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"tfreach: error: {path}: ") and problem in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1


def test_a_baseline_accepts_every_finding_it_recorded(tmp_path):
    baseline = tmp_path / "baseline.json"
    assert run_cli("check", ACCEPTED, "--write-baseline", str(baseline)).returncode == 1
    recorded = json.loads(baseline.read_text())["findings"]
    assert recorded and all(item["id"].startswith("TFR-") for item in recorded)
    code, report = check(ACCEPTED, "--baseline", str(baseline))
    assert code == 0
    by = {f["suppressed"]["by"] for f in report["findings"] if f["suppressed"]}
    assert by == {"baseline", "tag"}  # the tag wins where both apply


@pytest.mark.parametrize("content", [b"{}", b'[{"x": 1}]', b"[[1]]", b'["caf\xe9"]'])
def test_a_bad_baseline_is_an_input_error(tmp_path, content):
    bad = tmp_path / "baseline.json"
    bad.write_bytes(content)
    result = run_cli("check", ACCEPTED, "--baseline", str(bad))
    assert result.returncode == 2 and "is not a tfreach baseline" in result.stderr
