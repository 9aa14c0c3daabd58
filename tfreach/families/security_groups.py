"""Security groups: inline rules, the three kinds of separate rule resources, the default group.

Every value a rule is made of is read through parsers/unknowns.py: what cannot be known or read
widens the rule (a gate fails closed), it never drops it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tfreach.families import finishes, parses, unknowns, when_unreadable
from tfreach.families.context import (
    PREFIX_LIST,
    SECURITY_GROUP,
    SUBNET,
    VPC,
    ParseContext,
    as_bool,
    known_list,
    path_text,
)
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import ANY_GROUP, SecurityGroup, SecurityGroupRule
from tfreach.model.packets import ALL_ADDRESSES, IntervalSet, PacketSet, addresses
from tfreach.model.protocols import describe, port_range_problem, protocol_span

_IPV4_ANY, _IPV6_ANY = unknowns.ANY_IPV4, unknowns.ANY_IPV6
_OWN_BLOCKS = VPC | SUBNET  # a CIDR taken from them is not a source outside the VPC


@dataclass
class _Permission:
    """A rule in one shape, whichever resource wrote it."""

    protocol: Any
    from_port: Any
    to_port: Any
    cidrs: list[str] = field(default_factory=list)
    peer_groups: list[str] = field(default_factory=list)
    prefix_lists: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    at: str = ""  # where the rule sits in its resource ("ingress[2]."), for warnings

    def assume(self, assumption: str | None) -> None:
        if assumption and assumption not in self.assumptions:
            self.assumptions.append(assumption)


@parses("aws_security_group")
def parse_security_group(r: ResourceInstance, ctx: ParseContext) -> None:
    group = SecurityGroup(r.address, r.type, ctx.one(r, "vpc_id", VPC) if ctx.is_set(r, "vpc_id") else None)
    ctx.network.security_groups[r.address] = group
    _add_inline_rules(r, ctx, group)


@parses("aws_default_security_group")
def parse_default_security_group(r: ResourceInstance, ctx: ParseContext) -> None:
    """Terraform removes every rule of the adopted default group that is not configured."""
    vpcs = ctx.candidates(r, "vpc_id", VPC) if ctx.is_set(r, "vpc_id") else []
    group = SecurityGroup(r.address, r.type, vpcs[0] if len(vpcs) == 1 else None)
    ctx.network.security_groups[r.address] = group
    for vpc in vpcs:  # ambiguous: it may be the default group of each (its rules replace members-only)
        ctx.network.default_security_groups[vpc] = r.address
    _add_inline_rules(r, ctx, group)


@when_unreadable("aws_security_group", "aws_default_security_group")
def unreadable_group(r: ResourceInstance, ctx: ParseContext) -> str:
    group = ctx.network.security_groups.setdefault(r.address, SecurityGroup(r.address, r.type, None))
    for egress in (False, True):
        group.rules.append(_everything(r.address, egress, "its rules cannot be read"))
    return "to admit everything from anywhere, and to send anywhere"


@when_unreadable("aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")
def unreadable_rule(r: ResourceInstance, ctx: ParseContext) -> str:
    """A rule that cannot be read allows everything, in its group when it can be told, else in any."""
    try:
        groups = _groups_of_rule(r, ctx)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        groups = []
    groups = groups or list(ctx.network.security_groups.values())
    for egress in (False, True):
        _share(groups, _everything(r.address, egress, "this rule cannot be read"))
    return "to allow everything both ways" + ("" if len(groups) == 1 else ", in every group it may belong to")


def _everything(owner: str, egress: bool, why: str) -> SecurityGroupRule:
    everything = PacketSet.box((0, 255), (0, 65535), ALL_ADDRESSES)
    label = f"{owner} {'egress' if egress else 'ingress'} all (assumed: {why})"
    return SecurityGroupRule(egress, everything, label, everything, assumption=f"{why}; assumed to allow everything")


@parses("aws_security_group_rule", phase=1)
def parse_security_group_rule(r: ResourceInstance, ctx: ParseContext) -> None:
    groups = _groups_of_rule(r, ctx)
    for egress in _directions(r, ctx):
        if as_bool(r.get("self")):  # it names its own group: one rule per candidate group
            for group in groups:
                _add(ctx, group, r.address, egress, _rule_permission(r, ctx, group, [group]))
        elif groups:  # the same rule for every candidate group: read once
            _share(groups, _rule(ctx, r.address, egress, _rule_permission(r, ctx, None, groups)))


def _directions(r: ResourceInstance, ctx: ParseContext) -> list[bool]:
    """`type` is ingress or egress; when it is not known, the rule may be either."""
    kind = r.get("type")
    if kind in ("ingress", "egress"):
        return [kind == "egress"]
    problem = "is known only after apply" if r.is_unknown("type") else "is not ingress or egress"
    unknowns.warn(ctx, r.address, "type", f"type {problem}: assumed both directions", unknowns.UNKNOWN_RULES)
    return [False, True]


def _rule_permission(
    r: ResourceInstance, ctx: ParseContext, group: SecurityGroup | None, groups: list[SecurityGroup]
) -> _Permission:
    values = unknowns.marked(r.values, r.unknown, ("protocol", "from_port", "to_port"))
    permission = _Permission(values.get("protocol"), values.get("from_port"), values.get("to_port"))
    for attribute, whole in (("cidr_blocks", _IPV4_ANY), ("ipv6_cidr_blocks", _IPV6_ANY)):
        permission.cidrs += _listed(ctx, r.address, r.get(attribute), attribute, whole)
        if _has_unknown(r.unknown.get(attribute)) and ctx.resolver.set_after_apply(r, (attribute,)):
            _unknown_cidr(r, ctx, (attribute,), whole, permission, groups)
    permission.prefix_lists = _prefix_lists(r, ctx, ("prefix_list_ids",))
    if as_bool(r.get("self")) and group is not None:
        permission.peer_groups.append(group.id)
    if ctx.is_set(r, "source_security_group_id"):
        permission.peer_groups += _peer_groups(r, ctx, ("source_security_group_id",))
    return permission


@parses("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", phase=1)
def parse_vpc_security_group_rule(r: ResourceInstance, ctx: ParseContext) -> None:
    groups = _groups_of_rule(r, ctx)
    if groups:
        _share(groups, _rule(ctx, r.address, r.type.endswith("egress_rule"), _vpc_rule_permission(r, ctx, groups)))


def _vpc_rule_permission(r: ResourceInstance, ctx: ParseContext, groups: list[SecurityGroup]) -> _Permission:
    values = unknowns.marked(r.values, r.unknown, ("ip_protocol", "from_port", "to_port"))
    permission = _Permission(values.get("ip_protocol"), values.get("from_port"), values.get("to_port"))
    for attribute, whole in (("cidr_ipv4", _IPV4_ANY), ("cidr_ipv6", _IPV6_ANY)):
        if r.get(attribute):
            permission.cidrs.append(r.get(attribute))
        elif ctx.configured(r, attribute):
            _unknown_cidr(r, ctx, (attribute,), whole, permission, groups)
    if r.get("prefix_list_id") or ctx.configured(r, "prefix_list_id"):
        permission.prefix_lists = _prefix_lists(r, ctx, ("prefix_list_id",))
    if ctx.is_set(r, "referenced_security_group_id"):
        permission.peer_groups += _peer_groups(r, ctx, ("referenced_security_group_id",))
    return permission


def _groups_of_rule(r: ResourceInstance, ctx: ParseContext) -> list[SecurityGroup]:
    """The group a separate rule belongs to; when ambiguous, each candidate gets it."""
    groups = ctx.network.security_groups
    return [groups[g] for g in ctx.candidates(r, "security_group_id", SECURITY_GROUP) if g in groups]


def _add_inline_rules(r: ResourceInstance, ctx: ParseContext, group: SecurityGroup) -> None:
    for direction in ("ingress", "egress"):
        if r.is_unknown(direction):
            if ctx.configured(r, direction):
                assumption = unknowns.unknown_rules(ctx, r.address, direction)
                everything = _Permission("-1", 0, 0, [_IPV4_ANY, _IPV6_ANY], assumptions=[assumption])
                _add(ctx, group, r.address, direction == "egress", everything)
            continue  # computed only: the separate rule resources are the rules
        stale = _stale_sources(r, ctx, direction == "egress")
        for index, entry in unknowns.rule_blocks(ctx, r, direction, _INLINE_KEYS):
            if entry is None:
                unreadable = f"{direction}[{index}] cannot be read; assumed to allow everything"
                everything = _Permission("-1", 0, 0, [_IPV4_ANY, _IPV6_ANY], assumptions=[unreadable])
                _add(ctx, group, r.address, direction == "egress", everything)
                continue
            permission = _inline_permission(r, ctx, group, direction, index, entry)
            if _drop_stale(permission, stale):
                _add(ctx, group, r.address, direction == "egress", permission)


_INLINE_KEYS = ("protocol", "from_port", "to_port")  # required in every block, by the provider's schema


def _inline_permission(
    r: ResourceInstance, ctx: ParseContext, group: SecurityGroup, direction: str, index: int, entry: dict[str, Any]
) -> _Permission:
    flags = r.unknown_node((direction, index))
    values = unknowns.marked(entry, flags, ("protocol", "from_port", "to_port"))
    permission = _Permission(values.get("protocol"), values.get("from_port"), values.get("to_port"))
    at = permission.at = f"{direction}[{index}]."
    for attribute, whole in (("cidr_blocks", _IPV4_ANY), ("ipv6_cidr_blocks", _IPV6_ANY)):
        permission.cidrs += _listed(ctx, r.address, entry.get(attribute), at + attribute, whole)
        if isinstance(flags, dict) and _has_unknown(flags.get(attribute)):
            _unknown_cidr(r, ctx, (direction, index, attribute), whole, permission, [group])
    permission.prefix_lists = _prefix_lists(r, ctx, (direction, index, "prefix_list_ids"))
    named = _listed(ctx, r.address, entry.get("security_groups"), at + "security_groups", ANY_GROUP)
    permission.peer_groups = [g for g in named if g != r.get("id")]
    permission.peer_groups = [
        ctx.resolver.address_of_id(g) or g if isinstance(g, str) else ANY_GROUP for g in permission.peer_groups
    ]
    if (entry.get("self") is not False and entry.get("self") is not None) or r.get("id") in named:
        permission.peer_groups.append(group.id)
    if isinstance(flags, dict) and _has_unknown(flags.get("security_groups")):
        # Inline blocks share one reference list: it names the groups of every block.
        permission.peer_groups += _peer_groups(r, ctx, (direction, index, "security_groups"))
    return permission


def _listed(ctx: ParseContext, owner: str, value: Any, at: str, widened: str) -> list[Any]:
    """A rule's list of sources; one that is not a list (or not a list of strings) may be any."""
    found = unknowns.value_list(ctx, owner, value, at, widened, unknowns.UNREADABLE_CIDR)
    if any(not isinstance(v, str) for v in found):
        unknowns.warn(
            ctx, owner, None, f"{at} holds a value that is not a string; assumed {widened}", unknowns.UNREADABLE_CIDR
        )
        return [v if isinstance(v, str) else widened for v in found]
    return found


