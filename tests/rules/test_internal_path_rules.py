"""Paths between endpoints of one VPC, rule by rule (what segmentation intents ask)."""

from __future__ import annotations

from model_builder import ALLOW, NetworkBuilder, match

from tfreach.engine.between import InternalPaths
from tfreach.engine.build import GraphBuilder
from tfreach.model.packets import PacketSet

LINUX_CLIENT_PORTS = (32768, 60999)


def app_and_database(builder: NetworkBuilder) -> None:
    """An app subnet whose ACL lets PostgreSQL out, and its replies back in on ports 1024-2047 only."""
    app, db = builder.subnet("app", "10.0.1.0/24"), builder.subnet("db", "10.0.2.0/24")
    builder.network_acl(
        "app",
        [app],
        [
            (100, True, ALLOW, match("tcp", (5432, 5432), "10.0.2.0/24")),
            (100, False, ALLOW, match("tcp", (1024, 2047), "10.0.2.0/24")),
        ],
    )
    builder.network_acl(
        "db",
        [db],
        [(100, True, ALLOW, match("-1", None, "0.0.0.0/0")), (100, False, ALLOW, match("-1", None, "0.0.0.0/0"))],
    )
    everything = [match("-1", None, "0.0.0.0/0")]
    client = builder.security_group("app", [])
    builder.egress(client, *everything)
    builder.instance("app", app, [client], public_ip=False)
    builder.instance("db", db, [builder.security_group("db", everything)], public_ip=False)


def postgres_from_app(paths: InternalPaths, network) -> PacketSet:
    reaching = paths.between(network.interfaces["aws_instance.app"], network.interfaces["aws_instance.db"])
    return reaching.packets & match("tcp", (5432, 5432), "10.0.1.0/24")


def test_a_reply_port_the_acl_admits_lets_the_connection_through_by_default():
    builder = NetworkBuilder()
    app_and_database(builder)  # a client may pick any port of 1024-65535: some replies get back
    assert postgres_from_app(InternalPaths(builder.network), builder.network)


def test_the_client_ports_check_was_given_are_the_ones_intents_use():
    builder = NetworkBuilder()
    app_and_database(builder)
    shared = GraphBuilder(builder.network, LINUX_CLIENT_PORTS)  # check's own builder, handed to the intents
    assert not postgres_from_app(InternalPaths(builder.network, builder=shared), builder.network)


def test_a_subnet_whose_vpc_is_unknown_may_share_the_other_s_local_route_but_only_possibly():
    """AWS routes within a VPC by its local route; a subnet the plan cannot place in a VPC may be in
    the other's (so the connection may pass: the gate fails closed), but it is not certain."""
    builder = NetworkBuilder()
    app_and_database(builder)
    builder.network.subnets["aws_subnet.db"].vpc = None
    paths = InternalPaths(builder.network)
    reaching = paths.between(
        builder.network.interfaces["aws_instance.app"], builder.network.interfaces["aws_instance.db"]
    )
    postgres = match("tcp", (5432, 5432), "10.0.1.0/24")
    assert reaching.packets & postgres and not reaching.certain & postgres
