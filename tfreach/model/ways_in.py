"""Ways into a VPC other than its gateways: AWS services that connect into it themselves (managed
edges), Client VPN endpoints, and Network Firewalls standing in the path."""

from __future__ import annotations

from dataclasses import dataclass, field

from tfreach.model.packets import IntervalSet, PacketSet


@dataclass(frozen=True)
class EdgeTarget:
    """An endpoint a managed edge opens connections to, on which ports (the endpoint's), and
    whether the endpoint sees the client's address or the edge's own (`seen_from`)."""

    endpoint: str  # a load balancer or an interface (instance) of the model
    spans: tuple[tuple[int, int, int], ...]  # (protocol, first port, last port) on the endpoint
    seen_from: IntervalSet | None  # None: the client's address is preserved
    label: str  # the listener, origin or route that sends here
    assumption: str | None = None
    beyond: IntervalSet | None = None  # what a load balancer's targets see, when not what it saw
    groups_apply: bool = True  # False: the load balancer's groups do not judge this edge's traffic
    narrows: bool = False  # only part of the source may use it (an endpoint service's named accounts)


@dataclass(frozen=True)
class FirewallRule:
    """A Network Firewall rule as a packet filter: what it matches (protocol, destination port,
    source address), toward which destinations (None: any), and its action."""

    matches: PacketSet
    destinations: IntervalSet | None
    action: str  # pass | drop | forward (stateless: on to the stateful engine) | alert
    label: str
    exact: bool = True  # False: it may match less than `matches` (source ports, flags, variables)


@dataclass
class Firewall:
    """AWS Network Firewall: a policy of stateless rules (first match by priority, then the
    default action) and stateful rules (pass before drop, or strict order)."""

    id: str
    resource_type: str
    stateless: list[FirewallRule] = field(default_factory=list)  # in priority order
    stateless_default: str = "forward"
    stateful: list[FirewallRule] = field(default_factory=list)  # in evaluation order
    strict_order: bool = False
    stateful_default: str = "pass"
    assumptions: list[str] = field(default_factory=list)


@dataclass
class ClientVpnEndpoint:
    """AWS Client VPN: remote users' tunnels end in interfaces of the associated subnets, which send
    their traffic on (source NAT to the interface's address) to the networks they are authorized
    for and that the endpoint's route table routes."""

    id: str
    resource_type: str
    client_cidrs: list[str] = field(default_factory=list)  # the users' tunnel addresses
    security_groups: list[str] = field(default_factory=list)  # on its interfaces
    default_group: bool = False  # none set: the VPC's default group applies
    subnets: list[str] = field(default_factory=list)  # associated subnets (its interfaces)
    authorized: IntervalSet = field(default_factory=IntervalSet)  # authorization rules' networks
    routed: IntervalSet = field(default_factory=IntervalSet)  # the endpoint's routes (an association adds its VPC)
    assumptions: list[str] = field(default_factory=list)


@dataclass
class ManagedEdge:
    """A managed AWS service on the internet that opens connections into a VPC: an accelerator,
    a CDN's VPC origin, an API's private integration. The internet reaches its targets through it,
    internal load balancers and private instances included."""

    id: str
    resource_type: str
    service: str  # how findings name the way in: "Global Accelerator", ...
    source: str = "internet"  # the kind of source that comes through it
    targets: list[EdgeTarget] = field(default_factory=list)
    # Its own interfaces in the VPC (an API's VPC link): rules naming these groups admit them.
    security_groups: list[str] = field(default_factory=list)
    subnets: list[str] = field(default_factory=list)
