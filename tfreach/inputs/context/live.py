"""The live account, read only (`--context aws`): what the ids neither the plan nor a context holds are.

The same credentials `terraform plan` uses (boto3's standard chain, `AWS_ENDPOINT_URL` honoured),
in the region of the plan's AWS provider. Every call is a Describe/Get/Search: it never writes.
Ids are read by kind in batches of at most 200 (`Filters`, which skip an id that is gone instead of
failing the batch), paginated, retried with backoff and bounded by a timeout; each id is read once
per run. What an answer names in turn (a subnet's VPC, a route's gateway, a peering's other VPC) is
read in the next round. A VPC is read whole (its route tables, ACLs, default group, gateways,
peerings and transit gateway attachments): known, it has exactly those ways in.

Answers are written as the Terraform resources they describe (writers in live_resources.py), so
the parsers read them as they read a state. An id the account does not hold stays outside the
plan: the most exposed reading of its kind, warned.
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/OperationList-query-ec2.html
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tfreach.errors import InputError
from tfreach.inputs.context import Context
from tfreach.inputs.context import live_resources as write
from tfreach.inputs.context.live_resources import Resource
from tfreach.inputs.context.states import _instance

NAME = "aws"  # how warnings and addresses name the live account: `aws:subnet-0abc`
BATCH = 200  # ids per call: one call per API action per 200 ids
ROUNDS = 6  # a subnet -> its VPC -> a peering -> the peer VPC -> its tables -> their gateways
TIMEOUT = 20  # seconds per call (connect 5)

_ID = re.compile(r"^(vpc|subnet|rtb|acl|sg|igw|eigw|nat|vgw|vpn|pcx|tgw|tgw-rtb|tgw-attach|pl)-[0-9a-f]{8,17}$")


def ids_named(document: Any) -> set[str]:
    """Every string of a JSON document that is an AWS id of a kind tfreach reads."""
    found: set[str] = set()
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and _ID.match(value):
            found.add(value)
    return found


def region_of(plan: dict[str, Any]) -> str:
    """The region of the plan's default AWS provider configuration, else the environment's."""
    config = ((plan.get("configuration") or {}).get("provider_config") or {}).get("aws") or {}
    region = ((config.get("expressions") or {}).get("region") or {}).get("constant_value")
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not isinstance(region, str) or not region:
        raise InputError("--context aws", "no region: set it in the aws provider block, or AWS_REGION")
    return region


class LiveAccount:
    """One region of the account, read once per id for the whole run."""

    def __init__(self, region: str) -> None:
        try:
            import boto3
            from botocore.config import Config
        except ImportError:  # pragma: no cover - the extra is part of the test install
            raise InputError("--context aws", "needs boto3: pip install 'tfreach[aws]'") from None
        config = Config(
            region_name=region,
            retries={"max_attempts": 6, "mode": "standard"},
            connect_timeout=5,
            read_timeout=TIMEOUT,
            user_agent_extra="tfreach",
        )
        self.ec2 = boto3.session.Session().client("ec2", config=config)
        self.region = region
        self.calls: Counter[str] = Counter()  # API action -> calls made
        self.read: dict[str, list[Resource]] = {}  # id -> the resources its reading wrote
        self.members: dict[str, list[str]] = {}  # VPC -> ids read with it (tables, ACLs, gateways)

    def context_for(self, named: Iterable[str], held: set[str]) -> Context:
        """The resources behind the named ids the plan and contexts do not hold, and behind what
        they name in turn."""
        wanted = {i for i in named if i not in held}
        for _ in range(ROUNDS):
            todo = wanted - self.read.keys()
            if not todo:
                break
            self._read(todo)
            wanted |= {i for r in self._written(wanted) for i in ids_named(r.values) if i not in held}
        resources = {r.address: r for r in self._written(wanted)}
        return Context(NAME, tuple(_instance(NAME, r.address, r.type, r.values) for r in resources.values()))

    def _written(self, ids: set[str]) -> list[Resource]:
        """What the ids were read as, with what was read with them (a VPC's tables, a gateway's VPNs)."""
        whole, pending = set(ids), list(ids)
        while pending:
            for member in self.members.get(pending.pop(), []):
                if member not in whole:
                    whole.add(member)
                    pending.append(member)
        return [r for i in sorted(whole) for r in self.read.get(i, [])]

    # --- reading, by kind -----------------------------------------------------------------------

    def _read(self, ids: set[str]) -> None:
        by_kind: dict[str, list[str]] = {}
        for identity in sorted(ids):
            by_kind.setdefault(identity.rsplit("-", 1)[0], []).append(identity)
            self.read.setdefault(identity, [])  # gone from the account: stays outside, read once
        for kind, some in by_kind.items():
            reader = _READERS.get(kind)
            if reader is not None:
                reader(self, some)

    def _subnets(self, ids: list[str]) -> None:
        for subnet in self._each("describe_subnets", "Subnets", "subnet-id", ids):
            self._keep(subnet["SubnetId"], write.subnet(subnet))

    def _vpcs(self, ids: list[str]) -> None:
        """A VPC whole: everything that decides a path into it."""
        for vpc in self._each("describe_vpcs", "Vpcs", "vpc-id", ids):
            self._keep(vpc["VpcId"], write.vpc(vpc))
        self._route_tables([], vpcs=ids)
        self._network_acls([], vpcs=ids)
        self._security_groups([], vpcs=ids)
        self._internet_gateways([], vpcs=ids)
        self._vpn_gateways([], vpcs=ids)
        self._nat_gateways([], vpcs=ids)
        self._peerings([], vpcs=ids)
        attached = self._each("describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments", "vpc-id", ids)
        self._transit_gateways(sorted({a["TransitGatewayId"] for a in attached}))

    def _route_tables(self, ids: list[str], vpcs: Sequence[str] = ()) -> None:
        for table in self._by_id_or_vpc("describe_route_tables", "RouteTables", "route-table-id", ids, vpcs):
            self._keep(table["RouteTableId"], write.route_table(table), table.get("VpcId"))

    def _network_acls(self, ids: list[str], vpcs: Sequence[str] = ()) -> None:
        for acl in self._by_id_or_vpc("describe_network_acls", "NetworkAcls", "network-acl-id", ids, vpcs):
            self._keep(acl["NetworkAclId"], write.network_acl(acl), acl.get("VpcId"))

    def _security_groups(self, ids: list[str], vpcs: Sequence[str] = ()) -> None:
        found = list(self._each("describe_security_groups", "SecurityGroups", "group-id", ids))
        if vpcs:  # a VPC's default group: what an interface without groups gets
            found += self._each(
                "describe_security_groups", "SecurityGroups", "vpc-id", list(vpcs), ("group-name", "default")
            )
        for group in found:
            self._keep(group["GroupId"], write.security_group(group), group.get("VpcId"))

    def _internet_gateways(self, ids: list[str], vpcs: Sequence[str] = ()) -> None:
        for gateway in self._by_id_or_vpc(
            "describe_internet_gateways", "InternetGateways", "internet-gateway-id", ids, vpcs, "attachment.vpc-id"
        ):
            resources = write.internet_gateway(gateway)
            self._keep(gateway["InternetGatewayId"], resources, resources[0].values.get("vpc_id"))

    def _egress_only_gateways(self, ids: list[str]) -> None:
        for gateway in self._each(
            "describe_egress_only_internet_gateways",
            "EgressOnlyInternetGateways",
            "egress-only-internet-gateway-id",
            ids,
        ):
            self._keep(gateway["EgressOnlyInternetGatewayId"], write.egress_only_gateway(gateway))

    def _nat_gateways(self, ids: list[str], vpcs: Sequence[str] = ()) -> None:
        for gateway in self._by_id_or_vpc("describe_nat_gateways", "NatGateways", "nat-gateway-id", ids, vpcs):
            self._keep(gateway["NatGatewayId"], write.nat_gateway(gateway), gateway.get("VpcId"))

    def _vpn_gateways(self, ids: list[str], vpcs: Sequence[str] = ()) -> None:
        found = list(self._each("describe_vpn_gateways", "VpnGateways", "vpn-gateway-id", ids))
        found += self._each("describe_vpn_gateways", "VpnGateways", "attachment.vpc-id", list(vpcs))
        gateways = [g for g in found if g.get("State") != "deleted"]
        for gateway in gateways:
            resources = write.vpn_gateway(gateway)
            self._keep(gateway["VpnGatewayId"], resources, resources[0].values.get("vpc_id"))
        self._vpn_connections("vpn-gateway-id", [g["VpnGatewayId"] for g in gateways])

    def _vpn_connections(self, field: str, ids: list[str]) -> None:
        for connection in self._each("describe_vpn_connections", "VpnConnections", field, ids):
            if connection.get("State") != "deleted":
                identity = connection["VpnConnectionId"]
                self._keep(identity, write.vpn_connection(connection), connection.get("VpnGatewayId"))

    def _peerings(self, ids: list[str], vpcs: Sequence[str] = ()) -> None:
        found = list(
            self._each("describe_vpc_peering_connections", "VpcPeeringConnections", "vpc-peering-connection-id", ids)
        )
        for side in ("requester-vpc-info.vpc-id", "accepter-vpc-info.vpc-id"):
            found += self._each("describe_vpc_peering_connections", "VpcPeeringConnections", side, list(vpcs))
        for peering in found:
            resources = write.peering(peering)
            sides = (resources[0].values.get("vpc_id"), resources[0].values.get("peer_vpc_id"))
            self._keep(peering["VpcPeeringConnectionId"], resources, *sides)

    def _transit_gateways(self, ids: list[str]) -> None:
        """A transit gateway whole: VPC attachments, route tables and their routes as the account
        holds them (the winner of a propagation tie is known there). One this account cannot see
        whole (shared from another account: no route tables) or with an attachment other than a
        VPC's (VPN, peering, Direct Connect, Connect) stays outside: it may deliver from anywhere."""
        gateways = self._each("describe_transit_gateways", "TransitGateways", "transit-gateway-id", ids)
        every = self._each(
            "describe_transit_gateway_attachments", "TransitGatewayAttachments", "transit-gateway-id", ids
        )
        vpcs = self._each(
            "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments", "transit-gateway-id", ids
        )
        tables = self._each(
            "describe_transit_gateway_route_tables", "TransitGatewayRouteTables", "transit-gateway-id", ids
        )
        others = {
            a["TransitGatewayId"] for a in every if a.get("ResourceType") != "vpc" and a.get("State") != "deleted"
        }
        for gateway in gateways:
            identity = gateway["TransitGatewayId"]
            mine = [t["TransitGatewayRouteTableId"] for t in tables if t["TransitGatewayId"] == identity]
            if identity in others or not mine:
                continue
            attached = [a for a in vpcs if a["TransitGatewayId"] == identity and a.get("State") != "deleted"]
            routes = {table: self._transit_routes(table) for table in mine}
            resources = write.transit_gateway(gateway, attached, routes, self._transit_associations(mine))
            for part in (identity, *(a["TransitGatewayAttachmentId"] for a in attached), *mine):
                self._keep(part, resources)
            for attachment in attached:  # a VPC attached to it: its ways in include the gateway
                self.members.setdefault(attachment.get("VpcId") or "", []).append(identity)

    def _transit_routes(self, table: str) -> list[dict[str, Any]]:
        self.calls["search_transit_gateway_routes"] += 1  # not paginated: up to 1000 routes
        answer = self._call(
            "search_transit_gateway_routes",
            TransitGatewayRouteTableId=table,
            Filters=[{"Name": "state", "Values": ["active", "blackhole"]}],
            MaxResults=1000,
        )
        return list(answer.get("Routes") or [])

    def _transit_associations(self, tables: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for table in tables:
            associations = self._pages(
                "get_transit_gateway_route_table_associations", "Associations", TransitGatewayRouteTableId=table
            )
            out[table] = [a["TransitGatewayAttachmentId"] for a in associations if a.get("State") != "disassociated"]
        return out

    def _transit_tables(self, ids: list[str]) -> None:
        """A transit gateway route table or attachment named alone: read its whole gateway."""
        field = "transit-gateway-route-table-id" if ids[0].startswith("tgw-rtb") else "transit-gateway-attachment-id"
        action, key = (
            ("describe_transit_gateway_route_tables", "TransitGatewayRouteTables")
            if field.endswith("route-table-id")
            else ("describe_transit_gateway_attachments", "TransitGatewayAttachments")
        )
        self._transit_gateways(sorted({t["TransitGatewayId"] for t in self._each(action, key, field, ids)}))

    def _prefix_lists(self, ids: list[str]) -> None:
        for listed in self._each("describe_managed_prefix_lists", "PrefixLists", "prefix-list-id", ids):
            identity = listed["PrefixListId"]
            entries = self._pages("get_managed_prefix_list_entries", "Entries", PrefixListId=identity)
            self._keep(identity, write.prefix_list(listed, entries))

    # --- calls ----------------------------------------------------------------------------------

    def _keep(self, identity: str, resources: list[Resource], *owners: str | None) -> None:
        """`owners`: what the resource is part of (a VPC's table, ACL or gateway; a VPN gateway's
        connections), read and kept with it."""
        self.read[identity] = resources
        for owner in filter(None, owners):
            self.members.setdefault(owner, []).append(identity)

    def _by_id_or_vpc(
        self, action: str, key: str, field: str, ids: list[str], vpcs: Sequence[str], vpc_field: str = "vpc-id"
    ) -> list[dict[str, Any]]:
        return self._each(action, key, field, ids) + self._each(action, key, vpc_field, list(vpcs))

    def _each(
        self, action: str, key: str, field: str, ids: list[str], also: tuple[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Everything `action` answers for the ids, BATCH at a time, every page."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(ids), BATCH):
            filters = [{"Name": field, "Values": ids[start : start + BATCH]}]
            if also:
                filters.append({"Name": also[0], "Values": [also[1]]})
            out += self._pages(action, key, Filters=filters)
        return out

    def _pages(self, action: str, key: str, **arguments: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for page in self._paginate(action, arguments):
            out += page.get(key) or []
        return out

    def _paginate(self, action: str, arguments: dict[str, Any]) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            self.calls[action] += 1
            page = self._call(action, **arguments, **({"NextToken": token} if token else {}))
            yield page
            token = page.get("NextToken")
            if not token:
                return

    def _call(self, action: str, **arguments: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

        try:
            answer: dict[str, Any] = getattr(self.ec2, action)(**arguments)
            return answer
        except (NoCredentialsError, PartialCredentialsError):
            raise InputError(
                "--context aws",
                "no AWS credentials: give the ones terraform plan uses (AWS_PROFILE, AWS_ACCESS_KEY_ID...)",
            ) from None
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "error")
            operation = "ec2:" + "".join(part.capitalize() for part in action.split("_"))
            if code in _DENIED:
                raise InputError(
                    "--context aws", f"{operation} was denied ({code}): allow it (docs/context.md)"
                ) from None
            raise InputError("--context aws", f"{operation} failed ({code})") from None
        except BotoCoreError as error:
            raise InputError("--context aws", f"the EC2 API of {self.region} cannot be read: {error}") from None


_DENIED = {"UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "AuthFailure", "InvalidClientTokenId"}

_READERS = {
    "subnet": LiveAccount._subnets,
    "vpc": LiveAccount._vpcs,
    "rtb": LiveAccount._route_tables,
    "acl": LiveAccount._network_acls,
    "sg": LiveAccount._security_groups,
    "igw": LiveAccount._internet_gateways,
    "eigw": LiveAccount._egress_only_gateways,
    "nat": LiveAccount._nat_gateways,
    "vgw": LiveAccount._vpn_gateways,
    "vpn": lambda account, ids: account._vpn_connections("vpn-connection-id", ids),
    "pcx": LiveAccount._peerings,
    "tgw": LiveAccount._transit_gateways,
    "tgw-rtb": LiveAccount._transit_tables,
    "tgw-attach": LiveAccount._transit_tables,
    "pl": LiveAccount._prefix_lists,
}

_ACCOUNTS: dict[str, LiveAccount] = {}


def account(region: str) -> LiveAccount:
    """One reader per region for the whole run, however many plans are checked."""
    if region not in _ACCOUNTS:
        _ACCOUNTS[region] = LiveAccount(region)
    return _ACCOUNTS[region]
