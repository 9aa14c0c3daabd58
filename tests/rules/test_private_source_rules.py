"""Reachability from on-premises networks (VPN) and peered VPCs, rule by rule."""

from __future__ import annotations

from model_builder import NetworkBuilder, match, reaches

from tfreach.model.network import Target, TransitAttachment, TransitGateway, TransitRouteTable
from tfreach.model.sources import PEERING, TRANSIT_GATEWAY, VPN

ON_PREMISES = "192.168.0.0/16"
OFFICE_HOST = "192.168.4.20"


def private_app(builder: NetworkBuilder, routes: list[tuple[str, Target, str | None]], *ingress) -> None:
    """An instance without any public address in a subnet with the given routes."""
    subnet = builder.subnet("private", "10.0.2.0/24")
    builder.route_table("private", routes, subnets=[subnet])
    group = builder.security_group("app", list(ingress) or [match("tcp", (22, 22), ON_PREMISES)])
    builder.instance("app", subnet, [group], public_ip=False)


def test_on_premises_traffic_needs_no_public_address_only_a_route_back_to_the_vpn_gateway():
    builder = NetworkBuilder()
    gateway = builder.vpn_gateway([ON_PREMISES])
    private_app(builder, [(ON_PREMISES, Target.VPN_GATEWAY, gateway)])
    reachable = builder.reachable(source=VPN)
    assert reaches(reachable, "aws_instance.app", "tcp", 22, OFFICE_HOST)
    assert "aws_instance.app" not in builder.reachable()  # and nothing from the internet


def test_a_route_propagated_from_the_vpn_gateway_is_a_route_back():
    builder = NetworkBuilder()
    gateway = builder.vpn_gateway([ON_PREMISES])
    private_app(builder, [])
    builder.network.route_tables["aws_route_table.private"].propagating_gateways.append(gateway)
    assert reaches(builder.reachable(source=VPN), "aws_instance.app", "tcp", 22, OFFICE_HOST)


def test_a_subnet_without_a_route_to_the_vpn_gateway_is_not_reachable_from_on_premises():
    builder = NetworkBuilder()
    builder.vpn_gateway([ON_PREMISES])
    nat = "aws_nat_gateway.main"
    private_app(builder, [("0.0.0.0/0", Target.NAT_GATEWAY, nat)])
    assert builder.reachable(source=VPN) == {}


def test_only_the_vpn_connections_prefixes_arrive_from_on_premises():
    builder = NetworkBuilder()
    gateway = builder.vpn_gateway([ON_PREMISES])
    private_app(
        builder,
        [("10.0.0.0/8", Target.VPN_GATEWAY, gateway), (ON_PREMISES, Target.VPN_GATEWAY, gateway)],
        match("tcp", (22, 22), "10.0.0.0/8"),
    )
    assert builder.reachable(source=VPN) == {}  # the group admits 10/8, but on-premises is 192.168/16


def test_on_premises_prefixes_learned_over_bgp_are_assumed_private_ranges():
    builder = NetworkBuilder()
    gateway = builder.vpn_gateway([], dynamic=True)
    private_app(builder, [])
    builder.network.route_tables["aws_route_table.private"].propagating_gateways.append(gateway)
    reachable = builder.reachable(source=VPN)
    assert reaches(reachable, "aws_instance.app", "tcp", 22, OFFICE_HOST)
    assert not reaches(reachable, "aws_instance.app", "tcp", 22, "203.0.113.9")


def peered(
    builder: NetworkBuilder, *, active: bool = True, route_back: bool = True, peer_route: bool = True, ingress=None
):
    """VPC main (10.0.0.0/16) with an app, peered with VPC hub (10.1.0.0/16) where a client lives."""
    hub = builder.vpc("hub", "10.1.0.0/16")
    peering = builder.peering("hub_main", hub, "aws_vpc.main", active=active)
    private_app(
        builder,
        [("10.1.0.0/16", Target.PEERING, peering)] if route_back else [],
        *(ingress or [match("tcp", (5432, 5432), "10.1.0.0/16")]),
    )
    client = builder.subnet("hub_private", "10.1.1.0/24", vpc=hub)
    builder.route_table(
        "hub_private", [("10.0.0.0/16", Target.PEERING, peering)] if peer_route else [], subnets=[client]
    )


def test_a_peered_vpc_reaches_private_addresses_when_routes_go_both_ways():
    builder = NetworkBuilder()
    peered(builder)
    assert reaches(builder.reachable(source=PEERING), "aws_instance.app", "tcp", 5432, "10.1.1.7")


def test_without_a_route_back_to_the_peering_the_peer_is_not_answered():
    builder = NetworkBuilder()
    peered(builder, route_back=False)
    assert builder.reachable(source=PEERING) == {}


