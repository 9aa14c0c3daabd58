"""Load balancers (ALB, NLB, GWLB, classic ELB), listeners, target groups and their targets."""

from __future__ import annotations

import ipaddress
from typing import Any

from tfreach.families import finishes, outside, parses, unknowns
from tfreach.families.context import (
    AMBIGUOUS,
    AUTOSCALING_GROUP,
    CLASSIC_LOAD_BALANCER,
    INSTANCE,
    LISTENER,
    LOAD_BALANCER,
    NETWORK_INTERFACE,
    TARGET_GROUP,
    ParseContext,
    as_bool,
    some_of,
    tags_of,
)
from tfreach.families.vpc import default_vpc_subnet, subnets_of
from tfreach.inputs.plan.configuration import configured_blocks, constant_of
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import Listener, LoadBalancer, LoadBalancerTarget, TargetGroup
from tfreach.model.protocols import TCP, UDP

_LAYER4 = {
    "HTTP": (TCP,),
    "HTTPS": (TCP,),
    "TCP": (TCP,),
    "TLS": (TCP,),
    "SSL": (TCP,),
    "UDP": (UDP,),
    "TCP_UDP": (TCP, UDP),
}
_TARGETS = INSTANCE | NETWORK_INTERFACE | AUTOSCALING_GROUP | LOAD_BALANCER


@parses("aws_lb", "aws_alb")
def parse_load_balancer(r: ResourceInstance, ctx: ParseContext) -> None:
    kind = r.get("load_balancer_type") or "application"
    balancer = LoadBalancer(r.address, r.type, kind, _internal(r, ctx))
    balancer.subnets = subnets_of(ctx, r, "subnets", one_of=False) if ctx.is_set(r, "subnets") else []
    for index, _ in enumerate(r.get("subnet_mapping") or []):
        mapped = subnets_of(ctx, r, ("subnet_mapping", index, "subnet_id"), one_of=False)
        balancer.subnets += [s for s in mapped if s not in balancer.subnets]
    balancer.security_groups = unknowns.security_group_set(ctx, r, "security_groups")
    # An ALB created without groups gets the VPC's default group; an NLB simply has none.
    balancer.default_group = kind == "application" and not ctx.is_set(r, "security_groups")
    balancer.dualstack = str(r.get("ip_address_type") or "").startswith("dualstack")
    balancer.tags = tags_of(r)
    if kind == "gateway":
        ctx.network.notice(
            r.address, None, "gateway load balancers are not modelled (their appliances see traffic in transit)"
        )
        return
    ctx.network.load_balancers[r.address] = balancer


def _internal(r: ResourceInstance, ctx: ParseContext) -> bool:
    """Unset (or null) means internet-facing, AWS's default."""
    value = ctx.flag(r, "internal")
    if value is None and ctx.configured(r, "internal"):
        ctx.network.notice(r.address, "internal", "known only after apply; assumed internet-facing")
        return False
    return bool(value)


@parses("aws_lb_target_group", "aws_alb_target_group")
def parse_target_group(r: ResourceInstance, ctx: ParseContext) -> None:
    preserve = r.get("preserve_client_ip")
    group = TargetGroup(r.address, r.type, _port(r.get("port")), r.get("target_type") or "instance")
    group.preserve_client_ip = None if preserve in (None, "") else as_bool(preserve)
    ctx.network.target_groups[r.address] = group


@parses("aws_lb_listener", "aws_alb_listener", phase=1)
def parse_listener(r: ResourceInstance, ctx: ParseContext) -> None:
    """A listener whose load balancer is ambiguous may belong to each candidate."""
    link = ctx.link(r, "load_balancer_arn", LOAD_BALANCER)
    balancers = [*link.candidates, *(outside.load_balancer(ctx, arn) for arn in link.outside)]
    for balancer in [ctx.network.load_balancers[b] for b in balancers if b in ctx.network.load_balancers]:
        default = "HTTP" if balancer.kind == "application" else "TCP"
        protocols = _LAYER4.get(str(r.get("protocol") or default).upper())
        port = _port(r.get("port"))
        if protocols is None or port is None:
            ctx.network.notice(r.address, "protocol", "the listener's protocol is not modelled")
            return
        listener = ctx.network.listeners.get(r.address)
        if listener is None:
            listener = Listener(r.address, r.type, protocols, port, _action_kind(r.get("default_action")))
            listener.target_groups = _forwarded_groups(r, ctx, "default_action")
            ctx.network.listeners[r.address] = listener
        balancer.listeners.append(listener)


