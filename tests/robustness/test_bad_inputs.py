"""Every input gets the right answer or one line naming the file and the problem (exit 2).

The corpus is built from real plans (sample_plans) by the smallest change that makes each
case, so every other part of the file stays real Terraform output.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from conftest import REPO, sample_plan
from e2e.helpers import run_cli, uncovered, validate_output

INSPECTOR = json.loads(sample_plan("inspector-blog").read_text())


def errors_with(problem: str) -> Callable[[Path, object], None]:
    def check(path: Path, result: object) -> None:
        assert result.returncode == 2, result.stdout[-500:]
        assert result.stderr.startswith(f"tfreach: error: {path}: ")
        assert problem in result.stderr and result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr

    return check


def same_findings_as_the_real_plan(path: Path, result: object) -> None:
    assert finding_keys(answer(result)) == finding_keys(real_report())


def answer(result: object) -> dict:
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    validate_output(report)
    return report


def finding_keys(report: dict) -> set[tuple]:
    return {(f["resource"], f["protocol"], str(f["port_range"]), f["source"]["kind"]) for f in report["findings"]}


def mutated(change: Callable[[dict], None]) -> bytes:
    document = copy.deepcopy(INSPECTOR)
    change(document)
    return json.dumps(document).encode()


def security_group_rules(document: dict) -> list[dict]:
    return [
        rule
        for c in document["resource_changes"]
        if c["type"] == "aws_security_group"
        for rule in c["change"]["after"].get("ingress") or []
    ]


def each_rule(**values: object) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        for rule in security_group_rules(document):
            rule.update(values)

    return change


def ports_as_strings(document: dict) -> None:
    for rule in security_group_rules(document):
        rule["from_port"], rule["to_port"] = str(rule["from_port"]), str(rule["to_port"])


def first_rule(**values: object) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        security_group_rules(document)[0].update(values)

    return change


def inspector_rule(**values: object) -> Callable[[dict], None]:
    """The first rule (FTP from anywhere) of the group of the two public Inspector instances."""

    def change(document: dict) -> None:
        group = next(c for c in document["resource_changes"] if c["address"] == "aws_security_group.inspector")
        group["change"]["after"]["ingress"][0].update(values)

    return change


def duplicated_address(document: dict) -> None:
    document["resource_changes"].append(copy.deepcopy(document["resource_changes"][0]))


def second_resource_changes() -> bytes:
    """A second, empty `resource_changes`: reading the last one silently would hide every change."""
    text = sample_plan("inspector-blog").read_text().rstrip()
    return (text[:-1] + ', "resource_changes": []}').encode()


def binary_plan() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tfplan", b"binary plan")
    return buffer.getvalue()


def deeply_nested() -> bytes:
    return b'{"format_version": "1.2", "variables": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def dangling_reference(document: dict) -> None:
    """An instance whose subnet the plan does not hold: the configuration names one that is gone."""
    document["resource_changes"] = [c for c in document["resource_changes"] if c["address"] != "aws_subnet.public"]


@cache
def real_report() -> dict:
    return answer(
        run_cli("check", str(sample_plan("inspector-blog")), "--format", "json", "--expand", "--fail-on", "never")
    )


CASES: dict[str, tuple[Callable[[], bytes], Callable[[Path, object], None]]] = {
    "not-json": (lambda: b"this is not json", errors_with("is not valid JSON")),
    "empty": (lambda: b"", errors_with("is empty")),
    "whitespace": (lambda: b"  \n\t ", errors_with("is empty")),
    "json-array": (lambda: b"[]", errors_with("the top level is a JSON array")),
    "json-string": (lambda: b'"plan"', errors_with("the top level is a JSON str")),
    "truncated-plan": (lambda: sample_plan("inspector-blog").read_bytes()[:20_000], errors_with("is truncated")),
    "binary-tfplan": (binary_plan, errors_with("terraform show -json")),
    "not-utf8": (lambda: b'{"format_version": "1.2\xff"}', errors_with("is not UTF-8")),
    "no-format-version": (lambda: mutated(lambda d: d.pop("format_version")), errors_with("no format_version")),
    "format-2": (lambda: mutated(lambda d: d.update(format_version="2.0")), errors_with('"2.0" is not supported')),
    "format-number": (lambda: mutated(lambda d: d.update(format_version=1.2)), errors_with("1.2 is not supported")),
    "changes-not-a-list": (
        lambda: mutated(lambda d: d.update(resource_changes={"a": 1})),
        errors_with("resource_changes"),
    ),
    "duplicated-address": (lambda: mutated(duplicated_address), errors_with("lists aws_eip.nat twice")),
    "duplicated-key": (second_resource_changes, errors_with('the key "resource_changes" appears twice')),
    "deeply-nested": (deeply_nested, errors_with("nested too deeply")),
    "format-0.1": (lambda: mutated(lambda d: d.update(format_version="0.1")), same_findings_as_the_real_plan),
    "ports-as-strings": (lambda: mutated(ports_as_strings), same_findings_as_the_real_plan),
    "protocol-TCP": (lambda: mutated(each_rule(protocol="TCP")), same_findings_as_the_real_plan),
    "protocol-6": (lambda: mutated(each_rule(protocol="6")), same_findings_as_the_real_plan),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_corpus(case, tmp_path):
    build, check = CASES[case]
    path = tmp_path / f"{case}.json"
    path.write_bytes(build())
    check(path, run_cli("check", str(path), "--format", "json", "--expand", "--fail-on", "never"))


def report_of(change: Callable[[dict], None], tmp_path: Path) -> dict:
    path = tmp_path / "plan.json"
    path.write_bytes(mutated(change))
    return answer(run_cli("check", str(path), "--format", "json", "--expand", "--fail-on", "never"))


def messages(report: dict) -> list[str]:
    return [w["message"] for w in report["warnings"]]


@pytest.mark.parametrize("spelling", ["-1", "all", "ALL"])
def test_every_spelling_of_all_protocols_opens_everything(spelling, tmp_path):
    report = report_of(each_rule(protocol=spelling), tmp_path)
    assert any(f["protocol"] == "all" for f in report["findings"])


def test_icmpv6_by_name_and_by_number_are_the_same(tmp_path):
    by_name = report_of(each_rule(protocol="icmpv6", from_port=-1, to_port=-1), tmp_path)
    by_number = report_of(each_rule(protocol="58", from_port=-1, to_port=-1), tmp_path)
    assert finding_keys(by_name) == finding_keys(by_number)
    assert {f["protocol"] for f in by_name["findings"]} == {"icmpv6"}


def test_an_unknown_protocol_is_a_warning_not_a_silent_gap(tmp_path):
    report = report_of(each_rule(protocol="bogus"), tmp_path)
    assert any("protocol is not a protocol; assumed every protocol" in m for m in messages(report))
    assert not any("bogus" in m for m in messages(report))  # where the value is, never the value


def test_ports_outside_the_valid_range_are_read_generously_and_said(tmp_path):
    low = report_of(first_rule(from_port=-1, to_port=80), tmp_path)
    assert any("port range -1-80 is outside 0-65535; read as 0-80" in m for m in messages(low))
    high = report_of(first_rule(from_port=80, to_port=65536), tmp_path)
    assert any("read as 80-65535" in m for m in messages(high))


@pytest.mark.parametrize("port", [float("nan"), float("inf"), 22.5, True, 1e30, "22-ish"])
def test_a_rule_whose_port_cannot_be_read_admits_every_port_and_says_so(port, tmp_path):
    """It used to be ignored: the gate passed on a rule nobody had read."""
    for end in ("from_port", "to_port"):
        report = report_of(inspector_rule(**{end: port}), tmp_path)
        assert not uncovered(report, real_report())
        assert any("assumed every port" in m for m in messages(report))
        widened = [f for f in report["findings"] if f["resource"] == "aws_instance.inspector_agent"]
        assert any(f["protocol"] == "tcp" and f["port_range"][0] <= 9999 <= f["port_range"][1] for f in widened)


@pytest.mark.parametrize("protocol", [None, 300, 6.5, "tcpish"])
def test_a_rule_whose_protocol_cannot_be_read_admits_every_protocol_and_says_so(protocol, tmp_path):
    report = report_of(inspector_rule(protocol=protocol), tmp_path)
    assert not uncovered(report, real_report())
    assert any("assumed every protocol" in m for m in messages(report))
    assert any(f["protocol"] == "all" for f in report["findings"] if f["resource"] == "aws_instance.inspector_agent")


def test_an_invalid_cidr_is_assumed_to_be_anyone_and_said(tmp_path):
    report = report_of(each_rule(cidr_blocks=["10.0.0.300/24"]), tmp_path)
    assert any("cidr_blocks holds a value that is not a CIDR; assumed 0.0.0.0/0" in m for m in messages(report))
    assert not any("10.0.0.300" in m for m in messages(report))  # where the value is, never the value
    assert finding_keys(real_report()) <= finding_keys(report)  # more exposed, never less


def test_nacl_rule_numbers_outside_1_to_32766_are_said(tmp_path):
    plan = json.loads(sample_plan("nacl-heavy").read_text())
    rules = [c for c in plan["resource_changes"] if c["type"] == "aws_network_acl_rule"]
    rules[0]["change"]["after"]["rule_number"] = 40000
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    report = answer(run_cli("check", str(path), "--format", "json", "--expand", "--fail-on", "never"))
    assert any("rule numbers 1-32766 only" in m for m in messages(report))


def test_a_dangling_reference_is_a_warning_with_the_careful_assumption(tmp_path):
    report = report_of(dangling_reference, tmp_path)
    assert any("aws_instance" in w["resource"] for w in report["warnings"])


def test_a_plan_without_aws_resources_says_there_was_nothing_to_analyse():
    plan = REPO / "tests" / "inputs" / "other-provider" / "plan.json"
    report = answer(run_cli("check", str(plan), "--format", "json", "--expand", "--fail-on", "never"))
    assert report["findings"] == []
    assert any("no AWS network resources to analyse (3 resources of other types)" in m for m in messages(report))


def test_a_module_reference_cycle_ends_with_a_warning(tmp_path):
    """module.a's input reads module.b's output and the other way round: resolution must stop."""
    plan = json.loads(sample_plan("modules-count-foreach").read_text())
    calls = plan["configuration"]["root_module"]["module_calls"]
    network, web = calls["network"], calls["web"]
    network["expressions"]["vpc_cidr"] = {"references": ["module.web.instance_id", "module.web"]}
    web["expressions"]["subnet_id"] = {"references": ["module.network.public_subnet_ids", "module.network"]}
    network["module"].setdefault("outputs", {})["public_subnet_ids"] = {"expression": {"references": ["var.vpc_cidr"]}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    report = answer(run_cli("check", str(path), "--format", "json", "--expand", "--fail-on", "never"))
    assert report["inputs"][0]["resources"] > 0


def test_a_200_mb_plan_is_read_and_answered(tmp_path):
    """A huge attribute (user_data) must not stop the analysis or change its answer."""
    padding = "x" * 200_000_000

    def pad(document: dict) -> None:
        for change in document["resource_changes"]:
            if change["type"] == "aws_instance":
                change["change"]["after"]["user_data"] = padding
                break

    path = tmp_path / "big.json"
    path.write_bytes(mutated(pad))
    assert path.stat().st_size > 200_000_000
    same_findings_as_the_real_plan(
        path, run_cli("check", str(path), "--format", "json", "--expand", "--fail-on", "never")
    )
