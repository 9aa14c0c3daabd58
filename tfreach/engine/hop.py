"""What a packet crosses (a hop), the rules that decided (decisions), and what passes.

A `Decision` is an AWS rule's answer: a packet set in request coordinates (protocol, destination
port, client address) tagged with the rule that decided it, so one evaluation gives both the
answer and its evidence. A `Hop` is one thing a packet crosses (a route back, an ACL, the
groups, a public address...) with its decisions; the builder assembles hops from aws/*, and the
walker (trace.py) intersects them along paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from tfreach.model.network import Subnet
from tfreach.model.packets import EMPTY, EVERYTHING, PORTS, PROTOCOLS, IntervalSet, PacketSet, address_bounds, union_all

Explainer = Callable[[PacketSet], str]


@dataclass(frozen=True)
class Decision:
    packets: PacketSet
    label: str
    allow: bool
    owner: str  # identity of the resource whose rule decided
    owner_type: str
    assumption: str | None = None


def allowed(decisions: list[Decision]) -> PacketSet:
    return union_all(d.packets for d in decisions if d.allow)


def box(addrs: IntervalSet) -> PacketSet:
    """Every protocol and port, from (or to) `addrs`."""
    return PacketSet.box(PROTOCOLS, PORTS, addrs)


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


def allowed_and_sure(decisions: list[Decision]) -> tuple[PacketSet, PacketSet]:
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
    narrows: bool = False  # a way in only part of the source may use (named accounts): one level lower
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


_MAX_RULES_SHOWN = 3


def _rules_text(deciding: tuple[Decision, ...]) -> str | None:
    """The deciding rules; when many rules admit the same packets, the first few and a count."""
    labels = list(dict.fromkeys(d.label for d in deciding))
    if len(labels) > _MAX_RULES_SHOWN:
        labels = labels[:_MAX_RULES_SHOWN] + [f"and {len(labels) - _MAX_RULES_SHOWN} more rules"]
    return "; ".join(labels) or None


def through_all(hops: list[Hop] | tuple[Hop, ...]) -> tuple[PacketSet, PacketSet]:
    """What passes every hop, and what passes them whatever the assumptions."""
    passes, certain = EVERYTHING, EVERYTHING
    for hop in hops:
        passes = passes & hop.passes
        certain = certain & hop.certain
    return passes, certain


def every_candidate(groups: list[list[Decision]]) -> PacketSet:
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
