"""Ids the plan names but does not hold: each becomes the most exposed resource of its kind.

An application stack names the network of another by id (a literal, a data source, a remote
state's output). Until a context (`--context`) says what the id is, it stands for the most exposed
thing of its kind (aws/outside.py), registered here once and warned once, naming the id, what was
assumed and how to make it exact. A VPC known only by id or by a data source's facts has unknown
route tables, ACLs and gateways: every way in (an internet gateway, a VPN, a peering, a transit
gateway) may lead into it.
"""

from __future__ import annotations

from tfreach.aws import outside
from tfreach.families import finishes_last, unknowns
from tfreach.families.context import ParseContext
from tfreach.model.network import VPC_DEFAULT, Listener, LoadBalancer, Target, TargetGroup, TransitAttachment

CAUSE = "ids of resources outside the plan: the most exposed of their kind is assumed (see the warnings)"
_ROUTE_KINDS = (Target.INTERNET_GATEWAY, Target.EGRESS_ONLY_GATEWAY, Target.VPN_GATEWAY, Target.NAT_GATEWAY)


_KIND_NAMES = {
    Target.INTERNET_GATEWAY: "an internet gateway",
    Target.EGRESS_ONLY_GATEWAY: "an egress-only internet gateway",
    Target.VPN_GATEWAY: "a VPN gateway (its on-premises prefixes unknown)",
    Target.NAT_GATEWAY: "a NAT gateway",
}

_VPC_READING = (
    "a VPC whose route tables, ACLs, groups and gateways are unknown (its main route table may route "
    "anywhere; an internet gateway, a VPN, a peering or a transit gateway may lead into it)"
)


def vpc(ctx: ParseContext, identity: str) -> str:
    if identity not in ctx.network.vpcs:
        ctx.network.vpcs[identity] = outside.outside_vpc(identity)
        _warn(ctx, identity, _VPC_READING)
    return identity


def gateway(ctx: ParseContext, identity: str, kind: Target, vpc_id: str | None, said: bool = True) -> str:
    if identity not in ctx.network.gateways:
        ctx.network.gateways[identity] = outside.outside_gateway(identity, kind, vpc_id)
        if said:
            _warn(ctx, identity, f"{_KIND_NAMES[kind]} attached to {vpc_id or 'its VPC'}")
    return identity


def peering(ctx: ParseContext, identity: str, vpc_id: str | None, said: bool = True) -> str:
    if identity not in ctx.network.peerings:
        ctx.network.peerings[identity] = outside.outside_peering(identity, vpc_id)
        if said:
            _warn(ctx, identity, "an active peering to a VPC that may route anything to it")
    return identity


def transit_gateway(ctx: ParseContext, identity: str, said: bool = True) -> str:
    if identity not in ctx.network.transit_gateways:
        ctx.network.transit_gateways[identity] = outside.outside_transit_gateway(identity)
        if said:
            _warn(ctx, identity, "a transit gateway that may deliver from anywhere it reaches")
    return identity


def route_table(ctx: ParseContext, identity: str, vpc_id: str | None) -> str:
    if identity not in ctx.network.route_tables:
        why = f"{identity} is not in the plan"
        ctx.network.route_tables[identity] = outside.routing_anywhere(identity, vpc_id, why)
        _warn(ctx, identity, "a route table that may route any destination to any gateway")
    return identity


def network_acl(ctx: ParseContext, identity: str, vpc_id: str | None) -> str:
    if identity not in ctx.network.nacls:
        ctx.network.nacls[identity] = outside.allowing_everything(identity, vpc_id, f"{identity} is not in the plan")
        _warn(ctx, identity, "a network ACL that allows everything")
    return identity


def load_balancer(ctx: ParseContext, identity: str) -> str:
    """A load balancer known by ARN (a listener or target group of this plan on another stack's
    load balancer): internet-facing and dualstack, in subnets and groups the plan cannot tell. It is
    crossed by paths, never reported (its own stack reports it)."""
    if identity not in ctx.network.load_balancers:
        balancer = LoadBalancer(identity, "aws_lb (outside the plan)", "application", False, dualstack=True)
        balancer.subnets = [unknowns.external_subnet(ctx, f"subnets of {identity}")]
        balancer.security_groups = [unknowns.unknown_group(ctx, f"groups of {identity}", identity)]
        ctx.network.load_balancers[identity] = balancer
        ctx.network.foreign.add(identity)
        _warn(ctx, identity, "an internet-facing load balancer in subnets and groups the plan cannot tell")
    return identity


def target_group(ctx: ParseContext, identity: str) -> str:
    """A target group known by ARN: its load balancer is outside the plan, internet-facing, and
    may forward any TCP or UDP port to the targets this plan registers in it."""
    if identity not in ctx.network.target_groups:
        ctx.network.target_groups[identity] = TargetGroup(identity, "aws_lb_target_group (outside the plan)", None)
        _any_port(ctx, f"listener of {identity}", f"load balancer of {identity}").target_groups.append(identity)
        _warn(ctx, identity, "a target group of an internet-facing load balancer that may forward any port to it")
    return identity


def listener(ctx: ParseContext, identity: str) -> str:
    """A listener known by ARN (a listener rule of this plan on another stack's load balancer):
    it may accept any TCP or UDP port from the internet and forwards to the rule's groups."""
    if identity not in ctx.network.listeners:
        _any_port(ctx, identity, f"load balancer of {identity}")
        _warn(ctx, identity, "a listener of an internet-facing load balancer, on any port")
    return identity


