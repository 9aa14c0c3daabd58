"""Ids the plan names but does not hold, and the precision items of the same family (issue 27).

Each case is a real plan (tests/inputs/outside/*, tests/inputs/precision/*, made by
tests/inputs/regenerate.sh); the answer was written from the AWS docs in its main.tf before the
code ran. Every case is judged twice: beside its .tf files, and copied alone, where the plan JSON
is all there is. No id outside the plan may make an exposure disappear.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from e2e.helpers import run_cli

INPUTS = REPO / "tests" / "inputs"
HINT = "give the stack that owns it with --context, or --context aws"

# (fixture, endpoint, source kind, protocol, port, certain, an address the source holds, one it
# must not hold (or None), ids the warnings must name with the hint)
CASES: list[tuple[str, str, str, str, int, bool, str, str | None, tuple[str, ...]]] = [
    # CreateRoute takes an internet gateway only when it is attached to the table's VPC.
    ("outside/igw-route", "aws_instance.web", "internet", "tcp", 22, True, "8.8.8.8", None, ("igw-0a1b2c3d4e5f60718",)),
    # The peer VPC reaches the instance over the peering the subnet routes replies to.
    (
        "outside/peering-route",
        "aws_instance.db",
        "peering",
        "tcp",
        5432,
        False,
        "10.99.0.1",
        "10.98.0.1",
        ("pcx-0a1b2c3d4e5f60718",),
    ),
    # On-premises networks arrive through the VPC's virtual private gateway (prefixes unknown).
    (
        "outside/vpn-gateway",
        "aws_instance.rdp",
        "vpn",
        "tcp",
        3389,
        False,
        "192.168.1.1",
        "8.8.8.8",
        ("vgw-0a1b2c3d4e5f60718",),
    ),
    (
        "outside/vpn-gateway",
        "aws_instance.ssh",
        "vpn",
        "tcp",
        22,
        False,
        "172.16.1.1",
        "8.8.8.8",
        ("vgw-0a1b2c3d4e5f60718",),
    ),
    # Other attachments of a shared transit gateway are unknown; the subnet routes 10/8 back to it.
    (
        "outside/transit-gateway",
        "aws_instance.api",
        "transit_gateway",
        "tcp",
        443,
        False,
        "10.0.0.1",
        "10.20.0.1",
        ("tgw-0a1b2c3d4e5f60718",),
    ),
    # Associated with and propagating to the network account's TGW route tables, by id.
    (
        "outside/transit-route-table",
        "aws_instance.api",
        "transit_gateway",
        "tcp",
        443,
        False,
        "10.0.0.1",
        "10.20.0.1",
        ("tgw-0a1b2c3d4e5f60718",),
    ),
    # No association: the VPC's main table, which is not in the plan, may route to any gateway.
    (
        "outside/subnet-in-existing-vpc",
        "aws_instance.web",
        "internet",
        "tcp",
        22,
        False,
        "8.8.8.8",
        None,
        ("vpc-0a1b2c3d4e5f60718",),
    ),
    (
        "outside/subnet-in-existing-vpc",
        "aws_instance.web",
        "peering",
        "tcp",
        22,
        False,
        "10.1.0.1",
        None,
        ("vpc-0a1b2c3d4e5f60718",),
    ),
    (
        "outside/subnet-in-existing-vpc",
        "aws_instance.web",
        "transit_gateway",
        "tcp",
        22,
        False,
        "10.1.0.1",
        None,
        ("vpc-0a1b2c3d4e5f60718",),
    ),
    (
        "outside/subnet-in-existing-vpc",
        "aws_instance.web",
        "vpn",
        "tcp",
        22,
        False,
        "10.1.0.1",
        None,
        ("vpc-0a1b2c3d4e5f60718",),
    ),
    # Associated by id with another stack's route table and ACL: any gateway, everything allowed.
    (
        "outside/route-table-and-acl",
        "aws_instance.web",
        "internet",
        "tcp",
        22,
        False,
        "8.8.8.8",
        None,
        ("rtb-0a1b2c3d4e5f60718", "acl-0a1b2c3d4e5f60718", "vpc-0a1b2c3d4e5f60718"),
    ),
    # The default VPC: AWS made it public, and anyone may have changed it since.
    (
        "outside/default-vpc",
        "aws_instance.web",
        "internet",
        "tcp",
        80,
        False,
        "8.8.8.8",
        None,
        ("aws_default_vpc.default",),
    ),
    # Another stack's load balancer, by ARN: internet-facing until a context says otherwise.
    (
        "outside/shared-load-balancer",
        "aws_instance.api",
        "internet",
        "tcp",
        8080,
        False,
        "8.8.8.8",
        None,
        ("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shared-api/0a1b2c3d4e5f6071",),
    ),
    (
        "outside/shared-load-balancer",
        "aws_instance.admin",
        "internet",
        "tcp",
        9090,
        False,
        "8.8.8.8",
        None,
        ("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/0a1b2c3d4e5f6071",),
    ),
    (
        "outside/shared-load-balancer",
        "aws_instance.web",
        "internet",
        "tcp",
        8443,
        False,
        "8.8.8.8",
        None,
        ("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/0a1b2c3d4e5f6071/0a1b2c3d4e5f6072",),
    ),
    # The peer's IPv6 block is known only after apply: the rule and the routes assume any IPv6 address.
    ("precision/ipv6-peering", "aws_instance.app", "peering", "tcp", 22, False, "2600::1", None, ()),
    # aws_main_route_table_association decides the main table: nothing is assumed.
    ("precision/main-route-table-association", "aws_instance.web", "internet", "tcp", 22, True, "8.8.8.8", None, ()),
    # A prefix list of another stack: its entries are unknown, any address.
    ("precision/prefix-list-only", "aws_instance.web", "internet", "tcp", 443, False, "8.8.8.8", None, ()),
    # A static blackhole wins over the propagated route of the same prefix: 10.2/16 gets no reply.
    (
        "precision/transit-default-blackhole",
        "aws_instance.app",
        "transit_gateway",
        "tcp",
        22,
        True,
        "10.3.1.1",
        "10.2.1.1",
        (),
    ),
    # Two attachments propagate 10.2/16: AWS keeps whichever propagated first; neither is certain.
    (
        "precision/transit-propagation-tie",
        "aws_instance.app",
        "transit_gateway",
        "tcp",
        22,
        False,
        "10.2.1.1",
        None,
        (),
    ),
    # A weighted forward: the group of weight 0 receives nothing (the other does).
    ("precision/weighted-forward", "aws_instance.blue", "internet", "tcp", 8080, True, "8.8.8.8", None, ()),
    # A mixed instances policy's override launches from its own template (SSH open, public IP).
    (
        "precision/asg-mixed-instances",
        "aws_autoscaling_group.workers",
        "internet",
        "tcp",
        22,
        False,
        "8.8.8.8",
        None,
        (),
    ),
    # An EC2 Fleet's instances are in its override's subnet, with its launch template's settings.
    ("precision/ec2-fleet", "aws_ec2_fleet.public", "internet", "tcp", 22, True, "8.8.8.8", None, ()),
    # A peer subnet reaches only what its routes send to the peering: the primary block, not the
    # secondary one.
    (
        "precision/peering-secondary-cidr",
        "aws_instance.primary",
        "peering",
        "tcp",
        5432,
        True,
        "10.99.1.1",
        "10.98.0.1",
        (),
    ),
    # A static route whose destination is known only after apply is kept, over any address.
    (
        "precision/transit-unknown-destination",
        "aws_instance.app",
        "transit_gateway",
        "tcp",
        22,
        False,
        "10.2.1.1",
        None,
        (),
    ),
]


def _check(plan: Path) -> dict[str, Any]:
    result = run_cli("check", str(plan), "--format", "json", "--expand", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module", params=["beside-tf", "alone"])
def reports(request, tmp_path_factory) -> dict[str, dict[str, Any]]:
    """Each fixture's report, read beside its .tf files or copied alone."""
    out = {}
    for name in dict.fromkeys(case[0] for case in CASES):
        plan = INPUTS / name / "plan.json"
        if request.param == "alone":
            alone = tmp_path_factory.mktemp(name.replace("/", "-")) / "plan.json"
            shutil.copy(plan, alone)
            plan = alone
        out[name] = _check(plan)
    return out


