"""Every sample plan gives the findings its expected.json lists, and none it rules out."""

from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLES, load_json
from e2e.helpers import check_json, hops, port_findings, sources_overlap, sources_within, uncovered

FOLDERS = sorted(p.parent.name for p in SAMPLES.glob("*/expected.json"))


def test_there_are_sample_plans():
    assert {
        "inspector-blog",
        "bastion-private-app",
        "three-tier-nat",
        "nacl-heavy",
        "ipv6-dualstack",
        "modules-count-foreach",
    } <= set(FOLDERS)


def expectations(kind: str) -> list[tuple[str, dict]]:
    return [
        (folder, entry) for folder in FOLDERS for entry in load_json(SAMPLES / folder / "expected.json").get(kind, [])
    ]


def label(item: tuple[str, dict]) -> str:
    folder, entry = item
    via = f":via {entry['via']}" if entry.get("via") else ""
    return f"{folder}:{entry['resource']}:{entry['protocol']}/{entry['ports']}:{entry.get('from', '')}{via}"


KINDS = {"internet": "internet", "cidr": "internet", "vpn": "vpn", "peer": "peering", "tgw": "transit_gateway"}


def from_source(folder: str, entry: dict) -> tuple[str, list[str]]:
    """(source kind, the CIDRs a finding's sources must overlap; none for the whole internet)."""
    head, _, detail = entry["from"].partition(":")
    if head in ("cidr", "vpn"):
        return KINDS[head], [detail]
    if head in ("peer", "tgw"):
        return KINDS[head], vpc_cidrs(folder, detail)
    return KINDS[head], []


def vpc_cidrs(folder: str, vpc: str) -> list[str]:
    resources = load_json(SAMPLES / folder / "plan.json")["planned_values"]["root_module"]["resources"]
    return [r["values"]["cidr_block"] for r in resources if r["address"] == vpc]


def matching(folder: str, entry: dict, port: int | None) -> list[dict]:
    report = check_json(SAMPLES / folder / "plan.json")
    kind, cidrs = from_source(folder, entry)
    found = port_findings(report, entry["resource"], entry["protocol"], port, via=entry.get("via"), kind=kind)
    return [f for f in found if not cidrs or any(sources_overlap(f, c) for c in cidrs)]


@pytest.mark.parametrize("item", expectations("reachable"), ids=label)
def test_reachable(item):
    folder, entry = item
    for port in entry["ports"]:
        assert matching(folder, entry, port), (
            f"{entry['resource']} {entry['protocol']}/{port} should be reachable: {entry['why']}"
        )


@pytest.mark.parametrize("item", expectations("not_reachable"), ids=label)
def test_not_reachable(item):
    folder, entry = item
    ports = [None] if entry["ports"] == "any" else entry["ports"]
    if entry["from"] != "internet":
        for port in ports:
            assert not matching(folder, entry, port), entry["why"]
        return
    # Not from the internet beyond the public ranges listed as reachable for the same resource.
    allowed = [
        r["from"][5:]
        for r in load_json(SAMPLES / folder / "expected.json")["reachable"]
        if r["resource"] == entry["resource"] and r["from"].startswith("cidr:") and r.get("via") == entry.get("via")
    ]
    for port in ports:
        for finding in matching(folder, entry, port):
            assert sources_within(finding, allowed), f"{finding['title']}: {entry['why']}"


def test_inspector_blog_reproduces_the_field_report():
    """The seed document's conclusions, in the words of its summary."""
    report = check_json(SAMPLES / "inspector-blog" / "plan.json")
    for instance in ("aws_instance.inspector_agent", "aws_instance.inspector_noagent"):
        for port in (21, 22, 80, 110, 443):
            assert port_findings(report, instance, "tcp", port), f"{instance} tcp/{port}"
        assert not port_findings(report, instance, "tcp", 3306), "3306 only admits members of sg Inspector"
    assert not [f for f in report["findings"] if f["resource"] == "aws_instance.inspector_private"], (
        "private subnet: never reported"
    )
    assert not port_findings(report, "aws_instance.web", "tcp", 443), "443 from anywhere, but the subnet is private"


def test_each_finding_names_the_rule_that_admitted_it_at_every_hop():
    report = check_json(SAMPLES / "nacl-heavy" / "plan.json")
    finding = port_findings(report, "aws_instance.web", "tcp", 3389)[0]
    roles = {hop["role"]: hop for hop in hops(report, finding)}
    assert roles["network ACL inbound"]["rule"] == "aws_network_acl.web #130 ALLOW tcp 1024-65535 0.0.0.0/0"
    assert "egress #100 ALLOW tcp 1024-65535" in roles["network ACL outbound reply"]["rule"]
    assert "0.0.0.0/0 -> aws_internet_gateway" in roles["route back"]["rule"]
    assert roles["security groups"]["rule"].startswith("aws_security_group.open ingress tcp 3389")
    assert roles["public address"]["rule"] == "associate_public_ip_address = true"


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_sample_plan_read_alone_covers_what_it_says_beside_its_sources(folder, tmp_path):
    """Without the .tf beside it, a plan may say more (possible findings), never less."""
    shutil.copy(SAMPLES / folder / "plan.json", tmp_path / "plan.json")
    assert not uncovered(check_json(tmp_path / "plan.json"), check_json(SAMPLES / folder / "plan.json"))
