"""Modules, count and for_each expand into the instances, addresses and values a plan would show."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e.helpers import run_cli

from tfreach.errors import InputError
from tfreach.inputs.sources.evaluate import Project
from tfreach.inputs.sources.to_plan import plan_document
from tfreach.inputs.sources.variables import root_values


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def changes(folder: Path, *variables: str) -> dict[str, dict]:
    project = Project(folder, root_values(folder, [], list(variables)))
    return {c["address"]: c["change"] for c in plan_document(project)["resource_changes"]}


def warnings(folder: Path) -> list[str]:
    project = Project(folder, root_values(folder, [], []))
    plan_document(project)
    return [f"{w.address}: {w.message}" for w in project.warnings]


def test_count_and_for_each_make_terraforms_addresses(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_subnet" "a" {\n  count = 2\n  cidr_block = "10.0.${count.index}.0/24"\n}\n'
            'resource "aws_subnet" "b" {\n  for_each = toset(["x", "y z"])\n  cidr_block = each.key\n}\n'
            'resource "aws_subnet" "c" {\n  for_each = { one = "10.1.0.0/24" }\n  cidr_block = each.value\n}\n'
        },
    )
    found = changes(tmp_path)
    assert found["aws_subnet.a[1]"]["after"]["cidr_block"] == "10.0.1.0/24"
    assert found['aws_subnet.b["y z"]']["after"]["cidr_block"] == "y z"
    assert found['aws_subnet.c["one"]']["after"]["cidr_block"] == "10.1.0.0/24"


def test_a_local_module_gets_its_inputs_and_gives_its_outputs(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'module "net" {\n  source = "./net"\n  for_each = { blue = 1 }\n  number = each.value\n}\n'
            'resource "aws_instance" "x" {\n  subnet_id = module.net["blue"].subnet_id\n}\n',
            "net/main.tf": 'variable "number" {}\nresource "aws_subnet" "this" {\n'
            '  cidr_block = cidrsubnet("10.0.0.0/16", 8, var.number)\n}\n'
            'output "subnet_id" {\n  value = aws_subnet.this.id\n}\n',
        },
    )
    found = changes(tmp_path)
    subnet = found['module.net["blue"].aws_subnet.this']["after"]
    assert subnet["cidr_block"] == "10.0.1.0/24"
    assert found["aws_instance.x"]["after"]["subnet_id"] == subnet["id"]


def test_what_the_provider_computes_is_unknown_unless_set(tmp_path):
    write(tmp_path, {"main.tf": 'resource "aws_instance" "x" {\n  ami = "ami-1"\n}\n'})
    change = changes(tmp_path)["aws_instance.x"]
    assert change["after_unknown"]["associate_public_ip_address"] is True
    assert change["after_unknown"]["public_ip"] is True
    assert "ami" not in change["after_unknown"]


def test_a_dynamic_block_expands_per_element(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_security_group" "x" {\n  dynamic "ingress" {\n    for_each = [22, 443]\n'
            "    iterator = port\n    content {\n      from_port = port.value\n      to_port = port.value\n"
            "    }\n  }\n}\n"
        },
    )
    ingress = changes(tmp_path)["aws_security_group.x"]["after"]["ingress"]
    assert [rule["from_port"] for rule in ingress] == [22, 443]


def test_a_dynamic_block_over_unknown_elements_is_unknown_as_a_whole(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'data "aws_prefix_list" "p" {}\nresource "aws_security_group" "x" {\n'
            '  dynamic "ingress" {\n    for_each = data.aws_prefix_list.p.cidr_blocks\n'
            "    content {\n      cidr_blocks = [ingress.value]\n    }\n  }\n}\n"
        },
    )
    assert changes(tmp_path)["aws_security_group.x"]["after_unknown"]["ingress"] is True


def test_an_unknown_count_makes_one_instance_and_says_so(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'data "aws_availability_zones" "z" {}\nresource "aws_subnet" "x" {\n'
            "  count = length(data.aws_availability_zones.z.names)\n}\n"
        },
    )
    assert list(changes(tmp_path)) == ["aws_subnet.x[0]"]
    assert any("main.tf:3" in w and "assumed to be 1" in w for w in warnings(tmp_path))


def test_locals_that_refer_to_each_other_in_a_cycle_are_a_warning_not_a_hang(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": "locals {\n  a = local.b\n  b = local.a\n}\n"
            'resource "aws_security_group" "x" {\n  vpc_id = local.a\n}\n'
        },
    )
    assert changes(tmp_path)["aws_security_group.x"]["after_unknown"]["vpc_id"] is True
    assert any("depends on itself" in w for w in warnings(tmp_path))


def test_a_module_calling_itself_is_refused_at_the_first_repeat(tmp_path):
    """Terraform cannot install it (its module path grows until the file name is too long)."""
    write(
        tmp_path,
        {
            "main.tf": 'module "m" {\n  source = "./m"\n}\n',
            "m/main.tf": 'module "again" {\n  source = "../m"\n}\n'
            'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        },
    )
    with pytest.raises(InputError, match=r"m/main.tf:1: the module at .*/m calls itself"):
        changes(tmp_path)


@pytest.mark.parametrize("calls", [2, 3])
def test_several_calls_of_a_module_into_itself_stop_at_once(tmp_path, calls):
    """The configuration used to be expanded 16 levels deep first (10 s with two such calls)."""
    write(tmp_path, {"main.tf": "".join(f'module "m{i}" {{\n  source = "./"\n}}\n' for i in range(calls))})
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2 and "calls itself" in result.stderr and len(result.stderr.splitlines()) == 1


def test_var_values_follow_terraforms_precedence(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'variable "port" {\n  type = number\n  default = 1\n}\n'
            'resource "aws_security_group_rule" "x" {\n  from_port = var.port\n}\n',
            "terraform.tfvars": "port = 2\n",
            "b.auto.tfvars": "port = 4\n",
            "a.auto.tfvars": "port = 3\n",
        },
    )
    assert changes(tmp_path)["aws_security_group_rule.x"]["after"]["from_port"] == 4
    assert changes(tmp_path, "port=5")["aws_security_group_rule.x"]["after"]["from_port"] == 5


def test_a_dynamic_block_over_a_set_keys_each_element_by_itself(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_security_group" "x" {\n  dynamic "ingress" {\n    for_each = toset([443, 22])\n'
            '    content {\n      from_port = ingress.key\n      to_port = ingress.key\n      protocol = "tcp"\n'
            "    }\n  }\n}\n"
        },
    )
    ingress = changes(tmp_path)["aws_security_group.x"]["after"]["ingress"]
    assert sorted(rule["from_port"] for rule in ingress) == [22, 443]


def test_a_splat_of_a_single_resource_is_a_list_of_it(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n'
            'resource "aws_subnet" "s" {\n  vpc_id = join(",", aws_vpc.v[*].cidr_block)\n'
            '  cidr_block = "10.0.1.0/24"\n}\n'
        },
    )
    assert changes(tmp_path)["aws_subnet.s"]["after"]["vpc_id"] == "10.0.0.0/16"


@pytest.mark.parametrize(
    "expression",
    [
        '["a", "b"][var.nothing]',
        "[for x in 5 : x]",
        "element([], 0)",
        "pow(0, -1)",
        "[for s in data.aws_subnets.all : s]",
    ],
)
def test_values_terraform_would_refuse_are_unknown_with_a_warning_never_a_crash(tmp_path, expression):
    write(
        tmp_path,
        {
            "main.tf": 'variable "nothing" {\n  default = null\n}\ndata "aws_subnets" "all" {}\n'
            f'resource "aws_subnet" "s" {{\n  cidr_block = "10.0.1.0/24"\n  tags = {{ x = {expression} }}\n}}\n'
        },
    )
    assert "aws_subnet.s" in changes(tmp_path)
