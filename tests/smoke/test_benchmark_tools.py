"""The benchmark generator, the stage profile and --jobs work (the benchmarks themselves never run in the tests)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, SHARED, sample_plan
from e2e.helpers import run_cli

sys.path.insert(0, str(REPO / "benchmarks"))

from generate import PRESETS, Knobs, from_shared, knobs_for


@pytest.mark.parametrize(("size", "resources"), [(1000, 993), (5000, 5007), (20000, 19937)])
def test_the_size_formula_matches_the_shared_real_plans(size, resources):
    assert PRESETS[size].resources() == resources


def test_a_size_picks_as_many_vpcs_as_it_takes():
    assert abs(knobs_for(2000).resources() - 2000) < Knobs(1, nlb_and_asg=True).resources()
    assert knobs_for(10).vpc_count == 1


def test_the_shared_plan_unzips_to_real_terraform_output(tmp_path):
    if not (SHARED / "bench" / "plan-1000.json.gz").exists():
        pytest.skip(f"the shared benchmark plans are not at {SHARED / 'bench'}")
    out = tmp_path / "plan.json"
    from_shared(1000, out)
    plan = json.loads(out.read_text())
    assert plan["terraform_version"].startswith("1.") and len(plan["resource_changes"]) == 993


def test_jobs_analyse_inputs_in_parallel_with_the_same_report_and_exit_code():
    plans = [str(sample_plan(name)) for name in ("inspector-blog", "update-open-ssh", "three-tier-nat")]
    alone = run_cli("check", *plans, "--format", "json", "--expand")
    together = run_cli("check", *plans, "--format", "json", "--expand", "--jobs", "2")
    assert together.returncode == alone.returncode == 1
    assert json.loads(together.stdout) == json.loads(alone.stdout)


def test_an_input_error_in_a_worker_is_one_line_the_others_are_reported_and_exit_2(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format_version": "1.2", "resource_changes": [')
    result = run_cli("check", str(sample_plan("inspector-blog")), str(broken), "--jobs", "2")
    assert result.returncode == 2
    said = result.stderr.strip().splitlines()
    assert said[0] == f"tfreach: error: {broken}: is truncated: the JSON ends early (line 1)"
    assert said[1] == "tfreach: error: 1 of 2 inputs could not be read (said above): the gate fails"
    assert "aws_instance.inspector_agent is reachable" in result.stdout


def test_the_profile_sums_the_time_by_pipeline_stage():
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "stages.py"), str(sample_plan("alb-https-asg"))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    stages = [line.split("  ")[0] for line in result.stdout.splitlines()[1:]]
    for stage in ("read and check the JSON", "graph: routes, ACLs, groups, forwards", "findings and their evidence"):
        assert stage in stages


def test_the_benchmark_intents_are_twenty_valid_intents():
    """docs/performance.md times `--config benchmarks/intents.yml`: it must stay loadable."""
    from tfreach.findings.config import load_config

    config = load_config(REPO / "benchmarks" / "intents.yml")
    assert len(config.intents) == 20


def test_the_context_benchmark_makes_a_state_whose_links_are_ids(tmp_path):
    """benchmarks/context.py: a plan as Terraform records it after apply, read back as a context."""
    from context import placed_in, state_of

    plan = json.loads((REPO / "tests" / "inputs" / "outside" / "subnet-in-existing-vpc" / "plan.json").read_text())
    mine = json.loads((REPO / "tests" / "inputs" / "outside" / "igw-route" / "plan.json").read_text())
    state = state_of(mine)
    by_address = {r["address"]: r["values"] for r in state["values"]["root_module"]["resources"]}
    assert by_address["aws_subnet.public"]["vpc_id"] == by_address["aws_vpc.main"]["id"]
    assert by_address["aws_subnet.public"]["vpc_id"].startswith("vpc-")
    placed = placed_in(plan, state)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "plan.json").write_text(json.dumps(placed))
    (tmp_path / "context.json").write_text(json.dumps(state))
    args = (
        "check",
        str(tmp_path / "app" / "plan.json"),
        "--context",
        str(tmp_path / "context.json"),
        "--format",
        "json",
    )
    result = run_cli(*args, "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    assert any("context:aws_subnet.public" in json.dumps(p) for p in json.loads(result.stdout)["paths"].values())
