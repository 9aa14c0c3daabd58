"""Data sources as facts: what a plan (or a state) read about resources of other stacks.

A data source read during the plan holds the values of a resource the plan does not manage (a
subnet's CIDR, VPC and public-IP default; a route table's routes and associations). Each is
written here as the resource it describes, so the parsers read it as they read a managed one.
A data source that says too little to stand for its resource (a security group's data source has
no rules, `aws_subnets` lists ids only) gives nothing: its ids stay outside the plan, assumed the
most exposed of their kind. https://developer.hashicorp.com/terraform/language/data-sources
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Fact = tuple[str, str, dict[str, Any]]  # (resource type, address suffix, values)


def as_resources(data_type: str, values: dict[str, Any]) -> list[Fact]:
    """The resources a data source's values describe (none when it is not a fact tfreach reads)."""
    if not isinstance(values, dict) or not isinstance(values.get("id"), str) or not values["id"]:
        return []
    writer = _WRITERS.get(data_type)
    return writer(values) if writer is not None else []


def _same(resource_type: str, *fields: str) -> Callable[[dict[str, Any]], list[Fact]]:
    """A data source whose attributes are the resource's own."""

    def write(values: dict[str, Any]) -> list[Fact]:
        return [(resource_type, "", {"id": values["id"], **{f: values.get(f) for f in fields if f in values}})]

    return write


def _route_table(values: dict[str, Any]) -> list[Fact]:
    """`routes` are the table's routes; `associations` its subnets and whether it is the main table."""
    routes = [r for r in values.get("routes") or [] if isinstance(r, dict)]
    table = {"id": values["id"], "vpc_id": values.get("vpc_id"), "route": routes, "propagating_vgws": []}
    out: list[Fact] = [("aws_route_table", "", table)]
    for index, association in enumerate(a for a in values.get("associations") or [] if isinstance(a, dict)):
        identity = association.get("route_table_association_id") or f"{values['id']}-association-{index}"
        if association.get("main") is True:
            main = {"id": identity, "vpc_id": values.get("vpc_id"), "route_table_id": values["id"]}
            out.append(("aws_main_route_table_association", f"/main{index}", main))
        elif association.get("subnet_id"):
            link = {"id": identity, "subnet_id": association["subnet_id"], "route_table_id": values["id"]}
            out.append(("aws_route_table_association", f"/association{index}", link))
    return out


def _internet_gateway(values: dict[str, Any]) -> list[Fact]:
    attached = [a.get("vpc_id") for a in values.get("attachments") or [] if isinstance(a, dict)]
    return [("aws_internet_gateway", "", {"id": values["id"], "vpc_id": next(iter(attached), None)})]


def _peering(values: dict[str, Any]) -> list[Fact]:
    active = values.get("status") in (None, "active")
    fields = {"id": values["id"], "vpc_id": values.get("vpc_id"), "peer_vpc_id": values.get("peer_vpc_id")}
    return [("aws_vpc_peering_connection", "", {**fields, "accept_status": "active" if active else values["status"]})]


def _prefix_list(values: dict[str, Any]) -> list[Fact]:
    entries = [{"cidr": e.get("cidr")} for e in values.get("entries") or [] if isinstance(e, dict)]
    return [("aws_ec2_managed_prefix_list", "", {"id": values["id"], "entry": entries})]


_WRITERS: dict[str, Callable[[dict[str, Any]], list[Fact]]] = {
    "aws_vpc": _same("aws_vpc", "cidr_block", "ipv6_cidr_block"),
    "aws_subnet": _same(
        "aws_subnet",
        "vpc_id",
        "cidr_block",
        "ipv6_cidr_block",
        "map_public_ip_on_launch",
        "assign_ipv6_address_on_creation",
    ),
    "aws_route_table": _route_table,
    "aws_internet_gateway": _internet_gateway,
    "aws_nat_gateway": _same("aws_nat_gateway", "subnet_id", "connectivity_type"),
    "aws_vpc_peering_connection": _peering,
    "aws_ec2_managed_prefix_list": _prefix_list,
    "aws_instance": _same(
        "aws_instance",
        "subnet_id",
        "vpc_security_group_ids",
        "associate_public_ip_address",
        "public_ip",
        "private_ip",
        "ipv6_addresses",
    ),
    "aws_lb": _same("aws_lb", "internal", "subnets", "security_groups", "load_balancer_type", "ip_address_type"),
}
