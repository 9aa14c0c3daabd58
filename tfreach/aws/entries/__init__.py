"""Ways into a VPC from outside it, one file per kind of source.

A way in is a gateway (and the VPC it leads into) with the decisions saying which client
addresses arrive there, and why; what happens inside the VPC (the route back, the ACLs, the
groups) is the same for every way in. A new way in (a managed edge, Client VPN...) is one file
here that registers itself with `@way_in(kind)`, and its source kind in model/sources.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from tfreach.aws import outside
from tfreach.aws.view import NetworkView
from tfreach.engine.hop import Decision, Explainer
from tfreach.model.network import Network, Subnet
from tfreach.model.packets import PORTS, PROTOCOLS, IntervalSet, PacketSet, addresses


@dataclass(frozen=True)
class WayIn:
    key: tuple[str, ...]  # the gateway, and the VPC it leads into when it serves several
    owner: str
    owner_type: str
    role: str
    senders: tuple[Decision, ...]  # which client addresses arrive, and why
    gateways: frozenset[str]  # route targets that send the replies back through it
    vpc: str | None
    public: bool  # from the internet: it delivers to public addresses only
    blocked: Explainer | None = None  # why nothing arrives, when nothing does
    # Which senders reach one destination (a subnet's addresses), when that depends on it: a peer
    # subnet whose routes cover only part of this VPC reaches only that part.
    toward: Callable[[IntervalSet], tuple[Decision, ...]] | None = field(default=None, compare=False)


Ways = Callable[[NetworkView], list[WayIn]]
_WAYS: dict[str, list[Ways]] = {}
_KINDS = ("internet", "vpn", "peering", "transit")  # the files here, loaded in this order


def way_in(kind: str) -> Callable[[Ways], Ways]:
    """Registers the ways in of one kind of source (several files may serve one kind)."""

    def register(ways: Ways) -> Ways:
        _WAYS.setdefault(kind, []).append(ways)
        return ways

    return register


def ways_in(view: NetworkView, kind: str) -> list[WayIn]:
    """Every way into the network's VPCs for one kind of source, in a stable order."""
    for name in _KINDS:
        importlib.import_module(f"tfreach.aws.entries.{name}")
    return [way for ways in _WAYS.get(kind, []) for way in ways(view)]


def sent_from(addrs: IntervalSet, label: str, owner: str, owner_type: str, assumption: str | None = None) -> Decision:
    """Clients at `addrs` arrive (every protocol and port: the filters inside decide those)."""
    return Decision(PacketSet.box(PROTOCOLS, PORTS, addrs), label, True, owner, owner_type, assumption)


def vpc_addresses(network: Network, vpc_id: str | None) -> IntervalSet:
    """The VPC's known blocks (what senders outside it are not)."""
    vpc = network.vpcs.get(vpc_id or "")
    return addresses(*vpc.cidrs) if vpc else IntervalSet()


def vpc_may_hold(network: Network, vpc_id: str | None) -> IntervalSet:
    """What a route toward the VPC must cover: any address it may hold (aws/outside.py)."""
    return outside.vpc_may_hold(network.vpcs.get(vpc_id or ""))


def names(subnets: list[Subnet], shown: int = 3) -> str:
    """The subnets that send through one route: one decision for them all, as they are told
    apart by their addresses (a VPC's private subnets share their route table)."""
    found = [s.id for s in subnets]
    return ", ".join(found[:shown]) + (f" and {len(found) - shown} more subnets" if len(found) > shown else "")
