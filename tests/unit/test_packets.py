"""The packet-set algebra agrees with plain Python sets on small universes."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from tfreach.model.packets import ALL_ADDRESSES, IntervalSet, PacketSet, addresses, cidrs_of

UNIVERSE = range(0, 40)
spans = st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)).map(lambda t: (min(t), max(t))), max_size=6)


def as_set(intervals: IntervalSet) -> set[int]:
    return {v for lo, hi in intervals.spans for v in range(lo, hi + 1)}


def brute(pairs: list[tuple[int, int]]) -> set[int]:
    return {v for lo, hi in pairs for v in range(lo, hi + 1)}


@given(spans, spans)
def test_interval_set_operations_match_python_sets(a, b):
    x, y = IntervalSet(a), IntervalSet(b)
    assert as_set(x | y) == brute(a) | brute(b)
    assert as_set(x & y) == brute(a) & brute(b)
    assert as_set(x - y) == brute(a) - brute(b)
    assert as_set(IntervalSet([(0, 39)]) - x) == set(UNIVERSE) - brute(a)
    assert x.intersects(y) == bool(brute(a) & brute(b))
    assert x.issubset(y) == (brute(a) <= brute(b))


@given(spans)
def test_interval_sets_are_canonical(a):
    x = IntervalSet(a)
    assert x == IntervalSet(sorted(a, reverse=True))
    assert all(hi + 1 < lo for (_, hi), (lo, _) in itertools.pairwise(x.spans))


boxes = st.lists(
    st.tuples(
        st.tuples(st.integers(0, 3), st.integers(0, 3)).map(lambda t: (min(t), max(t))),
        st.tuples(st.integers(0, 5), st.integers(0, 5)).map(lambda t: (min(t), max(t))),
        spans.filter(bool),
    ),
    max_size=4,
)


def packet_set(items) -> PacketSet:
    out = PacketSet()
    for protocols, ports, addrs in items:
        out = out | PacketSet.box(protocols, ports, IntervalSet(addrs))
    return out


def triples(items) -> set[tuple[int, int, int]]:
    return {
        (p, q, a)
        for (plo, phi), (lo, hi), addrs in items
        for p in range(plo, phi + 1)
        for q in range(lo, hi + 1)
        for a in brute(addrs)
    }


def expand(packets: PacketSet) -> set[tuple[int, int, int]]:
    return {
        (p, q, a)
        for (plo, phi), (lo, hi), addrs in packets.boxes()
        for p in range(plo, phi + 1)
        for q in range(lo, hi + 1)
        for a in as_set(addrs)
    }


@given(boxes, boxes)
def test_packet_set_operations_match_sets_of_triples(a, b):
    x, y = packet_set(a), packet_set(b)
    assert expand(x | y) == triples(a) | triples(b)
    assert expand(x & y) == triples(a) & triples(b)
    assert expand(x - y) == triples(a) - triples(b)
    assert x.intersects(y) == bool(triples(a) & triples(b))


@given(boxes, boxes)
def test_equal_packet_sets_have_equal_representations(a, b):
    x, y = packet_set(a), packet_set(b)
    assert ((x | y) - y) | (x & y) == x


def test_ipv4_and_ipv6_share_one_address_space_without_overlap():
    v4, v6 = addresses("0.0.0.0/0"), addresses("::/0")
    assert not v4.intersects(v6)
    assert v4 | v6 == ALL_ADDRESSES


def test_cidrs_round_trip():
    cidrs = ["10.0.0.0/8", "203.0.113.0/24", "2001:db8::/32"]
    assert cidrs_of(addresses(*cidrs)) == cidrs
    assert cidrs_of(addresses("10.0.0.0/9", "10.128.0.0/9")) == ["10.0.0.0/8"]
