"""`tfreach query`: what reaches what, between any endpoints of the plan, and why not.

`--from` and `--to` are selectors (selectors.py). From an outside source the answer is check's
own (the same graph); between endpoints it is internal.py's paths. Each (source, target) pair of
classes of alike endpoints gets an answer: what passes, whether it is certain, one path with the
rule at every hop, and, when nothing passes, where each path stops and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tfreach.aws.acl import EPHEMERAL_PORTS
from tfreach.engine.between import InternalPaths
from tfreach.engine.classes import Classes
from tfreach.engine.hop import Hop
from tfreach.findings.findings import certain_part
from tfreach.model.network import Network
from tfreach.model.packets import EMPTY, PacketSet, Span, union_all
from tfreach.questions.check import Reached
from tfreach.questions.intents import named_classes
from tfreach.questions.intents import packets_text as ports_text
from tfreach.questions.selectors import Selection, select


@dataclass
class Answer:
    source: str
    target: str
    members: tuple[str, ...]  # the target's alike endpoints (out to the internet: the source's)
    passes: PacketSet
    certain: PacketSet
    paths: list[tuple[tuple[Hop, ...], PacketSet, PacketSet]]  # every path: hops, what it delivers, what is asked


def query(
    network: Network,
    classes: Classes,
    reached: Reached,
    source: str,
    target: str,
    probe: PacketSet,
    ephemeral: Span = EPHEMERAL_PORTS,
) -> list[Answer]:
    """An answer per (source, target class): what of `probe` gets through, and how."""
    sources, targets = select(network, source), select(network, target)
    if sources.outside is not None:
        return _from_outside(network, classes, reached, sources, targets, probe)
    internal = InternalPaths(network, classes, ephemeral)
    out = []
    targeted = named_classes(targets.endpoints, classes, network)
    for s, named in named_classes(sources.endpoints, classes, network).items():
        interface = network.interfaces[s]
        if targets.outside == "internet":  # out to the internet: the packets' addresses are the destinations
            ways = internal.to_internet(interface)
            found = [(p.hops, p.packets & probe, probe.only_from(p.source.addresses)) for p in ways.paths()]
            out.append(_answer(named[0], "internet", named, found, ways.certain & probe))
        for t, members in targeted.items():
            # alike endpoints reach one another as any two do; an endpoint is not asked about itself
            name = next((n for n in named if len(members) > 1 or n not in members), None)
            if name is not None:
                between = internal.between(interface, network.interfaces[t])
                found = [(p.hops, p.packets & probe, probe.only_from(p.source.addresses)) for p in between.paths()]
                others = tuple(m for m in members if m != name)
                out.append(_answer(name, others[0], others, found, between.certain & probe))
    return out


def _from_outside(
    network: Network, classes: Classes, reached: Reached, sources: Selection, targets: Selection, probe: PacketSet
) -> list[Answer]:
    """From the internet, a VPN, a peer or a transit gateway: check's own paths."""
    limit = probe if sources.cidrs is None else probe.only_from(sources.cidrs)
    out = []
    for t, members in named_classes(targets.endpoints, classes, network, balancers=True).items():
        outside = [p for (kind, e, _), ps in reached.items() if e == t and sources.comes_from(kind) for p in ps]
        found = [(p.hops, p.packets & limit, limit.only_from(p.source.addresses)) for p in outside]
        certain = certain_part(outside) & limit if outside else EMPTY
        out.append(_answer(str(sources.outside), members[0], members, found, certain))
    return out


def _answer(
    source: str,
    target: str,
    members: tuple[str, ...],
    paths: list[tuple[tuple[Hop, ...], PacketSet, PacketSet]],
    certain: PacketSet,
) -> Answer:
    passes = union_all(p for _, p, _ in paths) if paths else EMPTY
    return Answer(source, target, members, passes, certain, paths)


def render_text(answers: list[Answer]) -> str:
    if not answers:
        return "no endpoint matches --to (or --from names none)\n"
    lines = []
    for answer in answers:
        alike = f" (+{len(answer.members) - 1} alike)" if len(answer.members) > 1 else ""
        head = f"{answer.source} -> {answer.target}{alike}: "
        if answer.passes:
            sure = "certain" if answer.passes.issubset(answer.certain) else "possible"
            lines.append(head + f"REACHABLE, {ports_text(answer.passes)} ({sure})")
            hops, delivered = next((h, p) for h, p, _ in answer.paths if p)
            lines += [f"    {hop.role}: {hop.address}: {_rule(hop, delivered)}" for hop in hops]
        else:
            lines.append(head + "not reachable")
            reasons = _why_not(answer) or ["no path: no route or gateway between them"]
            lines += [f"    {why}" for why in reasons]
    return "\n".join(lines) + "\n"


def _rule(hop: Hop, delivered: PacketSet) -> str:
    shown, _ = hop.evidence(delivered)
    return str(shown.get("rule") or "")


def _why_not(answer: Answer) -> list[str]:
    """Where each path stops, once per distinct reason."""
    out: list[str] = []
    for hops, _, asked in answer.paths:
        packets = asked
        for hop in hops:
            if not packets & hop.passes:
                reason = f"blocked at {hop.role} ({hop.address}): {hop.why_blocked(packets)}"
                if reason not in out:
                    out.append(reason)
                break
            packets = packets & hop.passes
    return out


def render_json(answers: list[Answer]) -> dict[str, Any]:
    out = []
    for answer in answers:
        entry: dict[str, Any] = {
            "from": answer.source,
            "to": answer.target,
            "alike": list(answer.members),
            "reachable": bool(answer.passes),
            "certain": bool(answer.passes) and answer.passes.issubset(answer.certain),
            "what": ports_text(answer.passes) if answer.passes else None,
            "path": [],
            "blocked": [] if answer.passes else _why_not(answer) or ["no path: no route or gateway between them"],
        }
        delivering = [(h, p) for h, p, _ in answer.paths if p]
        if delivering:
            hops, packets = delivering[0]
            entry["path"] = [{"role": h.role, "address": h.address, "rule": _rule(h, packets)} for h in hops]
        out.append(entry)
    return {"answers": out}
