"""Containers: EKS cluster APIs and node groups, ECS services with awsvpc networking.

An EKS cluster's API has a public endpoint by default (`endpoint_public_access`, open to
`public_access_cidrs`, 0.0.0.0/0 unless set) that no security group governs, and a private one
in its subnets when `endpoint_private_access` is on. Node groups are instances in their subnets;
EKS gives them its cluster security group (members only) and, with `remote_access` and an SSH
key, a group admitting SSH from `source_security_group_ids`, or from anywhere without them.
ECS tasks in awsvpc mode are endpoints in the service's subnets and groups, with a public
address when `assign_public_ip` is set; their container ports do not limit what the groups
admit (tfreach cannot see what listens), and a `load_balancer` block registers them as targets.
"""

from __future__ import annotations

from tfreach.families import parses, unknowns
from tfreach.families.context import EKS_CLUSTER, LAUNCH_TEMPLATE, SECURITY_GROUP, TARGET_GROUP, ParseContext, tags_of
from tfreach.families.managed import flag_or, in_subnets, is_set_at, managed_endpoint, public_entry
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import (
    LoadBalancerTarget,
    NetworkInterface,
    PublicAddress,
    PublicEntry,
    SecurityGroup,
    SecurityGroupRule,
    ServicePorts,
)
from tfreach.model.packets import EMPTY, PORTS, PROTOCOLS, PacketSet, addresses
from tfreach.model.protocols import TCP

_API = ServicePorts.tcp(443)


@parses("aws_eks_cluster", phase=1)
def parse_eks_cluster(r: ResourceInstance, ctx: ParseContext) -> None:
    private = flag_or(ctx, r, ("vpc_config", 0, "endpoint_private_access"), False)
    public = flag_or(ctx, r, ("vpc_config", 0, "endpoint_public_access"), True)
    subnets = in_subnets(ctx, r, ("vpc_config", 0, "subnet_ids")) if private is not False else []
    api = managed_endpoint(ctx, r, subnets, ("vpc_config", 0, "security_group_ids"), _API)
    api.default_group = False  # EKS uses its own cluster group, never the VPC's default one
    api.security_groups.append(cluster_group(ctx, r.address))
    if private is None:
        api.assumptions.append("endpoint_private_access is known only after apply; assumed on")
    if public is not False:
        api.public_entry = _public_api(ctx, r, public is None)


def _public_api(ctx: ParseContext, r: ResourceInstance, assumed: bool) -> PublicEntry:
    path = ("vpc_config", 0, "public_access_cidrs")
    configured = r.unknown_at(path) and ctx.resolver.set_after_apply(r, path)
    cidrs = None if configured else (r.value_at(path) or ["0.0.0.0/0"])  # AWS's default when unset
    entry = public_entry(ctx, r, "endpoint_public_access = true, public_access_cidrs", cidrs)
    if assumed:
        ctx.network.notice(r.address, "vpc_config", "endpoint_public_access is known only after apply; assumed on")
    return entry


def cluster_group(ctx: ParseContext, cluster: str) -> str:
    """The security group EKS creates for a cluster: it admits its own members only."""
    identity = f"{cluster} cluster security group"
    if identity not in ctx.network.security_groups:
        everything = PacketSet.box(PROTOCOLS, PORTS, addresses("0.0.0.0/0", "::/0"))
        label = f"{identity} (EKS-managed) ingress all from itself"
        rule = SecurityGroupRule(False, EMPTY, label, everything, [identity])
        egress = SecurityGroupRule(True, everything, f"{identity} (EKS-managed) egress all", everything)
        ctx.network.security_groups[identity] = SecurityGroup(identity, "aws_eks_cluster", None, [rule, egress])
    return identity


