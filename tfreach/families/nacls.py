"""Network ACLs: inline and separate rules, subnet associations, the default ACL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tfreach.families import parses, unknowns, when_unreadable
from tfreach.families.context import NETWORK_ACL, SUBNET, VPC, ParseContext, as_bool, checked_cidrs
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import AclRule, NetworkAcl
from tfreach.model.packets import ALL_IPV4, ALL_IPV6, PacketSet, addresses
from tfreach.model.protocols import describe, is_icmp, port_range_problem


@parses("aws_network_acl")
def parse_network_acl(r: ResourceInstance, ctx: ParseContext) -> None:
    acl = NetworkAcl(r.address, r.type, ctx.one(r, "vpc_id", VPC))
    acl.rules = _inline_rules(r, ctx)
    ctx.network.nacls[r.address] = acl
    _associate_listed_subnets(r, ctx)


@parses("aws_default_network_acl")
def parse_default_network_acl(r: ResourceInstance, ctx: ParseContext) -> None:
    """Terraform removes every rule of the adopted default ACL that is not configured."""
    # A state (another stack's, the live account) records the VPC; a plan names it through the VPC.
    known = isinstance(r.get("vpc_id"), str) and r.get("vpc_id")
    vpcs = ctx.candidates(r, "vpc_id" if known else "default_network_acl_id", VPC)
    acl = NetworkAcl(r.address, r.type, vpcs[0] if len(vpcs) == 1 else None)
    acl.rules = _inline_rules(r, ctx)
    ctx.network.nacls[r.address] = acl
    for vpc in vpcs:
        ctx.network.default_nacls[vpc] = r.address
    _associate_listed_subnets(r, ctx)


def _associate_listed_subnets(r: ResourceInstance, ctx: ParseContext) -> None:
    """`subnet_ids`: one association per listed subnet; a list the plan cannot pin down is ambiguous."""
    link = ctx.resolver.link(r, ("subnet_ids",), SUBNET)
    subnets = ctx.many(r, "subnet_ids", SUBNET)
    if link.problem and len(subnets) > 1:
        ctx.associate("network ACL", r, subnets, [r.address])
    else:
        for subnet in subnets:
            ctx.associate("network ACL", r, [subnet], [r.address])


@when_unreadable("aws_network_acl", "aws_default_network_acl")
def unreadable_acl(r: ResourceInstance, ctx: ParseContext) -> str:
    acl = ctx.network.nacls.setdefault(r.address, NetworkAcl(r.address, r.type, None))
    acl.rules[:0] = [_allow_everything(r.address, egress, "its rules cannot be read") for egress in (False, True)]
    return "to allow everything both ways"


@when_unreadable("aws_network_acl_rule")
def unreadable_acl_rule(r: ResourceInstance, ctx: ParseContext) -> str:
    """A rule that cannot be read allows everything first, in its ACL when it can be told, else in any."""
    try:
        acls = [
            ctx.network.nacls[a] for a in ctx.candidates(r, "network_acl_id", NETWORK_ACL) if a in ctx.network.nacls
        ]
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        acls = []
    acls = acls or list(ctx.network.nacls.values())
    for acl in acls:
        acl.rules[:0] = [_allow_everything(r.address, egress, "this rule cannot be read") for egress in (False, True)]
    return "to allow everything both ways, first" + ("" if len(acls) == 1 else ", in every ACL it may belong to")


def _allow_everything(owner: str, egress: bool, why: str) -> AclRule:
    match = PacketSet.box((0, 255), (0, 65535), ALL_IPV4 | ALL_IPV6)
    label = f"{owner} {'egress ' if egress else ''}ALLOW all (assumed: {why})"
    return AclRule(0, egress, True, match, label, f"{why}; assumed to allow everything")


_PORT_FIELDS = ("protocol", "from_port", "to_port", "icmp_type", "icmp_code")
_INLINE_FIELDS = (*_PORT_FIELDS, "rule_no", "action")
_INLINE_KEYS = ("protocol", "from_port", "to_port", "rule_no", "action")  # required by the provider's schema
_SEPARATE_FIELDS = (*_PORT_FIELDS, "rule_number", "rule_action")


@parses("aws_network_acl_rule", phase=1)
def parse_network_acl_rule(r: ResourceInstance, ctx: ParseContext) -> None:
    """A rule whose ACL is ambiguous: an allow rule may open each candidate, a deny rule closes none."""
    acls = [ctx.network.nacls[a] for a in ctx.candidates(r, "network_acl_id", NETWORK_ACL) if a in ctx.network.nacls]
    unknown_cidr = any(ctx.configured(r, f) for f in ("cidr_block", "ipv6_cidr_block"))
    directions = [True, False] if ctx.configured(r, "egress") else [as_bool(r.get("egress"))]
    values = unknowns.marked(r.values, r.unknown, _SEPARATE_FIELDS)
    for egress in directions:
        rule = _rule(ctx, r.address, values, egress, values.get("rule_number"), values.get("rule_action"), unknown_cidr)
        if not rule.allow and not rule.doubtful and (len(acls) > 1 or len(directions) > 1):
            reason = "its ACL" if len(acls) > 1 else "its direction"
            message = f"deny rule #{rule.number}: {reason} is not known; assumed to deny nothing"
            unknowns.warn(ctx, r.address, None, message, unknowns.DENY_IGNORED)
            rule = replace(rule, assumption=message, doubtful=True)
        for acl in acls:
            acl.rules.append(rule)


@parses("aws_network_acl_association", phase=1)
def parse_network_acl_association(r: ResourceInstance, ctx: ParseContext) -> None:
    acls = ctx.candidates(r, "network_acl_id", NETWORK_ACL)
    ctx.associate("network ACL", r, ctx.candidates(r, "subnet_id", SUBNET), acls)


def _inline_rules(r: ResourceInstance, ctx: ParseContext) -> list[AclRule]:
    rules: list[AclRule] = []
    for direction in ("ingress", "egress"):
        egress = direction == "egress"
        if r.is_unknown(direction):
            if ctx.configured(r, direction):
                rules.append(_unknown_rules(r, ctx, direction))
            continue  # computed only: the separate aws_network_acl_rule resources are the rules
        for index, entry in unknowns.rule_blocks(ctx, r, direction, _INLINE_KEYS):
            if entry is None:
                rules.append(_unknown_rules(r, ctx, direction, f"{direction}[{index}] cannot be read"))
                continue
            flags = r.unknown_node((direction, index))
            unknown_cidr = isinstance(flags, dict) and any(
                flags.get(f) is True for f in ("cidr_block", "ipv6_cidr_block")
            )
            entry = unknowns.marked(entry, flags, _INLINE_FIELDS)
            rules.append(_rule(ctx, r.address, entry, egress, entry.get("rule_no"), entry.get("action"), unknown_cidr))
    return rules


def _unknown_rules(r: ResourceInstance, ctx: ParseContext, direction: str, unreadable: str = "") -> AclRule:
    """Rules nobody can read: one that allows everything, first."""
    if unreadable:
        assumption = f"{unreadable}; assumed to allow everything"
    else:
        assumption = unknowns.unknown_rules(ctx, r.address, direction)
    match = PacketSet.box((0, 255), (0, 65535), ALL_IPV4 | ALL_IPV6)
    return AclRule(0, direction == "egress", True, match, f"{r.address} (unknown rules)", assumption)


def _rule(
    ctx: ParseContext, owner: str, values: dict[str, Any], egress: bool, number: Any, action: Any, unknown_cidr: bool
) -> AclRule:
    """One entry, first match wins. What cannot be read widens an allow rule (it comes first,
    matches every protocol, port or address) and makes a deny rule doubtful: it denies nothing,
    and what it might deny passes only possibly."""
    at = f"{'egress' if egress else 'ingress'} rule {_number_text(number)}: "
    allow, assumed = unknowns.rule_action(ctx, owner, action, at=at)
    assumptions = [assumed]
    rule_number, assumed = unknowns.rule_number(ctx, owner, number, allow, at=at)
    assumptions.append(assumed)
    protocols, assumed = unknowns.protocol(ctx, owner, values.get("protocol"), allow, at=at)
    assumptions.append(assumed)
    ports, assumed = _acl_ports(ctx, owner, protocols, values, allow, at)
    assumptions.append(assumed)
    cidrs = _acl_cidrs(values)
    if unknown_cidr:
        assumptions.append(_unknown_cidr(ctx, owner, rule_number, allow))
        cidrs = [unknowns.ANY_IPV4, unknowns.ANY_IPV6]
    read, assumed = (
        unknowns.readable_cidrs(ctx, owner, cidrs, at, "cidr_block") if allow else _deny_cidrs(ctx, owner, cidrs, at)
    )
    assumptions.append(assumed)
    if not any(assumptions):
        _check_aws_limits(ctx, owner, rule_number, protocols, values)
    verdict = "ALLOW" if allow else "DENY"
    direction = "egress " if egress else ""
    label = f"{owner} {direction}#{rule_number} {verdict} {describe(protocols, ports)} {' '.join(read)}"
    assumption = "; ".join(a for a in assumptions if a) or None
    match = PacketSet.box(protocols, ports, addresses(*read))
    return AclRule(rule_number, egress, allow, match, label, assumption, doubtful=not allow and bool(assumption))


def _acl_cidrs(values: dict[str, Any]) -> list[Any]:
    """cidr_block and ipv6_cidr_block when set; a value of another type than a string is kept, to
    be read as an unreadable CIDR (an allow rule's any address, a deny rule that denies nothing)."""
    return [value for value in (values.get("cidr_block"), values.get("ipv6_cidr_block")) if value not in (None, "")]


def _unknown_cidr(ctx: ParseContext, owner: str, number: int, allow: bool) -> str:
    if not allow:
        assumption = f"deny rule #{number} has a CIDR known only after apply; assumed to deny nothing"
        unknowns.warn(ctx, owner, None, assumption, unknowns.DENY_IGNORED)
        return assumption
    assumption = f"rule #{number} has a CIDR known only after apply; assumed to match every address"
    unknowns.warn(ctx, owner, None, assumption, unknowns.UNKNOWN_CIDR)
    return assumption


def _number_text(number: Any) -> str:
    """A rule's number as a reader finds it (#100), when it is one; never another value."""
    return f"#{number}" if isinstance(number, int) and not isinstance(number, bool) else "(number unreadable)"


def _deny_cidrs(ctx: ParseContext, owner: str, cidrs: list[Any], at: str) -> tuple[list[str], str | None]:
    """A deny rule's CIDRs; a rule with one that cannot be read denies nothing (it might deny any)."""
    try:
        return checked_cidrs(*cidrs), None
    except ValueError:
        message = f"{at}cidr_block is not a CIDR; this deny rule is assumed to deny nothing"
        unknowns.warn(ctx, owner, None, message, unknowns.DENY_IGNORED)
        return [unknowns.ANY_IPV4, unknowns.ANY_IPV6], message


def _check_aws_limits(ctx: ParseContext, owner: str, number: int, protocols: tuple[int, int], values: Any) -> None:
    problem = port_range_problem(protocols, values.get("from_port"), values.get("to_port"))
    if problem:
        ctx.network.notice(owner, None, f"network ACL rule #{number}: {problem}")
    if not 1 <= number <= 32766:
        ctx.network.notice(owner, None, f"network ACL rule #{number}: AWS allows rule numbers 1-32766 only")


def _acl_ports(
    ctx: ParseContext, owner: str, protocols: tuple[int, int], values: dict[str, Any], allow: bool, at: str
) -> tuple[tuple[int, int], str | None]:
    """Network ACLs give ICMP its type in icmp_type; tcp/udp use from_port..to_port."""
    if protocols[0] == protocols[1] and is_icmp(protocols[0]):
        return unknowns.icmp_type(ctx, owner, values.get("icmp_type"), allow, at)
    return unknowns.ports(ctx, owner, protocols, values.get("from_port"), values.get("to_port"), allow, at)


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_network_acl": "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
    "aws_default_network_acl": "https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html",
    "aws_network_acl_rule": "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html",
    "aws_network_acl_association": "https://docs.aws.amazon.com/vpc/latest/userguide/network-acl-associations.html",
}
