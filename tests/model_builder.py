"""Small AWS networks built directly in the model, for tests that read like AWS rules.

The engine knows nothing of Terraform, so rule tests build the model itself: a VPC
10.0.0.0/16 with an internet gateway, and whatever subnets, tables, ACLs, groups and
instances a test adds.
"""

from __future__ import annotations

from collections.abc import Sequence

from tfreach.engine.build import build_graph
from tfreach.engine.trace import from_outside
from tfreach.model.network import (
    AclRule,
    Gateway,
    Listener,
    LoadBalancer,
    LoadBalancerTarget,
    Network,
    NetworkAcl,
    NetworkInterface,
    Peering,
    PublicAddress,
    RemoteNetwork,
    Route,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Target,
    TargetGroup,
    Vpc,
)
from tfreach.model.packets import ALL_ADDRESSES, IntervalSet, PacketSet, addresses, union_all
from tfreach.model.protocols import port_span, protocol_span
from tfreach.model.sources import INTERNET, Source

VPC, IGW = "aws_vpc.main", "aws_internet_gateway.main"
ALLOW, DENY = True, False


def match(protocol: str, ports: tuple[int, int] | None, *cidrs: str) -> PacketSet:
    protocols = protocol_span(protocol)
    span = port_span(protocols, *(ports or (-1, -1)))
    return PacketSet.box(protocols, span, addresses(*cidrs))