def _holds(cidrs: list[str], address: str) -> bool:
    return any(ipaddress.ip_address(address) in ipaddress.ip_network(c) for c in cidrs)


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}:{c[1]}:{c[2]}:{c[4]}" for c in CASES])
def test_the_aws_answer_is_reported_with_its_certainty(reports, case):
    name, endpoint, kind, protocol, port, certain, inside, outside, ids = case
    report = reports[name]
    found = [
        f
        for f in report["findings"]
        if f["resource"] == endpoint
        and f["source"]["kind"] == kind
        and f["protocol"] == protocol
        and f["port_range"] == [port, port]
    ]
    assert found, f"{name}: {endpoint} not reached from {kind} on {protocol}/{port}"
    assert {f["certain"] for f in found} == {certain}
    sources = [c for f in found for c in f["source"]["cidrs"]]
    assert _holds(sources, inside)
    assert outside is None or not _holds(sources, outside)
    for identity in ids:
        named = [w for w in report["warnings"] if w["resource"] == identity]
        assert any(HINT in w["message"] for w in named), f"{identity} is not warned with the way out"


def test_nothing_else_is_reached(reports):
    """The precise cases hold no extra exposure: only the ports their groups admit."""
    for name in ("outside/igw-route", "outside/peering-route", "precision/prefix-list-only"):
        ports = {tuple(f["port_range"]) for f in reports[name]["findings"] if f["port_range"]}
        assert len(ports) == 1, (name, ports)


