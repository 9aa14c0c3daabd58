"""A hop names the rules that admit the packets asked about, in its own order, however many."""

from __future__ import annotations

import random

import pytest

from tfreach.engine.hop import Decision, Hop
from tfreach.model.packets import PacketSet, addresses


def _rule(i: int, protocol: int, port: int, cidr: str, allow: bool = True) -> Decision:
    packets = PacketSet.box((protocol, protocol), (port, port), addresses(cidr))
    return Decision(packets, f"rule {i}", allow, "aws_security_group.g", "aws_security_group")


@pytest.mark.parametrize("count", [5, 300])  # below and above the size a hop indexes its rules by packet set
def test_a_hop_of_many_rules_admits_exactly_what_each_rule_admits(count):
    rng = random.Random(count)
    shapes = [(6, 22, "10.0.0.0/16"), (6, 443, "0.0.0.0/0"), (17, 53, "10.1.0.0/16"), (6, 22, "192.168.0.0/24")]
    decisions = tuple(_rule(i, *rng.choice(shapes), allow=rng.random() > 0.1) for i in range(count))
    hop = Hop("aws_security_group.g", "aws_security_group", "security groups", decisions)
    for protocol, port, cidr in [*shapes, (6, 80, "10.0.0.0/8"), (17, 53, "10.0.0.0/8")]:
        asked = PacketSet.box((protocol, protocol), (port, port), addresses(cidr))
        expected = tuple(d for d in decisions if d.allow and d.packets.intersects(asked))
        assert hop.admitting(asked) == expected
        assert hop.admitting(asked) == expected  # asked again: the same answer
