"""Findings: types, severity table, titles and evidence."""

from __future__ import annotations

from model_builder import NetworkBuilder, match

from tfreach.engine.build import build_graph
from tfreach.engine.trace import from_outside
from tfreach.findings.catalogue import Severity
from tfreach.findings.finding import Finding
from tfreach.findings.findings import endpoint_findings
from tfreach.model.sources import INTERNET


def findings_for(*rules) -> list[Finding]:
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.public_route_table([subnet])
    group = builder.security_group("web", list(rules))
    builder.instance("web", subnet, [group])
    paths = from_outside(build_graph(builder.network, [INTERNET]), INTERNET)
    exposures = endpoint_findings(paths[("aws_instance.web", None)]) if paths else []
    return [Finding(e, "aws_instance.web") for e in exposures]


def by_type(findings: list[Finding], kind: str) -> list[Finding]:
    return [f for f in findings if f.type == kind]


def test_a_catalogued_port_is_a_recognized_port_finding_with_a_readable_title():
    (ssh,) = by_type(findings_for(match("tcp", (22, 22), "0.0.0.0/0")), "RecognizedPort")
    assert ssh.title == "TCP port 22 (SSH) on aws_instance.web is reachable from the internet"
    assert ssh.port_range == (22, 22) and ssh.protocol == "tcp" and ssh.source_cidrs == ["0.0.0.0/0"]


def test_a_range_with_ports_outside_the_catalogue_is_one_unrecognized_finding_plus_the_services_inside():
    findings = findings_for(match("tcp", (20, 25), "0.0.0.0/0"))
    assert [(f.port_range, f.service) for f in by_type(findings, "UnrecognizedPort")] == [((20, 25), None)]
    assert {f.service for f in by_type(findings, "RecognizedPort")} == {"FTP", "SSH", "Telnet", "SMTP"}


def test_all_traffic_is_one_critical_finding_not_one_per_catalogued_service():
    findings = findings_for(match("-1", None, "0.0.0.0/0"))
    (everything,) = [f for f in findings if f.type != "NetworkExposure"]
    assert everything.protocol == "all" and everything.severity is Severity.CRITICAL
    assert everything.title == "All traffic to aws_instance.web is reachable from the internet"


def test_services_open_to_more_than_all_traffic_are_still_their_own_findings():
    findings = findings_for(match("-1", None, "10.0.0.0/8"), match("tcp", (22, 22), "0.0.0.0/0"))
    kinds = {(f.protocol, f.service) for f in findings if f.type != "NetworkExposure"}
    assert ("tcp", "SSH") in kinds


def test_every_endpoint_gets_one_network_exposure_summary():
    findings = findings_for(match("tcp", (22, 22), "0.0.0.0/0"), match("udp", (53, 53), "0.0.0.0/0"))
    (summary,) = by_type(findings, "NetworkExposure")
    assert summary.severity is Severity.INFO
    assert [(r["protocol"], r["port_range"]) for r in summary.ranges or []] == [("tcp", [22, 22]), ("udp", [53, 53])]


def test_all_ports_are_worse_than_ssh_which_is_worse_than_https():
    every_port = findings_for(match("tcp", (0, 65535), "0.0.0.0/0"))
    wide = next(f for f in every_port if f.type == "UnrecognizedPort")
    ssh = next(f for f in every_port if f.service == "SSH")
    https = next(f for f in every_port if f.service == "HTTPS")
    assert wide.severity > ssh.severity > https.severity


def test_a_port_open_to_part_of_the_internet_is_one_level_less_severe():
    (office,) = by_type(findings_for(match("tcp", (3389, 3389), "203.0.113.0/24")), "RecognizedPort")
    (world,) = by_type(findings_for(match("tcp", (3389, 3389), "0.0.0.0/0")), "RecognizedPort")
    assert world.severity is Severity.HIGH and office.severity is Severity.MEDIUM
    assert office.source_cidrs == ["203.0.113.0/24"]
    assert office.title.endswith("reachable from 203.0.113.0/24")


def test_ports_open_to_different_sources_are_separate_findings():
    findings = findings_for(match("tcp", (8000, 8010), "0.0.0.0/0"), match("tcp", (8005, 8005), "10.0.0.0/8"))
    assert [f.port_range for f in by_type(findings, "UnrecognizedPort")] == [(8000, 8010)]


def test_each_finding_carries_a_recommendation_and_the_path_from_the_internet():
    (ssh,) = by_type(findings_for(match("tcp", (22, 22), "0.0.0.0/0")), "RecognizedPort")
    assert "Session Manager" in ssh.recommendation
    assert [hop["role"] for hop in ssh.path] == [
        "source",
        "internet gateway",
        "route back",
        "subnet",
        "network ACL inbound",
        "network ACL outbound reply",
        "security groups",
        "public address",
    ]


def test_what_reached_the_endpoint_before_the_plan_is_existing_the_rest_new():
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.public_route_table([subnet])
    group = builder.security_group(
        "web", [match("tcp", (443, 443), "0.0.0.0/0"), match("tcp", (8000, 8100), "0.0.0.0/0")]
    )
    builder.instance("web", subnet, [group])
    paths = from_outside(build_graph(builder.network, [INTERNET]), INTERNET)[("aws_instance.web", None)]
    before = match("tcp", (443, 443), "0.0.0.0/0") | match("tcp", (8000, 8050), "0.0.0.0/0")
    statuses = {(e.port_range, e.status) for e in endpoint_findings(paths, before) if e.type != "NetworkExposure"}
    assert statuses == {((443, 443), "existing"), ((8000, 8050), "existing"), ((8051, 8100), "new")}


def test_finding_ids_are_stable_and_tell_sources_apart():
    world = by_type(findings_for(match("tcp", (22, 22), "0.0.0.0/0")), "RecognizedPort")[0]
    office = by_type(findings_for(match("tcp", (22, 22), "203.0.113.0/24")), "RecognizedPort")[0]
    again = by_type(findings_for(match("tcp", (22, 22), "0.0.0.0/0")), "RecognizedPort")[0]
    assert world.id == again.id != office.id
