"""What is certain between endpoints: delivered in every way the plan's unknowns may resolve.

An endpoint whose subnet is one of several candidates (the plan cannot tell which) is in exactly
one of them; one that spans its subnets (an auto scaling group) is in all. A packet is certain
when some path lets it through, by rules resting on no assumption, in every resolution;
resolutions put the source at different addresses, so they agree on protocol and port only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass

from tfreach.aws.outside import subnet_addresses
from tfreach.engine.hop import Hop, box
from tfreach.model.network import NetworkInterface, Subnet
from tfreach.model.packets import ALL_ADDRESSES, EMPTY, IntervalSet, PacketSet, union_all


@dataclass(frozen=True)
class Bundle:
    """Ways that share the source's side (`prefix`), then go on by any one of the `suffixes`
    (each gateway between two VPCs): what they deliver is computed without walking each way."""

    prefix: tuple[Hop, ...]
    suffixes: tuple[tuple[Hop, ...], ...]
    remote: IntervalSet  # the source's addresses (out to the internet: the destinations)
    packets: PacketSet
    certain: PacketSet


Resolution = list[tuple[Bundle, IntervalSet | None]]  # the bundles that apply, and the source's addresses there


def resolutions(
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
                where: IntervalSet | None = subnet_addresses(x)
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


def kinds_in_every(resolutions: Iterable[Resolution]) -> PacketSet:
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


def alternative(
    source: NetworkInterface, i: int, target: NetworkInterface | None, j: int, same: bool
) -> tuple[int | None, int | None, bool | None]:
    """Which resolution of the unknowns a path belongs to. An endpoint whose subnet is one of
    several candidates is in one of them (`placement`); one that spans its subnets (an auto
    scaling group) is in all, so any of its paths will do. Between two candidates, the same
    subnet (no ACL crossed) and two subnets are different resolutions."""
    one_source = source.placement is not None
    one_target = target is not None and target.placement is not None
    return (i if one_source else None, j if one_target else None, same if one_source and one_target else None)


def certain_of(packets: PacketSet, alternatives: dict[Hashable, list[Bundle]]) -> PacketSet:
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
