"""The HCL evaluator computes what `terraform plan` computes, and marks the rest unknown."""

from __future__ import annotations

from typing import Any

import hcl2
import pytest

from tfreach.inputs.sources.expressions import EvaluationError, evaluate
from tfreach.inputs.sources.references import references_in
from tfreach.inputs.sources.values import Unknown


class Names:
    def __init__(self, **names: Any) -> None:
        self.names = names

    def root(self, name: str) -> Any:
        if name not in self.names:
            raise EvaluationError(f"{name} is not declared")
        return self.names[name]


def expression(text: str) -> Any:
    body = next(c for c in hcl2.parses_to_tree(f"x = {text}\n").children if c.data == "body")
    return next(c for c in body.children if getattr(c, "data", None) == "attribute").children[-1]


def value(text: str, **names: Any) -> Any:
    return evaluate(expression(text), Names(**names))


AFTER_APPLY = Unknown("known after apply", ("aws_vpc.main.ipv6_cidr_block",), warn=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"web-${var.env}"', "web-prod"),
        ('tonumber("1e3")', 1000),
        ('tonumber("0.5")', 0.5),
        ("var.ports[1]", 443),
        ("var.ports.0", 80),
        ('var.cidrs["office"]', "203.0.113.0/24"),
        ('var.env == "prod" ? 443 : 8443', 443),
        ("[for p in var.ports : p + 1 if p > 100]", [444]),
        ("{ for k, v in var.cidrs : v => k }", {"203.0.113.0/24": "office", "198.51.100.0/24": "vpn"}),
        ('{ for p in var.ports : p > 100 ? "high" : "low" => p... }', {"low": [80], "high": [443]}),
        ("var.rules[*].port", [22, 3389]),
        ("length(var.ports) * 2 - 1", 3),
        ("!true || 1 < 2 && 3 >= 3", True),
        ("-var.ports[0]", -80),
        ('cidrsubnet("10.0.0.0/16", 8, 3)', "10.0.3.0/24"),
        ('cidrsubnet("fd00::/56", 8, 1)', "fd00:0:0:1::/64"),
        ('cidrhost("10.0.1.0/24", 5)', "10.0.1.5"),
        ('cidrsubnets("10.0.0.0/16", 8, 4)', ["10.0.0.0/24", "10.0.16.0/20"]),
        ("concat(var.ports, [22])", [80, 443, 22]),
        ("merge({a = 1}, {b = 2}, {a = 3})", {"a": 3, "b": 2}),
        ('lookup(var.cidrs, "lab", "10.9.0.0/16")', "10.9.0.0/16"),
        ("element(var.ports, 3)", 443),
        ('format("%s/%d", "10.0.0.0", 8)', "10.0.0.0/8"),
        ('join(",", split("-", "a-b"))', "a,b"),
        ("flatten([[1], [2, [3]]])", [1, 2, 3]),
        ("distinct([1, 1, 2])", [1, 2]),
        ("keys(var.cidrs)", ["office", "vpn"]),
        ("values(var.cidrs)", ["203.0.113.0/24", "198.51.100.0/24"]),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ('try(var.cidrs.lab, "none")', "none"),
        ("can(var.cidrs.lab)", False),
        ('coalesce("", null, "x")', "x"),
        ("range(3)", [0, 1, 2]),
        ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
        ("contains(var.ports, 443)", True),
        ("max(var.ports...)", 443),
        ('"$${literal}"', "${literal}"),
    ],
)
def test_terraform_expressions_evaluate_as_terraform_does(text, expected):
    names = {
        "var": {
            "env": "prod",
            "ports": [80, 443],
            "cidrs": {"office": "203.0.113.0/24", "vpn": "198.51.100.0/24"},
            "rules": [{"port": 22}, {"port": 3389}],
        }
    }
    assert value(text, **names) == expected


def test_an_unknown_travels_through_every_operation():
    names = {"vpc": {"ipv6": AFTER_APPLY}}
    for text in ('"${vpc.ipv6}/64"', "cidrsubnet(vpc.ipv6, 8, 1)", "vpc.ipv6 == null ? 1 : 2", "[vpc.ipv6][0]"):
        result = value(text, **names)
        assert isinstance(result, Unknown), text
        assert "aws_vpc.main.ipv6_cidr_block" in result.references


def test_a_list_keeps_its_known_elements_beside_an_unknown_one():
    assert value('concat(["10.0.0.0/8"], [ip])', ip=AFTER_APPLY) == ["10.0.0.0/8", AFTER_APPLY]


def test_an_unsupported_function_is_unknown_with_its_name():
    result = value('templatefile("x.tpl", {})')
    assert isinstance(result, Unknown) and "templatefile" in result.reason


def test_a_missing_attribute_is_an_error_terraform_would_report_too():
    with pytest.raises(EvaluationError):
        value("var.nothing", var={})


@pytest.mark.parametrize("text", ['"web" > 1', "var.tags + 1", '"1.x" * 2'])
def test_arithmetic_on_what_is_not_a_number_is_an_error_terraform_would_report_too(text):
    with pytest.raises(EvaluationError):
        value(text, var={"tags": {"Name": "web"}})


def test_references_are_listed_as_in_a_plan():
    types = {"aws_subnet", "aws_vpc"}
    assert references_in(expression("aws_vpc.main.id"), types) == ["aws_vpc.main.id", "aws_vpc.main"]
    assert references_in(expression("aws_subnet.public[count.index].id"), types) == ["aws_subnet.public", "count.index"]
    assert references_in(expression('aws_subnet.public["a"].id'), types) == [
        'aws_subnet.public["a"].id',
        "aws_subnet.public",
    ]
    assert references_in(expression("module.vpc.private_subnets[0]"), types) == [
        "module.vpc.private_subnets[0]",
        "module.vpc",
    ]
    assert references_in(expression("[for s in aws_subnet.public : s.id]"), types) == ["aws_subnet.public"]
    assert references_in(expression('"${var.name}-${local.suffix}"'), types) == ["var.name", "local.suffix"]
