"""Out to the internet from an endpoint: which of its subnet's routes lead there, and how.

- An internet gateway carries the traffic of an interface with a public address: a public IPv4
  address (or Elastic IP) for IPv4, an IPv6 address for IPv6.
  https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
- A public NAT gateway carries TCP, UDP and ICMP from private addresses, when its own subnet routes
  the destination to an internet gateway (and that subnet's ACL lets it out and the replies in);
  a private NAT gateway never reaches the internet.
  https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
- An egress-only internet gateway carries IPv6 out (and its replies) only.
  https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html
- What the plan cannot follow (a gateway of another stack, a transit gateway, a peering, a VPN, an
  appliance or an endpoint that may lead to a central egress) may lead out (aws/outside.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from tfreach.aws.outside import may_lead_out, routes_anywhere
from tfreach.aws.public_address import public_addresses
from tfreach.aws.view import NetworkView
from tfreach.engine.hop import Decision, Hop, box, several_candidates
from tfreach.model.network import Gateway, NetworkInterface, Route, Subnet, Target
from tfreach.model.packets import PORTS, IntervalSet, PacketSet, addresses, union_all
from tfreach.model.protocols import ICMP, TCP, UDP
from tfreach.model.sources import INTERNET_ADDRESSES

_IPV6 = addresses("::/0")
AclOut = Callable[[Subnet, IntervalSet, str], Hop]  # a subnet's ACL toward a range, both ways (the engine's)
WayOut = tuple[Hop, tuple[Hop, ...], IntervalSet]  # the route out, the hops beyond it, the destinations


def ways_out(view: NetworkView, source: NetworkInterface, subnet: Subnet, acl_out: AclOut) -> list[WayOut]:
    """Each internet-bound route of the subnet's tables, through each gateway it may name."""
    if subnet.unknown:
        route_hop, anywhere = routes_anywhere(subnet)
        return [(route_hop, (), anywhere)]
    tables = view.route_tables_for(subnet)
    doubt = several_candidates("route table", subnet, tables)
    out = []
    for table in tables:
        for mine, route in view.won_routes(table):
            destinations = mine & INTERNET_ADDRESSES
            if not destinations or route.target_kind is Target.LOCAL:
                continue
            assumed = route.assumption or doubt
            sent = Decision(box(destinations), route.label, True, table.id, table.resource_type, assumed)
            route_hop = Hop(table.id, table.resource_type, "route out", (sent,))
            for target in dict.fromkeys((route.target, *route.alternatives)):
                beyond = _beyond(view, source, subnet, route, target, destinations, acl_out)
                if beyond is not None:
                    out.append((route_hop, beyond, destinations))
    return out


def _beyond(
    view: NetworkView,
    source: NetworkInterface,
    subnet: Subnet,
    route: Route,
    target: str | None,
    destinations: IntervalSet,
    acl_out: AclOut,
) -> tuple[Hop, ...] | None:
    """What the route's target does with it; None where it never reaches the internet."""
    gateway = view.network.gateways.get(target or "")
    if gateway is None:
        return may_lead_out(route, target, destinations)
    if gateway.kind is Target.INTERNET_GATEWAY:
        public = tuple(replace(d, packets=box(destinations) & d.packets) for d in public_addresses(source, subnet))
        return (Hop(source.id, source.resource_type, "public address", public),)
    if gateway.kind is Target.EGRESS_ONLY_GATEWAY:
        v6 = Decision(
            box(destinations & _IPV6), f"{gateway.id} (IPv6 out only)", True, gateway.id, gateway.resource_type
        )
        return (Hop(gateway.id, gateway.resource_type, "egress-only gateway", (v6,)),)
    if gateway.kind is Target.NAT_GATEWAY and gateway.public:
        return _through_nat(view, gateway, destinations, acl_out)
    if gateway.kind is Target.NAT_GATEWAY:  # a private NAT gateway translates to private addresses only
        return None
    return may_lead_out(route, target, destinations)


def _through_nat(view: NetworkView, gateway: Gateway, destinations: IntervalSet, acl_out: AclOut) -> tuple[Hop, ...]:
    """Out of a public NAT gateway: its own subnet's ACL both ways and its route to an internet
    gateway. A NAT subnet the plan does not know may route out."""
    nat_subnet = view.network.subnets.get(gateway.subnet or "")
    if nat_subnet is None or nat_subnet.unknown:
        why = f"the subnet of {gateway.id} is not known to the plan: it may route to an internet gateway"
        out = Decision(translated(destinations), why, True, gateway.id, gateway.resource_type, why)
        return (Hop(gateway.id, gateway.resource_type, "NAT gateway", (out,)),)
    tables = view.route_tables_for(nat_subnet)
    doubt = several_candidates("route table", nat_subnet, tables)
    onward = [
        Decision(
            translated(mine & destinations),
            route.label,
            True,
            table.id,
            table.resource_type,
            route.assumption or doubt,
        )
        for table in tables
        for mine, route in view.won_routes(table)
        if mine & destinations and route.target_kind in (Target.INTERNET_GATEWAY, Target.UNKNOWN)
    ]
    nat_hop = Hop(gateway.id, gateway.resource_type, "NAT gateway", tuple(onward))
    return (nat_hop, acl_out(nat_subnet, destinations, "NAT subnet network ACL"))


def translated(destinations: IntervalSet) -> PacketSet:
    """A NAT gateway translates TCP, UDP and ICMP only."""
    return union_all(PacketSet.box((p, p), PORTS, destinations) for p in (TCP, UDP, ICMP))
