"""From other VPCs attached to the same transit gateway.

The source VPC's route table must send this VPC to the transit gateway, the transit route table
of the source attachment must send it on to this attachment, and this attachment's route table
must send the replies back (longest prefix; a blackhole drops).
https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html
"""

from __future__ import annotations

from tfreach.aws.entries import WayIn, sent_from, vpc_addresses, vpc_may_hold, way_in
from tfreach.aws.outside import subnet_addresses
from tfreach.aws.routing import transit_routes_to
from tfreach.aws.view import NetworkView
from tfreach.aws.why import no_senders
from tfreach.engine.hop import Decision
from tfreach.model.network import TransitAttachment
from tfreach.model.packets import IntervalSet, addresses


@way_in("transit_gateway")
def transit_attachments(view: NetworkView) -> list[WayIn]:
    return [
        WayIn(
            ("gateway", a.id, vpc),
            a.gateway or a.id,
            "aws_ec2_transit_gateway",
            "transit gateway",
            tuple(transit_senders(view, a, vpc)),
            frozenset({a.gateway or ""}),
            vpc,
            False,
            no_senders(a.gateway or a.id, "transit gateway"),
        )
        for a in view.network.transit_attachments.values()
        for vpc in a.vpcs
    ]


def transit_senders(view: NetworkView, attachment: TransitAttachment, into: str) -> list[Decision]:
    """Subnets of other VPCs on the same transit gateway that reach this attachment and get replies.
    A transit gateway outside the plan may deliver from anywhere it reaches (aws/outside.py)."""
    network = view.network
    gateway = network.transit_gateways.get(attachment.gateway or "")
    target = vpc_may_hold(network, into)
    if gateway is not None and gateway.outside:
        why = f"{gateway.id} is not in the plan: its other attachments and route tables are unknown"
        anywhere = addresses("0.0.0.0/0", "::/0") - vpc_addresses(network, into)
        return [
            sent_from(
                anywhere, f"{gateway.id} from its other attachments (assumed)", gateway.id, gateway.resource_type, why
            )
        ]
    out = []
    for other in network.transit_attachments.values():
        if other.id == attachment.id or other.gateway != attachment.gateway:
            continue
        forward = [
            route
            for table in other.route_tables
            for mine, route in transit_routes_to(network, table, attachment.id)
            if mine.intersects(target)
        ]
        back = [found for table in attachment.route_tables for found in transit_routes_to(network, table, other.id)]
        if not forward or not back:
            continue
        returned = IntervalSet()
        for mine, _ in back:
            returned = returned | mine
        # a route the plan cannot pin down (a propagation tie, an unknown destination) is possible
        doubt = next((r.assumption for r in forward + [b for _, b in back] if r.assumption), None)
        for subnet in [s for vpc in other.vpcs if vpc != into for s in view.subnets_of(vpc)]:
            route = view.route_toward(subnet, target, frozenset({attachment.gateway or ""}))
            senders = subnet_addresses(subnet) & returned
            if route is not None and senders:
                label = f"{subnet.id} via {route}; {forward[0].label}; replies {back[0][1].label}"
                via = gateway.id if gateway else attachment.id
                out.append(sent_from(senders, label, via, "aws_ec2_transit_gateway", doubt))
    return out
