"""Amazon API Gateway private integrations: a public API in front of a private load balancer.

- HTTP APIs: a VPC link (its interfaces in its subnets, with its security groups) carries an
  integration's requests to an ALB or NLB listener (`integration_uri`). The listener's load
  balancer, internal or not, sees the VPC link's addresses; its groups must admit them (by address
  or by naming the link's groups).
- REST APIs: a VPC link (a PrivateLink endpoint service on an NLB) carries an integration's
  requests to the NLB's listeners; its targets see the NLB's private addresses.

A private integration no route (HTTP API) or method integration (REST API) of the plan uses may
be used by one of another stack: possible (aws/managed_edges.py).
"""

from __future__ import annotations

from tfreach.aws.outside import addresses_of
from tfreach.families import parses, unknowns
from tfreach.families.context import LISTENER, LOAD_BALANCER, SUBNET, ParseContext
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import LoadBalancer
from tfreach.model.packets import IntervalSet
from tfreach.model.ways_in import EdgeTarget, ManagedEdge

SERVICE = "API Gateway"
VPC_LINK_V2 = frozenset({"aws_apigatewayv2_vpc_link"})
VPC_LINK_V1 = frozenset({"aws_api_gateway_vpc_link"})
INTEGRATION_V2 = frozenset({"aws_apigatewayv2_integration"})
_UNUSED = "no route of the plan sends to {}; one of another stack may"


@parses("aws_apigatewayv2_vpc_link", "aws_apigatewayv2_route", "aws_api_gateway_integration")
def parse_read_with_integrations(r: ResourceInstance, ctx: ParseContext) -> None:
    """Read with the integrations and VPC links that use them."""


@parses("aws_apigatewayv2_integration", phase=2)
def parse_http_api_integration(r: ResourceInstance, ctx: ParseContext) -> None:
    if str(r.get("connection_type") or "") != "VPC_LINK":
        return
    used = _routed(ctx, r.address, "aws_apigatewayv2_route", INTEGRATION_V2)
    for link_address in ctx.candidates(r, "connection_id", VPC_LINK_V2):
        link = ctx.resolver.by_address.get(link_address)
        if link is None:
            continue
        edge = ctx.network.managed_edges.setdefault(r.address, ManagedEdge(r.address, r.type, SERVICE))
        edge.subnets = ctx.many(link, "subnet_ids", SUBNET)
        edge.security_groups = unknowns.security_group_set(ctx, link, "security_group_ids")
        seen_from = _addresses(ctx, edge.subnets)
        for listener_id in ctx.candidates(r, "integration_uri", LISTENER):
            listener = ctx.network.listeners.get(listener_id)
            balancer = _balancer_of(ctx, listener_id)
            if listener is None or balancer is None:
                continue
            spans = tuple((p, *listener.ports) for p in listener.protocols)
            label = f"{r.address} via {link_address} -> {listener_id}"
            edge.targets.append(
                EdgeTarget(balancer.id, spans, seen_from, label, None if used else _UNUSED.format(r.address))
            )


@parses("aws_api_gateway_vpc_link", phase=2)
def parse_rest_api_vpc_link(r: ResourceInstance, ctx: ParseContext) -> None:
    used = _routed(ctx, r.address, "aws_api_gateway_integration", VPC_LINK_V1)
    edge = ctx.network.managed_edges.setdefault(r.address, ManagedEdge(r.address, r.type, SERVICE))
    for balancer_id in ctx.candidates(r, "target_arns", LOAD_BALANCER):
        balancer = ctx.network.load_balancers.get(balancer_id)
        if balancer is None:
            continue
        spans = tuple((p, *listener.ports) for listener in balancer.listeners for p in listener.protocols)
        # Through PrivateLink the targets see the NLB's own addresses, not the link's.
        seen_from = _addresses(ctx, balancer.subnets)
        label = f"{r.address} -> {balancer_id}"
        edge.targets.append(
            EdgeTarget(balancer_id, spans, seen_from, label, None if used else _UNUSED.format(r.address))
        )


def _routed(ctx: ParseContext, address: str, user_type: str, used_type: frozenset[str]) -> bool:
    """Does a resource of `user_type` in the plan reference this integration or link?"""
    users = [i for i in ctx.resolver.by_address.values() if i.type == user_type]
    return any(address in ctx.resolver.referenced_by(user, used_type) for user in users)


def _balancer_of(ctx: ParseContext, listener_id: str) -> LoadBalancer | None:
    return next(
        (b for b in ctx.network.load_balancers.values() if any(ln.id == listener_id for ln in b.listeners)), None
    )


def _addresses(ctx: ParseContext, subnets: list[str]) -> IntervalSet:
    return addresses_of(ctx.network.subnets[s] for s in subnets if s in ctx.network.subnets)


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_apigatewayv2_vpc_link": "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vpc-links.html",
    "aws_apigatewayv2_integration": "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html",
    "aws_apigatewayv2_route": "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html",
    "aws_api_gateway_vpc_link": "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-private-integration.html",
    "aws_api_gateway_integration": "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-private-integration.html",
}