def _any_port(ctx: ParseContext, identity: str, balancer_id: str) -> Listener:
    """A listener the plan cannot tell, on a load balancer it cannot tell: any port, forwarding."""
    balancer = ctx.network.load_balancers[load_balancer(ctx, balancer_id)]
    stand_in = Listener(identity, "aws_lb_listener (outside the plan)", (6, 17), 0, "forward", last_port=65535)
    ctx.network.listeners[identity] = stand_in
    balancer.listeners.append(stand_in)
    return stand_in


def _warn(ctx: ParseContext, identity: str, reading: str, known_as: str | None = None) -> None:
    """Once per id: what was assumed, and how to make it exact. A data source's VPC is named by its
    id and its data source (`vpc-0abc (data.aws_vpc.main)`)."""
    address = identity.removeprefix("data:")
    name = f"{known_as} ({address})" if known_as else identity
    message = f"{name} is not in the plan or its contexts: assumed {reading}; {outside.HINT}"
    ctx.network.notice(address, None, message, CAUSE)


@finishes_last
def settle_outside(ctx: ParseContext) -> None:
    """Every id the model names that nothing holds becomes its kind's most exposed reading."""
    network = ctx.network
    _tables_and_acls(ctx)
    for table in list(network.route_tables.values()):
        for route in table.routes:
            for target in filter(None, (route.target, *route.alternatives)):
                _route_target(ctx, route.target_kind, target, table.vpc)
        for propagating in table.propagating_gateways:
            gateway(ctx, propagating, Target.VPN_GATEWAY, table.vpc)
    for attachment in list(network.transit_attachments.values()):
        if attachment.gateway:
            transit_gateway(ctx, attachment.gateway)
    named = [s.vpc for s in network.subnets.values()] + [g.vpc for g in network.security_groups.values()]
    named += [t.vpc for t in network.route_tables.values()] + [a.vpc for a in network.nacls.values()]
    named += [g.vpc for g in network.gateways.values()] + list(network.main_route_tables)
    for identity in dict.fromkeys(named):
        if identity and identity not in network.vpcs:
            vpc(ctx, identity)
    for found in list(network.vpcs.values()):
        if found.outside:
            if not found.resource_type.endswith("(outside the plan)"):  # facts, or the default VPC
                _warn(ctx, found.id, _VPC_READING, found.known_as)
            _ways_into(ctx, found.id)


def _tables_and_acls(ctx: ParseContext) -> None:
    """Route tables and ACLs named by id in associations (a subnet's, a VPC's main table)."""
    network = ctx.network
    for subnet_id, tables in network.subnet_route_tables.items():
        for table in tables:
            if table != VPC_DEFAULT and table not in network.route_tables:
                route_table(ctx, table, _vpc_of(ctx, subnet_id))
    for vpc_id, tables in network.main_route_tables.items():
        for table in tables:
            if table not in network.route_tables:
                route_table(ctx, table, vpc_id)
    for subnet_id, acls in network.subnet_nacls.items():
        for acl in acls:
            if acl != VPC_DEFAULT and acl not in network.nacls:
                network_acl(ctx, acl, _vpc_of(ctx, subnet_id))


def _vpc_of(ctx: ParseContext, subnet_id: str) -> str | None:
    subnet = ctx.network.subnets.get(subnet_id)
    return subnet.vpc if subnet is not None else None


def _route_target(ctx: ParseContext, kind: Target, target: str, vpc_id: str | None) -> None:
    network = ctx.network
    if kind in _ROUTE_KINDS and target not in network.gateways:
        gateway(ctx, target, kind, vpc_id)
    elif kind is Target.PEERING and target not in network.peerings:
        peering(ctx, target, vpc_id)
    elif kind is Target.TRANSIT_GATEWAY and target not in network.transit_gateways:
        transit_gateway(ctx, target)
        _attached(ctx, target, vpc_id)


def _attached(ctx: ParseContext, gateway_id: str, vpc_id: str | None) -> None:
    """A route to a transit gateway needs the VPC attached to it (AWS refuses the route otherwise)."""
    attachments = ctx.network.transit_attachments
    if vpc_id and not any(a.gateway == gateway_id and vpc_id in a.vpcs for a in attachments.values()):
        identity = f"attachment of {vpc_id} to {gateway_id}"
        attachments[identity] = TransitAttachment(
            identity, "aws_ec2_transit_gateway_vpc_attachment (assumed)", gateway_id, [vpc_id]
        )


def _ways_into(ctx: ParseContext, vpc_id: str) -> None:
    """A VPC outside the plan may have every kind of gateway: each is a way in to consider (said
    once, with the VPC)."""
    gateway(ctx, f"internet gateway of {vpc_id}", Target.INTERNET_GATEWAY, vpc_id, said=False)
    gateway(ctx, f"VPN gateway of {vpc_id}", Target.VPN_GATEWAY, vpc_id, said=False)
    peering(ctx, f"peering of {vpc_id}", vpc_id, said=False)
    transit = transit_gateway(ctx, f"transit gateway of {vpc_id}", said=False)
    _attached(ctx, transit, vpc_id)
