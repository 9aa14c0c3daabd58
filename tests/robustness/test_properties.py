"""Properties that must hold for every network, checked on many generated ones (hypothesis)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import sample_plan
from hypothesis import given, settings
from hypothesis import strategies as st
from model_builder import ALLOW, DENY, NetworkBuilder, match

from tfreach.aws.acl import acl_decisions
from tfreach.engine.hop import allowed
from tfreach.model.network import AclRule, NetworkAcl
from tfreach.model.packets import IntervalSet, PacketSet, addresses

# A small universe: two protocols, eight ports, the eight addresses of 198.51.100.0/29.
BASE = addresses("198.51.100.0/29").spans[0][0]
PROTOCOLS, PORTS, HOSTS = (6, 17), range(8), range(8)


def packet(protocol: int, port: int, host: int) -> PacketSet:
    return PacketSet.box((protocol, protocol), (port, port), IntervalSet([(BASE + host, BASE + host)]))


spans = st.tuples(st.integers(0, 7), st.integers(0, 7)).map(lambda t: (min(t), max(t)))
boxes = st.builds(
    lambda protocol, ports, hosts: PacketSet.box(protocol, ports, IntervalSet([(BASE + hosts[0], BASE + hosts[1])])),
    st.sampled_from([(6, 6), (17, 17), (6, 17)]),
    spans,
    spans,
)
acl_rules = st.lists(st.tuples(st.integers(1, 32766), st.booleans(), boxes), max_size=6, unique_by=lambda r: r[0])


def first_match(rules: list[tuple[int, bool, PacketSet]], probe: PacketSet) -> bool:
    """Network ACLs as the AWS documentation states them: lowest number first, first match wins."""
    for _, allow, matching in sorted(rules, key=lambda r: r[0]):
        if matching.intersects(probe):
            return allow
    return False  # the final "*" rule denies


@given(acl_rules)
@settings(max_examples=300)
def test_network_acl_evaluation_is_first_match_by_rule_number(rules):
    acl = NetworkAcl("acl", "aws_network_acl", None, [AclRule(n, False, a, m, f"#{n}") for n, a, m in rules])
    admitted = allowed(acl_decisions(acl, egress=False))
    for protocol in PROTOCOLS:
        for port in PORTS:
            for host in HOSTS:
                probe = packet(protocol, port, host)
                assert admitted.intersects(probe) == first_match(rules, probe)


# --- monotonicity on a whole network -----------------------------------------------------------

tcp_ports = st.tuples(st.integers(0, 1024), st.integers(0, 1024)).map(lambda t: (min(t), max(t)))
cidrs = st.sampled_from(["0.0.0.0/0", "198.51.100.0/24", "203.0.113.0/25", "10.0.0.0/8"])
rules_in = st.lists(st.tuples(tcp_ports, cidrs), min_size=1, max_size=4)
nacl_rules = st.lists(
    st.tuples(st.integers(1, 300), st.booleans(), tcp_ports, cidrs), max_size=4, unique_by=lambda r: r[0]
)


def exposure(group_rules, acl_rules_in) -> PacketSet:
    net = NetworkBuilder()
    subnet = net.subnet("public", "10.0.1.0/24")
    net.public_route_table([subnet])
    ingress = [(n, False, a, match("tcp", ports, cidr)) for n, a, ports, cidr in acl_rules_in]
    replies = [(100, True, ALLOW, match("-1", None, "0.0.0.0/0"))]
    net.network_acl("public", [subnet], ingress + replies)
    group = net.security_group("web", [match("tcp", ports, cidr) for ports, cidr in group_rules])
    net.instance("web", subnet, [group])
    return net.reachable().get("aws_instance.web", PacketSet())


@given(rules_in, nacl_rules, tcp_ports, cidrs)
@settings(max_examples=60, deadline=None)
def test_adding_a_security_group_rule_never_removes_an_exposure(group_rules, acl, ports, cidr):
    before = exposure(group_rules, acl)
    after = exposure([*group_rules, (ports, cidr)], acl)
    assert before.issubset(after)


@given(rules_in, nacl_rules, st.integers(1, 300), tcp_ports, cidrs)
@settings(max_examples=60, deadline=None)
def test_adding_a_network_acl_allow_never_removes_and_a_deny_never_adds(group_rules, acl, number, ports, cidr):
    if any(n == number for n, *_ in acl):
        return
    before = exposure(group_rules, acl)
    assert before.issubset(exposure(group_rules, [*acl, (number, ALLOW, ports, cidr)]))
    assert exposure(group_rules, [*acl, (number, DENY, ports, cidr)]).issubset(before)


# --- determinism ---------------------------------------------------------------------------------


def test_the_same_input_gives_byte_identical_reports_whatever_the_hash_seed():
    plans = [str(sample_plan(name)) for name in ("modules-count-foreach", "alb-https-asg", "peered-vpcs")]
    outputs = set()
    for seed in ("0", "1", "12345"):
        for output_format in ("json", "sarif"):
            result = subprocess.run(
                [sys.executable, "-m", "tfreach", "check", *plans, "--format", output_format, "--fail-on", "never"],
                capture_output=True,
                env={**os.environ, "PYTHONHASHSEED": seed},
            )
            assert result.returncode == 0, result.stderr
            outputs.add((output_format, result.stdout))
    assert len(outputs) == 2  # one JSON and one SARIF, identical across seeds


# --- unknowns are explicit -------------------------------------------------------------------------


def test_every_assumption_a_finding_rests_on_is_a_warning():
    from conftest import CORPUS, SAMPLES

    from tfreach.questions.check import check_plan

    plans = (
        sorted(SAMPLES.glob("*/plan.json")) + sorted(CORPUS.glob("plans/*.json")) + sorted(CORPUS.glob("public/*.json"))
    )
    for plan in plans:
        result = check_plan(str(plan))
        said = " | ".join(n.message for n in result.warnings)
        for finding in result.findings:
            assert all(a in said for a in finding.assumptions), (plan.name, finding.assumptions)


def test_strict_turns_any_assumption_into_exit_2():
    plain = subprocess.run(
        [sys.executable, "-m", "tfreach", "check", str(sample_plan("peered-vpcs")), "--fail-on", "never"],
        capture_output=True,
        text=True,
    )
    strict = subprocess.run(
        [sys.executable, "-m", "tfreach", "check", str(sample_plan("peered-vpcs")), "--fail-on", "never", "--strict"],
        capture_output=True,
        text=True,
    )
    assert plain.returncode == 0 and strict.returncode == 2
    assert strict.stdout == plain.stdout  # the report still says what was assumed
    assert strict.stderr.startswith("tfreach: error: --strict: 1 warning:")
