"""Each test states one AWS rule and fails if the engine breaks it."""

from __future__ import annotations

from model_builder import ALLOW, DENY, IGW, NetworkBuilder, match, reaches

from tfreach.model.network import ServicePorts, Target

ANYWHERE = "0.0.0.0/0"
CLIENT = "198.51.100.7"  # a documentation address: AWS delivers it like any public address


def public_web(builder: NetworkBuilder, *ingress_rules: object) -> tuple[str, str]:
    """A public subnet routed to the internet gateway, with one instance with a public IP."""
    subnet = builder.subnet("public", "10.0.1.0/24", ipv6="2600:1f18:1:1::/64")
    builder.public_route_table([subnet])
    group = builder.security_group("web", list(ingress_rules))  # type: ignore[arg-type]
    return subnet, builder.instance("web", subnet, [group])


# --- security groups -------------------------------------------------------------------


def test_security_groups_are_stateful_so_replies_need_no_egress_rule():
    builder = NetworkBuilder()
    public_web(builder, match("tcp", (22, 22), ANYWHERE))  # no egress rule at all
    assert reaches(builder.reachable(), "aws_instance.web", "tcp", 22, CLIENT)


def test_security_groups_admit_the_union_of_all_their_rules():
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.public_route_table([subnet])
    ssh = builder.security_group("ssh", [match("tcp", (22, 22), ANYWHERE)])
    web = builder.security_group("web", [match("tcp", (443, 443), ANYWHERE)])
    builder.instance("web", subnet, [ssh, web])
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.web", "tcp", 22, CLIENT)
    assert reaches(reachable, "aws_instance.web", "tcp", 443, CLIENT)
    assert not reaches(reachable, "aws_instance.web", "tcp", 80, CLIENT)


def test_a_security_group_source_admits_its_members_never_the_internet():
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.public_route_table([subnet])
    group = builder.security_group("db", [], peers=["aws_security_group.app"])
    builder.instance("db", subnet, [group])
    assert "aws_instance.db" not in builder.reachable()


def test_without_security_groups_the_default_group_admits_only_its_members():
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.public_route_table([subnet])
    builder.instance("bare", subnet, [])
    assert "aws_instance.bare" not in builder.reachable()


def test_an_instance_without_groups_gets_the_vpcs_default_group():
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.public_route_table([subnet])
    default = builder.security_group("default", [match("tcp", (22, 22), ANYWHERE)])
    builder.network.default_security_groups["aws_vpc.main"] = default
    builder.instance("bare", subnet, [])
    assert reaches(builder.reachable(), "aws_instance.bare", "tcp", 22, CLIENT)


def test_protocol_minus_one_admits_every_protocol_and_port():
    builder = NetworkBuilder()
    public_web(builder, match("-1", None, ANYWHERE))
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.web", "tcp", 5432, CLIENT)
    assert reaches(reachable, "aws_instance.web", "udp", 53, CLIENT)
    assert reaches(reachable, "aws_instance.web", "icmp", 8, CLIENT)


def test_protocol_numbers_mean_the_same_as_names():
    builder = NetworkBuilder()
    public_web(builder, match("6", (22, 22), ANYWHERE), match("17", (53, 53), ANYWHERE))
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.web", "tcp", 22, CLIENT)
    assert reaches(reachable, "aws_instance.web", "udp", 53, CLIENT)
    assert not reaches(reachable, "aws_instance.web", "udp", 22, CLIENT)


def test_icmp_rules_select_message_types():
    builder = NetworkBuilder()
    public_web(builder, match("icmp", (8, -1), ANYWHERE))  # echo request, any code
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.web", "icmp", 8, CLIENT)
    assert not reaches(reachable, "aws_instance.web", "icmp", 13, CLIENT)


# --- what counts as the internet ---------------------------------------------------------


