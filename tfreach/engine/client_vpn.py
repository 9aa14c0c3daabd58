"""From a Client VPN endpoint's users to the endpoints of the plan.

The users' traffic leaves the endpoint's interfaces in its associated subnets (with the endpoint's
groups) for the destinations it authorizes and routes: from there it is a path between endpoints
(engine/between.py: egress, ACLs, routing, the target's groups, a load balancer in front), which
the targets see from the interface's address. The traces speak of the users (the client CIDR);
their hops see the interfaces' subnets (probes), so the evidence names the rules that decided.
A target only part of whose subnet is authorized may be outside it: possible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tfreach.aws.outside import addresses_of
from tfreach.engine.hop import Decision, Hop
from tfreach.engine.trace import Probe, Step, Trace, Walked
from tfreach.engine.via_balancers import as_endpoint
from tfreach.model.network import NetworkInterface
from tfreach.model.packets import EMPTY, EVERYTHING, IntervalSet, PacketSet, Span, addresses, union_all
from tfreach.model.sources import CLIENT_VPN, Source
from tfreach.model.ways_in import ClientVpnEndpoint

if TYPE_CHECKING:
    from tfreach.engine.between import InternalPaths

Reached = dict[tuple[str, str, str | None], list[Trace]]


def from_client_vpns(paths: InternalPaths) -> Reached:
    """(client_vpn, endpoint class, the Client VPN endpoint) -> the traces that reach it."""
    out: Reached = {}
    network = paths.network
    targets = [i for i in network.interfaces.values() if i.attached and paths.builder.classes.of(i.id) == i.id]
    targets += [as_endpoint(paths, b) for b in network.load_balancers.values()]
    for endpoint in network.client_vpns.values():
        if not endpoint.subnets or not endpoint.authorized:
            continue
        interfaces = _interfaces(endpoint)
        for target in targets:
            found = reaching(paths, endpoint, interfaces, target)
            if found:
                out[(CLIENT_VPN.kind, target.id, endpoint.id)] = found
    return out


def reaching(
    paths: InternalPaths, endpoint: ClientVpnEndpoint, interfaces: NetworkInterface, target: NetworkInterface
) -> list[Trace]:
    """Every way from the endpoint's users to `target`, blocked ones included (empty packets)."""
    destination = _joined(paths, target.subnets)
    allowed = destination & endpoint.authorized & endpoint.routed
    if not allowed:
        return []
    partly = None if destination.issubset(endpoint.authorized & endpoint.routed) else _PARTLY
    users = addresses(*endpoint.client_cidrs) if endpoint.client_cidrs else CLIENT_VPN.addresses
    seen = _joined(paths, endpoint.subnets)
    first = _endpoint_hop(endpoint, partly)
    out = []
    for path in paths.between(interfaces, target).paths():
        packets = _as_users(path.packets, users)
        certain = _as_users(path.certain, users) if partly is None else EMPTY
        probes = (Probe(),) + (Probe(sources=seen),) * len(path.hops)
        source = Source(CLIENT_VPN.kind, users, CLIENT_VPN.label)
        out.append(Trace(source, target, (first, *path.hops), packets, endpoint.id, probes, certain))
    return out


_PARTLY = "part of the target's subnet is outside the networks the Client VPN endpoint authorizes and routes"


def _interfaces(endpoint: ClientVpnEndpoint) -> NetworkInterface:
    """The endpoint's interfaces in its associated subnets, as a source of paths."""
    return NetworkInterface(
        endpoint.id,
        endpoint.resource_type,
        list(endpoint.subnets),
        list(endpoint.security_groups),
        endpoint.default_group,
    )


def walked(paths: InternalPaths, address: str, protocols: Span, ports: Span) -> list[Walked]:
    """explain: every way from each Client VPN endpoint's users to the endpoint `address`."""
    network = paths.network
    target = network.interfaces.get(address)
    balancer = network.load_balancers.get(address)
    endpoint_of = target if target is not None else as_endpoint(paths, balancer) if balancer is not None else None
    out = []
    for endpoint in network.client_vpns.values() if endpoint_of is not None else ():
        assert endpoint_of is not None
        if not endpoint.subnets or not endpoint.authorized:
            continue
        seen = _joined(paths, endpoint.subnets)
        for trace in reaching(paths, endpoint, _interfaces(endpoint), endpoint_of):
            probe = PacketSet.box(protocols, ports, seen)
            steps, reached = Trace(trace.source, None, trace.hops[1:], probe).steps(probe)
            first = Step(trace.hops[0], trace.hops[0].decisions[0].label)
            out.append(Walked(trace.source, endpoint.id, (first, *steps), _as_users(reached, trace.source.addresses)))
    return out


def _endpoint_hop(endpoint: ClientVpnEndpoint, partly: str | None) -> Hop:
    label = f"{endpoint.id} authorizes and routes the target's network"
    decision = Decision(EVERYTHING, label, True, endpoint.id, endpoint.resource_type, partly)
    return Hop(endpoint.id, endpoint.resource_type, "client VPN endpoint", (decision,), tuple(endpoint.assumptions))


def _joined(paths: InternalPaths, subnets: list[str]) -> IntervalSet:
    return addresses_of(paths.builder.known_subnets(subnets))


def _as_users(packets: PacketSet, users: IntervalSet) -> PacketSet:
    """The protocols and ports that pass, spoken of as the users' (the targets saw the interfaces)."""
    if not packets:
        return EMPTY
    return union_all(PacketSet.box(protocols, ports, users) for protocols, ports, _ in packets.boxes())
