"""tfreach never runs, fetches or connects to anything named in its input, and escapes what it prints."""

from __future__ import annotations

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