def test_private_and_shared_address_space_is_not_the_internet():
    builder = NetworkBuilder()
    public_web(builder, match("tcp", (22, 22), "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"))
    assert "aws_instance.web" not in builder.reachable()


def test_documentation_ranges_are_internet_addresses():
    builder = NetworkBuilder()
    public_web(builder, match("tcp", (3389, 3389), "203.0.113.5/32"))
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.web", "tcp", 3389, "203.0.113.5")
    assert not reaches(reachable, "aws_instance.web", "tcp", 3389, "203.0.113.6")


# --- public addresses --------------------------------------------------------------------


def test_an_instance_without_a_public_ipv4_is_not_reachable_over_ipv4():
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.public_route_table([subnet])
    group = builder.security_group("web", [match("tcp", (80, 80), ANYWHERE)])
    builder.instance("web", subnet, [group], public_ip=False)
    assert "aws_instance.web" not in builder.reachable()


def test_an_elastic_ip_makes_an_instance_reachable():
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.public_route_table([subnet])
    group = builder.security_group("web", [match("tcp", (80, 80), ANYWHERE)])
    builder.instance("web", subnet, [group], public_ip=False, elastic_ip=True)
    assert reaches(builder.reachable(), "aws_instance.web", "tcp", 80, CLIENT)


def test_when_the_instance_does_not_say_the_subnet_decides_the_public_ip():
    builder = NetworkBuilder()
    mapped = builder.subnet("mapped", "10.0.1.0/24", map_public_ip=True)
    unmapped = builder.subnet("unmapped", "10.0.2.0/24", map_public_ip=False)
    builder.public_route_table([mapped, unmapped])
    group = builder.security_group("web", [match("tcp", (80, 80), ANYWHERE)])
    builder.instance("on_mapped", mapped, [group], public_ip=None)
    builder.instance("on_unmapped", unmapped, [group], public_ip=None)
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.on_mapped", "tcp", 80, CLIENT)
    assert "aws_instance.on_unmapped" not in reachable


def test_an_ipv6_address_is_public_when_the_subnet_routes_ipv6_to_the_internet_gateway():
    builder = NetworkBuilder(ipv6="2600:1f18:1::/56")
    subnet = builder.subnet("dual", "10.0.1.0/24", ipv6="2600:1f18:1:1::/64")
    builder.public_route_table([subnet])
    group = builder.security_group("web", [match("tcp", (443, 443), "::/0", ANYWHERE)])
    builder.instance("web6", subnet, [group], public_ip=False, ipv6=True)
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.web6", "tcp", 443, "2001:db8::1")
    assert not reaches(reachable, "aws_instance.web6", "tcp", 443, CLIENT)  # no public IPv4


def test_an_egress_only_internet_gateway_admits_nothing_inbound():
    builder = NetworkBuilder(ipv6="2600:1f18:1::/56")
    subnet = builder.subnet("private6", "10.0.2.0/24", ipv6="2600:1f18:1:2::/64")
    builder.network.gateways["eigw"] = builder.network.gateways[IGW].__class__(
        "eigw", "aws_egress_only_internet_gateway", Target.EGRESS_ONLY_GATEWAY, None
    )
    builder.route_table("private6", [("::/0", Target.EGRESS_ONLY_GATEWAY, "eigw")], subnets=[subnet])
    group = builder.security_group("web", [match("tcp", (443, 443), "::/0")])
    builder.instance("private6", subnet, [group], public_ip=False, ipv6=True)
    assert "aws_instance.private6" not in builder.reachable()


def test_a_database_accepts_only_its_port_whatever_its_groups_allow():
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.public_route_table([subnet])
    group = builder.security_group("wide", [match("tcp", (0, 65535), ANYWHERE)])
    database = builder.instance("db", subnet, [group], public_ip=False, elastic_ip=True)
    builder.network.interfaces[database].service = ServicePorts.tcp(5432)
    reachable = builder.reachable()
    assert reaches(reachable, database, "tcp", 5432, CLIENT)
    assert not reaches(reachable, database, "tcp", 22, CLIENT)
    assert not reaches(reachable, database, "udp", 5432, CLIENT)