def _unknown_cidr(
    r: ResourceInstance,
    ctx: ParseContext,
    path: tuple[str | int, ...],
    whole: str,
    permission: _Permission,
    groups: list[SecurityGroup],
) -> None:
    own = frozenset(g.vpc for g in groups if g.vpc is not None) if all(g.vpc for g in groups) else frozenset()
    cidrs, assumption = unknowns.unknown_cidr(ctx, r, path, whole, _OWN_BLOCKS, own)
    permission.cidrs += cidrs
    permission.assume(assumption)


def _peer_groups(r: ResourceInstance, ctx: ParseContext, path: tuple[str | int, ...]) -> list[str]:
    """Source groups; one the plan cannot name may be any group (a load balancer's included)."""
    link = ctx.resolver.link(r, path, SECURITY_GROUP)
    found = ctx.many(r, path, SECURITY_GROUP) + list(link.external)
    return found + ([ANY_GROUP] if not link.complete and link.configured else [])


def _prefix_lists(r: ResourceInstance, ctx: ParseContext, path: tuple[str | int, ...]) -> list[str]:
    """Prefix lists by identity: the plan's own lists by address, others by id, unresolved ones by owner."""
    value = r.value_at(path)
    if value is not None and not isinstance(value, list):  # not what terraform writes: never quoted
        message = f"{path_text(path)} is not a list of prefix list ids; assumed any prefix list"
        unknowns.warn(ctx, r.address, None, message, unknowns.UNREADABLE_CIDR)
        return [f"unresolved prefix list of {r.address}"]
    listed = value if isinstance(value, list) else [value]
    known = [v for v in listed if isinstance(v, str) and v]
    found = [ctx.resolver.address_of_id(v) or v for v in known]
    if any(v is not None and not isinstance(v, str) for v in listed):
        found.append(f"unresolved prefix list of {r.address}")  # not an id: it may be any list
    if _has_unknown(r.unknown_node(path)):
        link = ctx.resolver.link(r, path, PREFIX_LIST)
        found += [a for a in link.addresses if a not in found]
        if not link.complete:
            found.append(f"unresolved prefix list of {r.address}")
    return found


