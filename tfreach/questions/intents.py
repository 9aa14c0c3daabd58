"""Segmentation intent: "tier A never reaches tier B" (or only on these ports), checked on the plan.

An intent names its sources and targets with selectors (selectors.py): endpoints of the plan
(`tag:Tier=web`, `module.app`, an address), an outside source (`internet`, `vpn`, a CIDR) or, as
a target, `internet` for what may go out. What reaches beyond `only` (nothing, without it) breaks
the intent: each broken (source, target) pair is a finding of type `IntentViolation`, with the
path that breaks it and the rules at every hop, counted for the exit code like any finding.

Unknown values make a violation *possible*, never hide it: the same fail-closed reading as
`check` (an unknown subnet may be any subnet, an unknown group admits everything). A violation
the deployed network (the plan's prior state) already had is `existing`; one the plan brings,
`new`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache, partial

from tfreach.engine.between import InternalPaths, Reaching
from tfreach.engine.classes import Classes
from tfreach.engine.trace import Trace
from tfreach.findings.catalogue import Severity
from tfreach.findings.evidence import Evidence, source_cidrs
from tfreach.findings.finding import Exposure
from tfreach.findings.findings import certain_part
from tfreach.model.network import Network, NetworkInterface
from tfreach.model.packets import ALL_ADDRESSES, EMPTY, PORTS, PROTOCOLS, IntervalSet, PacketSet, Span, union_all
from tfreach.model.protocols import ICMP, ICMPV6, TCP, UDP, protocol_name, protocol_span, span_text
from tfreach.model.sources import SOURCES, Source
from tfreach.questions.selectors import Selection, select

UNSURE_TAGS = "tags known only after apply: a tag selector takes the resource"
Reached = dict[tuple[str, str, str | None], list[Trace]]  # (source kind, endpoint class, via) -> paths


@dataclass(frozen=True)
class Intent:
    name: str
    source: str  # selector
    target: str  # selector, or "internet" for what goes out
    only: tuple[str, ...] = ()  # what may pass ("tcp/5432"); nothing when empty
    severity: Severity = Severity.HIGH

    def allowed(self) -> PacketSet:
        return union_all(allowed_packets(text) for text in self.only) if self.only else EMPTY


def allowed_packets(text: str) -> PacketSet:
    """`tcp/5432`, `tcp/8000-8999`, `udp/53`, `icmp`, `all`: ValueError when it is none of them."""
    protocol, _, ports = text.strip().lower().partition("/")
    span = protocol_span("-1" if protocol == "all" else protocol)
    if not ports:
        return PacketSet.box(span, PORTS, ALL_ADDRESSES)
    low, _, high = ports.partition("-")
    first, last = int(low), int(high or low)
    if not 0 <= first <= last <= 65535:
        raise ValueError(f"{text!r}: ports must be within 0-65535")
    return PacketSet.box(span, (first, last), ALL_ADDRESSES)


@dataclass
class _Broken:
    """What reaches a target against an intent, by one source (and how)."""

    source: str
    paths: list[Trace]
    packets: PacketSet  # beyond what the intent allows
    certain: PacketSet
    status: str = "new"  # or existing: the deployed network already let it through
    alike: tuple[str, ...] = ()  # the source's alike endpoints the intent names (`source` first)


def check_intents(
    intents: tuple[Intent, ...],
    network: Network,
    classes: Classes,
    reached: Reached,
    before: Callable[[Intent, str, str], PacketSet],
    paths: InternalPaths,
    analysed: tuple[str, ...] = tuple(SOURCES),
) -> list[tuple[Exposure, tuple[str, ...]]]:
    """Every broken intent as findings (with the members of the target's class they concern).
    `paths`: between the network's endpoints (built on check's graph builder, to share its work);
    `analysed`: the kinds of outside source check followed (an intent about another is warned)."""
    if not intents:
        return []
    evidence = Evidence(paths.cache.table("evidence of a path for packets"))
    out = []
    selected: dict[str, Selection] = {}  # intents name the same tiers again and again
    for intent in intents:
        for text in (intent.source, intent.target):
            selected[text] = selected[text] if text in selected else select(network, text)
        sources, targets = selected[intent.source], selected[intent.target]
        _warn_unseen(intent, sources, targets, network, analysed)
        for unsure in (*sources.unsure, *targets.unsure):
            network.notice(unsure, "tags", f"intent {intent.name!r}: {UNSURE_TAGS}", UNSURE_TAGS)
        named = set(targets.endpoints)
        for target, broken in _violations(intent, sources, targets, network, classes, reached, paths).items():
            for case in broken:
                # the target's alike endpoints the intent names, but never the source itself
                members = tuple(m for m in classes.members_of(target) if m in named and m != case.source)
                members = members if target != "internet" else case.alike
                for part in _by_status(case, before(intent, case.source, target)):
                    exposure = _exposure(intent, target, part, evidence, network)
                    out += _split_unsure(exposure, members, (*sources.unsure, *targets.unsure), case.source)
    return out


def _split_unsure(
    exposure: Exposure, members: tuple[str, ...], unsure: tuple[str, ...], source: str
) -> list[tuple[Exposure, tuple[str, ...]]]:
    """Members taken only because their tags are unknown break the intent possibly, not certainly."""
    doubted = tuple(m for m in members if m in unsure or source in unsure)
    sure = tuple(m for m in members if m not in doubted)
    out = [(exposure, sure)] if sure else []
    if doubted:
        possible = replace(exposure, certain=False, assumptions=[*exposure.assumptions, UNSURE_TAGS])
        out.append((possible, doubted))
    return out


def _by_status(case: _Broken, earlier: PacketSet) -> list[_Broken]:
    """What the deployed network already let through is `existing`; what the plan adds, `new`."""
    out = []
    for status, packets in (("existing", case.packets & earlier), ("new", case.packets - earlier)):
        if packets:
            paths = [p for p in case.paths if p.packets & packets]
            out.append(replace(case, paths=paths, packets=packets, certain=case.certain & packets, status=status))
    return out


def violations_of(
    intent: Intent, network: Network, classes: Classes, reached: Reached, paths: InternalPaths
) -> dict[tuple[str, str], PacketSet]:
    """(source, target) -> what reaches beyond the intent: for comparing with the deployed network."""
    sources, targets = select(network, intent.source), select(network, intent.target)
    found = _violations(intent, sources, targets, network, classes, reached, paths)
    return {(classes.of(case.source), target): case.packets for target, cases in found.items() for case in cases}


def _violations(
    intent: Intent,
    sources: Selection,
    targets: Selection,
    network: Network,
    classes: Classes,
    reached: Reached,
    internal: InternalPaths,
) -> dict[str, list[_Broken]]:
    allowed = intent.allowed()
    out: dict[str, list[_Broken]] = {}
    if targets.outside == "internet":  # egress intent: what may go out
        for source, named in named_classes(sources.endpoints, classes, network).items():
            interface = network.interfaces[source]
            _keep_internal(out, "internet", named, internal.to_internet(interface), intent, interface)
        return out
    outside = sources.outside
    reaching: dict[str, list[Trace]] = {}  # from outside, by endpoint class
    for (_, endpoint, _), found in reached.items() if outside is not None else ():
        reaching.setdefault(endpoint, []).extend(found)
    named_sources = named_classes(sources.endpoints, classes, network) if outside is None else {}
    for target, targeted in named_classes(targets.endpoints, classes, network, balancers=bool(outside)).items():
        if outside is not None:
            found = [_within(p, sources.cidrs) for p in reaching.get(target, ()) if sources.comes_from(p.source.kind)]
            _keep(out, target, outside, found, allowed, certain_part(found) if found else EMPTY)
            continue
        interface = network.interfaces[target]
        for source, named in named_sources.items():
            # alike endpoints reach one another as any two do; an endpoint never breaks an intent alone
            if named == targeted and len(named) == 1:
                continue
            name = next(n for n in named if len(targeted) > 1 or n not in targeted)
            between = internal.between(network.interfaces[source], interface)
            _keep_internal(out, target, (name, *(n for n in named if n != name)), between, intent, interface)
    return out


def _keep(
    out: dict[str, list[_Broken]],
    target: str,
    source: str,
    paths: list[Trace],
    allowed: PacketSet,
    certain: PacketSet,
) -> None:
    """Record what reaches `target` from `source` beyond what the intent allows, if anything."""
    beyond = union_all(p.packets for p in paths) - allowed if paths else EMPTY
    if beyond:
        broken = _Broken(source, [p for p in paths if p.packets & beyond], beyond, certain & beyond)
        out.setdefault(target, []).append(broken)


def _keep_internal(
    out: dict[str, list[_Broken]],
    target: str,
    sources: tuple[str, ...],
    reaching: Reaching,
    intent: Intent,
    interface: NetworkInterface,
) -> None:
    """Record what reaches `target` from alike endpoints `sources` (named by the first) beyond
    what the intent allows, with a few paths that deliver all of it (not every way: most pairs
    have many alike ones)."""
    beyond = reaching.packets - intent.allowed()
    if beyond:
        paths = [_as_intent(p, interface, intent, sources[0]) for p in reaching.covering(beyond)]
        broken = _Broken(sources[0], paths, beyond, reaching.certain & beyond, alike=sources)
        out.setdefault(target, []).append(broken)


def _warn_unseen(
    intent: Intent, sources: Selection, targets: Selection, network: Network, analysed: tuple[str, ...]
) -> None:
    """An intent that can see nothing is not silently kept: say what it misses."""
    where = f"intents: {intent.name!r}"
    for selection in (sources, targets):
        if selection.outside is None and not selection.endpoints:
            network.notice(where, None, f"{selection.text} selects no endpoint of the plan: nothing to check")
    if sources.outside in SOURCES and sources.outside not in analysed:
        network.notice(where, None, f"{sources.outside} is not among the analysed sources (--source): nothing to check")
    if sources.outside is None and targets.outside is None:
        balancers = [e for e in (*sources.endpoints, *targets.endpoints) if e in network.load_balancers]
        if balancers:
            shown = ", ".join(balancers[:4]) + (f" and {len(balancers) - 4} more" if len(balancers) > 4 else "")
            message = f"load balancers are not followed between endpoints (their targets are): {shown}"
            network.notice(where, None, message)


def named_classes(
    endpoints: tuple[str, ...], classes: Classes, network: Network, balancers: bool = False
) -> dict[str, tuple[str, ...]]:
    """Classes of alike endpoints the selector names (interfaces; load balancers only from an
    outside source, where check reaches them): each class's representative, which the engine
    computes with, and the members the selector names, which findings speak of (a class may
    hold endpoints it does not name)."""
    out: dict[str, list[str]] = {}
    for e in endpoints:
        if e in network.interfaces or (balancers and e in network.load_balancers):
            out.setdefault(classes.of(e), []).append(e)
    return {representative: tuple(named) for representative, named in out.items()}


def _within(path: Trace, cidrs: IntervalSet | None) -> Trace:
    if cidrs is None:
        return path
    limit = PacketSet.box(PROTOCOLS, PORTS, cidrs)
    return replace(path, packets=path.packets & limit, certain=path.certain & limit)


_INTENT = Source("intent", ALL_ADDRESSES, "intent")


def _as_intent(path: Trace, target: NetworkInterface, intent: Intent, name: str) -> Trace:
    """A trace between endpoints, as the finding of the intent it breaks tells of its source."""
    source = Source("intent", ALL_ADDRESSES, f"{name} (intent {intent.name!r})")
    return replace(path, source=source, endpoint=target)


def _exposure(intent: Intent, target: str, case: _Broken, evidence: Evidence, network: Network) -> Exposure:
    path = case.paths[0]
    # asked with one source for every intent and endpoint, so findings on the same hops share it
    hops, assumptions = evidence.of(replace(path, source=_INTENT), case.packets)
    hops = [{**hops[0], "address": path.source.kind, "rule": path.source.label}, *hops[1:]]
    ports = packets_text(case.packets)
    endpoint = network.interfaces.get(target) or network.load_balancers.get(target)
    resource_type = endpoint.resource_type if endpoint else "internet"
    protocol, span = _first_protocol(case.packets)
    return Exposure(
        type="IntentViolation",
        severity=intent.severity,
        resource_type=resource_type,
        protocol=protocol,
        port_range=span,
        source=path.source,
        # out to the internet, the addresses are the destinations: the internet's (0.0.0.0/0 when all)
        source_cidrs=source_cidrs(
            SOURCES["internet"] if target == "internet" else path.source, case.packets.addresses()
        ),
        via=None,
        path=hops,
        recommendation=f"Intent {intent.name!r} says {intent.source} reaches {intent.target} "
        + (f"only on {', '.join(intent.only)}" if intent.only else "never")
        + ": close the rule that admits it on the path, or change the intent.",
        title_of=partial(_title, intent, case.source, len(case.alike), ports, target),
        assumptions=assumptions,
        status=case.status,
        certain=bool(case.certain) and case.certain == case.packets,
        intent=(intent.name, case.source),
    )


def _title(intent: Intent, source: str, alike: int, ports: str, target: str, member: str) -> str:
    if target == "internet":  # the finding's resource is the source itself
        return f"intent {intent.name!r} broken: {member} reaches the internet: {ports}"
    sources = f"{source} (and {alike - 1} alike)" if alike > 1 else source
    return f"intent {intent.name!r} broken: {sources} reaches {member}: {ports}"


@lru_cache(maxsize=4096)  # many findings pass the same few packet sets
def packets_text(packets: PacketSet) -> str:
    """What passes, as a reviewer reads it: `tcp 22, 5432; udp 53; icmp; other protocols` or `all traffic`."""
    shape = union_all(PacketSet.box(p, q, ALL_ADDRESSES) for p, q, _ in packets.boxes())
    if shape == PacketSet.box(PROTOCOLS, PORTS, ALL_ADDRESSES):
        return "all traffic"
    named = {TCP: "tcp", UDP: "udp"}
    parts = []
    for number, name in named.items():
        spans = [q for p, q, _ in shape.restrict((number, number), PORTS).boxes()]
        if spans:
            parts.append(f"{name} " + ", ".join("all ports" if q == PORTS else span_text(q) for q in spans[:8]))
    if shape.restrict((ICMP, ICMP), PORTS) or shape.restrict((ICMPV6, ICMPV6), PORTS):
        parts.append("icmp")
    known = union_all(PacketSet.box((n, n), PORTS, ALL_ADDRESSES) for n in (TCP, UDP, ICMP, ICMPV6))
    if shape - known:
        parts.append("other protocols")
    return "; ".join(parts)


def _first_protocol(packets: PacketSet) -> tuple[str, Span]:
    """The finding's protocol and ports: TCP's first, then UDP's, then any (the title says all)."""
    boxes = list(packets.boxes())
    for number in (TCP, UDP):
        for protocols, ports, _ in boxes:
            if protocols[0] <= number <= protocols[1]:
                return ("all", PORTS) if protocols == PROTOCOLS else (protocol_name((number, number)), ports)
    for protocols, ports, _ in boxes:
        return protocol_name(protocols), ports
    return "all", PORTS
