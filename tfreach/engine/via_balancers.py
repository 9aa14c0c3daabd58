"""Between endpoints through a load balancer: web -> internal ALB -> app is a path too.

An endpoint that reaches a load balancer's listener (into the load balancer's subnet, admitted by
its groups: the same hops as toward any endpoint) reaches each of its targets on the target port,
through the load balancer node in that subnet, as the load balancer's forwarding decides (its
groups' egress, the ACLs, the target's groups on the address the target sees: the load
balancer's own, or the source's when an NLB preserves it). aws/load_balancers.py holds the rules;
the forwarding hops are check's own (engine/balancers.py).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tfreach.aws.outside import admitting_everything
from tfreach.engine.graph import Forward
from tfreach.engine.trace import Probe, Trace
from tfreach.model.network import LoadBalancer, NetworkInterface, ServicePorts
from tfreach.model.packets import EMPTY, IntervalSet, PacketSet, union_all
from tfreach.model.sources import Source

if TYPE_CHECKING:
    from tfreach.engine.between import InternalPaths, Reaching


def through_balancers(paths: InternalPaths, source: NetworkInterface, target: NetworkInterface) -> list[Trace]:
    """Every way from `source` to `target` through a load balancer that forwards to it."""
    out: list[Trace] = []
    for balancer, forwards in _in_front_of(paths).get(paths.builder.classes.of(target.id), []):
        if balancer.id == source.id:
            continue
        front = paths.between(source, as_endpoint(paths, balancer))
        if not front.packets:
            continue
        for forward in forwards:
            out += _forwarded(source, target, balancer, front, forward)
    return out


def _in_front_of(paths: InternalPaths) -> dict[str, list[tuple[LoadBalancer, list[Forward]]]]:
    """Endpoint class -> the load balancers that forward to it, with their forwards: once per
    analysis (every pair of endpoints asks)."""

    def index() -> dict[str, list[tuple[LoadBalancer, list[Forward]]]]:
        out: dict[str, list[tuple[LoadBalancer, list[Forward]]]] = {}
        for balancer in paths.network.load_balancers.values():
            for target, forwards in paths.builder.balancers.forwards(balancer).items():
                out.setdefault(target, []).append((balancer, forwards))
        return out

    return paths.cache.once("load balancers in front of each endpoint class", "all", index)


def as_endpoint(paths: InternalPaths, balancer: LoadBalancer) -> NetworkInterface:
    """The load balancer as an endpoint of its subnets: its groups, and its listeners' ports only.
    A load balancer without groups (an NLB) filters nothing by group."""
    table = paths.cache.table("load balancers as endpoints")
    if balancer.id not in table:
        groups, default = list(balancer.security_groups), balancer.default_group
        if not groups and not default:
            open_group = f"{balancer.id} (no security groups)"
            paths.network.security_groups.setdefault(open_group, admitting_everything(open_group, None))
            groups = [open_group]
        spans = tuple((p, *listener.ports) for listener in balancer.listeners for p in listener.protocols)
        listening = ServicePorts(spans, f"{balancer.id} listens on its listeners' ports only")
        table[balancer.id] = NetworkInterface(
            balancer.id, balancer.resource_type, list(balancer.subnets), groups, default, service=listening
        )
    endpoint: NetworkInterface = table[balancer.id]
    return endpoint


def _forwarded(
    source: NetworkInterface, target: NetworkInterface, balancer: LoadBalancer, front: Reaching, forward: Forward
) -> list[Trace]:
    """What gets to the target on this forward: from the paths into the node's subnet."""
    out = []
    for path in front.paths():
        entered = next((hop.address for hop in reversed(path.hops) if hop.role == "subnet"), None)
        if entered != forward.balancer_subnet:
            continue
        at_listener = path.packets.restrict((forward.protocol, forward.protocol), forward.listener.ports)
        clients = at_listener.addresses()
        if not clients:
            continue
        packets = _delivered(forward, forward.passes, clients)
        if not packets:
            continue
        sure_clients = path.certain.restrict((forward.protocol, forward.protocol), forward.listener.ports).addresses()
        certain = _delivered(forward, forward.certain, sure_clients) if sure_clients else EMPTY
        sender = Source("endpoint", clients, source.id)
        # The hops up to the listener are the load balancer's (not the target's own) and see its
        # listener port; the forwarding hops see the address the target sees.
        front_hops = tuple(replace(hop, own=False) if hop.own else hop for hop in path.hops)
        probes = (Probe(port=forward.listener.port),) * len(front_hops) + (Probe(sources=forward.sources),) * len(
            forward.hops
        )
        hops = front_hops + forward.hops
        out.append(Trace(sender, target, hops, packets, balancer.id, probes, certain))
    return out


def _delivered(forward: Forward, passes: PacketSet, clients: IntervalSet) -> PacketSet:
    """In the target's coordinates (target port, the clients' addresses)."""
    protocol = (forward.protocol, forward.protocol)
    seen = clients if forward.sources is None else forward.sources
    passed = PacketSet.box(protocol, forward.target_ports, seen) & passes
    if forward.sources is None or not passed:
        return passed
    return union_all(PacketSet.box(protocols, ports, clients) for protocols, ports, _ in passed.boxes())
