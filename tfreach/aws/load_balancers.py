"""Load balancers: reached on their listeners, they open connections to their targets.

- An internet-facing load balancer has public addresses (IPv4; IPv6 too when dualstack); an
  internal one has private addresses only.
  https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html
- A listener accepts its protocol and port and forwards to its target groups; a target receives
  on the port its registration gives, else its target group's port.
  https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html
- The target sees the client's address only when it is preserved: never behind an ALB or a
  classic ELB (they proxy), by default behind an NLB for instance targets (and as the target
  group's `preserve_client_ip` says). Otherwise it sees the load balancer node's own address,
  in the subnet the client came through.
  https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
- The load balancer's own groups must let the connection out to the target, and the target's
  groups admit it (by address, or by naming the load balancer's groups).
"""

from __future__ import annotations

from tfreach.aws.outside import subnet_addresses
from tfreach.engine.hop import Decision
from tfreach.model.network import Listener, LoadBalancer, LoadBalancerTarget, Subnet, TargetGroup
from tfreach.model.packets import ALL_ADDRESSES, ALL_IPV4, ALL_IPV6, PORTS, PROTOCOLS, IntervalSet, PacketSet


def public_address(balancer: LoadBalancer) -> list[Decision]:
    """An internet-facing load balancer has public addresses; an internal one has none."""
    if balancer.internal:
        return []
    label = f"{balancer.id} is internet-facing"
    decisions = [Decision(PacketSet.box(PROTOCOLS, PORTS, ALL_IPV4), label, True, balancer.id, balancer.resource_type)]
    if balancer.dualstack:
        v6 = PacketSet.box(PROTOCOLS, PORTS, ALL_IPV6)
        decisions.append(Decision(v6, f"{label} (dualstack)", True, balancer.id, balancer.resource_type))
    return decisions


def listening(balancer: LoadBalancer) -> list[Decision]:
    """What its listeners accept."""
    return [
        Decision(PacketSet.box((p, p), ln.ports, ALL_ADDRESSES), listener_label(ln), True, ln.id, ln.resource_type)
        for ln in balancer.listeners
        for p in ln.protocols
    ]


def listener_label(listener: Listener) -> str:
    where = f" -> {', '.join(listener.target_groups)}" if listener.target_groups else ""
    first, last = listener.ports
    ports = f"port {first}" if first == last else f"ports {first}-{last}"
    return f"{listener.id} {ports} ({listener.action}{where})"


def target_ports(target: LoadBalancerTarget, group: TargetGroup) -> tuple[int, int]:
    """The registration's port, else the target group's; any port when neither is known (a
    target group outside the plan, a port known only after apply)."""
    port = target.port or group.port
    return (port, port) if port is not None else PORTS


def preserves_client_ip(balancer: LoadBalancer, group: TargetGroup) -> bool:
    """ALBs and classic ELBs never do; NLBs do by default for instance targets (and UDP)."""
    if balancer.proxies:
        return False
    if group.preserve_client_ip is not None:
        return group.preserve_client_ip
    return group.target_type == "instance"


def seen_from(balancer: LoadBalancer, group: TargetGroup, balancer_subnet: Subnet) -> IntervalSet | None:
    """The addresses a target sees: None for the clients' own (preserved), else the load
    balancer node's, in the subnet the client came through."""
    return None if preserves_client_ip(balancer, group) else subnet_addresses(balancer_subnet)
