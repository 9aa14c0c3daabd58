"""Assembles the hops of every path from the AWS rules in aws/*: it holds no rule of its own.

Sources enter through the ways in of aws/entries (internet gateways, VPNs, peerings, transit
gateways) into subnets; the replies must be routed back (aws/routing.py), the subnet's network
ACL passes the request and its reply (aws/acl.py), the endpoint's security groups admit it
(aws/security_groups.py) and, from the internet, it has a public address (aws/public_address.py).
Load balancers are in balancers.py. Every answer is kept in the analysis's cache object.
"""

from __future__ import annotations

from collections.abc import Callable

from tfreach.aws import acl
from tfreach.aws.entries import ways_in
from tfreach.aws.inspection import inspected, through_appliance
from tfreach.aws.public_address import public_addresses
from tfreach.aws.routing import routes_to
from tfreach.aws.security_groups import (
    admitted_by_security_groups,
    admitted_from_groups,
    admitted_from_members,
    groups_of,
)
from tfreach.aws.why import groups_blocked, no_public_address, replies_blocked
from tfreach.engine.balancers import BalancerHops
from tfreach.engine.cache import Cache
from tfreach.engine.classes import Classes, endpoint_classes
from tfreach.engine.edges import EdgeHops
from tfreach.engine.firewalls import firewall_hop
from tfreach.engine.graph import Entry, Graph, Node, endpoint_node, source_node, subnet_node
from tfreach.engine.hop import (
    Decision,
    Explainer,
    Hop,
    allowed_and_sure,
    box,
    doubted,
    every_candidate,
    several_candidates,
    through_all,
)
from tfreach.model.network import Network, NetworkInterface, Route, RouteTable, SecurityGroup, Subnet, Target
from tfreach.model.packets import (
    ALL_ADDRESSES,
    EVERYTHING,
    PORTS,
    PROTOCOLS,
    IntervalSet,
    PacketSet,
    Span,
    addresses,
    union_all,
)
from tfreach.model.sources import PEERING, TRANSIT_GATEWAY, Source

SOURCES_BY_KIND = {"peering": PEERING, "transit_gateway": TRANSIT_GATEWAY}
THROUGH_GATEWAYS = ("internet", "vpn", "peering", "transit_gateway")  # the kinds aws/entries/ serves


