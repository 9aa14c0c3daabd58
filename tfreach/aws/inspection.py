"""Inspection in the path: a route to an appliance instead of a gateway.

A subnet whose route table sends the replies to a Gateway Load Balancer endpoint, a Network
Firewall endpoint (both `vpce-` route targets) or an appliance's network interface has them
inspected: the appliance (or the firewall) forwards what it allows on, through its own subnet's
route table, to the gateway the client came through, and the gateway's edge route table (an
ingress routing association) sends the client's traffic through the same appliance. What the
appliances allow is not in the plan (third-party appliances; Network Firewall rule groups are not
evaluated here): the path stays open, possible, and the evidence names the appliance.
https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html
https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/introduction.html
https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html
"""

from __future__ import annotations

from tfreach.model.network import Route, Target

MIDDLEBOXES = (Target.VPC_ENDPOINT, Target.NETWORK_INTERFACE)


def through_appliance(route: Route) -> bool:
    """Does the route hand the traffic to an appliance or an inspection endpoint?"""
    return route.target_kind in MIDDLEBOXES


def inspected(route: Route, gateways: frozenset[str]) -> str:
    """The assumption a route back through an appliance rests on."""
    where = route.target or "an appliance known only after apply"
    toward = ", ".join(sorted(gateways)) or "the gateway"
    return f"replies go through {where} (an appliance or inspection endpoint): it may forward them to {toward}, or not"
