"""The shared corpus of real plans: every plan runs, and the internet answers hold.

Every expectation about the internet (directly, or through a load balancer) whose target
is an instance, ENI, auto scaling group or load balancer. VPN and peering sources and
database endpoints are not modelled yet.
"""

from __future__ import annotations

import pytest
from conftest import CORPUS, load_json
from e2e.helpers import check_json, port_findings, run_cli, sources_overlap, sources_within

PLANS = sorted(CORPUS.glob("plans/*.json")) + sorted(CORPUS.glob("public/*.json"))
ENDPOINT_TYPES = (".aws_instance.", ".aws_network_interface.", ".aws_autoscaling_group.", ".aws_lb.", ".aws_elb.")


def test_the_corpus_is_present():
    assert PLANS, f"the shared corpus is not at {CORPUS}"


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.name)
def test_every_corpus_plan_runs_without_error(plan):
    result = run_cli("check", str(plan), "--format", "json", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def internet_expectations() -> list[tuple[str, str, dict]]:
    if not (CORPUS / "expected.json").exists():
        return []
    out = []
    for name, scenario in load_json(CORPUS / "expected.json")["scenarios"].items():
        for verdict in ("reachable", "not_reachable"):
            for entry in scenario.get(verdict, []):
                internet = entry["from"].split(":")[0] in ("internet", "cidr")
                if internet and any(t in "." + entry["target"] for t in ENDPOINT_TYPES):
                    out.append((name, verdict, entry))
    return out


@pytest.mark.parametrize(
    "item", internet_expectations(), ids=lambda i: f"{i[0]}:{i[1]}:{i[2]['target']}:{i[2]['ports']}"
)
def test_internet_expectations(item):
    name, verdict, entry = item
    scenario = load_json(CORPUS / "expected.json")["scenarios"][name]
    report = check_json(CORPUS / scenario["file"])
    ports = [None] if entry["ports"] == "any" else entry["ports"]
    for port in ports:
        found = port_findings(report, entry["target"], entry["protocol"], port, via=entry.get("via"))
        if verdict == "reachable":
            if entry["from"].startswith("cidr:"):
                found = [f for f in found if sources_overlap(f, entry["from"][5:])]
            assert found, f"{entry['target']} {entry['protocol']}/{port} from {entry['from']}"
        else:
            allowed = [
                r["from"][5:]
                for r in scenario["reachable"]
                if r["target"] == entry["target"] and r["from"].startswith("cidr:")
            ]
            assert all(sources_within(f, allowed) for f in found), f"{entry['target']}: {entry.get('reason')}"
