"""What the plan does not hold, as the engine meets it: the most exposed reading of its kind.

A subnet the plan cannot tell (a data source, an id of another stack) may hold any address and
route anywhere, its VPC may be the other end's; a route's target outside the plan (a gateway of
another stack, a target known only after apply, a transit gateway or appliance that may lead to a
central egress) may lead out. Each is an assumption the evidence names, so what rests on it is
possible, not certain. (The parse-time stand-ins, a group that admits everything, a subnet routed
to an internet gateway, are families/unknowns.py's.)
"""

from __future__ import annotations

from tfreach.engine.hop import Decision, Hop, box
from tfreach.model.network import Route, Subnet
from tfreach.model.packets import ALL_ADDRESSES, IntervalSet, addresses
from tfreach.model.sources import INTERNET_ADDRESSES


def subnet_addresses(subnet: Subnet) -> IntervalSet:
    """A subnet's addresses; one the plan does not know may hold any address."""
    return addresses(*subnet.cidrs) if subnet.cidrs and not subnet.unknown else ALL_ADDRESSES


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
