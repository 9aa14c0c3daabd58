"""Each test states one rule of load balancers and fails if the engine breaks it."""

from __future__ import annotations

from model_builder import ALLOW, NetworkBuilder, match, reaches

ANYWHERE, VPC_CIDR = "0.0.0.0/0", "10.0.0.0/16"
CLIENT = "198.51.100.7"
ALB = "aws_lb.web"


def web_stack(
    builder: NetworkBuilder, *, app_ingress=None, alb_egress=True, listeners=None, internal=False, kind="application"
):
    """An ALB in a public subnet in front of an instance in a private subnet (no public address)."""
    public = builder.subnet("public", "10.0.1.0/24")
    private = builder.subnet("private", "10.0.2.0/24")
    builder.public_route_table([public])
    alb_group = builder.security_group("alb", [match("tcp", (80, 80), ANYWHERE), match("tcp", (443, 443), ANYWHERE)])
    if alb_egress:
        builder.egress(alb_group, match("tcp", (0, 65535), VPC_CIDR))
    ingress = app_ingress if app_ingress is not None else {"peers": [alb_group], "rules": []}
    app_group = builder.security_group("app", ingress["rules"], peers=ingress["peers"])
    builder.instance("app", private, [app_group], public_ip=False)
    group = builder.target_group("app", 8080, ["aws_instance.app"])
    groups = [alb_group] if kind == "application" else []
    builder.load_balancer(
        "web", [public], groups, listeners or [("tcp", 443, [group]), ("tcp", 80, [])], internal=internal, kind=kind
    )
    return public, private


def test_an_internet_facing_load_balancer_is_reachable_on_its_listener_ports_only():
    builder = NetworkBuilder()
    web_stack(builder)
    reachable = builder.reachable()
    assert reaches(reachable, ALB, "tcp", 443, CLIENT)
    assert reaches(reachable, ALB, "tcp", 80, CLIENT)  # a redirect listener is still a listener
    assert not reaches(reachable, ALB, "tcp", 8080, CLIENT)


def test_an_internal_load_balancer_is_not_reachable_from_the_internet():
    builder = NetworkBuilder()
    web_stack(builder, internal=True)
    assert ALB not in builder.reachable()
    assert builder.reachable(via=ALB) == {}


def test_a_load_balancer_in_subnets_without_a_route_to_the_internet_gateway_is_reachable_by_no_one():
    builder = NetworkBuilder()
    public, _ = web_stack(builder)
    builder.network.subnet_route_tables[public] = [builder.route_table("local_only", [])]
    assert ALB not in builder.reachable()


def test_the_load_balancer_security_group_must_admit_the_client():
    builder = NetworkBuilder()
    web_stack(builder, listeners=[("tcp", 8443, ["aws_lb_target_group.app"])])
    assert ALB not in builder.reachable()  # the alb group admits 80 and 443 only


def test_a_listener_exposes_its_targets_on_the_target_group_port_not_the_listener_port():
    builder = NetworkBuilder()
    web_stack(builder)
    through = builder.reachable(via=ALB)
    assert reaches(through, "aws_instance.app", "tcp", 8080, CLIENT)
    assert not reaches(through, "aws_instance.app", "tcp", 443, CLIENT)
    assert "aws_instance.app" not in builder.reachable()  # not directly: private, no public address


def test_a_redirect_listener_exposes_no_target():
    builder = NetworkBuilder()
    web_stack(builder, listeners=[("tcp", 80, [])])
    assert builder.reachable(via=ALB) == {}


def test_a_target_that_admits_the_vpc_cidr_admits_an_alb_which_connects_from_its_own_addresses():
    builder = NetworkBuilder()
    web_stack(builder, app_ingress={"peers": [], "rules": [match("tcp", (8080, 8080), VPC_CIDR)]})
    assert reaches(builder.reachable(via=ALB), "aws_instance.app", "tcp", 8080, CLIENT)


def test_a_target_that_admits_the_load_balancer_group_only_on_another_port_is_not_reached():
    builder = NetworkBuilder()
    web_stack(builder, app_ingress={"peers": [], "rules": [match("tcp", (9000, 9000), VPC_CIDR)]})
    assert builder.reachable(via=ALB) == {}


def test_the_load_balancer_groups_must_allow_the_connection_to_the_target_out():
    builder = NetworkBuilder()
    web_stack(builder, alb_egress=False)  # Terraform removes the default allow-all egress rule
    assert reaches(builder.reachable(), ALB, "tcp", 443, CLIENT)
    assert builder.reachable(via=ALB) == {}


def test_the_target_subnet_network_acl_must_admit_the_load_balancer():
    builder = NetworkBuilder()
    _, private = web_stack(builder)
    rules = [(100, False, ALLOW, match("tcp", (22, 22), VPC_CIDR)), (100, True, ALLOW, match("-1", None, ANYWHERE))]
    builder.network_acl("private", [private], rules)
    assert builder.reachable(via=ALB) == {}


def test_the_load_balancer_subnet_network_acl_must_let_the_connection_out_and_its_replies_in():
    builder = NetworkBuilder()
    public, _ = web_stack(builder)
    inbound_443 = (100, False, ALLOW, match("tcp", (443, 443), ANYWHERE))
    inbound_replies = (110, False, ALLOW, match("tcp", (1024, 65535), ANYWHERE))
    outbound_ephemeral = (100, True, ALLOW, match("tcp", (1024, 65535), ANYWHERE))
    builder.network_acl("public", [public], [inbound_443, inbound_replies, outbound_ephemeral])
    assert reaches(builder.reachable(via=ALB), "aws_instance.app", "tcp", 8080, CLIENT)
    builder.network_acl("public", [public], [inbound_443, inbound_replies])  # 8080 may not leave
    assert builder.reachable(via=ALB) == {}
    builder.network_acl("public", [public], [inbound_443, outbound_ephemeral])  # the target's replies may not enter
    assert reaches(builder.reachable(), ALB, "tcp", 443, CLIENT)
    assert builder.reachable(via=ALB) == {}