@parses("aws_lb_listener_rule", "aws_alb_listener_rule", phase=2)
def parse_listener_rule(r: ResourceInstance, ctx: ParseContext) -> None:
    """Rule conditions are not evaluated: some request may match any rule (of each candidate listener)."""
    link = ctx.link(r, "listener_arn", LISTENER)
    for listener_id in [*link.candidates, *(outside.listener(ctx, arn) for arn in link.outside)]:
        listener = ctx.network.listeners.get(listener_id)
        if listener is not None:
            groups = _forwarded_groups(r, ctx, "action")
            listener.target_groups += [g for g in groups if g not in listener.target_groups]


def _action_kind(actions: Any) -> str:
    kinds = [str(a.get("type")) for a in actions or [] if isinstance(a, dict)]
    return "forward" if "forward" in kinds else (kinds[-1] if kinds else "forward")


def _forwarded_groups(r: ResourceInstance, ctx: ParseContext, block: str) -> list[str]:
    """Target groups of forward actions: `target_group_arn`, or weighted `forward` blocks."""
    groups: list[str] = []
    for index, action in enumerate(r.get(block) or []):
        if action.get("type") != "forward":
            continue
        found = ctx.in_block(r, (block, index, "target_group_arn"), TARGET_GROUP)
        for forward_index, forward in enumerate(action.get("forward") or []):
            found += _weighted_groups(r, ctx, (block, index, "forward", forward_index), forward)
        groups += [g for g in found if g not in groups]
    return groups


def _weighted_groups(r: ResourceInstance, ctx: ParseContext, at: tuple[str | int, ...], forward: Any) -> list[str]:
    """A weighted forward's target groups, but those of weight 0: they receive nothing. The groups
    are a set, which the plan orders apart from the configuration: each group's weight and ARN are
    read together from the configuration when there is one."""
    configured = configured_blocks(r.expressions, (*at, "target_group"))
    if configured:
        named = [
            g
            for b in configured
            if constant_of(b, "weight") != 0
            for g in ctx.in_configured_block(r, b, "arn", TARGET_GROUP)
        ]
        return [g if g in ctx.resolver.by_address else outside.target_group(ctx, g) for g in named]
    found = []
    for index, group in enumerate(forward.get("target_group") or [] if isinstance(forward, dict) else []):
        if not (isinstance(group, dict) and group.get("weight") == 0):
            found += ctx.in_block(r, (*at, "target_group", index, "arn"), TARGET_GROUP)
    return found


@parses("aws_lb_target_group_attachment", "aws_alb_target_group_attachment", phase=2)
def parse_target_group_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    link = ctx.link(r, "target_group_arn", TARGET_GROUP)
    for group_id in [*link.candidates, *(outside.target_group(ctx, arn) for arn in link.outside)]:
        if group_id in ctx.network.target_groups:
            _attach(r, ctx, ctx.network.target_groups[group_id])


def _attach(r: ResourceInstance, ctx: ParseContext, group: TargetGroup) -> None:
    """An attachment whose group is ambiguous may register its target in each candidate."""
    if group.target_type == "lambda":
        message = "a Lambda function target is invoked by the load balancer: it has no port of its own to reach"
        ctx.network.notice(r.address, "target_id", message)
        return
    if group.target_type == "alb":
        ctx.network.notice(r.address, "target_id", "an ALB as the target of an NLB is not modelled; not analysed")
        return
    if group.target_type == "ip":
        for endpoint in _ip_targets(r, ctx):
            group.add_target(LoadBalancerTarget(endpoint, _port(r.get("port"))))
        return
    link = ctx.resolver.link(r, ("target_id",), _TARGETS)
    if link.problem:
        ctx.network.notice(r.address, "target_id", link.problem)
    found = tuple(ctx.aliases.get(a, a) for a in link.addresses) if ctx.aliases else link.addresses
    port = _port(r.get("port"))
    if len(found) > 1:
        ctx.ambiguous_targets.setdefault(group.id, []).append((r.address, found, port))
        if len(ctx.ambiguous_targets[group.id]) > 1 and ctx.ambiguous_targets[group.id][-2][1:] == (found, port):
            return  # the same candidates as the attachment before: registered already
    for target in found:
        group.add_target(LoadBalancerTarget(target, port))


