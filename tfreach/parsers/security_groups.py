"""Security groups: inline rules, the three kinds of separate rule resources, the default group."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import SecurityGroup, SecurityGroupRule
from ..packets import ALL_ADDRESSES, IntervalSet, PacketSet, addresses
from ..plan.instances import ResourceInstance
from ..protocols import describe, port_range_problem, port_span, protocol_span
from . import parses
from .context import SECURITY_GROUP, SUBNET, VPC, ParseContext, as_bool, known_list

_IPV4_ANY, _IPV6_ANY = "0.0.0.0/0", "::/0"


@dataclass
class _Permission:
    """A rule in one shape, whichever resource wrote it."""

    protocol: Any
    from_port: Any
    to_port: Any
    cidrs: list[str] = field(default_factory=list)
    peer_groups: list[str] = field(default_factory=list)
    prefix_lists: list[str] = field(default_factory=list)
    assumption: str | None = None


@parses("aws_security_group")
def parse_security_group(r: ResourceInstance, ctx: ParseContext) -> None:
    group = SecurityGroup(r.address, r.type, ctx.one(r, "vpc_id", VPC) if ctx.is_set(r, "vpc_id") else None)
    ctx.network.security_groups[r.address] = group
    _add_inline_rules(r, ctx, group)


@parses("aws_default_security_group")
def parse_default_security_group(r: ResourceInstance, ctx: ParseContext) -> None:
    """Terraform removes every rule of the adopted default group that is not configured."""
    vpc = ctx.one(r, "vpc_id", VPC) if ctx.is_set(r, "vpc_id") else None
    group = SecurityGroup(r.address, r.type, vpc)
    ctx.network.security_groups[r.address] = group
    if vpc:
        ctx.network.default_security_groups[vpc] = r.address
    _add_inline_rules(r, ctx, group)


@parses("aws_security_group_rule", phase=1)
def parse_security_group_rule(r: ResourceInstance, ctx: ParseContext) -> None:
    for group in _groups_of_rule(r, ctx):
        _add(ctx, group, r.address, r.get("type") == "egress", _rule_permission(r, ctx, group))


def _rule_permission(r: ResourceInstance, ctx: ParseContext, group: SecurityGroup) -> _Permission:
    permission = _Permission(r.get("protocol"), r.get("from_port"), r.get("to_port"))
    permission.cidrs = _cidrs(r, ctx, "cidr_blocks", _IPV4_ANY, permission) + _cidrs(
        r, ctx, "ipv6_cidr_blocks", _IPV6_ANY, permission
    )
    permission.prefix_lists = known_list(r.get("prefix_list_ids"))
    if as_bool(r.get("self")):
        permission.peer_groups.append(group.id)
    if ctx.is_set(r, "source_security_group_id"):
        permission.peer_groups += ctx.candidates(r, "source_security_group_id", SECURITY_GROUP)
    return permission


@parses("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", phase=1)
def parse_vpc_security_group_rule(r: ResourceInstance, ctx: ParseContext) -> None:
    for group in _groups_of_rule(r, ctx):
        _add(ctx, group, r.address, r.type.endswith("egress_rule"), _vpc_rule_permission(r, ctx))


def _vpc_rule_permission(r: ResourceInstance, ctx: ParseContext) -> _Permission:
    permission = _Permission(r.get("ip_protocol"), r.get("from_port"), r.get("to_port"))
    for attribute, any_address in (("cidr_ipv4", _IPV4_ANY), ("cidr_ipv6", _IPV6_ANY)):
        if r.get(attribute):
            permission.cidrs.append(r.get(attribute))
        elif ctx.configured(r, attribute):
            permission.cidrs += _unknown_cidrs(r, ctx, attribute, any_address, permission)
    if r.get("prefix_list_id"):
        permission.prefix_lists.append(r.get("prefix_list_id"))
    if ctx.is_set(r, "referenced_security_group_id"):
        permission.peer_groups += ctx.candidates(r, "referenced_security_group_id", SECURITY_GROUP)
    return permission


def _groups_of_rule(r: ResourceInstance, ctx: ParseContext) -> list[SecurityGroup]:
    """The group a separate rule belongs to; when ambiguous, each candidate gets it."""
    groups = ctx.network.security_groups
    return [groups[g] for g in ctx.candidates(r, "security_group_id", SECURITY_GROUP) if g in groups]


def _add_inline_rules(r: ResourceInstance, ctx: ParseContext, group: SecurityGroup) -> None:
    for direction in ("ingress", "egress"):
        if r.is_unknown(direction):
            if ctx.configured(r, direction):
                ctx.network.notice(
                    r.address,
                    direction,
                    "inline rules are unknown until apply; assumed to allow all traffic from anywhere",
                )
                everything = _Permission(
                    "-1", 0, 0, [_IPV4_ANY, _IPV6_ANY], assumption="inline rules unknown until apply"
                )
                _add(ctx, group, r.address, direction == "egress", everything)
            continue  # computed only: the separate rule resources are the rules
        rules = r.get(direction) or []
        stale = _stale_sources(r, ctx, direction == "egress")
        unknown = r.unknown.get(direction)
        with_unknown_groups = sum(1 for flags in (unknown or []) if _unknown_groups(flags))
        for index, entry in enumerate(rules):
            flags = unknown[index] if isinstance(unknown, list) and index < len(unknown) else {}
            permission = _Permission(entry.get("protocol"), entry.get("from_port"), entry.get("to_port"))
            permission.cidrs = known_list(entry.get("cidr_blocks")) + known_list(entry.get("ipv6_cidr_blocks"))
            permission.prefix_lists = known_list(entry.get("prefix_list_ids"))
            permission.peer_groups = known_list(entry.get("security_groups")) + (
                [r.get("id")] if entry.get("self") else []
            )
            if not _drop_stale(permission, stale):
                continue  # a copy of a separate rule this plan deletes
            permission.peer_groups = [
                group.id if g == r.get("id") else ctx.resolver.address_of_id(g) or g for g in permission.peer_groups
            ]
            if _unknown_groups(flags):
                # Inline blocks share one reference list: it names the groups of every block.
                found = ctx.many(r, (direction, index, "security_groups"), SECURITY_GROUP)
                permission.peer_groups += found
                if with_unknown_groups > 1 and len(found) > 1:
                    ctx.network.notice(
                        r.address,
                        direction,
                        "several inline rules reference groups known only after apply; each is assumed to admit all",
                    )
            _add(ctx, group, r.address, direction == "egress", permission)


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
            sources.append(r.get("id"))
        stale.setdefault(key, set()).update(sources)
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


def _unknown_groups(flags: Any) -> bool:
    groups = flags.get("security_groups") if isinstance(flags, dict) else None
    return groups is True or (isinstance(groups, list) and any(g is True for g in groups))


def _cidrs(
    r: ResourceInstance, ctx: ParseContext, attribute: str, any_address: str, permission: _Permission
) -> list[str]:
    cidrs = known_list(r.get(attribute))
    flags = r.unknown.get(attribute)
    if (flags is True or (isinstance(flags, list) and True in flags)) and ctx.resolver.set_after_apply(r, (attribute,)):
        cidrs += _unknown_cidrs(r, ctx, attribute, any_address, permission)
    return cidrs


def _unknown_cidrs(
    r: ResourceInstance, ctx: ParseContext, attribute: str, any_address: str, permission: _Permission
) -> list[str]:
    """A CIDR known only after apply: a VPC's or subnet's own block is not the internet."""
    if ctx.resolver.link(r, (attribute,), VPC | SUBNET).addresses:
        return []
    permission.assumption = f"{attribute} is known only after apply; assumed to be {any_address}"
    ctx.network.notice(r.address, attribute, f"known only after apply; assumed to be {any_address}")
    return [any_address]


def _readable_cidrs(ctx: ParseContext, owner: str, permission: _Permission) -> IntervalSet:
    """The rule's addresses; a CIDR that cannot be read may be any address, as AWS would never say."""
    remote = IntervalSet()
    for cidr in permission.cidrs:
        try:
            remote = remote | addresses(cidr)
        except (ValueError, TypeError, AttributeError):
            whole = "::/0" if ":" in str(cidr) else "0.0.0.0/0"
            permission.assumption = f"{cidr!r} is not a CIDR; assumed to be {whole}"
            ctx.network.notice(owner, None, f"security group rule: {cidr!r} is not a CIDR; assumed to be {whole}")
            remote = remote | addresses(whole)
    return remote


