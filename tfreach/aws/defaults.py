"""What AWS provides when nothing is configured: the main route table, the default network ACL,
the default security group.

- A subnet without an explicit route table association uses its VPC's main route table; a VPC
  whose main table the plan does not configure has AWS's own, with the local routes only.
  https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#RouteTables
- A subnet without an explicit network ACL association uses its VPC's default ACL; AWS's
  default ACL allows all inbound and outbound IPv4 and IPv6 traffic (rules 100 and 101).
  https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html
- A default VPC has the IPv4 block 172.31.0.0/16, an internet gateway, a main route table that
  sends 0.0.0.0/0 to it and default subnets that map public IPv4 addresses; any of it may have
  been changed since, and the plan holds none of it: it is read as a VPC outside the plan.
  https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html
- An instance launched without security groups is in its VPC's default group, which admits its
  own members and lets everything out.
  https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
"""

from __future__ import annotations

from tfreach.model.network import AclRule, NetworkAcl, RouteTable, SecurityGroup, SecurityGroupRule, Subnet, Vpc
from tfreach.model.packets import ALL_ADDRESSES, ALL_IPV4, ALL_IPV6, PORTS, PROTOCOLS, PacketSet


def untouched_main_route_table(subnet: Subnet) -> RouteTable:
    """AWS's main route table of a VPC nobody configured: its local routes only."""
    identity = f"{subnet.vpc or subnet.id} main route table"
    return RouteTable(identity, "main route table (AWS default)", subnet.vpc, implicit=True)


def untouched_default_nacl(subnet: Subnet) -> NetworkAcl:
    """AWS's default network ACL: allow all, both ways, IPv4 (#100) and IPv6 (#101)."""
    identity = f"{subnet.vpc or subnet.id} default network ACL"
    everything = PacketSet.box(PROTOCOLS, PORTS, ALL_IPV4)
    everything6 = PacketSet.box(PROTOCOLS, PORTS, ALL_IPV6)
    rules = [
        AclRule(number, egress, True, match, f"{identity} {'egress ' if egress else ''}#{number} ALLOW all {cidr}")
        for egress in (False, True)
        for number, match, cidr in ((100, everything, "0.0.0.0/0"), (101, everything6, "::/0"))
    ]
    return NetworkAcl(identity, "default network ACL (AWS default)", subnet.vpc, rules, implicit=True)


def untouched_default_group(vpc: str | None) -> SecurityGroup:
    """AWS's default group: ingress from its members, egress to anywhere."""
    identity = f"{vpc or 'the VPC'} default security group"
    group = SecurityGroup(identity, "default security group (AWS default)", vpc, implicit=True)
    everything = PacketSet.box(PROTOCOLS, PORTS, ALL_ADDRESSES)
    group.rules.append(
        SecurityGroupRule(False, PacketSet(), f"{identity} ingress all from itself", everything, [identity])
    )
    group.rules.append(SecurityGroupRule(True, everything, f"{identity} egress all to 0.0.0.0/0, ::/0", everything))
    return group


DEFAULT_VPC_BLOCK = "172.31.0.0/16"


def default_vpc(identity: str, cidrs: list[str], synthetic: bool = False) -> Vpc:
    """The region's default VPC: AWS's block (a VPC's primary block never changes), and tables,
    gateways, ACL and groups outside the plan (the most exposed reading, aws/outside.py)."""
    return Vpc(identity, "aws_default_vpc", cidrs or [DEFAULT_VPC_BLOCK], outside=True, synthetic=synthetic)
