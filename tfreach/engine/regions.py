"""Address sets some rules name, and the segments their edges cut the address space into.

Intents ask about many pairs of endpoints whose addresses the same few rules treat alike: every
rule treats the remotes inside one segment alike, so each segment is asked about once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Hashable
from typing import TypeVar

from tfreach.model.packets import IntervalSet

_Answer = TypeVar("_Answer")


class Regions:
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
        return self._asked(self._places, remote, lambda: where(remote, self.regions))

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


def where(remote: IntervalSet, regions: tuple[IntervalSet, ...]) -> Hashable:
    """Which of the rules' address sets hold `remote` whole and which miss it: remotes with the
    same answer are treated alike by every rule. One that straddles a rule's edge stands alone."""
    place = []
    for region in regions:
        inside = remote & region
        if inside and inside != remote:
            return remote
        place.append(bool(inside))
    return tuple(place)
