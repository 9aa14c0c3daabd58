"""AWS Network Firewall's rule processing, as the developer guide states it.

https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-policy-processing.html
"""

from __future__ import annotations

from tfreach.aws.network_firewall import firewall_decisions
from tfreach.model.packets import ALL_ADDRESSES, PORTS, PacketSet, addresses, union_all
from tfreach.model.ways_in import Firewall, FirewallRule

TCP = (6, 6)
SUBNET = addresses("10.0.1.0/24")


def tcp(port: int, sources=ALL_ADDRESSES) -> PacketSet:
    return PacketSet.box(TCP, (port, port), sources)


def rule(action: str, port: int | None, destinations=None, exact=True) -> FirewallRule:
    matches = PacketSet.box(TCP, PORTS if port is None else (port, port), ALL_ADDRESSES)
    return FirewallRule(matches, destinations, action, f"{action} {port}", exact)


def passed(firewall: Firewall) -> PacketSet:
    return union_all(d.packets for d in firewall_decisions(firewall, SUBNET))


def test_the_first_stateless_rule_by_priority_decides():
    firewall = Firewall("fw", "aws_networkfirewall_firewall", [rule("drop", 22), rule("pass", None)], "drop")
    assert not passed(firewall) & tcp(22)
    assert tcp(443).issubset(passed(firewall))


def test_what_no_stateless_rule_matches_gets_the_default_action():
    assert not passed(Firewall("fw", "t", [], "drop"))
    assert tcp(22).issubset(passed(Firewall("fw", "t", [], "pass")))


def test_in_the_default_action_order_pass_rules_come_before_drop_rules():
    firewall = Firewall("fw", "t", [], "forward", [rule("drop", None), rule("pass", 443)])
    assert tcp(443).issubset(passed(firewall))
    assert not passed(firewall) & tcp(80)


def test_in_strict_order_the_first_rule_decides_and_the_default_takes_the_rest():
    firewall = Firewall("fw", "t", [], "forward", [rule("drop", 443), rule("pass", None)], strict_order=True)
    assert not passed(firewall) & tcp(443)
    assert tcp(80).issubset(passed(firewall))
    closed = Firewall("fw", "t", [], "forward", [rule("pass", 443)], strict_order=True, stateful_default="drop")
    assert tcp(443).issubset(passed(closed)) and not passed(closed) & tcp(80)


def test_a_drop_rule_that_may_not_match_drops_nothing():
    """Fail closed: a drop toward part of the subnet, or with attributes tfreach cannot weigh."""
    partial = Firewall("fw", "t", [rule("drop", 22, addresses("10.0.1.0/25")), rule("pass", None)], "drop")
    inexact = Firewall("fw", "t", [rule("drop", 22, exact=False), rule("pass", None)], "drop")
    assert tcp(22).issubset(passed(partial)) and tcp(22).issubset(passed(inexact))


def test_a_drop_rule_whose_port_is_a_variable_drops_nothing_and_says_so(tmp_path):
    """tests/inputs/ways-in/network-firewall: PASS tcp 443, DROP all other TCP. With the DROP's
    destination_port a rule variable ($HTTP_PORTS, which tfreach does not read), it may match
    less than all TCP: it drops nothing, and what passes rests on that assumption."""
    import json

    from conftest import REPO
    from e2e.helpers import port_findings, run_cli

    document = json.loads((REPO / "tests" / "inputs" / "ways-in" / "network-firewall" / "plan.json").read_text())
    for change in document["resource_changes"]:
        for group in change["change"].get("after", {}).get("rule_group") or []:
            for source in group.get("rules_source") or []:
                for stateful in source.get("stateful_rule") or []:
                    if stateful["action"] == "DROP":
                        stateful["header"][0]["destination_port"] = "$HTTP_PORTS"
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(document))
    report = json.loads(run_cli("check", str(plan), "--format", "json", "--fail-on", "never").stdout)
    web = port_findings(report, "aws_instance.web", "tcp", 80)
    assert web and not web[0]["certain"]
    rests_on = [report["assumptions"][a] for a in web[0]["assumptions"]]
    assert any("is not read; it matches any, drops none" in a for a in rests_on)
