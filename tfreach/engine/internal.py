"""Paths between endpoints of the plan, and from an endpoint out to the internet.

Inspector asks what reaches an endpoint from outside; a segmentation intent asks what one tier
reaches of another. A connection from endpoint S (in subnet s) to endpoint D (in subnet d):

- leaves S through its security groups' egress rules (to D's addresses, or naming D's groups);
- leaves s through s's network ACL, and its replies come back in (stateless: both ways), unless
  s and d are the same subnet (ACLs filter what crosses a subnet's edge, never inside it);
- is routed to d: the VPC's local route inside a VPC; across VPCs, a peering connection or a
  transit gateway whose routes carry it there and back (the senders check computes);
- enters d through d's ACL (and the replies leave), and is admitted by D's groups: by address,
  or because S is a member of a group their rules name; and D must listen on the port (a
  managed service's own ports).

Out to the internet: S's egress rules and s's ACL let it out, and s's route table sends the
destination to an internet gateway (S needs a public address: IPv4, or IPv6 for IPv6), to a NAT
gateway whose own subnet routes to an internet gateway (TCP, UDP and ICMP only), or, for IPv6, to
an egress-only gateway.

The hops are the ones `check` builds (graph.GraphBuilder), so their evidence reads the same.
Packets are in the target's coordinates: the remote address is the source's, except out to the
internet, where it is the destination's.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

from tfreach.aws.filters import (
    EPHEMERAL_PORTS,
    Decision,
    acl_decisions,
    acl_toward,
    egress_toward,
    groups_of,
    nacls_for,
    public_addresses,
)
from tfreach.aws.routing import route_tables_for, won_routes
from tfreach.engine.classes import Classes
from tfreach.engine.graph import GraphBuilder, Hop, box, doubted, several_candidates
from tfreach.model.network import Gateway, Network, NetworkInterface, Route, SecurityGroup, Subnet, Target
from tfreach.model.packets import ALL_ADDRESSES, EMPTY, PORTS, IntervalSet, PacketSet, Span, addresses, union_all
from tfreach.model.protocols import ICMP, TCP, UDP
from tfreach.model.sources import INTERNET_ADDRESSES

_IPV6 = addresses("::/0")


@dataclass(frozen=True)
class InternalPath:
    """One way from a source endpoint to a target (or out to the internet), hop by hop."""

    source: str
    target: str
    hops: tuple[Hop, ...]
    packets: PacketSet  # what gets through every hop
    certain: PacketSet  # what gets through whatever the assumptions
    remote: IntervalSet  # the source's addresses (out to the internet: the destinations)

    def blocked_at(self, packets: PacketSet) -> tuple[Hop, str] | None:
        """The first hop that stops `packets`, and why (None when some of them get through)."""
        for hop in self.hops:
            if not packets & hop.passes:
                return hop, hop.why_blocked(packets)
            packets = packets & hop.passes
        return None


@dataclass(frozen=True)
class Bundle:
    """Ways that share the source's side (`prefix`), then go on by any one of the `suffixes`
    (each gateway between two VPCs): what they deliver is computed without walking each way."""

    prefix: tuple[Hop, ...]
    suffixes: tuple[tuple[Hop, ...], ...]
    remote: IntervalSet  # the source's addresses (out to the internet: the destinations)
    packets: PacketSet
    certain: PacketSet


@dataclass(frozen=True)
class Reaching:
    """What gets from a source to a target (whatever the assumptions: `certain`), and how."""

    source: str
    target: str
    bundles: tuple[Bundle, ...]
    packets: PacketSet
    certain: PacketSet
    through: Callable[[tuple[Hop, ...]], tuple[PacketSet, PacketSet]] = field(repr=False)

    def paths(self) -> list[InternalPath]:
        """Every way, hop by hop (a query shows where each blocked one stops)."""
        return [self._path(bundle, suffix) for bundle in self.bundles for suffix in bundle.suffixes]

    def covering(self, packets: PacketSet) -> list[InternalPath]:
        """A few ways that together deliver all of `packets` that gets through, first ones first."""
        out, left = [], packets & self.packets
        for bundle in self.bundles:
            for suffix in bundle.suffixes if left & bundle.packets else ():
                path = self._path(bundle, suffix)
                if left & path.packets:
                    out.append(path)
                    left = left - path.packets
                if not left:
                    return out
        return out

    def _path(self, bundle: Bundle, suffix: tuple[Hop, ...]) -> InternalPath:
        (passes, certain), (onward, onward_certain) = self.through(bundle.prefix), self.through(suffix)
        within = box(bundle.remote)
        packets, sure = passes & onward & within, certain & onward_certain & within
        return InternalPath(self.source, self.target, (*bundle.prefix, *suffix), packets, sure, bundle.remote)


class InternalPaths:
    """Paths between the plan's endpoints, computed with check's own hops (and caches)."""

    def __init__(
        self,
        network: Network,
        classes: Classes | None = None,
        ephemeral: Span = EPHEMERAL_PORTS,
        builder: GraphBuilder | None = None,
    ) -> None:
        """`builder`: check's own, for its hops and caches (what it computed is not computed
        again); its classes and ephemeral ports are then the ones used."""
        self.network = network
        self.builder = builder or GraphBuilder(network, ephemeral, classes)
        self.builder.prepare()
        self.ephemeral = self.builder.ephemeral
        # intents ask about many pairs of endpoints over the same few subnets and groups
        self._route_ways: dict[str, list[tuple[Hop, ...]]] = {}
        self._acl_out_hops: dict[tuple[tuple[str, ...], Hashable, str], Hop] = {}
        self._egress_hops: dict[tuple[object, ...], Hop] = {}
        self._hops: dict[tuple[object, ...], Hop] = {}
        self._acl_regions: dict[tuple[str, ...], _Regions] = {}
        self._egress_regions: dict[tuple[str, ...], _Regions] = {}
        self._target_sets_cache: dict[Hashable, list[tuple[Subnet, ...]]] = {}
        self._subnet_places: dict[str, tuple[Hashable, IntervalSet]] = {}
        self._source_groups: dict[tuple[str, str | None], tuple[list[SecurityGroup], tuple[str, ...]]] = {}
        self._between: dict[tuple[str, str], Reaching] = {}
        self._egress_by_remote: dict[tuple[object, ...], Hop] = {}
        self._egress_names: dict[tuple[str, ...], set[str]] = {}
        self._acl_out_by_remote: dict[tuple[object, ...], Hop] = {}
        # keyed by the hops' ids, and holding the hops, so that no id is ever another hop's
        self._onward: dict[tuple[tuple[int, ...], ...], tuple[PacketSet, PacketSet, object]] = {}

    def between(self, source: NetworkInterface, target: NetworkInterface) -> Reaching:
        """Every distinct path from `source` to `target`, and what gets through whatever the assumptions.

        Subnets a path cannot tell apart are taken together (their addresses joined): sources in
        one VPC behind the same ACLs, targets that also share route tables and whose addresses the
        source's egress rules and ACL treat alike. A hop names the first of them.
        """
        if (source.id, target.id) in self._between:  # intents about overlapping tiers ask again
            return self._between[source.id, target.id]
        vpc = next((d.vpc for d in self._subnets(target)), None)  # a target launched without groups has its VPC's
        target_groups = tuple(g.id for g in groups_of(self.network, target.security_groups, target.default_group, vpc))
        recorded: dict[tuple[int, int, bool | None], list[Bundle]] = {}
        sets = [(s, self._target_sets(source, s, target, target_groups)) for s in self._source_sets(source)]
        for i, (sources, target_sets) in enumerate(sets):
            for j, targets in enumerate(target_sets):
                for same, prefix, suffixes, remote in self._pairings(source, sources, targets, target_groups, target):
                    recorded.setdefault((i, j, same), []).append(self._bundle(prefix, suffixes, remote))
        bundles = tuple(b for found in recorded.values() for b in found)
        packets = union_all(b.packets for b in bundles) if bundles else EMPTY
        certain = packets & _kinds_in_every(_resolutions(source, target, sets, recorded))
        self._between[source.id, target.id] = Reaching(
            source.id, target.id, bundles, packets, certain, self.builder.through
        )
        return self._between[source.id, target.id]

    def to_internet(self, source: NetworkInterface) -> Reaching:
        """Every way out of `source` to the internet (destination addresses in the packets)."""
        alternatives: dict[Hashable, list[Bundle]] = {}
        for i, s in enumerate(self._subnets(source)):
            key = _alternative(source, i, None, 0, False)
            alternatives.setdefault(key, [])
            for route_hop, gateway_hops, destinations in self._ways_out(source, s):
                leaving = (self._egress(source, s, destinations, ()), self._acl_out(s, destinations))
                alternatives[key].append(self._bundle(leaving, ((route_hop, *gateway_hops),), destinations))
        return self._reaching(source.id, "internet", alternatives)

    # --- subnets a path cannot tell apart ----------------------------------------------------

    def _source_sets(self, source: NetworkInterface) -> list[tuple[Subnet, ...]]:
        """The source's subnets by (VPC, ACLs, unknown): the only things of s a path reads
        (across VPCs, the gateway hop's senders already say which of s's addresses are routed)."""
        sets: dict[Hashable, list[Subnet]] = {}
        for s in self._subnets(source):
            key = (s.vpc, tuple(acl.id for acl in nacls_for(self.network, s)), s.unknown)
            sets.setdefault(key, []).append(s)
        return [tuple(found) for found in sets.values()]

    def _target_sets(
        self,
        source: NetworkInterface,
        sources: tuple[Subnet, ...],
        target: NetworkInterface,
        target_groups: tuple[str, ...],
    ) -> list[tuple[Subnet, ...]]:
        """The target's subnets by what a path from `sources` reads of them: VPC, ACLs, route
        tables, and how the source's egress rules and ACL treat their addresses."""
        s = sources[0]
        key = (self._peers(source, s), target_groups, tuple(acl.id for acl in nacls_for(self.network, s)), s.vpc)
        cache_key = (key, tuple(target.subnets))
        if cache_key not in self._target_sets_cache:
            sets: dict[Hashable, list[Subnet]] = {}
            for d in self._subnets(target):
                where, toward = self._subnet_place(d)
                leaving = (self._egress(source, s, toward, target_groups), self._acl_out(s, toward))
                sets.setdefault((where, *map(id, leaving)), []).append(d)
            self._target_sets_cache[cache_key] = [tuple(found) for found in sets.values()]
        return self._target_sets_cache[cache_key]

    def _subnet_place(self, d: Subnet) -> tuple[Hashable, IntervalSet]:
        """(VPC, ACLs, route tables, unknown), and the addresses: what a path into d reads of it."""
        if d.id not in self._subnet_places:
            tables = tuple(t.id for t in route_tables_for(self.network, d))
            acls = tuple(acl.id for acl in nacls_for(self.network, d))
            self._subnet_places[d.id] = ((d.vpc, acls, tables, d.unknown), _addresses_of(d))
        return self._subnet_places[d.id]

    def _pairings(
        self,
        source: NetworkInterface,
        sources: tuple[Subnet, ...],
        targets: tuple[Subnet, ...],
        target_groups: tuple[str, ...],
        target: NetworkInterface,
    ) -> list[tuple[bool | None, tuple[Hop, ...], tuple[tuple[Hop, ...], ...], IntervalSet]]:
        """(same subnet? (None: unknown), the source's side, the ways on, source addresses): a source and a
        target in the same subnet cross no ACL; in different subnets, each subnet's ACL and the
        routing between them (across VPCs, one way per gateway)."""
        out: list[tuple[bool | None, tuple[Hop, ...], tuple[tuple[Hop, ...], ...], IntervalSet]] = []
        s, d = sources[0], targets[0]
        endpoint = tuple(self.builder.onto_endpoint(target, d, self._peers(source, s)))
        egress = self._egress(source, s, _addresses_of(d), target_groups)
        if s.unknown or d.unknown:  # where either is, nobody knows: the groups decide, what passes is possible
            onward = (self.builder.into_subnet(s)[0], self.builder.into_subnet(d)[0], *endpoint)
            return [(None, (egress,), (onward,), _joined(sources))]
        target_ids = {y.id for y in targets}
        shared = [x for x in sources if x.id in target_ids]
        if shared:  # ACLs filter what crosses a subnet's edge, never inside it
            out.append((True, (egress,), ((self.builder.into_subnet(shared[0])[0], *endpoint),), _joined(shared)))
        crossing = [x for x in sources if len(target_ids) > 1 or x.id not in target_ids]
        if crossing:
            d = next(y for y in targets if y.id != crossing[0].id)
            leaving = (egress, self._acl_out(crossing[0], _addresses_of(d)))
            ways = tuple((*route, *endpoint) for route in self._routes(crossing[0], d))
            out.append((False, leaving, ways, _joined(crossing)))
        return out

    # --- the source side ----------------------------------------------------------------

    def _egress(self, source: NetworkInterface, s: Subnet, remote: IntervalSet, target_groups: tuple[str, ...]) -> Hop:
        """The source's groups' egress rules toward the remote addresses or naming the target's groups."""
        groups, names = self._groups(source, s)
        known = self._egress_by_remote.get((names, target_groups, remote))
        if known is not None:
            return known
        if names not in self._egress_regions:
            rules = [r for g in groups for r in g.rules if r.egress]
            self._egress_regions[names] = _Regions(tuple(dict.fromkeys(r.match.addresses() for r in rules)))
            self._egress_names[names] = {p for r in rules for p in r.peer_groups}
        # the rules ask only whether their addresses meet the remote ones, and which groups they name
        named = (tuple(t for t in target_groups if t in self._egress_names[names]), bool(target_groups))
        key = (names, named, self._egress_regions[names].met_by(remote))
        if key not in self._egress_hops:
            decisions = tuple(egress_toward(groups, list(target_groups), remote))
            shown = ", ".join(names) or "no security group"
            kind = groups[0].resource_type if len(groups) == 1 else "security groups"
            self._egress_hops[key] = self._alike(Hop(shown, kind, "source security groups egress", decisions))
        self._egress_by_remote[names, target_groups, remote] = self._egress_hops[key]
        return self._egress_hops[key]

    def _acl_out(self, s: Subnet, remote: IntervalSet, role: str = "source subnet network ACL") -> Hop:
        """The subnet's ACL: the connection out, and its replies back in (stateless). When the plan
        cannot tell which of several ACLs it is, any may let it through: possible, not certain."""
        acls = nacls_for(self.network, s)
        names = tuple(acl.id for acl in acls)  # many subnets share an ACL
        known = self._acl_out_by_remote.get((names, remote, role))
        if known is not None:
            return known
        if names not in self._acl_regions:
            rules = [d for acl in acls for egress in (True, False) for d in acl_decisions(acl, egress)]
            self._acl_regions[names] = _Regions(tuple({a: None for d in rules for _, _, a in d.packets.boxes()}))
        key = (names, self._acl_regions[names].place_of(remote), role)
        if key not in self._acl_out_hops:
            # the hop serves every subnet behind these ACLs, so the doubt names the ACLs, not a subnet
            doubt = f"the network ACL may be any of {', '.join(names)}; each is considered" if len(acls) > 1 else None
            decisions = doubted([d for acl in acls for d in acl_toward(acl, remote, self.ephemeral)], doubt)
            self._acl_out_hops[key] = self._alike(Hop(acls[0].id, acls[0].resource_type, role, decisions))
        self._acl_out_by_remote[names, remote, role] = self._acl_out_hops[key]
        return self._acl_out_hops[key]

    def _alike(self, hop: Hop) -> Hop:
        """One hop for equal decisions, so subnets whose addresses the rules treat alike group together."""
        return self._hops.setdefault((hop.address, hop.role, hop.decisions), hop)

    def _peers(self, source: NetworkInterface, s: Subnet) -> tuple[str, ...]:
        """The source's groups: a target's rule naming one of them admits the source."""
        return self._groups(source, s)[1]

    def _groups(self, source: NetworkInterface, s: Subnet) -> tuple[list[SecurityGroup], tuple[str, ...]]:
        """The source's groups in s's VPC, and their ids (asked for every subnet of every target)."""
        key = (source.id, s.vpc)
        if key not in self._source_groups:
            groups = groups_of(self.network, source.security_groups, source.default_group, s.vpc)
            self._source_groups[key] = (groups, tuple(g.id for g in groups))
        return self._source_groups[key]

    # --- routing --------------------------------------------------------------------------

    def _routes(self, s: Subnet, d: Subnet) -> list[tuple[Hop, ...]]:
        """How a packet from s gets into d: inside a VPC by the local route, straight into d (its
        ACL both ways); across VPCs through each peering or transit gateway into d's VPC (its hop
        says which senders arrive; d's route table must send the replies back)."""
        local = [tuple(self.builder.into_subnet(d))]
        if s.vpc == d.vpc:
            return local
        # a subnet whose VPC the plan cannot tell may share the other's: the local route too
        maybe_local = local if s.vpc is None or d.vpc is None else []
        # the gateway hop's senders say which of the source VPC's addresses are routed there
        if d.id not in self._route_ways:
            ways: list[tuple[Hop, ...]] = []
            for kind in ("peering", "transit_gateway"):
                ways += [tuple(hops) for hops in self.builder.through_gateway(kind, d.vpc, d)]
            self._route_ways[d.id] = ways
        return maybe_local + self._route_ways[d.id]

    def _ways_out(self, source: NetworkInterface, s: Subnet) -> list[tuple[Hop, tuple[Hop, ...], IntervalSet]]:
        """(route hop, gateway hops, destinations) for each internet-bound route of s's tables,
        through each gateway it may name. A subnet the plan does not know may route anywhere."""
        if s.unknown:
            why = f"{s.id} is not known to the plan: it may route to the internet"
            sent = Decision(box(INTERNET_ADDRESSES), why, True, s.id, s.resource_type, why)
            return [(Hop(s.id, s.resource_type, "route out", (sent,)), (), INTERNET_ADDRESSES)]
        tables = route_tables_for(self.network, s)
        doubt = several_candidates("route table", s, tables)
        out = []
        for table in tables:
            for mine, route in won_routes(self.network, table):
                destinations = mine & INTERNET_ADDRESSES
                if not destinations or route.target_kind is Target.LOCAL:
                    continue
                assumed = route.assumption or doubt
                sent = Decision(box(destinations), route.label, True, table.id, table.resource_type, assumed)
                route_hop = Hop(table.id, table.resource_type, "route out", (sent,))
                for target in dict.fromkeys((route.target, *route.alternatives)):
                    beyond = self._beyond(source, s, route, target, destinations)
                    if beyond is not None:
                        out.append((route_hop, beyond, destinations))
        return out

    def _beyond(
        self, source: NetworkInterface, s: Subnet, route: Route, target: str | None, destinations: IntervalSet
    ) -> tuple[Hop, ...] | None:
        """What the gateway does with it: an internet gateway needs the source's public address, a
        NAT gateway its own subnet's way to an internet gateway, an egress-only gateway IPv6. What
        the plan cannot follow (a gateway it does not hold, an unknown target, a transit gateway,
        peering, VPN, appliance or endpoint that may lead to a central egress) may lead out."""
        gateway = self.network.gateways.get(target or "")
        if gateway is None:
            return self._may_lead_out(route, target, destinations)
        if gateway.kind is Target.INTERNET_GATEWAY:
            public = tuple(replace(d, packets=box(destinations) & d.packets) for d in public_addresses(source, s))
            return (Hop(source.id, source.resource_type, "public address", public),)
        if gateway.kind is Target.EGRESS_ONLY_GATEWAY:
            v6 = Decision(
                box(destinations & _IPV6), f"{gateway.id} (IPv6 out only)", True, gateway.id, gateway.resource_type
            )
            return (Hop(gateway.id, gateway.resource_type, "egress-only gateway", (v6,)),)
        if gateway.kind is Target.NAT_GATEWAY and gateway.public:
            return self._through_nat(gateway, destinations)
        if gateway.kind is Target.NAT_GATEWAY:  # a private NAT gateway translates to private addresses only
            return None
        return self._may_lead_out(route, target, destinations)

    def _through_nat(self, gateway: Gateway, destinations: IntervalSet) -> tuple[Hop, ...]:
        """Out of a public NAT gateway (TCP, UDP, ICMP): its own subnet's ACL both ways and its
        route to an internet gateway. A NAT subnet the plan does not know may route out."""
        nat_subnet = self.network.subnets.get(gateway.subnet or "")
        if nat_subnet is None or nat_subnet.unknown:
            why = f"the subnet of {gateway.id} is not known to the plan: it may route to an internet gateway"
            out = Decision(_nat(destinations), why, True, gateway.id, gateway.resource_type, why)
            return (Hop(gateway.id, gateway.resource_type, "NAT gateway", (out,)),)
        tables = route_tables_for(self.network, nat_subnet)
        doubt = several_candidates("route table", nat_subnet, tables)
        onward = [
            Decision(
                _nat(mine & destinations), route.label, True, table.id, table.resource_type, route.assumption or doubt
            )
            for table in tables
            for mine, route in won_routes(self.network, table)
            if mine & destinations and route.target_kind in (Target.INTERNET_GATEWAY, Target.UNKNOWN)
        ]
        nat_hop = Hop(gateway.id, gateway.resource_type, "NAT gateway", tuple(onward))
        return (nat_hop, self._acl_out(nat_subnet, destinations, role="NAT subnet network ACL"))

    def _may_lead_out(self, route: Route, target: str | None, destinations: IntervalSet) -> tuple[Hop, ...]:
        where = target or "a target known only after apply"
        why = f"{where} is not followed (outside the plan, or a central egress beyond it): it may lead out"
        out = Decision(box(destinations), why, True, where, route.target_kind.value, why)
        return (Hop(where, route.target_kind.value, "beyond the route", (out,)),)

    # --- assembling -----------------------------------------------------------------------

    def _subnets(self, endpoint: NetworkInterface) -> list[Subnet]:
        return [self.network.subnets[s] for s in endpoint.subnets if s in self.network.subnets]

    def _bundle(self, prefix: tuple[Hop, ...], suffixes: tuple[tuple[Hop, ...], ...], remote: IntervalSet) -> Bundle:
        """What the ways deliver: the source's side, then any of the ways on (once per set of
        ways on: sources in many classes go on the same ways)."""
        key = tuple(tuple(map(id, suffix)) for suffix in suffixes)
        if key not in self._onward:
            each = [self.builder.through(suffix) for suffix in suffixes]
            self._onward[key] = (union_all(p for p, _ in each), union_all(c for _, c in each), suffixes)
        onward, onward_certain, _ = self._onward[key]
        passes, certain = self.builder.through(prefix)
        within = box(remote)
        return Bundle(prefix, suffixes, remote, passes & onward & within, certain & onward_certain & within)

    def _reaching(self, source: str, target: str, alternatives: dict[Hashable, list[Bundle]]) -> Reaching:
        bundles = tuple(b for found in alternatives.values() for b in found)
        packets = union_all(b.packets for b in bundles) if bundles else EMPTY
        return Reaching(source, target, bundles, packets, _certain(packets, alternatives), self.builder.through)


