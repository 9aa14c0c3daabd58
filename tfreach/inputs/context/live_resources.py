"""The EC2 API's answers written as the Terraform resources they describe (`--context aws`).

Attribute names are the AWS provider's (its state), so the parsers read a live subnet as they read
one from a state. What Terraform leaves out of a resource the API shows is left out here too: a
table's local and propagated routes (`propagating_vgws` says which gateways propagate), an ACL's
final `*` deny rule (AWS's, implicit). The live transit gateway route tables are read as they are,
routes and associations explicit: which propagation won a tie is known there.
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Types.html
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tfreach.inputs.context.data_sources import as_resources

API = dict[str, Any]


@dataclass(frozen=True)
class Resource:
    address: str
    type: str
    values: dict[str, Any]


def _resource(resource_type: str, identity: str, values: dict[str, Any]) -> Resource:
    return Resource(f"{resource_type}.{identity}", resource_type, {"id": identity, **values})


def _associated(items: list[API] | None, key: str, state_key: str = "CidrBlockState") -> list[str]:
    return [i[key] for i in items or [] if (i.get(state_key) or {}).get("State", "associated") == "associated"]


def vpc(answer: API) -> list[Resource]:
    identity = answer["VpcId"]
    ipv6 = _associated(answer.get("Ipv6CidrBlockAssociationSet"), "Ipv6CidrBlock", "Ipv6CidrBlockState")
    out = [
        _resource(
            "aws_vpc", identity, {"cidr_block": answer.get("CidrBlock"), "ipv6_cidr_block": next(iter(ipv6), None)}
        )
    ]
    more = [c for c in _associated(answer.get("CidrBlockAssociationSet"), "CidrBlock") if c != answer.get("CidrBlock")]
    for index, block in enumerate([*more, *ipv6[1:]]):
        kind = "ipv6" if ":" in block else "ipv4"
        values = {"vpc_id": identity, f"{'ipv6_' if kind == 'ipv6' else ''}cidr_block": block}
        out.append(_resource(f"aws_vpc_{kind}_cidr_block_association", f"{identity}-block{index}", values))
    return out


def subnet(answer: API) -> list[Resource]:
    ipv6 = _associated(answer.get("Ipv6CidrBlockAssociationSet"), "Ipv6CidrBlock", "Ipv6CidrBlockState")
    values = {
        "vpc_id": answer.get("VpcId"),
        "cidr_block": answer.get("CidrBlock"),
        "ipv6_cidr_block": next(iter(ipv6), None),
        "map_public_ip_on_launch": bool(answer.get("MapPublicIpOnLaunch")),
        "assign_ipv6_address_on_creation": bool(answer.get("AssignIpv6AddressOnCreation")),
    }
    return [_resource("aws_subnet", answer["SubnetId"], values)]


_ROUTE_FIELDS = {
    "DestinationCidrBlock": "cidr_block",
    "DestinationIpv6CidrBlock": "ipv6_cidr_block",
    "DestinationPrefixListId": "destination_prefix_list_id",
    "NatGatewayId": "nat_gateway_id",
    "TransitGatewayId": "transit_gateway_id",
    "VpcPeeringConnectionId": "vpc_peering_connection_id",
    "EgressOnlyInternetGatewayId": "egress_only_gateway_id",
    "NetworkInterfaceId": "network_interface_id",
    "CarrierGatewayId": "carrier_gateway_id",
    "LocalGatewayId": "local_gateway_id",
    "CoreNetworkArn": "core_network_arn",
}


def route_table(answer: API) -> list[Resource]:
    """A table, its associations and whether it is its VPC's main one (data_sources.py writes them)."""
    routes = []
    for route in answer.get("Routes") or []:
        gateway = route.get("GatewayId") or ""
        if gateway == "local" or route.get("Origin") == "EnableVgwRoutePropagation" or gateway.startswith("vpce-"):
            continue  # the VPC's own, a propagated one (propagating_vgws), an AWS service's prefix list
        entry = {tf: route[api] for api, tf in _ROUTE_FIELDS.items() if route.get(api)}
        if gateway:
            entry["gateway_id"] = gateway
        routes.append(entry)
    associations = [
        {
            "route_table_association_id": a.get("RouteTableAssociationId"),
            "subnet_id": a.get("SubnetId"),
            "gateway_id": a.get("GatewayId"),
            "main": bool(a.get("Main")),
        }
        for a in answer.get("Associations") or []
        if (a.get("AssociationState") or {}).get("State", "associated") == "associated"
    ]
    values = {
        "id": answer["RouteTableId"],
        "vpc_id": answer.get("VpcId"),
        "routes": routes,
        "associations": associations,
    }
    out = [
        Resource(f"{t}.{answer['RouteTableId']}{suffix}", t, v)
        for t, suffix, v in as_resources("aws_route_table", values)
    ]
    out[0].values["propagating_vgws"] = [v["GatewayId"] for v in answer.get("PropagatingVgws") or []]
    return out


