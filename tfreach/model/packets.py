"""Packet sets: protocol x port x remote address, as exact interval algebra.

A `PacketSet` is a canonical piecewise map  protocol range -> port range -> address set,
so equal sets have equal representations and every operation is a linear merge of sorted
intervals. Addresses of both families live in one integer space (see `address_key`), so
an `IntervalSet` of addresses holds IPv4 and IPv6 at once. Nothing is ever expanded per
port or per address.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import TypeVar

Span = tuple[int, int]

PROTOCOLS: Span = (0, 255)
PORTS: Span = (0, 65535)

_V4 = 4 << 128
_V6 = 6 << 128


class IntervalSet:
    """An immutable set of integers stored as sorted, disjoint, non-adjacent spans."""

    __slots__ = ("_hash", "spans")

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        self.spans: tuple[Span, ...] = _normalize(spans)
        self._hash: int | None = None

    @classmethod
    def _of(cls, spans: tuple[Span, ...]) -> IntervalSet:
        new = cls.__new__(cls)
        new.spans = spans
        new._hash = None
        return new

    def __bool__(self) -> bool:
        return bool(self.spans)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IntervalSet) and self.spans == other.spans

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self.spans)
        return self._hash

    def __repr__(self) -> str:
        return f"IntervalSet({list(self.spans)!r})"

    def __contains__(self, value: int) -> bool:
        return any(lo <= value <= hi for lo, hi in self.spans)

    def __or__(self, other: IntervalSet) -> IntervalSet:
        if not other.spans:
            return self
        if not self.spans:
            return other
        return IntervalSet(self.spans + other.spans)

    def __and__(self, other: IntervalSet) -> IntervalSet:
        out: list[Span] = []
        a, b = self.spans, other.spans
        i = j = 0
        while i < len(a) and j < len(b):
            lo = max(a[i][0], b[j][0])
            hi = min(a[i][1], b[j][1])
            if lo <= hi:
                out.append((lo, hi))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        return IntervalSet._of(tuple(out))

    def __sub__(self, other: IntervalSet) -> IntervalSet:
        if not other.spans or not self.spans:
            return self
        out: list[Span] = []
        b = other.spans
        j = 0
        for lo, hi in self.spans:
            while j < len(b) and b[j][1] < lo:
                j += 1
            k = j
            while k < len(b) and b[k][0] <= hi:
                if b[k][0] > lo:
                    out.append((lo, b[k][0] - 1))
                lo = max(lo, b[k][1] + 1)
                k += 1
            if lo <= hi:
                out.append((lo, hi))
        return IntervalSet._of(tuple(out))

    def issubset(self, other: IntervalSet) -> bool:
        return not (self - other)

    def intersects(self, other: IntervalSet) -> bool:
        a, b = self.spans, other.spans
        i = j = 0
        while i < len(a) and j < len(b):
            if a[i][1] < b[j][0]:
                i += 1
            elif b[j][1] < a[i][0]:
                j += 1
            else:
                return True
        return False

    def size(self) -> int:
        return sum(hi - lo + 1 for lo, hi in self.spans)


def _normalize(spans: Iterable[Span]) -> tuple[Span, ...]:
    ordered = sorted(spans)
    out: list[Span] = []
    for lo, hi in ordered:
        if lo > hi:
            raise ValueError(f"empty span ({lo}, {hi})")
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


# --- addresses -------------------------------------------------------------------------


def address_key(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> int:
    """Place an address in the shared integer space: IPv4 and IPv6 never overlap."""
    base = _V4 if address.version == 4 else _V6
    return base | int(address)


def addresses(*cidrs: str) -> IntervalSet:
    """The address set of CIDR strings (host bits are ignored, as AWS does not allow them)."""
    return _addresses(cidrs)


@lru_cache(maxsize=65536)
def _addresses(cidrs: tuple[str, ...]) -> IntervalSet:
    """Sets are immutable, and the same subnet and rule CIDRs come back again and again."""
    return IntervalSet(_cidr_span(c) for c in cidrs)


def _cidr_span(cidr: str) -> Span:
    net = ipaddress.ip_network(cidr.strip(), strict=False)
    base = _V4 if net.version == 4 else _V6
    return (base | int(net.network_address), base | int(net.broadcast_address))


ALL_IPV4 = addresses("0.0.0.0/0")
ALL_IPV6 = addresses("::/0")
ALL_ADDRESSES = ALL_IPV4 | ALL_IPV6


def family_of(addrs: IntervalSet, version: int) -> IntervalSet:
    return addrs & (ALL_IPV4 if version == 4 else ALL_IPV6)


def cidrs_of(addrs: IntervalSet) -> list[str]:
    """The fewest CIDRs that cover exactly `addrs`, IPv4 first."""
    out: list[str] = []
    for lo, hi in addrs.spans:
        first: ipaddress.IPv4Address | ipaddress.IPv6Address
        last: ipaddress.IPv4Address | ipaddress.IPv6Address
        if lo >> 128 == 4:
            first, last = ipaddress.IPv4Address(lo - _V4), ipaddress.IPv4Address(hi - _V4)
        else:
            first, last = ipaddress.IPv6Address(lo - _V6), ipaddress.IPv6Address(hi - _V6)
        out.extend(str(n) for n in ipaddress.summarize_address_range(first, last))
    return out


# --- packet sets -----------------------------------------------------------------------

V = TypeVar("V")
Pieces = tuple[tuple[int, int, V], ...]
PortMap = tuple[tuple[int, int, IntervalSet], ...]


def _combine(
    a: tuple[tuple[int, int, V], ...],
    b: tuple[tuple[int, int, V], ...],
    op: Callable[[V | None, V | None], V | None],
) -> tuple[tuple[int, int, V], ...]:
    """Merge two sorted piecewise maps with `op`, keeping the result canonical."""
    points = sorted({p[0] for p in a} | {p[1] + 1 for p in a} | {p[0] for p in b} | {p[1] + 1 for p in b})
    out: list[tuple[int, int, V]] = []
    i = j = 0
    for start, after in itertools.pairwise(points):
        while i < len(a) and a[i][1] < start:
            i += 1
        while j < len(b) and b[j][1] < start:
            j += 1
        va = a[i][2] if i < len(a) and a[i][0] <= start else None
        vb = b[j][2] if j < len(b) and b[j][0] <= start else None
        value = op(va, vb)
        if value is None:
            continue
        if out and out[-1][1] == start - 1 and out[-1][2] == value:
            out[-1] = (out[-1][0], after - 1, value)
        else:
            out.append((start, after - 1, value))
    return tuple(out)


def _overlap(
    a: tuple[tuple[int, int, V], ...], b: tuple[tuple[int, int, V], ...], meet: Callable[[V, V], bool]
) -> bool:
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][1] < b[j][0]:
            i += 1
        elif b[j][1] < a[i][0]:
            j += 1
        elif meet(a[i][2], b[j][2]):
            return True
        elif a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return False


def _set_union(x: IntervalSet | None, y: IntervalSet | None) -> IntervalSet | None:
    return y if x is None else x if y is None else x | y


def _set_intersection(x: IntervalSet | None, y: IntervalSet | None) -> IntervalSet | None:
    if x is None or y is None:
        return None
    return (x & y) or None


def _set_difference(x: IntervalSet | None, y: IntervalSet | None) -> IntervalSet | None:
    if x is None or y is None:
        return x
    return (x - y) or None


def _lift(
    leaf: Callable[[IntervalSet | None, IntervalSet | None], IntervalSet | None],
) -> Callable[[PortMap | None, PortMap | None], PortMap | None]:
    def op(x: PortMap | None, y: PortMap | None) -> PortMap | None:
        return _combine(x or (), y or (), leaf) or None

    return op


_UNION = _lift(_set_union)
_INTERSECTION = _lift(_set_intersection)
_DIFFERENCE = _lift(_set_difference)


class PacketSet:
    """An immutable set of (protocol number, port, remote address) triples.

    The port of ICMP and ICMPv6 is the message type; protocols without ports always
    span the whole port range.
    """

    __slots__ = ("_addresses", "_bounds", "_hash", "pieces")

    def __init__(self, pieces: tuple[tuple[int, int, PortMap], ...] = ()) -> None:
        self.pieces = pieces
        self._bounds: tuple[int, int, int, int] | None = None
        self._hash: int | None = None
        self._addresses: IntervalSet | None = None

    def bounds(self) -> tuple[int, int, int, int]:
        """(lowest protocol, highest protocol, lowest port, highest port): a cheap first test."""
        if self._bounds is None:
            if not self.pieces:
                self._bounds = (1, 0, 1, 0)
            else:
                low_port = min(ports[0][0] for _, _, ports in self.pieces)
                high_port = max(ports[-1][1] for _, _, ports in self.pieces)
                self._bounds = (self.pieces[0][0], self.pieces[-1][1], low_port, high_port)
        return self._bounds

    @classmethod
    def box(cls, protocols: Span, ports: Span, addrs: IntervalSet) -> PacketSet:
        if not addrs or protocols[0] > protocols[1] or ports[0] > ports[1]:
            return EMPTY
        return cls(((protocols[0], protocols[1], ((ports[0], ports[1], addrs),)),))

    def __bool__(self) -> bool:
        return bool(self.pieces)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PacketSet) and self.pieces == other.pieces

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self.pieces)
        return self._hash

    def __repr__(self) -> str:
        return f"PacketSet({list(self.boxes())!r})"

    def __or__(self, other: PacketSet) -> PacketSet:
        if not other.pieces:
            return self
        if not self.pieces:
            return other
        return _remembered(_UNION, self, other)

    def __and__(self, other: PacketSet) -> PacketSet:
        if not self.pieces or not other.pieces:
            return EMPTY
        return _remembered(_INTERSECTION, self, other)

    def __sub__(self, other: PacketSet) -> PacketSet:
        if not self.pieces or not other.pieces:
            return self
        return _remembered(_DIFFERENCE, self, other)

    def issubset(self, other: PacketSet) -> bool:
        return not (self - other)

    def intersects(self, other: PacketSet) -> bool:
        """Cheaper than `bool(self & other)`: stops at the first shared packet."""
        a, b = self.bounds(), other.bounds()
        if a[1] < b[0] or b[1] < a[0] or a[3] < b[2] or b[3] < a[2]:
            return False
        if len(other.pieces) == 1 and len(other.pieces[0][2]) == 1:
            plo, phi, ((lo, hi, addrs),) = other.pieces[0]
            return self.meets_box((plo, phi), (lo, hi), addrs)
        return _overlap(self.pieces, other.pieces, lambda x, y: _overlap(x, y, IntervalSet.intersects))

    def meets_box(self, protocols: Span, ports: Span, addrs: IntervalSet) -> bool:
        for plo, phi, port_map in self.pieces:
            if phi < protocols[0]:
                continue
            if plo > protocols[1]:
                break
            for lo, hi, piece in port_map:
                if hi < ports[0]:
                    continue
                if lo > ports[1]:
                    break
                if piece.intersects(addrs):
                    return True
        return False

    def boxes(self) -> Iterator[tuple[Span, Span, IntervalSet]]:
        """Every (protocol span, port span, addresses) piece, in order."""
        for plo, phi, ports in self.pieces:
            for lo, hi, addrs in ports:
                yield (plo, phi), (lo, hi), addrs

    def addresses(self) -> IntervalSet:
        """Every remote address of the set (computed once: rules are asked again and again)."""
        if self._addresses is None:
            out = IntervalSet()
            for _, _, addrs in self.boxes():
                out = out | addrs
            self._addresses = out
        return self._addresses

    def restrict(self, protocols: Span, ports: Span = PORTS) -> PacketSet:
        return self & PacketSet.box(protocols, ports, ALL_ADDRESSES)

    def only_from(self, addrs: IntervalSet) -> PacketSet:
        return self & PacketSet.box(PROTOCOLS, PORTS, addrs)

    def port_map(self, protocol: int) -> PortMap:
        for plo, phi, ports in self.pieces:
            if plo <= protocol <= phi:
                return ports
        return ()


_RESULTS: dict[tuple[object, PacketSet, PacketSet], PacketSet] = {}
_MAX_RESULTS = 250_000


def _remembered(
    op: Callable[[PortMap | None, PortMap | None], PortMap | None], a: PacketSet, b: PacketSet
) -> PacketSet:
    """`a op b`, computed once: the same subnet, NACL and group sets meet again and again
    (98% of the operations on a large plan repeat an earlier one)."""
    key = (op, a, b)
    found = _RESULTS.get(key)
    if found is None:
        if len(_RESULTS) >= _MAX_RESULTS:
            _RESULTS.clear()
        found = _RESULTS[key] = PacketSet(_combine(a.pieces, b.pieces, op))
    return found


EMPTY = PacketSet()


def address_bounds(packets: PacketSet) -> tuple[int, int]:
    """The lowest and highest remote address of a packet set ((1, 0) when it is empty)."""
    low, high = 1, 0
    for _, _, ports in packets.pieces:
        for _, _, addrs in ports:
            if addrs.spans:
                low = addrs.spans[0][0] if high < low else min(low, addrs.spans[0][0])
                high = max(high, addrs.spans[-1][1])
    return low, high


EVERYTHING = PacketSet.box(PROTOCOLS, PORTS, ALL_ADDRESSES)


def union_all(sets: Iterable[PacketSet]) -> PacketSet:
    """The union of many sets, merged pairwise so the cost stays n log n."""
    layer = [s for s in sets if s]
    while len(layer) > 1:
        layer = [layer[i] | layer[i + 1] if i + 1 < len(layer) else layer[i] for i in range(0, len(layer), 2)]
    return layer[0] if layer else EMPTY
