"""From on-premises networks, through a site-to-site VPN: on a virtual private gateway attached
to the VPC, or on a transit gateway the VPC is attached to.

The networks behind a VPN are its connections' static routes; prefixes learned over BGP are not
in a plan, so they are assumed to be private address space. On a transit gateway, the VPN
attachment's route table must send the VPC to its attachment, and that attachment's route table
must send the on-premises prefix back to the VPN (longest prefix; a blackhole drops).
https://docs.aws.amazon.com/vpn/latest/s2svpn/VPC_VPN.html
https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpn-attachments.html
"""

from __future__ import annotations

from tfreach.aws.entries import WayIn, sent_from, vpc_addresses, vpc_may_hold, way_in
from tfreach.aws.routing import on_premises_prefixes, transit_routes_to
from tfreach.aws.view import NetworkView
from tfreach.aws.why import no_senders, no_transit_path
from tfreach.engine.hop import Decision
from tfreach.model.network import Gateway, Network, Target, TransitAttachment
from tfreach.model.packets import IntervalSet, addresses


@way_in("vpn")
def vpn_gateways(view: NetworkView) -> list[WayIn]:
    network = view.network
    return [
        WayIn(
            ("gateway", g.id),
            g.id,
            g.resource_type,
            "on-premises networks",
            tuple(vpn_senders(network, g)),
            frozenset({g.id}),
            g.vpc,
            False,
            no_senders(g.id, "on-premises networks"),
        )
        for g in network.gateways.values()
        if g.kind is Target.VPN_GATEWAY
    ]


@way_in("vpn")
def vpns_on_transit_gateways(view: NetworkView) -> list[WayIn]:
    """On-premises networks through a VPN on a transit gateway, into each VPC attached to it."""
    network = view.network
    attachments = network.transit_attachments.values()
    return [
        WayIn(
            ("gateway", vpn.id, vpc),
            vpn.id,
            vpn.resource_type,
            "on-premises networks via transit gateway",
            tuple(transit_vpn_senders(network, vpn, attachment, vpc)),
            frozenset({vpn.gateway or ""}),
            vpc,
            False,
            no_transit_path(vpn.id, attachment.id, attachment.route_tables),
        )
        for vpn in attachments
        if vpn.vpn
        for attachment in attachments
        if not attachment.vpn and attachment.gateway == vpn.gateway
        for vpc in attachment.vpcs
    ]


def vpn_senders(network: Network, gateway: Gateway) -> list[Decision]:
    """On-premises networks: the VPN connections' static routes, else assumed private ranges."""
    own = vpc_addresses(network, gateway.vpc)
    return [
        sent_from(addresses(cidr) - own, f"{gateway.id} from {origin}", gateway.id, gateway.resource_type, assumption)
        for cidr, origin, assumption in on_premises_prefixes(network, gateway.id)
        if addresses(cidr) - own
    ]


def transit_vpn_senders(
    network: Network, vpn: TransitAttachment, attachment: TransitAttachment, into: str
) -> list[Decision]:
    """On-premises networks behind a VPN on the transit gateway that reach this VPC's attachment
    and get replies."""
    target = vpc_may_hold(network, into)
    forward = [
        route
        for table in vpn.route_tables
        for mine, route in transit_routes_to(network, table, attachment.id)
        if mine.intersects(target)
    ]
    back = [found for table in attachment.route_tables for found in transit_routes_to(network, table, vpn.id)]
    if not forward or not back:
        return []
    returned = IntervalSet()
    for mine, _ in back:
        returned = returned | mine
    out = []
    for cidr, origin, assumption in on_premises_prefixes(network, vpn.id):
        senders = (addresses(cidr) & returned) - vpc_addresses(network, into)
        if senders:
            label = f"{vpn.id} from {origin}; {forward[0].label}; replies {back[0][1].label}"
            out.append(sent_from(senders, label, vpn.gateway or vpn.id, "aws_ec2_transit_gateway", assumption))
    return out