class NetworkBuilder:
    def __init__(self, ipv6: str | None = None) -> None:
        self.network = Network()
        cidrs = ["10.0.0.0/16"] + ([ipv6] if ipv6 else [])
        self.network.vpcs[VPC] = Vpc(VPC, "aws_vpc", cidrs)
        self.network.gateways[IGW] = Gateway(IGW, "aws_internet_gateway", Target.INTERNET_GATEWAY, VPC)

    def vpc(self, name: str, cidr: str) -> str:
        identity = f"aws_vpc.{name}"
        self.network.vpcs[identity] = Vpc(identity, "aws_vpc", [cidr])
        return identity

    def subnet(
        self, name: str, cidr: str, *, ipv6: str | None = None, map_public_ip: bool = False, vpc: str = VPC
    ) -> str:
        identity = f"aws_subnet.{name}"
        cidrs = [cidr] + ([ipv6] if ipv6 else [])
        self.network.subnets[identity] = Subnet(
            identity, "aws_subnet", vpc, cidrs, has_ipv6=bool(ipv6), map_public_ip_on_launch=map_public_ip
        )
        return identity

    def vpn_gateway(self, on_premises: Sequence[str], *, dynamic: bool = False) -> str:
        identity = "aws_vpn_gateway.main"
        self.network.gateways[identity] = Gateway(identity, "aws_vpn_gateway", Target.VPN_GATEWAY, VPC)
        labels = [f"aws_vpn_connection_route.dc {cidr}" for cidr in on_premises]
        self.network.remote_networks[identity] = RemoteNetwork(identity, list(on_premises), labels, dynamic)
        return identity

    def peering(self, name: str, requester: str, accepter: str, *, active: bool = True) -> str:
        identity = f"aws_vpc_peering_connection.{name}"
        self.network.peerings[identity] = Peering(
            identity, "aws_vpc_peering_connection", [requester], [accepter], active
        )
        return identity

    def route_table(
        self,
        name: str,
        routes: list[tuple[str, Target, str | None]],
        *,
        subnets: Sequence[str] = (),
        main: bool = False,
    ) -> str:
        identity = f"aws_route_table.{name}"
        subnet_vpcs = [self.network.subnets[s].vpc for s in subnets]
        table = RouteTable(identity, "aws_route_table", subnet_vpcs[0] if subnet_vpcs else VPC)
        for destination, kind, target in routes:
            prefix = int(destination.split("/")[1])
            table.routes.append(
                Route(
                    addresses(destination), destination, prefix, kind, target, f"{identity} {destination} -> {target}"
                )
            )
        self.network.route_tables[identity] = table
        for subnet in subnets:
            self.network.subnet_route_tables[subnet] = [identity]
        if main:
            self.network.main_route_tables[VPC] = [identity]
        return identity

    def public_route_table(self, subnets: list[str]) -> str:
        return self.route_table(
            "public",
            [("0.0.0.0/0", Target.INTERNET_GATEWAY, IGW), ("::/0", Target.INTERNET_GATEWAY, IGW)],
            subnets=subnets,
        )

    def network_acl(
        self, name: str, subnets: list[str], rules: list[tuple[int, bool, bool, PacketSet]], *, default: bool = False
    ) -> str:
        """rules: (number, egress, allow, match)."""
        identity = f"aws_network_acl.{name}"
        acl = NetworkAcl(identity, "aws_network_acl", VPC)
        for number, egress, allow, packets in rules:
            acl.rules.append(AclRule(number, egress, allow, packets, f"{identity} #{number}"))
        self.network.nacls[identity] = acl
        for subnet in subnets:
            self.network.subnet_nacls[subnet] = [identity]
        if default:
            self.network.default_nacls[VPC] = identity
        return identity

    def security_group(self, name: str, ingress: list[PacketSet], *, peers: Sequence[str] = ()) -> str:
        identity = f"aws_security_group.{name}"
        group = SecurityGroup(identity, "aws_security_group", VPC)
        for index, packets in enumerate(ingress):
            group.rules.append(SecurityGroupRule(False, packets, f"{identity} rule {index}", packets))
        for peer in peers:
            ports = PacketSet.box((0, 255), (0, 65535), ALL_ADDRESSES)
            group.rules.append(SecurityGroupRule(False, PacketSet(), f"{identity} from {peer}", ports, [peer]))
        self.network.security_groups[identity] = group
        return identity

    def instance(
        self,
        name: str,
        subnet: str,
        groups: list[str],
        *,
        public_ip: bool | None = True,
        ipv6: bool | None = False,
        elastic_ip: bool = False,
    ) -> str:
        identity = f"aws_instance.{name}"
        interface = NetworkInterface(
            identity, "aws_instance", [subnet], list(groups), auto_public_ipv4=public_ip, auto_ipv6=ipv6
        )
        interface.default_group = not groups
        if elastic_ip:
            interface.public_addresses.append(PublicAddress(4, f"aws_eip.{name}"))
        self.network.interfaces[identity] = interface
        return identity

    def egress(self, group: str, *packets: PacketSet, to_groups: Sequence[str] = ()) -> None:
        """Egress rules: to addresses, or to members of other groups."""
        for index, match_ in enumerate(packets):
            rule = SecurityGroupRule(
                True, match_, f"{group} egress {index}", PacketSet.box(*_span(match_), ALL_ADDRESSES)
            )
            self.network.security_groups[group].rules.append(rule)
        for peer in to_groups:
            everything = PacketSet.box((0, 255), (0, 65535), ALL_ADDRESSES)
            self.network.security_groups[group].rules.append(
                SecurityGroupRule(True, PacketSet(), f"{group} egress to {peer}", everything, [peer])
            )

    def target_group(
        self, name: str, port: int, targets: Sequence[str], *, preserve_client_ip: bool | None = None
    ) -> str:
        identity = f"aws_lb_target_group.{name}"
        group = TargetGroup(identity, "aws_lb_target_group", port, preserve_client_ip=preserve_client_ip)
        group.targets = [LoadBalancerTarget(t) for t in targets]
        self.network.target_groups[identity] = group
        return identity

    def load_balancer(
        self,
        name: str,
        subnets: Sequence[str],
        groups: Sequence[str],
        listeners: Sequence[tuple[str, int, Sequence[str]]],
        *,
        kind: str = "application",
        internal: bool = False,
    ) -> str:
        """listeners: (protocol, port, target groups); no target group is a redirect."""
        identity = f"aws_lb.{name}"
        balancer = LoadBalancer(identity, "aws_lb", kind, internal, list(subnets), list(groups))
        for protocol, port, target_groups in listeners:
            action = "forward" if target_groups else "redirect"
            protocols = tuple(range(protocol_span(protocol)[0], protocol_span(protocol)[1] + 1))
            balancer.listeners.append(
                Listener(
                    f"aws_lb_listener.{name}_{port}", "aws_lb_listener", protocols, port, action, list(target_groups)
                )
            )
        self.network.load_balancers[identity] = balancer
        return identity

    def reachable(self, via: str | None = None, source: Source = INTERNET) -> dict[str, PacketSet]:
        """What reaches each endpoint from `source`, directly or through load balancer `via`."""
        graph = build_graph(self.network, [source])
        out: dict[str, PacketSet] = {}
        for (endpoint, through), paths in from_outside(graph, source).items():
            if through == via:
                out[endpoint] = union_all(path.packets for path in paths)
        return out


def _span(packets: PacketSet) -> tuple[tuple[int, int], tuple[int, int]]:
    (protocols, ports, _), *_ = packets.boxes()
    return protocols, ports


def reaches(reachable: dict[str, PacketSet], endpoint: str, protocol: str, port: int, source: str) -> bool:
    """Does a packet of `protocol` to `port` from the address `source` reach the endpoint?"""
    packets = reachable.get(endpoint, PacketSet())
    probe = match(protocol, (port, port), source + ("/32" if ":" not in source else "/128"))
    return packets.intersects(probe)


def internet_addresses_reaching(
    reachable: dict[str, PacketSet], endpoint: str, protocol: str, port: int
) -> IntervalSet:
    packets = reachable.get(endpoint, PacketSet())
    return packets.restrict(protocol_span(protocol), (port, port)).addresses()
