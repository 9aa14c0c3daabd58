"""Segmentation intent through an internal load balancer (issue 28): web -> internal ALB -> app.

tests/inputs/precision/intent-through-internal-lb (a real plan): the app tier admits only the
ALB's group, the ALB admits the web tier's. AWS (ELB user guide): the ALB opens its own
connection to the target, on the target group's port, from its own addresses. So web reaches app
on tcp 8080 through the ALB, and an intent that forbids it is broken; db admits only app.
"""

from __future__ import annotations

import json

import pytest
from conftest import REPO
from e2e.helpers import run_cli

PLAN = REPO / "tests" / "inputs" / "precision" / "intent-through-internal-lb" / "plan.json"
INTENTS = """intents:
  - name: web never reaches app
    from: "tag:Tier=web"
    must_not_reach: "tag:Tier=app"
  - name: web never reaches db
    from: "tag:Tier=web"
    must_not_reach: "tag:Tier=db"
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / ".tfreach.yml"
    path.write_text(INTENTS)
    return path


def test_an_intent_is_broken_through_the_load_balancer(config):
    result = run_cli("check", str(PLAN), "--config", str(config), "--format", "json", "--expand", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    broken = [f for f in report["findings"] if f["source"]["kind"] == "intent"]
    assert [(f["resource"], f["protocol"], f["port_range"], f["certain"]) for f in broken] == [
        ("aws_instance.app", "tcp", [8080, 8080], True)
    ]
    hops = [h["address"] for h in report["paths"][broken[0]["path"]]]
    assert "aws_lb.internal" in hops and "aws_lb_target_group.app" in hops


def test_query_says_the_same():
    result = run_cli("query", str(PLAN), "--from", "aws_instance.web", "--to", "aws_instance.app", "--format", "json")
    assert result.returncode == 0, result.stderr
    [answer] = json.loads(result.stdout)["answers"]
    assert answer["reachable"] and answer["certain"]
    result = run_cli("query", str(PLAN), "--from", "aws_instance.web", "--to", "aws_instance.db", "--format", "json")
    assert not json.loads(result.stdout)["answers"][0]["reachable"]
