"""What the plan does not hold, as the engine meets it: the most exposed reading of its kind.

A subnet the plan cannot tell (a data source, an id of another stack) may hold any address and
route anywhere, its VPC may be the other end's; a route's target outside the plan (a gateway of
another stack, a target known only after apply, a transit gateway or appliance that may lead to a
central egress) may lead out. Each is an assumption the evidence names, so what rests on it is
possible, not certain. Parsers (families/unknowns.py, families/outside.py) decide when an id or a
value stands for one of these readings; the readings themselves are all here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tfreach.engine.hop import Decision, Hop, box
from tfreach.model.network import (
    AclRule,
    Gateway,
    NetworkAcl,
    Peering,
    Route,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Target,
    TransitGateway,
    Vpc,
)
from tfreach.model.packets import ALL_ADDRESSES, ALL_IPV6, PORTS, PROTOCOLS, IntervalSet, PacketSet, addresses
from tfreach.model.sources import INTERNET_ADDRESSES


def subnet_addresses(subnet: Subnet) -> IntervalSet:
    """A subnet's addresses; one the plan does not know may hold any address, one whose IPv6 block
    is known only after apply any IPv6 address."""
    if not subnet.cidrs or subnet.unknown:
        return ALL_ADDRESSES
    held = addresses(*subnet.cidrs)
    return held | ALL_IPV6 if subnet.has_ipv6 and not any(":" in c for c in subnet.cidrs) else held


def addresses_of(subnets: Iterable[Subnet]) -> IntervalSet:
    """Every address the subnets may hold (subnet_addresses, joined)."""
    return IntervalSet([span for subnet in subnets for span in subnet_addresses(subnet).spans])


def vpc_may_hold(vpc: Vpc | None) -> IntervalSet:
    """The addresses a VPC may hold: its blocks, any IPv6 address when its IPv6 block is known only
    after apply, any address when none of its blocks is known (or the VPC is not known at all)."""
    if vpc is None or not vpc.cidrs:
        return ALL_ADDRESSES
    held = addresses(*vpc.cidrs)
    return held | ALL_IPV6 if vpc.ipv6_unknown else held


def vpc_unknown(a: Subnet, b: Subnet) -> str | None:
    """The assumption that two subnets may share a VPC (and its local route) when the plan cannot
    tell the VPC of one of them; None when it can."""
    if a.vpc is not None and b.vpc is not None:
        return None
    unsure = a if a.vpc is None else b
    return f"the VPC of {unsure.id} is not known to the plan; it may be the other's, routed locally"


def routes_anywhere(subnet: Subnet) -> tuple[Hop, IntervalSet]:
    """A subnet the plan does not know may route to the internet: the route hop, and where to."""
    why = f"{subnet.id} is not known to the plan: it may route to the internet"
    sent = Decision(box(INTERNET_ADDRESSES), why, True, subnet.id, subnet.resource_type, why)
    return Hop(subnet.id, subnet.resource_type, "route out", (sent,)), INTERNET_ADDRESSES


def may_lead_out(route: Route, target: str | None, destinations: IntervalSet) -> tuple[Hop, ...]:
    """A route target the plan does not follow (outside the plan, or a central egress beyond it)."""
    where = target or "a target known only after apply"
    why = f"{where} is not followed (outside the plan, or a central egress beyond it): it may lead out"
    out = Decision(box(destinations), why, True, where, route.target_kind.value, why)
    return (Hop(where, route.target_kind.value, "beyond the route", (out,)),)


# --- the most exposed reading of each kind the plan names by id only ------------------------------

HINT = "give the stack that owns it with --context, or --context aws"

# What the ids of EC2 resources look like: a prefix and lowercase hexadecimal (8 or 17 digits
# today; any length is taken). Load balancers, listeners and target groups are named by ARN.
# https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html
ID_PREFIXES = {
    "aws_vpc": "vpc-", "aws_default_vpc": "vpc-", "aws_subnet": "subnet-", "aws_default_subnet": "subnet-",
    "aws_security_group": "sg-", "aws_default_security_group": "sg-", "aws_route_table": "rtb-",
    "aws_default_route_table": "rtb-", "aws_network_acl": "acl-", "aws_default_network_acl": "acl-",
    "aws_internet_gateway": "igw-", "aws_egress_only_internet_gateway": "eigw-", "aws_nat_gateway": "nat-",
    "aws_vpn_gateway": "vgw-", "aws_vpc_peering_connection": "pcx-", "aws_vpc_peering_connection_accepter": "pcx-",
    "aws_ec2_transit_gateway": "tgw-", "aws_ec2_transit_gateway_route_table": "tgw-rtb-",
    "aws_ec2_transit_gateway_vpc_attachment": "tgw-attach-", "aws_vpn_connection": "vpn-", "aws_instance": "i-",
    "aws_network_interface": "eni-", "aws_eip": "eipalloc-", "aws_vpc_endpoint": "vpce-",
    "aws_ec2_managed_prefix_list": "pl-", "aws_launch_template": "lt-",
}  # fmt: skip
_SHAPES: dict[frozenset[str], re.Pattern[str]] = {}


def can_be_id(value: str, types: frozenset[str]) -> bool:
    """Can `value` be the id of a resource of `types`? Where AWS gives every one of them an id of
    a known shape, only that shape (or an ARN) is; where some are named freely (an auto scaling
    group), any printable value without spaces is."""
    shape = _SHAPES.get(types)
    if shape is None:
        if types and all(t in ID_PREFIXES for t in types):
            prefixes = "|".join(re.escape(ID_PREFIXES[t]) for t in sorted(types))
            shape = re.compile(rf"(?:{prefixes})[0-9a-f]+|arn:[!-~]+")
        else:
            shape = re.compile(r"[!-~]+")
        _SHAPES[types] = shape
    return shape.fullmatch(value) is not None


def outside_vpc(identity: str) -> Vpc:
    """A VPC known by id (or a data source's facts): its route tables, ACLs, groups and gateways
    are not known, so its main route table may route anywhere and any gateway may lead into it."""
    return Vpc(identity, "aws_vpc (outside the plan)", outside=True)


def routing_anywhere(identity: str, vpc: str | None, why: str) -> RouteTable:
    """A route table whose routes are unknown: every destination may go to any gateway."""
    table = RouteTable(identity, "aws_route_table (outside the plan)", vpc)
    for cidr in ("0.0.0.0/0", "::/0"):
        route = Route(addresses(cidr), cidr, 0, Target.UNKNOWN, None, f"{identity} {cidr} -> unknown ({why})", why)
        table.routes.append(route)
    return table


def allowing_everything(identity: str, vpc: str | None, why: str) -> NetworkAcl:
    """A network ACL whose rules are unknown: it allows everything, both ways, first."""
    match = PacketSet.box(PROTOCOLS, PORTS, ALL_ADDRESSES)
    rules = [
        AclRule(0, egress, True, match, f"{identity} {'egress ' if egress else ''}ALLOW all (assumed: {why})", why)
        for egress in (False, True)
    ]
    return NetworkAcl(identity, "aws_network_acl (outside the plan)", vpc, rules)


def outside_gateway(identity: str, kind: Target, vpc: str | None) -> Gateway:
    """A gateway known by id: an internet gateway delivers from the internet, a VPN gateway from
    on-premises networks (assumed private address space when its connections are unknown)."""
    return Gateway(identity, f"{kind.value} (outside the plan)", kind, vpc)


def outside_peering(identity: str, vpc: str | None) -> Peering:
    """A peering known by id: active, to a VPC outside the plan that may route anything to it."""
    why = f"{identity} is not in the plan or its contexts; assumed active, to a VPC that routes any address to it"
    return Peering(
        identity,
        "aws_vpc_peering_connection (outside the plan)",
        [vpc] if vpc else [],
        [OUTSIDE_PEER],
        True,
        assumption=why,
    )


OUTSIDE_PEER = "a VPC outside the plan"


def outside_transit_gateway(identity: str) -> TransitGateway:
    """A transit gateway known by id: it may deliver from anywhere it could reach."""
    return TransitGateway(identity, "aws_ec2_transit_gateway (outside the plan)", outside=True)


SUBNET_READING = (
    "reached through every kind of gateway (internet, VPN, peering, transit) with open network ACLs "
    "and public addresses"
)


def unknown_subnet(identity: str, assumption: str) -> Subnet:
    """A subnet the plan cannot tell: any address, any VPC, routed through every gateway, open ACLs,
    public addresses on launch (None: the engine takes the more exposed side)."""
    return Subnet(
        identity,
        "aws_subnet",
        None,
        map_public_ip_on_launch=None,
        assign_ipv6_address_on_creation=None,
        unknown=True,
        assumption=assumption,
    )


def admitting_everything(identity: str, vpc: str | None) -> SecurityGroup:
    """A security group whose rules are unknown: it admits everything from anywhere, lets all out."""
    why = f"the rules of {identity} are unknown; assumed to admit everything"
    group = SecurityGroup(identity, "aws_security_group (outside the plan)", vpc)
    everything = PacketSet.box(PROTOCOLS, PORTS, ALL_ADDRESSES)
    for egress in (False, True):
        label = f"{identity} {'egress' if egress else 'ingress'} all (assumed)"
        group.rules.append(SecurityGroupRule(egress, everything, label, everything, assumption=why))
    return group