# --- routing -----------------------------------------------------------------------------


def test_a_subnet_without_association_uses_the_main_route_table():
    builder = NetworkBuilder()
    subnet = builder.subnet("implicit", "10.0.1.0/24")
    builder.route_table("main", [("0.0.0.0/0", Target.INTERNET_GATEWAY, IGW)], main=True)
    group = builder.security_group("web", [match("tcp", (80, 80), ANYWHERE)])
    builder.instance("web", subnet, [group])
    assert reaches(builder.reachable(), "aws_instance.web", "tcp", 80, CLIENT)


def test_an_explicit_association_wins_over_the_main_route_table():
    builder = NetworkBuilder()
    subnet = builder.subnet("private", "10.0.1.0/24")
    builder.route_table("main", [("0.0.0.0/0", Target.INTERNET_GATEWAY, IGW)], main=True)
    builder.route_table("private", [], subnets=[subnet])
    group = builder.security_group("web", [match("tcp", (80, 80), ANYWHERE)])
    builder.instance("web", subnet, [group])
    assert "aws_instance.web" not in builder.reachable()


def test_an_untouched_main_route_table_has_only_local_routes():
    builder = NetworkBuilder()
    subnet = builder.subnet("lonely", "10.0.1.0/24")
    group = builder.security_group("web", [match("tcp", (80, 80), ANYWHERE)])
    builder.instance("web", subnet, [group])
    assert "aws_instance.web" not in builder.reachable()


def test_the_longest_prefix_decides_where_replies_go():
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.network.gateways["nat"] = builder.network.gateways[IGW].__class__(
        "nat", "aws_nat_gateway", Target.NAT_GATEWAY, None
    )
    routes = [("0.0.0.0/0", Target.INTERNET_GATEWAY, IGW), ("203.0.113.0/24", Target.NAT_GATEWAY, "nat")]
    builder.route_table("public", routes, subnets=[subnet])
    group = builder.security_group("web", [match("tcp", (22, 22), ANYWHERE)])
    builder.instance("web", subnet, [group])
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.web", "tcp", 22, CLIENT)
    assert not reaches(reachable, "aws_instance.web", "tcp", 22, "203.0.113.9")  # reply would go to the NAT


def test_a_route_with_an_unknown_target_is_assumed_to_reach_the_internet_gateway_of_its_vpc():
    builder = NetworkBuilder()
    subnet = builder.subnet("public", "10.0.1.0/24")
    builder.route_table("unknown", [("0.0.0.0/0", Target.UNKNOWN, None)], subnets=[subnet])
    group = builder.security_group("web", [match("tcp", (80, 80), ANYWHERE)])
    builder.instance("web", subnet, [group])
    assert reaches(builder.reachable(), "aws_instance.web", "tcp", 80, CLIENT)
    builder.network.gateways[IGW].vpc = "aws_vpc.other"  # the only gateway belongs to another VPC
    assert "aws_instance.web" not in builder.reachable()


# --- network ACLs ------------------------------------------------------------------------


def acl_web(builder: NetworkBuilder, rules: list[tuple[int, bool, bool, object]]) -> None:
    subnet, _ = public_web(builder, match("-1", None, ANYWHERE, "::/0"))
    builder.network_acl("web", [subnet], rules)  # type: ignore[arg-type]


def test_network_acl_rules_apply_in_number_order_and_the_first_match_wins():
    builder = NetworkBuilder()
    acl_web(
        builder,
        [
            (100, False, ALLOW, match("tcp", (0, 65535), ANYWHERE)),
            (90, False, DENY, match("tcp", (22, 22), ANYWHERE)),
            (100, True, ALLOW, match("-1", None, ANYWHERE)),
        ],
    )
    reachable = builder.reachable()
    assert not reaches(reachable, "aws_instance.web", "tcp", 22, CLIENT)
    assert reaches(reachable, "aws_instance.web", "tcp", 80, CLIENT)


