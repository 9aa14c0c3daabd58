"""AWS Global Accelerator: the internet reaches the endpoints of an accelerator's listeners.

A listener accepts TCP or UDP on its port ranges; each endpoint group of the listener sends them
to its endpoints (a port override maps a listener port to another endpoint port): load balancers
(an internal ALB too), EC2 instances and Elastic IPs. ALB and instance endpoints keep the
client's address unless client IP preservation is turned off; NLB and Elastic IP endpoints see
the accelerator's. Nothing flows through a disabled accelerator, an endpoint group dialled to 0 or
an endpoint of weight 0 (aws/managed_edges.py).
"""

from __future__ import annotations

from typing import Any

from tfreach.aws.outside import addresses_of
from tfreach.families import parses, unknowns
from tfreach.families.context import INSTANCE, LOAD_BALANCER, NETWORK_INTERFACE, SUBNET, ParseContext, as_bool
from tfreach.inputs.plan.configuration import configured_blocks, constant_of
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.packets import ALL_ADDRESSES
from tfreach.model.protocols import TCP, UDP, describe
from tfreach.model.ways_in import EdgeTarget, ManagedEdge

SERVICE = "Global Accelerator"
ACCELERATOR = frozenset({"aws_globalaccelerator_accelerator"})
LISTENER = frozenset({"aws_globalaccelerator_listener"})
EIP = frozenset({"aws_eip"})
_PROTOCOLS = {"TCP": TCP, "UDP": UDP}


@parses("aws_globalaccelerator_accelerator", "aws_globalaccelerator_listener")
def parse_accelerator_or_listener(r: ResourceInstance, ctx: ParseContext) -> None:
    """Read with the endpoint groups that use them."""


@parses("aws_globalaccelerator_endpoint_group", phase=2)
def parse_endpoint_group(r: ResourceInstance, ctx: ParseContext) -> None:
    dial = r.get("traffic_dial_percentage")
    if dial is not None and not r.is_unknown("traffic_dial_percentage") and float(dial) == 0:
        return  # dialled to 0: the group receives nothing
    for listener_address in ctx.candidates(r, "listener_arn", LISTENER):
        listener = ctx.resolver.by_address.get(listener_address)
        if listener is None or not _enabled(listener, ctx):
            continue
        spans = _listener_spans(listener, ctx)
        edge = ctx.network.managed_edges.setdefault(
            listener.address, ManagedEdge(listener.address, listener.type, SERVICE)
        )
        on_endpoint = _overridden(spans, r.get("port_override") or [])
        for endpoint, targets in _endpoint_blocks(r, ctx):
            if not _weight_zero(endpoint):
                for target in targets:
                    edge.targets.append(_target(ctx, target, endpoint, on_endpoint, listener.address))


def _enabled(listener: ResourceInstance, ctx: ParseContext) -> bool:
    """A disabled accelerator accepts nothing (unknown: enabled, the more exposed)."""
    for accelerator in ctx.candidates(listener, "accelerator_arn", ACCELERATOR):
        instance = ctx.resolver.by_address.get(accelerator)
        if instance is not None and instance.get("enabled") is False:
            return False
    return True


def _listener_spans(listener: ResourceInstance, ctx: ParseContext) -> list[tuple[int, int, int]]:
    protocol = _PROTOCOLS.get(str(listener.get("protocol") or "TCP").upper())
    protocols = [protocol] if protocol is not None else [TCP, UDP]
    out = []
    for index, block in enumerate(listener.get("port_range") or [{}]):
        block = block if isinstance(block, dict) else {}
        for each in protocols:
            (first, last), _ = unknowns.ports(
                ctx,
                listener.address,
                (each, each),
                block.get("from_port"),
                block.get("to_port"),
                at=f"port_range[{index}].",
            )
            out.append((each, first, last))
    return out


def _overridden(spans: list[tuple[int, int, int]], overrides: list[Any]) -> list[tuple[int, int, int]]:
    """A port override sends one listener port to another endpoint port."""
    moved = {}
    for override in overrides:
        if isinstance(override, dict) and isinstance(override.get("listener_port"), int):
            moved[override["listener_port"]] = override.get("endpoint_port")
    out = []
    for protocol, first, last in spans:
        for port, to in moved.items():
            if first <= port <= last and isinstance(to, int):
                out.append((protocol, to, to))
        out += [(protocol, a, b) for a, b in _without((first, last), sorted(moved))]
    return out


def _without(span: tuple[int, int], ports: list[int]) -> list[tuple[int, int]]:
    pieces, start = [], span[0]
    for port in ports:
        if start <= port <= span[1]:
            if start < port:
                pieces.append((start, port - 1))
            start = port + 1
    return [*pieces, (start, span[1])] if start <= span[1] else pieces


def _weight_zero(endpoint: dict[str, Any]) -> bool:
    weight = endpoint.get("weight")
    return isinstance(weight, (int, float)) and not isinstance(weight, bool) and weight == 0


def _endpoint_blocks(r: ResourceInstance, ctx: ParseContext) -> list[tuple[dict[str, Any], list[str]]]:
    """Each endpoint block with the load balancers and instances it names (an Elastic IP: its
    instance). The blocks are a set: the plan orders their values apart from their configuration,
    so a block's weight and endpoint are read together from the configuration when there is one."""
    configured = configured_blocks(r.expressions, ("endpoint_configuration",))
    if configured:
        return [
            (
                {key: constant_of(block, key) for key in block},
                _instances_of(ctx, ctx.in_configured_block(r, block, "endpoint_id", _ENDPOINTS)),
            )
            for block in configured
        ]
    blocks = [b for b in r.get("endpoint_configuration") or [] if isinstance(b, dict)]
    return [
        (b, _instances_of(ctx, ctx.in_block(r, ("endpoint_configuration", i, "endpoint_id"), _ENDPOINTS)))
        for i, b in enumerate(blocks)
    ]


