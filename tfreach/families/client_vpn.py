"""AWS Client VPN: remote users reach the networks the endpoint authorizes and routes.

A Client VPN endpoint gives each user a tunnel address from its `client_cidr_block`; their
traffic leaves through the endpoint's interfaces in the associated subnets, translated to the
interface's address, with the endpoint's security groups (the VPC's default group when none is
set). A network association adds a route to its VPC; `aws_ec2_client_vpn_route` adds others. A
user reaches a destination only when an authorization rule covers it (none: nothing). Inside the
VPC, the subnets' ACLs and the targets' groups decide, on the interface's address, as for any
endpoint (engine/client_vpn.py).
https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/how-it-works.html
https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/cvpn-working-rules.html
"""

from __future__ import annotations

from tfreach.aws.outside import vpc_may_hold
from tfreach.families import parses, unknowns
from tfreach.families.context import ParseContext
from tfreach.families.vpc import subnets_of
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.packets import ALL_ADDRESSES, IntervalSet, addresses
from tfreach.model.ways_in import ClientVpnEndpoint

ENDPOINT = frozenset({"aws_ec2_client_vpn_endpoint"})


@parses("aws_ec2_client_vpn_endpoint", phase=1)
def parse_endpoint(r: ResourceInstance, ctx: ParseContext) -> None:
    endpoint = ClientVpnEndpoint(r.address, r.type)
    cidrs, assumption = unknowns.readable_cidrs(ctx, r.address, [r.get("client_cidr_block")], field="client_cidr_block")
    endpoint.client_cidrs = cidrs
    if assumption:
        endpoint.assumptions.append(assumption)
    endpoint.security_groups = unknowns.security_group_set(ctx, r, "security_group_ids")
    endpoint.default_group = not endpoint.security_groups and not r.is_unknown("security_group_ids")
    ctx.network.client_vpns[r.address] = endpoint


@parses("aws_ec2_client_vpn_network_association", phase=2)
def parse_association(r: ResourceInstance, ctx: ParseContext) -> None:
    """Its interfaces in the subnet, and a route to the subnet's VPC."""
    for endpoint in _endpoints(r, ctx):
        for subnet in subnets_of(ctx, r, "subnet_id", one_of=True):
            if subnet not in endpoint.subnets:
                endpoint.subnets.append(subnet)
            found = ctx.network.subnets.get(subnet)
            endpoint.routed = endpoint.routed | vpc_may_hold(ctx.network.vpcs.get(found.vpc or "") if found else None)


@parses("aws_ec2_client_vpn_authorization_rule", phase=2)
def parse_authorization_rule(r: ResourceInstance, ctx: ParseContext) -> None:
    for endpoint in _endpoints(r, ctx):
        endpoint.authorized = endpoint.authorized | _network(r, ctx, "target_network_cidr")


@parses("aws_ec2_client_vpn_route", phase=2)
def parse_route(r: ResourceInstance, ctx: ParseContext) -> None:
    for endpoint in _endpoints(r, ctx):
        endpoint.routed = endpoint.routed | _network(r, ctx, "destination_cidr_block")


def _endpoints(r: ResourceInstance, ctx: ParseContext) -> list[ClientVpnEndpoint]:
    found = ctx.candidates(r, "client_vpn_endpoint_id", ENDPOINT)
    return [ctx.network.client_vpns[e] for e in found if e in ctx.network.client_vpns]


def _network(r: ResourceInstance, ctx: ParseContext, attribute: str) -> IntervalSet:
    """A CIDR of the rule or route; unknown or unreadable: any address (the more exposed)."""
    value = r.get(attribute)
    if r.is_unknown(attribute) or value is None:
        unknowns.warn(
            ctx,
            r.address,
            attribute,
            f"{attribute} is known only after apply; assumed any address",
            unknowns.UNKNOWN_CIDR,
        )
        return ALL_ADDRESSES
    cidrs, _ = unknowns.readable_cidrs(ctx, r.address, [value], field=attribute)
    return addresses(*cidrs)


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_ec2_client_vpn_endpoint": "https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/how-it-works.html",
    "aws_ec2_client_vpn_network_association": "https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/cvpn-working-target.html",
    "aws_ec2_client_vpn_authorization_rule": "https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/cvpn-working-rules.html",
    "aws_ec2_client_vpn_route": "https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/cvpn-working-routes.html",
}