class GraphBuilder:
    def __init__(
        self,
        network: Network,
        ephemeral: Span = acl.EPHEMERAL_PORTS,
        classes: Classes | None = None,
        cache: Cache | None = None,
    ) -> None:
        self.ephemeral = ephemeral
        self.network = network
        self.cache = cache or Cache(network)
        self.classes = classes or endpoint_classes(network)
        self.graph = Graph()
        table = self.cache.table
        self._route_backs = table("routes back through gateways by route tables and gateways")
        self._acl_hops = table("ACL hops (inbound, reply) by ACLs")
        self._group_hops = table("security group hops by groups and named peers")
        self._group_decisions = table("a group's decisions by named peers")
        self._peers_named = table("groups a group's rules name")
        self._own_decisions = table("a group's decisions by address and from its members")
        self._peers_seen = table("named peers by groups")
        self._member_unions = table("where the members of groups live")
        self._subnet_hops = table("subnet hops")
        self._entries_by_kind = table("ways in by kind")
        self._address_hops = table("private address hops")
        self._through_cache = table("what passes a sequence of hops")
        self._prepared = False
        self.balancers = BalancerHops(self)
        self.edges = EdgeHops(self)

    def prepare(self) -> None:
        """Where each group's members live (rules naming a group admit them): once per builder,
        which check's paths from outside and the intents' paths between endpoints share."""
        if not self._prepared:
            self.members = _group_members(self.network, self.classes)
            self._prepared = True

    def build(self, sources: list[Source]) -> Graph:
        self.prepare()
        for source in sources:
            self.graph.add_node(source_node(source), kind="source", source=source)
            for entry in self._entries_of(source):
                self._enter(source, entry)
            # A subnet the plan cannot tell may be reached through any kind of gateway (aws/outside.py);
            # sources that come through a service of the plan only (PrivateLink) come only there.
            for subnet in self.network.subnets.values() if source.kind in THROUGH_GATEWAYS else ():
                if subnet.unknown:
                    public = source.kind == "internet"
                    self.add_edge(source_node(source), subnet_node(subnet.id, public), [self.subnet_hop(subnet)])
        for interface in self.network.interfaces.values():
            # One endpoint node per class: its members are reached exactly as it is.
            if interface.attached and self.classes.of(interface.id) == interface.id:
                self._endpoint(interface)
        for balancer in self.network.load_balancers.values():
            self.balancers.add(balancer)
        for edge in self.network.managed_edges.values():
            self.edges.add(edge)
        return self.graph

    def add_edge(self, start: Node, end: Node, hops: list[Hop]) -> None:
        passes, certain = through_all(hops)
        self.graph.add_edge(start, end, hops=tuple(hops), passes=passes, certain=certain)

    # --- for paths between endpoints: the same hops, asked one by one -----------------------

    def through_gateway(self, kind: str, vpc: str | None, subnet: Subnet) -> list[list[Hop]]:
        """For each gateway of `kind` into `vpc`: the gateway hop and the subnet's route back to it."""
        entries = [e for e in self._entries_of(SOURCES_BY_KIND[kind]) if e.vpc == vpc]
        return [[entry.hop, *self._gateway_to_subnet(entry, subnet)] for entry in entries]

    def into_subnet(self, subnet: Subnet) -> list[Hop]:
        """The subnet and its network ACL, inbound and for the replies."""
        inbound, reply = self.acl_hops_for(subnet)
        return [self.subnet_hop(subnet), inbound, reply]

    def onto_endpoint(self, interface: NetworkInterface, subnet: Subnet, peers: tuple[str, ...]) -> list[Hop]:
        """Its security groups (rules naming one of `peers` admit those groups' members), its
        private address and its service ports."""
        if interface.id not in self._address_hops:  # one per endpoint, so paths through it are alike
            self._address_hops[interface.id] = (self._private_address(interface), *service_hops(interface))
        return [self.groups_hop(interface, subnet, peers), *self._address_hops[interface.id]]

    def _private_address(self, interface: NetworkInterface) -> Hop:
        """Anything that gets this far reaches the endpoint's private address."""
        reached = (Decision(EVERYTHING, "private address", True, interface.id, interface.resource_type),)
        assumed, notes = tuple(interface.assumptions), placement(interface)
        return Hop(interface.id, interface.resource_type, "private address", reached, assumed, notes=notes, own=True)

    # --- source -> gateway -> subnet --------------------------------------------------

    def _entries_of(self, source: Source) -> list[Entry]:
        """The ways in of a kind of source, once (paths between endpoints ask for every pair of subnets)."""
        if source.kind not in self._entries_by_kind:
            self._entries_by_kind[source.kind] = [Entry.of(way) for way in ways_in(self.cache, source.kind)]
        entries: list[Entry] = self._entries_by_kind[source.kind]
        return entries

    def _enter(self, source: Source, entry: Entry) -> None:
        """Every candidate edge is kept, blocked or not: `explain` walks them all."""
        self.add_edge(source_node(source), entry.node, [entry.hop])
        for subnet in self.network.subnets.values():
            # An entry whose VPC the plan cannot tell may lead into any (its route back still decides).
            if subnet.unknown or (entry.vpc and subnet.vpc != entry.vpc and (subnet.vpc or not entry.public)):
                continue
            self.add_edge(entry.node, subnet_node(subnet.id, entry.public), self._gateway_to_subnet(entry, subnet))

    def _gateway_to_subnet(self, entry: Entry, subnet: Subnet) -> list[Hop]:
        """Replies must be routed back through the gateway (longest prefix), and the ACL must pass both ways."""
        tables = self.cache.route_tables_for(subnet)
        several = ", ".join(t.id for t in tables)
        ambiguity = f"the route table of {subnet.id} may be any of {several}" if len(tables) > 1 else None

        each = self._routes_back(tables, entry.gateways)
        route_back = doubted([d for decisions in each for d in decisions], ambiguity)
        inbound, reply = self.acl_hops_for(subnet)
        firewall = firewall_hop(self, tables, self._through(entry.gateways), subnet)
        return [
            *entry.toward(subnet),
            *firewall,
            Hop(
                tables[0].id,
                tables[0].resource_type,
                "route back",
                route_back,
                blocked=self._explain_route(tables, entry),
                given_certain=every_candidate(each),
            ),
            self.subnet_hop(subnet),
            inbound,
            reply,
        ]

    def _through(self, gateways: frozenset[str]) -> Callable[[Route], bool]:
        def through_entry(route: Route) -> bool:
            # A route whose target is unknown may go to any gateway (aws/outside.py: fail closed);
            # an appliance or inspection endpoint may forward to it (aws/inspection.py).
            return route.goes_to(gateways) or route.target_kind is Target.UNKNOWN or through_appliance(route)

        return through_entry

    def _routes_back(self, tables: list[RouteTable], gateways: frozenset[str]) -> list[list[Decision]]:
        """Each candidate table's routes that send replies back through the gateways (once per
        tables and gateways: every subnet of those tables, from every entry of the gateways)."""
        key = (tuple(t.id for t in tables), gateways)
        if key not in self._route_backs:

            def assumed(route: Route) -> str | None:
                if route.assumption or not through_appliance(route) or route.goes_to(gateways):
                    return route.assumption
                if route.target in self.network.firewalls:  # its rules decide (the firewall hop)
                    return None
                return inspected(route, gateways)

            through_entry = self._through(gateways)
            self._route_backs[key] = [
                [
                    Decision(box(mine), route.label, True, table.id, table.resource_type, assumed(route))
                    for mine, route in routes_to(self.cache.won_routes(table), through_entry)
                ]
                for table in tables
            ]
        each: list[list[Decision]] = self._route_backs[key]
        return each

    def _explain_route(self, tables: list[RouteTable], entry: Entry) -> Explainer:
        def explain(packets: PacketSet) -> str:
            client = packets.addresses()
            for table in tables:
                for mine, route in self.cache.won_routes(table):
                    if mine.intersects(client):
                        where = route.target or route.target_kind.value
                        through = entry.hop.address
                        return f"{table.id} sends the replies to {where} ({route.label}), not back through {through}"
            return f"{tables[0].id} has no route for the client: replies cannot go back through {entry.hop.address}"

        return explain

    def acl_hops_for(self, subnet: Subnet) -> tuple[Hop, Hop]:
        """Inbound and reply hops of the subnet's ACL; of every candidate ACL (any may pass) when ambiguous."""
        acls = self.cache.nacls_for(subnet)
        key = tuple(a.id for a in acls)
        if key not in self._acl_hops:
            first, doubt = acls[0], several_candidates("network ACL", subnet, acls)
            inbound_each = [acl.acl_decisions(a, egress=False) for a in acls]
            replies_each = [acl.replies_allowed(a, self.ephemeral) for a in acls]
            inbound = doubted([d for each in inbound_each for d in each], doubt)
            replies = doubted([d for each in replies_each for d in each], doubt)
            self._acl_hops[key] = (
                Hop(
                    first.id,
                    first.resource_type,
                    "network ACL inbound",
                    inbound,
                    given_certain=every_candidate(inbound_each),
                ),
                Hop(
                    first.id,
                    first.resource_type,
                    "network ACL outbound reply",
                    replies,
                    blocked=replies_blocked(first, self.ephemeral),
                    given_certain=every_candidate(replies_each),
                ),
            )
        hops: tuple[Hop, Hop] = self._acl_hops[key]
        return hops

    def subnet_hop(self, subnet: Subnet) -> Hop:
        if subnet.id not in self._subnet_hops:
            label = f"{subnet.id} ({', '.join(subnet.cidrs)})" if subnet.cidrs else subnet.id
            assumptions = (subnet.assumption,) if subnet.assumption else ()
            placed = Decision(EVERYTHING, label, True, subnet.id, subnet.resource_type)
            self._subnet_hops[subnet.id] = Hop(subnet.id, subnet.resource_type, "subnet", (placed,), assumptions)
        hop: Hop = self._subnet_hops[subnet.id]
        return hop

    # --- subnet -> endpoint -----------------------------------------------------------

    def _endpoint(self, interface: NetworkInterface) -> None:
        """From each subnet it may be in; from the internet only to its public addresses."""
        node = endpoint_node(interface.id)
        self.graph.add_node(node, kind="endpoint", interface=interface, members=self.classes.members_of(interface.id))
        internet = ("source", "internet")
        if interface.public_entry is not None and internet in self.graph:
            self.add_edge(internet, node, public_entry_hops(interface))
        for subnet in self.known_subnets(interface.subnets):
            groups = self.groups_hop(interface, subnet)
            if self.graph.has_node(subnet_node(subnet.id, True)):
                public = tuple(public_addresses(interface, subnet))
                why = no_public_address(interface, subnet)
                address_hop = Hop(
                    interface.id,
                    interface.resource_type,
                    "public address",
                    public,
                    tuple(interface.assumptions),
                    why,
                    notes=placement(interface),
                    own=True,
                )
                self.add_edge(subnet_node(subnet.id, True), node, [groups, address_hop, *service_hops(interface)])
            if self.graph.has_node(subnet_node(subnet.id, False)):
                private_hop = self._private_address(interface)
                self.add_edge(subnet_node(subnet.id, False), node, [groups, private_hop, *service_hops(interface)])

    def groups_hop(self, interface: NetworkInterface, subnet: Subnet, peers: tuple[str, ...] = ()) -> Hop:
        """What the interface's groups admit: address rules, and rules naming one of `peers`."""
        groups = groups_of(self.network, interface.security_groups, interface.default_group, subnet.vpc)
        key = (tuple(g.id for g in groups), self._named_peers(groups, peers))
        if key not in self._group_hops:
            each = [self._admitted_by(group, peers) for group in groups]
            decisions = tuple(d for found, _, _ in each for d in found)
            passes, certain = union_all(p for _, p, _ in each), union_all(c for _, _, c in each)
            self._group_hops[key] = Hop(
                names_of(groups),
                kind_of(groups),
                "security groups",
                decisions,
                blocked=groups_blocked(groups),
                given_certain=certain,
                given_passes=passes,
            )
        hop: Hop = self._group_hops[key]
        return hop

    def _admitted_by(
        self, group: SecurityGroup, peers: tuple[str, ...]
    ) -> tuple[tuple[Decision, ...], PacketSet, PacketSet]:
        """What one group admits (addresses, the peers' groups, its members), with what all of
        it and what its rules resting on nothing let through: once per group, as endpoints
        combine a few groups in many ways."""
        if group.id not in self._own_decisions:  # by address, and from its members: whoever the peers
            by_address = admitted_by_security_groups([group])
            from_members = admitted_from_members([group], self.members, self._member_unions)
            self._own_decisions[group.id] = (by_address, from_members, *allowed_and_sure(by_address + from_members))
        key = (group.id, self._named_peers([group], peers))
        if key not in self._group_decisions:
            by_address, from_members, passes, sure = self._own_decisions[group.id]
            from_peers = admitted_from_groups([group], list(peers))
            more, more_sure = allowed_and_sure(from_peers)
            decisions = tuple(by_address + from_peers + from_members)
            self._group_decisions[key] = (decisions, passes | more, sure | more_sure)
        found: tuple[tuple[Decision, ...], PacketSet, PacketSet] = self._group_decisions[key]
        return found

    def _named_peers(self, groups: list[SecurityGroup], peers: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        """What of `peers` the groups' rules can tell apart: the peers they name, and whether there
        are any (a rule naming a group the plan cannot name admits any). Sources with different
        groups thus share one hop wherever the target's rules do not name them."""
        if not peers:
            return (), False
        key = (tuple(g.id for g in groups), peers)
        if key not in self._peers_seen:
            self._peers_seen[key] = self._named_by(groups, peers)
        found: tuple[tuple[str, ...], bool] = self._peers_seen[key]
        return found

    def _named_by(self, groups: list[SecurityGroup], peers: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        for group in groups:
            if group.id not in self._peers_named:
                self._peers_named[group.id] = {p for rule in group.ingress() for p in rule.peer_groups}
        return tuple(p for p in peers if any(p in self._peers_named[group.id] for group in groups)), True

    def through(self, hops: tuple[Hop, ...]) -> tuple[PacketSet, PacketSet]:
        """`through_all`, once per sequence of filters: many backends cross the same filters
        in another subnet of the same ACLs (the hops are kept, so their ids stay theirs)."""
        key = tuple((id(hop.passes), id(hop.certain)) for hop in hops)
        if key not in self._through_cache:
            self._through_cache[key] = (*through_all(hops), hops)
        passes, certain, _ = self._through_cache[key]
        return passes, certain

    def known_subnets(self, identities: list[str]) -> list[Subnet]:
        return [self.network.subnets[s] for s in identities if s in self.network.subnets]


def service_hops(interface: NetworkInterface) -> list[Hop]:
    """A managed service (a database, a cache, a cluster API) accepts only its ports, whatever its groups allow."""
    service = interface.service
    if service is None:
        return []
    accepts = union_all(PacketSet.box((p, p), (lo, hi), ALL_ADDRESSES) for p, lo, hi in service.spans)
    decision = Decision(accepts, service.label, True, interface.id, interface.resource_type)
    label = service.label
    return [Hop(interface.id, interface.resource_type, "service port", (decision,), blocked=lambda _: label, own=True)]


def public_entry_hops(interface: NetworkInterface) -> list[Hop]:
    """A managed endpoint on AWS's public network: only its own allow-list stands before its ports."""
    entry = interface.public_entry
    if entry is None:
        return []
    admitted = PacketSet.box(PROTOCOLS, PORTS, addresses(*entry.cidrs))
    label = f"{entry.label}; {entry.remaining_control}" if entry.remaining_control else entry.label
    decision = Decision(admitted, label, True, interface.id, interface.resource_type, entry.assumption)
    why = f"{entry.label}: the client is not in it"
    hop = Hop(interface.id, interface.resource_type, "public endpoint", (decision,), blocked=lambda _: why, own=True)
    return [hop, *service_hops(interface)]


def placement(interface: NetworkInterface) -> tuple[str, ...]:
    return (interface.placement,) if interface.placement else ()


def _group_members(network: Network, classes: Classes) -> dict[str, IntervalSet]:
    """Where members of each security group live: the addresses of their subnets.

    A rule naming a group admits its members' private addresses; the subnet is as precise as
    a plan gets (private IPs are assigned at launch). Alike endpoints share subnets and groups:
    one per class is enough.
    """
    spans: dict[str, list[tuple[int, int]]] = {}
    interfaces = [i for i in network.interfaces.values() if i.attached and classes.of(i.id) == i.id]
    placed = [(i.security_groups, i.subnets) for i in interfaces]
    placed += [(b.security_groups, b.subnets) for b in network.load_balancers.values()]
    placed += [(e.security_groups, e.subnets) for e in network.managed_edges.values()]
    for groups, subnets in placed:
        where = [span for s in subnets if _is_known(network, s) for span in addresses(*network.subnets[s].cidrs).spans]
        for group in groups:
            spans.setdefault(group, []).extend(where)
    return {group: IntervalSet(found) for group, found in spans.items()}


def _is_known(network: Network, subnet: str) -> bool:
    return subnet in network.subnets and not network.subnets[subnet].unknown


def names_of(groups: list[SecurityGroup]) -> str:
    return ", ".join(g.id for g in groups) or "no security group"


def kind_of(groups: list[SecurityGroup]) -> str:
    return groups[0].resource_type if len(groups) == 1 else "security groups"


def build_graph(
    network: Network, sources: list[Source], ephemeral: Span = acl.EPHEMERAL_PORTS, classes: Classes | None = None
) -> Graph:
    """`ephemeral`: the client ports replies go to, which stateless ACLs must let out.

    Endpoints are nodes per class (`classes`, by default `endpoint_classes(network)`)."""
    return GraphBuilder(network, ephemeral, classes).build(sources)
