from __future__ import annotations

import pytest

from tfreach.model.protocols import ALL, describe, port_span, protocol_span


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("tcp", (6, 6)),
        ("TCP", (6, 6)),
        ("6", (6, 6)),
        (6, (6, 6)),
        ("udp", (17, 17)),
        ("icmp", (1, 1)),
        ("icmpv6", (58, 58)),
        ("58", (58, 58)),
        ("-1", ALL),
        (-1, ALL),
        ("all", ALL),
        ("50", (50, 50)),
    ],
)
def test_protocol_spellings(spelling, expected):
    assert protocol_span(spelling) == expected


@pytest.mark.parametrize("spelling", ["tcpp", "256", "", None])
def test_unknown_protocols_are_rejected(spelling):
    with pytest.raises(ValueError):
        protocol_span(spelling)


def test_ports_of_protocols_without_ports_are_ignored():
    assert port_span(ALL, 0, 0) == (0, 65535)
    assert port_span((50, 50), 22, 22) == (0, 65535)


def test_icmp_ports_are_the_type():
    assert port_span((1, 1), 8, -1) == (8, 8)
    assert port_span((1, 1), -1, -1) == (0, 255)


def test_tcp_port_ranges():
    assert port_span((6, 6), 22, 22) == (22, 22)
    assert port_span((6, 6), "1024", "65535") == (1024, 65535)
    with pytest.raises(ValueError):
        port_span((6, 6), 30, 20)


def test_console_style_descriptions():
    assert describe((6, 6), (22, 22)) == "tcp 22"
    assert describe(ALL, (0, 65535)) == "all"
    assert describe((1, 1), (8, 8)) == "icmp type 8"
