"""The network in one stack, the application in another (tests/inputs/split-stack, issue 27).

The network stack was applied with real terraform to a local AWS API (moto server, through
../shared/tools/localaws) and three application stacks were planned against it: with data
sources, with terraform_remote_state, and with literal ids (split-stack/regenerate.sh).

Expected from the AWS docs, written in network/main.tf and the applications' main.tf: the web
server (public subnet: public IP on launch, routed to the internet gateway) is reachable from the
internet on tcp 80 and 443; the admin host, in the network's shared bastion group (SSH from
anywhere), on tcp 22; the database (private subnet, local routes and the peering only, its ACL
admits the VPCs) on tcp 5432 from the peered VPC's subnet 10.30.1.0/24 only. Nothing else.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import Any

import pytest
from conftest import REPO
from e2e.helpers import run_cli

STACKS = REPO / "tests" / "inputs" / "split-stack"
APPS = ["app-data", "app-remote", "app-ids"]
CONTEXTS = {
    "show-json state": STACKS / "network" / "state.json",
    "raw state": STACKS / "network" / "raw-state.json",
    "folder": STACKS / "network",
}
EXPECTED = {
    ("aws_instance.web", "internet", "tcp", 80, ("0.0.0.0/0",)),
    ("aws_instance.web", "internet", "tcp", 443, ("0.0.0.0/0",)),
    ("aws_instance.admin", "internet", "tcp", 22, ("0.0.0.0/0",)),
    ("aws_instance.db", "peering", "tcp", 5432, ("10.30.1.0/24",)),
}
HINT = "give the stack that owns it with --context, or --context aws"


def _report(*args: str) -> dict[str, Any]:
    result = run_cli("check", *args, "--format", "json", "--expand", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _answers(report: dict[str, Any]) -> set[tuple[Any, ...]]:
    return {
        (f["resource"], f["source"]["kind"], f["protocol"], f["port_range"][0], tuple(f["source"]["cidrs"]))
        for f in report["findings"]
        if f["port_range"] and f["port_range"][0] == f["port_range"][1]
    }


@pytest.mark.parametrize("context", CONTEXTS, ids=list(CONTEXTS))
@pytest.mark.parametrize("app", APPS)
def test_with_the_network_stack_every_answer_is_exact_and_certain(app, context):
    report = _report(str(STACKS / app / "plan.json"), "--context", str(CONTEXTS[context]))
    assert _answers(report) == EXPECTED
    assert all(f["certain"] for f in report["findings"])
    assert report["warnings"] == []


@pytest.mark.parametrize("app", APPS)
def test_alone_every_real_exposure_is_still_reported_and_the_ids_are_named(app, tmp_path):
    alone = tmp_path / "plan.json"
    shutil.copy(STACKS / app / "plan.json", alone)
    report = _report(str(alone))
    reached = {(f["resource"], f["source"]["kind"]) for f in report["findings"]}
    assert {(e[0], e[1]) for e in EXPECTED} <= reached
    # The shared bastion group is another stack's: its rules are unknown.
    assert not any(f["certain"] for f in report["findings"] if f["resource"] == "aws_instance.admin")
    named = " ".join(w["message"] for w in report["warnings"] if HINT in w["message"])
    network = json.loads((STACKS / "network" / "state.json").read_text())
    bastion = next(
        r for r in network["values"]["root_module"]["resources"] if r["address"] == "aws_security_group.bastion"
    )
    assert bastion["values"]["id"] in named


def test_the_network_stack_own_endpoints_are_not_reported():
    """The network stack's resources are crossed by paths; its own exposures are its own report's."""
    report = _report(str(STACKS / "app-ids" / "plan.json"), "--context", str(STACKS / "network" / "state.json"))
    assert {f["resource"] for f in report["findings"]} == {"aws_instance.web", "aws_instance.admin", "aws_instance.db"}


def test_query_explain_and_intents_see_the_context(tmp_path):
    plan, state = str(STACKS / "app-ids" / "plan.json"), str(STACKS / "network" / "state.json")
    explained = run_cli("explain", plan, "aws_instance.db", "--port", "5432", "--context", state)
    assert explained.returncode == 0, explained.stderr
    assert "pcx-" in explained.stdout or "peering" in explained.stdout
    query = run_cli(
        "query",
        plan,
        "--from",
        "aws_instance.web",
        "--to",
        "aws_instance.db",
        "--port",
        "5432",
        "--format",
        "json",
        "--context",
        state,
    )
    assert query.returncode == 0, query.stderr
    answers = json.loads(query.stdout)["answers"]
    assert answers and all(a["reachable"] and a["certain"] for a in answers)
    config = tmp_path / ".tfreach.yml"
    intent = "  - name: web never reaches db\n    from: aws_instance.web\n    must_not_reach: aws_instance.db\n"
    config.write_text(f"context:\n  - {state}\nintents:\n{intent}")
    gated = run_cli("check", plan, "--config", str(config), "--format", "json", "--expand", "--fail-on", "never")
    assert gated.returncode == 0, gated.stderr
    report = json.loads(gated.stdout)
    broken = [f for f in report["findings"] if f["source"]["kind"] == "intent"]
    assert broken and all(f["certain"] for f in broken) and report["warnings"] == []


def test_a_context_that_cannot_be_read_is_an_input_error(tmp_path):
    bad = tmp_path / "network.json"
    bad.write_text('{"format_version": "1.0", "values": ')
    result = run_cli("check", str(STACKS / "app-ids" / "plan.json"), "--context", str(bad))
    assert result.returncode == 2
    assert str(bad) in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_boto3_is_not_imported_without_context_aws():
    plan, state = str(STACKS / "app-ids" / "plan.json"), str(STACKS / "network" / "state.json")
    code = (
        "import sys; from click.testing import CliRunner; from tfreach.cli import main; "
        f"r = CliRunner().invoke(main, ['check', {plan!r}, '-q', '--fail-on', 'never', '--context', {state!r}]); "
        "assert r.exit_code == 0, r.output; assert 'boto3' not in sys.modules and 'botocore' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
