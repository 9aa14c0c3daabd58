"""The one rule for what a plan cannot tell: the more exposed alternative, and a warning.

A gate fails closed. A value known only after apply, or one that cannot be read, never makes a
rule, a placement or a group disappear: each kind of value has one function here, and every
parser reads that kind of value through it (docs/unknown-values.md is the table users read).

| kind of value        | assumed when unknown or unreadable                                  |
|----------------------|---------------------------------------------------------------------|
| CIDR (allow rule)    | 0.0.0.0/0 or ::/0, unless it is the VPC's or a subnet's own block    |
| CIDR (deny rule)     | the rule denies nothing (what it might deny is only possible)        |
| protocol             | every protocol (a deny rule denies nothing)                          |
| port, ICMP type      | every port or type of the protocol (a deny rule denies nothing)      |
| rule number, action  | an allow rule that comes first                                       |
| prefix list          | its entries when this plan creates them, else any address            |
| security group set   | a group that admits everything from anywhere                         |
| rule block           | a rule that allows everything                                        |
| subnet               | a subnet routed to an internet gateway, with open ACLs               |

Each function returns what to use and the assumption made (None when nothing was assumed),
and records a notice whose `cause` groups it with the same assumption elsewhere.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from ..model import Notice, SecurityGroup, SecurityGroupRule, Subnet
from ..packets import ALL_ADDRESSES, PORTS, PROTOCOLS, PacketSet, Span
from ..plan.instances import ResourceInstance
from ..protocols import ICMP_TYPES, icmp_type_span, is_icmp, port_span, protocol_span
from .context import SECURITY_GROUP, ParseContext, path_text

ANY_IPV4, ANY_IPV6 = "0.0.0.0/0", "::/0"

# Causes: one short, stable phrase per kind of assumption; reports group warnings by them.
UNKNOWN_CIDR = "a rule's address range is known only after apply; assumed any address"
UNREADABLE_CIDR = "a rule's address range cannot be read; assumed any address"
UNREADABLE_PROTOCOL = "a rule's protocol cannot be read; assumed every protocol"
UNREADABLE_PORT = "a rule's port cannot be read; assumed every port"
UNREADABLE_NUMBER = "an ACL rule's number or action cannot be read; assumed an allow rule that comes first"
DENY_IGNORED = "a deny rule cannot be read; assumed to deny nothing"
UNKNOWN_PREFIX_LIST = "a prefix list's entries are unknown; assumed any address"
UNKNOWN_GROUPS = "security groups not managed by this plan or not resolved; assumed to admit everything"
UNKNOWN_RULES = "rules known only after apply; assumed to allow everything"
UNREADABLE_TARGET = "a load balancer IP target matches no interface of the plan; its exposure is not analysed"


# What a rule's scalar field reads as when terraform marks it known only after apply, so that the
# function reading that kind of value assumes and warns instead of taking null for "not set".
AFTER_APPLY = "(known after apply)"


def warn(ctx: ParseContext, owner: str, attribute: str | None, message: str, cause: str) -> None:
    ctx.network.add(Notice(owner, attribute, message, cause))


def marked(values: dict[str, Any], unknown: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """`values` with each of `fields` that `unknown` (after_unknown) flags replaced by AFTER_APPLY."""
    flagged = [f for f in fields if isinstance(unknown, dict) and unknown.get(f) is True]
    return {**values, **dict.fromkeys(flagged, AFTER_APPLY)} if flagged else values


def _check_known(what: str, *values: Any) -> None:
    if AFTER_APPLY in values:
        raise ValueError(f"{what} is known only after apply")


# --- protocol, ports -------------------------------------------------------------------------


def protocol(ctx: ParseContext, owner: str, value: Any, allow: bool = True) -> tuple[Span, str | None]:
    """A rule's protocol; every protocol when it cannot be read (None, "tcpp", 300, NaN)."""
    try:
        _check_known("protocol", value)
        if value is None or (isinstance(value, bool | float) and not float(value).is_integer()):
            raise ValueError(f"protocol {value!r} is not a protocol")
        return protocol_span(value), None
    except (ValueError, OverflowError) as error:
        return PROTOCOLS, _unreadable(ctx, owner, str(error), "every protocol", UNREADABLE_PROTOCOL, allow)


