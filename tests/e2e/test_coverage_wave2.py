"""What the wave-2 sample plans say beyond their expected.json: warnings, notes and the path taken."""

from __future__ import annotations

from conftest import SAMPLES
from e2e.helpers import check_json, hops, port_findings


def messages(report: dict) -> list[str]:
    return [f"{w['resource']}: {w['message']}" for w in report["warnings"]]


def test_an_ip_target_outside_every_vpc_is_warned_and_a_lambda_target_has_no_port():
    report = check_json(SAMPLES / "lb-ip-and-lambda-targets" / "plan.json")
    said = messages(report)
    assert any("onprem: IP target 10.99.0.10 is outside every VPC of the plan" in m for m in said)
    assert any("aws_lb_target_group_attachment.fn: a Lambda function target" in m for m in said)


def test_an_ip_target_is_the_interface_that_has_the_address():
    report = check_json(SAMPLES / "lb-ip-and-lambda-targets" / "plan.json")
    (https,) = port_findings(report, "aws_instance.svc", "tcp", 8443, via="aws_lb.front")
    assert "10.80.0.0/16" in " ".join(h["rule"] for h in hops(report, https) if h["role"] == "security groups")


def test_a_route_in_the_vpcs_main_table_by_main_route_table_id_is_the_route_back():
    report = check_json(SAMPLES / "main-route-table-idiom" / "plan.json")
    (ssh,) = port_findings(report, "aws_instance.open", "tcp", 22)
    back = next(h for h in hops(report, ssh) if h["role"] == "route back")
    assert back["address"] == "aws_vpc.web main route table"
    assert "aws_route.web_default 0.0.0.0/0 -> aws_internet_gateway.web" in back["rule"]


def test_on_premises_reaches_a_vpc_through_a_vpn_on_the_transit_gateway_except_the_blackhole():
    report = check_json(SAMPLES / "transit-vpn-default-tables" / "plan.json")
    (ssh,) = port_findings(report, "aws_instance.app", "tcp", 22, kind="vpn")
    assert "192.168.99.0/24" not in ssh["source"]["cidrs"] and "192.168.0.0/18" in ssh["source"]["cidrs"]
    entry = hops(report, ssh)[1]  # after the source itself
    assert entry["address"] == "aws_ec2_transit_gateway.hub"
    assert entry["rule"].startswith("aws_vpn_connection.dc from aws_ec2_transit_gateway_route.onprem 192.168.0.0/16")


def test_a_public_cluster_api_is_reached_on_awss_network_by_its_allow_list_alone():
    report = check_json(SAMPLES / "containers-eks-ecs" / "plan.json")
    (api,) = port_findings(report, "aws_eks_cluster.office", "tcp", 443)
    roles = [h["role"] for h in hops(report, api)]
    assert roles == ["source", "public endpoint", "service port"], "no subnet, route or security group"
    assert api["source"]["cidrs"] == ["198.51.100.0/24"]


def test_a_public_search_domain_names_its_access_policy_as_what_remains():
    report = check_json(SAMPLES / "storage-search-brokers" / "plan.json")
    (https,) = port_findings(report, "aws_opensearch_domain.public", "tcp", 443)
    entry = next(h for h in hops(report, https) if h["role"] == "public endpoint")
    assert "access policy" in entry["rule"] and https["certain"] is True


def test_ssh_opened_by_eks_remote_access_names_the_setting():
    report = check_json(SAMPLES / "containers-eks-ecs" / "plan.json")
    (ssh,) = port_findings(report, "aws_eks_node_group.ssh", "tcp", 22)
    groups = next(h for h in hops(report, ssh) if h["role"] == "security groups")
    assert "ec2_ssh_key without source_security_group_ids" in groups["rule"]
