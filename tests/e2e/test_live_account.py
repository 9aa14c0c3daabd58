"""`--context aws`: the live account, read only, for the ids nothing else holds (issue 27).

A local AWS API (moto's server, started here on a free port of 127.0.0.1 and stopped by the
tests) holds the network of tests/inputs/split-stack/network/main.tf, built with the same calls
Terraform makes. moto gives new ids at every run, so the application plan of split-stack/app-ids
(real terraform output) has the network's old ids replaced by the new ones, and nothing else.
Expected, as with the network stack's state (test_split_stack.py, from the AWS docs): exact and
certain answers, no warning.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from e2e.helpers import wait_until_up
from e2e.test_split_stack import EXPECTED, _answers

pytest.importorskip("boto3", reason="--context aws needs boto3 (pip install 'tfreach[aws]')")
pytest.importorskip("moto.server", reason="the local AWS API needs moto[server]")
import boto3

STACKS = REPO / "tests" / "inputs" / "split-stack"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/moto-api/", server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _ec2(url: str) -> Any:
    return boto3.client(
        "ec2", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )


def build_network(ec2: Any) -> dict[str, str]:
    """network/main.tf, call by call: the new id of each of its resources, by address."""
    ids: dict[str, str] = {}
    vpc = ids["aws_vpc.main"] = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    igw = ids["aws_internet_gateway.igw"] = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public = ids["aws_subnet.public"] = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=public, MapPublicIpOnLaunch={"Value": True})
    private = ids["aws_subnet.private"] = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24")["Subnet"]["SubnetId"]
    partner = ids["aws_vpc.partner"] = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    partner_subnet = ec2.create_subnet(VpcId=partner, CidrBlock="10.30.1.0/24")["Subnet"]["SubnetId"]
    peering = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=partner)["VpcPeeringConnection"]
    pcx = ids["aws_vpc_peering_connection.partner"] = peering["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for subnet, block, target in (
        (public, "0.0.0.0/0", {"GatewayId": igw}),
        (private, "10.30.0.0/16", {"VpcPeeringConnectionId": pcx}),
        (partner_subnet, "10.20.0.0/16", {"VpcPeeringConnectionId": pcx}),
    ):
        owner = partner if subnet == partner_subnet else vpc
        table = ec2.create_route_table(VpcId=owner)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock=block, **target)
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for egress in (False, True):
        ec2.create_network_acl_entry(
            NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow", Egress=egress, CidrBlock="10.0.0.0/8"
        )
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [private]}])
    association = next(
        a["NetworkAclAssociationId"]
        for n in current["NetworkAcls"]
        for a in n["Associations"]
        if a["SubnetId"] == private
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    group = ec2.create_security_group(GroupName="bastion", Description="SSH from anywhere", VpcId=vpc)["GroupId"]
    ids["aws_security_group.bastion"] = group
    ssh = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[ssh])
    return ids


@pytest.fixture(scope="module")
def plan(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """app-ids/plan.json with the network stack's ids replaced by the live ones."""
    state = json.loads((STACKS / "network" / "state.json").read_text())
    old = {r["address"]: r["values"]["id"] for r in state["values"]["root_module"]["resources"]}
    text = (STACKS / "app-ids" / "plan.json").read_text()
    for address, new in build_network(_ec2(endpoint)).items():
        text = text.replace(old[address], new)
    path = tmp_path_factory.mktemp("live") / "plan.json"
    path.write_text(text)
    return path


def _run(endpoint: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **CREDENTIALS, "AWS_ENDPOINT_URL": endpoint, **env}
    environment.pop("AWS_PROFILE", None)
    command = [sys.executable, "-m", "tfreach", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)


def test_with_the_live_account_every_answer_is_exact_and_certain(endpoint, plan):
    result = _run(
        endpoint, "check", str(plan), "--context", "aws", "--format", "json", "--expand", "--fail-on", "never"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert _answers(report) == EXPECTED
    assert all(f["certain"] for f in report["findings"])
    assert report["warnings"] == []


def test_live_lookups_are_batched(endpoint):
    """One call per API action per 200 ids, not one per id: 210 subnets are two DescribeSubnets."""
    from tfreach.inputs.context import live

    ec2 = _ec2(endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = {ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{n}.0/24")["Subnet"]["SubnetId"] for n in range(210)}
    os.environ.update({**CREDENTIALS, "AWS_ENDPOINT_URL": endpoint})
    try:
        reader = live.LiveAccount("us-east-1")
        context = reader.context_for(subnets, set())
    finally:
        for name in (*CREDENTIALS, "AWS_ENDPOINT_URL"):
            os.environ.pop(name, None)
    assert reader.calls["describe_subnets"] == 2
    assert reader.calls["describe_vpcs"] == 1  # their one VPC, read once, whole
    assert {i.get("id") for i in context.instances} >= subnets | {vpc}


def test_without_credentials_the_run_stops_with_one_line(endpoint, plan, tmp_path):
    empty = {
        "AWS_ACCESS_KEY_ID": "",
        "AWS_SECRET_ACCESS_KEY": "",
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    result = _run(endpoint, "check", str(plan), "--context", "aws", **empty, AWS_CONFIG_FILE=str(tmp_path / "none"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--context aws" in result.stderr and "credentials" in result.stderr


def test_a_denied_action_is_named_with_the_fix(endpoint, plan):
    """An API that refuses (here: an endpoint that answers every call with AuthFailure)."""
    denied = _FakeDenyingApi()
    try:
        result = _run(denied.url, "check", str(plan), "--context", "aws")
    finally:
        denied.stop()
    assert result.returncode == 2, result.stderr
    assert "ec2:Describe" in result.stderr and "denied" in result.stderr and "docs/context.md" in result.stderr


class _FakeDenyingApi:
    """An EC2 endpoint on 127.0.0.1 that denies everything (UnauthorizedOperation)."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        body = (
            b'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>'
            b"<Message>You are not authorized to perform this operation.</Message></Error></Errors>"
            b"<RequestID>1</RequestID></Response>"
        )

        class Deny(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(403)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Deny)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
