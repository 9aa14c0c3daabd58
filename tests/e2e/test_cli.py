"""The command line: formats, exit codes, stdin, files, errors."""

from __future__ import annotations

import json

from conftest import sample_plan
from e2e.helpers import run_cli, validate_output

BLOG = str(sample_plan("inspector-blog"))
IPV6 = str(sample_plan("ipv6-dualstack"))


def test_table_is_the_default_and_groups_findings_by_resource():
    result = run_cli("check", BLOG)
    assert "aws_instance.inspector_agent is reachable from the internet" in result.stdout
    assert "RecognizedPort SSH" in result.stdout
    assert "aws_security_group.inspector ingress tcp 22 from 0.0.0.0/0" in result.stdout


def test_exit_code_1_when_a_finding_reaches_the_fail_on_severity():
    assert run_cli("check", BLOG).returncode == 1  # SSH and FTP to the world are high
    assert run_cli("check", BLOG, "--fail-on", "critical").returncode == 0
    assert run_cli("check", BLOG, "--fail-on", "never").returncode == 0


def test_fail_on_info_fails_on_any_exposure():
    assert run_cli("check", IPV6, "--fail-on", "info").returncode == 1
    assert run_cli("check", IPV6, "--fail-on", "medium").returncode == 0  # HTTP/HTTPS are low


def test_json_output_follows_the_contract(tmp_path):
    out = tmp_path / "report.json"
    result = run_cli("check", BLOG, IPV6, "--format", "json", "--expand", "-o", str(out))
    assert result.returncode == 1 and result.stdout == ""
    report = json.loads(out.read_text())
    validate_output(report)
    assert [i["path"] for i in report["inputs"]] == [BLOG, IPV6]
    assert report["summary"]["failed"] is True
    assert {f["input"] for f in report["findings"]} == {BLOG, IPV6}


def test_stdin_is_read_with_a_dash():
    with open(BLOG, "rb") as handle:
        result = run_cli("check", "-", "--format", "json", "--expand", stdin=handle.read())
    assert json.loads(result.stdout)["inputs"][0]["path"] == "-"


def test_finding_ids_are_stable_across_runs():
    first = json.loads(run_cli("check", BLOG, "--format", "json", "--expand").stdout)
    second = json.loads(run_cli("check", BLOG, "--format", "json", "--expand").stdout)
    assert [f["id"] for f in first["findings"]] == [f["id"] for f in second["findings"]]
    assert len({f["id"] for f in first["findings"]}) == len(first["findings"])


def test_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path):
    bad = tmp_path / "plan.json"
    bad.write_text('{"format_version": "1.2", "planned_values": {"root_module": {"resour')
    result = run_cli("check", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and str(bad) in result.stderr and "truncated" in result.stderr


def test_missing_file_and_usage_errors_exit_2(tmp_path):
    assert run_cli("check", str(tmp_path / "nope.json")).returncode == 2
    assert run_cli("check").returncode == 2
    assert run_cli("check", BLOG, "--fail-on", "sometimes").returncode == 2


def test_unmodelled_resource_types_are_counted_not_errors():
    report = json.loads(run_cli("check", str(sample_plan("alb-https-asg")), "--format", "json", "--expand").stdout)
    assert report["inputs"][0]["skipped"] == {"aws_cloudwatch_log_group": 1}


def test_source_selects_the_kinds_of_source_analysed():
    vpn = str(sample_plan("vpn-static-and-propagated"))
    everything = json.loads(run_cli("check", vpn, "--format", "json", "--expand").stdout)
    only_internet = json.loads(run_cli("check", vpn, "--format", "json", "--expand", "--source", "internet").stdout)
    assert {f["source"]["kind"] for f in everything["findings"]} == {"vpn"}
    assert only_internet["findings"] == [] and only_internet["inputs"][0]["sources"] == ["internet"]
    assert run_cli("check", vpn, "--source", "internet,carrier-pigeon").returncode == 2


def test_one_analysis_writes_several_reports(tmp_path):
    """`--format json=FILE --format sarif=FILE --format table`: one run, each report where asked."""
    result = run_cli(
        "check",
        str(sample_plan("inspector-blog")),
        "--format",
        f"json={tmp_path / 'r.json'}",
        "--format",
        f"sarif={tmp_path / 'r.sarif'}",
        "--format",
        "table",
        "--fail-on",
        "never",
    )
    assert result.returncode == 0 and "reachable from the internet" in result.stdout
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["findings"] == 16  # NetworkExposure too
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"


def test_two_reports_cannot_share_stdout():
    result = run_cli("check", str(sample_plan("inspector-blog")), "--format", "json", "--expand", "--format", "table")
    assert result.returncode == 2 and "only one report can go to stdout" in result.stderr


def test_a_report_never_overwrites_an_input(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_bytes(sample_plan("inspector-blog").read_bytes())
    for args in (("-o", str(plan)), ("--format", f"json={plan}")):
        result = run_cli("check", str(plan), *args)
        assert result.returncode == 2 and "is an input" in result.stderr
    assert plan.read_bytes() == sample_plan("inspector-blog").read_bytes()


def test_quiet_writes_nothing_to_stdout_but_files_and_the_exit_code(tmp_path):
    result = run_cli("check", str(sample_plan("inspector-blog")), "-q", "--format", f"json={tmp_path / 'r.json'}")
    assert result.returncode == 1 and result.stdout == "" and (tmp_path / "r.json").stat().st_size > 0


def test_colour_only_when_asked_or_on_a_terminal(monkeypatch):
    plan = str(sample_plan("inspector-blog"))
    assert "\x1b[" not in run_cli("check", plan, "--fail-on", "never").stdout  # a pipe: plain
    assert "\x1b[31mhigh\x1b[0m" in run_cli("check", plan, "--fail-on", "never", "--color", "always").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_cli("check", plan, "--fail-on", "never", "--color", "auto").stdout


def test_the_table_layout_is_tabulates():
    result = run_cli("check", str(sample_plan("inspector-blog")), "--fail-on", "never", "--table-style", "github")
    assert "| severity   | status   |" in result.stdout and "|------------|" in result.stdout


def test_one_finding_is_singular():
    result = run_cli("check", str(sample_plan("bastion-private-app")), "--fail-on", "never")
    assert result.stdout.splitlines()[-1].startswith("1 finding (1 new,")
    github = run_cli("check", str(sample_plan("bastion-private-app")), "--format", "github").stdout
    assert "1 finding counted in 1 group" in github
