"""What a finding is: the exposure a class of alike endpoints shares (`Exposure`), one endpoint's
view of it (`Finding`), its acceptance (`Suppression`), and the stable id a finding keeps across
runs (baselines, `--new-only` and reports all name findings by it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tfreach.findings.catalogue import Severity
from tfreach.model.packets import Span
from tfreach.model.sources import Source


@dataclass(frozen=True)
class Suppression:
    """Why an accepted exposure does not count: who accepted it, and the reason they gave."""

    by: str  # config | tag | comment | baseline
    reason: str


@dataclass(eq=False)
class Exposure:
    """What reaches every member of an endpoint class from one kind of source: one finding's
    worth, computed once for the class (`Finding` is the view of it for one member).

    `certain`: it holds whatever the assumptions (in every subnet the endpoint may be in, by
    rules that rest on nothing); otherwise it is only possible.
    """

    type: str
    severity: Severity
    resource_type: str
    protocol: str
    port_range: Span | None
    source: Source
    source_cidrs: list[str]
    via: str | None
    path: list[dict[str, Any]]
    recommendation: str
    title_of: Callable[[str], str]  # the title, for one member
    service: str | None = None
    ranges: list[dict[str, Any]] | None = None
    assumptions: list[str] = field(default_factory=list)
    status: str = "new"  # new | existing | closed
    certain: bool = True
    intent: tuple[str, str] | None = None  # an IntentViolation: (the intent it breaks, whose traffic breaks it)


class Finding:
    """One endpoint's finding: a thin view of its class's `Exposure` (shared, read-only), with
    what is its own: the resource, the input it came from, whether it is accepted."""

    __slots__ = ("_id", "exposure", "input", "resource", "suppressed")

    def __init__(self, exposure: Exposure, resource: str, input: str = "") -> None:
        self.exposure = exposure
        self.resource = resource
        self.input = input
        self.suppressed: Suppression | None = None
        self._id: str | None = None

    # What the class's exposure says, for this member.

    @property
    def type(self) -> str:
        return self.exposure.type

    @property
    def severity(self) -> Severity:
        return self.exposure.severity

    @property
    def resource_type(self) -> str:
        return self.exposure.resource_type

    @property
    def protocol(self) -> str:
        return self.exposure.protocol

    @property
    def port_range(self) -> Span | None:
        return self.exposure.port_range

    @property
    def source(self) -> Source:
        return self.exposure.source

    @property
    def source_cidrs(self) -> list[str]:
        return self.exposure.source_cidrs

    @property
    def via(self) -> str | None:
        return self.exposure.via

    @property
    def path(self) -> list[dict[str, Any]]:
        return self.exposure.path

    @property
    def recommendation(self) -> str:
        return self.exposure.recommendation

    @property
    def service(self) -> str | None:
        return self.exposure.service

    @property
    def ranges(self) -> list[dict[str, Any]] | None:
        return self.exposure.ranges

    @property
    def assumptions(self) -> list[str]:
        return self.exposure.assumptions

    @property
    def status(self) -> str:
        return self.exposure.status

    @property
    def certain(self) -> bool:
        return self.exposure.certain

    @property
    def intent(self) -> tuple[str, str] | None:
        return self.exposure.intent

    @property
    def title(self) -> str:
        return self.exposure.title_of(self.resource)

    @property
    def id(self) -> str:
        """Stable across runs and machines: what is exposed to whom, not where the plan file lies."""
        if self._id is None:
            self._id = finding_id(self.exposure, self.resource)
        return self._id

    @property
    def counts(self) -> bool:
        """Does it count for the exit code? Suppressed and closed findings never do."""
        return self.suppressed is None and self.status != "closed"

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.input,
            self.resource,
            self.source.kind,
            self.via or "",
            self.intent or ("", ""),
            self.type == "NetworkExposure",
            self.protocol,
            self.port_range or (0, 0),
            self.type,
        )


def finding_id(e: Exposure, resource: str) -> str:
    """A finding's id: a hash of what is exposed to whom (see Finding.id)."""
    return member_ids(e)(resource)


_json_string = json.encoder.encode_basestring_ascii


def member_ids(e: Exposure) -> Callable[[str], str]:
    """The ids of an exposure's members, its part of the hash taken once: sha256 of the JSON
    list [type, resource, protocol, ports, source kind, source CIDRs, via, (intent, its source)]."""
    rest = [e.protocol, e.port_range, e.source.kind, e.source_cidrs, e.via]
    rest += list(e.intent) if e.intent else []  # which intent, broken by whom
    head = hashlib.sha256(f"[{json.dumps(e.type)}, ".encode())
    tail = f", {json.dumps(rest)[1:]}".encode()  # json.dumps of the whole list, after the resource

    def member_id(resource: str) -> str:
        digest = head.copy()
        digest.update(_json_string(resource).encode())  # what json.dumps writes for a str
        digest.update(tail)
        return "TFR-" + digest.hexdigest()[:12]

    return member_id
