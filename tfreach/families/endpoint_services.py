"""PrivateLink endpoint services: other AWS accounts' VPCs reach a Network Load Balancer.

An `aws_vpc_endpoint_service` on NLBs lets the principals it allows (`allowed_principals`, and
`aws_vpc_endpoint_service_allowed_principal`; `*` is every AWS account) create interface
endpoints in their own VPCs: through them, their networks reach the NLB's listeners and, on the
target ports, its targets, which see the NLB's own private addresses (no client address crosses
PrivateLink). The NLB's groups judge that traffic unless
`enforce_security_group_inbound_rules_on_private_link_traffic` is off. With
`acceptance_required`, each connection waits for the owner's acceptance: possible. A service that
allows nobody is reached by nobody. Gateway Load Balancer services carry traffic in transit to
appliances, not to targets of the plan: not a way in here.
https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html
https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
"""

from __future__ import annotations

from dataclasses import replace

from tfreach.aws.outside import addresses_of
from tfreach.families import parses
from tfreach.families.context import LOAD_BALANCER, ParseContext, as_bool, known_list
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.ways_in import EdgeTarget, ManagedEdge

SERVICE = "PrivateLink"
ENDPOINT_SERVICE = frozenset({"aws_vpc_endpoint_service"})


@parses("aws_vpc_endpoint_service_allowed_principal", phase=1)
def parse_allowed_principal(r: ResourceInstance, ctx: ParseContext) -> None:
    for service in ctx.candidates(r, "vpc_endpoint_service_id", ENDPOINT_SERVICE):
        principal = r.get("principal_arn")
        ctx.endpoint_service_principals.setdefault(service, []).append(str(principal) if principal else "*")


@parses("aws_vpc_endpoint_service", phase=2)
def parse_endpoint_service(r: ResourceInstance, ctx: ParseContext) -> None:
    if not r.get("network_load_balancer_arns") and not r.is_unknown("network_load_balancer_arns"):
        return  # a Gateway Load Balancer service: appliances in the path, not a way in (aws/inspection.py)
    principals = known_list(r.get("allowed_principals")) + ctx.endpoint_service_principals.get(r.address, [])
    if r.is_unknown("allowed_principals") and r.is_configured("allowed_principals"):
        principals.append("*")  # known only after apply: anyone, the more exposed
    if not principals:
        ctx.network.notice(r.address, "allowed_principals", "allows no principal: no other account can connect")
        return
    everyone = "*" in principals
    doubts = []
    if not everyone:
        doubts.append(f"only {', '.join(map(str, principals[:3]))}{' ...' if len(principals) > 3 else ''} may connect")
    if as_bool(r.get("acceptance_required")) or r.is_unknown("acceptance_required"):
        doubts.append("each connection waits for the service owner's acceptance")
    assumption = "; ".join(doubts) or None
    edge = ctx.network.managed_edges.setdefault(
        r.address, ManagedEdge(r.address, r.type, SERVICE, source="privatelink")
    )
    for balancer_id in ctx.candidates(r, "network_load_balancer_arns", LOAD_BALANCER):
        balancer = ctx.network.load_balancers.get(balancer_id)
        balancer_r = ctx.resolver.by_address.get(balancer_id)
        if balancer is None or balancer.kind != "network":
            continue
        spans = tuple((p, *listener.ports) for listener in balancer.listeners for p in listener.protocols)
        enforced = (
            balancer_r is None
            or str(balancer_r.get("enforce_security_group_inbound_rules_on_private_link_traffic") or "on") != "off"
        )
        own = addresses_of(ctx.network.subnets_of(balancer_id))
        label = f"{r.address} -> {balancer_id}"
        target = EdgeTarget(balancer_id, spans, None, label, assumption, beyond=own, groups_apply=enforced)
        edge.targets.append(replace(target, narrows=not everyone))  # named accounts: one level lower


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_vpc_endpoint_service": "https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html",
    "aws_vpc_endpoint_service_allowed_principal": "https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html",
}
