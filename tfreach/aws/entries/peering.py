"""From a peered VPC, through a VPC peering connection.

A subnet of the peer VPC sends to this VPC when its route table routes (part of) this VPC to the
peering connection; the subnet here must route the replies back to it.
https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html
"""

from __future__ import annotations

from collections.abc import Callable

from tfreach.aws.entries import WayIn, names, sent_from, vpc_addresses, vpc_may_hold, way_in
from tfreach.aws.outside import OUTSIDE_PEER, addresses_of
from tfreach.aws.view import NetworkView
from tfreach.aws.why import no_senders
from tfreach.engine.hop import Decision
from tfreach.model.network import Peering, RouteTable, Subnet
from tfreach.model.packets import IntervalSet, addresses


@way_in("peering")
def peering_connections(view: NetworkView) -> list[WayIn]:
    out = []
    for peering in view.network.peerings.values():
        if not peering.active:
            continue
        for into in dict.fromkeys(into for into, _ in peering.sides()):
            senders = [d for i, peer in peering.sides() if i == into for d in peering_senders(view, peering, i, peer)]
            out.append(
                WayIn(
                    ("gateway", peering.id, into),
                    peering.id,
                    peering.resource_type,
                    "peered VPC",
                    tuple(senders),
                    frozenset({peering.id}),
                    into,
                    False,
                    no_senders(peering.id, "peered VPC"),
                    _toward(view, peering, into) if _partly_routed(view, peering, into) else None,
                )
            )
    return out


def _partly_routed(view: NetworkView, peering: Peering, into: str) -> bool:
    """Does some peer route send only part of this VPC to the peering? Otherwise every sender
    reaches every subnet, and no subnet needs its own answer."""
    network = view.network
    whole = vpc_may_hold(network, into)
    for peer in (peer for i, peer in peering.sides() if i == into and peer in network.vpcs):
        for tables, _ in view.subnets_by_tables(peer):
            for table in tables:
                for mine, _ in view.won_by_target(table).get(peering.id, []):
                    if mine.intersects(whole) and not whole.issubset(mine):
                        return True
    return False


def _toward(view: NetworkView, peering: Peering, into: str) -> Callable[[IntervalSet], tuple[Decision, ...]]:
    """The peer subnets whose routes send this destination (not just any part of the VPC) to the
    peering."""

    def senders(destination: IntervalSet) -> tuple[Decision, ...]:
        sides = [peer for i, peer in peering.sides() if i == into]
        return tuple(d for peer in sides for d in peering_senders(view, peering, into, peer, destination))

    return senders


def peering_senders(
    view: NetworkView, peering: Peering, into: str, peer: str, destination: IntervalSet | None = None
) -> list[Decision]:
    """Subnets of the peer VPC whose route tables send (part of) this VPC, or of `destination`,
    to the peering."""
    network = view.network
    target = vpc_may_hold(network, into) if destination is None else destination
    if peer not in network.vpcs:
        assumption = f"the peer VPC {peer} is not in the plan; assumed to route to {peering.id}"
        if peer == OUTSIDE_PEER:  # the peering itself is outside the plan
            assumption = peering.assumption or assumption
        own = vpc_addresses(network, into)
        outside = addresses(*peering.external_cidrs) if peering.external_cidrs else _everything() - own
        return [sent_from(outside, f"{peering.id} from {peer}", peering.id, peering.resource_type, assumption)]
    by_route: dict[str, list[Subnet]] = {}
    for tables, subnets in view.subnets_by_tables(peer):
        route = first_route_toward(view, tables, target, {peering.id})
        if route is not None:
            by_route.setdefault(route, []).extend(subnets)
    return [
        sent_from(
            addresses_of(subnets),
            f"{names(subnets)} via {route}",
            peering.id,
            peering.resource_type,
            peering.assumption,
        )
        for route, subnets in by_route.items()
    ]


def first_route_toward(
    view: NetworkView, tables: list[RouteTable], destination: IntervalSet, gateways: set[str]
) -> str | None:
    """The label of the first route of `tables` that sends part of `destination` to one of `gateways`."""
    for table in tables:
        index = view.won_by_target(table)
        for gateway in sorted(gateways.intersection(index)):
            for mine, route in index.get(gateway, []):
                if mine.intersects(destination):
                    return route.label
    return None


def _everything() -> IntervalSet:
    return addresses("0.0.0.0/0", "::/0")
