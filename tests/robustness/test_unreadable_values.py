"""Unreadable means the more exposed alternative: a value of the wrong JSON type never removes a finding.

As test_unknown_values, on the same real plan (tests/inputs/unknown-inline-cidr), but the value put in
is not "known after apply": it is of a type terraform never writes there (a string where a list of
blocks belongs, a list where a port belongs, null inside a list of blocks). A hand-edited or hostile
plan must not pass the gate where the good plan fails it.
"""

from __future__ import annotations

import copy
from typing import Any

from e2e.helpers import uncovered
from hypothesis import example, given, settings
from hypothesis import strategies as st
from robustness.test_unknown_values import _change, acl_rules, exposure, group_rules, plan_with

# Of a type terraform never writes there (an empty list of blocks, or null for an optional list, is
# a legitimate "none" and may well remove a finding).
NOT_A_SCALAR = st.sampled_from([[], {}, [5], {"a": 1}, None])
NOT_A_NUMBER = st.sampled_from(["x", 22.5, True, "1e30", 1e30, -1, 70000]) | NOT_A_SCALAR
NOT_A_LIST = st.sampled_from(["x", 5, True, {}, {"a": 1}, [5], [None, "x"], [["10.0.0.0/8"]], [{}]])
NOT_BLOCKS = st.sampled_from(["x", 5, None, {}, [None], ["x"], [5], [{}], [{"protocol": "tcp"}], [[]]])
JUNK_FOR = {
    "cidr_blocks": NOT_A_LIST,
    "ipv6_cidr_blocks": NOT_A_LIST,
    "security_groups": NOT_A_LIST,
    "prefix_list_ids": NOT_A_LIST,
    "from_port": NOT_A_NUMBER,
    "to_port": NOT_A_NUMBER,
    "rule_no": NOT_A_NUMBER,
    "icmp_type": NOT_A_NUMBER,
    "protocol": NOT_A_NUMBER | st.sampled_from(["tcpp", "300", 300]),
    "action": st.sampled_from(["permit", "ALLOW ", 5, None, [], "x"]),
    "cidr_block": st.sampled_from([5, [], {}, "x", "10.0.0.0/33", True]),
    "block": NOT_BLOCKS.filter(lambda v: not isinstance(v, list)) | st.sampled_from([None, "x", [], {}]),
    "blocks": NOT_BLOCKS,
}


def field_and_junk(fields: list[str]) -> st.SearchStrategy[tuple[str, Any]]:
    return st.sampled_from(fields).flatmap(lambda f: st.tuples(st.just(f), JUNK_FOR[f]))


GROUP_FIELDS = ["cidr_blocks", "ipv6_cidr_blocks", "from_port", "to_port", "protocol", "security_groups"]
GROUP_FIELDS += ["prefix_list_ids", "block", "blocks"]
ACL_FIELDS = ["cidr_block", "from_port", "to_port", "protocol", "rule_no", "action", "icmp_type", "block", "blocks"]


def make_unreadable(document: dict[str, Any], address: str, index: int, field: str, junk: Any) -> None:
    after = _change(document, address)["after"]
    rules = after["ingress"]
    if field == "block":
        rules[index % len(rules)] = junk
    elif field == "blocks":
        after["ingress"] = junk
    else:
        rules[index % len(rules)][field] = junk


@given(group_rules, acl_rules, st.integers(0, 3), field_and_junk(GROUP_FIELDS))
@example([("tcp", (22, 22), "0.0.0.0/0")], [(100, True, "-1", (0, 0), "0.0.0.0/0")], 0, ("blocks", "x"))
@example([("tcp", (22, 22), "0.0.0.0/0")], [(100, True, "-1", (0, 0), "0.0.0.0/0")], 0, ("blocks", [None]))
@example([("tcp", (22, 22), "0.0.0.0/0")], [(100, True, "-1", (0, 0), "0.0.0.0/0")], 0, ("cidr_blocks", "x"))
@settings(max_examples=80, deadline=None)
def test_an_unreadable_value_in_a_security_group_never_removes_a_finding(group, acl, index, field_junk):
    field, junk = field_junk
    known = plan_with(group, acl)
    unreadable = copy.deepcopy(known)
    make_unreadable(unreadable, "aws_security_group.web", index, field, junk)
    assert not uncovered(exposure(unreadable), exposure(known))


@given(group_rules, acl_rules, st.integers(0, 3), field_and_junk(ACL_FIELDS))
@example([("tcp", (22, 22), "0.0.0.0/0")], [(1, False, "6", (22, 22), "0.0.0.0/0")], 0, ("action", 5))
@example([("tcp", (22, 22), "0.0.0.0/0")], [(1, False, "6", (22, 22), "0.0.0.0/0")], 0, ("cidr_block", []))
@example([("tcp", (22, 22), "0.0.0.0/0")], [(1, False, "6", (22, 22), "10.0.0.0/8")], 0, ("cidr_block", 5))
@settings(max_examples=80, deadline=None)
def test_an_unreadable_value_in_a_network_acl_never_removes_a_finding(group, acl, index, field_junk):
    field, junk = field_junk
    known = plan_with(group, acl)
    unreadable = copy.deepcopy(known)
    make_unreadable(unreadable, "aws_network_acl.public", index, field, junk)
    assert not uncovered(exposure(unreadable), exposure(known))


WHOLE = ["aws_security_group.web", "aws_network_acl.public", "aws_subnet.public", "aws_instance.web"]


@given(
    st.sampled_from(WHOLE),
    st.sampled_from(["vpc_id", "subnet_id", "ingress", "egress", "cidr_block", "tags"]),
    NOT_BLOCKS,
)
@settings(max_examples=40, deadline=None)
def test_a_resource_that_cannot_be_read_is_the_most_exposed_of_its_kind(address, field, junk):
    """Whatever breaks a resource's parser, it stands as the most exposed resource of its type."""
    known = plan_with([("tcp", (22, 22), "198.51.100.0/24")], [(100, True, "6", (22, 22), "0.0.0.0/0")])
    broken = copy.deepcopy(known)
    _change(broken, address)["after"][field] = junk
    report = exposure(broken)
    assert not uncovered(report, exposure(known))
    assert all("could not be read" not in w["message"] or "ignored" not in w["message"] for w in report["warnings"])
