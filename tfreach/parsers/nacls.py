"""Network ACLs: inline and separate rules, subnet associations, the default ACL."""

from __future__ import annotations

from typing import Any

from ..model import AclRule, NetworkAcl
from ..packets import ALL_IPV4, ALL_IPV6, PacketSet, addresses
from ..plan.instances import ResourceInstance
from ..protocols import describe, icmp_type_span, is_icmp, port_range_problem, port_span, protocol_span
from . import parses
from .context import NETWORK_ACL, SUBNET, VPC, ParseContext, as_bool


@parses("aws_network_acl")
def parse_network_acl(r: ResourceInstance, ctx: ParseContext) -> None:
    acl = NetworkAcl(r.address, r.type, ctx.one(r, "vpc_id", VPC))
    acl.rules = _inline_rules(r, ctx)
    ctx.network.nacls[r.address] = acl
    for subnet in ctx.many(r, "subnet_ids", SUBNET):
        ctx.network.subnet_nacls[subnet] = r.address


@parses("aws_default_network_acl")
def parse_default_network_acl(r: ResourceInstance, ctx: ParseContext) -> None:
    """Terraform removes every rule of the adopted default ACL that is not configured."""
    vpc = ctx.one(r, "default_network_acl_id", VPC)
    acl = NetworkAcl(r.address, r.type, vpc)
    acl.rules = _inline_rules(r, ctx)
    ctx.network.nacls[r.address] = acl
    if vpc:
        ctx.network.default_nacls[vpc] = r.address
    for subnet in ctx.many(r, "subnet_ids", SUBNET):
        ctx.network.subnet_nacls[subnet] = r.address


@parses("aws_network_acl_rule", phase=1)
def parse_network_acl_rule(r: ResourceInstance, ctx: ParseContext) -> None:
    acl = ctx.network.nacls.get(ctx.one(r, "network_acl_id", NETWORK_ACL) or "")
    if acl is None:
        return
    unknown_cidr = any(ctx.configured(r, f) for f in ("cidr_block", "ipv6_cidr_block"))
    rule = _rule(
        ctx, r.address, r.values, as_bool(r.get("egress")), r.get("rule_number"), r.get("rule_action"), unknown_cidr
    )
    if rule is not None:
        acl.rules.append(rule)


@parses("aws_network_acl_association", phase=1)
def parse_network_acl_association(r: ResourceInstance, ctx: ParseContext) -> None:
    acl = ctx.one(r, "network_acl_id", NETWORK_ACL)
    subnet = ctx.one(r, "subnet_id", SUBNET)
    if acl and subnet:
        ctx.network.subnet_nacls[subnet] = acl


def _inline_rules(r: ResourceInstance, ctx: ParseContext) -> list[AclRule]:
    rules: list[AclRule] = []
    for direction in ("ingress", "egress"):
        egress = direction == "egress"
        if r.is_unknown(direction):
            if ctx.configured(r, direction):
                rules.append(_unknown_rules(r, egress))
                ctx.network.notice(r.address, direction, "rules are unknown until apply; assumed to allow everything")
            continue  # computed only: the separate aws_network_acl_rule resources are the rules
        unknown = r.unknown.get(direction)
        for index, entry in enumerate(r.get(direction) or []):
            flags = unknown[index] if isinstance(unknown, list) and index < len(unknown) else {}
            unknown_cidr = isinstance(flags, dict) and any(
                flags.get(f) is True for f in ("cidr_block", "ipv6_cidr_block")
            )
            rule = _rule(ctx, r.address, entry, egress, entry.get("rule_no"), entry.get("action"), unknown_cidr)
            if rule is not None:
                rules.append(rule)
    return rules


def _unknown_rules(r: ResourceInstance, egress: bool) -> AclRule:
    match = PacketSet.box((0, 255), (0, 65535), ALL_IPV4 | ALL_IPV6)
    return AclRule(0, egress, True, match, f"{r.address} (unknown rules)", "rules unknown until apply")


def _rule(
    ctx: ParseContext, owner: str, values: dict[str, Any], egress: bool, number: Any, action: Any, unknown_cidr: bool
) -> AclRule | None:
    try:
        protocols = protocol_span(values.get("protocol"))
        ports = _acl_ports(protocols, values)
        rule_number = int(number)
    except (TypeError, ValueError) as error:
        ctx.network.notice(owner, None, f"network ACL rule {number} ignored: {error}")
        return None
    problem = port_range_problem(protocols, values.get("from_port"), values.get("to_port"))
    if problem:
        ctx.network.notice(owner, None, f"network ACL rule #{rule_number}: {problem}")
    if not 1 <= rule_number <= 32766:
        ctx.network.notice(owner, None, f"network ACL rule #{rule_number}: AWS allows rule numbers 1-32766 only")
    allow = str(action).lower() == "allow"
    cidrs = [c for c in (values.get("cidr_block"), values.get("ipv6_cidr_block")) if c]
    assumption = None
    if unknown_cidr:
        if not allow:
            ctx.network.notice(owner, None, f"deny rule #{rule_number} has an unknown CIDR; assumed to deny nothing")
            return None
        assumption = f"rule #{rule_number} has a CIDR known only after apply; assumed to match every address"
        cidrs = ["0.0.0.0/0", "::/0"]
    try:
        remote = addresses(*cidrs)
    except (ValueError, TypeError, AttributeError) as error:
        if not allow:
            ctx.network.notice(owner, None, f"deny rule #{rule_number}: {error}; assumed to deny nothing")
            return None
        assumption = f"rule #{rule_number} has a CIDR that cannot be read; assumed to match every address"
        ctx.network.notice(owner, None, f"allow rule #{rule_number}: {error}; assumed to match every address")
        cidrs, remote = ["0.0.0.0/0", "::/0"], addresses("0.0.0.0/0", "::/0")
    verdict = "ALLOW" if allow else "DENY"
    direction = "egress " if egress else ""
    label = f"{owner} {direction}#{rule_number} {verdict} {describe(protocols, ports)} {' '.join(cidrs)}"
    return AclRule(rule_number, egress, allow, PacketSet.box(protocols, ports, remote), label, assumption)


def _acl_ports(protocols: tuple[int, int], values: dict[str, Any]) -> tuple[int, int]:
    """Network ACLs give ICMP its type in icmp_type; tcp/udp use from_port..to_port."""
    if protocols[0] == protocols[1] and is_icmp(protocols[0]):
        return icmp_type_span(values.get("icmp_type"))
    return port_span(protocols, values.get("from_port"), values.get("to_port"))