def _add(ctx: ParseContext, group: SecurityGroup, owner: str, egress: bool, permission: _Permission) -> None:
    try:
        protocols = protocol_span(permission.protocol)
        ports = port_span(protocols, permission.from_port, permission.to_port)
    except ValueError as error:
        ctx.network.notice(owner, None, f"security group rule ignored: {error}")
        return
    problem = port_range_problem(protocols, permission.from_port, permission.to_port)
    if problem:
        ctx.network.notice(owner, None, f"security group rule: {problem}")
    remote = _readable_cidrs(ctx, owner, permission)
    sources = [*permission.cidrs, *permission.peer_groups, *permission.prefix_lists]
    direction = "egress" if egress else "ingress"
    peers = ", ".join(sources) or "nothing"
    label = f"{owner} {direction} {describe(protocols, ports)} {'to' if egress else 'from'} {peers}"
    for prefix_list in permission.prefix_lists:
        ctx.network.notice(
            owner, None, f"prefix list {prefix_list}: its addresses are unknown and not counted as internet sources"
        )
    group.rules.append(
        SecurityGroupRule(
            egress,
            PacketSet.box(protocols, ports, remote),
            label,
            PacketSet.box(protocols, ports, ALL_ADDRESSES),
            permission.peer_groups,
            permission.prefix_lists,
            permission.assumption,
        )
    )
