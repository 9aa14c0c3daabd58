"""The EC2 API's answers read as the Terraform resources they describe (`--context aws`).

Each rule is AWS's (EC2 API reference, data types) or the AWS provider's (what its state records).
"""

from __future__ import annotations

from tfreach.inputs.context import live_resources as write
from tfreach.inputs.context.live import ids_named


def test_a_route_table_keeps_only_the_routes_terraform_would_record():
    """The local route is the VPC's own; a propagated one comes from `propagating_vgws`; a gateway
    endpoint's route carries an AWS service's prefix list, not a way in."""
    table = {
        "RouteTableId": "rtb-0123456789abcdef0",
        "VpcId": "vpc-0123456789abcdef0",
        "Routes": [
            {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable"},
            {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0123456789abcdef0", "Origin": "CreateRoute"},
            {
                "DestinationCidrBlock": "192.168.0.0/16",
                "GatewayId": "vgw-0123456789abcdef0",
                "Origin": "EnableVgwRoutePropagation",
            },
            {"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-0123456789abcdef0", "Origin": "CreateRoute"},
            {"DestinationCidrBlock": "10.30.0.0/16", "VpcPeeringConnectionId": "pcx-0123456789abcdef0"},
        ],
        "PropagatingVgws": [{"GatewayId": "vgw-0123456789abcdef0"}],
        "Associations": [
            {"Main": True, "RouteTableAssociationId": "rtbassoc-1"},
            {"SubnetId": "subnet-0123456789abcdef0", "RouteTableAssociationId": "rtbassoc-2"},
        ],
    }
    resources = write.route_table(table)
    routes = resources[0].values["route"]
    assert routes == [
        {"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0123456789abcdef0"},
        {"cidr_block": "10.30.0.0/16", "vpc_peering_connection_id": "pcx-0123456789abcdef0"},
    ]
    assert resources[0].values["propagating_vgws"] == ["vgw-0123456789abcdef0"]
    kinds = {r.type: r.values for r in resources[1:]}
    assert kinds["aws_main_route_table_association"]["vpc_id"] == "vpc-0123456789abcdef0"
    assert kinds["aws_route_table_association"]["subnet_id"] == "subnet-0123456789abcdef0"


def test_an_acl_leaves_out_the_final_deny_every_acl_has():
    acl = {
        "NetworkAclId": "acl-0123456789abcdef0",
        "VpcId": "vpc-0123456789abcdef0",
        "IsDefault": True,
        "Entries": [
            {
                "RuleNumber": 100,
                "Protocol": "6",
                "RuleAction": "allow",
                "Egress": False,
                "CidrBlock": "0.0.0.0/0",
                "PortRange": {"From": 22, "To": 22},
            },
            {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": False, "CidrBlock": "0.0.0.0/0"},
        ],
        "Associations": [{"SubnetId": "subnet-0123456789abcdef0"}],
    }
    [resource] = write.network_acl(acl)
    assert resource.type == "aws_default_network_acl"  # the VPC's default: what new subnets get
    assert [r["rule_no"] for r in resource.values["ingress"]] == [100]
    assert resource.values["ingress"][0]["from_port"] == 22
    assert resource.values["subnet_ids"] == ["subnet-0123456789abcdef0"]


def test_a_group_referencing_itself_is_self():
    group = {
        "GroupId": "sg-0123456789abcdef0",
        "GroupName": "app",
        "VpcId": "vpc-0123456789abcdef0",
        "IpPermissions": [
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": "sg-0123456789abcdef0"}, {"GroupId": "sg-0fedcba9876543210"}],
            },
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        ],
        "IpPermissionsEgress": [],
    }
    [resource] = write.security_group(group)
    first, everything = resource.values["ingress"]
    assert first["self"] is True and first["security_groups"] == ["sg-0fedcba9876543210"]
    assert (everything["protocol"], everything["from_port"], everything["to_port"]) == ("-1", 0, 0)


def test_a_transit_gateway_route_table_is_read_as_the_account_holds_it():
    """A blackhole drops; an active route goes to its attachment, whichever propagation won."""
    routes = [
        {
            "DestinationCidrBlock": "10.2.0.0/16",
            "State": "active",
            "Type": "propagated",
            "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-0123456789abcdef0"}],
        },
        {"DestinationCidrBlock": "10.9.0.0/16", "State": "blackhole", "Type": "static"},
    ]
    resources = write.transit_gateway(
        {"TransitGatewayId": "tgw-0123456789abcdef0"},
        [],
        {"tgw-rtb-0123456789abcdef0": routes},
        {"tgw-rtb-0123456789abcdef0": ["tgw-attach-0123456789abcdef0"]},
    )
    static = [r.values for r in resources if r.type == "aws_ec2_transit_gateway_route"]
    assert static[0]["transit_gateway_attachment_id"] == "tgw-attach-0123456789abcdef0" and not static[0]["blackhole"]
    assert static[1]["blackhole"] and static[1]["transit_gateway_attachment_id"] is None
    gateway = next(r for r in resources if r.type == "aws_ec2_transit_gateway")
    assert gateway.values["default_route_table_association"] == "disable"  # associations are explicit


def test_only_ids_of_the_kinds_read_are_asked_for():
    document = {"a": ["subnet-0123456789abcdef0", "i-0123456789abcdef0", "subnet-x"], "b": {"c": "vpc-0123abcd"}}
    assert ids_named(document) == {"subnet-0123456789abcdef0", "vpc-0123abcd"}
