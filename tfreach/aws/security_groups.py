"""Security groups: stateful, the union of every rule of every group of an interface.

- A packet is admitted when any rule of any of the interface's groups admits it; there are no
  deny rules; replies to an admitted request are always allowed (stateful).
- A rule whose source is a security group admits the private addresses of that group's members.
- Egress rules decide what may leave, toward addresses or the members of a named group.
https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html
https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
"""

from __future__ import annotations

from collections.abc import Iterable

from tfreach.aws.defaults import untouched_default_group
from tfreach.aws.outside import admitting_everything
from tfreach.aws.routing import vpc_is_outside
from tfreach.engine.hop import Decision
from tfreach.model.network import ANY_GROUP, Network, SecurityGroup, SecurityGroupRule
from tfreach.model.packets import IntervalSet


def groups_of(network: Network, group_ids: list[str], default_group: bool, vpc: str | None) -> list[SecurityGroup]:
    """The groups by id; with `default_group` (launched without any), the VPC's default group first."""
    groups = [network.security_groups[g] for g in group_ids if g in network.security_groups]
    if default_group:
        default_id = network.default_security_groups.get(vpc or "")
        if default_id in network.security_groups:
            groups.insert(0, network.security_groups[default_id])
        elif vpc_is_outside(network, vpc):  # a VPC the plan does not know: its default group's rules neither
            groups.insert(0, admitting_everything(f"default security group of {vpc or 'the VPC'}", vpc))
        else:
            groups.insert(0, untouched_default_group(vpc))
    return groups


def admitted_by_security_groups(groups: list[SecurityGroup]) -> list[Decision]:
    """Inbound permissions whose sources are addresses (CIDRs); group sources are members."""
    return [
        Decision(rule.match, rule.label, True, group.id, group.resource_type, rule.assumption)
        for group in groups
        for rule in group.ingress()
        if rule.match
    ]


def admitted_from_groups(groups: list[SecurityGroup], peers: list[str]) -> list[Decision]:
    """Inbound permissions that name one of `peers` (a load balancer's groups) as source."""
    return [
        Decision(rule.ports, rule.label, True, group.id, group.resource_type, rule.assumption)
        for group in groups
        for rule in group.ingress()
        if _names_one_of(rule, peers)
    ]


def _names_one_of(rule: SecurityGroupRule, groups: list[str]) -> bool:
    """Does the rule's source or destination name one of `groups` (or a group the plan cannot name)?"""
    return bool(set(rule.peer_groups) & set(groups)) or (ANY_GROUP in rule.peer_groups and bool(groups))


def admitted_from_members(
    groups: list[SecurityGroup],
    members: dict[str, IntervalSet],
    unions: dict[tuple[str, ...], IntervalSet] | None = None,
) -> list[Decision]:
    """Inbound permissions naming a group admit the addresses where its members live.

    `unions`: where the members of each list of groups live, remembered (rules repeat them)."""
    unions = {} if unions is None else unions
    out = []
    for group in groups:
        for rule in group.ingress():
            if not rule.peer_groups:
                continue
            peers = tuple(rule.peer_groups)
            where = unions.get(peers)
            if where is None:
                where = unions[peers] = union_of(members.get(peer) for peer in peers)
            if where:
                out.append(
                    Decision(
                        rule.ports.only_from(where), rule.label, True, group.id, group.resource_type, rule.assumption
                    )
                )
    return out


def union_of(sets: Iterable[IntervalSet | None]) -> IntervalSet:
    """One union of many address sets (spans joined once, not pair by pair)."""
    return IntervalSet([span for found in sets if found for span in found.spans])


def egress_toward(groups: list[SecurityGroup], target_groups: list[str], target: IntervalSet) -> list[Decision]:
    """Egress permissions that let a connection out to the target (its groups or addresses).

    Decisions are source-agnostic: they say which protocols and ports may leave.
    """
    return [
        Decision(rule.ports, rule.label, True, group.id, group.resource_type, rule.assumption)
        for group in groups
        for rule in group.rules
        if rule.egress and (_names_one_of(rule, target_groups) or rule.match.addresses().intersects(target))
    ]
