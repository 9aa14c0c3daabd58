"""Launch templates, launch configurations and auto scaling groups.

An auto scaling group is reported as one endpoint (its instances are interchangeable):
the subnets of `vpc_zone_identifier`, and the security groups, public IP and IPv6 settings
of its launch template or launch configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfreach.families import parses, unknowns
from tfreach.families.context import (
    AUTOSCALING_GROUP,
    CLASSIC_LOAD_BALANCER,
    LAUNCH_CONFIGURATION,
    LAUNCH_TEMPLATE,
    SECURITY_GROUP,
    TARGET_GROUP,
    ParseContext,
    known_list,
    tags_of,
)
from tfreach.families.load_balancers import add_classic_target
from tfreach.families.vpc import default_vpc_subnet, subnets_of
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import LoadBalancerTarget, NetworkInterface


@dataclass
class LaunchSpec:
    """What every instance launched from a template or configuration gets."""

    security_groups: list[str] = field(default_factory=list)
    default_group: bool = True
    auto_public_ipv4: bool | None = None
    auto_ipv6: bool | None = None
    assumption: str | None = None  # several templates merged: which one an instance gets is not known


@parses("aws_launch_template")
def parse_launch_template(r: ResourceInstance, ctx: ParseContext) -> None:
    spec = LaunchSpec(security_groups=unknowns.security_group_set(ctx, r, "vpc_security_group_ids"))
    spec.security_groups += _named_groups(r, ctx, "security_group_names")
    for index, nic in enumerate(r.get("network_interfaces") or []):
        if str(nic.get("device_index") or 0) != "0":
            continue
        path = ("network_interfaces", index, "security_groups")
        found = ctx.in_block(r, path, SECURITY_GROUP)
        if not found and r.unknown_at(path):
            found = [unknowns.unknown_group(ctx, f"unresolved security group of {r.address}", r.address)]
        spec.security_groups += found
        public = nic.get("associate_public_ip_address")  # the provider stores "true" / "false" / null
        spec.auto_public_ipv4 = None if public in (None, "") else str(public).lower() == "true"
        count = nic.get("ipv6_address_count")
        if (isinstance(count, int) and count > 0) or known_list(nic.get("ipv6_addresses")):
            spec.auto_ipv6 = True
    spec.default_group = not spec.security_groups
    ctx.launch_specs[r.address] = spec


@parses("aws_launch_configuration")
def parse_launch_configuration(r: ResourceInstance, ctx: ParseContext) -> None:
    spec = LaunchSpec(security_groups=unknowns.security_group_set(ctx, r, "security_groups"))
    spec.default_group = not spec.security_groups
    if ctx.is_set(r, "associate_public_ip_address"):
        spec.auto_public_ipv4 = ctx.flag(r, "associate_public_ip_address")
    ctx.launch_specs[r.address] = spec


def _named_groups(r: ResourceInstance, ctx: ParseContext, attribute: str) -> list[str]:
    return [a for a in (ctx.by_name(SECURITY_GROUP, n) for n in known_list(r.get(attribute))) if a]


@parses("aws_autoscaling_group", phase=1)
def parse_autoscaling_group(r: ResourceInstance, ctx: ParseContext) -> None:
    interface = NetworkInterface(r.address, r.type)
    if ctx.is_set(r, "vpc_zone_identifier"):
        interface.subnets = subnets_of(ctx, r, "vpc_zone_identifier", one_of=False)
    else:
        interface.subnets = [default_vpc_subnet(ctx)]
    spec = _launch_spec(r, ctx)
    if spec is None:
        ctx.network.notice(r.address, "launch_template", "no launch template or configuration found; settings unknown")
        spec = LaunchSpec()
    interface.security_groups, interface.default_group = list(spec.security_groups), spec.default_group
    interface.auto_public_ipv4, interface.auto_ipv6 = spec.auto_public_ipv4, spec.auto_ipv6
    if spec.assumption:
        interface.assumptions.append(spec.assumption)
    interface.tags = tags_of(r)
    ctx.network.interfaces[r.address] = interface
    for group in ctx.many(r, "target_group_arns", TARGET_GROUP):
        attach_to_target_group(ctx, group, r.address)
    for balancer in _classic_balancers(r, ctx, "load_balancers"):
        add_classic_target(ctx, balancer, r.address)
    for index, source in enumerate(r.get("traffic_source") or []):
        _attach_traffic_source(r, ctx, ("traffic_source", index, "identifier"), source.get("type"), r.address)


def _launch_spec(r: ResourceInstance, ctx: ParseContext) -> LaunchSpec | None:
    """What the group's instances get: from its launch template (each candidate), the templates its
    mixed instances policy's overrides name, or its launch configuration. Instances may come from
    any of them: their settings are merged, the more exposed of each (groups: all of them)."""
    specs = [ctx.launch_specs[a] for a in dict.fromkeys(_templates(r, ctx)) if a in ctx.launch_specs]
    if not specs and ctx.is_set(r, "launch_configuration"):
        found = _by_value(ctx, r.get("launch_configuration"), LAUNCH_CONFIGURATION) or ctx.candidates(
            r, "launch_configuration", LAUNCH_CONFIGURATION
        )
        specs = [ctx.launch_specs[a] for a in found if a in ctx.launch_specs]
    return merged_spec(specs) if specs else None


def merged_spec(specs: list[LaunchSpec]) -> LaunchSpec:
    """One spec as it is; several merged, the more exposed of each setting, with the assumption."""
    if len(specs) == 1:
        return specs[0]
    merged = _merged(specs)
    merged.assumption = f"instances may come from any of {len(specs)} launch templates; their settings are merged"
    return merged


def _templates(r: ResourceInstance, ctx: ParseContext) -> list[str]:
    policy = ("mixed_instances_policy", 0, "launch_template", 0)
    paths: list[tuple[str | int, ...]] = [("launch_template", 0, "id"), ("launch_template", 0, "name")]
    specification = (*policy, "launch_template_specification", 0)
    paths += [(*specification, "launch_template_id"), (*specification, "launch_template_name")]
    for index, _ in enumerate(r.value_at((*policy, "override")) or []):
        override = (*policy, "override", index, "launch_template_specification", 0)
        paths += [(*override, "launch_template_id"), (*override, "launch_template_name")]
    found: list[str] = []
    for path in paths:
        if r.value_at(path) is None and not r.unknown_at(path):
            continue
        found += _by_value(ctx, r.value_at(path), LAUNCH_TEMPLATE) or ctx.in_block(r, path, LAUNCH_TEMPLATE)
    return found


def _merged(specs: list[LaunchSpec]) -> LaunchSpec:
    """The more exposed of each setting: every group, a public address if any may have one."""
    groups = list(dict.fromkeys(g for spec in specs for g in spec.security_groups))
    merged = LaunchSpec(groups, any(spec.default_group for spec in specs))
    merged.auto_public_ipv4 = _likeliest([spec.auto_public_ipv4 for spec in specs])
    merged.auto_ipv6 = _likeliest([spec.auto_ipv6 for spec in specs])
    return merged


def _likeliest(values: list[bool | None]) -> bool | None:
    """True if any says so, else None (the subnet's default) if any leaves it, else False."""
    return True if True in values else None if None in values else False


def _by_value(ctx: ParseContext, value: object, types: frozenset[str]) -> list[str]:
    address = ctx.by_name(types, value) if isinstance(value, str) and value else None
    return [address] if address else []


def _classic_balancers(r: ResourceInstance, ctx: ParseContext, attribute: str) -> list[str]:
    named = [a for a in (ctx.by_name(CLASSIC_LOAD_BALANCER, n) for n in known_list(r.get(attribute))) if a]
    return named + [b for b in ctx.many(r, attribute, CLASSIC_LOAD_BALANCER) if b not in named]


def attach_to_target_group(ctx: ParseContext, group_id: str, endpoint: str) -> None:
    group = ctx.network.target_groups.get(group_id)
    if group is not None:
        group.add_target(LoadBalancerTarget(endpoint))


def _attach_traffic_source(
    r: ResourceInstance, ctx: ParseContext, path: tuple[str | int, ...], kind: object, group_address: str
) -> None:
    """A traffic source is a target group (elbv2) or a classic load balancer (elb) by name."""
    types = CLASSIC_LOAD_BALANCER if kind == "elb" else TARGET_GROUP
    for found in _by_value(ctx, r.value_at(path), types) or ctx.candidates(r, path, types):
        if kind == "elb":
            add_classic_target(ctx, found, group_address)
        else:
            attach_to_target_group(ctx, found, group_address)


@parses("aws_autoscaling_attachment", phase=2)
def parse_autoscaling_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    for group in _autoscaling_groups(r, ctx):
        for target_group in ctx.many(r, "lb_target_group_arn", TARGET_GROUP):
            attach_to_target_group(ctx, target_group, group)
        balancers = _by_value(ctx, r.get("elb"), CLASSIC_LOAD_BALANCER) or ctx.many(r, "elb", CLASSIC_LOAD_BALANCER)
        for balancer in balancers:
            add_classic_target(ctx, balancer, group)


@parses("aws_autoscaling_traffic_source_attachment", phase=2)
def parse_traffic_source_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    for group in _autoscaling_groups(r, ctx):
        for index, source in enumerate(r.get("traffic_source") or []):
            _attach_traffic_source(r, ctx, ("traffic_source", index, "identifier"), source.get("type"), group)


def _autoscaling_groups(r: ResourceInstance, ctx: ParseContext) -> list[str]:
    """The group an attachment names; when ambiguous, each candidate gets the attachment."""
    found = _by_value(ctx, r.get("autoscaling_group_name"), AUTOSCALING_GROUP)
    return found or ctx.candidates(r, "autoscaling_group_name", AUTOSCALING_GROUP)


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_launch_template": "https://docs.aws.amazon.com/autoscaling/ec2/userguide/launch-templates.html",
    "aws_launch_configuration": "https://docs.aws.amazon.com/autoscaling/ec2/userguide/launch-configurations.html",
    "aws_autoscaling_group": "https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-groups.html",
    "aws_autoscaling_attachment": "https://docs.aws.amazon.com/autoscaling/ec2/userguide/attach-load-balancer-asg.html",
    "aws_autoscaling_traffic_source_attachment": "https://docs.aws.amazon.com/autoscaling/ec2/userguide/attach-load-balancer-asg.html",
}
