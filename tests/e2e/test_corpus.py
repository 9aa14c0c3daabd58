"""The shared corpus of real plans: every plan runs, and the direct-internet answers hold.

Answers about load balancers, VPN, peering, auto scaling groups and databases belong to
later issues; here we check every expectation whose target is an instance or ENI reached
directly (no `via`) from the internet.
"""

from __future__ import annotations

import pytest
from conftest import CORPUS, load_json
from e2e.helpers import check_json, port_findings, run_cli, sources_overlap, sources_within

PLANS = sorted(CORPUS.glob("plans/*.json")) + sorted(CORPUS.glob("public/*.json"))
DIRECT_ENDPOINT_TYPES = (".aws_instance.", ".aws_network_interface.")


def test_the_corpus_is_present():
    assert PLANS, f"the shared corpus is not at {CORPUS}"


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.name)
def test_every_corpus_plan_runs_without_error(plan):
    result = run_cli("check", str(plan), "--format", "json", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def direct_internet_expectations() -> list[tuple[str, str, dict]]:
    if not (CORPUS / "expected.json").exists():
        return []
    out = []
    for name, scenario in load_json(CORPUS / "expected.json")["scenarios"].items():
        for verdict in ("reachable", "not_reachable"):
            for entry in scenario.get(verdict, []):
                direct = "via" not in entry and entry["from"].split(":")[0] in ("internet", "cidr")
                if direct and any(t in "." + entry["target"] for t in DIRECT_ENDPOINT_TYPES):
                    out.append((name, verdict, entry))
    return out


@pytest.mark.parametrize(
    "item", direct_internet_expectations(), ids=lambda i: f"{i[0]}:{i[1]}:{i[2]['target']}:{i[2]['ports']}"
)
def test_direct_internet_expectations(item):
    name, verdict, entry = item
    scenario = load_json(CORPUS / "expected.json")["scenarios"][name]
    report = check_json(CORPUS / scenario["file"])
    ports = [None] if entry["ports"] == "any" else entry["ports"]
    for port in ports:
        found = port_findings(report, entry["target"], entry["protocol"], port)
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
