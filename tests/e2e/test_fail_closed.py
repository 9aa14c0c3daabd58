"""A gate fails closed: what cannot be known or read is the more exposed alternative, and a warning.

Every case is a real plan (tests/inputs/<case>/main.tf, planned by tests/inputs/regenerate.sh),
checked beside its sources and copied alone: alone, the answer covers the one beside the
sources, and both include every exposure a careful reviewer could not rule out.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES
from e2e.helpers import assumed, check_json, port_findings, run_cli, sources_within, uncovered

INPUTS = REPO / "tests" / "inputs"
CASES = [
    "unknown-inline-cidr",
    "count-index-arithmetic",
    "managed-prefix-lists",
    "sources-unevaluable",
    "unmodelled-types",
    "unknown-groups",
    "unknown-rule-ports",
]


def alone(case: str, tmp_path: Path) -> dict:
    shutil.copy(INPUTS / case / "plan.json", tmp_path / "plan.json")
    return check_json(tmp_path / "plan.json")


def beside(case: str) -> dict:
    return check_json(INPUTS / case / "plan.json")


def messages(report: dict) -> list[str]:
    return [w["message"] for w in report["warnings"]]


def reaches(report: dict, resource: str, port: int, *, anywhere: bool, protocol: str = "tcp") -> bool:
    """Is `resource` reachable from the internet on `port`, from everywhere or from some addresses?"""
    found = port_findings(report, resource, protocol, port)
    everywhere = [f for f in found if "0.0.0.0/0" in f["source"]["cidrs"]]
    return bool(everywhere) if anywhere else bool(found)


@pytest.mark.parametrize("case", CASES)
def test_a_plan_alone_covers_what_it_says_beside_its_sources(case, tmp_path):
    assert not uncovered(alone(case, tmp_path), beside(case))


@pytest.mark.parametrize("case", CASES)
def test_every_assumption_is_a_warning_so_strict_fails(case, tmp_path):
    """The sources-unevaluable plan is exact (terraform evaluated everything): its sources are not."""
    shutil.copy(INPUTS / case / "plan.json", tmp_path / "plan.json")
    checked = INPUTS / case if case == "sources-unevaluable" else tmp_path / "plan.json"
    result = run_cli("check", str(checked), "--strict", "--fail-on", "never")
    assert result.returncode == 2 and "--strict" in result.stderr


# --- a CIDR known only after apply ----------------------------------------------------------------


@pytest.mark.parametrize("where", ["alone", "beside"])
def test_an_inline_rule_with_a_cidr_known_only_after_apply_admits_anyone(where, tmp_path):
    """`cidr_blocks = ["${aws_eip.admin.public_ip}/32"]`: which address is not known before apply."""
    report = alone("unknown-inline-cidr", tmp_path) if where == "alone" else beside("unknown-inline-cidr")
    (ssh,) = port_findings(report, "aws_instance.web", "tcp", 22)
    assert "0.0.0.0/0" in ssh["source"]["cidrs"]
    assert any("ingress[0].cidr_blocks is known only after apply" in a for a in assumed(report, ssh))


def test_a_cidr_from_the_vpcs_own_block_is_not_the_internet_and_a_known_one_stays_narrow(tmp_path):
    report = alone("unknown-inline-cidr", tmp_path)
    assert not port_findings(report, "aws_instance.web", "tcp", 8080)
    (https,) = port_findings(report, "aws_instance.web", "tcp", 443)
    assert sources_within(https, ["203.0.113.0/24"])


def test_a_deny_rule_with_a_cidr_known_only_after_apply_denies_nothing(tmp_path):
    report = alone("unknown-inline-cidr", tmp_path)
    assert reaches(report, "aws_instance.web", 22, anywhere=True)
    assert any(
        "deny rule #90 has a CIDR known only after apply; assumed to deny nothing" in m for m in messages(report)
    )


# --- a port known only after apply ------------------------------------------------------------------


@pytest.mark.parametrize("where", ["alone", "beside"])
def test_a_deny_rule_whose_ports_are_known_only_after_apply_denies_nothing_but_doubts(where, tmp_path):
    """`from_port = length(aws_eip.marker.public_ip)`: the deny may cover 443 or not; HTTPS is possible."""
    report = alone("unknown-rule-ports", tmp_path) if where == "alone" else beside("unknown-rule-ports")
    (https,) = [f for f in port_findings(report, "aws_instance.web", "tcp", 443) if f["source"]["kind"] == "internet"]
    assert "0.0.0.0/0" in https["source"]["cidrs"] and https["certain"] is False
    assert any("this deny rule is assumed to deny nothing" in a for a in assumed(report, https))
    assert any("from_port/to_port is known only after apply; this deny rule" in m for m in messages(report))


@pytest.mark.parametrize("where", ["alone", "beside"])
def test_a_group_rule_whose_port_is_known_only_after_apply_admits_every_port_from_its_range(where, tmp_path):
    report = alone("unknown-rule-ports", tmp_path) if where == "alone" else beside("unknown-rule-ports")
    found = port_findings(report, "aws_instance.web", "tcp", 22)
    assert found and all(sources_within(f, ["198.51.100.0/24"]) and f["certain"] is False for f in found)
    assert any("from_port/to_port is known only after apply; assumed every port" in m for m in messages(report))


# --- index arithmetic (count.index + 1) -----------------------------------------------------------


def test_index_arithmetic_read_alone_considers_every_subnet_and_says_so(tmp_path):
    """The plan JSON records `aws_subnet.s[count.index + 1]` as "aws_subnet.s" and "count.index"."""
    report = alone("count-index-arithmetic", tmp_path)
    (ssh,) = port_findings(report, "aws_instance.app[0]", "tcp", 22)
    assert any("aws_subnet.s[0], aws_subnet.s[1]" in a for a in assumed(report, ssh))
    unresolved = [w for w in report["warnings"] if w["resource"] == "aws_instance.app[0]" and w["attribute"]]
    assert any("indexed with count.index" in w["message"] and "run beside the .tf" in w["message"] for w in unresolved)
    assert run_cli("check", str(tmp_path / "plan.json")).returncode == 1


def test_index_arithmetic_beside_the_sources_is_exact():
    report = beside("count-index-arithmetic")
    (ssh,) = port_findings(report, "aws_instance.app[0]", "tcp", 22)
    assert not any("subnet_id" in a for a in assumed(report, ssh))
    assert not any("count.index" in m for m in messages(report))


def test_a_peering_made_with_index_arithmetic_is_considered_between_every_pair_when_read_alone(tmp_path):
    """It used to be left out (a VPC peered with itself), so no peer reached anything."""
    shutil.copy(SAMPLES / "peering-chain" / "plan.json", tmp_path / "plan.json")
    report = check_json(tmp_path / "plan.json")
    for db in ("aws_instance.db[0]", "aws_instance.db[1]", "aws_instance.db[2]"):
        assert port_findings(report, db, "tcp", 5432, kind="peering")
    assert any("pairs of VPCs are possible" in m for m in messages(report))


# --- prefix lists ---------------------------------------------------------------------------------


def test_a_prefix_list_made_in_the_plan_admits_its_entries_only(tmp_path):
    report = alone("managed-prefix-lists", tmp_path)
    (ssh,) = port_findings(report, "aws_instance.web", "tcp", 22)
    assert sources_within(ssh, ["203.0.113.0/24"])  # inline entry
    (partners,) = port_findings(report, "aws_instance.web", "tcp", 2222)
    assert sources_within(partners, ["198.51.100.0/24"])  # aws_ec2_managed_prefix_list_entry


def test_a_prefix_list_the_plan_does_not_manage_may_hold_any_address(tmp_path):
    report = alone("managed-prefix-lists", tmp_path)
    (vendor,) = port_findings(report, "aws_instance.web", "tcp", 8443)
    assert "0.0.0.0/0" in vendor["source"]["cidrs"]
    assert any("pl-0a1b2c3d4e5f67890: it is not managed by this plan" in a for a in assumed(report, vendor))


# --- what the sources evaluator cannot compute ------------------------------------------------------


def sources_report(tmp_path: Path) -> dict:
    result = run_cli("check", str(INPUTS / "sources-unevaluable"), "--format", "json", "--expand", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_plan_is_exact_where_terraform_evaluated_files_and_functions(tmp_path):
    report = alone("sources-unevaluable", tmp_path)
    (redis,) = port_findings(report, "aws_instance.web", "tcp", 6379)
    assert sources_within(redis, ["203.0.113.5/32"])
    assert not port_findings(report, "aws_instance.db", "all")


def test_sources_mode_reads_files_and_json(tmp_path):
    report = sources_report(tmp_path)
    (rdp,) = port_findings(report, "aws_instance.web", "tcp", 3389)  # [trimspace(file(...))]
    assert sources_within(rdp, ["192.0.2.10/32"])
    (https,) = port_findings(report, "aws_instance.web", "tcp", 443)  # dynamic over jsondecode(file(...))
    assert sources_within(https, ["198.51.100.0/24"])
    assert reaches(report, "aws_instance.web", 22, anywhere=True)  # split(",", file(...))


def test_sources_mode_assumes_open_what_it_cannot_evaluate_and_names_file_and_line(tmp_path):
    report = sources_report(tmp_path)
    assert reaches(report, "aws_instance.web", 6379, anywhere=True)  # an inline block's regex()
    assert reaches(report, "aws_instance.web", 9100, anywhere=True)  # a separate rule's regex()
    assert reaches(report, "aws_instance.db", 5432, anywhere=True)  # a dynamic block over yamldecode()
    assert reaches(report, "aws_instance.db", 22, anywhere=True)
    source = (INPUTS / "sources-unevaluable" / "main.tf").read_text().split("\n")
    said = [m for m in messages(report) if "is not supported here" in m]
    named = [source[int(re.search(r"main\.tf:(\d+):", m)[1]) - 1].strip() for m in said]  # type: ignore[index]
    assert sorted(named) == [
        'cidr_ipv4         = regex("[0-9./]+$", "scraper: 10.3.0.0/16")',
        'dynamic "ingress" {',
        "ingress {",
    ]
    assert not uncovered(report, check_json(INPUTS / "sources-unevaluable" / "plan.json"))


# --- security groups the plan does not manage -------------------------------------------------------


def test_an_endpoint_in_a_group_the_plan_does_not_manage_is_assumed_open(tmp_path):
    report = alone("unknown-groups", tmp_path)
    for endpoint in ("aws_instance.web", "aws_network_interface.vendor"):
        (everything,) = [f for f in port_findings(report, endpoint, "all") if f["protocol"] == "all"]
        assert everything["port_range"] == [0, 65535] and "0.0.0.0/0" in everything["source"]["cidrs"]
        assert any(
            "not managed by this plan) are unknown; assumed to admit everything" in a
            for a in assumed(report, everything)
        )


def test_an_unknown_group_does_not_open_a_private_instance(tmp_path):
    report = alone("unknown-groups", tmp_path)
    assert not [f for f in report["findings"] if f["resource"] == "aws_instance.app"]


# --- resource types that are not modelled ----------------------------------------------------------------


def test_each_network_bearing_type_not_modelled_is_one_warning_with_its_count(tmp_path):
    report = alone("unmodelled-types", tmp_path)
    unmodelled = {w["resource"]: w["message"] for w in report["warnings"] if "not modelled" in w["message"]}
    assert set(unmodelled) == {"aws_docdb_cluster_instance", "aws_transfer_server"}
    assert unmodelled["aws_docdb_cluster_instance"].startswith("2 resources of this type")
    assert report["inputs"][0]["skipped"]["aws_lambda_function"] == 1  # skipped, never reachable: no warning


# --- explain and graph see what check sees -----------------------------------------------------------


@pytest.mark.parametrize("where", ["alone", "beside"])
def test_explain_shows_the_path_check_reports(where, tmp_path):
    plan = SAMPLES / "peering-chain" / "plan.json"
    if where == "alone":
        shutil.copy(plan, tmp_path / "plan.json")
        plan = tmp_path / "plan.json"
    report = check_json(plan)
    assert port_findings(report, "aws_instance.db[1]", "tcp", 5432, kind="peering")
    explained = run_cli("explain", str(plan), "aws_instance.db[1]", "--port", "5432", "--source", "peering")
    assert explained.returncode == 0 and "REACHABLE" in explained.stdout


def test_explain_and_graph_take_the_sources_from_tf_root(tmp_path):
    shutil.copy(INPUTS / "count-index-arithmetic" / "plan.json", tmp_path / "plan.json")
    root = str(INPUTS / "count-index-arithmetic")
    exact = run_cli("explain", str(tmp_path / "plan.json"), "aws_instance.app[0]", "--port", "22", "--tf-root", root)
    guessed = run_cli("explain", str(tmp_path / "plan.json"), "aws_instance.app[0]", "--port", "22")
    assert "aws_subnet.s[0]" not in exact.stdout and "aws_subnet.s[0]" in guessed.stdout
    picture = run_cli("graph", str(tmp_path / "plan.json"), "--tf-root", root)
    assert picture.returncode == 0 and "aws_subnet.s[1]" in picture.stdout
