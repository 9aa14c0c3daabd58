"""HCL mode: `tfreach check DIR` on the .tf files gives the plan's findings wherever the sources decide them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLES, load_json, needs_corpus
from e2e.helpers import check_json, run_cli, uncovered, validate_output

FOLDERS = sorted(p.parent.name for p in SAMPLES.glob("*/plan.json"))


def finding_keys(report: dict) -> list[tuple]:
    """What a finding says: resource, protocol, ports, source (kind and addresses) and the path's load balancer."""
    return sorted(
        (
            f["resource"],
            f["type"],
            f["protocol"],
            json.dumps(f["port_range"]),
            f["source"]["kind"],
            json.dumps(sorted(f["source"]["cidrs"])),
            f["via"] or "",
        )
        for f in report["findings"]
    )


def sources_json(folder: Path, *extra: str) -> dict:
    result = run_cli("check", str(folder), "--format", "json", "--expand", "--fail-on", "never", *extra)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    validate_output(report)
    return report


@pytest.mark.parametrize("folder", FOLDERS)
def test_sources_give_the_same_findings_as_the_plan(folder):
    from_sources = sources_json(SAMPLES / folder)
    from_plan = check_json(SAMPLES / folder / "plan.json")
    assert from_sources["inputs"][0]["kind"] == "sources"
    assert finding_keys(from_sources) == finding_keys(from_plan)


UPDATES = sorted(p.parent.parent.name for p in SAMPLES.glob("*/before/main.tf"))


@pytest.mark.parametrize("folder", UPDATES)
def test_the_deployed_sources_give_the_findings_of_the_prior_state(folder, tmp_path):
    plan = load_json(SAMPLES / folder / "plan.json")
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format_version": plan["format_version"], "values": plan["prior_state"]["values"]}))
    assert finding_keys(sources_json(SAMPLES / folder / "before")) == finding_keys(check_json(state))


def test_a_tf_file_stands_for_its_folder_once():
    folder = SAMPLES / "modules-count-foreach"
    report = sources_json(folder / "main.tf")
    twice = sources_json(folder / "main.tf", str(folder))
    assert [i["path"] for i in twice["inputs"]] == [str(folder)]
    assert finding_keys(report) == finding_keys(twice)


def test_findings_carry_the_file_and_line_of_the_resource_block():
    folder = SAMPLES / "sources-features"
    report = sources_json(folder)
    web = next(f for f in report["findings"] if f["resource"] == "module.web[0].aws_instance.this")
    assert web["location"]["file"].endswith("modules/tier/main.tf")
    lines = (folder / "modules" / "tier" / "main.tf").read_text().splitlines()
    assert lines[web["location"]["line"] - 1].startswith('resource "aws_instance" "this"')


def test_sarif_points_at_the_resource_block_in_sources_mode():
    result = run_cli("check", str(SAMPLES / "sources-features"), "--format", "sarif", "--fail-on", "never")
    sarif = json.loads(result.stdout)
    regions = [r["locations"][0]["physicalLocation"] for r in sarif["runs"][0]["results"]]
    assert regions and all(
        p["artifactLocation"]["uri"].endswith(".tf") and p["region"]["startLine"] > 0 for p in regions
    )


def test_an_inline_comment_accepts_an_exposure_in_both_modes():
    for path in (SAMPLES / "sources-features", SAMPLES / "sources-features" / "plan.json"):
        report = sources_json(path) if path.is_dir() else check_json(path)
        bastion = [f for f in report["findings"] if f["resource"] == "aws_instance.bastion" and f["port_range"]]
        assert bastion and all(f["suppressed"]["by"] == "comment" for f in bastion)
        assert "key-only SSH" in bastion[0]["suppressed"]["reason"]


def test_an_inline_comment_counts_in_plan_mode_only_with_the_sources_at_hand(tmp_path):
    shutil.copy(SAMPLES / "sources-features" / "plan.json", tmp_path / "plan.json")
    alone = check_json(tmp_path / "plan.json")
    assert not any(f["suppressed"] for f in alone["findings"] if f["resource"] == "aws_instance.bastion")
    result = run_cli(
        "check",
        str(tmp_path / "plan.json"),
        "--tf-root",
        str(SAMPLES / "sources-features"),
        "--format",
        "json",
        "--expand",
    )
    with_root = json.loads(result.stdout)
    assert any(f["suppressed"] for f in with_root["findings"] if f["resource"] == "aws_instance.bastion")


