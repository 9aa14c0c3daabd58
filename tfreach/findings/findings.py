"""From reachable packet sets to findings, modelled on Inspector's Network Reachability.

Per endpoint and source: `RecognizedPort` for every catalogued service that is reachable,
`UnrecognizedPort` for every maximal reachable port range that holds a port outside the
catalogue (or every protocol, when all traffic is admitted), and one `NetworkExposure`
summary of everything reachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from tfreach.engine.trace import Trace
from tfreach.findings.catalogue import (
    DEFAULT_CATALOGUE,
    RECOMMENDATIONS,
    Catalogue,
    Service,
    Severity,
    unrecognized_severity,
)
from tfreach.findings.evidence import Evidence, evidence_of, source_cidrs
from tfreach.findings.finding import Exposure
from tfreach.model.network import NetworkInterface
from tfreach.model.packets import (
    ALL_ADDRESSES,
    EMPTY,
    PORTS,
    PROTOCOLS,
    IntervalSet,
    PacketSet,
    Span,
    union_all,
)
from tfreach.model.protocols import ALL, ICMP, ICMP_TYPES, ICMPV6, TCP, UDP, protocol_name, span_text
from tfreach.model.sources import Source


@dataclass(frozen=True)
class _Slice:
    """One finding's worth of packets before it is described."""

    kind: str  # RecognizedPort | UnrecognizedPort
    protocols: Span
    ports: Span
    addresses: IntervalSet
    service: Service | None = None

    def packets(self) -> PacketSet:
        return PacketSet.box(self.protocols, self.ports, self.addresses)


def endpoint_findings(
    paths: list[Trace],
    before: PacketSet = EMPTY,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
    evidence: Evidence | None = None,
) -> list[Exposure]:
    """The findings of one endpoint class for one source, directly or through one load balancer.

    `before`: what reached it before this plan. Those packets give `existing` findings, the
    rest `new` ones: a port range that grows is new only in the part that grew.
    """
    reached = union_all(p.packets for p in paths)
    certain = certain_part(paths)
    evidence = evidence or Evidence()
    findings = []
    for status, part in (("existing", reached & before), ("new", reached - before)):
        for s in _slices(part, catalogue):
            findings.append(_finding(s, paths, status, evidence, certain))
    summary = _exposure(reached, paths, certain)
    summary.status = "new" if reached - before else "existing"
    return [*findings, summary]


def closed_findings(
    paths: list[Trace], gone: PacketSet, catalogue: Catalogue = DEFAULT_CATALOGUE, evidence: Evidence | None = None
) -> list[Exposure]:
    """What reached the endpoint class before the plan and no longer does (`paths` are the old ones)."""
    evidence = evidence or Evidence()
    certain = certain_part(paths)
    return [_finding(s, paths, "closed", evidence, certain) for s in _slices(gone, catalogue)]


def certain_part(paths: list[Trace]) -> PacketSet:
    """What reaches the endpoint whatever the assumptions.

    An endpoint whose subnet is one of several candidates is certainly reached only by what
    reaches it in every candidate subnet; one that spans its subnets (a load balancer, an
    auto scaling group), by what reaches it in any.
    """
    endpoint = paths[0].endpoint
    by_subnet: dict[str | None, PacketSet] = {}
    for path in paths:
        subnet = next((hop.address for hop in reversed(path.hops) if hop.role == "subnet"), None)
        by_subnet[subnet] = by_subnet.get(subnet, EMPTY) | path.certain
    if not isinstance(endpoint, NetworkInterface) or endpoint.placement is None:
        return union_all(by_subnet.values())
    certain = union_all(by_subnet.values())
    for subnet in endpoint.subnets:
        certain = certain & by_subnet.get(subnet, EMPTY)
    return certain


