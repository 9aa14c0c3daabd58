"""Segmentation intent and `tfreach query` on real plans: the answers in each intent sample's
expected-intents.json were derived by hand from the AWS rules its README cites."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, load_json
from e2e.helpers import run_cli, validate_output

INTENT_SAMPLES = sorted(p.parent.name for p in SAMPLES.glob("*/expected-intents.json"))


def intent_report(path: Path, config: Path, *extra: str) -> dict:
    result = run_cli(
        "check", str(path), "--config", str(config), "--format", "json", "--expand", "--fail-on", "never", *extra
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    validate_output(report)
    return report


def violations(report: dict) -> dict[tuple[str, str, str], dict]:
    """(intent, whose traffic, what it reaches) -> the finding; out to the internet, `internet`."""
    out = {}
    for f in report["findings"]:
        if f["type"] == "IntentViolation":
            target = "internet" if f["resource"] == f["intent"]["source"] else f["resource"]
            out[(f["intent"]["name"], f["intent"]["source"], target)] = f
    return out


def query(folder: Path, source: str, target: str, protocol: str, port: int) -> dict:
    plan = str(folder / "plan.json")
    result = run_cli("query", plan, "--from", source, "--to", target, "--protocol", protocol, "--port", str(port))
    assert result.returncode == 0, result.stderr
    text = run_cli(
        "query", plan, "--from", source, "--to", target, "--protocol", protocol, "--port", str(port), "--format", "json"
    )
    (answer,) = json.loads(text.stdout)["answers"]
    return answer


@pytest.mark.parametrize("folder", INTENT_SAMPLES)
def test_every_broken_intent_is_a_finding_and_no_kept_one_is(folder):
    expected = load_json(SAMPLES / folder / "expected-intents.json")
    report = intent_report(SAMPLES / folder / "plan.json", SAMPLES / folder / ".tfreach.yml")
    found = violations(report)
    assert set(found) == {(b["intent"], b["from"], b["to"]) for b in expected["broken"]}
    kept = {k["intent"] for k in expected["kept"]}
    assert not kept & {name for name, _, _ in found}
    assert all(f["certain"] and f["status"] == "new" for f in found.values()), "a create-only plan known in full"


@pytest.mark.parametrize("folder", INTENT_SAMPLES)
def test_what_breaks_an_intent_is_reachable_by_query_and_the_finding_shows_its_path(folder):
    expected = load_json(SAMPLES / folder / "expected-intents.json")
    report = intent_report(SAMPLES / folder / "plan.json", SAMPLES / folder / ".tfreach.yml")
    found = violations(report)
    for broken in expected["broken"]:
        finding = found[(broken["intent"], broken["from"], broken["to"])]
        roles = [hop["role"] for hop in report["paths"][finding["path"]]]
        assert roles[:2] == ["source", "source security groups egress"], "the path starts where the traffic leaves"
        for probe in broken["reaches"]:
            protocol, port = probe.split("/")
            answer = query(SAMPLES / folder, broken["from"], broken["to"], protocol, int(port))
            assert answer["reachable"] and answer["certain"], (broken["intent"], probe)


def test_three_tier_web_reaches_the_database_by_the_groups_vpc_wide_rule():
    report = intent_report(
        SAMPLES / "intent-three-tier-pci" / "plan.json", SAMPLES / "intent-three-tier-pci" / ".tfreach.yml"
    )
    finding = violations(report)[("web never reaches db", "aws_instance.web", "aws_instance.db")]
    assert (finding["protocol"], finding["port_range"]) == ("tcp", [5432, 5432])
    assert finding["source"]["cidrs"] == ["10.30.0.0/24"], "the web subnet"
    rules = {hop["role"]: hop["rule"] for hop in report["paths"][finding["path"]]}
    assert rules["security groups"] == "aws_security_group.db ingress tcp 5432 from 10.30.0.0/16"


def test_the_pci_subnets_acl_blocks_web_inbound_and_query_says_so():
    answer = query(SAMPLES / "intent-three-tier-pci", "tag:Tier=web", "tag:PCI=true", "tcp", 8443)
    assert not answer["reachable"]
    assert answer["blocked"] == [
        "blocked at network ACL inbound (aws_network_acl.pci): aws_network_acl.pci #* DENY all"
    ]


def test_the_app_tier_goes_out_through_the_nat_gateway_on_every_port():
    report = intent_report(
        SAMPLES / "intent-three-tier-pci" / "plan.json", SAMPLES / "intent-three-tier-pci" / ".tfreach.yml"
    )
    finding = violations(report)[("app goes out on https only", "aws_instance.app", "internet")]
    assert "tcp 0-442, 444-65535; udp all ports; icmp" in finding["title"], "443 is what the intent allows"
    roles = [hop["role"] for hop in report["paths"][finding["path"]]]
    assert roles[-3:] == ["route out", "NAT gateway", "NAT subnet network ACL"]
    assert finding["severity"] == "medium" and finding["source"]["cidrs"] == ["0.0.0.0/0"]


def test_the_table_names_the_egress_rule_that_lets_the_app_tier_out():
    folder = SAMPLES / "intent-three-tier-pci"
    table = run_cli("check", str(folder / "plan.json"), "--config", str(folder / ".tfreach.yml"), "--fail-on", "never")
    row = next(line for line in table.stdout.splitlines() if "IntentViolation" in line and "tcp/0-442" in line)
    assert row.rstrip().endswith("aws_security_group.app egress all to 0.0.0.0/0")


def test_shared_services_spokes_reach_dns_only_and_not_ssh():
    answer = query(SAMPLES / "intent-shared-services-tgw", 'aws_instance.app["a"]', "tag:Tier=shared", "tcp", 22)
    assert not answer["reachable"]
    assert any("no rule of aws_security_group.dns admits tcp 22" in why for why in answer["blocked"])
    dns = query(SAMPLES / "intent-shared-services-tgw", 'aws_instance.app["a"]', "tag:Tier=shared", "udp", 53)
    assert dns["reachable"] and any(hop["role"] == "transit gateway" for hop in dns["path"])


@pytest.mark.parametrize("folder", INTENT_SAMPLES)
def test_the_plan_alone_reports_every_violation_it_reports_beside_the_sources(folder, tmp_path):
    shutil.copy(SAMPLES / folder / "plan.json", tmp_path / "plan.json")
    alone = violations(intent_report(tmp_path / "plan.json", SAMPLES / folder / ".tfreach.yml"))
    beside = violations(intent_report(SAMPLES / folder / "plan.json", SAMPLES / folder / ".tfreach.yml"))
    assert set(beside) <= set(alone)


@pytest.mark.parametrize("folder", INTENT_SAMPLES)
def test_sources_mode_reports_the_same_violations(folder):
    from_sources = violations(intent_report(SAMPLES / folder, SAMPLES / folder / ".tfreach.yml"))
    from_plan = violations(intent_report(SAMPLES / folder / "plan.json", SAMPLES / folder / ".tfreach.yml"))
    assert set(from_sources) == set(from_plan)


def test_a_broken_intent_fails_the_gate_at_its_severity():
    folder = SAMPLES / "intent-three-tier-pci"
    result = run_cli("check", str(folder / "plan.json"), "--config", str(folder / ".tfreach.yml"), "--fail-on", "high")
    assert result.returncode == 1
    assert "intent 'web never reaches db' broken: aws_instance.web reaches aws_instance.db: tcp 5432" in result.stdout


@pytest.mark.parametrize("output", ["sarif", "markdown", "github", "junit"])
def test_a_broken_intent_is_in_every_format(output):
    folder = SAMPLES / "intent-three-tier-pci"
    result = run_cli(
        "check",
        str(folder / "plan.json"),
        "--config",
        str(folder / ".tfreach.yml"),
        "--format",
        output,
        "--fail-on",
        "never",
    )
    assert result.returncode == 0, result.stderr
    assert "intent 'web never reaches db' broken" in result.stdout
    if output == "sarif":
        rules = {r["ruleId"] for r in json.loads(result.stdout)["runs"][0]["results"]}
        assert "tfreach/IntentViolation/high" in rules


def test_what_the_deployed_network_already_allowed_is_existing_and_what_the_plan_adds_is_new(tmp_path):
    """update-open-ssh: HTTPS was open before, the plan opens SSH to the world."""
    config = tmp_path / "intent.yml"
    config.write_text("intents:\n  - from: internet\n    to: aws_instance.web\n    only: tcp/80\n")
    report = intent_report(SAMPLES / "update-open-ssh" / "plan.json", config)
    statuses = {(f["status"], f["port_range"][0]) for f in report["findings"] if f["type"] == "IntentViolation"}
    assert statuses == {("new", 22), ("existing", 443)}


def test_an_unknown_subnet_makes_a_violation_possible_not_hidden(tmp_path):
    """unknown-groups: the instance's groups are unknown in the plan alone: they may admit anything."""
    shutil.copy(Path(__file__).parents[1] / "inputs" / "count-index-arithmetic" / "plan.json", tmp_path / "plan.json")
    config = tmp_path / "intent.yml"
    config.write_text("intents:\n  - from: internet\n    must_not_reach: aws_instance.app\n")
    alone = [f for f in intent_report(tmp_path / "plan.json", config)["findings"] if f["type"] == "IntentViolation"]
    assert alone and not any(f["certain"] for f in alone)
    assert all(f["assumptions"] for f in alone)


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("from: tag:Tier\n    to: tag:Tier=db", "a tag selector is tag:KEY=VALUE"),
        ("from: internet\n    to: 10.0.0.0/8", "a target is the plan's endpoints, or internet"),
        ("from: internet\n    to: vpn", "a target is the plan's endpoints, or internet"),
        ("from: internet\n    to: tag:A=b\n    only: tcp/70000", "ports must be within 0-65535"),
        ("from: internet\n    to: tag:A=b\n    must_not_reach: tag:A=c", "intents"),
        ("from: internet\n    must_not_reach: tag:A=b\n    only: tcp/22", "intents"),
        ("from: internet\n    to: tag:A=b\n    only: ftp/21", "intents[0]"),
    ],
)
def test_a_malformed_intent_is_bad_input(tmp_path, entry, says):
    config = tmp_path / "intent.yml"
    config.write_text(f"intents:\n  - {entry}\n")
    result = run_cli("check", str(SAMPLES / "intent-three-tier-pci" / "plan.json"), "--config", str(config))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr and "intent.yml" in result.stderr