def ports(
    ctx: ParseContext, owner: str, protocols: Span, low: Any, high: Any, allow: bool = True
) -> tuple[Span, str | None]:
    """A security group style port range (ICMP: type in `low`); all of them when unreadable."""
    try:
        _check_known("port", low, high)
        _check_number(low)
        _check_number(high)
        return port_span(protocols, low, high), None
    except (ValueError, OverflowError) as error:
        every = ICMP_TYPES if protocols[0] == protocols[1] and is_icmp(protocols[0]) else PORTS
        return every, _unreadable(ctx, owner, str(error), "every port", UNREADABLE_PORT, allow)


def icmp_type(ctx: ParseContext, owner: str, value: Any, allow: bool = True) -> tuple[Span, str | None]:
    try:
        _check_known("ICMP type", value)
        _check_number(value)
        return icmp_type_span(value), None
    except (ValueError, OverflowError) as error:
        return ICMP_TYPES, _unreadable(ctx, owner, str(error), "every ICMP type", UNREADABLE_PORT, allow)


def rule_number(ctx: ParseContext, owner: str, value: Any, allow: bool) -> tuple[int, str | None]:
    """A network ACL rule number; an allow rule whose number cannot be read comes first."""
    try:
        _check_known("value", value)
        _check_number(value)
        if value is None or value == "":
            raise ValueError("no rule number")
        return int(value), None
    except (ValueError, OverflowError, TypeError) as error:
        return 0, _unreadable(ctx, owner, f"rule number: {error}", "it comes first", UNREADABLE_NUMBER, allow)


def rule_action(ctx: ParseContext, owner: str, value: Any) -> tuple[bool, str | None]:
    """allow / deny; a rule whose action is not known allows."""
    text = str(value).strip().lower()
    if text in ("allow", "deny"):
        return text == "allow", None
    problem = "is known only after apply" if value == AFTER_APPLY else f"{str(value)[:40]!r} is not allow or deny"
    assumption = f"action {problem}; assumed allow"
    warn(ctx, owner, None, assumption, UNREADABLE_NUMBER)
    return True, assumption


def _unreadable(ctx: ParseContext, owner: str, error: str, widened: str, cause: str, allow: bool) -> str:
    """An allow rule's unreadable value is widened; a deny rule with one denies nothing."""
    if allow:
        assumption = f"{error}; assumed {widened}"
        warn(ctx, owner, None, assumption, cause)
        return assumption
    assumption = f"{error}; this deny rule is assumed to deny nothing"
    warn(ctx, owner, None, assumption, DENY_IGNORED)
    return assumption


def _check_number(value: Any) -> None:
    """A port is a whole number: not true, 22.5, NaN, Infinity or 1e30 (which int() would accept)."""
    if isinstance(value, bool):
        raise ValueError(f"port {value!r} is not a number")
    if isinstance(value, float) and (not value.is_integer() or abs(value) > 65535):
        raise ValueError(f"port {value!r} is not a port number")


# --- CIDRs -----------------------------------------------------------------------------------


def any_address(cidr: Any) -> str:
    return ANY_IPV6 if ":" in str(cidr) else ANY_IPV4


def readable_cidrs(ctx: ParseContext, owner: str, cidrs: list[Any]) -> tuple[list[str], str | None]:
    """The CIDRs that read as CIDRs; one that does not may be any address of its family."""
    out: list[str] = []
    assumption = None
    for cidr in cidrs:
        try:
            out.append(_normalized(str(cidr)))
        except ValueError:
            assumption = f"{str(cidr)[:60]!r} is not a CIDR; assumed {any_address(cidr)}"
            warn(ctx, owner, None, assumption, UNREADABLE_CIDR)
            out.append(any_address(cidr))
    return out, assumption


@lru_cache(maxsize=1 << 14)
def _normalized(cidr: str) -> str:
    """A CIDR as Python writes it (rules repeat a few CIDRs thousands of times: read each once)."""
    return str(ipaddress.ip_network(cidr.strip(), strict=False))


