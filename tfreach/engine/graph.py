"""The network as a graph: sources -> gateways -> subnets -> endpoint classes.

Every edge carries the hops a packet crosses on it (route back, network ACL in and out,
security groups, public address), each a list of decisions naming the deciding rule. An
edge only exists where AWS could deliver something at all; what it delivers is the
intersection of its hops. Alike endpoints are one node (classes.py).

Why networkx, and only there: `explain` walks every simple path to one endpoint, blocked ones
included (`all_simple_paths`), and `graph` draws what each source reaches in topological order
(`descendants`, `topological_sort`); both get the graph as networkx's (`Graph.to_networkx`).
reach.py's walk carries packet sets, which no graph library does, and needs only adjacency, so
the check keeps its own `Graph` and never imports networkx (0.12 s, a tenth of a 5k run). With
one node per class the graph stays small (1,464 nodes at 20k resources).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from tfreach.aws.filters import (
    EPHEMERAL_PORTS,
    Decision,
    acl_decisions,
    acl_toward,
    admitted_by_security_groups,
    admitted_from_groups,
    admitted_from_members,
    allowed,
    egress_toward,
    groups_of,
    nacls_for,
    public_addresses,
    replies_allowed,
)
from tfreach.aws.gateways import peering_senders, transit_senders, transit_vpn_senders, vpn_senders
from tfreach.aws.routing import route_tables_for, routes_to, won_routes
from tfreach.engine.classes import Classes, endpoint_classes
from tfreach.engine.why import (
    Explainer,
    groups_blocked,
    internal_balancer,
    no_egress,
    no_listener,
    no_public_address,
    no_senders,
    no_transit_path,
    replies_blocked,
)
from tfreach.model.network import (
    Gateway,
    Listener,
    LoadBalancer,
    LoadBalancerTarget,
    Network,
    NetworkAcl,
    NetworkInterface,
    Peering,
    Route,
    RouteTable,
    SecurityGroup,
    Subnet,
    Target,
    TargetGroup,
)
from tfreach.model.packets import (
    ALL_ADDRESSES,
    ALL_IPV4,
    ALL_IPV6,
    EMPTY,
    EVERYTHING,
    PORTS,
    PROTOCOLS,
    IntervalSet,
    PacketSet,
    Span,
    address_bounds,
    addresses,
    union_all,
)
from tfreach.model.sources import PEERING, TRANSIT_GATEWAY, Source

Node = tuple[str, ...]
Indexed = tuple[Decision, tuple[int, int], tuple[int, int, int, int]]  # a decision, its address and port bounds
Alike = tuple[PacketSet, tuple[int, int], tuple[int, int, int, int], list[int]]  # a packet set, where it is decided
_MANY = 64  # from this many allow decisions, a hop asks each distinct packet set once


def _alike_packets(indexed: list[Indexed]) -> list[Alike]:
    """The distinct packet sets of the decisions, and the positions of the decisions about each
    (a group's rules repeat a few: thousands of rules, a dozen sets)."""
    alike: dict[PacketSet, Alike] = {}
    for i, (decision, bounds, ports) in enumerate(indexed):
        alike.setdefault(decision.packets, (decision.packets, bounds, ports, []))[3].append(i)
    return list(alike.values())


def _allowed_and_sure(decisions: list[Decision]) -> tuple[PacketSet, PacketSet]:
    """What the decisions let through, and what those resting on no assumption do."""
    return allowed(decisions), allowed([d for d in decisions if not d.assumption])


def _meets(decided: PacketSet, bounds: list[Any], packets: PacketSet, asked: tuple[Any, Any]) -> bool:
    """Do the decided packets (their address and port `bounds`) meet `packets` (bounds `asked`)?
    Cheap tests first: most rules are told apart by protocol, port or address bounds."""
    (lo, hi), (dplo, dphi, dportlo, dporthi) = bounds
    (low, high), (plo, phi, portlo, porthi) = asked
    return (
        lo <= high
        and hi >= low
        and dplo <= phi
        and dphi >= plo
        and dportlo <= porthi
        and dporthi >= portlo
        and decided.intersects(packets)
    )


@dataclass(frozen=True)
class Hop:
    """One thing a packet crosses, and the rules that decided what passes it.

    `blocked` says, for packets the hop stops, why (the deciding deny rule, the missing
    route, the absent address); without it the deny decisions speak for themselves.

    `passes` is what may pass; `certain` what passes whatever the assumptions: only rules
    that rest on none, and nothing at all through a hop that is itself assumed (an unknown
    subnet). Where the hop stands for one of several candidates (ACLs, route tables), the
    builder gives `certain` as what every candidate lets through. `notes` are assumptions
    shown with the evidence that do not make it uncertain (which candidate subnet an
    endpoint is in: certainty is then decided across the candidates).
    """

    address: str
    type: str
    role: str
    decisions: tuple[Decision, ...]
    assumptions: tuple[str, ...] = ()
    blocked: Explainer | None = field(default=None, compare=False, repr=False)
    given_certain: PacketSet | None = field(default=None, compare=False, repr=False)
    given_passes: PacketSet | None = field(default=None, compare=False, repr=False)  # when known: allowed(decisions)
    notes: tuple[str, ...] = ()
    own: bool = False  # the endpoint's own hop: shown as the finding's resource, whichever member
    passes: PacketSet = field(init=False, compare=False)
    certain: PacketSet = field(init=False, compare=False)
    _indexed: list[Indexed] | None = field(init=False, compare=False, repr=False, default=None)
    _alike: list[Alike] | None = field(init=False, compare=False, repr=False, default=None)
    _by_meeting: dict[tuple[int, ...], tuple[Decision, ...]] = field(
        init=False, compare=False, repr=False, default_factory=dict
    )
    _admitting: dict[PacketSet, tuple[Decision, ...]] = field(
        init=False, compare=False, repr=False, default_factory=dict
    )
    _described: dict[PacketSet, tuple[dict[str, Any], tuple[str, ...]]] = field(
        init=False, compare=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        passes = self.given_passes if self.given_passes is not None else allowed(list(self.decisions))
        object.__setattr__(self, "passes", passes)
        certain = self.given_certain
        if certain is None and self.assumptions:
            certain = EMPTY
        elif certain is None:
            sure = [d for d in self.decisions if not d.assumption]
            certain = self.passes if len(sure) == len(self.decisions) else allowed(sure)
        object.__setattr__(self, "certain", certain)

    def admitting(self, packets: PacketSet) -> tuple[Decision, ...]:
        """The allow decisions that admit some of `packets`.

        Hops are shared by every endpoint behind the same subnet and groups, and findings
        ask about the same few packet sets again and again: each is answered once.
        """
        found = self._admitting.get(packets)
        if found is None:
            allowing, asked = self._allowing(), (address_bounds(packets), packets.bounds())
            if self._alike is None:
                found = tuple(d for d, *bounds in allowing if _meets(d.packets, bounds, packets, asked))
            else:  # many rules, few packet sets: each set is asked once
                alike = self._alike
                meeting = tuple(k for k, (p, *bounds, _) in enumerate(alike) if _meets(p, bounds, packets, asked))
                if meeting not in self._by_meeting:
                    positions = sorted(i for k in meeting for i in self._alike[k][3])
                    self._by_meeting[meeting] = tuple(allowing[i][0] for i in positions)
                found = self._by_meeting[meeting]
            self._admitting[packets] = found
        return found

    def _allowing(self) -> list[Indexed]:
        """The allow decisions with the bounds of their addresses, protocols and ports (a hop
        may hold hundreds: a peering's senders, every candidate group's rules)."""
        if self._indexed is None:
            indexed = [(d, address_bounds(d.packets), d.packets.bounds()) for d in self.decisions if d.allow]
            object.__setattr__(self, "_indexed", indexed)
            if len(indexed) >= _MANY:
                object.__setattr__(self, "_alike", _alike_packets(indexed))
            return indexed
        return self._indexed

    def evidence(self, packets: PacketSet) -> tuple[dict[str, Any], tuple[str, ...]]:
        """How this hop admits `packets`, as a finding's path shows it (shared, read-only),
        and what had to be assumed for it. An endpoint's own hop has no address: the path is
        shared by every member of its class, and it is each finding's resource."""
        found = self._described.get(packets)
        if found is None:
            deciding = self.admitting(packets)
            owner = deciding[0] if deciding else None
            shown = {
                "address": None if self.own else owner.owner if owner else self.address,
                "type": owner.owner_type if owner else self.type,
                "role": self.role,
                "rule": _rules_text(deciding),
            }
            assumed = (*self.notes, *self.assumptions, *(d.assumption for d in deciding if d.assumption))
            found = self._described[packets] = (shown, tuple(a for a in assumed if a))
        return found

    def why_blocked(self, packets: PacketSet) -> str:
        if self.blocked is not None:
            return self.blocked(packets)
        denying = [d.label for d in self.decisions if not d.allow and d.packets.intersects(packets)]
        return "; ".join(denying) if denying else f"nothing in {self.address} admits it"


def _service(interface: NetworkInterface) -> list[Hop]:
    """A managed service (a database, a cache, a cluster API) accepts only its ports, whatever its groups allow."""
    service = interface.service
    if service is None:
        return []
    accepts = union_all(PacketSet.box((p, p), (lo, hi), ALL_ADDRESSES) for p, lo, hi in service.spans)
    decision = Decision(accepts, service.label, True, interface.id, interface.resource_type)
    label = service.label
    return [Hop(interface.id, interface.resource_type, "service port", (decision,), blocked=lambda _: label, own=True)]


def _public_entry(interface: NetworkInterface) -> list[Hop]:
    """A managed endpoint on AWS's public network: only its own allow-list stands before its ports."""
    entry = interface.public_entry
    if entry is None:
        return []
    allowed = PacketSet.box(PROTOCOLS, PORTS, addresses(*entry.cidrs))
    label = f"{entry.label}; {entry.remaining_control}" if entry.remaining_control else entry.label
    decision = Decision(allowed, label, True, interface.id, interface.resource_type, entry.assumption)
    why = f"{entry.label}: the client is not in it"
    hop = Hop(interface.id, interface.resource_type, "public endpoint", (decision,), blocked=lambda _: why, own=True)
    return [hop, *_service(interface)]


_MAX_RULES_SHOWN = 3


def _rules_text(deciding: tuple[Decision, ...]) -> str | None:
    """The deciding rules; when many rules admit the same packets, the first few and a count."""
    labels = list(dict.fromkeys(d.label for d in deciding))
    if len(labels) > _MAX_RULES_SHOWN:
        labels = labels[:_MAX_RULES_SHOWN] + [f"and {len(labels) - _MAX_RULES_SHOWN} more rules"]
    return "; ".join(labels) or None


@dataclass(frozen=True)
class _Entry:
    """A gateway into a VPC, as a kind of source uses it."""

    node: Node
    hop: Hop  # which client addresses arrive there, and why
    gateways: frozenset[str]  # route targets that send replies back through it
    vpc: str | None
    public: bool  # from the internet: only public addresses are delivered


def _entry_hop(address: str, resource_type: str, role: str, decisions: list[Decision]) -> Hop:
    return Hop(address, resource_type, role, tuple(decisions), blocked=no_senders(address, role))


def box(addrs: IntervalSet) -> PacketSet:
    return PacketSet.box(PROTOCOLS, PORTS, addrs)


def subnet_node(identity: str, public: bool) -> Node:
    """Traffic from the internet reaches public addresses; other sources, private ones."""
    return ("subnet", identity) if public else ("subnet", identity, "private")


def source_node(source: Source) -> Node:
    return ("source", source.kind)


def endpoint_node(identity: str) -> Node:
    return ("endpoint", identity)


class Graph:
    """Nodes and directed edges with their data (the subset of networkx.DiGraph the engine uses)."""

    def __init__(self) -> None:
        self.nodes: dict[Node, dict[str, Any]] = {}
        self._out: dict[Node, dict[Node, dict[str, Any]]] = {}
        self._in: dict[Node, dict[Node, dict[str, Any]]] = {}
        self.edges = _Edges(self._out)

    def add_node(self, node: Node, **data: Any) -> None:
        if node not in self.nodes:
            self.nodes[node], self._out[node], self._in[node] = {}, {}, {}
        self.nodes[node].update(data)

    def add_edge(self, start: Node, end: Node, **data: Any) -> None:
        self.add_node(start)
        self.add_node(end)
        edge = self._out[start].setdefault(end, {})
        edge.update(data)
        self._in[end][start] = edge

    def has_node(self, node: Node) -> bool:
        return node in self.nodes

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def successors(self, node: Node) -> Iterator[Node]:
        return iter(self._out[node])

    def predecessors(self, node: Node) -> Iterator[Node]:
        return iter(self._in[node])

    def to_networkx(self) -> Any:
        """The same graph as a networkx.DiGraph, for path enumeration and ordering."""
        import networkx as nx  # only explain and the diagram need it

        graph = nx.DiGraph()
        graph.add_nodes_from(self.nodes.items())
        graph.add_edges_from((a, b, data) for a, out in self._out.items() for b, data in out.items())
        return graph


@dataclass(frozen=True)
class _Edges:
    out: dict[Node, dict[Node, dict[str, Any]]]

    def __getitem__(self, pair: tuple[Node, Node]) -> dict[str, Any]:
        return self.out[pair[0]][pair[1]]

    def __iter__(self) -> Iterator[tuple[Node, Node]]:
        return ((a, b) for a, out in self.out.items() for b in out)


SOURCES_BY_KIND = {"peering": PEERING, "transit_gateway": TRANSIT_GATEWAY}


class GraphBuilder:
    def __init__(self, network: Network, ephemeral: Span = EPHEMERAL_PORTS, classes: Classes | None = None) -> None:
        self.ephemeral = ephemeral
        self.network = network
        network.derived.clear()  # derived from the network as it is now, for this graph
        self.classes = classes or endpoint_classes(network)
        self.graph = Graph()
        self._acl_hops: dict[tuple[str, ...], tuple[Hop, Hop]] = {}
        self._group_hops: dict[tuple[object, ...], Hop] = {}
        self._group_decisions: dict[tuple[object, ...], tuple[tuple[Decision, ...], PacketSet, PacketSet]] = {}
        self._peers_named: dict[str, set[str]] = {}
        self._own_decisions: dict[str, tuple[list[Decision], list[Decision], PacketSet, PacketSet]] = {}
        self._peers_seen: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[tuple[str, ...], bool]] = {}
        self._member_unions: dict[tuple[str, ...], IntervalSet] = {}
        self._egress_hops: dict[tuple[str, tuple[str, ...], str], Hop] = {}
        self._through_cache: dict[tuple[tuple[int, int], ...], tuple[PacketSet, PacketSet, tuple[Hop, ...]]] = {}
        self._subnet_hops: dict[str, Hop] = {}
        self._backend_cache: dict[tuple[object, ...], tuple[tuple[Hop, ...], PacketSet, PacketSet]] = {}
        self._toward_cache: dict[tuple[tuple[str, ...], object], Hop] = {}
        self._interned: dict[PacketSet, PacketSet] = {}
        self._entries_by_kind: dict[str, list[_Entry]] = {}
        self._address_hops: dict[str, tuple[Hop, ...]] = {}
        self._prepared = False

    def prepare(self) -> None:
        """Where each group's members live (rules naming a group admit them): once per builder,
        which check's paths from outside and the intents' paths between endpoints share."""
        if not self._prepared:
            self._members = _group_members(self.network, self.classes)
            self._prepared = True

    def build(self, sources: list[Source]) -> Graph:
        self.prepare()
        for source in sources:
            self.graph.add_node(source_node(source), kind="source", source=source)
            for entry in self._entries_of(source):
                self._enter(source, entry)
            if source.kind == "internet":
                for subnet in self.network.subnets.values():
                    if subnet.unknown:
                        self._add_edge(source_node(source), subnet_node(subnet.id, True), [self._subnet_hop(subnet)])
        for interface in self.network.interfaces.values():
            # One endpoint node per class: its members are reached exactly as it is.
            if interface.attached and self.classes.of(interface.id) == interface.id:
                self._endpoint(interface)
        for balancer in self.network.load_balancers.values():
            self._load_balancer(balancer)
        return self.graph

    def _add_edge(self, start: Node, end: Node, hops: list[Hop]) -> None:
        passes, certain = through_all(hops)
        self.graph.add_edge(start, end, hops=tuple(hops), passes=passes, certain=certain)

    # --- for paths between endpoints (internal.py): the same hops, asked one by one ---------

    def through_gateway(self, kind: str, vpc: str | None, subnet: Subnet) -> list[list[Hop]]:
        """For each gateway of `kind` into `vpc`: the gateway hop and the subnet's route back to it."""
        entries = [e for e in self._entries_of(SOURCES_BY_KIND[kind]) if e.vpc == vpc]
        return [[entry.hop, *self._gateway_to_subnet(entry, subnet)] for entry in entries]

    def into_subnet(self, subnet: Subnet) -> list[Hop]:
        """The subnet and its network ACL, inbound and for the replies."""
        inbound, reply = self._acl_hops_for(subnet)
        return [self._subnet_hop(subnet), inbound, reply]

    def onto_endpoint(self, interface: NetworkInterface, subnet: Subnet, peers: tuple[str, ...]) -> list[Hop]:
        """Its security groups (rules naming one of `peers` admit those groups' members), its
        private address and its service ports."""
        if interface.id not in self._address_hops:  # one per endpoint, so paths through it are alike
            self._address_hops[interface.id] = (self._private_address(interface), *_service(interface))
        return [self._groups_hop(interface, subnet, peers), *self._address_hops[interface.id]]

    def _private_address(self, interface: NetworkInterface) -> Hop:
        """Anything that gets this far reaches the endpoint's private address."""
        reached = (Decision(EVERYTHING, "private address", True, interface.id, interface.resource_type),)
        assumed, notes = tuple(interface.assumptions), _placement(interface)
        return Hop(interface.id, interface.resource_type, "private address", reached, assumed, notes=notes, own=True)

    # --- source -> gateway -> subnet --------------------------------------------------

    def _entries_of(self, source: Source) -> list[_Entry]:
        """The entries of a standard source, once (paths between endpoints ask for every pair of subnets)."""
        if SOURCES_BY_KIND.get(source.kind) is not source:
            return self._entries(source)
        if source.kind not in self._entries_by_kind:
            self._entries_by_kind[source.kind] = self._entries(source)
        return self._entries_by_kind[source.kind]

    def _entries(self, source: Source) -> list[_Entry]:
        """Where traffic of this kind of source enters VPCs, and from which addresses."""
        network = self.network
        if source.kind == "internet":
            return [self._internet_entry(g) for g in network.gateways.values() if g.kind is Target.INTERNET_GATEWAY]
        if source.kind == "vpn":
            vpn = [g for g in network.gateways.values() if g.kind is Target.VPN_GATEWAY]
            return [
                _Entry(
                    ("gateway", g.id),
                    _entry_hop(g.id, g.resource_type, "on-premises networks", vpn_senders(network, g)),
                    frozenset({g.id}),
                    g.vpc,
                    False,
                )
                for g in vpn
            ] + self._transit_vpn_entries()
        if source.kind == "peering":
            return [entry for p in network.peerings.values() if p.active for entry in self._peering_entries(p)]
        if source.kind == "transit_gateway":
            return [
                _Entry(
                    ("gateway", a.id, vpc),
                    _entry_hop(
                        a.gateway or a.id,
                        "aws_ec2_transit_gateway",
                        "transit gateway",
                        transit_senders(network, a, vpc),
                    ),
                    frozenset({a.gateway or ""}),
                    vpc,
                    False,
                )
                for a in network.transit_attachments.values()
                for vpc in a.vpcs
            ]
        return []

    def _transit_vpn_entries(self) -> list[_Entry]:
        """On-premises networks through a VPN on a transit gateway, into each VPC attached to it."""
        attachments = self.network.transit_attachments.values()
        return [
            _Entry(
                ("gateway", vpn.id, vpc),
                Hop(
                    vpn.id,
                    vpn.resource_type,
                    "on-premises networks via transit gateway",
                    tuple(transit_vpn_senders(self.network, vpn, attachment, vpc)),
                    blocked=no_transit_path(vpn.id, attachment.id, attachment.route_tables),
                ),
                frozenset({vpn.gateway or ""}),
                vpc,
                False,
            )
            for vpn in attachments
            if vpn.vpn
            for attachment in attachments
            if not attachment.vpn and attachment.gateway == vpn.gateway
            for vpc in attachment.vpcs
        ]

    def _internet_entry(self, gateway: Gateway) -> _Entry:
        attached = (
            f"{gateway.id} attached to {gateway.vpc}" if gateway.vpc else f"{gateway.id} (VPC attachment unknown)"
        )
        decision = Decision(EVERYTHING, attached, True, gateway.id, gateway.resource_type)
        hop = Hop(gateway.id, gateway.resource_type, "internet gateway", (decision,))
        return _Entry(("gateway", gateway.id), hop, frozenset({gateway.id}), gateway.vpc, True)

    def _peering_entries(self, peering: Peering) -> list[_Entry]:
        out = []
        for into in dict.fromkeys(into for into, _ in peering.sides()):
            senders = [
                d for i, peer in peering.sides() if i == into for d in peering_senders(self.network, peering, i, peer)
            ]
            hop = _entry_hop(peering.id, peering.resource_type, "peered VPC", senders)
            out.append(_Entry(("gateway", peering.id, into), hop, frozenset({peering.id}), into, False))
        return out

    def _enter(self, source: Source, entry: _Entry) -> None:
        """Every candidate edge is kept, blocked or not: `explain` walks them all."""
        self._add_edge(source_node(source), entry.node, [entry.hop])
        for subnet in self.network.subnets.values():
            # An entry whose VPC the plan cannot tell may lead into any (its route back still decides).
            if subnet.unknown or (entry.vpc and subnet.vpc != entry.vpc and (subnet.vpc or not entry.public)):
                continue
            self._add_edge(entry.node, subnet_node(subnet.id, entry.public), self._gateway_to_subnet(entry, subnet))

    def _gateway_to_subnet(self, entry: _Entry, subnet: Subnet) -> list[Hop]:
        """Replies must be routed back through the gateway (longest prefix), and the ACL must pass both ways."""
        tables = route_tables_for(self.network, subnet)
        several = ", ".join(t.id for t in tables)
        ambiguity = f"the route table of {subnet.id} may be any of {several}" if len(tables) > 1 else None

        def through_entry(route: Route) -> bool:
            # A route whose target is unknown is assumed to go to the internet gateway.
            return route.goes_to(entry.gateways) or (entry.public and route.target_kind is Target.UNKNOWN)

        each = [
            [
                Decision(box(mine), route.label, True, table.id, table.resource_type, route.assumption)
                for mine, route in routes_to(self.network, table, through_entry)
            ]
            for table in tables
        ]
        route_back = doubted([d for decisions in each for d in decisions], ambiguity)
        inbound, reply = self._acl_hops_for(subnet)
        return [
            Hop(
                tables[0].id,
                tables[0].resource_type,
                "route back",
                route_back,
                blocked=self._explain_route(tables, entry),
                given_certain=_every_candidate(each),
            ),
            self._subnet_hop(subnet),
            inbound,
            reply,
        ]

    def _explain_route(self, tables: list[RouteTable], entry: _Entry) -> Explainer:
        def explain(packets: PacketSet) -> str:
            client = packets.addresses()
            for table in tables:
                for mine, route in won_routes(self.network, table):
                    if mine.intersects(client):
                        where = route.target or route.target_kind.value
                        through = entry.hop.address
                        return f"{table.id} sends the replies to {where} ({route.label}), not back through {through}"
            return f"{tables[0].id} has no route for the client: replies cannot go back through {entry.hop.address}"

        return explain

    def _acl_hops_for(self, subnet: Subnet) -> tuple[Hop, Hop]:
        """Inbound and reply hops of the subnet's ACL; of every candidate ACL (any may pass) when ambiguous."""
        acls = nacls_for(self.network, subnet)
        key = tuple(acl.id for acl in acls)
        if key not in self._acl_hops:
            first, doubt = acls[0], several_candidates("network ACL", subnet, acls)
            inbound_each = [acl_decisions(acl, egress=False) for acl in acls]
            replies_each = [replies_allowed(acl, self.ephemeral) for acl in acls]
            inbound = doubted([d for each in inbound_each for d in each], doubt)
            replies = doubted([d for each in replies_each for d in each], doubt)
            blocked = replies_blocked(first, self.ephemeral)
            self._acl_hops[key] = (
                Hop(
                    first.id,
                    first.resource_type,
                    "network ACL inbound",
                    inbound,
                    given_certain=_every_candidate(inbound_each),
                ),
                Hop(
                    first.id,
                    first.resource_type,
                    "network ACL outbound reply",
                    replies,
                    blocked=blocked,
                    given_certain=_every_candidate(replies_each),
                ),
            )
        return self._acl_hops[key]

    def _subnet_hop(self, subnet: Subnet) -> Hop:
        if subnet.id not in self._subnet_hops:
            label = f"{subnet.id} ({', '.join(subnet.cidrs)})" if subnet.cidrs else subnet.id
            assumptions = (subnet.assumption,) if subnet.assumption else ()
            placed = Decision(EVERYTHING, label, True, subnet.id, subnet.resource_type)
            self._subnet_hops[subnet.id] = Hop(subnet.id, subnet.resource_type, "subnet", (placed,), assumptions)
        return self._subnet_hops[subnet.id]

    def _unknown_subnet(self, source: Source, subnet: Subnet) -> None:
        self._add_edge(source_node(source), ("subnet", subnet.id), [self._subnet_hop(subnet)])

    # --- subnet -> endpoint -----------------------------------------------------------

    def _endpoint(self, interface: NetworkInterface) -> None:
        """From each subnet it may be in; from the internet only to its public addresses."""
        node = endpoint_node(interface.id)
        self.graph.add_node(node, kind="endpoint", interface=interface, members=self.classes.members_of(interface.id))
        internet = ("source", "internet")
        if interface.public_entry is not None and internet in self.graph:
            self._add_edge(internet, node, _public_entry(interface))
        for subnet in self._known_subnets(interface.subnets):
            groups = self._groups_hop(interface, subnet)
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
                    notes=_placement(interface),
                    own=True,
                )
                self._add_edge(subnet_node(subnet.id, True), node, [groups, address_hop, *_service(interface)])
            if self.graph.has_node(subnet_node(subnet.id, False)):
                private_hop = self._private_address(interface)
                self._add_edge(subnet_node(subnet.id, False), node, [groups, private_hop, *_service(interface)])

    def _groups_hop(self, interface: NetworkInterface, subnet: Subnet, peers: tuple[str, ...] = ()) -> Hop:
        """What the interface's groups admit: address rules, and rules naming one of `peers`."""
        groups = groups_of(self.network, interface.security_groups, interface.default_group, subnet.vpc)
        key = (tuple(g.id for g in groups), self._named_peers(groups, peers))
        if key not in self._group_hops:
            each = [self._admitted_by(group, peers) for group in groups]
            decisions = tuple(d for found, _, _ in each for d in found)
            passes, certain = union_all(p for _, p, _ in each), union_all(c for _, _, c in each)
            why = groups_blocked(groups)
            self._group_hops[key] = Hop(
                _names(groups),
                _kind(groups),
                "security groups",
                decisions,
                blocked=why,
                given_certain=certain,
                given_passes=passes,
            )
        return self._group_hops[key]

    def _admitted_by(
        self, group: SecurityGroup, peers: tuple[str, ...]
    ) -> tuple[tuple[Decision, ...], PacketSet, PacketSet]:
        """What one group admits (addresses, the peers' groups, its members), with what all of
        it and what its rules resting on nothing let through: once per group, as endpoints
        combine a few groups in many ways."""
        if group.id not in self._own_decisions:  # by address, and from its members: whoever the peers
            by_address = admitted_by_security_groups([group])
            from_members = admitted_from_members([group], self._members, self._member_unions)
            self._own_decisions[group.id] = (by_address, from_members, *_allowed_and_sure(by_address + from_members))
        key = (group.id, self._named_peers([group], peers))
        if key not in self._group_decisions:
            by_address, from_members, passes, sure = self._own_decisions[group.id]
            from_peers = admitted_from_groups([group], list(peers))
            more, more_sure = _allowed_and_sure(from_peers)
            decisions = tuple(by_address + from_peers + from_members)
            self._group_decisions[key] = (decisions, passes | more, sure | more_sure)
        return self._group_decisions[key]

    def _named_peers(self, groups: list[SecurityGroup], peers: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        """What of `peers` the groups' rules can tell apart: the peers they name, and whether there
        are any (a rule naming a group the plan cannot name admits any). Sources with different
        groups thus share one hop wherever the target's rules do not name them."""
        if not peers:
            return (), False
        key = (tuple(g.id for g in groups), peers)
        if key not in self._peers_seen:
            self._peers_seen[key] = self._named_by(groups, peers)
        return self._peers_seen[key]

    def _named_by(self, groups: list[SecurityGroup], peers: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        for group in groups:
            if group.id not in self._peers_named:
                self._peers_named[group.id] = {p for rule in group.ingress() for p in rule.peer_groups}
        return tuple(p for p in peers if any(p in self._peers_named[group.id] for group in groups)), True

    # --- load balancers -----------------------------------------------------------------

    def _load_balancer(self, balancer: LoadBalancer) -> None:
        """Reached like an endpoint on its listener ports; it then forwards to its targets."""
        node = ("load_balancer", balancer.id)
        self.graph.add_node(node, kind="load_balancer", endpoint=balancer)
        for subnet in self._known_subnets(balancer.subnets):
            groups = [self._balancer_groups_hop(balancer)] if self._has_groups(balancer) else []
            if self.graph.has_node(subnet_node(subnet.id, True)):
                hops = [*groups, self._balancer_address_hop(balancer), self._listeners_hop(balancer)]
                self._add_edge(subnet_node(subnet.id, True), node, hops)
            if self.graph.has_node(subnet_node(subnet.id, False)):
                # Internal or not, a load balancer's nodes have private addresses in its subnets.
                self._add_edge(subnet_node(subnet.id, False), node, [*groups, self._listeners_hop(balancer)])
        for target, forwards in self._forwards(balancer).items():
            self.graph.add_edge(node, endpoint_node(target), forwards=tuple(forwards))

    def _has_groups(self, balancer: LoadBalancer) -> bool:
        return bool(balancer.security_groups) or balancer.default_group

    def _balancer_groups(self, balancer: LoadBalancer) -> list[SecurityGroup]:
        vpc = next((self.network.subnets[s].vpc for s in balancer.subnets if s in self.network.subnets), None)
        return groups_of(self.network, balancer.security_groups, balancer.default_group, vpc)

    def _balancer_groups_hop(self, balancer: LoadBalancer) -> Hop:
        groups = self._balancer_groups(balancer)
        decisions = admitted_by_security_groups(groups) + admitted_from_members(groups, self._members)
        return Hop(_names(groups), _kind(groups), "security groups", tuple(decisions), blocked=groups_blocked(groups))

    def _balancer_address_hop(self, balancer: LoadBalancer) -> Hop:
        """An internet-facing load balancer has public addresses; an internal one has none."""
        decisions = []
        if not balancer.internal:
            label = f"{balancer.id} is internet-facing"
            decisions.append(
                Decision(PacketSet.box(PROTOCOLS, PORTS, ALL_IPV4), label, True, balancer.id, balancer.resource_type)
            )
            if balancer.dualstack:
                v6 = PacketSet.box(PROTOCOLS, PORTS, ALL_IPV6)
                decisions.append(Decision(v6, f"{label} (dualstack)", True, balancer.id, balancer.resource_type))
        why = internal_balancer(balancer)
        return Hop(
            balancer.id, balancer.resource_type, "public address", tuple(decisions), tuple(balancer.assumptions), why
        )

    def _listeners_hop(self, balancer: LoadBalancer) -> Hop:
        decisions = [
            Decision(
                PacketSet.box((p, p), (ln.port, ln.port), ALL_ADDRESSES),
                _listener_label(ln),
                True,
                ln.id,
                ln.resource_type,
            )
            for ln in balancer.listeners
            for p in ln.protocols
        ]
        return Hop(balancer.id, balancer.resource_type, "listener", tuple(decisions), blocked=no_listener(balancer))

    def _forwards(self, balancer: LoadBalancer) -> dict[str, list[Forward]]:
        """Every listener -> target group -> target, from every subnet of the load balancer."""
        out: dict[str, list[Forward]] = {}
        for listener in balancer.listeners:
            for group_id in listener.target_groups:
                group = self.network.target_groups.get(group_id)
                seen: set[tuple[str, int | None, str | None]] = set()
                for target in group.targets if group else []:
                    representative = self.classes.of(target.endpoint)
                    interface = self.network.interfaces.get(representative)
                    port = target.port or (group.port if group else None)
                    if group is None or interface is None or port is None:
                        continue
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
        port: int,
    ) -> list[Forward]:
        """From each subnet of the load balancer to each subnet the target may be in."""
        label = f"{group.id} -> {interface.id} port {port}"
        forwarding = Decision(EVERYTHING, label, True, group.id, group.resource_type, target.assumption)
        first = Hop(group.id, group.resource_type, "target group", (forwarding,))
        reached = Decision(EVERYTHING, f"port {port}", True, interface.id, interface.resource_type)
        last = Hop(
            interface.id,
            interface.resource_type,
            "target",
            (reached,),
            tuple(interface.assumptions),
            notes=_placement(interface),
            own=True,
        )
        preserve = _preserves_client_ip(balancer, group)
        out = []
        for balancer_subnet in self._known_subnets(balancer.subnets):
            sources = None if preserve else _subnet_addresses(balancer_subnet)
            for target_subnet in self._known_subnets(interface.subnets):
                backend, passes, certain = self._backend(balancer, balancer_subnet, interface, target_subnet)
                hops = (first, *backend, last)
                certain = certain & first.certain & last.certain
                out += [
                    Forward(listener, balancer_subnet.id, p, port, sources, hops, passes, certain)
                    for p in listener.protocols
                ]
        return out

    def _known_subnets(self, identities: list[str]) -> list[Subnet]:
        return [self.network.subnets[s] for s in identities if s in self.network.subnets]

    def _backend(
        self, balancer: LoadBalancer, balancer_subnet: Subnet, interface: NetworkInterface, target_subnet: Subnet
    ) -> tuple[tuple[Hop, ...], PacketSet, PacketSet]:
        """The load balancer's connection to a target, what passes it and what passes it whatever
        the assumptions, once per subnets and groups: every target behind the same groups in the
        same subnet shares them."""
        groups = tuple(interface.security_groups)
        key = (balancer.id, balancer_subnet.id, groups, interface.default_group, target_subnet.id)
        if key not in self._backend_cache:
            hops = self._backend_hops(balancer, balancer_subnet, interface, target_subnet)
            passes, certain = self.through(hops)
            # Equal results share one object, so forwards can be told alike by identity.
            self._backend_cache[key] = (hops, self._interned.setdefault(passes, passes), certain)
        return self._backend_cache[key]

    def through(self, hops: tuple[Hop, ...]) -> tuple[PacketSet, PacketSet]:
        """`through_all`, once per sequence of filters: many backends cross the same filters
        in another subnet of the same ACLs (the hops are kept, so their ids stay theirs)."""
        key = tuple((id(hop.passes), id(hop.certain)) for hop in hops)
        if key not in self._through_cache:
            self._through_cache[key] = (*through_all(hops), hops)
        passes, certain, _ = self._through_cache[key]
        return passes, certain

    def _backend_hops(
        self, balancer: LoadBalancer, balancer_subnet: Subnet, interface: NetworkInterface, target_subnet: Subnet
    ) -> tuple[Hop, ...]:
        """Its egress and subnet ACL toward the target, the target's subnet, ACL and groups."""
        target_addresses = _subnet_addresses(target_subnet)
        hops: list[Hop] = []
        peers: tuple[str, ...] = ()
        if self._has_groups(balancer):
            groups = self._balancer_groups(balancer)
            peers = tuple(g.id for g in groups)
            target_groups = groups_of(
                self.network, interface.security_groups, interface.default_group, target_subnet.vpc
            )
            hops.append(self._egress_hop(balancer, groups, target_groups, target_subnet))
        if balancer_subnet.id == target_subnet.id:
            # Network ACLs filter traffic entering and leaving a subnet, never within it.
            return (*hops, self._subnet_hop(target_subnet), self._groups_hop(interface, target_subnet, peers))
        hops.append(self._acl_toward_hop(balancer_subnet, target_addresses))
        inbound, reply = self._acl_hops_for(target_subnet)
        hops += [self._subnet_hop(target_subnet), inbound, reply, self._groups_hop(interface, target_subnet, peers)]
        return tuple(hops)

    def _egress_hop(
        self, balancer: LoadBalancer, groups: list[SecurityGroup], targets: list[SecurityGroup], subnet: Subnet
    ) -> Hop:
        """The load balancer's groups' egress toward a target's groups in a subnet."""
        key = (balancer.id, tuple(g.id for g in targets), subnet.id)
        if key not in self._egress_hops:
            egress = egress_toward(groups, [g.id for g in targets], _subnet_addresses(subnet))
            why = no_egress(groups, subnet.id)
            self._egress_hops[key] = Hop(
                _names(groups), _kind(groups), "load balancer egress", tuple(egress), blocked=why
            )
        return self._egress_hops[key]

    def _acl_toward_hop(self, subnet: Subnet, remote: IntervalSet) -> Hop:
        acls = nacls_for(self.network, subnet)
        key = (tuple(acl.id for acl in acls), _as_rules_see(acls, remote))
        if key not in self._toward_cache:
            doubt = several_candidates("network ACL", subnet, acls)
            each = [acl_toward(acl, remote, self.ephemeral) for acl in acls]
            toward = doubted([d for decisions in each for d in decisions], doubt)
            self._toward_cache[key] = Hop(
                acls[0].id,
                acls[0].resource_type,
                "load balancer subnet network ACL",
                toward,
                given_certain=_every_candidate(each),
            )
        return self._toward_cache[key]


@dataclass(frozen=True)
class Forward:
    """A load balancer's forwarding of one listener to one target on one port.

    `sources` are the addresses the target sees: the load balancer's own (its subnet) when
    it opens its own connection, None when the client's address is preserved.
    """

    listener: Listener
    balancer_subnet: str  # the load balancer node that opens the connection
    protocol: int
    target_port: int
    sources: IntervalSet | None
    hops: tuple[Hop, ...]
    passes: PacketSet  # what gets through every hop, in the target's coordinates
    certain: PacketSet  # what gets through them whatever the assumptions


def _as_rules_see(acls: list[NetworkAcl], remote: IntervalSet) -> object:
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


def _placement(interface: NetworkInterface) -> tuple[str, ...]:
    return (interface.placement,) if interface.placement else ()


def through_all(hops: list[Hop] | tuple[Hop, ...]) -> tuple[PacketSet, PacketSet]:
    """What passes every hop, and what passes them whatever the assumptions."""
    passes, certain = EVERYTHING, EVERYTHING
    for hop in hops:
        passes = passes & hop.passes
        certain = certain & hop.certain
    return passes, certain


def _every_candidate(groups: list[list[Decision]]) -> PacketSet:
    """What each of several candidates (ACLs, route tables) lets through by rules that rest on nothing."""
    certain = EVERYTHING
    for decisions in groups:
        certain = certain & allowed([d for d in decisions if not d.assumption])
    return certain


def several_candidates(what: str, subnet: Subnet, candidates: list[Any]) -> str | None:
    """The assumption that a subnet's ACL or route table may be any of several."""
    if len(candidates) < 2:
        return None
    return f"the {what} of {subnet.id} may be any of {', '.join(c.id for c in candidates)}; each is considered"


def doubted(decisions: list[Decision], doubt: str | None) -> tuple[Decision, ...]:
    """Decisions of one of several candidates: any may apply, which is an assumption."""
    if doubt is None:
        return tuple(decisions)
    return tuple(replace(d, assumption=d.assumption or doubt) for d in decisions)


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
    for groups, subnets in placed:
        where = [span for s in subnets if _is_known(network, s) for span in addresses(*network.subnets[s].cidrs).spans]
        for group in groups:
            spans.setdefault(group, []).extend(where)
    return {group: IntervalSet(found) for group, found in spans.items()}


def _is_known(network: Network, subnet: str) -> bool:
    return subnet in network.subnets and not network.subnets[subnet].unknown


def _preserves_client_ip(balancer: LoadBalancer, group: TargetGroup) -> bool:
    """ALBs and classic ELBs never do; NLBs do by default for instance targets (and UDP)."""
    if balancer.proxies:
        return False
    if group.preserve_client_ip is not None:
        return group.preserve_client_ip
    return group.target_type == "instance"


def _subnet_addresses(subnet: Subnet) -> IntervalSet:
    return addresses(*subnet.cidrs) if subnet.cidrs and not subnet.unknown else ALL_ADDRESSES


def _listener_label(listener: Listener) -> str:
    where = f" -> {', '.join(listener.target_groups)}" if listener.target_groups else ""
    return f"{listener.id} port {listener.port} ({listener.action}{where})"


def _names(groups: list[SecurityGroup]) -> str:
    return ", ".join(g.id for g in groups) or "no security group"


def _kind(groups: list[SecurityGroup]) -> str:
    return groups[0].resource_type if len(groups) == 1 else "security groups"


def build_graph(
    network: Network, sources: list[Source], ephemeral: Span = EPHEMERAL_PORTS, classes: Classes | None = None
) -> Graph:
    """`ephemeral`: the client ports replies go to, which stateless ACLs must let out.

    Endpoints are nodes per class (`classes`, by default `endpoint_classes(network)`)."""
    return GraphBuilder(network, ephemeral, classes).build(sources)