def test_a_malformed_query_selector_is_a_usage_error():
    result = run_cli(
        "query", str(SAMPLES / "intent-three-tier-pci" / "plan.json"), "--from", "tag:x", "--to", "tag:A=b"
    )
    assert result.returncode == 2 and "tag:KEY=VALUE" in result.stderr


UNKNOWN_TAGS = Path(__file__).parents[1] / "inputs" / "intent-unknown-tags"


@pytest.mark.parametrize("alone", [False, True], ids=["beside-sources", "plan-alone"])
def test_a_tag_selector_takes_a_resource_whose_tags_are_unknown_as_possible_and_warns(tmp_path, alone):
    """intent-unknown-tags: `mystery`'s Tier tag is known only after apply, so it may be "db";
    `web` is alike (same subnet, group, public address) but tagged web: never taken."""
    plan = UNKNOWN_TAGS / "plan.json"
    if alone:
        plan = Path(shutil.copy(plan, tmp_path / "plan.json"))
    config = tmp_path / "intent.yml"
    config.write_text("intents:\n  - from: internet\n    must_not_reach: tag:Tier=db\n")
    report = intent_report(plan, config)
    found = {f["resource"]: f for f in report["findings"] if f["type"] == "IntentViolation"}
    assert sorted(found) == ["aws_instance.db", "aws_instance.mystery"]
    assert found["aws_instance.db"]["certain"] and not found["aws_instance.mystery"]["certain"]
    assert [w["resource"] for w in report["warnings"] if w["attribute"] == "tags"] == ["aws_instance.mystery"]


