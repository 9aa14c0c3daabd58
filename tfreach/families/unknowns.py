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
| subnet               | a subnet reached through every kind of gateway, with open ACLs      |

Each function returns what to use and the assumption made (None when nothing was assumed),
and records a notice whose `cause` groups it with the same assumption elsewhere.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from tfreach.aws import outside
from tfreach.families.context import SECURITY_GROUP, ParseContext, path_text
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import Notice
from tfreach.model.packets import PORTS, PROTOCOLS, Span
from tfreach.model.protocols import ICMP_TYPES, icmp_type_span, is_icmp, port_span, protocol_span

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
UNREADABLE_RULES = "a rule block cannot be read; assumed to allow everything"
UNREADABLE_RESOURCE = "a resource cannot be read; assumed the most exposed of its kind"
UNKNOWN_ROUTE_DESTINATION = "a route's destination is known only after apply; assumed it may hold any address"
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


def _is_after_apply(*values: Any) -> bool:
    return AFTER_APPLY in values


# Messages name the attribute that cannot be read (`at` is where the rule sits, "ingress[2]." or
# "egress #100 "), never its value: a plan's values may be secrets, or a file's content.


def protocol(ctx: ParseContext, owner: str, value: Any, allow: bool = True, at: str = "") -> tuple[Span, str | None]:
    """A rule's protocol; every protocol when it cannot be read (None, "tcpp", 300, NaN)."""
    try:
        if not _is_after_apply(value) and value is not None and not _fraction(value):
            return protocol_span(value), None
    except (ValueError, OverflowError):
        pass
    problem = f"{at}protocol {_why(value, 'is not a protocol')}"
    return PROTOCOLS, _unreadable(ctx, owner, problem, "every protocol", UNREADABLE_PROTOCOL, allow)


def ports(
    ctx: ParseContext, owner: str, protocols: Span, low: Any, high: Any, allow: bool = True, at: str = ""
) -> tuple[Span, str | None]:
    """A security group style port range (ICMP: type in `low`); all of them when unreadable."""
    try:
        if not _is_after_apply(low, high) and _port_like(low) and _port_like(high):
            return port_span(protocols, low, high), None
    except (ValueError, OverflowError):
        pass
    every = ICMP_TYPES if protocols[0] == protocols[1] and is_icmp(protocols[0]) else PORTS
    problem = f"{at}from_port/to_port {_why(low, 'is not a port range', high)}"
    return every, _unreadable(ctx, owner, problem, "every port", UNREADABLE_PORT, allow)


def icmp_type(ctx: ParseContext, owner: str, value: Any, allow: bool = True, at: str = "") -> tuple[Span, str | None]:
    try:
        if not _is_after_apply(value) and _port_like(value):
            return icmp_type_span(value), None
    except (ValueError, OverflowError):
        pass
    problem = f"{at}icmp_type {_why(value, 'is not an ICMP type')}"
    return ICMP_TYPES, _unreadable(ctx, owner, problem, "every ICMP type", UNREADABLE_PORT, allow)


def rule_number(ctx: ParseContext, owner: str, value: Any, allow: bool, at: str = "") -> tuple[int, str | None]:
    """A network ACL rule number; an allow rule whose number cannot be read comes first. AWS takes
    1-32766 only: another number cannot be where AWS would put it, so it is read as unreadable
    (an allow comes first, a deny denies nothing), never as a rule that comes first and denies."""
    why = "is not a number"
    try:
        if not _is_after_apply(value) and _port_like(value) and value not in (None, ""):
            if 1 <= int(value) <= 32766:
                return int(value), None
            why = "is outside what AWS allows (rule numbers 1-32766 only)"
    except (ValueError, OverflowError, TypeError):
        pass
    problem = f"{at}rule number {_why(value, why)}"
    return 0, _unreadable(ctx, owner, problem, "it comes first", UNREADABLE_NUMBER, allow)


def rule_action(ctx: ParseContext, owner: str, value: Any, at: str = "") -> tuple[bool, str | None]:
    """allow / deny; a rule whose action is not known allows."""
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text in ("allow", "deny"):
        return text == "allow", None
    assumption = f"{at}action {_why(value, 'is not allow or deny')}; assumed allow"
    warn(ctx, owner, None, assumption, UNREADABLE_NUMBER)
    return True, assumption


def _why(value: Any, unreadable: str, *others: Any) -> str:
    return "is known only after apply" if _is_after_apply(value, *others) else unreadable


def _unreadable(ctx: ParseContext, owner: str, problem: str, widened: str, cause: str, allow: bool) -> str:
    """An allow rule's unreadable value is widened; a deny rule with one denies nothing."""
    if allow:
        assumption = f"{problem}; assumed {widened}"
        warn(ctx, owner, None, assumption, cause)
        return assumption
    assumption = f"{problem}; this deny rule is assumed to deny nothing"
    warn(ctx, owner, None, assumption, DENY_IGNORED)
    return assumption


def _fraction(value: Any) -> bool:
    return isinstance(value, bool) or (isinstance(value, float) and not float(value).is_integer())


def _port_like(value: Any) -> bool:
    """A port is a whole number: not true, 22.5, NaN, Infinity or 1e30 (which int() would accept)."""
    if isinstance(value, bool):
        return False
    return not (isinstance(value, float) and (not value.is_integer() or abs(value) > 65535))


# --- CIDRs -----------------------------------------------------------------------------------


def any_address(cidr: Any) -> str:
    return ANY_IPV6 if ":" in str(cidr) else ANY_IPV4