@lru_cache(maxsize=8192)
def _slices(reached: PacketSet, catalogue: Catalogue) -> tuple[_Slice, ...]:
    """The findings' cuts of a packet set; endpoints behind the same rules reach the same set."""
    everything = _all_traffic(reached)
    out: list[_Slice] = []
    if everything:
        # One finding for all traffic, not one per catalogued service it contains.
        out.append(_Slice("UnrecognizedPort", ALL, PORTS, everything))
    for protocol in (TCP, UDP):
        for lo, hi, addrs in reached.port_map(protocol):
            rest = addrs - everything
            for service, span in catalogue.services_in(protocol, (lo, hi)) if rest else ():
                out.append(_Slice("RecognizedPort", (protocol, protocol), span, rest, service))
            if rest and catalogue.has_unrecognized_port(protocol, (lo, hi)):
                out.append(_Slice("UnrecognizedPort", (protocol, protocol), (lo, hi), rest))
    for protocol in (ICMP, ICMPV6):
        for lo, hi, addrs in reached.restrict((protocol, protocol), ICMP_TYPES).port_map(protocol):
            if addrs - everything:
                out.append(_Slice("UnrecognizedPort", (protocol, protocol), (lo, hi), addrs - everything))
    others = reached - _known_protocols()
    for protocols, _, _ in others.boxes():
        rest = others.restrict(protocols).addresses() - everything
        if rest:
            out.append(_Slice("UnrecognizedPort", protocols, PORTS, rest))
    return tuple(_dedupe(out))


def _dedupe(slices: list[_Slice]) -> list[_Slice]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for s in slices:
        key = (s.kind, s.protocols, s.ports, s.addresses)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _known_protocols() -> PacketSet:
    return union_all(PacketSet.box((p, p), PORTS, ALL_ADDRESSES) for p in (TCP, UDP, ICMP, ICMPV6))


def _all_traffic(reached: PacketSet) -> IntervalSet:
    """Addresses that may send every protocol to every port (ICMP: every type)."""
    addrs = ALL_ADDRESSES
    expected_protocol = PROTOCOLS[0]
    for plo, phi, ports in reached.pieces:
        if plo != expected_protocol:
            return IntervalSet()
        expected_port = 0
        for lo, hi, piece in ports:
            if lo != expected_port:
                return IntervalSet()
            addrs = addrs & piece
            expected_port = hi + 1
        if expected_port <= PORTS[1]:
            return IntervalSet()
        expected_protocol = phi + 1
    return addrs if expected_protocol > PROTOCOLS[1] else IntervalSet()


# --- describing a finding ----------------------------------------------------------------


def _finding(s: _Slice, paths: list[Trace], status: str, evidence: Evidence, certain: PacketSet) -> Exposure:
    packets = s.packets()
    path = next(p for p in paths if p.packets.intersects(packets))
    source, via = path.source, path.via
    # Part of the source: some of its addresses, or a way in only some may use (named accounts).
    restricted = not _covers_whole_source(source, s.addresses) or any(hop.narrows for hop in path.hops)
    protocol = protocol_name(s.protocols)
    if s.service is not None:
        severity, category = s.service.severity, s.service.category
    elif s.protocols == ALL:
        severity, category = Severity.CRITICAL, "all"
    elif s.protocols[0] in (ICMP, ICMPV6):
        severity, category = Severity.LOW, "unrecognized"
    else:
        severity, category = unrecognized_severity(s.protocols[1] - s.protocols[0] + 1, s.ports), "unrecognized"
    if restricted:
        severity = severity.lowered()
    hops, assumptions = evidence.of(path, packets)
    return Exposure(
        type=s.kind,
        severity=severity,
        title_of=partial(_title, s, protocol, source=source, restricted=restricted, via=via, closed=status == "closed"),
        resource_type=path.resource_type,
        protocol=protocol,
        port_range=_shown_ports(s),
        source=source,
        source_cidrs=source_cidrs(source, s.addresses),
        via=via,
        path=hops,
        recommendation=RECOMMENDATIONS.get(category, RECOMMENDATIONS["unrecognized"]),
        service=s.service.name if s.service else None,
        assumptions=assumptions,
        status=status,
        certain=packets.issubset(certain),
    )


