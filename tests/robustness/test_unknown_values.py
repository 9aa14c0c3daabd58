"""Unknown means the more exposed alternative: making any one value unknown never removes a finding.

Generated security group and network ACL rule sets are written into a real plan
(tests/inputs/unknown-inline-cidr: a public instance, its inline group, its subnet's inline ACL),
then one value (a CIDR, a port, a protocol, a rule number, an action or a whole rule block) is
replaced by "known after apply", as terraform writes it: null in `after`, true in `after_unknown`.
"""

from __future__ import annotations

import copy
import io
import json
from typing import Any

from conftest import REPO
from e2e.helpers import uncovered
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tfreach.questions.check import Settings, check_document
from tfreach.reports import ReportOptions
from tfreach.reports.json_report import render_json

TEMPLATE = json.loads((REPO / "tests" / "inputs" / "unknown-inline-cidr" / "plan.json").read_text())

protocols = st.sampled_from(["tcp", "udp", "-1"])
ports = st.tuples(st.integers(0, 2000), st.integers(0, 2000)).map(lambda t: (min(t), max(t)))
cidrs = st.sampled_from(["0.0.0.0/0", "198.51.100.0/24", "203.0.113.0/25", "10.0.0.0/8"])
group_rules = st.lists(st.tuples(protocols, ports, cidrs), min_size=1, max_size=4)
acl_rules = st.lists(
    st.tuples(st.integers(1, 300), st.booleans(), st.sampled_from(["6", "17", "-1"]), ports, cidrs),
    min_size=1,
    max_size=4,
    unique_by=lambda r: r[0],
)
group_fields = st.sampled_from(["cidr_blocks", "from_port", "to_port", "protocol", "block"])
acl_fields = st.sampled_from(["cidr_block", "from_port", "to_port", "protocol", "rule_no", "action", "block"])


def _change(document: dict[str, Any], address: str) -> dict[str, Any]:
    return next(c["change"] for c in document["resource_changes"] if c["address"] == address)


def plan_with(group: list[tuple], acl: list[tuple]) -> dict[str, Any]:
    document = copy.deepcopy(TEMPLATE)
    web = _change(document, "aws_security_group.web")
    web["after"]["ingress"] = [
        {
            "cidr_blocks": [cidr],
            "description": "",
            "from_port": low,
            "ipv6_cidr_blocks": [],
            "prefix_list_ids": [],
            "protocol": protocol,
            "security_groups": [],
            "self": False,
            "to_port": high,
        }
        for protocol, (low, high), cidr in group
    ]
    web["after_unknown"]["ingress"] = [{} for _ in group]
    public = _change(document, "aws_network_acl.public")
    public["after"]["ingress"] = [
        {
            "action": "allow" if allow else "deny",
            "cidr_block": cidr,
            "from_port": low,
            "icmp_code": 0,
            "icmp_type": 0,
            "ipv6_cidr_block": "",
            "protocol": protocol,
            "rule_no": number,
            "to_port": high,
        }
        for number, allow, protocol, (low, high), cidr in acl
    ]
    public["after_unknown"]["ingress"] = [{} for _ in acl]
    return document


def make_unknown(document: dict[str, Any], address: str, index: int, field: str) -> None:
    """What terraform writes for a value known only after apply."""
    change = _change(document, address)
    if field == "block":
        change["after"]["ingress"], change["after_unknown"]["ingress"] = None, True
        return
    rule = change["after"]["ingress"][index % len(change["after"]["ingress"])]
    flags = change["after_unknown"]["ingress"][index % len(change["after_unknown"]["ingress"])]
    if field == "cidr_blocks":
        rule[field], flags[field] = [None], [True]
    else:
        rule[field], flags[field] = None, True


def exposure(document: dict[str, Any]) -> dict[str, Any]:
    result = check_document(document, "plan.json", Settings())
    out = io.StringIO()
    render_json([result], ReportOptions(None, False, expand=True), out)
    return dict(json.loads(out.getvalue()))


@given(group_rules, acl_rules, st.integers(0, 3), group_fields)
@settings(max_examples=60, deadline=None)
def test_an_unknown_value_in_a_security_group_rule_never_removes_a_finding(group, acl, index, field):
    known = plan_with(group, acl)
    unknown = copy.deepcopy(known)
    make_unknown(unknown, "aws_security_group.web", index, field)
    assert not uncovered(exposure(unknown), exposure(known))


@given(group_rules, acl_rules, st.integers(0, 3), acl_fields)
@example(  # a deny rule's from_port known only after apply once read as "every port"
    [("tcp", (0, 0), "0.0.0.0/0")],
    [(1, False, "6", (1, 1), "0.0.0.0/0"), (2, True, "6", (0, 0), "0.0.0.0/0")],
    0,
    "from_port",
)
@settings(max_examples=60, deadline=None)
def test_an_unknown_value_in_a_network_acl_rule_never_removes_a_finding(group, acl, index, field):
    known = plan_with(group, acl)
    unknown = copy.deepcopy(known)
    make_unknown(unknown, "aws_network_acl.public", index, field)
    assert not uncovered(exposure(unknown), exposure(known))