def _nat(destinations: IntervalSet) -> PacketSet:
    """A NAT gateway translates TCP, UDP and ICMP only."""
    return union_all(PacketSet.box((p, p), PORTS, destinations) for p in (TCP, UDP, ICMP))


def _addresses_of(subnet: Subnet) -> IntervalSet:
    """A subnet's addresses; an unknown subnet may hold any address."""
    return addresses(*subnet.cidrs) if subnet.cidrs and not subnet.unknown else ALL_ADDRESSES


_Answer = TypeVar("_Answer")


class _Regions:
    """The address sets some rules name. Their edges cut the address space into segments: every
    rule treats the remotes inside one segment alike, so each segment is asked about once."""

    def __init__(self, regions: tuple[IntervalSet, ...]) -> None:
        self.regions = regions
        edges = {lo for region in regions for lo, _ in region.spans}
        self._cuts = sorted(edges | {hi + 1 for region in regions for _, hi in region.spans})
        self._places: dict[int, Hashable] = {}
        self._meets: dict[int, tuple[bool, ...]] = {}

    def place_of(self, remote: IntervalSet) -> Hashable:
        """Which regions hold `remote` whole and which miss it (see `_where`)."""
        return self._asked(self._places, remote, lambda: _where(remote, self.regions))

    def met_by(self, remote: IntervalSet) -> tuple[bool, ...]:
        """Which regions `remote` meets."""
        return self._asked(self._meets, remote, lambda: tuple(r.intersects(remote) for r in self.regions))

    def _asked(self, answers: dict[int, _Answer], remote: IntervalSet, answer: Callable[[], _Answer]) -> _Answer:
        """The answer for `remote`'s segment, asked once (a remote across an edge is asked alone)."""
        segment = self._segment(remote)
        if segment is None:
            return answer()
        if segment not in answers:
            answers[segment] = answer()
        return answers[segment]

    def _segment(self, remote: IntervalSet) -> int | None:
        """The segment that holds all of `remote`, if one does."""
        if not remote.spans:
            return None
        first = bisect_right(self._cuts, remote.spans[0][0])
        return first if bisect_right(self._cuts, remote.spans[-1][1]) == first else None


