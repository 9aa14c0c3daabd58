"""tfreach never runs, fetches or connects to anything named in its input, and escapes what it prints."""

from __future__ import annotations

import os
import socket
import subprocess

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, sample_plan
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
    return run_cli("check", str(tmp_path), "--format", "json", "--fail-on", "never", timeout=60)


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
        assert result.returncode == 2 and "is not a regular file" in result.stderr


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
