"""AWS Network Firewall: firewalls, their policies and rule groups, as packet filters.

A firewall (`aws_networkfirewall_firewall`) applies its policy's stateless rule groups (rules by
priority: match attributes, actions aws:pass / aws:drop / aws:forward_to_sfe) and stateful rule
groups (5-tuple `stateful_rule`s with PASS / DROP / REJECT / ALERT; domain lists and Suricata
rule strings, which tfreach does not read: taken as passing everything, warned). Routes through
its endpoints (the firewall named by a route's `vpc_endpoint_id`) put it in the path
(aws/network_firewall.py decides, aws/inspection.py places it).
"""

from __future__ import annotations

from typing import Any

from tfreach.families import parses
from tfreach.families.context import ParseContext
from tfreach.inputs.plan.configuration import configured_blocks, constant_of
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.packets import ALL_ADDRESSES, PORTS, PROTOCOLS, IntervalSet, PacketSet, addresses
from tfreach.model.ways_in import Firewall, FirewallRule

POLICY = frozenset({"aws_networkfirewall_firewall_policy"})
RULE_GROUP = frozenset({"aws_networkfirewall_rule_group"})
_PROTOCOLS = {"IP": None, "TCP": 6, "UDP": 17, "ICMP": 1, "ICMPV6": 58}
_UNREAD = "rules of {} that tfreach does not read (domain lists, Suricata rules): assumed to pass everything"


@parses("aws_networkfirewall_rule_group", "aws_networkfirewall_firewall_policy")
def parse_read_with_firewalls(r: ResourceInstance, ctx: ParseContext) -> None:
    """Read with the firewalls that use them."""


@parses("aws_networkfirewall_firewall", phase=1)
def parse_firewall(r: ResourceInstance, ctx: ParseContext) -> None:
    firewall = Firewall(r.address, r.type)
    ctx.network.firewalls[r.address] = firewall
    policies = ctx.candidates(r, "firewall_policy_arn", POLICY)
    policy_r = ctx.resolver.by_address.get(policies[0]) if len(policies) == 1 else None
    policy = _first(policy_r.get("firewall_policy")) if policy_r is not None else {}
    if not policy:
        firewall.stateless_default, firewall.assumptions = (
            "pass",
            [f"the policy of {r.address} is unknown; assumed to pass everything"],
        )
        return
    assert policy_r is not None
    firewall.stateless_default = _stateless_action(policy.get("stateless_default_actions"))
    options = _first(policy.get("stateful_engine_options"))
    firewall.strict_order = options.get("rule_order") == "STRICT_ORDER"
    defaults = [str(a) for a in policy.get("stateful_default_actions") or []]
    firewall.stateful_default = "drop" if any(a.startswith("aws:drop") for a in defaults) else "pass"
    for group, _ in _groups(ctx, policy_r, policy, "stateless_rule_group_reference"):
        firewall.stateless += _stateless_rules(group)
    for group, _ in _groups(ctx, policy_r, policy, "stateful_rule_group_reference"):
        firewall.stateful += _stateful_rules(group, firewall)


def _groups(
    ctx: ParseContext, policy_r: ResourceInstance, policy: dict[str, Any], block: str
) -> list[tuple[ResourceInstance, int]]:
    """The rule groups a policy references, by priority (the configuration pairs them)."""
    out = []
    configured = configured_blocks(policy_r.expressions, ("firewall_policy", 0, block))
    if configured:  # a set: what pairs a reference with its priority is the configuration
        for index, reference in enumerate(configured):
            priority = constant_of(reference, "priority")
            for address in ctx.in_configured_block(policy_r, reference, "resource_arn", RULE_GROUP):
                if address in ctx.resolver.by_address:
                    out.append((ctx.resolver.by_address[address], priority if isinstance(priority, int) else index))
        return sorted(out, key=lambda pair: pair[1])
    for index, reference in enumerate(policy.get(block) or []):
        path = ("firewall_policy", 0, block, index, "resource_arn")
        for address in ctx.in_block(policy_r, path, RULE_GROUP):
            group = ctx.resolver.by_address.get(address)
            priority = reference.get("priority") if isinstance(reference, dict) else None
            if group is not None:
                out.append((group, priority if isinstance(priority, int) else index))
    return sorted(out, key=lambda pair: pair[1])