def _where(remote: IntervalSet, regions: tuple[IntervalSet, ...]) -> Hashable:
    """Which of the rules' address sets hold `remote` whole and which miss it: remotes with the
    same answer are treated alike by every rule. One that straddles a rule's edge stands alone."""
    place = []
    for region in regions:
        inside = remote & region
        if inside and inside != remote:
            return remote
        place.append(bool(inside))
    return tuple(place)


def _joined(subnets: list[Subnet] | tuple[Subnet, ...]) -> IntervalSet:
    return IntervalSet(span for subnet in subnets for span in _addresses_of(subnet).spans)


Resolution = list[tuple[Bundle, IntervalSet | None]]  # the bundles that apply, and the source's addresses there


def _resolutions(
    source: NetworkInterface,
    target: NetworkInterface,
    sets: list[tuple[tuple[Subnet, ...], list[tuple[Subnet, ...]]]],
    recorded: dict[tuple[int, int, bool | None], list[Bundle]],
) -> Iterator[Resolution]:
    """Each way the unknowns may resolve, with the bundles that apply there. An endpoint whose
    subnet is one of several candidates is in exactly one of them (so its addresses there are
    the only ones that count); one that spans its subnets (an auto scaling group) is in all."""
    one_source, one_target = source.placement is not None, target.placement is not None
    if one_source:
        for i, (sources, target_sets) in enumerate(sets):
            for x in sources:
                where: IntervalSet | None = _addresses_of(x)
                keys = [(j, same) for (k, j, same) in recorded if k == i and _applies(x, target_sets[j], same)]
                if one_target:  # and the target in one of its candidates: each (j, same) is a resolution
                    yield from ([(b, where) for b in recorded[i, j, same]] for j, same in keys)
                else:
                    yield [(b, where) for j, same in keys for b in recorded[i, j, same]]
    elif one_target:
        candidates = {y.id: y for _, target_sets in sets for targets in target_sets for y in targets}
        for y in candidates.values():
            yield [
                (b, None)
                for (i, j, same), found in recorded.items()
                if any(t.id == y.id for t in sets[i][1][j]) and _applies(y, sets[i][0], same)
                for b in found
            ]
    else:
        yield [(b, None) for found in recorded.values() for b in found]


