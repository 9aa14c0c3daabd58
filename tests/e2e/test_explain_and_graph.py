"""`tfreach explain` names where and why each path stops; `tfreach graph` draws the network."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import REPO, sample_plan
from e2e.helpers import run_cli


def explain(plan: str, address: str, *args: str) -> str:
    result = run_cli("explain", str(sample_plan(plan)), address, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("plan", "address", "args", "blocked_at", "because"),
    [
        ("enis-and-eips", "aws_instance.nopub", ["--port", "22"], "public address", "has no public address"),
        ("three-tier-nat", "aws_instance.db", ["--port", "5432"], "route back", "has no route for the client"),
        (
            "inspector-blog",
            "aws_instance.inspector_private",
            ["--port", "22"],
            "route back",
            "sends the replies to aws_nat_gateway.nat",
        ),
        (
            "nacl-heavy",
            "aws_instance.web",
            ["--port", "22"],
            "network ACL inbound",
            "aws_network_acl.web #90 DENY tcp 22 0.0.0.0/0",
        ),
        (
            "nacl-heavy",
            "aws_instance.noreturn",
            ["--port", "22"],
            "network ACL outbound reply",
            "lets no reply out to the client's ports 1024-65535",
        ),
        (
            "inspector-blog",
            "aws_instance.inspector_agent",
            ["--port", "3306"],
            "security groups",
            "no rule of aws_security_group.inspector admits tcp 3306 from the internet",
        ),
        (
            "internal-and-unrouted-lbs",
            "aws_lb.internal",
            ["--port", "80"],
            "public address",
            "is an internal load balancer",
        ),
        (
            "inspector-blog",
            "aws_instance.web",
            ["--port", "443"],
            "target group",
            "forwards tcp 80 to port 80 only, not tcp 443",
        ),
        (
            "internal-and-unrouted-lbs",
            "aws_instance.orphan",
            ["--port", "8080"],
            "load balancer egress",
            "allow no connection out",
        ),
    ],
)
def test_explain_names_the_hop_and_the_reason_a_path_is_blocked(plan, address, args, blocked_at, because):
    text = explain(plan, address, *args, "--source", "internet")
    assert "REACHABLE" not in text
    assert f"x {blocked_at}:" in text and because in text, text


def test_explain_shows_the_whole_admitting_path_of_a_reachable_port():
    text = explain("bastion-private-app", "aws_instance.bastion", "--port", "22", "--source", "internet")
    assert "REACHABLE (tcp 22 from 0.0.0.0/0)" in text
    for rule in (
        "aws_internet_gateway.igw attached to aws_vpc.main",
        "aws_route_table.public route 0.0.0.0/0 -> aws_internet_gateway.igw",
        "default network ACL #100 ALLOW all 0.0.0.0/0",
        "aws_security_group_rule.bastion_ssh_in ingress tcp 22 from 0.0.0.0/0",
        "aws_eip.bastion",
    ):
        assert rule in text


def test_explain_follows_load_balancers_to_their_targets():
    text = explain("alb-https-asg", "aws_instance.app[0]", "--port", "8080", "--source", "internet")
    assert "through aws_lb.web: REACHABLE" in text and "target group: aws_lb_target_group.app" in text


def test_explain_rejects_an_address_that_is_not_an_endpoint():
    result = run_cli("explain", str(sample_plan("inspector-blog")), "aws_instance.nope")
    assert result.returncode == 2 and "is not an endpoint" in result.stderr


def test_graph_draws_the_network_with_exposed_paths_highlighted(tmp_path):
    mermaid = run_cli("graph", str(sample_plan("inspector-blog")), "--source", "internet").stdout
    assert mermaid.startswith("flowchart LR") and "==>" in mermaid and "-.->" in mermaid and "linkStyle" in mermaid
    out = tmp_path / "net.dot"
    assert run_cli("graph", str(sample_plan("inspector-blog")), "--format", "dot", "-o", str(out)).returncode == 0
    dot = out.read_text()
    assert dot.startswith("digraph tfreach {") and "color=red" in dot and "cluster_" in dot


def test_the_pre_commit_manifest_is_valid():
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_plan_hook_matches_plan_files_and_not_planets():
    import yaml

    pattern = re.compile(yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]["files"])
    plans = ["plan.json", "tfplan.json", "envs/prod/prod.plan.json", "plan-staging.json", "prod.tfplan.json"]
    others = ["planets.json", "explanation.json", "docs/plan/notes.json", "plan.json.bak", "test-plan.json"]
    others += ["floor_plan.json", "site/floor_plan.json", "my-plan.json"]
    assert [p for p in plans if not pattern.search(p)] == [] and [p for p in others if pattern.search(p)] == []


def test_a_bad_file_among_staged_plans_is_reported_and_the_others_still_checked(tmp_path):
    """One broken file must not hide an exposure in the next one: each is said, the gate fails."""
    broken = tmp_path / "broken.plan.json"
    broken.write_text("{not json")
    files = [str(broken), str(sample_plan("update-open-ssh"))]
    result = run_cli("check", *files, "--format", "json", "--expand", "--fail-on", "never")
    assert result.returncode == 2 and "broken.plan.json: is not valid JSON" in result.stderr
    assert [i["path"] for i in json.loads(result.stdout)["inputs"]] == [files[1]]


def test_the_hook_entry_runs_as_pre_commit_runs_it():
    """pre-commit appends the staged file names to the entry."""
    import yaml

    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]
    entry = hook["entry"].split()
    assert entry[0] == "tfreach"
    files = [str(sample_plan("update-open-ssh")), str(sample_plan("update-remove-sg-rule"))]
    result = subprocess.run([sys.executable, "-m", "tfreach", *entry[1:], *files], capture_output=True, text=True)
    assert result.returncode == 1  # update-open-ssh opens SSH to the world
    result = subprocess.run([sys.executable, "-m", "tfreach", *entry[1:], files[1]], capture_output=True, text=True)
    assert result.returncode == 0  # removing a rule opens nothing


def test_the_sources_hook_checks_the_configuration_a_changed_module_file_belongs_to():
    import yaml

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "tfreach-sources")
    assert re.search(hook["files"], "modules/web/main.tf")
    entry = hook["entry"].split()
    staged = ["sources-features/modules/tier/main.tf", "sources-features/main.tf", "inspector-blog/main.tf"]
    result = subprocess.run(
        [sys.executable, "-m", "tfreach", *entry[1:], *staged, "--format", "json", "--expand", "--fail-on", "never"],
        capture_output=True,
        text=True,
        cwd=REPO / "sample_plans",
    )
    assert result.returncode == 0, result.stderr
    assert [i["path"] for i in json.loads(result.stdout)["inputs"]] == ["sources-features", "inspector-blog"]
