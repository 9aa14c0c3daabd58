"""An id-typed attribute whose value cannot be an id of what it names (EC2 ids are a prefix and
lowercase hexadecimal: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html)
names nothing: it is unreadable, the most exposed of its kind, warned by attribute, and the
value is never printed as if it were an id (it may be anything a plan holds). A well-formed id
the plan does not manage is still an outside resource, shown by its id.

The plans are the real sample plan inspector-blog with one value replaced, as the hostile-plans
property test does.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from conftest import sample_plan
from e2e.helpers import run_cli, uncovered

VALUE = "Not-An-Id <b>x</b> @team"
PLAN = json.loads(sample_plan("inspector-blog").read_text())


def changed(address: str, change: Any) -> dict[str, Any]:
    document = copy.deepcopy(PLAN)
    after = next(c for c in document["resource_changes"] if c["address"] == address)["change"]["after"]
    change(after)
    return document


def checked(document: dict[str, Any], tmp_path: Any, fmt: str = "json") -> str:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(document))
    result = run_cli("check", str(plan), "--format", fmt, "--expand", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    return result.stdout


CASES = {
    "subnet_id": ("aws_instance.inspector_agent", lambda after: after.update(subnet_id=VALUE)),
    "vpc_security_group_ids": (
        "aws_instance.inspector_agent",
        lambda after: after.update(vpc_security_group_ids=[VALUE]),
    ),
    "gateway_id": ("aws_route_table.public", lambda after: [r.update(gateway_id=VALUE) for r in after["route"]]),
}


@pytest.mark.parametrize("attribute", sorted(CASES))
def test_a_value_that_cannot_be_an_id_is_the_most_exposed_and_never_shown(attribute, tmp_path):
    address, change = CASES[attribute]
    report = json.loads(checked(changed(address, change), tmp_path))
    original = json.loads(checked(PLAN, tmp_path))
    assert uncovered(report, original) == []  # nothing the real plan exposes goes unreported
    said = [w for w in report["warnings"] if w["attribute"] == attribute and w["resource"] == address]
    assert said and "holds a value that cannot be the id of a" in said[0]["message"]
    assert said[0]["cause"] == "a value that cannot be the id of what the attribute names; the most exposed of its kind"
    for fmt in ("json", "table", "sarif", "markdown", "github", "gitlab", "html", "junit"):
        assert "Not-An-Id" not in checked(changed(address, change), tmp_path, fmt), fmt


def test_a_well_formed_id_outside_the_plan_is_still_shown_as_an_outside_resource(tmp_path):
    outside = "subnet-0a1b2c3d4e5f60718"
    report = checked(changed("aws_instance.inspector_agent", lambda after: after.update(subnet_id=outside)), tmp_path)
    assert outside in report and "cannot be the id" not in report
