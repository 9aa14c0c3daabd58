"""What a reviewer reads: one line per exposure of alike resources of one resource block.

`aws_instance.app[0..99] in module.vpc[3]` reached on tcp 22 from the internet is one group,
not a hundred findings. A group holds the endpoints of one Terraform block (module instance
and resource name) that one exposure of their class reaches, with the same status and the same
acceptance. Per-endpoint findings (`--format json`, baselines) keep their own ids; a group's id
is the same recipe over the block instead of the resource, so it survives members coming and
going, and a baseline written from findings still accepts each member.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tfreach import escape
from tfreach.findings.catalogue import Severity
from tfreach.findings.finding import Exposure, Suppression
from tfreach.inputs.plan.references import module_address, split_instance_address
from tfreach.model.packets import Span
from tfreach.model.sources import Source
from tfreach.questions.check import PlanResult


@dataclass(eq=False)
class FindingGroup:
    exposure: Exposure
    block: str  # module instance and resource, without the instance key
    members: list[str]
    input: str
    suppressed: Suppression | None = None

    @property
    def label(self) -> str:
        """The members as one name: `aws_instance.app[0..99]`, or the one resource."""
        if len(self.members) == 1:
            return self.members[0]
        return f"{self.block}[{_keys_text(self.members, self.block)}]"

    @property
    def title(self) -> str:
        return self.exposure.title_of(self.label)

    @property
    def id(self) -> str:
        """Stable across runs: what is exposed to whom, for the block (members may come and go)."""
        e = self.exposure
        key = [e.type, self.block, e.protocol, e.port_range, e.source.kind, e.source_cidrs, e.via, e.status]
        key += list(e.intent) if e.intent else []
        return "TFRG-" + hashlib.sha256(json.dumps(key).encode()).hexdigest()[:12]

    @property
    def counts(self) -> bool:
        return self.suppressed is None and self.exposure.status != "closed"

    # What the exposure says, for every member.

    @property
    def type(self) -> str:
        return self.exposure.type

    @property
    def severity(self) -> Severity:
        return self.exposure.severity

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
    def intent(self) -> tuple[str, str] | None:
        return self.exposure.intent

    @property
    def path(self) -> list[dict[str, Any]]:
        return self.exposure.path

    @property
    def status(self) -> str:
        return self.exposure.status

    @property
    def certain(self) -> bool:
        return self.exposure.certain

    @property
    def assumptions(self) -> list[str]:
        return self.exposure.assumptions

    @property
    def service(self) -> str | None:
        return self.exposure.service

    @property
    def recommendation(self) -> str:
        return self.exposure.recommendation

    @property
    def resource(self) -> str:
        """The first member: where a report points (its block's file and line)."""
        return self.members[0]

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.input,
            self.block,
            self.members[0],
            self.source.kind,
            self.via or "",
            self.intent or ("", ""),
            self.type == "NetworkExposure",
            self.protocol,
            self.port_range or (0, 0),
            self.type,
        )


def finding_groups(result: PlanResult, closed: bool = False) -> list[FindingGroup]:
    """The result's findings (or what the plan closes) as groups: from the classes' exposures
    directly, unless findings were written out per endpoint to be accepted one by one."""
    key = ("groups", closed, result.written_out)
    if key not in result.memo:
        result.memo[key] = _grouped(result, closed)
    return list(result.memo[key])


def _grouped(result: PlanResult, closed: bool) -> list[FindingGroup]:
    groups: dict[tuple[int, str, Suppression | None], FindingGroup] = {}
    if result.written_out and not closed:
        for finding in result.findings:
            _add(groups, finding.exposure, finding.resource, result.path, finding.suppressed)
    else:
        for exposure, members in result.closed_exposures if closed else result.exposures:
            for member in members:
                _add(groups, exposure, member, result.path, None)
    return sorted(groups.values(), key=FindingGroup.sort_key)


def _add(
    groups: dict[tuple[int, str, Suppression | None], FindingGroup],
    exposure: Exposure,
    member: str,
    input_path: str,
    suppressed: Suppression | None,
) -> None:
    block = block_of(member)
    key = (id(exposure), block, suppressed)
    group = groups.get(key)
    if group is None:
        groups[key] = FindingGroup(exposure, block, [member], input_path, suppressed)
    else:
        group.members.append(member)


def described(group: FindingGroup) -> str:
    """One line a code review tool shows: what, its status, the path, what it rests on, what to do."""
    hops = " -> ".join(hop["address"] or group.label for hop in group.path)
    certainty = "" if group.certain else " It rests on an assumption: " + "; ".join(group.assumptions[:2]) + "."
    return escape.line(f"{group.title} ({group.status}). Path: {hops}.{certainty} {group.recommendation}")


@lru_cache(maxsize=1 << 16)
def block_of(address: str) -> str:
    """`module.vpc[3].aws_instance.app[7]` -> `module.vpc[3].aws_instance.app`."""
    try:
        module, resource_type, name, _ = split_instance_address(address)
    except (ValueError, AssertionError, IndexError):
        return address
    prefix = module_address(module)
    return f"{prefix}.{resource_type}.{name}" if prefix else f"{resource_type}.{name}"


def _keys_text(members: list[str], block: str, shown: int = 4) -> str:
    """Instance keys as ranges: `0..99`, `0..3, 7`; string keys: the first few and a count."""
    keys = [member[len(block) + 1 : -1] for member in members]
    numbers = sorted(int(k) for k in keys if k.isdigit())
    if len(numbers) == len(keys):
        return ", ".join(f"{lo}..{hi}" if hi > lo else str(lo) for lo, hi in _runs(numbers))
    named = sorted(keys)
    return ", ".join(named[:shown]) + (f", +{len(named) - shown} more" if len(named) > shown else "")


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
