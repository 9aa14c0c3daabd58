"""A finding's evidence: hop by hop, the rules that admitted its packets, and what was assumed.

Endpoints behind the same subnet, groups and load balancer share their hop objects, and their
findings ask about the same packets: each answer is computed once, in the analysis's cache
object, and shared read-only by the findings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from tfreach.engine.trace import Probe, Trace
from tfreach.model.packets import IntervalSet, PacketSet, cidrs_of, family_of
from tfreach.model.sources import Source

Shown = tuple[list[dict[str, Any]], list[str]]  # the hops as a finding shows them, and the assumptions


class Evidence:
    """The evidence of findings, once per hops and packets (`memo`: the cache object's table)."""

    def __init__(self, memo: dict[Any, Any] | None = None) -> None:
        self._known: dict[Any, Any] = {} if memo is None else memo

    def of(self, path: Trace, packets: PacketSet) -> Shown:
        delivered = path.packets & packets
        key = (path.source, tuple(map(id, path.hops)), path.probes, delivered)
        found: Shown | None = self._known.get(key)
        if found is None:
            found = self._known[key] = evidence_of(path, delivered)
        return found


def evidence_of(path: Trace, delivered: PacketSet) -> Shown:
    """Hop by hop, the rules that admitted these packets, and what had to be assumed."""
    hops: list[dict[str, Any]] = [
        {"address": path.source.kind, "type": "source", "role": "source", "rule": path.source.label}
    ]
    assumptions: list[str] = []
    seen_by: dict[Probe, PacketSet] = {}  # a path has one or two probes: compute each once
    for index, hop in enumerate(path.hops):
        probe = path.probe(index)
        if probe not in seen_by:
            seen_by[probe] = probe.apply(delivered)
        shown, assumed = hop.evidence(seen_by[probe])
        hops.append(shown)
        for text in assumed:
            if text not in assumptions:
                assumptions.append(text)
    return hops, assumptions


def source_cidrs(source: Source, addrs: IntervalSet) -> list[str]:
    """0.0.0.0/0 (::/0) stands for the whole source in that family; else exact CIDRs."""
    return list(_source_cidrs(source, addrs))


@lru_cache(maxsize=65536)
def _source_cidrs(source: Source, addrs: IntervalSet) -> tuple[str, ...]:
    """Many findings share their sources: describe each set of addresses once."""
    out: list[str] = []
    for version, whole in ((4, "0.0.0.0/0"), (6, "::/0")):
        part = family_of(addrs, version)
        if source.kind == "internet" and source.covers_family(addrs, version):
            out.append(whole)
        elif part:
            out.extend(cidrs_of(part))
    return tuple(out)
