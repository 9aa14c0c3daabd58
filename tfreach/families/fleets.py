"""EC2 Fleet: instances launched from launch templates, in the subnets of the overrides.

An `aws_ec2_fleet` launches instances from each launch template configuration, with the network
settings of the template, in the subnet an override names (else the template's, else the
default VPC's). Like an auto scaling group it is one endpoint: its instances may come from any of
its templates, so their settings are merged, the more exposed of each.
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-fleet.html
"""

from __future__ import annotations

from tfreach.families import parses
from tfreach.families.autoscaling import LaunchSpec, merged_spec
from tfreach.families.context import LAUNCH_TEMPLATE, ParseContext, tags_of
from tfreach.families.vpc import default_vpc_subnet, subnets_of
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import NetworkInterface


@parses("aws_ec2_fleet", phase=1)
def parse_fleet(r: ResourceInstance, ctx: ParseContext) -> None:
    interface = NetworkInterface(r.address, r.type)
    specs: list[LaunchSpec] = []
    subnets: list[str] = []
    for index, config in enumerate(r.get("launch_template_config") or []):
        at = ("launch_template_config", index, "launch_template_specification", 0)
        for attribute in ("launch_template_id", "launch_template_name"):
            if r.value_at((*at, attribute)) is not None or r.unknown_at((*at, attribute)):
                templates = ctx.in_block(r, (*at, attribute), LAUNCH_TEMPLATE)
                specs += [ctx.launch_specs[t] for t in templates if t in ctx.launch_specs]
        for number, override in enumerate(config.get("override") or [] if isinstance(config, dict) else []):
            path = ("launch_template_config", index, "override", number, "subnet_id")
            if isinstance(override, dict) and (override.get("subnet_id") or r.unknown_at(path)):
                subnets += [s for s in subnets_of(ctx, r, path, one_of=True) if s not in subnets]
    spec = merged_spec(specs) if specs else LaunchSpec()
    if not specs:
        ctx.network.notice(r.address, "launch_template_config", "no launch template found; settings unknown")
    interface.subnets = subnets or [default_vpc_subnet(ctx)]
    interface.security_groups, interface.default_group = list(spec.security_groups), spec.default_group
    interface.auto_public_ipv4, interface.auto_ipv6 = spec.auto_public_ipv4, spec.auto_ipv6
    if spec.assumption:
        interface.assumptions.append(spec.assumption)
    interface.tags = tags_of(r)
    ctx.network.interfaces[r.address] = interface


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_ec2_fleet": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-fleet.html",
}