def _has_unknown(flags: Any) -> bool:
    return flags is True or (isinstance(flags, list) and True in flags)


_SEPARATE_RULES = frozenset(
    {"aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"}
)


def _stale_sources(r: ResourceInstance, ctx: ParseContext, egress: bool) -> dict[tuple[str, str, str], set[str]]:
    """(protocol, from, to) -> sources of separate rules of this group that the plan deletes."""
    stale: dict[tuple[str, str, str], set[str]] = {}
    for rule in ctx.removed_from(r, _SEPARATE_RULES, "security_group_id"):
        rule_egress = rule.get("type") == "egress" or rule.type.endswith("egress_rule")
        if rule_egress != egress:
            continue
        protocol = rule.get("protocol") if rule.type == "aws_security_group_rule" else rule.get("ip_protocol")
        key = (_protocol_key(protocol), str(rule.get("from_port")), str(rule.get("to_port")))
        sources = known_list(rule.get("cidr_blocks")) + known_list(rule.get("ipv6_cidr_blocks"))
        named = ("cidr_ipv4", "cidr_ipv6", "source_security_group_id", "referenced_security_group_id")
        sources += [v for v in (rule.get(a) for a in named) if v]
        if rule.get("self"):
            sources.append(r.address)
        stale.setdefault(key, set()).update(ctx.resolver.address_of_id(s) or s for s in sources)
    return stale