def _shown_ports(s: _Slice) -> Span:
    if s.protocols[0] == s.protocols[1] and s.protocols[0] in (ICMP, ICMPV6):
        return (s.ports[0], min(s.ports[1], ICMP_TYPES[1]))
    return s.ports


def _title(
    s: _Slice, protocol: str, resource: str, *, source: Source, restricted: bool, via: str | None, closed: bool
) -> str:
    title = _what_is_reachable(s, protocol, resource, source, restricted, via)
    if closed:
        return title.replace(" is reachable", " is no longer reachable").replace(
            " are reachable", " are no longer reachable"
        )
    return title


def _what_is_reachable(
    s: _Slice, protocol: str, resource: str, source: Source, restricted: bool, via: str | None
) -> str:
    origin = _origin(source, s.addresses, restricted)
    origin += f" through {via}" if via else ""
    if s.protocols == ALL:
        return f"All traffic to {resource} is reachable from {origin}"
    name = protocol.upper()
    if s.protocols[0] in (ICMP, ICMPV6):
        what = f"{name} (every type)" if s.ports == ICMP_TYPES else f"{name} type {span_text(s.ports)}"
        return f"{what} on {resource} is reachable from {origin}"
    if s.protocols[0] not in (TCP, UDP):
        return f"IP protocol {protocol} on {resource} is reachable from {origin}"
    ports = f"port {s.ports[0]}" if s.ports[0] == s.ports[1] else f"ports {span_text(s.ports)}"
    service = f" ({s.service.name})" if s.service else ""
    verb = "is" if s.ports[0] == s.ports[1] else "are"
    return f"{name} {ports}{service} on {resource} {verb} reachable from {origin}"


def _origin(source: Source, addrs: IntervalSet, restricted: bool) -> str:
    """ "the internet", "203.0.113.0/24", or "on-premises networks (192.168.0.0/16)"."""
    cidrs = source_cidrs(source, addrs)
    shown = ", ".join(cidrs[:3]) + (", ..." if len(cidrs) > 3 else "")
    if source.kind != "internet":
        return f"{source.label} ({shown})"
    return shown if restricted else source.label


def _covers_whole_source(source: Source, addrs: IntervalSet) -> bool:
    return source.covers_family(addrs, 4) or source.covers_family(addrs, 6)


def _exposure(reached: PacketSet, paths: list[Trace], certain: PacketSet) -> Exposure:
    first = paths[0]
    via = first.via
    pieces = [
        (protocol_name(protocols), _shown_ports(_Slice("", protocols, ports, addrs)), addrs)
        for protocols, ports, addrs in reached.boxes()
        if not (protocols[0] == protocols[1] and protocols[0] in (ICMP, ICMPV6) and ports[0] > ICMP_TYPES[1])
    ]
    ranges = [{"protocol": p, "port_range": list(s), "cidrs": source_cidrs(first.source, a)} for p, s, a in pieces]
    summary = "; ".join(f"{p} {span_text(s)}" for p, s, _ in pieces[:6]) + ("; ..." if len(pieces) > 6 else "")
    hops, assumptions = evidence_of(first, reached)
    origin = first.source.label + (f" through {via}" if via else "")
    protocols = {p for p, _, _ in pieces}
    return Exposure(
        type="NetworkExposure",
        severity=Severity.INFO,
        title_of=partial(_summary_title, origin=origin, summary=summary),
        resource_type=first.resource_type,
        protocol=protocols.pop() if len(protocols) == 1 else "all",
        port_range=None,
        source=first.source,
        source_cidrs=source_cidrs(first.source, reached.addresses()),
        via=via,
        path=hops,
        recommendation="Review everything this endpoint exposes; each reachable port has its own finding.",
        ranges=ranges,
        assumptions=assumptions,
        certain=reached.issubset(certain),
    )


def _summary_title(resource: str, *, origin: str, summary: str) -> str:
    return f"{resource} is reachable from {origin}: {summary}"