def test_only_peer_subnets_that_route_to_the_peering_can_send_through_it():
    builder = NetworkBuilder()
    peered(builder, peer_route=False)
    assert builder.reachable(source=PEERING) == {}


def test_a_peering_that_is_not_accepted_carries_nothing():
    builder = NetworkBuilder()
    peered(builder, active=False)
    assert builder.reachable(source=PEERING) == {}


def test_a_rule_naming_a_peer_vpc_group_admits_its_members():
    builder = NetworkBuilder()
    peered(builder, ingress=[match("tcp", (5432, 5432), "172.31.0.0/16")])
    peer_group = builder.security_group("hub_clients", [])
    builder.instance("client", "aws_subnet.hub_private", [peer_group], public_ip=False)
    builder.network.security_groups["aws_security_group.app"].rules[0].peer_groups.append(peer_group)
    builder.network.security_groups["aws_security_group.app"].rules[0].ports = match(
        "tcp", (5432, 5432), "0.0.0.0/0", "::/0"
    )
    assert reaches(builder.reachable(source=PEERING), "aws_instance.app", "tcp", 5432, "10.1.1.7")


def test_an_internal_load_balancer_is_reachable_from_on_premises_and_its_targets_through_it():
    builder = NetworkBuilder()
    gateway = builder.vpn_gateway([ON_PREMISES])
    subnet = builder.subnet("private", "10.0.2.0/24")
    builder.route_table("private", [(ON_PREMISES, Target.VPN_GATEWAY, gateway)], subnets=[subnet])
    lb_group = builder.security_group("alb", [match("tcp", (443, 443), ON_PREMISES)])
    builder.egress(lb_group, match("tcp", (0, 65535), "10.0.0.0/16"))
    app_group = builder.security_group("app", [], peers=[lb_group])
    builder.instance("app", subnet, [app_group], public_ip=False)
    target_group = builder.target_group("app", 8443, ["aws_instance.app"])
    balancer = builder.load_balancer("intranet", [subnet], [lb_group], [("tcp", 443, [target_group])], internal=True)
    assert reaches(builder.reachable(source=VPN), balancer, "tcp", 443, OFFICE_HOST)
    assert reaches(builder.reachable(via=balancer, source=VPN), "aws_instance.app", "tcp", 8443, OFFICE_HOST)
    assert balancer not in builder.reachable()


def transit(builder: NetworkBuilder, *, shared_routes_back: bool = True):
    """VPC main (10.0.0.0/16, the app) and VPC spoke (10.2.0.0/16) on one transit gateway."""
    tgw = "aws_ec2_transit_gateway.hub"
    builder.network.transit_gateways[tgw] = TransitGateway(tgw, "aws_ec2_transit_gateway")
    spoke = builder.vpc("spoke", "10.2.0.0/16")
    private_app(builder, [("10.2.0.0/16", Target.TRANSIT_GATEWAY, tgw)], match("tcp", (443, 443), "10.0.0.0/8"))
    client = builder.subnet("spoke_private", "10.2.1.0/24", vpc=spoke)
    builder.route_table("spoke_private", [("10.0.0.0/8", Target.TRANSIT_GATEWAY, tgw)], subnets=[client])
    tables = {
        name: TransitRouteTable(
            f"aws_ec2_transit_gateway_route_table.{name}", "aws_ec2_transit_gateway_route_table", tgw
        )
        for name in ("main", "spoke")
    }
    for name, vpc, subnet in (("main", "aws_vpc.main", "aws_subnet.private"), ("spoke", spoke, client)):
        attachment = f"aws_ec2_transit_gateway_vpc_attachment.{name}"
        builder.network.transit_attachments[attachment] = TransitAttachment(
            attachment, "aws_ec2_transit_gateway_vpc_attachment", tgw, [vpc], [subnet], [tables[name].id]
        )
    tables["spoke"].propagations.append("aws_ec2_transit_gateway_vpc_attachment.main")
    if shared_routes_back:
        tables["main"].propagations.append("aws_ec2_transit_gateway_vpc_attachment.spoke")
    for table in tables.values():
        builder.network.transit_route_tables[table.id] = table


def test_a_vpc_on_the_same_transit_gateway_reaches_through_both_transit_route_tables():
    builder = NetworkBuilder()
    transit(builder)
    assert reaches(builder.reachable(source=TRANSIT_GATEWAY), "aws_instance.app", "tcp", 443, "10.2.1.9")


def test_without_a_transit_route_back_to_the_source_attachment_there_is_no_answer():
    builder = NetworkBuilder()
    transit(builder, shared_routes_back=False)
    assert builder.reachable(source=TRANSIT_GATEWAY) == {}