def test_a_subnet_no_peer_route_covers_is_not_reached_from_the_peer(reports):
    found = reports["precision/peering-secondary-cidr"]["findings"]
    assert not [f for f in found if f["resource"] == "aws_instance.secondary"]


def test_a_fleet_in_a_private_subnet_is_not_reached(reports):
    assert not [f for f in reports["precision/ec2-fleet"]["findings"] if f["resource"] == "aws_ec2_fleet.private"]


def test_a_target_group_of_weight_zero_receives_nothing(reports):
    assert not [f for f in reports["precision/weighted-forward"]["findings"] if f["resource"] == "aws_instance.green"]


def test_a_server_in_no_target_group_stays_unreached(reports):
    found = reports["outside/shared-load-balancer"]["findings"]
    assert {f["resource"] for f in found} == {"aws_instance.api", "aws_instance.admin", "aws_instance.web"}


def test_a_possible_answer_says_what_it_rests_on(reports):
    for name in ("outside/peering-route", "outside/transit-gateway", "precision/transit-propagation-tie"):
        report = reports[name]
        possible = [f for f in report["findings"] if not f["certain"]]
        assert possible and all(f["assumptions"] for f in possible)
    tie = reports["precision/transit-propagation-tie"]
    said = [report_text for f in tie["findings"] for report_text in (tie["assumptions"][a] for a in f["assumptions"])]
    assert any("propagated first" in text for text in said)


def test_unknown_destinations_are_warned_where_they_are(reports):
    warned = {w["resource"] for w in reports["precision/ipv6-peering"]["warnings"]}
    assert {"aws_route.to_peer_v6", "aws_route_table.peer", "aws_security_group.app"} <= warned
    unknown = reports["precision/transit-unknown-destination"]["warnings"]
    assert any(w["resource"] == "aws_ec2_transit_gateway_route.to_spoke" for w in unknown)
    listed = reports["precision/prefix-list-only"]["warnings"]
    assert any("pl-0a1b2c3d4e5f60718" in w["message"] for w in listed)
