"""Managed edges: AWS services on the internet that open connections to endpoints in a VPC.

- AWS Global Accelerator: a listener accepts its protocol and port ranges on the accelerator's
  public addresses and sends them to the endpoints of its endpoint groups (a port override maps
  a listener port to another endpoint port). ALB and EC2 instance endpoints see the client's
  address when client IP preservation is on (the default for them); otherwise the endpoint sees
  the accelerator's addresses in its subnet. An internal ALB is a valid endpoint: it becomes
  reachable from the internet. A disabled accelerator, a traffic dial of 0 or a weight of 0 sends
  nothing. https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints.html
  https://docs.aws.amazon.com/global-accelerator/latest/dg/preserve-client-ip-address.html
- Amazon CloudFront VPC origins: a distribution reaches an internal ALB, NLB or EC2 instance in a
  private subnet on the origin's HTTP or HTTPS port (as its origin protocol policy says), from
  interfaces CloudFront creates in the origin's VPC; the origin's groups must admit them.
  https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
- Amazon API Gateway private integrations: an HTTP API's VPC link sends a route's requests to an
  ALB or NLB listener; a REST API's VPC link to an NLB. The API's endpoint is public.
  https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html

What arrives is decided by the edge's ports, then inside the VPC as for any client: the endpoint's
groups (on the address it sees) and a load balancer's listeners and targets. No internet gateway,
route back or public address of the endpoint is involved.
"""

from __future__ import annotations

from tfreach.engine.hop import Decision, Explainer, Hop
from tfreach.model.packets import ALL_ADDRESSES, PacketSet
from tfreach.model.protocols import describe
from tfreach.model.ways_in import EdgeTarget, ManagedEdge


def forwarded(edge: ManagedEdge, target: EdgeTarget) -> list[Decision]:
    """What the edge sends to the endpoint: its protocols and ports, from any client."""
    return [
        Decision(
            PacketSet.box((protocol, protocol), (first, last), ALL_ADDRESSES),
            target.label,
            True,
            edge.id,
            edge.resource_type,
            target.assumption,
        )
        for protocol, first, last in target.spans
    ]


def not_forwarded(edge: ManagedEdge, target: EdgeTarget) -> Explainer:
    sent = ", ".join(describe((p, p), (a, b)) for p, a, b in target.spans) or "nothing"
    return lambda _: f"{edge.id} sends {sent} to {target.endpoint} only"


def as_seen(groups: Hop, target: EdgeTarget, service: str) -> Hop:
    """The endpoint's groups as they judge the edge's connections: on the client's address when it
    is preserved; else on the edge's own addresses, which admit every client on those ports."""
    if target.seen_from is None:
        return groups
    decisions = []
    for decision in groups.decisions:
        seen = decision.packets & PacketSet.box((0, 255), (0, 65535), target.seen_from)
        if not seen:
            continue
        widened = PacketSet()
        for protocols, ports, _ in seen.boxes():
            widened |= PacketSet.box(protocols, ports, ALL_ADDRESSES)
        label = f"{decision.label} (from {service}'s interfaces)"
        decisions.append(
            Decision(widened, label, decision.allow, decision.owner, decision.owner_type, decision.assumption)
        )
    return Hop(groups.address, groups.type, groups.role, tuple(decisions), groups.assumptions, groups.blocked)
