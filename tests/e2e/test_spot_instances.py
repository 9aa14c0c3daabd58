"""EC2 Spot Instance requests are instances (tests/inputs/spot-instances: a real plan and its sources).

Expected from the AWS EC2 User Guide: a Spot Instance launches with its request's network settings,
so in a public subnet with a public IP and SSH open it is reachable on 22; in a private subnet it
is not; without a subnet it lands in the default VPC in its default security group. The plan holds
neither, and either may have been changed since AWS made it (opened, routed to a gateway): fail
closed, possibly reachable from every source until a context says what they are.
"""

from __future__ import annotations

import json

import pytest
from conftest import REPO
from e2e.helpers import run_cli

SPOT = REPO / "tests" / "inputs" / "spot-instances"


@pytest.mark.parametrize("path", [SPOT / "plan.json", SPOT], ids=["plan", "sources"])
def test_a_spot_instance_is_reached_as_an_instance_is(path):
    result = run_cli("check", str(path), "--format", "json", "--expand", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    certain = {
        (f["resource"], f["protocol"], tuple(f["port_range"]))
        for f in report["findings"]
        if f["certain"] and f["port_range"]
    }
    assert certain == {("aws_spot_instance_request.public_worker", "tcp", (22, 22))}
    possibly = {(f["resource"], f["source"]["kind"]) for f in report["findings"] if not f["certain"]}
    assert possibly == {
        ("aws_spot_instance_request.default_vpc_worker", source)
        for source in ("internet", "peering", "transit_gateway", "vpn")
    }
    assert not [f for f in report["findings"] if f["resource"] == "aws_spot_instance_request.private_worker"]
    assert any(w["resource"] == "default VPC" and "--context aws" in w["message"] for w in report["warnings"])
    assert report["inputs"][0]["modelled"]["aws_spot_instance_request"] == 3
    assert not [w for w in report["warnings"] if "not modelled" in w["message"]]
