"""Warnings stay readable: one line per cause, with a count and the first places, never a paragraph."""

from __future__ import annotations

import shutil

from conftest import SAMPLES
from e2e.helpers import run_cli

from tfreach.model.network import Notice
from tfreach.reports.warnings import MAX_LINE, warning_lines


def test_notices_of_one_cause_are_one_line_with_a_count_and_the_first_places():
    notices = [Notice(f"aws_instance.app[{i}]", "subnet_id", f"detail {i}", "subnet unknown") for i in range(42)]
    notices.append(Notice("aws_vpc.main", None, "a notice of its own"))
    assert warning_lines(notices) == [
        "42 × subnet unknown — aws_instance.app[0].subnet_id, aws_instance.app[1].subnet_id, "
        "aws_instance.app[2].subnet_id (+39 more)",
        "aws_vpc.main: a notice of its own",
    ]


def test_a_long_notice_is_cut_to_one_readable_line():
    (line,) = warning_lines([Notice("aws_security_group.x", None, "y" * 2700)])
    assert len(line) == MAX_LINE and line.endswith("…")


def test_a_plan_read_alone_says_why_in_a_few_lines(tmp_path):
    shutil.copy(SAMPLES / "peering-chain" / "plan.json", tmp_path / "plan.json")
    table = run_cli("check", str(tmp_path / "plan.json"), "--fail-on", "never").stdout
    warnings = table.split("warnings (")[1].split("\n\n")[0].splitlines()[1:]
    assert len(warnings) <= 5 and all(len(line) <= MAX_LINE + 2 for line in warnings)
    assert any("× picked by count.index or each.key" in line for line in warnings)
