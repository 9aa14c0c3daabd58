from __future__ import annotations

from tfreach.inputs.plan.references import Key, maximal, parse_traversal, split_instance_address


def test_addresses_split_into_names_and_keys():
    assert parse_traversal('module.web["blue"].aws_instance.this[0]') == (
        "module",
        "web",
        Key("blue"),
        "aws_instance",
        "this",
        Key(0),
    )
    assert parse_traversal('module.x["a.b[1]"].y') == ("module", "x", Key("a.b[1]"), "y")


def test_instance_addresses():
    assert split_instance_address('module.stack[2].module.app["a"].aws_instance.this[0]') == (
        (("stack", 2), ("app", "a")),
        "aws_instance",
        "this",
        0,
    )
    assert split_instance_address("aws_vpc.main") == ((), "aws_vpc", "main", None)


def test_terraform_lists_every_prefix_and_we_keep_the_longest():
    refs = ["module.vpc.public_subnets[0]", "module.vpc.public_subnets", "module.vpc", "count.index"]
    assert maximal(refs) == [("module", "vpc", "public_subnets", Key(0)), ("count", "index")]