def test_an_inline_comment_without_a_reason_is_a_warning(tmp_path):
    folder = copy_sample("sources-features", tmp_path)
    main = folder / "main.tf"
    main.write_text(main.read_text().replace(" reason: the admins' bastion, key-only SSH", ""))
    report = sources_json(folder)
    assert not any(f["suppressed"] for f in report["findings"] if f["resource"] == "aws_instance.bastion")
    assert any("without 'reason" in w["message"] for w in report["warnings"])


def copy_sample(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(SAMPLES / name, target, ignore=shutil.ignore_patterns("plan.json", ".terraform*"))
    return target


# --- what the sources cannot tell --------------------------------------------------------------


def test_variables_come_from_var_files_and_var_in_terraform_order(tmp_path):
    folder = copy_sample("sources-features", tmp_path)
    (folder / "open.auto.tfvars").write_text('admin_cidrs = { anyone = "0.0.0.0/0" }\n')
    opened = sources_json(folder)
    assert any(f["port_range"] == [22, 22] and f["source"]["kind"] == "internet" for f in web_findings(opened))
    closed_again = sources_json(folder, "--var", 'admin_cidrs={office = "203.0.113.0/24"}')
    assert all(
        f["source"]["cidrs"] == ["203.0.113.0/24"] for f in web_findings(closed_again) if f["port_range"] == [22, 22]
    )
    exposed = sources_json(folder, "--var", "expose_admin=true")
    assert any(f["source"]["cidrs"] == ["0.0.0.0/0"] for f in web_findings(exposed) if f["port_range"] == [22, 22])


def web_findings(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["resource"].startswith("module.web[")]


def test_a_variable_without_a_value_is_a_warning_and_treated_as_unknown(tmp_path):
    folder = copy_sample("sources-features", tmp_path)
    (folder / "terraform.tfvars").unlink()
    report = sources_json(folder, "--var", "vpc_cidr=10.60.0.0/16", "--var", 'admin_cidrs={a="203.0.113.0/24"}')
    messages = [w["message"] for w in report["warnings"]]
    assert any("var.zones" in m and "has no value" in m and "main.tf:" in m for m in messages), messages


def test_a_remote_module_is_a_warning_with_file_and_line(tmp_path):
    (tmp_path / "main.tf").write_text(
        'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
        'resource "aws_instance" "x" {\n  ami = "ami-1"\n  subnet_id = module.vpc.public_subnets[0]\n}\n'
    )
    report = sources_json(tmp_path)
    messages = [f"{w['resource']}: {w['message']}" for w in report["warnings"]]
    assert any("module.vpc" in m and "main.tf:1" in m and "not a local folder" in m for m in messages), messages
    assert any("aws_instance.x" in m and "module.vpc.public_subnets[0]" in m for m in messages), messages


def test_data_sources_and_the_workspace_are_warnings(tmp_path):
    (tmp_path / "main.tf").write_text(
        'data "aws_vpc" "default" {\n  default = true\n}\n'
        'resource "aws_security_group" "x" {\n'
        "  vpc_id = data.aws_vpc.default.id\n"
        '  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n'
        '    cidr_blocks = [terraform.workspace == "prod" ? "10.0.0.0/8" : "0.0.0.0/0"]\n  }\n}\n'
    )
    messages = [w["message"] for w in sources_json(tmp_path)["warnings"]]
    assert any("main.tf:5" in m and "data.aws_vpc.default" in m for m in messages), messages
    assert any("terraform.workspace" in m for m in messages), messages


def test_invalid_hcl_is_an_input_error(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "x" {\n  cidr_block = \n')
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "main.tf" in result.stderr and "not valid HCL" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_folder_without_tf_files_is_an_input_error(tmp_path):
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2 and "holds no .tf files" in result.stderr


def test_explain_and_graph_read_sources_too():
    folder = str(SAMPLES / "sources-features")
    explained = run_cli("explain", folder, "module.web[0].aws_instance.this", "--port", "443")
    assert explained.returncode == 0 and "aws_internet_gateway.main" in explained.stdout
    drawn = run_cli("graph", folder)
    assert drawn.returncode == 0 and drawn.stdout.startswith("flowchart")


# --- the shared corpus --------------------------------------------------------------------------

CORPUS_SOURCES = sorted(CORPUS.glob("plans/*.tf"))


@pytest.mark.parametrize("source", CORPUS_SOURCES, ids=lambda p: p.name)
def test_corpus_sources_run_and_name_the_modules_they_cannot_read(source, tmp_path):
    """Their modules live in a folder not shipped with the corpus: each call is a warning, never a crash.
    (The copy sits deep in a repository, so that `../../modsrc` lies inside the root, and is missing.)"""
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "stacks" / "app" / "main"
    folder.mkdir(parents=True)
    shutil.copy(source, folder / "main.tf")
    report = sources_json(folder)
    calls = [line for line in source.read_text().splitlines() if line.startswith("module ")]
    missing = [w for w in report["warnings"] if w["attribute"] == "source"]
    assert len(missing) == len(calls)
    assert all("main.tf:" in w["message"] for w in missing)


@needs_corpus
def test_corpus_sources_without_modules_match_the_prior_state(tmp_path):
    shutil.copy(CORPUS / "plans" / "update_close_exposure.before.tf", tmp_path / "main.tf")
    plan = load_json(CORPUS / "plans" / "update_close_exposure.json")
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format_version": plan["format_version"], "values": plan["prior_state"]["values"]}))
    assert finding_keys(sources_json(tmp_path)) == finding_keys(check_json(state))


@needs_corpus
def test_what_only_the_state_knows_is_what_sources_mode_misses(tmp_path):
    """The db instance keeps the public IP it was launched with, though its subnet no longer maps one."""
    shutil.copy(CORPUS / "plans" / "update_close_exposure.tf", tmp_path / "main.tf")
    from_plan = check_json(CORPUS / "plans" / "update_close_exposure.json")
    from_sources = sources_json(tmp_path)
    only_plan = set(finding_keys(from_plan)) - set(finding_keys(from_sources))
    assert set(finding_keys(from_sources)) <= set(finding_keys(from_plan))
    assert only_plan and all(key[0] == "aws_instance.db" and key[6] == "" for key in only_plan)
    prior = load_json(CORPUS / "plans" / "update_close_exposure.json")["prior_state"]["values"]["root_module"]
    db = next(r for r in prior["resources"] if r["address"] == "aws_instance.db")
    assert db["values"]["public_ip"]


# --- a plan with and without its sources ----------------------------------------------------------


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_plan_alone_gives_the_answers_it_gives_beside_its_sources(folder, tmp_path):
    """The sources only make exact what the JSON leaves open; where that changes an answer, a warning says so."""
    shutil.copy(SAMPLES / folder / "plan.json", tmp_path / "plan.json")
    alone = check_json(tmp_path / "plan.json")
    beside = check_json(SAMPLES / folder / "plan.json")
    assert not uncovered(alone, beside)
    if set(finding_keys(beside)) != set(finding_keys(alone)):
        assert any("ambiguous" in w["message"] or "may be meant" in w["message"] for w in alone["warnings"])


def test_sources_that_are_not_the_plans_are_not_used(tmp_path):
    shutil.copy(SAMPLES / "peering-chain" / "plan.json", tmp_path / "plan.json")
    result = run_cli(
        "check",
        str(tmp_path / "plan.json"),
        "--tf-root",
        str(SAMPLES / "inspector-blog"),
        "--format",
        "json",
        "--expand",
    )
    report = json.loads(result.stdout)
    assert any("not the configuration of" in w["message"] for w in report["warnings"])
    assert not any(f.get("location") for f in report["findings"])


def test_a_resource_declared_twice_is_an_input_error(tmp_path):
    (tmp_path / "a.tf").write_text('resource "aws_vpc" "x" {\n  cidr_block = "10.0.0.0/16"\n}\n')
    (tmp_path / "b.tf").write_text('\n\nresource "aws_vpc" "x" {\n  cidr_block = "10.1.0.0/16"\n}\n')
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "b.tf: line 3: resource aws_vpc.x is already declared at" in result.stderr and "a.tf:1" in result.stderr
