"""AWS Network Firewall: what a firewall policy lets through toward one destination.

- The stateless engine takes its rules in priority order (rule groups by their priority, rules by
  theirs); the first whose match attributes fit decides: pass, drop, or forward to the stateful
  engine. What no rule matches gets the policy's stateless default action.
- The stateful engine, in the default action order, passes what any pass rule matches, then drops
  what a drop or reject rule matches, and lets the rest through; in strict order, rules decide in
  order and the policy's stateful default action (drop_strict, drop_established: drop) takes the
  rest. It tracks flows, so the replies of what it passes come back.
https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-policy-processing.html
https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html

Packets are (protocol, destination port, client address) toward the subnet's addresses. A rule
that may match less than it seems (source ports, TCP flags, rule variables, domain lists, Suricata
rules tfreach cannot read) is read the more exposed way: a pass or forward takes all it may
match, a drop only what it surely matches (none, unless exact).
"""

from __future__ import annotations

from tfreach.engine.hop import Decision
from tfreach.model.packets import EMPTY, EVERYTHING, IntervalSet, PacketSet, union_all
from tfreach.model.ways_in import Firewall, FirewallRule


def firewall_decisions(firewall: Firewall, destination: IntervalSet) -> list[Decision]:
    """What the firewall passes toward `destination`, as decisions naming the deciding rules."""
    decisions: list[Decision] = []
    left, forwarded = EVERYTHING, EMPTY
    for rule in firewall.stateless:
        taken = left & _matched(rule, destination)
        if not taken:
            continue
        if rule.action == "pass":
            decisions.append(_decision(firewall, taken, rule.label))
        elif rule.action == "forward":
            forwarded = forwarded | taken
        if rule.action != "drop" or rule.exact:
            left = left - taken
    if firewall.stateless_default == "pass":
        decisions.append(_decision(firewall, left, f"{firewall.id} stateless default: pass"))
    elif firewall.stateless_default == "forward":
        forwarded = forwarded | left
    return decisions + _stateful(firewall, forwarded, destination)


def _stateful(firewall: Firewall, packets: PacketSet, destination: IntervalSet) -> list[Decision]:
    if not packets:
        return []
    if firewall.strict_order:
        return _strict(firewall, packets, destination)
    out, dropped = [], EMPTY
    for rule in firewall.stateful:
        taken = packets & _matched(rule, destination)
        if rule.action == "pass" and taken:
            out.append(_decision(firewall, taken, rule.label))
        elif rule.action == "drop" and rule.exact:
            dropped = dropped | taken
    passed = union_all(d.packets for d in out) if out else EMPTY
    rest = packets - dropped - passed
    if rest:
        out.append(_decision(firewall, rest, f"{firewall.id}: no stateful rule drops it"))
    return out


def _strict(firewall: Firewall, packets: PacketSet, destination: IntervalSet) -> list[Decision]:
    out, left = [], packets
    for rule in firewall.stateful:
        taken = left & _matched(rule, destination)
        if not taken or rule.action == "alert":
            continue
        if rule.action == "pass":
            out.append(_decision(firewall, taken, rule.label))
        if rule.action != "drop" or rule.exact:
            left = left - taken
    if left and firewall.stateful_default == "pass":
        out.append(_decision(firewall, left, f"{firewall.id} stateful default: pass"))
    return out


def _matched(rule: FirewallRule, destination: IntervalSet) -> PacketSet:
    """What the rule matches toward the destination: a drop only when it holds all of it."""
    if rule.destinations is None:
        return rule.matches
    if rule.action == "drop":
        return rule.matches if destination.issubset(rule.destinations) else EMPTY
    return rule.matches if rule.destinations.intersects(destination) else EMPTY


def _decision(firewall: Firewall, packets: PacketSet, label: str) -> Decision:
    assumption = "; ".join(firewall.assumptions) or None
    return Decision(packets, label, True, firewall.id, firewall.resource_type, assumption)