def test_a_cidr_selector_is_those_addresses_from_any_outside_source(tmp_path):
    """vpn-static-and-propagated: on-premises 172.20.0.0/16 reaches app on postgres through the
    VPN; an internet address reaches nothing there."""
    folder = SAMPLES / "vpn-static-and-propagated"
    onprem = query(folder, "172.20.0.0/16", "aws_instance.app", "tcp", 5432)
    assert onprem["reachable"] and onprem["path"][0]["role"] == "on-premises networks"
    assert not query(folder, "8.8.8.8/32", "aws_instance.app", "tcp", 5432)["reachable"]
    config = tmp_path / "intent.yml"
    config.write_text("intents:\n  - from: 172.20.0.0/16\n    must_not_reach: aws_instance.app\n")
    (finding,) = [f for f in intent_report(folder / "plan.json", config)["findings"] if f["type"] == "IntentViolation"]
    assert finding["port_range"] == [5432, 5432] and finding["source"]["cidrs"] == ["172.20.0.0/16"]


def test_a_tag_from_the_providers_default_tags_selects_every_resource_that_carries_it(tmp_path):
    """intent-unknown-tags: the provider's default_tags put Team = payments on every resource
    (in tags_all); `mystery`'s tags_all is known only after apply, so it is taken too, possibly."""
    config = tmp_path / "intent.yml"
    config.write_text("intents:\n  - from: internet\n    must_not_reach: tag:Team=payments\n")
    report = intent_report(UNKNOWN_TAGS / "plan.json", config)
    found = {f["resource"]: f["certain"] for f in report["findings"] if f["type"] == "IntentViolation"}
    assert found == {"aws_instance.db": True, "aws_instance.web": True, "aws_instance.mystery": False}


