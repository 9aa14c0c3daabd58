"""The shared corpus of real plans: every plan runs, and the answers about outside sources hold.

Every expectation about the internet, on-premises (VPN) and peered VPCs, directly or through a
load balancer, whatever the target (instances, interfaces, groups, load balancers, databases).
`vpc` and `sg:` entries speak of traffic inside a VPC: not ours. The corpus lives beside the
repository (../shared); a clone of the repository alone skips these tests, with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import CORPUS, SHARED, load_json, needs_corpus
from e2e.helpers import check_json, port_findings, run_cli, sources_overlap, sources_within

PLANS = sorted(CORPUS.glob("plans/*.json")) + sorted(CORPUS.glob("public/*.json"))
KINDS = {"internet": "internet", "cidr": "internet", "vpn": "vpn", "peer": "peering"}


@needs_corpus
def test_the_corpus_is_present():
    assert PLANS, f"the shared corpus at {CORPUS} holds no plans"


@needs_corpus
def test_the_corpus_scores_every_answer():
    """The corpus's own scorer, on this build: every expectation and judgement call."""
    scorer = SHARED / "tools" / "score_corpus.py"
    tfreach = shutil.which("tfreach") or pytest.skip("the tfreach command is not installed")
    result = subprocess.run([sys.executable, str(scorer), tfreach], capture_output=True, text=True)
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr
    assert result.returncode == 0 and last.startswith("corpus: passed "), result.stdout[-2000:]


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.name)
def test_every_corpus_plan_runs_without_error(plan):
    result = run_cli("check", str(plan), "--format", "json", "--expand", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def internet_expectations() -> list[tuple[str, str, dict]]:
    if not (CORPUS / "expected.json").exists():
        return []
    out = []
    for name, scenario in load_json(CORPUS / "expected.json")["scenarios"].items():
        for verdict in ("reachable", "not_reachable"):
            for entry in scenario.get(verdict, []):
                if entry["from"].split(":")[0] in KINDS:
                    out.append((name, verdict, entry))
    return out


@pytest.mark.parametrize(
    "item", internet_expectations(), ids=lambda i: f"{i[0]}:{i[1]}:{i[2]['target']}:{i[2]['ports']}"
)
def test_internet_expectations(item):
    name, verdict, entry = item
    scenario = load_json(CORPUS / "expected.json")["scenarios"][name]
    report = check_json(CORPUS / scenario["file"])
    head, _, detail = entry["from"].partition(":")
    ports = [None] if entry["ports"] == "any" else entry["ports"]
    for port in ports:
        found = port_findings(report, entry["target"], entry["protocol"], port, via=entry.get("via"), kind=KINDS[head])
        if head in ("cidr", "vpn"):
            found = [f for f in found if sources_overlap(f, detail)]
        elif head == "peer":
            found = [f for f in found if any(sources_overlap(f, cidr) for cidr in vpc_cidrs(report, scenario, detail))]
        if verdict == "reachable":
            assert found, f"{entry['target']} {entry['protocol']}/{port} from {entry['from']}"
        elif head == "internet":
            allowed = [
                r["from"][5:]
                for r in scenario["reachable"]
                if r["target"] == entry["target"] and r["from"].startswith("cidr:")
            ]
            assert all(sources_within(f, allowed) for f in found), f"{entry['target']}: {entry.get('reason')}"
        else:
            assert not found, f"{entry['target']} from {entry['from']}: {entry.get('reason')}"


def vpc_cidrs(report: dict, scenario: dict, module: str) -> list[str]:
    """The CIDRs of the VPCs inside `module` (peer:module.vpc_hub)."""
    plan = load_json(CORPUS / scenario["file"])
    out, stack = [], [plan["planned_values"]["root_module"]]
    while stack:
        current = stack.pop()
        stack.extend(current.get("child_modules", []))
        out += [
            r["values"]["cidr_block"]
            for r in current.get("resources", [])
            if r["type"] == "aws_vpc" and r["address"].startswith(module + ".")
        ]
    return out
