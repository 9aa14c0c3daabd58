"""IP protocols and port ranges as AWS security groups and network ACLs spell them."""

from __future__ import annotations

from tfreach.model.packets import PORTS, PROTOCOLS, Span

TCP, UDP, ICMP, ICMPV6 = 6, 17, 1, 58
ALL: Span = PROTOCOLS
ICMP_TYPES: Span = (0, 255)

_NAMES = {"tcp": TCP, "udp": UDP, "icmp": ICMP, "icmpv6": ICMPV6, "icmp-v6": ICMPV6}
_ALL_SPELLINGS = {"-1", "all"}


def protocol_span(spelling: object) -> Span:
    """The protocol numbers a rule's `protocol` admits: "-1"/"all" is every protocol.

    Raises ValueError for anything that is not a protocol name or number 0-255.
    """
    text = str(spelling).strip().lower()
    if text in _ALL_SPELLINGS:
        return ALL
    if text in _NAMES:
        number = _NAMES[text]
        return (number, number)
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"unknown protocol {spelling!r}") from None
    if number == -1:
        return ALL
    if not 0 <= number <= 255:
        raise ValueError(f"protocol number {number} is outside 0-255")
    return (number, number)


def has_ports(protocol: int) -> bool:
    return protocol in (TCP, UDP)


def is_icmp(protocol: int) -> bool:
    return protocol in (ICMP, ICMPV6)


def port_span(protocols: Span, from_port: object, to_port: object) -> Span:
    """The destination ports (ICMP: message types) a security-group style rule admits.

    Security groups put the ICMP type in from_port and the code in to_port; -1 means all.
    For every other protocol AWS ignores the ports unless it is TCP or UDP.
    """
    if protocols != (protocols[0], protocols[0]):
        return PORTS
    protocol = protocols[0]
    if is_icmp(protocol):
        return icmp_type_span(from_port)
    if not has_ports(protocol):
        return PORTS
    lo, hi = _int(from_port), _int(to_port)
    if lo is None or hi is None or (lo == -1 and hi == -1):
        return PORTS
    lo, hi = max(lo, 0), min(hi, 65535)
    if lo > hi:
        raise ValueError(f"port range {from_port}-{to_port} is empty")
    return (lo, hi)


def port_range_problem(protocols: Span, from_port: object, to_port: object) -> str | None:
    """Why a TCP/UDP port range is not one AWS accepts (port_span reads it clamped to 0-65535)."""
    if protocols[0] != protocols[1] or not has_ports(protocols[0]):
        return None
    lo, hi = _int(from_port), _int(to_port)
    if lo is None or hi is None or (lo == -1 and hi == -1) or (lo >= 0 and hi <= 65535):
        return None
    return f"port range {from_port}-{to_port} is outside 0-65535; read as {max(lo, 0)}-{min(hi, 65535)}"


def icmp_type_span(icmp_type: object) -> Span:
    number = _int(icmp_type)
    if number is None or number == -1:
        return ICMP_TYPES
    if not 0 <= number <= 255:
        raise ValueError(f"ICMP type {icmp_type} is outside 0-255")
    return (number, number)


def _int(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"port {value!r} is not a number")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"port {value!r} is not a number") from None


def protocol_name(protocols: Span) -> str:
    """tcp | udp | icmp | icmpv6 | all, else the IANA number."""
    if protocols == ALL:
        return "all"
    names = {TCP: "tcp", UDP: "udp", ICMP: "icmp", ICMPV6: "icmpv6"}
    if protocols[0] == protocols[1]:
        return names.get(protocols[0], str(protocols[0]))
    return f"{protocols[0]}-{protocols[1]}"


# ICMP requests whose reply must get back through a stateless NACL: type -> reply type.
ICMP_REPLIES = {ICMP: {8: 0, 13: 14, 15: 16, 17: 18}, ICMPV6: {128: 129}}


def describe(protocols: Span, ports: Span) -> str:
    """Console style: "tcp 22", "udp 1024-65535", "icmp type 8", "all"."""
    if protocols == ALL:
        return "all"
    name = protocol_name(protocols)
    single = protocols[0] == protocols[1]
    if single and is_icmp(protocols[0]):
        return name if ports == ICMP_TYPES else f"{name} type {span_text(ports)}"
    if single and has_ports(protocols[0]):
        return f"{name} {span_text(ports)}"
    return name


def span_text(span: Span) -> str:
    return str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"