def _applies(subnet: Subnet, others: tuple[Subnet, ...], same: bool | None) -> bool:
    """Does a pairing of `subnet` with one of `others` exist: the same subnet, or another one?"""
    if same is None:  # an unknown subnet: any pairing
        return True
    return any((other.id == subnet.id) == same for other in others)


def _kinds_in_every(resolutions: Iterable[Resolution]) -> PacketSet:
    """The kinds of packet (protocol and port) some bundle delivers in every resolution, from
    the source's own addresses there."""
    kinds: PacketSet | None = None
    alike: dict[int, PacketSet | None] = {}  # a bundle whose every address gets the same kinds: them
    for resolution in resolutions:
        reached = union_all(_kinds_of(bundle, where, alike) for bundle, where in resolution)
        kinds = reached if kinds is None else kinds & reached
        if not kinds:
            return EMPTY
    return kinds if kinds is not None else EMPTY


def _kinds_of(bundle: Bundle, where: IntervalSet | None, alike: dict[int, PacketSet | None]) -> PacketSet:
    """The kinds of packet the bundle delivers whatever the assumptions, from `where` (None: anywhere)."""
    if id(bundle) not in alike:
        kinds = _any_address(bundle.certain)
        alike[id(bundle)] = kinds if bundle.certain == kinds & box(bundle.remote) else None
    everywhere = alike[id(bundle)]
    if everywhere is not None:
        return everywhere
    return _any_address(bundle.certain if where is None else bundle.certain & box(where))


