"""Amazon VPC Lattice: clients of the VPCs associated with a service network reach its services.

A service's listener (protocol, port) forwards to target groups (a weight of 0 receives nothing):
instances, IP addresses or an ALB, each on its registration's port or the group's. Clients in
every VPC associated with a service network the service belongs to (any account the network is
shared with) reach them; the targets see VPC Lattice's own addresses (the managed prefix list
169.254.171.0/24, fd00:ec2:80::/64), which their groups must admit. An auth policy (`AWS_IAM`)
admits only the principals it names: possible. A service the plan associates with no service
network may be associated by another stack: possible too.
https://docs.aws.amazon.com/vpc-lattice/latest/ug/how-it-works.html
https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html
"""

from __future__ import annotations

from typing import Any

from tfreach.families import parses
from tfreach.families.context import INSTANCE, LOAD_BALANCER, ParseContext
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.packets import addresses
from tfreach.model.protocols import TCP
from tfreach.model.ways_in import EdgeTarget, ManagedEdge

SERVICE_NAME = "VPC Lattice"
SERVICE = frozenset({"aws_vpclattice_service"})
TARGET_GROUP = frozenset({"aws_vpclattice_target_group"})
LATTICE_ADDRESSES = addresses("169.254.171.0/24", "fd00:ec2:80::/64")  # the managed prefix list
_DEFAULT_PORTS = {"HTTP": 80, "HTTPS": 443, "TLS_PASSTHROUGH": 443}


@parses(
    "aws_vpclattice_service",
    "aws_vpclattice_service_network",
    "aws_vpclattice_service_network_service_association",
    "aws_vpclattice_service_network_vpc_association",
    "aws_vpclattice_target_group",
    "aws_vpclattice_target_group_attachment",
)
def parse_read_with_listeners(r: ResourceInstance, ctx: ParseContext) -> None:
    """Read with the listeners that use them."""


@parses("aws_vpclattice_listener", "aws_vpclattice_listener_rule", phase=2)
def parse_listener(r: ResourceInstance, ctx: ParseContext) -> None:
    listener = _listener_of(r, ctx)
    if listener is None:
        return
    services = ctx.candidates(listener, "service_identifier", SERVICE) or ctx.candidates(
        listener, "service_arn", SERVICE
    )
    doubts = [d for service in services for d in _doubts(ctx, service)] or ([] if services else [_UNASSOCIATED])
    protocol = str(listener.get("protocol") or "HTTPS").upper()
    port = listener.get("port") if isinstance(listener.get("port"), int) else _DEFAULT_PORTS.get(protocol)
    edge = ctx.network.managed_edges.setdefault(
        r.address, ManagedEdge(r.address, r.type, SERVICE_NAME, source="lattice")
    )
    for group_address, group in _forwarded(r, ctx):
        for target, target_port in _targets(ctx, group_address, group):
            spans = ((TCP, target_port, target_port),) if target_port is not None else ((TCP, 0, 65535),)
            label = f"{r.address} {protocol} {port} -> {group_address} -> {target}"
            balancer = ctx.network.load_balancers.get(target)
            if balancer is not None and port is not None:  # an ALB target: reached on its listener
                spans = ((TCP, target_port or port, target_port or port),)
            edge.targets.append(EdgeTarget(target, spans, LATTICE_ADDRESSES, label, "; ".join(doubts) or None))


_UNASSOCIATED = "the service is in no service network of the plan; another stack may associate one"


def _listener_of(r: ResourceInstance, ctx: ParseContext) -> ResourceInstance | None:
    if r.type == "aws_vpclattice_listener":
        return r
    found = ctx.candidates(r, "listener_identifier", frozenset({"aws_vpclattice_listener"}))
    return ctx.resolver.by_address.get(found[0]) if found else None


def _doubts(ctx: ParseContext, service: str) -> list[str]:
    """What keeps a client of an associated VPC from the service, that the plan cannot decide."""
    out = []
    instance = ctx.resolver.by_address.get(service)
    if instance is not None and str(instance.get("auth_type") or "NONE") == "AWS_IAM":
        out.append(f"{service} admits only the principals its auth policy names")
    associations = [
        i for i in ctx.resolver.by_address.values() if i.type == "aws_vpclattice_service_network_service_association"
    ]
    if not any(service in ctx.candidates(a, "service_identifier", SERVICE) for a in associations):
        out.append(_UNASSOCIATED)
    return out


def _forwarded(r: ResourceInstance, ctx: ParseContext) -> list[tuple[str, ResourceInstance]]:
    """The target groups of the forward action, but those of weight 0."""
    block = "default_action" if r.type == "aws_vpclattice_listener" else "action"
    out = []
    for index, action in enumerate(r.get(block) or []):
        for forward_index, forward in enumerate(action.get("forward") or [] if isinstance(action, dict) else []):
            for group_index, group in enumerate(
                forward.get("target_groups") or [] if isinstance(forward, dict) else []
            ):
                if isinstance(group, dict) and group.get("weight") == 0:
                    continue
                path = (block, index, "forward", forward_index, "target_groups", group_index, "target_group_identifier")
                for address in ctx.in_block(r, path, TARGET_GROUP):
                    instance = ctx.resolver.by_address.get(address)
                    if instance is not None:
                        out.append((address, instance))
    return out


def _targets(ctx: ParseContext, address: str, group: ResourceInstance) -> list[tuple[str, int | None]]:
    """The group's registered targets and their ports (the registration's, else the group's)."""
    config: Any = next(iter(group.get("config") or []), {})
    default = config.get("port") if isinstance(config, dict) and isinstance(config.get("port"), int) else None
    kinds = LOAD_BALANCER if str(group.get("type")) == "ALB" else INSTANCE
    out = []
    for attachment in (
        i for i in ctx.resolver.by_address.values() if i.type == "aws_vpclattice_target_group_attachment"
    ):
        if address not in ctx.candidates(attachment, "target_group_identifier", TARGET_GROUP):
            continue
        target: Any = next(iter(attachment.get("target") or []), {})
        port = target.get("port") if isinstance(target, dict) and isinstance(target.get("port"), int) else default
        out += [(t, port) for t in ctx.in_block(attachment, ("target", 0, "id"), kinds)]
    return out


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_vpclattice_service": "https://docs.aws.amazon.com/vpc-lattice/latest/ug/services.html",
    "aws_vpclattice_service_network": "https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-networks.html",
    "aws_vpclattice_service_network_service_association": "https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-network-associations.html",
    "aws_vpclattice_service_network_vpc_association": "https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-network-associations.html",
    "aws_vpclattice_listener": "https://docs.aws.amazon.com/vpc-lattice/latest/ug/listeners.html",
    "aws_vpclattice_listener_rule": "https://docs.aws.amazon.com/vpc-lattice/latest/ug/listener-rules.html",
    "aws_vpclattice_target_group": "https://docs.aws.amazon.com/vpc-lattice/latest/ug/target-groups.html",
    "aws_vpclattice_target_group_attachment": "https://docs.aws.amazon.com/vpc-lattice/latest/ug/register-targets.html",
}