@parses("aws_eks_node_group", phase=1)
def parse_eks_node_group(r: ResourceInstance, ctx: ParseContext) -> None:
    """Instances in its subnets; a public address when the subnet maps one on launch."""
    nodes = NetworkInterface(r.address, r.type, subnets=in_subnets(ctx, r, "subnet_ids"))
    templates = ctx.candidates(r, ("launch_template", 0, "id"), LAUNCH_TEMPLATE) if r.get("launch_template") else []
    specs = [ctx.launch_specs[t] for t in templates if t in ctx.launch_specs]
    if any(spec.security_groups for spec in specs):
        nodes.security_groups = [g for spec in specs for g in spec.security_groups]
    else:
        clusters = _clusters(ctx, r)
        nodes.security_groups = [cluster_group(ctx, c) for c in clusters] or [_unknown_cluster_group(ctx, r)]
        nodes.security_groups += _remote_access(ctx, r)
    nodes.tags = tags_of(r)
    ctx.network.interfaces[r.address] = nodes


def _clusters(ctx: ParseContext, r: ResourceInstance) -> list[str]:
    """The node group's cluster, by name (known in the plan) or by reference."""
    name = r.get("cluster_name")
    if isinstance(name, str) and name:
        found = ctx.by_name(EKS_CLUSTER, name)
        return [found] if found else []
    return ctx.candidates(r, "cluster_name", EKS_CLUSTER)


def _unknown_cluster_group(ctx: ParseContext, r: ResourceInstance) -> str:
    return unknowns.unknown_group(ctx, f"cluster security group of {r.address}", r.address)


def _remote_access(ctx: ParseContext, r: ResourceInstance) -> list[str]:
    """With an SSH key, EKS opens port 22: to `source_security_group_ids`, else to anyone."""
    if not r.get("remote_access") or not is_set_at(ctx, r, ("remote_access", 0, "ec2_ssh_key")):
        return []
    identity = f"{r.address} remote access group (EKS-managed)"
    ssh = PacketSet.box((TCP, TCP), (22, 22), addresses("0.0.0.0/0", "::/0"))
    sources_path = ("remote_access", 0, "source_security_group_ids")
    if is_set_at(ctx, r, sources_path):
        peers = ctx.many(r, sources_path, SECURITY_GROUP) or [unknowns.unknown_group(ctx, identity, r.address)]
        rule = SecurityGroupRule(False, EMPTY, f"{identity} ingress tcp 22 from {', '.join(peers)}", ssh, peers)
    else:
        label = f"{identity} ingress tcp 22 from 0.0.0.0/0 (ec2_ssh_key without source_security_group_ids)"
        rule = SecurityGroupRule(False, ssh, label, ssh)
    ctx.network.security_groups[identity] = SecurityGroup(identity, r.type, None, [rule])
    return [identity]


@parses("aws_ecs_service", phase=2)
def parse_ecs_service(r: ResourceInstance, ctx: ParseContext) -> None:
    """awsvpc tasks (every Fargate task) are endpoints; other network modes use their hosts."""
    if not r.get("network_configuration") and not r.is_unknown("network_configuration"):
        message = "no network_configuration (bridge or host mode): its tasks are reached through their instances"
        ctx.network.notice(r.address, "network_configuration", message)
        return
    config = ("network_configuration", 0)
    tasks = managed_endpoint(ctx, r, in_subnets(ctx, r, (*config, "subnets")), (*config, "security_groups"), None)
    public = flag_or(ctx, r, (*config, "assign_public_ip"), False)
    if public is not False:
        assumed = "assign_public_ip is known only after apply; assumed true" if public is None else None
        tasks.public_addresses.append(PublicAddress(4, "assign_public_ip = true", assumed))
    for index, block in enumerate(r.get("load_balancer") or []):
        for group_id in ctx.in_block(r, ("load_balancer", index, "target_group_arn"), TARGET_GROUP):
            group = ctx.network.target_groups.get(group_id)
            port = block.get("container_port")
            if group is not None:
                group.add_target(LoadBalancerTarget(r.address, port if isinstance(port, int) else None))


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_eks_cluster": "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html",
    "aws_eks_node_group": "https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html",
    "aws_ecs_service": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html",
}
