"""Nothing from a plan becomes a workflow command, a terminal sequence, a mention or a link.

tests/inputs/hostile-output is a real plan whose instance keys and an external security group
id hold "\\n::error::", "::add-mask::", "@octocat", URLs and terminal escapes (`\\x1b]0;...\\x07`).
Every format, explain, graph and every error line must carry them inert.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import REPO
from e2e.helpers import run_cli

from tfreach import escape

HOSTILE = REPO / "tests" / "inputs" / "hostile-output"
CONTROL = [chr(c) for c in range(32) if chr(c) not in "\n\t"] + ["\x7f", "\x9b"]
FORMATS = ["table", "json", "sarif", "junit", "markdown", "github"]
OUR_COMMANDS = re.compile(r"^::(error|warning|notice) ")


def commands(text: str) -> list[str]:
    """Lines a GitHub runner would read as workflow commands."""
    return [line for line in text.splitlines() if line.lstrip().startswith("::")]


@pytest.mark.parametrize("where", ["beside", "alone"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_lets_plan_data_drive_the_terminal_or_the_runner(fmt, where, tmp_path):
    plan = HOSTILE / "plan.json"
    if where == "alone":
        plan = tmp_path / "plan.json"
        shutil.copy(HOSTILE / "plan.json", plan)
    result = run_cli("check", str(plan), "--format", fmt, "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    for text in (result.stdout, result.stderr):
        assert not [c for c in CONTROL if c in text]
        assert [c for c in commands(text) if not (fmt == "github" and OUR_COMMANDS.match(c))] == []


def test_an_external_group_id_that_cannot_be_an_id_is_never_shown_and_admits_everything():
    """`vpc_security_group_ids = [..., "sg-0\\n::error::X..."]`: a security group id is `sg-` and
    hexadecimal (EC2 resource ids); that value names no group, so it is the most exposed group
    (any traffic) with a warning on the attribute, and it is printed nowhere, escaped or not."""
    result = run_cli("check", str(HOSTILE / "plan.json"), "--format", "json", "--expand", "--fail-on", "never")
    assert "::error::X" not in result.stdout and "x1b]0;T" not in result.stdout
    report = json.loads(result.stdout)
    said = [w for w in report["warnings"] if w["attribute"] == "vpc_security_group_ids"]
    assert said and all("holds a value that cannot be the id of a" in w["message"] for w in said)
    assert {f["resource"] for f in report["findings"]} >= {w["resource"] for w in said}


def test_markdown_pings_nobody_and_links_nothing():
    report = run_cli("check", str(HOSTILE / "plan.json"), "--format", "markdown", "--fail-on", "never").stdout
    prose = re.sub(r"```.*?```", "", report, flags=re.S)  # mentions and links do not fire in code blocks
    assert "@octocat" in report.replace("@\u200b", "@") and not re.search(r"@[A-Za-z]", prose)
    assert not re.search(r"https?://evil|www\.evil", prose)


def test_explain_and_graph_escape_what_they_print():
    plan = str(HOSTILE / "plan.json")
    address = 'aws_instance.box["\\n::error::pwned"]'
    for args in (("explain", plan, address), ("graph", plan), ("graph", plan, "--format", "dot")):
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        assert not [c for c in CONTROL if c in result.stdout] and commands(result.stdout) == []


def test_an_error_names_a_hostile_file_name_escaped(tmp_path):
    name = tmp_path / "plan\n::error::x\x1b[2J.json"
    name.write_text("{not json")
    result = run_cli("check", str(name))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert not [c for c in CONTROL if c in result.stderr] and commands(result.stderr) == []


def test_an_error_on_a_malformed_plan_quotes_no_value_and_little_input(tmp_path):
    plan = json.loads((REPO / "sample_plans" / "inspector-blog" / "plan.json").read_text())
    plan["resource_changes"][0]["change"]["after"] = "hunter2-S3CR3T" * 100_000
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    result = run_cli("check", str(tmp_path / "plan.json"))
    assert result.returncode == 2 and "hunter2" not in result.stderr and len(result.stderr) < 500


def test_a_lone_surrogate_is_bad_input_not_a_crash(tmp_path):
    text = (REPO / "sample_plans" / "inspector-blog" / "plan.json").read_text()
    (tmp_path / "plan.json").write_text(text.replace('"aws_instance.web"', '"aws_instance.web\\ud800"', 1))
    for fmt in ("table", "json"):
        result = run_cli("check", str(tmp_path / "plan.json"), "--format", fmt)
        assert result.returncode == 2 and "surrogate" in result.stderr


def test_the_escape_rules():
    assert escape.line("a\x1b]0;t\x07b") == "a\\x1b]0;t\\x07b"
    assert escape.line("::error::x") == "\\::error::x" and escape.line("  ::set-output") == "\\  ::set-output"
    assert escape.line("route ::/0 -> igw") == "route ::/0 -> igw"  # IPv6 stays readable
    assert escape.markdown_text("@team see https://x.io") == "@\u200bteam see https\u200b://x.io"
    assert escape.uri("stacks/my app/main#1.tf") == "stacks/my%20app/main%231.tf"
    assert len(escape.quoted("x" * 10_000)) == escape.QUOTED


def test_junit_keeps_no_line_break_of_plan_data():
    report = run_cli("check", str(HOSTILE / "plan.json"), "--format", "junit", "--fail-on", "high").stdout
    # the key's escape as terraform writes it, as text; no line break starts a workflow command
    assert "box[&quot;\\n::error::pwned&quot;]" in report and "\n::error" not in report
