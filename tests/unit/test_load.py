"""Bad input gets one line naming the file and the problem (InputError), never a crash."""

from __future__ import annotations

import json

import pytest

from tfreach.errors import InputError
from tfreach.inputs.plan.load import load_plan


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"not json", "is not valid JSON"),
        (b"[1, 2]", "top level is a JSON array"),
        (b'{"format_version": "1.2", "planned_values": {"root_module": {"resources": [', "is truncated"),
        (b"PK\x03\x04binary", "terraform show -json"),
        (b'{"format_version": "2.0", "planned_values": {}}', 'format_version "2.0" is not supported'),
        (b'{"hello": "world"}', "no format_version"),
        (b'{"format_version": "1.2"}', "is not a Terraform plan or state"),
        (
            b'{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"type": "aws_vpc"}]}}}',
            "'address' is a required property",
        ),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_bad_input_names_the_file_and_the_problem(tmp_path, content, problem):
    path = write(tmp_path, "plan.json", content)
    with pytest.raises(InputError) as error:
        load_plan(path)
    assert problem in str(error.value)
    assert str(error.value).startswith(path)
    assert "\n" not in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_plan(str(tmp_path / "missing.json"))


def test_old_0x_plans_are_read_like_1x(tmp_path):
    path = write(
        tmp_path, "old.json", json.dumps({"format_version": "0.1", "planned_values": {"root_module": {}}}).encode()
    )
    assert load_plan(path)["format_version"] == "0.1"


def test_unknown_keys_are_ignored(tmp_path):
    document = {"format_version": "1.9", "planned_values": {"root_module": {}}, "something_new": [1]}
    assert load_plan(write(tmp_path, "p.json", json.dumps(document).encode()))["format_version"] == "1.9"
