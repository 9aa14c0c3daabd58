"""Rules treat alike every remote address range that falls between the same rule edges: a path
between endpoints asks each such segment once, and must get the answer it would get asking
the rules one by one."""

from __future__ import annotations

import random

from tfreach.engine.regions import Regions, where
from tfreach.model.packets import IntervalSet, addresses


def test_a_remote_inside_one_segment_gets_the_answer_of_asking_each_rule():
    regions = Regions((addresses("10.0.0.0/16"), addresses("10.0.1.0/24"), addresses("0.0.0.0/0")))
    for cidr in ("10.0.1.0/26", "10.0.1.128/25", "10.0.2.0/24", "10.1.0.0/24", "192.168.0.0/24"):
        remote = addresses(cidr)
        assert regions.place_of(remote) == where(remote, regions.regions)
        assert regions.met_by(remote) == tuple(region.intersects(remote) for region in regions.regions)


def test_a_remote_across_a_rule_edge_stands_alone():
    regions = Regions((addresses("10.0.1.0/24"),))
    straddling = addresses("10.0.0.0/23")  # half inside the rule's range, half outside
    assert regions.place_of(straddling) == straddling
    assert regions.met_by(straddling) == (True,)


def test_random_rules_and_remotes_agree_with_asking_each_rule():
    rng = random.Random(7)

    def some_range() -> IntervalSet:
        lo = rng.randrange(0, 2**12)
        return IntervalSet([(lo, lo + rng.randrange(0, 2**8))])

    for _ in range(200):
        regions = Regions(tuple(some_range() for _ in range(rng.randrange(1, 6))))
        for _ in range(10):
            remote = some_range()
            assert regions.place_of(remote) == where(remote, regions.regions)
            assert regions.met_by(remote) == tuple(region.intersects(remote) for region in regions.regions)
