"""check, explain, query and the intents are views of the same traces, so they never disagree.

Over every sample plan, every corpus plan and random rule sets:
- what check reports, explain shows reachable from the same kind of source, by the same rules;
- what explain finds blocked from a kind of source, check does not report (and the converse);
- what query finds reachable from one endpoint to another, an intent forbidding it reports, and
  an intent reports nothing query does not find.
"""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import pytest
from conftest import CORPUS, REPO, SAMPLES
from hypothesis import given, settings
from robustness.test_unknown_values import acl_rules, group_rules, plan_with

from tfreach import api
from tfreach.model.packets import PORTS
from tfreach.model.protocols import protocol_span
from tfreach.questions.check import PlanResult, Settings, check_document
from tfreach.questions.explain import explain
from tfreach.questions.intents import Intent

PLANS = sorted(SAMPLES.glob("*/plan.json")) + sorted((CORPUS / "plans").glob("*.json"))
PLANS += sorted((CORPUS / "public").glob("*.json"))
# the ways in beyond a gateway (managed edges) and the ids outside the plan: their own paths
PLANS += sorted((REPO / "tests" / "inputs").glob("ways-in/*/plan.json"))
PLANS += sorted((REPO / "tests" / "inputs").glob("outside/*/plan.json"))
PLANS += sorted((REPO / "tests" / "inputs").glob("precision/*/plan.json"))
MOST = 12  # findings, endpoints and pairs asked about per plan: enough to meet every kind of path


def _ids(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _labels(rule: str | None) -> set[str]:
    return {part for part in (rule or "").split("; ") if part and not part.startswith("and ")}


def _spread(items: list, most: int = MOST) -> list:
    """At most `most` items, taken across the list (not only its first ones)."""
    step = max(1, len(items) // most)
    return items[::step][:most]


def reported_rules_are_explained(result: PlanResult) -> None:
    findings = [f for f in result.findings if f.type in ("RecognizedPort", "UnrecognizedPort") and f.port_range]
    for finding in _spread(findings):
        # explain is asked about the finding's own packets: its protocol and whole port range
        protocols = protocol_span("-1" if finding.protocol == "all" else finding.protocol)
        ports = tuple(finding.port_range) if finding.protocol != "all" else PORTS
        walked = explain(result.network, finding.resource, protocols, ports, tuple(result.sources))
        reachable = [
            w
            for w in walked
            if w.source.kind == finding.source.kind and w.via == finding.via and w.blocked_at is None and w.reached
        ]
        assert reachable, f"{finding.resource}: check reports {finding.title}, explain shows it blocked"
        wanted = [(hop["role"], _labels(hop["rule"])) for hop in finding.path[1:] if hop["rule"]]
        assert any(
            all(any(s.hop.role == role and rules <= _labels(s.rule) for s in w.steps) for role, rules in wanted)
            for w in reachable
        ), f"{finding.resource}: {finding.title}: no reachable path of explain has the rules of check's"


def blocked_is_not_reported(result: PlanResult) -> None:
    network = result.network
    endpoints = [i.id for i in network.interfaces.values() if i.attached] + list(network.load_balancers)
    # What other stacks hold (contexts, stand-ins for ids outside the plan) is crossed, never reported.
    for endpoint in _spread(sorted(e for e in endpoints if e not in network.foreign)):
        walked = api.explain(result, endpoint)
        for kind in result.sources:
            shown = any(w.reached for w in walked if w.source.kind == kind)
            reported = any(f.resource == endpoint and f.source.kind == kind for f in result.findings)
            assert shown == reported, f"{endpoint} from {kind}: explain {shown}, check {reported}"


def queries_and_intents_agree(path: Path | None, document: dict | None = None) -> None:
    result = api.analyse(path) if path is not None else check_document(document or {}, "plan.json", Settings())
    network = result.network
    endpoints = sorted({network.interfaces[i].id for i in network.interfaces if network.interfaces[i].attached})
    pairs = _spread([(s, t) for s, t in itertools.permutations(_spread(endpoints, 6), 2)])
    intents = tuple(Intent(f"{s} -> {t}", s, t) for s, t in pairs)
    if not intents:
        return
    with_intents = (
        api.analyse(path, Settings(intents=intents))
        if path is not None
        else check_document(copy.deepcopy(document or {}), "plan.json", Settings(intents=intents))
    )
    broken = {f.exposure.intent[0] for f in with_intents.findings if f.exposure.intent is not None}
    for intent in intents:
        found = any(answer.passes for answer in api.query(result, intent.source, intent.target))
        assert found == (intent.name in broken), f"{intent.name}: query {found}, intent broken {not found}"


@pytest.mark.parametrize("plan", PLANS, ids=_ids)
def test_what_check_reports_explain_shows_reachable_by_the_same_rules(plan):
    reported_rules_are_explained(api.analyse(plan))


@pytest.mark.parametrize("plan", PLANS, ids=_ids)
def test_what_explain_shows_blocked_check_does_not_report(plan):
    blocked_is_not_reported(api.analyse(plan))


@pytest.mark.parametrize("plan", PLANS, ids=_ids)
def test_what_query_finds_reachable_an_intent_forbidding_it_reports(plan):
    queries_and_intents_agree(plan)


@given(group_rules, acl_rules)
@settings(max_examples=25, deadline=None)
def test_the_questions_agree_on_random_rule_sets(group, acl):
    document = plan_with(group, acl)
    result = check_document(copy.deepcopy(document), "plan.json", Settings())
    reported_rules_are_explained(result)
    blocked_is_not_reported(result)
    queries_and_intents_agree(None, json.loads(json.dumps(document)))


def test_an_intent_about_an_instance_covers_its_secondary_interfaces():
    """An interface attached to an instance is part of it (AWS: an instance's network interfaces):
    `aws_instance.app` selects its public secondary ENI too, so query and the intent agree there."""
    plan = SAMPLES / "enis-and-eips" / "plan.json"
    intent = Intent("app stays private", "internet", "aws_instance.app")
    result = api.analyse(plan, Settings(intents=(intent,)))
    broken = {f.resource for f in result.findings if f.exposure.intent is not None}
    assert broken == {"aws_network_interface.app_public"}
    assert any(a.passes for a in api.query(result, "internet", "aws_instance.app"))