def network_acl(answer: API) -> list[Resource]:
    """An ACL and the subnets it holds (the API lists every subnet, implicit ones included)."""
    rules: dict[str, list[dict[str, Any]]] = {"ingress": [], "egress": []}
    for entry in answer.get("Entries") or []:
        if entry.get("RuleNumber") == 32767:
            continue  # AWS's final deny: implicit in every ACL
        ports = entry.get("PortRange") or {}
        icmp = entry.get("IcmpTypeCode") or {}
        rules["egress" if entry.get("Egress") else "ingress"].append(
            {
                "rule_no": entry.get("RuleNumber"),
                "action": entry.get("RuleAction"),
                "protocol": entry.get("Protocol"),
                "from_port": ports.get("From", 0),
                "to_port": ports.get("To", 0),
                "cidr_block": entry.get("CidrBlock", ""),
                "ipv6_cidr_block": entry.get("Ipv6CidrBlock", ""),
                "icmp_type": icmp.get("Type", 0),
                "icmp_code": icmp.get("Code", 0),
            }
        )
    identity = answer["NetworkAclId"]
    subnets = [a["SubnetId"] for a in answer.get("Associations") or [] if a.get("SubnetId")]
    values = {"vpc_id": answer.get("VpcId"), "subnet_ids": subnets, **rules}
    if answer.get("IsDefault"):
        return [_resource("aws_default_network_acl", identity, {**values, "default_network_acl_id": identity})]
    return [_resource("aws_network_acl", identity, values)]


def _permissions(group_id: str, permissions: list[API] | None) -> list[dict[str, Any]]:
    rules = []
    for permission in permissions or []:
        pairs = [p.get("GroupId") for p in permission.get("UserIdGroupPairs") or [] if p.get("GroupId")]
        rules.append(
            {
                "protocol": str(permission.get("IpProtocol", "-1")),
                "from_port": permission.get("FromPort", 0) if permission.get("IpProtocol") != "-1" else 0,
                "to_port": permission.get("ToPort", 0) if permission.get("IpProtocol") != "-1" else 0,
                "cidr_blocks": [r["CidrIp"] for r in permission.get("IpRanges") or []],
                "ipv6_cidr_blocks": [r["CidrIpv6"] for r in permission.get("Ipv6Ranges") or []],
                "prefix_list_ids": [p["PrefixListId"] for p in permission.get("PrefixListIds") or []],
                "security_groups": [g for g in pairs if g != group_id],
                "self": group_id in pairs,
            }
        )
    return rules


def security_group(answer: API) -> list[Resource]:
    identity = answer["GroupId"]
    values = {
        "vpc_id": answer.get("VpcId"),
        "name": answer.get("GroupName"),
        "ingress": _permissions(identity, answer.get("IpPermissions")),
        "egress": _permissions(identity, answer.get("IpPermissionsEgress")),
    }
    kind = "aws_default_security_group" if answer.get("GroupName") == "default" else "aws_security_group"
    return [_resource(kind, identity, values)]


def _attached_vpc(attachments: list[API] | None) -> str | None:
    attached = [a.get("VpcId") for a in attachments or [] if a.get("State") in ("attached", "available", None)]
    return next(iter(attached), None)


def internet_gateway(answer: API) -> list[Resource]:
    vpc_id = _attached_vpc(answer.get("Attachments"))
    return [_resource("aws_internet_gateway", answer["InternetGatewayId"], {"vpc_id": vpc_id})]


def egress_only_gateway(answer: API) -> list[Resource]:
    vpc_id = _attached_vpc(answer.get("Attachments"))
    return [_resource("aws_egress_only_internet_gateway", answer["EgressOnlyInternetGatewayId"], {"vpc_id": vpc_id})]