_ENDPOINTS = LOAD_BALANCER | INSTANCE | EIP


def _instances_of(ctx: ParseContext, found: list[str]) -> list[str]:
    out = []
    for identity in found:
        eip = ctx.resolver.by_address.get(identity)
        if eip is not None and eip.type == "aws_eip":
            out += ctx.candidates(eip, "instance", INSTANCE) + ctx.candidates(
                eip, "network_interface", NETWORK_INTERFACE
            )
        else:
            out.append(identity)
    return out


def _target(
    ctx: ParseContext, endpoint: str, config: dict[str, Any], spans: list[tuple[int, int, int]], listener: str
) -> EdgeTarget:
    balancer = ctx.network.load_balancers.get(endpoint)
    preserves = config.get("client_ip_preservation_enabled")
    if preserves is None:  # AWS's default: on for ALB and instance endpoints
        preserves = balancer is None or balancer.kind == "application"
    seen_from = None if as_bool(preserves) else addresses_of(ctx.network.subnets_of(endpoint))
    ranges = ", ".join(describe((p, p), (a, b)) for p, a, b in spans)
    return EdgeTarget(endpoint, tuple(spans), seen_from, f"{listener} {ranges} -> {endpoint}")


# --- custom routing: ports of the listener map to instances' ports in the endpoint subnets -------

CUSTOM_LISTENER = frozenset({"aws_globalaccelerator_custom_routing_listener"})
CUSTOM_ACCELERATOR = frozenset({"aws_globalaccelerator_custom_routing_accelerator"})
_CUSTOM = (
    "traffic to a custom routing accelerator's destinations is allowed by AllowCustomRoutingTraffic, "
    "outside Terraform: assumed allowed, from any address the instance admits"
)


@parses("aws_globalaccelerator_custom_routing_accelerator", "aws_globalaccelerator_custom_routing_listener")
def parse_custom_accelerator_or_listener(r: ResourceInstance, ctx: ParseContext) -> None:
    """Read with the endpoint groups that use them."""


@parses("aws_globalaccelerator_custom_routing_endpoint_group", phase=2)
def parse_custom_endpoint_group(r: ResourceInstance, ctx: ParseContext) -> None:
    """Each destination port range reaches every instance of the endpoint subnets, once allowed."""
    for listener_address in ctx.candidates(r, "listener_arn", CUSTOM_LISTENER):
        listener = ctx.resolver.by_address.get(listener_address)
        if listener is None or not _custom_enabled(listener, ctx):
            continue
        spans = _destinations(r, ctx)
        edge = ctx.network.managed_edges.setdefault(
            listener.address, ManagedEdge(listener.address, listener.type, SERVICE)
        )
        subnets = {
            s
            for i, _ in enumerate(r.get("endpoint_configuration") or [])
            for s in ctx.in_block(r, ("endpoint_configuration", i, "endpoint_id"), SUBNET)
        }
        for interface in ctx.network.interfaces.values():
            if interface.attached and subnets & set(interface.subnets):
                label = f"{listener.address} custom routing -> {interface.id}"
                edge.targets.append(EdgeTarget(interface.id, spans, ALL_ADDRESSES, label, _CUSTOM))


def _custom_enabled(listener: ResourceInstance, ctx: ParseContext) -> bool:
    for accelerator in ctx.candidates(listener, "accelerator_arn", CUSTOM_ACCELERATOR):
        instance = ctx.resolver.by_address.get(accelerator)
        if instance is not None and instance.get("enabled") is False:
            return False
    return True


def _destinations(r: ResourceInstance, ctx: ParseContext) -> tuple[tuple[int, int, int], ...]:
    out = []
    for index, block in enumerate(b for b in r.get("destination_configuration") or [] if isinstance(b, dict)):
        protocols = [_PROTOCOLS[p] for p in block.get("protocols") or ["TCP", "UDP"] if p in _PROTOCOLS]
        for protocol in protocols:
            (first, last), _ = unknowns.ports(
                ctx,
                r.address,
                (protocol, protocol),
                block.get("from_port"),
                block.get("to_port"),
                at=f"destination_configuration[{index}].",
            )
            out.append((protocol, first, last))
    return tuple(out)


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_globalaccelerator_accelerator": "https://docs.aws.amazon.com/global-accelerator/latest/dg/introduction-components.html",
    "aws_globalaccelerator_listener": "https://docs.aws.amazon.com/global-accelerator/latest/dg/about-listeners.html",
    "aws_globalaccelerator_endpoint_group": "https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints.html",
    "aws_globalaccelerator_custom_routing_accelerator": "https://docs.aws.amazon.com/global-accelerator/latest/dg/about-custom-routing-accelerators.html",
    "aws_globalaccelerator_custom_routing_listener": "https://docs.aws.amazon.com/global-accelerator/latest/dg/about-custom-routing-listeners.html",
    "aws_globalaccelerator_custom_routing_endpoint_group": "https://docs.aws.amazon.com/global-accelerator/latest/dg/about-custom-routing-endpoint-groups.html",
}