def _stateless_rules(group: ResourceInstance) -> list[FirewallRule]:
    source = _first(_first(group.get("rule_group")).get("rules_source"))
    custom = _first(source.get("stateless_rules_and_custom_actions"))
    rules = [rule for rule in custom.get("stateless_rule") or [] if isinstance(rule, dict)]
    out = []
    for rule in sorted(rules, key=lambda rule: rule.get("priority") or 0):
        definition = _first(rule.get("rule_definition"))
        match = _first(definition.get("match_attributes"))
        protocols = [p for p in match.get("protocols") or [] if isinstance(p, int)]
        sources, exact_sources = _addresses([a.get("address_definition") for a in match.get("source") or []])
        targets, exact_targets = _addresses([a.get("address_definition") for a in match.get("destination") or []])
        matches = _box(protocols, match.get("destination_port") or [], sources)
        exact = exact_sources and exact_targets and not match.get("source_port") and not match.get("tcp_flag")
        action = _stateless_action(definition.get("actions"))
        label = f"{group.address} stateless rule {rule.get('priority')} {action}"
        out.append(FirewallRule(matches, targets if match.get("destination") else None, action, label, exact))
    return out


def _stateful_rules(group: ResourceInstance, firewall: Firewall) -> list[FirewallRule]:
    source = _first(_first(group.get("rule_group")).get("rules_source"))
    out = []
    if source.get("rules_source_list") or source.get("rules_string"):
        firewall.assumptions.append(_UNREAD.format(group.address))
        out.append(
            FirewallRule(
                PacketSet.box(PROTOCOLS, PORTS, ALL_ADDRESSES), None, "pass", f"{group.address} (not read)", False
            )
        )
    for index, rule in enumerate(r for r in source.get("stateful_rule") or [] if isinstance(r, dict)):
        header = _first(rule.get("header"))
        protocol = _PROTOCOLS.get(str(header.get("protocol") or "IP").upper())
        sources, exact_sources = _addresses([header.get("source")])
        targets, exact_targets = _addresses([header.get("destination")])
        ports = _port_range(header.get("destination_port"))
        exact = exact_sources and exact_targets and str(header.get("source_port") or "ANY").upper() == "ANY"
        exact = exact and ports is not None and str(header.get("direction") or "FORWARD").upper() in ("FORWARD", "ANY")
        span = ports or PORTS
        protocols = (protocol, protocol) if protocol is not None else PROTOCOLS
        action = {"PASS": "pass", "DROP": "drop", "REJECT": "drop"}.get(str(rule.get("action")).upper(), "alert")
        label = f"{group.address} stateful rule {index + 1} {action.upper()}"
        if ports is None or not (exact_sources and exact_targets):  # a variable, or a value not read
            firewall.assumptions.append(f"{label}: an address or port it names is not read; it matches any, drops none")
        out.append(FirewallRule(PacketSet.box(protocols, span, sources), targets, action, label, exact))
    return out


def _stateless_action(actions: Any) -> str:
    names = [str(a) for a in actions or []]
    if "aws:drop" in names:
        return "drop"
    return "pass" if "aws:pass" in names else "forward"


def _addresses(definitions: list[Any]) -> tuple[IntervalSet, bool]:
    """The addresses rule fields name ("ANY", CIDRs); a variable or an unreadable one: any, inexact."""
    found, exact = IntervalSet(), True
    for value in definitions:
        text = str(value or "ANY").strip()
        if text.upper() == "ANY":
            return ALL_ADDRESSES, exact
        try:
            found = found | addresses(text)
        except ValueError:
            return ALL_ADDRESSES, False
    return (found, exact) if definitions else (ALL_ADDRESSES, True)


def _box(protocols: list[int], ports: list[Any], sources: IntervalSet) -> PacketSet:
    pairs = [(p.get("from_port"), p.get("to_port")) for p in ports if isinstance(p, dict)]
    spans: list[tuple[int, int]] = [(a, b) for a, b in pairs if isinstance(a, int) and isinstance(b, int)] or [PORTS]
    kinds: list[tuple[int, int]] = [(p, p) for p in protocols] or [PROTOCOLS]
    out = PacketSet()
    for each in kinds:
        for span in spans:
            out = out | PacketSet.box(each, span, sources)
    return out


def _port_range(value: Any) -> tuple[int, int] | None:
    text = str(value or "ANY").strip().upper()
    if text == "ANY":
        return PORTS
    try:
        first, _, last = text.partition(":")
        return (int(first), int(last or first))
    except ValueError:
        return None


def _first(value: Any) -> dict[str, Any]:
    found = next(iter(value), None) if isinstance(value, list) else value
    return found if isinstance(found, dict) else {}


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_networkfirewall_firewall": "https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewalls.html",
    "aws_networkfirewall_firewall_policy": "https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-policy-processing.html",
    "aws_networkfirewall_rule_group": "https://docs.aws.amazon.com/network-firewall/latest/developerguide/rule-groups.html",
}
