"""What managed services share: an endpoint in subnets, behind security groups, on its own ports.

A database, a cache, a file system's mount target, a cluster API or a broker is, to the network,
interfaces in some subnets with some security groups, maybe a public address, and a few ports it
listens on (it accepts nothing else, whatever its groups allow). Some are also reached on AWS's
public network (an EKS API, a public OpenSearch domain). A family module says which attribute
holds each of these for its resource types; `managed_endpoint` makes the model's endpoint.
"""

from __future__ import annotations

from typing import Any

from tfreach.families import parses, unknowns
from tfreach.families.context import SUBNET_GROUP, ParseContext, as_bool, tags_of
from tfreach.families.unknowns import unknown_subnet
from tfreach.families.vpc import default_vpc_subnet, subnets_of
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import NetworkInterface, PublicAddress, PublicEntry, ServicePorts

Path = str | tuple[str | int, ...]


@parses(*sorted(SUBNET_GROUP))
def parse_subnet_group(r: ResourceInstance, ctx: ParseContext) -> None:
    """A DB, Redshift, ElastiCache, MemoryDB or DMS subnet group: the subnets its service may use."""
    ctx.subnet_groups[r.address] = subnets_of(ctx, r, "subnet_ids", one_of=False)


def managed_endpoint(
    ctx: ParseContext,
    r: ResourceInstance,
    subnets: list[str],
    groups: Path | None,
    service: ServicePorts | None,
    groups_of: ResourceInstance | None = None,
) -> NetworkInterface:
    """The endpoint of a managed service: never the subnet's launch settings for public addresses
    (only what the service says: `publicly`), in `groups` (read from `groups_of`, by default `r`;
    none set: the VPC's default group)."""
    endpoint = NetworkInterface(r.address, r.type, subnets=subnets, service=service)
    holder = groups_of or r
    if groups is not None:
        endpoint.security_groups = unknowns.security_group_set(ctx, holder, groups)
        endpoint.default_group = not is_set_at(ctx, holder, groups)
    endpoint.auto_public_ipv4 = endpoint.auto_ipv6 = False
    endpoint.tags = tags_of(r)
    ctx.network.interfaces[r.address] = endpoint
    return endpoint


def is_set_at(ctx: ParseContext, r: ResourceInstance, path: Path) -> bool:
    steps = (path,) if isinstance(path, str) else path
    value = r.value_at(steps)
    return value not in (None, "", []) or (r.unknown_at(steps) and ctx.resolver.set_after_apply(r, steps))


def in_subnet_group(ctx: ParseContext, r: ResourceInstance, attribute: str) -> list[str]:
    """The subnets of the subnet group `attribute` names (by name or reference); without one,
    the region's default VPC, where AWS puts such a service."""
    if not ctx.is_set(r, attribute):
        return [default_vpc_subnet(ctx)]
    name = r.get(attribute)
    if isinstance(name, str) and name:
        group = ctx.by_name(SUBNET_GROUP, name)
        groups = [group] if group else []
        if group is None:
            ctx.network.notice(r.address, attribute, f"{name} is not managed by this plan")
    else:
        groups = ctx.candidates(r, attribute, SUBNET_GROUP)  # says why when it cannot
    subnets = [s for g in groups for s in ctx.subnet_groups.get(g, [])]
    if not groups or not all(g in ctx.subnet_groups for g in groups):
        subnets.append(unknown_subnet(ctx, r.address))
    return list(dict.fromkeys(subnets))


def in_subnets(ctx: ParseContext, r: ResourceInstance, path: Path) -> list[str]:
    """A service spread over these subnets (each may hold one of its interfaces)."""
    return subnets_of(ctx, r, path, one_of=False)


def publicly_accessible(
    ctx: ParseContext,
    r: ResourceInstance,
    endpoint: NetworkInterface,
    attribute: str = "publicly_accessible",
    aws_default: bool = False,
) -> bool:
    """`publicly_accessible = true` gives the endpoint a public IPv4 address; one known only after
    apply is assumed true; one left for AWS to decide (computed) is AWS's default."""
    value, said = ctx.flag(r, attribute), f"{attribute} = true"
    if value is None and ctx.configured(r, attribute):
        assumption = f"{attribute} is known only after apply; assumed true"
        ctx.network.notice(r.address, attribute, "known only after apply; assumed true")
        endpoint.assumptions.append(assumption)
        value = True
    elif value is None:
        value, said = aws_default, f"{attribute} unset: AWS's default is true"
    if value:
        endpoint.public_addresses.append(PublicAddress(4, said))
    return bool(value)


def port_of(
    ctx: ParseContext, r: ResourceInstance, endpoint: NetworkInterface, attribute: str, default: int | None
) -> ServicePorts | None:
    """TCP on `attribute`, else the service's default port; every port when neither is known."""
    port = r.get(attribute)
    if isinstance(port, int) and not isinstance(port, bool) and 0 < port <= 65535:
        return ServicePorts.tcp(port)
    if default is not None and not ctx.configured(r, attribute):
        return ServicePorts.tcp(default)
    endpoint.assumptions.append(f"its {attribute} is known only after apply; every port is considered")
    ctx.network.notice(r.address, attribute, "known only after apply; every port is considered")
    return None


def public_entry(
    ctx: ParseContext, r: ResourceInstance, label: str, cidrs: Any, remaining_control: str | None = None
) -> PublicEntry:
    """An endpoint on AWS's public network with this allow-list (unknown: anyone)."""
    known = [c for c in cidrs if isinstance(c, str) and c] if isinstance(cidrs, list) else []
    if cidrs is None or (isinstance(cidrs, list) and len(known) < len(cidrs)):
        assumption = "its public allow-list is known only after apply; assumed 0.0.0.0/0"
        ctx.network.notice(r.address, None, assumption, unknowns.UNKNOWN_CIDR)
        return PublicEntry(label, ("0.0.0.0/0", "::/0"), assumption, remaining_control)
    return PublicEntry(f"{label} {', '.join(known)}", tuple(known), None, remaining_control)


def flag_or(ctx: ParseContext, r: ResourceInstance, path: Path, default: bool) -> bool | None:
    """A boolean in a nested block, its AWS default when not set, None when known only after apply."""
    steps = (path,) if isinstance(path, str) else path
    if r.unknown_at(steps):
        return None
    value = r.value_at(steps)
    return default if value in (None, "") else as_bool(value)


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_db_subnet_group": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
    "aws_redshift_subnet_group": "https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-cluster-subnet-groups.html",
    "aws_elasticache_subnet_group": "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SubnetGroups.html",
    "aws_memorydb_subnet_group": "https://docs.aws.amazon.com/memorydb/latest/devguide/subnetgroups.html",
    "aws_dms_replication_subnet_group": "https://docs.aws.amazon.com/dms/latest/userguide/CHAP_ReplicationInstance.VPC.html",
}