EGRESS_UNKNOWNS = Path(__file__).parents[1] / "inputs" / "intent-egress-unknowns"


@pytest.mark.parametrize("alone", [False, True], ids=["beside-sources", "plan-alone"])
def test_egress_the_plan_cannot_follow_may_lead_out_and_is_possible(tmp_path, alone):
    """intent-egress-unknowns: a NAT gateway outside the plan, a default route to a transit
    gateway (a central egress may lie beyond) and a subnet outside the plan may all lead out;
    a subnet with the local route only never does."""
    plan = EGRESS_UNKNOWNS / "plan.json"
    if alone:
        plan = Path(shutil.copy(plan, tmp_path / "plan.json"))
    config = tmp_path / "intent.yml"
    config.write_text("intents:\n  - {name: app stays in, from: 'tag:Tier=app', must_not_reach: internet}\n")
    found = {f["resource"]: f for f in intent_report(plan, config)["findings"] if f["type"] == "IntentViolation"}
    assert sorted(found) == ["aws_instance.outside_subnet", "aws_instance.via_outside_nat", "aws_instance.via_transit"]
    assert not any(f["certain"] for f in found.values()) and all(f["assumptions"] for f in found.values())


def test_an_exposure_accepted_from_outside_does_not_accept_a_broken_intent(tmp_path):
    """An allow entry for outside sources leaves "web never reaches db" failing; `source: intent` accepts it."""
    folder = SAMPLES / "intent-three-tier-pci"
    intent = "intents:\n  - {name: web never reaches db, from: 'tag:Tier=web', to: 'tag:Tier=db'}\n"
    entry = "allow:\n  - {resource: aws_instance.db, protocol: tcp, ports: 5432, reason: DBAs over the VPN%s}\n"
    for source, accepted in (("", False), (", source: intent", True)):
        config = tmp_path / "intent.yml"
        config.write_text(intent + entry % source)
        (finding,) = [
            f for f in intent_report(folder / "plan.json", config)["findings"] if f["type"] == "IntentViolation"
        ]
        assert bool(finding["suppressed"]) is accepted


def test_an_intent_from_outside_reaches_a_load_balancer(tmp_path):
    config = tmp_path / "intent.yml"
    config.write_text("intents:\n  - {name: no public lb, from: internet, must_not_reach: 'aws_lb.*'}\n")
    report = intent_report(SAMPLES / "alb-https-asg" / "plan.json", config)
    found = [(f["resource"], f["port_range"]) for f in report["findings"] if f["type"] == "IntentViolation"]
    assert found == [("aws_lb.web", [80, 80])]


def test_an_intent_that_sees_nothing_says_so(tmp_path):
    """A selector that names nothing, brackets read literally, and a source kind not analysed."""
    config = tmp_path / "intent.yml"
    config.write_text(
        "intents:\n"
        "  - {name: typo, from: 'tag:Tier=wbe', to: 'tag:Tier=db'}\n"
        "  - {name: brackets, from: 'aws_instance.web[*]', to: 'tag:Tier=db'}\n"
        "  - {name: vpn, from: vpn, to: 'tag:Tier=db'}\n"
    )
    report = intent_report(SAMPLES / "intent-three-tier-pci" / "plan.json", config, "--source", "internet")
    said = " | ".join(w["message"] for w in report["warnings"])
    assert "tag:Tier=wbe selects no endpoint" in said and "aws_instance.web[*] selects no endpoint" in said
    assert "vpn is not among the analysed sources" in said