def test_an_nlb_without_security_groups_preserves_the_client_address_for_instance_targets():
    builder = NetworkBuilder()
    web_stack(builder, kind="network", app_ingress={"peers": [], "rules": [match("tcp", (8080, 8080), ANYWHERE)]})
    assert reaches(builder.reachable(), ALB, "tcp", 443, CLIENT)  # no group: every client reaches the listener
    assert reaches(builder.reachable(via=ALB), "aws_instance.app", "tcp", 8080, CLIENT)


def test_an_nlb_target_that_admits_only_the_vpc_is_not_reachable_from_the_internet():
    builder = NetworkBuilder()
    web_stack(builder, kind="network", app_ingress={"peers": [], "rules": [match("tcp", (8080, 8080), VPC_CIDR)]})
    assert builder.reachable(via=ALB) == {}


def test_without_client_ip_preservation_an_nlb_target_sees_the_load_balancer_addresses():
    builder = NetworkBuilder()
    web_stack(builder, kind="network", app_ingress={"peers": [], "rules": [match("tcp", (8080, 8080), VPC_CIDR)]})
    builder.network.target_groups["aws_lb_target_group.app"].preserve_client_ip = False
    assert reaches(builder.reachable(via=ALB), "aws_instance.app", "tcp", 8080, CLIENT)


def test_only_clients_the_target_admits_reach_it_through_an_nlb():
    builder = NetworkBuilder()
    office = "203.0.113.0/24"
    web_stack(builder, kind="network", app_ingress={"peers": [], "rules": [match("tcp", (8080, 8080), office)]})
    through = builder.reachable(via=ALB)
    assert reaches(through, "aws_instance.app", "tcp", 8080, "203.0.113.9")
    assert not reaches(through, "aws_instance.app", "tcp", 8080, CLIENT)


def test_a_target_with_a_public_address_is_also_reported_directly():
    builder = NetworkBuilder()
    public, _ = web_stack(builder, app_ingress={"peers": [], "rules": [match("tcp", (8080, 8080), ANYWHERE)]})
    interface = builder.network.interfaces["aws_instance.app"]
    interface.subnets, interface.auto_public_ipv4 = [public], True
    assert reaches(builder.reachable(), "aws_instance.app", "tcp", 8080, CLIENT)
    assert reaches(builder.reachable(via=ALB), "aws_instance.app", "tcp", 8080, CLIENT)


def test_network_acls_do_not_filter_traffic_within_one_subnet():
    builder = NetworkBuilder()
    public = builder.subnet("public", "10.0.1.0/24")
    builder.public_route_table([public])
    alb_group = builder.security_group("alb", [match("tcp", (443, 443), ANYWHERE)])
    builder.egress(alb_group, match("tcp", (0, 65535), VPC_CIDR))
    app_group = builder.security_group("app", [], peers=[alb_group])
    builder.instance("app", public, [app_group], public_ip=False)
    group = builder.target_group("app", 8080, ["aws_instance.app"])
    builder.load_balancer("web", [public], [alb_group], [("tcp", 443, [group])])
    clients_only = [
        (100, False, ALLOW, match("tcp", (443, 443), ANYWHERE)),
        (100, True, ALLOW, match("tcp", (1024, 65535), ANYWHERE)),
    ]  # 8080 may neither leave nor enter the subnet: it never has to
    builder.network_acl("public", [public], clients_only)
    assert reaches(builder.reachable(via=ALB), "aws_instance.app", "tcp", 8080, CLIENT)


def test_a_reply_rule_answers_requests_of_its_own_protocol_only():
    builder = NetworkBuilder()
    public, _ = web_stack(
        builder, kind="network", app_ingress={"peers": [], "rules": [match("udp", (53, 53), ANYWHERE)]}
    )
    group = builder.target_group("dns", 53, ["aws_instance.app"])
    builder.load_balancer("web", [public], [], [("udp", 53, [group])], kind="network")
    inbound = [
        (100, False, ALLOW, match("udp", (53, 53), ANYWHERE)),
        (110, False, ALLOW, match("tcp", (1024, 65535), ANYWHERE)),  # TCP replies only
    ]
    builder.network_acl("public", [public], [*inbound, (100, True, ALLOW, match("-1", None, ANYWHERE))])
    assert reaches(builder.reachable(), ALB, "udp", 53, CLIENT)
    assert builder.reachable(via=ALB) == {}


def test_a_load_balancer_egress_rule_naming_the_targets_default_group_lets_the_connection_out():
    builder = NetworkBuilder()
    public = builder.subnet("public", "10.0.1.0/24")
    private = builder.subnet("private", "10.0.2.0/24")
    builder.public_route_table([public])
    alb_group = builder.security_group("alb", [match("tcp", (443, 443), ANYWHERE)])
    default = builder.security_group("default", [], peers=[alb_group])
    builder.network.default_security_groups["aws_vpc.main"] = default
    builder.egress(alb_group, to_groups=[default])
    builder.instance("app", private, [], public_ip=False)  # launched without groups: the default group
    group = builder.target_group("app", 8080, ["aws_instance.app"])
    builder.load_balancer("web", [public], [alb_group], [("tcp", 443, [group])])
    assert reaches(builder.reachable(via=ALB), "aws_instance.app", "tcp", 8080, CLIENT)
