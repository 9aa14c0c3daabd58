"""The hops of load balancers: reached on their listeners, then on to each target.

The rules are aws/load_balancers.py's (public address, listeners, target ports, client address
preservation) with the filters of any other path: the load balancer's groups' egress, its
subnet's ACL toward the target (aws/acl.py: none within one subnet), the target subnet's ACL both
ways and the target's groups. The graph builder (build.py) holds one, which shares its cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tfreach.aws import load_balancers as rules
from tfreach.aws.acl import acl_toward, filters_between
from tfreach.aws.outside import subnet_addresses
from tfreach.aws.security_groups import admitted_by_security_groups, admitted_from_members, egress_toward, groups_of
from tfreach.aws.why import groups_blocked, internal_balancer, no_egress, no_listener
from tfreach.engine.graph import Forward, balancer_node, endpoint_node, subnet_node
from tfreach.engine.hop import Decision, Hop, doubted, every_candidate, several_candidates
from tfreach.model.network import (
    Listener,
    LoadBalancer,
    LoadBalancerTarget,
    NetworkAcl,
    NetworkInterface,
    SecurityGroup,
    Subnet,
    TargetGroup,
)
from tfreach.model.packets import EVERYTHING, IntervalSet, PacketSet

if TYPE_CHECKING:
    from tfreach.engine.build import GraphBuilder


class BalancerHops:
    def __init__(self, builder: GraphBuilder) -> None:
        self.builder = builder
        self.network = builder.network
        table = builder.cache.table
        self._egress_hops = table("load balancer egress hops")
        self._backend_cache = table("load balancer backends")
        self._toward_cache = table("ACL hops toward a range")
        self._interned = table("equal packet sets, one object")

    def add(self, balancer: LoadBalancer) -> None:
        """Reached like an endpoint on its listener ports; it then forwards to its targets."""
        node = balancer_node(balancer.id)
        self.builder.graph.add_node(node, kind="load_balancer", endpoint=balancer)
        for subnet in self.builder.known_subnets(balancer.subnets):
            groups = [self._balancer_groups_hop(balancer)] if _has_groups(balancer) else []
            if self.builder.graph.has_node(subnet_node(subnet.id, True)):
                hops = [*groups, self._balancer_address_hop(balancer), self._listeners_hop(balancer)]
                self.builder.add_edge(subnet_node(subnet.id, True), node, hops)
            if self.builder.graph.has_node(subnet_node(subnet.id, False)):
                # Internal or not, a load balancer's nodes have private addresses in its subnets.
                self.builder.add_edge(subnet_node(subnet.id, False), node, [*groups, self._listeners_hop(balancer)])
        for target, forwards in self.forwards(balancer).items():
            self.builder.graph.add_edge(node, endpoint_node(target), forwards=tuple(forwards))

    def groups_and_listeners(self, balancer: LoadBalancer) -> list[Hop]:
        """Reached from inside its subnets (a managed edge's interfaces): its groups, its listeners."""
        groups = [self._balancer_groups_hop(balancer)] if _has_groups(balancer) else []
        return [*groups, self._listeners_hop(balancer)]

    def _balancer_groups(self, balancer: LoadBalancer) -> list[SecurityGroup]:
        vpc = next((self.network.subnets[s].vpc for s in balancer.subnets if s in self.network.subnets), None)
        return groups_of(self.network, balancer.security_groups, balancer.default_group, vpc)

    def _balancer_groups_hop(self, balancer: LoadBalancer) -> Hop:
        from tfreach.engine.build import kind_of, names_of

        groups = self._balancer_groups(balancer)
        decisions = admitted_by_security_groups(groups) + admitted_from_members(groups, self.builder.members)
        return Hop(
            names_of(groups), kind_of(groups), "security groups", tuple(decisions), blocked=groups_blocked(groups)
        )

    def _balancer_address_hop(self, balancer: LoadBalancer) -> Hop:
        decisions = tuple(rules.public_address(balancer))
        why = internal_balancer(balancer)
        return Hop(balancer.id, balancer.resource_type, "public address", decisions, tuple(balancer.assumptions), why)

    def _listeners_hop(self, balancer: LoadBalancer) -> Hop:
        decisions = tuple(rules.listening(balancer))
        return Hop(balancer.id, balancer.resource_type, "listener", decisions, blocked=no_listener(balancer))

    def forwards(self, balancer: LoadBalancer) -> dict[str, list[Forward]]:
        """Every listener -> target group -> target, from every subnet of the load balancer (once:
        the graph and the paths between endpoints both ask)."""
        found: dict[str, list[Forward]] = self.builder.cache.once(
            "a load balancer's forwards, by target", balancer.id, lambda: self._forwards(balancer)
        )
        return found

    def _forwards(self, balancer: LoadBalancer) -> dict[str, list[Forward]]:
        out: dict[str, list[Forward]] = {}
        for listener in balancer.listeners:
            for group_id in listener.target_groups:
                group = self.network.target_groups.get(group_id)
                seen: set[tuple[str, tuple[int, int], str | None]] = set()
                for target in group.targets if group else []:
                    representative = self.builder.classes.of(target.endpoint)
                    interface = self.network.interfaces.get(representative)
                    if group is None or interface is None:
                        continue
                    port = rules.target_ports(target, group)
                    if (representative, port, target.assumption) in seen:
                        continue  # another member of a class already forwarded to
                    seen.add((representative, port, target.assumption))
                    for forward in self._forwards_to(balancer, listener, group, target, interface, port):
                        out.setdefault(interface.id, []).append(forward)
        return out

    def _forwards_to(
        self,
        balancer: LoadBalancer,
        listener: Listener,
        group: TargetGroup,
        target: LoadBalancerTarget,
        interface: NetworkInterface,
        port: tuple[int, int],
    ) -> list[Forward]:
        """From each subnet of the load balancer to each subnet the target may be in."""
        from tfreach.engine.build import placement

        on = f"port {port[0]}" if port[0] == port[1] else "any port (the target group's is unknown)"
        label = f"{group.id} -> its target on {on}"  # shared by alike targets: names none
        forwarding = Decision(EVERYTHING, label, True, group.id, group.resource_type, target.assumption)
        first = Hop(group.id, group.resource_type, "target group", (forwarding,))
        reached = Decision(EVERYTHING, on, True, interface.id, interface.resource_type)
        last = Hop(
            interface.id,
            interface.resource_type,
            "target",
            (reached,),
            tuple(interface.assumptions),
            notes=placement(interface),
            own=True,
        )
        out = []
        for balancer_subnet in self.builder.known_subnets(balancer.subnets):
            sources = rules.seen_from(balancer, group, balancer_subnet)
            for target_subnet in self.builder.known_subnets(interface.subnets):
                backend, passes, certain = self._backend(balancer, balancer_subnet, interface, target_subnet)
                hops = (first, *backend, last)
                certain = certain & first.certain & last.certain
                out += [
                    Forward(listener, balancer_subnet.id, p, port, sources, hops, passes, certain)
                    for p in listener.protocols
                ]
        return out

    def _backend(
        self,
        balancer: LoadBalancer,
        balancer_subnet: Subnet,
        interface: NetworkInterface,
        target_subnet: Subnet,
    ) -> tuple[tuple[Hop, ...], PacketSet, PacketSet]:
        """The load balancer's connection to a target, what passes it and what passes it whatever
        the assumptions, once per subnets and groups: every target behind the same groups in the
        same subnet shares them."""
        groups = tuple(interface.security_groups)
        key = (balancer.id, balancer_subnet.id, groups, interface.default_group, target_subnet.id)
        if key not in self._backend_cache:
            hops = self._backend_hops(balancer, balancer_subnet, interface, target_subnet)
            passes, certain = self.builder.through(hops)
            # Equal results share one object, so forwards can be told alike by identity.
            self._backend_cache[key] = (hops, self._interned.setdefault(passes, passes), certain)
        found: tuple[tuple[Hop, ...], PacketSet, PacketSet] = self._backend_cache[key]
        return found

    def _backend_hops(
        self,
        balancer: LoadBalancer,
        balancer_subnet: Subnet,
        interface: NetworkInterface,
        target_subnet: Subnet,
    ) -> tuple[Hop, ...]:
        """Its egress and subnet ACL toward the target, the target's subnet, ACL and groups."""
        target_addresses = subnet_addresses(target_subnet)
        hops: list[Hop] = []
        peers: tuple[str, ...] = ()
        if _has_groups(balancer):
            groups = self._balancer_groups(balancer)
            peers = tuple(g.id for g in groups)
            target_groups = groups_of(
                self.network, interface.security_groups, interface.default_group, target_subnet.vpc
            )
            hops.append(self._egress_hop(balancer, groups, target_groups, target_subnet))
        if not filters_between(balancer_subnet, target_subnet):
            return (
                *hops,
                self.builder.subnet_hop(target_subnet),
                self.builder.groups_hop(interface, target_subnet, peers),
            )
        hops.append(self._acl_toward_hop(balancer_subnet, target_addresses))
        inbound, reply = self.builder.acl_hops_for(target_subnet)
        hops += [
            self.builder.subnet_hop(target_subnet),
            inbound,
            reply,
            self.builder.groups_hop(interface, target_subnet, peers),
        ]
        return tuple(hops)

    def _egress_hop(
        self,
        balancer: LoadBalancer,
        groups: list[SecurityGroup],
        targets: list[SecurityGroup],
        subnet: Subnet,
    ) -> Hop:
        """The load balancer's groups' egress toward a target's groups in a subnet."""
        from tfreach.engine.build import kind_of, names_of

        key = (balancer.id, tuple(g.id for g in targets), subnet.id)
        if key not in self._egress_hops:
            egress = egress_toward(groups, [g.id for g in targets], subnet_addresses(subnet))
            why = no_egress(groups, subnet.id)
            self._egress_hops[key] = Hop(
                names_of(groups), kind_of(groups), "load balancer egress", tuple(egress), blocked=why
            )
        hop: Hop = self._egress_hops[key]
        return hop

    def _acl_toward_hop(self, subnet: Subnet, remote: IntervalSet) -> Hop:
        acls = self.builder.cache.nacls_for(subnet)
        key = (tuple(a.id for a in acls), _as_rules_see(acls, remote))
        if key not in self._toward_cache:
            doubt = several_candidates("network ACL", subnet, acls)
            each = [acl_toward(a, remote, self.builder.ephemeral) for a in acls]
            toward = doubted([d for decisions in each for d in decisions], doubt)
            self._toward_cache[key] = Hop(
                acls[0].id,
                acls[0].resource_type,
                "load balancer subnet network ACL",
                toward,
                given_certain=every_candidate(each),
            )
        hop: Hop = self._toward_cache[key]
        return hop


def _has_groups(balancer: LoadBalancer) -> bool:
    return bool(balancer.security_groups) or balancer.default_group


def _as_rules_see(acls: list[NetworkAcl], remote: IntervalSet) -> Any:
    """What the ACLs' rules can tell of a remote range: for each rule, whether it holds all of
    it or none. Two ranges the rules see alike get the same answer (a VPC's subnets, under
    rules for the VPC or 0.0.0.0/0); a range a rule splits is its own."""
    seen = []
    for acl in acls:
        for rule in acl.rules:
            addrs = rule.match.addresses()
            if remote.issubset(addrs):
                seen.append(True)
            elif not addrs.intersects(remote):
                seen.append(False)
            else:
                return remote
    return tuple(seen)
