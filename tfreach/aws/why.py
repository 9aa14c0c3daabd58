"""Why a hop stops packets, in the words of AWS Reachability Analyzer's explanations.

Each function returns an explainer for one hop: given the packets the hop stopped, a sentence
naming the deciding rule or the missing piece ("NACL rule #100 denies", "no public IP").
"""

from __future__ import annotations

from tfreach.aws.acl import acl_decisions
from tfreach.engine.hop import Explainer
from tfreach.model.network import LoadBalancer, NetworkAcl, NetworkInterface, SecurityGroup, Subnet
from tfreach.model.packets import PacketSet, Span, cidrs_of
from tfreach.model.protocols import describe
from tfreach.model.sources import INTERNET


def what(packets: PacketSet) -> str:
    """Like "tcp 5432 from the internet" or "tcp 22 from 192.168.0.0/16", for the first piece."""
    for protocols, ports, addrs in packets.boxes():
        if INTERNET.covers_family(addrs, 4) or INTERNET.covers_family(addrs, 6):
            return f"{describe(protocols, ports)} from the internet"
        cidrs = cidrs_of(addrs)
        return f"{describe(protocols, ports)} from {', '.join(cidrs[:2])}{', ...' if len(cidrs) > 2 else ''}"
    return "nothing"


def replies_blocked(acl: NetworkAcl, ephemeral: Span) -> Explainer:
    def explain(packets: PacketSet) -> str:
        client = packets.addresses()
        outbound = [d.label for d in acl_decisions(acl, egress=True) if d.packets.addresses().intersects(client)]
        return (
            f"{acl.id} lets no reply out to the client's ports {ephemeral[0]}-{ephemeral[1]} "
            f"(outbound rules for the client: {'; '.join(outbound) or 'none'})"
        )

    return explain


def groups_blocked(groups: list[SecurityGroup]) -> Explainer:
    def explain(packets: PacketSet) -> str:
        names = ", ".join(g.id for g in groups) or "no security group"
        other = [r.label for g in groups for r in g.ingress() if r.ports.intersects(packets)]
        for_port = f"; rules for that port admit other sources: {'; '.join(other[:3])}" if other else ""
        return f"no rule of {names} admits {what(packets)}{for_port}"

    return explain


def no_public_address(interface: NetworkInterface, subnet: Subnet) -> Explainer:
    def explain(packets: PacketSet) -> str:
        own = {True: "associate_public_ip_address = true", False: "associate_public_ip_address = false", None: "unset"}
        return (
            f"{interface.id} has no public address for this traffic: public IPv4 {own[interface.auto_public_ipv4]}, "
            f"{subnet.id} map_public_ip_on_launch = {str(subnet.map_public_ip_on_launch).lower()}, "
            f"{len(interface.public_addresses)} Elastic IP(s); an internet gateway only delivers to public addresses"
        )

    return explain


def internal_balancer(balancer: LoadBalancer) -> Explainer:
    return lambda packets: f"{balancer.id} is an internal load balancer: it has no public address"


def no_listener(balancer: LoadBalancer) -> Explainer:
    def explain(packets: PacketSet) -> str:
        ports = ", ".join(sorted({str(listener.port) for listener in balancer.listeners})) or "none"
        return f"{balancer.id} has no listener for {what(packets)} (listener ports: {ports})"

    return explain


def no_egress(groups: list[SecurityGroup], target: str) -> Explainer:
    def explain(packets: PacketSet) -> str:
        names = ", ".join(g.id for g in groups)
        port = what(packets).split(" from ")[0]
        return f"the load balancer's groups {names} allow no connection out to {target} on {port}"

    return explain


def no_senders(gateway: str, kind: str) -> Explainer:
    return lambda packets: f"no {kind} sends this traffic to {gateway}"


def no_transit_path(vpn: str, attachment: str, tables: list[str]) -> Explainer:
    """A VPN on a transit gateway reaches a VPC only where the route tables carry both ways."""
    if not tables:
        return lambda packets: f"{attachment} is associated with no transit gateway route table: it gets no replies"
    return lambda packets: (
        f"the transit gateway route tables do not carry this traffic from {vpn} to {attachment} and the replies "
        f"back ({', '.join(tables)}: no route, or a blackhole)"
    )
