"""Run the real CLI and read its JSON contract."""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from tfreach.model.packets import PORTS, IntervalSet, PacketSet, addresses
from tfreach.model.protocols import protocol_span
from tfreach.model.sources import INTERNET


def run_cli(*args: str, stdin: bytes | None = None, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """`tfreach ARGS`; `timeout`: a run that would hang fails the test instead."""
    return subprocess.run(
        [sys.executable, "-m", "tfreach", *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@cache
def check_json(path: Path) -> dict[str, Any]:
    """`tfreach check PATH --format json --expand` (a finding per endpoint), validated against the
    shipped output schema."""
    result = run_cli("check", str(path), "--format", "json", "--expand", "--expand", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    validate_output(report)
    return report


def wait_until_up(url: str, process: subprocess.Popen[Any], said: Callable[[], str] = str) -> None:
    """Until a server started for a test answers `url` (it fails the test if it exits first)."""
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            assert process.poll() is None, f"the server did not start: {said()}"
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within 20 s")


def hops(report: dict[str, Any], finding: dict[str, Any]) -> list[dict[str, Any]]:
    """A finding's path: the report writes each path once, by id."""
    return list(report["paths"][finding["path"]])


def assumed(report: dict[str, Any], finding: dict[str, Any]) -> list[str]:
    """What a finding rests on: the report writes each assumption once, by id."""
    return [report["assumptions"][a] for a in finding["assumptions"]]


def validate_output(report: dict[str, Any]) -> None:
    schema = json.loads(resources.files("tfreach.reports").joinpath("output_schema.json").read_text())
    jsonschema.validate(report, schema)


def port_findings(
    report: dict[str, Any],
    resource: str,
    protocol: str,
    port: int | None = None,
    *,
    via: str | None = None,
    kind: str = "internet",
) -> list[dict[str, Any]]:
    """Findings (not summaries) from a `kind` of source on `resource` that cover `protocol`/`port`,
    on the given path (direct: via None)."""
    out = []
    for finding in report["findings"]:
        if finding["type"] == "NetworkExposure" or finding["resource"] != resource or finding["via"] != via:
            continue
        if finding["source"]["kind"] != kind or (finding["protocol"] not in (protocol, "all") and protocol != "all"):
            continue
        low, high = finding["port_range"]
        if port is None or low <= port <= high:
            out.append(finding)
    return out


def sources_within(finding: dict[str, Any], allowed: list[str]) -> bool:
    """Are all of the finding's source CIDRs inside the allowed ranges?"""
    nets = [ipaddress.ip_network(c) for c in allowed]
    return all(
        any(ipaddress.ip_network(c).subnet_of(n) for n in nets if n.version == ipaddress.ip_network(c).version)
        for c in finding["source"]["cidrs"]
    )


def sources_overlap(finding: dict[str, Any], cidr: str) -> bool:
    want = ipaddress.ip_network(cidr)
    return any(
        ipaddress.ip_network(c).version == want.version and ipaddress.ip_network(c).overlaps(want)
        for c in finding["source"]["cidrs"]
    )


def exposures(report: dict[str, Any]) -> dict[tuple[str, str, str | None], PacketSet]:
    """(resource, source kind, via) -> every packet its findings say reaches it."""
    out: dict[tuple[str, str, str | None], PacketSet] = {}
    for finding in report["findings"]:
        if finding["type"] == "NetworkExposure":
            continue
        key = (finding["resource"], finding["source"]["kind"], finding["via"])
        out[key] = out.get(key, PacketSet()) | finding_packets(finding)
    return out


def finding_packets(finding: dict[str, Any]) -> PacketSet:
    """The packets one finding says reach its resource (from the internet, 0.0.0.0/0 and ::/0
    stand for every internet address of the family, as the JSON contract says)."""
    protocols = _protocols(finding["protocol"])
    ports = tuple(finding["port_range"]) if finding["port_range"] else PORTS
    whole = (
        {"0.0.0.0/0": INTERNET.family(4), "::/0": INTERNET.family(6)} if finding["source"]["kind"] == "internet" else {}
    )
    sources = IntervalSet()
    for cidr in finding["source"]["cidrs"]:
        sources = sources | (whole[cidr] if cidr in whole else addresses(cidr))
    return PacketSet.box(protocols, ports, sources)  # type: ignore[arg-type]


def _protocols(name: str) -> tuple[int, int]:
    """A finding's protocol: a name, a number, "all", or a range of numbers ("18-57")."""
    low, dash, high = name.partition("-")
    return (int(low), int(high)) if dash and low.isdigit() else protocol_span(name)


def uncovered(wider: dict[str, Any], narrower: dict[str, Any]) -> list[str]:
    """What `narrower` reports that `wider` does not (empty: wider is a superset)."""
    mine = exposures(wider)
    return [
        f"{key}: {packets - mine.get(key, PacketSet())}"
        for key, packets in exposures(narrower).items()
        if not packets.issubset(mine.get(key, PacketSet()))
    ]