def _drop_stale(permission: _Permission, stale: dict[tuple[str, str, str], set[str]]) -> bool:
    """Remove the sources that came from deleted separate rules; False when nothing is left."""
    gone = stale.get((_protocol_key(permission.protocol), str(permission.from_port), str(permission.to_port)))
    if not gone:
        return True
    permission.cidrs = [c for c in permission.cidrs if c not in gone]
    permission.peer_groups = [g for g in permission.peer_groups if g not in gone]
    return bool(permission.cidrs or permission.peer_groups or permission.prefix_lists)


def _protocol_key(protocol: Any) -> str:
    try:
        return str(protocol_span(protocol))
    except ValueError:
        return str(protocol)


def _add(ctx: ParseContext, group: SecurityGroup, owner: str, egress: bool, permission: _Permission) -> None:
    group.rules.append(_rule(ctx, owner, egress, permission))


def _share(groups: list[SecurityGroup], rule: SecurityGroupRule) -> None:
    """A separate rule whose group is one of several candidates: each may have it."""
    for group in groups:
        group.rules.append(rule)


def _rule(ctx: ParseContext, owner: str, egress: bool, permission: _Permission) -> SecurityGroupRule:
    at = permission.at
    protocols, assumption = unknowns.protocol(ctx, owner, permission.protocol, at=at)
    permission.assume(assumption)
    ports, assumption = unknowns.ports(ctx, owner, protocols, permission.from_port, permission.to_port, at=at)
    permission.assume(assumption)
    problem = None if assumption else port_range_problem(protocols, permission.from_port, permission.to_port)
    if problem:
        ctx.network.notice(owner, None, f"security group rule {at.rstrip('.')}: {problem}".replace("rule :", "rule:"))
    cidrs, assumption = unknowns.readable_cidrs(ctx, owner, permission.cidrs, at=at)
    permission.assume(assumption)
    sources = [*cidrs, *permission.peer_groups, *permission.prefix_lists]
    direction = "egress" if egress else "ingress"
    peers = ", ".join(sources) or "nothing"
    label = f"{owner} {direction} {describe(protocols, ports)} {'to' if egress else 'from'} {peers}"
    rule = SecurityGroupRule(
        egress,
        PacketSet.box(protocols, ports, addresses(*cidrs) if cidrs else IntervalSet()),
        label,
        PacketSet.box(protocols, ports, ALL_ADDRESSES),
        permission.peer_groups,
        permission.prefix_lists,
        "; ".join(permission.assumptions) or None,
    )
    if rule.prefix_lists:
        ctx.prefix_list_rules.append((owner, rule))
    return rule


@finishes
def settle_prefix_lists(ctx: ParseContext) -> None:
    """Rules naming prefix lists match the lists' entries (any address when they are unknown);
    read once every entry is, whichever resource adds it."""
    for owner, rule in ctx.prefix_list_rules:
        for prefix_list in rule.prefix_lists:
            cidrs, assumption = unknowns.prefix_list_cidrs(ctx, owner, prefix_list)
            rule.match = rule.match | rule.ports.only_from(addresses(*cidrs))
            if assumption:
                rule.assumption = "; ".join(a for a in (rule.assumption, assumption) if a)


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_security_group": "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
    "aws_default_security_group": "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
    "aws_security_group_rule": "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
    "aws_vpc_security_group_ingress_rule": "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
    "aws_vpc_security_group_egress_rule": "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
}
