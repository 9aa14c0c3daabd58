"""`--format json --group`: one finding per exposure of alike endpoints of one resource block,
each member listed with the id its own finding has; the default is the per-endpoint view.

tests/inputs/grouped-report/main.tf states the answer from the AWS rules before the code ran:
web[0..2] and worker["a", "b"] (public IPv4 address, a route to the internet gateway, tcp/22 and
tcp/443 open to 0.0.0.0/0) are reachable on both ports; db (no route to the gateway) is not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import REPO
from e2e.helpers import run_cli, validate_output

PLAN = REPO / "tests" / "inputs" / "grouped-report" / "plan.json"
WEB = ["aws_instance.web[0]", "aws_instance.web[1]", "aws_instance.web[2]"]
WORKER = ['aws_instance.worker["a"]', 'aws_instance.worker["b"]']


def report(*options: str, plan: Path = PLAN) -> dict[str, Any]:
    command = ["-m", "tfreach", "check", str(plan), "--format", "json", "--fail-on", "never", *options]
    result = subprocess.run([sys.executable, *command], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    validate_output(out)
    return dict(out)


def ports_of(groups: list[dict[str, Any]], block: str) -> dict[tuple[str, int], list[str]]:
    return {
        (g["protocol"], g["port_range"][0]): sorted(g["members"])
        for g in groups
        if g["block"] == block and g["type"] != "NetworkExposure"
    }


def test_alike_instances_of_one_block_are_one_finding_per_port_listing_them():
    grouped = report("--group")
    assert grouped["format_version"].startswith("1.") and grouped["view"] == "grouped"
    assert ports_of(grouped["findings"], "aws_instance.web") == {("tcp", 22): WEB, ("tcp", 443): WEB}
    assert ports_of(grouped["findings"], "aws_instance.worker") == {("tcp", 22): WORKER, ("tcp", 443): WORKER}
    assert not [g for g in grouped["findings"] if g["block"] == "aws_instance.db"]
    ssh = next(g for g in grouped["findings"] if g["block"] == "aws_instance.web" and g["port_range"] == [22, 22])
    assert ssh["title"] == "TCP port 22 (SSH) on aws_instance.web[0..2] is reachable from the internet"
    assert ssh["id"].startswith("TFRG-") and ssh["certain"] and ssh["severity"] == "high"


def test_each_member_keeps_the_id_of_its_own_finding():
    grouped, expanded = report("--group"), report("--expand")
    assert expanded["view"] == "expanded"
    members = {member for group in grouped["findings"] for member in group["members"].items()}
    assert members == {(f["resource"], f["id"]) for f in expanded["findings"]}
    assert grouped["summary"] == expanded["summary"]
    assert grouped["summary"]["findings"] == len(members) and grouped["summary"]["groups"] == len(grouped["findings"])


def test_the_default_stays_one_finding_per_endpoint_for_the_tools_that_read_it():
    default = report()
    assert default["view"] == "expanded" and all("resource" in f for f in default["findings"])
    assert default["findings"] == report("--expand")["findings"]


def test_a_baseline_accepts_each_member_and_a_grouped_report_serves_as_one(tmp_path):
    baseline = tmp_path / "baseline.json"
    written = run_cli("check", str(PLAN), "-q", "--fail-on", "never", "--write-baseline", str(baseline))
    assert written.returncode == 0, written.stderr
    saved = tmp_path / "report.json"
    saved.write_text(json.dumps(report("--group")))
    for accepted in (baseline, saved):
        again = report("--group", "--baseline", str(accepted))
        assert again["summary"]["suppressed"] == again["summary"]["findings"] - summaries(again)
        assert run_cli("check", str(PLAN), "-q", "--baseline", str(accepted)).returncode == 0


def test_a_member_accepted_on_its_own_leaves_the_group_it_was_in(tmp_path):
    config = tmp_path / ".tfreach.yml"
    allow = '{resource: "aws_instance.web[1]", protocol: tcp, ports: 22, reason: the bastion reviewed in SEC-1}'
    config.write_text(f"allow:\n  - {allow}\n")
    grouped = report("--group", "--config", str(config))
    ssh = [g for g in grouped["findings"] if g["block"] == "aws_instance.web" and g["port_range"] == [22, 22]]
    by_acceptance = {bool(g["suppressed"]): sorted(g["members"]) for g in ssh}
    assert by_acceptance == {False: [WEB[0], WEB[2]], True: [WEB[1]]}


def summaries(out: dict[str, Any]) -> int:
    """NetworkExposure summaries are accepted only with every exposure they sum up."""
    return int(out["summary"]["by_type"].get("NetworkExposure", 0)) - sum(
        len(g["members"]) for g in out["findings"] if g["type"] == "NetworkExposure" and g["suppressed"]
    )
