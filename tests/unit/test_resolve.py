"""Known-after-apply links resolve through the configuration of real plans."""

from __future__ import annotations

import pytest
from conftest import corpus_plan, load_json, sample_plan

from tfreach.families.context import INSTANCE, SECURITY_GROUP, SUBNET
from tfreach.inputs.plan.instances import config_modules, planned_instances
from tfreach.inputs.plan.references import STAND_IN_PREFIX
from tfreach.inputs.plan.resolve import Resolver


def resolver_for(path) -> Resolver:
    plan = load_json(path)
    return Resolver(planned_instances(plan), config_modules(plan.get("configuration")))


def link(resolver: Resolver, address: str, *path, types=SUBNET):
    return resolver.link(resolver.by_address[address], tuple(path), types)


def test_a_direct_reference_names_the_resource():
    resolver = resolver_for(sample_plan("bastion-private-app"))
    found = link(
        resolver, "aws_security_group_rule.app_ssh_from_bastion", "source_security_group_id", types=SECURITY_GROUP
    )
    assert found.addresses == ("aws_security_group.bastion",)
    assert found.problem is None


def test_count_index_may_select_any_element_because_the_json_does_not_record_the_index_expression():
    """`aws_subnet.public[count.index]` and `[count.index + 1]` give the same references."""
    resolver = resolver_for(sample_plan("modules-count-foreach"))
    found = link(resolver, "aws_instance.jump[1]", "subnet_id")
    assert set(found.addresses) == {"module.network.aws_subnet.public[0]", "module.network.aws_subnet.public[1]"}
    assert "indexed with count.index" in (found.problem or "")


def test_a_module_variable_resolves_through_the_call_and_the_called_module_output():
    resolver = resolver_for(sample_plan("modules-count-foreach"))
    found = link(resolver, "module.worker[1].aws_instance.this", "subnet_id")
    assert set(found.addresses) == {"module.network.aws_subnet.private[0]", "module.network.aws_subnet.private[1]"}
    assert "indexed with count.index" in (found.problem or "")


def test_a_conditional_between_two_subnets_is_ambiguous_and_keeps_both():
    resolver = resolver_for(sample_plan("modules-count-foreach"))
    found = link(resolver, 'module.web["blue"].aws_instance.this', "subnet_id")
    assert set(found.addresses) == {"module.network.aws_subnet.public[0]", "module.network.aws_subnet.private[0]"}


def test_a_local_resolves_to_the_only_instance_of_the_wanted_type_in_its_module():
    resolver = resolver_for(corpus_plan("three_tier_alb"))
    rule = "module.app_sg.aws_security_group_rule.computed_ingress_with_source_security_group_id[0]"
    assert link(resolver, rule, "security_group_id", types=SECURITY_GROUP).addresses == (
        "module.app_sg.aws_security_group.this_name_prefix[0]",
    )


def test_module_count_index_into_an_output_list_may_be_any_element():
    resolver = resolver_for(corpus_plan("three_tier_alb"))
    found = link(resolver, "module.app[1].aws_instance.this[0]", "subnet_id")
    assert set(found.addresses) == {f"module.vpc.aws_subnet.private[{i}]" for i in range(3)}
    assert found.problem


def test_the_sources_beside_a_plan_make_a_count_index_link_exact():
    plan = load_json(sample_plan("modules-count-foreach"))

    def source_values(address, path):
        return STAND_IN_PREFIX + "module.network.aws_subnet.public[1]" if address == "aws_instance.jump[1]" else None

    resolver = Resolver(planned_instances(plan), config_modules(plan.get("configuration")), source_values=source_values)
    found = link(resolver, "aws_instance.jump[1]", "subnet_id")
    assert found.addresses == ("module.network.aws_subnet.public[1]",) and found.problem is None


def test_an_attribute_computed_but_not_configured_is_not_a_link():
    resolver = resolver_for(corpus_plan("three_tier_alb"))
    route = "module.vpc.aws_route.private_nat_gateway[0]"
    assert not link(resolver, route, "network_interface_id", types=INSTANCE).configured


@pytest.mark.parametrize(
    ("address", "expected"),
    [("module.public_no_ip.aws_instance.this[0]", False), ("module.public_with_ip.aws_instance.this[0]", False)],
)
def test_a_variable_left_at_its_null_default_is_not_a_value_known_after_apply(address, expected):
    resolver = resolver_for(corpus_plan("open_sg_private_subnet"))
    instance = resolver.by_address[address]
    assert resolver.set_after_apply(instance, ("associate_public_ip_address",)) is expected