def unknown_cidr(
    ctx: ParseContext, r: ResourceInstance, path: tuple[str | int, ...], whole: str, own_blocks: frozenset[str]
) -> tuple[list[str], str | None]:
    """A CIDR known only after apply: [] when it can only be a VPC's or subnet's own block
    (`own_blocks` are their types; such a block is not a source outside the VPC), else `whole`."""
    link = ctx.resolver.link(r, path, own_blocks)
    if link.addresses and link.complete and not ctx.resolver.reads_other_than(r, path, own_blocks):
        return [], None
    assumption = f"{path_text(path)} is known only after apply; assumed {whole}"
    warn(ctx, r.address, None, assumption, UNKNOWN_CIDR)
    return [whole], assumption


# --- prefix lists ----------------------------------------------------------------------------


def prefix_list_cidrs(ctx: ParseContext, owner: str, prefix_list: str) -> tuple[list[str], str | None]:
    """A managed prefix list's entries, when this plan creates all of them; else any address."""
    entries = ctx.prefix_lists.get(prefix_list)
    if entries is not None and entries.complete:
        return list(entries.cidrs), None
    why = "its entries are known only after apply" if entries is not None else "it is not managed by this plan"
    assumption = f"prefix list {prefix_list}: {why}; assumed any address"
    warn(ctx, owner, None, assumption, UNKNOWN_PREFIX_LIST)
    return [ANY_IPV4, ANY_IPV6], assumption


# --- security group sets ---------------------------------------------------------------------


def security_group_set(ctx: ParseContext, r: ResourceInstance, path: str | tuple[str | int, ...]) -> list[str]:
    """The groups an endpoint is in. Groups this plan does not manage, or that the plan cannot
    name, have rules nobody can see here: each stands as a group that admits everything."""
    groups = ctx.many(r, path, SECURITY_GROUP)
    steps = (path,) if isinstance(path, str) else path
    link = ctx.resolver.link(r, steps, SECURITY_GROUP)
    for external in link.external:
        groups.append(unknown_group(ctx, f"{external} (not managed by this plan)", r.address))
    if not link.complete and link.configured and ctx.resolver.set_after_apply(r, steps):
        groups.append(unknown_group(ctx, f"unresolved security group of {r.address}", r.address))
    return groups


def unknown_group(ctx: ParseContext, identity: str, owner: str) -> str:
    """A group whose rules cannot be seen: it admits every packet from anywhere."""
    if identity not in ctx.network.security_groups:
        assumption = f"the rules of {identity} are unknown; assumed to admit everything"
        group = SecurityGroup(identity, "aws_security_group", None)
        everything = PacketSet.box(PROTOCOLS, PORTS, ALL_ADDRESSES)
        for egress in (False, True):
            label = f"{identity} {'egress' if egress else 'ingress'} all (assumed)"
            group.rules.append(SecurityGroupRule(egress, everything, label, everything, assumption=assumption))
        ctx.network.security_groups[identity] = group
    warn(
        ctx, owner, "security_groups", f"{identity}: its rules are unknown; assumed to admit everything", UNKNOWN_GROUPS
    )
    return identity


# --- subnets --------------------------------------------------------------------------------


def external_subnet(ctx: ParseContext, identity: str) -> str:
    """A subnet id that is not managed by this plan: its routes and ACL are unknown."""
    return _assumed_public(
        ctx,
        identity,
        f"{identity} is not managed by this plan; assumed routed to an internet gateway with open network ACLs",
    )


def unknown_subnet(ctx: ParseContext, owner: str) -> str:
    """Stands for a subnet the plan cannot name: a careful reviewer assumes it is public."""
    return _assumed_public(
        ctx,
        f"unknown subnet of {owner}",
        f"the subnet of {owner} is unknown; assumed routed to an internet gateway with open network ACLs",
    )


def _assumed_public(ctx: ParseContext, identity: str, assumption: str) -> str:
    if identity not in ctx.network.subnets:
        ctx.network.subnets[identity] = Subnet(
            identity,
            "aws_subnet",
            None,
            map_public_ip_on_launch=None,
            assign_ipv6_address_on_creation=None,
            unknown=True,
            assumption=assumption,
        )
    return identity


# --- rule blocks -----------------------------------------------------------------------------


def unknown_rules(ctx: ParseContext, owner: str, direction: str) -> str:
    """Inline rules known only after apply (or that the sources cannot evaluate): they allow everything."""
    assumption = f"{direction} rules are known only after apply; assumed to allow everything"
    warn(ctx, owner, direction, assumption, UNKNOWN_RULES)
    return assumption