def readable_cidrs(
    ctx: ParseContext, owner: str, cidrs: list[Any], at: str = "", field: str = "cidr_blocks"
) -> tuple[list[str], str | None]:
    """The CIDRs that read as CIDRs; one that does not may be any address of its family."""
    out: list[str] = []
    assumption = None
    for cidr in cidrs:
        try:
            out.append(_normalized(str(cidr)))
        except ValueError:
            assumption = f"{at}{field} holds a value that is not a CIDR; assumed {any_address(cidr)}"
            warn(ctx, owner, None, assumption, UNREADABLE_CIDR)
            out.append(any_address(cidr))
    return out, assumption


@lru_cache(maxsize=1 << 14)
def _normalized(cidr: str) -> str:
    """A CIDR as Python writes it (rules repeat a few CIDRs thousands of times: read each once)."""
    return str(ipaddress.ip_network(cidr.strip(), strict=False))


def unknown_cidr(
    ctx: ParseContext,
    r: ResourceInstance,
    path: tuple[str | int, ...],
    whole: str,
    own_blocks: frozenset[str],
    own_vpcs: frozenset[str],
) -> tuple[list[str], str | None]:
    """A CIDR known only after apply: [] when it can only be a block of the group's own VPC (of
    `own_vpcs`, by a VPC or subnet of `own_blocks` types: no source outside the VPC holds it), else
    `whole` (another VPC's block, a peer's IPv6 block, may be anywhere a source may be)."""
    link = ctx.resolver.link(r, path, own_blocks)
    own = link.addresses and all(_vpc_of_block(ctx, a) in own_vpcs for a in link.addresses)
    if own and link.complete and not ctx.resolver.reads_other_than(r, path, own_blocks):
        return [], None
    assumption = f"{path_text(path)} is known only after apply; assumed {whole}"
    warn(ctx, r.address, None, assumption, UNKNOWN_CIDR)
    return [whole], assumption


def _vpc_of_block(ctx: ParseContext, address: str) -> str | None:
    """The VPC a VPC's or subnet's block belongs to."""
    subnet = ctx.network.subnets.get(address)
    return subnet.vpc if subnet is not None else address


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
        ctx.network.security_groups[identity] = outside.admitting_everything(identity, None)
    warn(
        ctx, owner, "security_groups", f"{identity}: its rules are unknown; assumed to admit everything", UNKNOWN_GROUPS
    )
    return identity


# --- subnets --------------------------------------------------------------------------------


def external_subnet(ctx: ParseContext, identity: str) -> str:
    """A subnet id that is not managed by this plan or its contexts: its routes and ACL are unknown."""
    return _assumed_public(ctx, identity, f"{identity} is not in the plan or its contexts; assumed {_ANYWHERE}")


def unknown_subnet(ctx: ParseContext, owner: str) -> str:
    """Stands for a subnet the plan cannot name: a careful reviewer assumes it is public."""
    return _assumed_public(ctx, f"unknown subnet of {owner}", f"the subnet of {owner} is unknown; assumed {_ANYWHERE}")


def subnet_that_cannot_be_read(ctx: ParseContext, address: str) -> str:
    """Stands for a subnet of the plan whose values cannot be read."""
    return _assumed_public(ctx, address, f"{address} cannot be read; assumed {_ANYWHERE}")


_ANYWHERE = outside.SUBNET_READING


def _assumed_public(ctx: ParseContext, identity: str, assumption: str) -> str:
    if identity not in ctx.network.subnets:
        ctx.network.subnets[identity] = outside.unknown_subnet(identity, assumption)
    return identity


# --- rule blocks -----------------------------------------------------------------------------


def unknown_rules(ctx: ParseContext, owner: str, direction: str) -> str:
    """Inline rules known only after apply (or that the sources cannot evaluate): they allow everything."""
    assumption = f"{direction} rules are known only after apply; assumed to allow everything"
    warn(ctx, owner, direction, assumption, UNKNOWN_RULES)
    return assumption


def rule_blocks(
    ctx: ParseContext, r: ResourceInstance, attribute: str, required: tuple[str, ...]
) -> list[tuple[int, dict[str, Any] | None]]:
    """(index, block) of a resource's inline rule blocks; None stands for a block that cannot be
    read (a string, a number, null where an object belongs, an object without the keys terraform
    always writes): it allows everything, never nothing."""
    value = r.get(attribute)
    if value is None and attribute not in r.values:
        return []  # not configured (sources mode writes no null for it)
    if not isinstance(value, list):
        message = f"{attribute} is not a list of blocks; assumed to allow everything"
        warn(ctx, r.address, attribute, message, UNREADABLE_RULES)
        return [(0, None)]
    out: list[tuple[int, dict[str, Any] | None]] = []
    for index, block in enumerate(value):
        flags = r.unknown_node((attribute, index))
        unknown = flags if isinstance(flags, dict) else {}
        readable = isinstance(block, dict) and all(key in block or key in unknown for key in required)
        if not readable:
            message = f"{attribute}[{index}] is not a rule block; assumed to allow everything"
            warn(ctx, r.address, attribute, message, UNREADABLE_RULES)
        out.append((index, block if readable else None))
    return out


def value_list(ctx: ParseContext, owner: str, value: Any, at: str, widened: Any, cause: str) -> list[Any]:
    """A list attribute's known elements; one that is not a list stands for `widened` (warned)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v not in (None, "")]
    warn(ctx, owner, None, f"{at} is not a list; assumed {widened}", cause)
    return [widened]