def nat_gateway(answer: API) -> list[Resource]:
    values = {"subnet_id": answer.get("SubnetId"), "connectivity_type": answer.get("ConnectivityType", "public")}
    return [_resource("aws_nat_gateway", answer["NatGatewayId"], values)]


def vpn_gateway(answer: API) -> list[Resource]:
    vpc_id = _attached_vpc(answer.get("VpcAttachments"))
    return [_resource("aws_vpn_gateway", answer["VpnGatewayId"], {"vpc_id": vpc_id})]


def vpn_connection(answer: API) -> list[Resource]:
    identity = answer["VpnConnectionId"]
    values = {
        "vpn_gateway_id": answer.get("VpnGatewayId"),
        "transit_gateway_id": answer.get("TransitGatewayId"),
        "customer_gateway_id": answer.get("CustomerGatewayId"),
        "static_routes_only": bool((answer.get("Options") or {}).get("StaticRoutesOnly")),
    }
    out = [_resource("aws_vpn_connection", identity, values)]
    for index, route in enumerate(answer.get("Routes") or []):
        if route.get("State") != "deleted":
            link = {"vpn_connection_id": identity, "destination_cidr_block": route.get("DestinationCidrBlock")}
            out.append(_resource("aws_vpn_connection_route", f"{identity}-route{index}", link))
    return out


def peering(answer: API) -> list[Resource]:
    values = {
        "vpc_id": (answer.get("RequesterVpcInfo") or {}).get("VpcId"),
        "peer_vpc_id": (answer.get("AccepterVpcInfo") or {}).get("VpcId"),
        "accept_status": (answer.get("Status") or {}).get("Code"),
    }
    return [_resource("aws_vpc_peering_connection", answer["VpcPeeringConnectionId"], values)]


def transit_gateway(
    answer: API, attachments: list[API], tables: dict[str, list[API]], associations: dict[str, list[str]]
) -> list[Resource]:
    """A transit gateway as the account holds it: explicit associations and routes, no defaults."""
    identity = answer["TransitGatewayId"]
    explicit = {"default_route_table_association": "disable", "default_route_table_propagation": "disable"}
    out = [_resource("aws_ec2_transit_gateway", identity, explicit)]
    for attachment in attachments:
        values = {
            "transit_gateway_id": identity,
            "vpc_id": attachment.get("VpcId"),
            "subnet_ids": list(attachment.get("SubnetIds") or []),
            "transit_gateway_default_route_table_association": False,
            "transit_gateway_default_route_table_propagation": False,
        }
        out.append(
            _resource("aws_ec2_transit_gateway_vpc_attachment", attachment["TransitGatewayAttachmentId"], values)
        )
    for table, routes in tables.items():
        out.append(_resource("aws_ec2_transit_gateway_route_table", table, {"transit_gateway_id": identity}))
        for index, attachment_id in enumerate(associations.get(table, [])):
            link = {"transit_gateway_route_table_id": table, "transit_gateway_attachment_id": attachment_id}
            out.append(
                _resource("aws_ec2_transit_gateway_route_table_association", f"{table}-association{index}", link)
            )
        out += _transit_routes(table, routes)
    return out


def _transit_routes(table: str, routes: list[API]) -> list[Resource]:
    """Every active route as a static one (the account shows which propagation won); a route to a
    prefix list has an unknown destination here: any address, warned by the parser."""
    out = []
    for index, route in enumerate(routes):
        targets = [a.get("TransitGatewayAttachmentId") for a in route.get("TransitGatewayAttachments") or []]
        blackhole = route.get("State") == "blackhole"
        for number, target in enumerate(targets or [None]):
            values = {
                "transit_gateway_route_table_id": table,
                "destination_cidr_block": route.get("DestinationCidrBlock"),
                "transit_gateway_attachment_id": None if blackhole else target,
                "blackhole": blackhole,
            }
            out.append(_resource("aws_ec2_transit_gateway_route", f"{table}-route{index}-{number}", values))
    return out


def prefix_list(answer: API, entries: list[API]) -> list[Resource]:
    values = {"entry": [{"cidr": e.get("Cidr")} for e in entries], "name": answer.get("PrefixListName")}
    return [_resource("aws_ec2_managed_prefix_list", answer["PrefixListId"], values)]