def _alternative(
    source: NetworkInterface, i: int, target: NetworkInterface | None, j: int, same: bool
) -> tuple[int | None, int | None, bool | None]:
    """Which resolution of the unknowns a path belongs to. An endpoint whose subnet is one of
    several candidates is in one of them (`placement`); one that spans its subnets (an auto
    scaling group) is in all, so any of its paths will do. Between two candidates, the same
    subnet (no ACL crossed) and two subnets are different resolutions."""
    one_source = source.placement is not None
    one_target = target is not None and target.placement is not None
    return (i if one_source else None, j if one_target else None, same if one_source and one_target else None)


def _certain(packets: PacketSet, alternatives: dict[Hashable, list[Bundle]]) -> PacketSet:
    """What gets through whatever the assumptions: some path in every resolution lets it through.

    Resolutions put the source at different addresses, so they agree on protocol and port only:
    what is certain is any packet of the kinds every resolution lets through."""
    if not alternatives:
        return EMPTY
    kinds = None
    for found in alternatives.values():
        reached = _any_address(union_all(p.certain for p in found)) if found else EMPTY
        kinds = reached if kinds is None else kinds & reached
    return packets & kinds if kinds else EMPTY


def _any_address(packets: PacketSet) -> PacketSet:
    return union_all(PacketSet.box(protocols, ports, ALL_ADDRESSES) for protocols, ports, _ in packets.boxes())