def test_traffic_no_network_acl_rule_matches_is_denied():
    builder = NetworkBuilder()
    acl_web(
        builder,
        [(100, False, ALLOW, match("tcp", (443, 443), ANYWHERE)), (100, True, ALLOW, match("-1", None, ANYWHERE))],
    )
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.web", "tcp", 443, CLIENT)
    assert not reaches(reachable, "aws_instance.web", "udp", 443, CLIENT)


def test_network_acls_are_stateless_so_replies_need_an_outbound_rule_to_ephemeral_ports():
    builder = NetworkBuilder()
    acl_web(
        builder,
        [(100, False, ALLOW, match("-1", None, ANYWHERE)), (100, True, ALLOW, match("tcp", (443, 443), ANYWHERE))],
    )
    reachable = builder.reachable()
    assert not reaches(reachable, "aws_instance.web", "tcp", 443, CLIENT)
    assert not reaches(reachable, "aws_instance.web", "udp", 53, CLIENT)
    assert reaches(reachable, "aws_instance.web", "icmp", 3, CLIENT)  # one-way messages expect no reply


def test_one_open_ephemeral_port_range_is_enough_for_some_client_to_connect():
    builder = NetworkBuilder()
    rules = [
        (100, False, ALLOW, match("tcp", (22, 22), ANYWHERE)),
        (100, True, ALLOW, match("tcp", (32768, 65535), ANYWHERE)),
    ]
    acl_web(builder, rules)
    assert reaches(builder.reachable(), "aws_instance.web", "tcp", 22, CLIENT)


def test_the_same_client_address_must_pass_inbound_and_outbound():
    builder = NetworkBuilder()
    rules = [
        (100, False, ALLOW, match("tcp", (22, 22), "198.51.100.0/24")),
        (100, True, ALLOW, match("tcp", (1024, 65535), "203.0.113.0/24")),
    ]
    acl_web(builder, rules)
    assert "aws_instance.web" not in builder.reachable()


def test_ipv4_and_ipv6_network_acl_rules_are_separate():
    builder = NetworkBuilder(ipv6="2600:1f18:1::/56")
    subnet = builder.subnet("dual", "10.0.1.0/24", ipv6="2600:1f18:1:1::/64")
    builder.public_route_table([subnet])
    group = builder.security_group("web", [match("tcp", (443, 443), ANYWHERE, "::/0")])
    builder.instance("web", subnet, [group], ipv6=True)
    builder.network_acl(
        "v4only",
        [subnet],
        [(100, False, ALLOW, match("-1", None, ANYWHERE)), (100, True, ALLOW, match("-1", None, ANYWHERE))],
    )
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.web", "tcp", 443, CLIENT)
    assert not reaches(reachable, "aws_instance.web", "tcp", 443, "2001:db8::1")


def test_an_untouched_default_network_acl_allows_everything():
    builder = NetworkBuilder()
    public_web(builder, match("udp", (53, 53), ANYWHERE))  # no ACL anywhere in the model
    assert reaches(builder.reachable(), "aws_instance.web", "udp", 53, CLIENT)


def test_icmp_echo_needs_the_echo_reply_allowed_out():
    builder = NetworkBuilder()
    acl_web(
        builder,
        [(100, False, ALLOW, match("-1", None, ANYWHERE)), (100, True, ALLOW, match("icmp", (0, -1), ANYWHERE))],
    )
    reachable = builder.reachable()
    assert reaches(reachable, "aws_instance.web", "icmp", 8, CLIENT)  # echo reply (type 0) may leave
    assert not reaches(reachable, "aws_instance.web", "icmp", 13, CLIENT)  # timestamp reply (14) may not
    assert not reaches(reachable, "aws_instance.web", "tcp", 22, CLIENT)
