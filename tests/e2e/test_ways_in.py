"""Ways in beyond a gateway: managed edges in front of internal load balancers and private
instances (issue 28). Real plans in tests/inputs/ways-in/*, each main.tf stating the answer from
the AWS docs; each judged beside its .tf files, copied alone, and from its sources.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from e2e.helpers import run_cli

WAYS_IN = REPO / "tests" / "inputs" / "ways-in"

# fixture -> {(endpoint, port, via, certain)}: every internet finding on a single port, nothing else
EXPECTED: dict[str, set[tuple[str, int, str, bool]]] = {
    # An accelerator reaches an internal ALB and a private instance (port override 443 -> 8443);
    # weight 0 and a traffic dial of 0 send nothing.
    "global-accelerator": {
        ("aws_lb.internal", 443, "aws_globalaccelerator_listener.https", True),
        ("aws_instance.app", 8080, "aws_lb.internal", True),
        ("aws_instance.direct", 8443, "aws_globalaccelerator_listener.https", True),
    },
    # A distribution's VPC origin reaches an internal ALB on HTTPS only; an origin no distribution
    # of the plan uses may be used by another stack's.
    "cloudfront-vpc-origin": {
        ("aws_lb.internal", 443, "aws_cloudfront_vpc_origin.alb", True),
        ("aws_instance.app", 8080, "aws_lb.internal", True),
        ("aws_instance.origin", 80, "aws_cloudfront_vpc_origin.instance", False),
    },
    # An HTTP API's VPC link to an internal ALB listener; a REST API's VPC link to an internal NLB,
    # whose targets see the NLB's addresses.
    "api-gateway": {
        ("aws_lb.internal", 80, "aws_apigatewayv2_integration.alb", True),
        ("aws_instance.app", 8080, "aws_lb.internal", True),
        ("aws_lb.network", 9000, "aws_api_gateway_vpc_link.nlb", True),
        ("aws_instance.worker", 9000, "aws_lb.network", True),
    },
    # Endpoint services: anyone's VPC (certain), one partner with acceptance (possible), nobody.
    "privatelink": {
        ("aws_lb.public_api", 443, "aws_vpc_endpoint_service.public_api", True),
        ("aws_instance.api", 8443, "aws_lb.public_api", True),
        ("aws_lb.partner", 5432, "aws_vpc_endpoint_service.partner", False),
        ("aws_instance.db", 5432, "aws_lb.partner", False),
    },
    # Client VPN users reach the authorized app subnet, from the endpoint's interfaces and group.
    "client-vpn": {("aws_instance.app", 22, "aws_ec2_client_vpn_endpoint.staff", True)},
    # A VPC Lattice service: its weighted target groups (weight 0: nothing), targets that admit
    # Lattice's addresses.
    "vpc-lattice": {("aws_instance.api", 8443, "aws_vpclattice_listener.https", True)},
    # Replies through a Gateway Load Balancer endpoint: the appliances' decisions are not in the plan.
    "inspection-gwlb": {("aws_instance.web", 22, None, False)},
    # AWS Network Firewall in the path: its stateful PASS 443 before DROP all TCP decide.
    "network-firewall": {("aws_instance.web", 443, None, True)},
    # A Verified Access endpoint before an internal ALB: the users its group's policy admits.
    "verified-access": {
        ("aws_lb.internal", 443, "aws_verifiedaccess_endpoint.app", False),
        ("aws_instance.app", 8080, "aws_lb.internal", False),
    },
}
SOURCE = {
    "privatelink": "privatelink",
    "client-vpn": "client_vpn",
    "vpc-lattice": "lattice",
}  # the others: the internet


def _findings(path: Path) -> dict[str, Any]:
    result = run_cli("check", str(path), "--format", "json", "--expand", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("how", ["beside-tf", "alone", "sources"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_internet_reaches_what_the_edge_sends_to_and_nothing_else(name, how, tmp_path):
    folder = WAYS_IN / name
    if how == "alone":
        shutil.copy(folder / "plan.json", tmp_path / "plan.json")
        path = tmp_path / "plan.json"
    else:
        path = folder / "plan.json" if how == "beside-tf" else folder
    report = _findings(path)
    found = {
        (f["resource"], f["port_range"][0], f["via"], f["certain"])
        for f in report["findings"]
        if f["port_range"] and f["port_range"][0] == f["port_range"][1]
    }
    assert found == EXPECTED[name]
    assert {f["source"]["kind"] for f in report["findings"]} == {SOURCE.get(name, "internet")}
    assert not [w for w in report["warnings"] if "not modelled" in w["message"]]


def test_the_path_names_the_edge_and_the_rule_that_admits_its_interfaces():
    report = _findings(WAYS_IN / "api-gateway" / "plan.json")
    finding = next(f for f in report["findings"] if f["resource"] == "aws_lb.internal" and f["port_range"])
    hops = report["paths"][finding["path"]]
    assert hops[1]["address"] == "aws_apigatewayv2_integration.alb" and hops[1]["role"] == "API Gateway"
    groups = next(h for h in hops if h["role"] == "security groups")
    assert "from aws_security_group.link" in groups["rule"]


def test_explain_walks_through_the_edge():
    result = run_cli(
        "explain", str(WAYS_IN / "global-accelerator" / "plan.json"), "aws_instance.direct", "--port", "443"
    )
    assert result.returncode == 0, result.stderr
    assert "REACHABLE" not in result.stdout  # the override sends 443 to 8443
    result = run_cli(
        "explain", str(WAYS_IN / "global-accelerator" / "plan.json"), "aws_instance.idle", "--port", "8443"
    )
    assert "REACHABLE" not in result.stdout  # weight 0


def test_client_vpn_users_are_reported_from_their_tunnel_addresses():
    report = _findings(WAYS_IN / "client-vpn" / "plan.json")
    assert {tuple(f["source"]["cidrs"]) for f in report["findings"]} == {("172.16.0.0/22",)}
    result = run_cli("check", str(WAYS_IN / "client-vpn" / "plan.json"), "--source", "internet", "-q")
    assert result.returncode == 0, result.stderr  # users of the VPN are not the internet


@pytest.mark.parametrize("how", ["beside-tf", "sources"])
def test_a_custom_routing_accelerator_reaches_the_instances_of_its_subnets_once_allowed(how):
    folder = WAYS_IN / "custom-routing"
    report = _findings(folder / "plan.json" if how == "beside-tf" else folder)
    found = {
        (f["resource"], f["protocol"], tuple(f["port_range"]), f["certain"])
        for f in report["findings"]
        if f["port_range"]
    }
    assert found == {("aws_instance.game", "udp", (7000, 7100), False)}


def test_a_service_only_named_accounts_may_use_is_one_level_lower():
    """PostgreSQL open to anyone is high; to the accounts an endpoint service names, medium."""
    report = _findings(WAYS_IN / "privatelink" / "plan.json")
    severities = {f["resource"]: f["severity"] for f in report["findings"] if f["port_range"] == [5432, 5432]}
    assert severities == {"aws_lb.partner": "medium", "aws_instance.db": "medium"}