def _ip_targets(r: ResourceInstance, ctx: ParseContext) -> list[str]:
    """The interfaces an IP target names: by reference (`aws_instance.x.private_ip`), else by the
    address itself among the plan's known private addresses. One it cannot match is warned."""
    found = list(ctx.resolver.link(r, ("target_id",), INSTANCE | NETWORK_INTERFACE).addresses)
    if found:
        return [ctx.aliases.get(a, a) for a in found]
    address = r.get("target_id")
    try:
        ip = ipaddress.ip_address(str(address))
    except ValueError:
        message = "an IP target is not known before apply and names no interface; not analysed"
        ctx.network.notice(r.address, "target_id", message, unknowns.UNREADABLE_TARGET)
        return []
    matched = [i.id for i in ctx.network.interfaces.values() if str(ip) in i.private_ips]
    if not matched:
        vpcs = [v.id for v in ctx.network.vpcs.values() if any(ip in ipaddress.ip_network(c) for c in v.cidrs)]
        where = f"is in {vpcs[0]} but no interface of the plan has it" if vpcs else "is outside every VPC of the plan"
        message = f"IP target {ip} {where} (a container task, an on-premises server...); not analysed"
        ctx.network.notice(r.address, "target_id", message, unknowns.UNREADABLE_TARGET)
    return matched


@finishes
def settle_ambiguous_targets(ctx: ParseContext) -> None:
    """Attachments whose target is ambiguous, and what that means for their group.

    A module often attaches N instances through N attachments whose references all name
    the same N instances: whichever attachment gets which, the group's targets are exactly
    those N, so nothing needs assuming. Otherwise each candidate is kept, with a notice and
    an assumption on the target.
    """
    for group_id, attachments in ctx.ambiguous_targets.items():
        candidate_sets = {found for _, found, _ in attachments}
        if len(candidate_sets) == 1 and len(attachments) == len(next(iter(candidate_sets))):
            continue
        doubts: dict[tuple[str, int | None], str] = {}
        for address, found, port in attachments:
            candidates = some_of(found)
            ctx.network.notice(
                address, "target_id", f"ambiguous: may be any of {candidates}; all are considered", AMBIGUOUS
            )
            doubt = f"{address} may attach any of {candidates}"
            for endpoint in found:
                doubts.setdefault((endpoint, port), doubt)
        group = ctx.network.target_groups[group_id]
        group.targets = [
            LoadBalancerTarget(t.endpoint, t.port, doubts.get((t.endpoint, t.port), t.assumption))
            for t in group.targets
        ]


@parses("aws_elb")
def parse_classic_load_balancer(r: ResourceInstance, ctx: ParseContext) -> None:
    """Each listener forwards lb_port to instance_port on every registered instance."""
    balancer = LoadBalancer(r.address, r.type, "classic", _internal(r, ctx))
    # Without subnets (availability_zones only) a classic ELB lives in the default VPC.
    in_subnets = ctx.is_set(r, "subnets")
    balancer.subnets = subnets_of(ctx, r, "subnets", one_of=False) if in_subnets else [default_vpc_subnet(ctx)]
    balancer.security_groups = unknowns.security_group_set(ctx, r, "security_groups")
    balancer.default_group = not ctx.is_set(r, "security_groups")
    balancer.tags = tags_of(r)
    for listener_values in r.get("listener") or []:
        lb_port, instance_port = _port(listener_values.get("lb_port")), _port(listener_values.get("instance_port"))
        if lb_port is None or instance_port is None:
            continue
        group_id = f"{r.address} instance port {instance_port}"
        if group_id not in ctx.network.target_groups:
            ctx.network.target_groups[group_id] = TargetGroup(group_id, r.type, instance_port)
        listener = Listener(f"{r.address} listener {lb_port}", r.type, (TCP,), lb_port, "forward", [group_id])
        balancer.listeners.append(listener)
    ctx.network.load_balancers[r.address] = balancer
    for instance in ctx.many(r, "instances", INSTANCE):
        add_classic_target(ctx, r.address, instance)


@parses("aws_elb_attachment", phase=2)
def parse_classic_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    for balancer in ctx.candidates(r, "elb", CLASSIC_LOAD_BALANCER):
        for instance in ctx.candidates(r, "instance", INSTANCE):
            add_classic_target(ctx, balancer, instance)


def add_classic_target(ctx: ParseContext, balancer_id: str, endpoint: str) -> None:
    balancer = ctx.network.load_balancers.get(balancer_id)
    for listener in balancer.listeners if balancer else []:
        for group_id in listener.target_groups:
            group = ctx.network.target_groups[group_id]
            group.add_target(LoadBalancerTarget(endpoint))


def _port(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_lb": "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html",
    "aws_alb": "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html",
    "aws_lb_target_group": "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html",
    "aws_alb_target_group": "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html",
    "aws_lb_listener": "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",
    "aws_alb_listener": "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",
    "aws_lb_listener_rule": "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html",
    "aws_alb_listener_rule": "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html",
    "aws_lb_target_group_attachment": "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html",
    "aws_alb_target_group_attachment": "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-register-targets.html",
    "aws_elb": "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-groups.html",
    "aws_elb_attachment": "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-deregister-register-instances.html",
}
