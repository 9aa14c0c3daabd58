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

The hops are the ones `check` builds (build.GraphBuilder), so their evidence reads the same, and
the ways are walked as traces (trace.py). The AWS rules are aws/*'s: security groups' egress,
ACLs toward a range, routing, the ways out to the internet (aws/internet_egress.py).
Packets are in the target's coordinates: the remote address is the source's, except out to the
internet, where it is the destination's.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from tfreach.aws.acl import EPHEMERAL_PORTS, acl_decisions, acl_toward, filters_between
from tfreach.aws.internet_egress import ways_out
from tfreach.aws.outside import addresses_of, subnet_addresses, vpc_unknown
from tfreach.aws.security_groups import egress_toward, groups_of
from tfreach.engine.build import GraphBuilder
from tfreach.engine.certainty import Bundle, alternative, certain_of, kinds_in_every, resolutions
from tfreach.engine.classes import Classes
from tfreach.engine.hop import Decision, Hop, box, doubted
from tfreach.engine.regions import Regions
from tfreach.engine.trace import Trace
from tfreach.engine.via_balancers import through_balancers
from tfreach.model.network import Network, NetworkInterface, SecurityGroup, Subnet
from tfreach.model.packets import EMPTY, EVERYTHING, IntervalSet, PacketSet, Span, union_all
from tfreach.model.sources import Source


@dataclass(frozen=True)
class Reaching:
    """What gets from a source to a target (whatever the assumptions: `certain`), and how."""

    source: str
    target: str
    endpoint: NetworkInterface | None  # the target; None out to the internet
    bundles: tuple[Bundle, ...]
    packets: PacketSet
    certain: PacketSet
    through: Callable[[tuple[Hop, ...]], tuple[PacketSet, PacketSet]] = field(repr=False)
    balanced: tuple[Trace, ...] = ()  # the ways through a load balancer in front of the target

    def paths(self) -> list[Trace]:
        """Every way, hop by hop (a query shows where each blocked one stops)."""
        direct = [self._path(bundle, suffix) for bundle in self.bundles for suffix in bundle.suffixes]
        return direct + list(self.balanced)

    def covering(self, packets: PacketSet) -> list[Trace]:
        """A few ways that together deliver all of `packets` that gets through, first ones first."""
        out, left = [], packets & self.packets
        for path in self.balanced:  # few, and named by the load balancer: first
            if left & path.packets:
                out.append(path)
                left = left - path.packets
        for bundle in self.bundles:
            for suffix in bundle.suffixes if left & bundle.packets else ():
                path = self._path(bundle, suffix)
                if left & path.packets:
                    out.append(path)
                    left = left - path.packets
                if not left:
                    return out
        return out

    def _path(self, bundle: Bundle, suffix: tuple[Hop, ...]) -> Trace:
        (passes, certain), (onward, onward_certain) = self.through(bundle.prefix), self.through(suffix)
        within = box(bundle.remote)
        packets, sure = passes & onward & within, certain & onward_certain & within
        # the remote addresses are the source's (out to the internet: the destinations)
        source = Source("endpoint", bundle.remote, self.source)
        return Trace(source, self.endpoint, (*bundle.prefix, *suffix), packets, certain=sure)


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
        self.cache = self.builder.cache
        # intents ask about many pairs of endpoints over the same few subnets and groups
        table = self.cache.table
        self._route_ways = table("ways from a VPC into a subnet")
        self._acl_out_hops = table("ACL hops out toward a place")
        self._egress_hops = table("source egress hops by what the rules see")
        self._hops = table("one hop for equal decisions")
        self._acl_regions = table("ACL rule regions")
        self._egress_regions = table("egress rule regions")
        self._target_sets_cache = table("target subnets a path cannot tell apart")
        self._subnet_places = table("what a path into a subnet reads of it")
        self._source_groups = table("a source's groups by VPC")
        self._between = table("what reaches one endpoint from another")
        self._egress_by_remote = table("source egress hops by remote range")
        self._egress_names = table("groups egress rules name")
        self._acl_out_by_remote = table("ACL hops out by remote range")
        # keyed by the hops' ids, and holding the hops, so that no id is ever another hop's
        self._onward = table("what a set of ways on delivers")

    def between(self, source: NetworkInterface, target: NetworkInterface) -> Reaching:
        """Every distinct path from `source` to `target`, and what gets through whatever the assumptions.

        Subnets a path cannot tell apart are taken together (their addresses joined): sources in
        one VPC behind the same ACLs, targets that also share route tables and whose addresses the
        source's egress rules and ACL treat alike. A hop names the first of them.
        """
        if (source.id, target.id) in self._between:  # intents about overlapping tiers ask again
            known: Reaching = self._between[source.id, target.id]
            return known
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
        certain = packets & kinds_in_every(resolutions(source, target, sets, recorded))
        balanced = tuple(through_balancers(self, source, target))
        packets = packets | union_all(p.packets for p in balanced) if balanced else packets
        certain = certain | union_all(p.certain for p in balanced) if balanced else certain
        reaching = Reaching(source.id, target.id, target, bundles, packets, certain, self.builder.through, balanced)
        self._between[source.id, target.id] = reaching
        return reaching

    def to_internet(self, source: NetworkInterface) -> Reaching:
        """Every way out of `source` to the internet (destination addresses in the packets)."""
        alternatives: dict[Hashable, list[Bundle]] = {}
        for i, s in enumerate(self._subnets(source)):
            key = alternative(source, i, None, 0, False)
            alternatives.setdefault(key, [])
            for route_hop, gateway_hops, destinations in ways_out(self.cache, source, s, self._acl_out):
                leaving = (self._egress(source, s, destinations, ()), self._acl_out(s, destinations))
                alternatives[key].append(self._bundle(leaving, ((route_hop, *gateway_hops),), destinations))
        return self._reaching(source.id, "internet", alternatives)

    # --- subnets a path cannot tell apart ----------------------------------------------------

    def _source_sets(self, source: NetworkInterface) -> list[tuple[Subnet, ...]]:
        """The source's subnets by (VPC, ACLs, unknown): the only things of s a path reads
        (across VPCs, the gateway hop's senders already say which of s's addresses are routed)."""
        sets: dict[Hashable, list[Subnet]] = {}
        for s in self._subnets(source):
            key = (s.vpc, tuple(acl.id for acl in self.cache.nacls_for(s)), s.unknown)
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
        key = (self._peers(source, s), target_groups, tuple(acl.id for acl in self.cache.nacls_for(s)), s.vpc)
        cache_key = (key, tuple(target.subnets))
        if cache_key not in self._target_sets_cache:
            sets: dict[Hashable, list[Subnet]] = {}
            for d in self._subnets(target):
                where, toward = self._subnet_place(d)
                leaving = (self._egress(source, s, toward, target_groups), self._acl_out(s, toward))
                sets.setdefault((where, *map(id, leaving)), []).append(d)
            self._target_sets_cache[cache_key] = [tuple(found) for found in sets.values()]
        found_sets: list[tuple[Subnet, ...]] = self._target_sets_cache[cache_key]
        return found_sets

    def _subnet_place(self, d: Subnet) -> tuple[Hashable, IntervalSet]:
        """(VPC, ACLs, route tables, unknown), and the addresses: what a path into d reads of it."""
        if d.id not in self._subnet_places:
            tables = tuple(t.id for t in self.cache.route_tables_for(d))
            acls = tuple(acl.id for acl in self.cache.nacls_for(d))
            self._subnet_places[d.id] = ((d.vpc, acls, tables, d.unknown), subnet_addresses(d))
        place: tuple[Hashable, IntervalSet] = self._subnet_places[d.id]
        return place

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
        egress = self._egress(source, s, subnet_addresses(d), target_groups)
        if s.unknown or d.unknown:  # where either is, nobody knows: the groups decide, what passes is possible
            onward = (self.builder.into_subnet(s)[0], self.builder.into_subnet(d)[0], *endpoint)
            return [(None, (egress,), (onward,), addresses_of(sources))]
        target_ids = {y.id for y in targets}
        shared = [x for x in sources if x.id in target_ids]
        if shared:  # ACLs filter what crosses a subnet's edge, never inside it
            out.append((True, (egress,), ((self.builder.into_subnet(shared[0])[0], *endpoint),), addresses_of(shared)))
        crossing = [x for x in sources if len(target_ids) > 1 or x.id not in target_ids]
        if crossing:
            d = next(y for y in targets if filters_between(crossing[0], y))
            leaving = (egress, self._acl_out(crossing[0], subnet_addresses(d)))
            ways = tuple((*route, *endpoint) for route in self._routes(crossing[0], d))
            out.append((False, leaving, ways, addresses_of(crossing)))
        return out

    # --- the source side ----------------------------------------------------------------

    def _egress(self, source: NetworkInterface, s: Subnet, remote: IntervalSet, target_groups: tuple[str, ...]) -> Hop:
        """The source's groups' egress rules toward the remote addresses or naming the target's groups."""
        groups, names = self._groups(source, s)
        known: Hop | None = self._egress_by_remote.get((names, target_groups, remote))
        if known is not None:
            return known
        if names not in self._egress_regions:
            rules = [r for g in groups for r in g.rules if r.egress]
            self._egress_regions[names] = Regions(tuple(dict.fromkeys(r.match.addresses() for r in rules)))
            self._egress_names[names] = {p for r in rules for p in r.peer_groups}
        # the rules ask only whether their addresses meet the remote ones, and which groups they name
        named = (tuple(t for t in target_groups if t in self._egress_names[names]), bool(target_groups))
        key = (names, named, self._egress_regions[names].met_by(remote))
        if key not in self._egress_hops:
            decisions = tuple(egress_toward(groups, list(target_groups), remote))
            shown = ", ".join(names) or "no security group"
            kind = groups[0].resource_type if len(groups) == 1 else "security groups"
            self._egress_hops[key] = self._alike(Hop(shown, kind, "source security groups egress", decisions))
        hop: Hop = self._egress_hops[key]
        self._egress_by_remote[names, target_groups, remote] = hop
        return hop

    def _acl_out(self, s: Subnet, remote: IntervalSet, role: str = "source subnet network ACL") -> Hop:
        """The subnet's ACL: the connection out, and its replies back in (stateless). When the plan
        cannot tell which of several ACLs it is, any may let it through: possible, not certain."""
        acls = self.cache.nacls_for(s)
        names = tuple(acl.id for acl in acls)  # many subnets share an ACL
        known: Hop | None = self._acl_out_by_remote.get((names, remote, role))
        if known is not None:
            return known
        if names not in self._acl_regions:
            rules = [d for acl in acls for egress in (True, False) for d in acl_decisions(acl, egress)]
            self._acl_regions[names] = Regions(tuple({a: None for d in rules for _, _, a in d.packets.boxes()}))
        key = (names, self._acl_regions[names].place_of(remote), role)
        if key not in self._acl_out_hops:
            # the hop serves every subnet behind these ACLs, so the doubt names the ACLs, not a subnet
            doubt = f"the network ACL may be any of {', '.join(names)}; each is considered" if len(acls) > 1 else None
            decisions = doubted([d for acl in acls for d in acl_toward(acl, remote, self.ephemeral)], doubt)
            self._acl_out_hops[key] = self._alike(Hop(acls[0].id, acls[0].resource_type, role, decisions))
        hop: Hop = self._acl_out_hops[key]
        self._acl_out_by_remote[names, remote, role] = hop
        return hop

    def _alike(self, hop: Hop) -> Hop:
        """One hop for equal decisions, so subnets whose addresses the rules treat alike group together."""
        same: Hop = self._hops.setdefault((hop.address, hop.role, hop.decisions), hop)
        return same

    def _peers(self, source: NetworkInterface, s: Subnet) -> tuple[str, ...]:
        """The source's groups: a target's rule naming one of them admits the source."""
        return self._groups(source, s)[1]

    def _groups(self, source: NetworkInterface, s: Subnet) -> tuple[list[SecurityGroup], tuple[str, ...]]:
        """The source's groups in s's VPC, and their ids (asked for every subnet of every target)."""
        key = (source.id, s.vpc)
        if key not in self._source_groups:
            groups = groups_of(self.network, source.security_groups, source.default_group, s.vpc)
            self._source_groups[key] = (groups, tuple(g.id for g in groups))
        found: tuple[list[SecurityGroup], tuple[str, ...]] = self._source_groups[key]
        return found

    # --- routing --------------------------------------------------------------------------

    def _routes(self, s: Subnet, d: Subnet) -> list[tuple[Hop, ...]]:
        """How a packet from s gets into d: inside a VPC by the local route, straight into d (its
        ACL both ways); across VPCs through each peering or transit gateway into d's VPC (its hop
        says which senders arrive; d's route table must send the replies back)."""
        local = [tuple(self.builder.into_subnet(d))]
        if s.vpc == d.vpc and s.vpc is not None:
            return local
        # a subnet whose VPC the plan cannot tell may share the other's: the local route too,
        # which then rests on that assumption (possible, never certain)
        unsure = vpc_unknown(s, d)
        maybe_local = [(self._local_doubt(d, unsure), *local[0])] if unsure else []
        # the gateway hop's senders say which of the source VPC's addresses are routed there
        if d.id not in self._route_ways:
            ways: list[tuple[Hop, ...]] = []
            for kind in ("peering", "transit_gateway"):
                ways += [tuple(hops) for hops in self.builder.through_gateway(kind, d.vpc, d)]
            self._route_ways[d.id] = ways
        return maybe_local + list(self._route_ways[d.id])

    def _local_doubt(self, d: Subnet, why: str) -> Hop:
        """The local route between two subnets one of which has no known VPC: an assumption."""
        decision = Decision(EVERYTHING, why, True, d.id, d.resource_type, why)
        return self._alike(Hop(d.id, d.resource_type, "local route", (decision,), (why,)))

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
        certain = certain_of(packets, alternatives)
        return Reaching(source, target, None, bundles, packets, certain, self.builder.through)
