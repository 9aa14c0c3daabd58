"""What every parser needs: the network being built and typed access to plan values.

Parsers never read ids directly. `link` is the one accessor: it turns an id attribute into a
`Linked` (the plan's resources it may be, the ids outside the plan it names, whether part of it
cannot be told), resolving "known after apply" values through the configuration and recording a
notice whenever the answer is unresolved or ambiguous. `candidates`, `many`, `one` and
`one_or_any` are its views for the common cases, each saying what it does with several.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from tfreach.aws import outside
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.inputs.plan.resolve import Resolver
from tfreach.model.network import UNKNOWN_TAGS, Network, SecurityGroupRule, Subnet

VPC = frozenset({"aws_vpc", "aws_default_vpc"})
SUBNET = frozenset({"aws_subnet", "aws_default_subnet"})
SECURITY_GROUP = frozenset({"aws_security_group", "aws_default_security_group"})
ROUTE_TABLE = frozenset({"aws_route_table", "aws_default_route_table"})
NETWORK_ACL = frozenset({"aws_network_acl", "aws_default_network_acl"})
INTERNET_GATEWAY = frozenset({"aws_internet_gateway"})
EGRESS_ONLY_GATEWAY = frozenset({"aws_egress_only_internet_gateway"})
NAT_GATEWAY = frozenset({"aws_nat_gateway"})
VPN_GATEWAY = frozenset({"aws_vpn_gateway"})
PEERING = frozenset({"aws_vpc_peering_connection", "aws_vpc_peering_connection_accepter"})
TRANSIT_GATEWAY = frozenset({"aws_ec2_transit_gateway"})
# A VPN connection on a transit gateway is its own attachment (its transit_gateway_attachment_id).
TRANSIT_ATTACHMENT = frozenset({"aws_ec2_transit_gateway_vpc_attachment", "aws_vpn_connection"})
TRANSIT_ROUTE_TABLE = frozenset({"aws_ec2_transit_gateway_route_table"})
VPN_CONNECTION = frozenset({"aws_vpn_connection"})
INSTANCE = frozenset({"aws_instance"})
NETWORK_INTERFACE = frozenset({"aws_network_interface"})
ELASTIC_IP = frozenset({"aws_eip"})
VPC_ENDPOINT = frozenset({"aws_vpc_endpoint"})
FIREWALL = frozenset({"aws_networkfirewall_firewall"})
LOAD_BALANCER = frozenset({"aws_lb", "aws_alb", "aws_elb"})
CLASSIC_LOAD_BALANCER = frozenset({"aws_elb"})
LISTENER = frozenset({"aws_lb_listener", "aws_alb_listener"})
TARGET_GROUP = frozenset({"aws_lb_target_group", "aws_alb_target_group"})
AUTOSCALING_GROUP = frozenset({"aws_autoscaling_group"})
LAUNCH_TEMPLATE = frozenset({"aws_launch_template"})
LAUNCH_CONFIGURATION = frozenset({"aws_launch_configuration"})
SUBNET_GROUP = frozenset(
    {
        "aws_db_subnet_group",
        "aws_redshift_subnet_group",
        "aws_elasticache_subnet_group",
        "aws_memorydb_subnet_group",
        "aws_dms_replication_subnet_group",
    }
)
RDS_CLUSTER = frozenset({"aws_rds_cluster"})
EKS_CLUSTER = frozenset({"aws_eks_cluster"})
ECS_TASK_DEFINITION = frozenset({"aws_ecs_task_definition"})
PREFIX_LIST = frozenset({"aws_ec2_managed_prefix_list"})

# Kinds whose ids outside the plan the link views hand on as they are: families/outside.py makes
# each the most exposed thing of its kind. Subnets and security groups are read per owner
# (families/unknowns.py), the rest are looked up where they are used.
OUTSIDE_READINGS = (
    VPC
    | ROUTE_TABLE
    | NETWORK_ACL
    | INTERNET_GATEWAY
    | EGRESS_ONLY_GATEWAY
    | NAT_GATEWAY
    | VPN_GATEWAY
    | PEERING
    | TRANSIT_GATEWAY
)

# Resources other resources refer to by name (default-VPC groups, ELB, ASG, subnet group, EKS names).
NAMED_TYPES = (
    SECURITY_GROUP
    | CLASSIC_LOAD_BALANCER
    | AUTOSCALING_GROUP
    | LAUNCH_TEMPLATE
    | LAUNCH_CONFIGURATION
    | SUBNET_GROUP
    | EKS_CLUSTER
)
# The attribute other resources name them by, where it is not `name`.
NAME_ATTRIBUTE = {"aws_dms_replication_subnet_group": "replication_subnet_group_id"}


@dataclass
class PrefixList:
    """A managed prefix list's entries; `complete` once none of them is known only after apply."""

    cidrs: list[str] = field(default_factory=list)
    complete: bool = True


AMBIGUOUS = "the configuration names several candidates; every one is considered"
EXTERNAL = "names a resource this plan does not manage"


def some_of(names: list[str] | tuple[str, ...], shown: int = 4) -> str:
    """A list of candidates as a warning says it: the first few and how many in all."""
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more ({len(names)} in all)"


def path_text(path: tuple[str | int, ...]) -> str:
    """`ingress[0].cidr_blocks`, as Terraform addresses a nested value."""
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")


@dataclass(frozen=True)
class Linked:
    """What an id-valued attribute points at after apply."""

    candidates: tuple[str, ...]  # identities of the plan's resources it may be (each is considered)
    outside: tuple[str, ...]  # known ids of resources this plan does not hold
    unknown: bool  # part of it cannot be told (known after apply, nothing referenced)
    configured: bool  # False: not set at all, so AWS's default applies

    @property
    def single(self) -> str | None:
        return self.candidates[0] if len(self.candidates) == 1 else None


def _single_or_outside(link: Linked) -> str | None:
    """The one identity a link names: a resource of the plan, or an id outside it (the model then
    holds the most exposed thing of its kind for it: families/outside.py); None for several or none."""
    if link.candidates:
        return link.single
    return link.outside[0] if len(link.outside) == 1 else None


def _with_outside(link: Linked, types: frozenset[str]) -> list[str]:
    """The plan's candidates, and the ids outside it when their kind has an outside reading."""
    outside = link.outside if types <= OUTSIDE_READINGS else ()
    return list(dict.fromkeys(link.candidates + outside))


class ParseContext:
    def __init__(self, network: Network, resolver: Resolver, removed: list[ResourceInstance] | None = None) -> None:
        self.network = network
        self.resolver = resolver
        self.removed = removed or []  # what the plan deletes: stale copies of it are ignored
        self.aliases: dict[str, str] = {}  # absorbed ENI -> the instance that reports it
        self.names: dict[tuple[str, str], str] = {}  # (type, name attribute) -> address
        self.launch_specs: dict[str, Any] = {}  # launch template / configuration -> what instances get
        self.vpn_connections: dict[str, list[str]] = {}  # VPN connection -> its VPN gateway (candidates)
        self.subnet_groups: dict[str, list[str]] = {}  # DB, cache, ... subnet group -> its subnets
        self.prefix_lists: dict[str, PrefixList] = {}  # managed prefix list -> its entries
        self.prefix_list_rules: list[tuple[str, SecurityGroupRule]] = []  # (owner, rule) naming prefix lists
        self.accepted_peerings: set[str] = set()
        self.ambiguous_targets: dict[str, list[tuple[str, tuple[str, ...], int | None]]] = {}
        # (route tables or ACLs, candidate subnets) -> the ambiguous associations naming them
        self.ambiguous_associations: dict[tuple[str, frozenset[str]], list[str]] = {}
        self.facts: set[str] = set()  # resources known by a data source's facts only (no tables, no rules)
        self.used_vpc_origins: set[str] = set()  # CloudFront VPC origins an enabled distribution sends to
        self.endpoint_service_principals: dict[str, list[str]] = {}  # endpoint service -> principals allowed

    # --- ids -> identities --------------------------------------------------------------

    def link(
        self,
        r: ResourceInstance,
        path: str | tuple[str | int, ...],
        types: frozenset[str],
        if_several: str | None = "all are considered",
    ) -> Linked:
        """What the attribute points at; a notice says what is unresolved, outside or ambiguous
        (`if_several`: what the caller does with several candidates, None for a list attribute)."""
        steps = (path,) if isinstance(path, str) else path
        link = self.resolver.link(r, steps, types)
        found = tuple(self.aliases.get(a, a) for a in link.addresses)
        attribute = path_text(steps)
        several = if_several is not None and len(found) > 1
        if link.problem:
            cause = link.causes[0] if link.causes else None
            self.network.notice(r.address, attribute, link.problem + (f"; {if_several}" if several else ""), cause)
        elif several:
            message = f"ambiguous: may be any of {some_of(list(found))}; {if_several}"
            self.network.notice(r.address, attribute, message, AMBIGUOUS)
        for external in link.external:
            message = f"{external} is not managed by this plan or its contexts; {outside.HINT}"
            self.network.notice(r.address, attribute, message, EXTERNAL)
        return Linked(found, link.external, not link.complete, link.configured)

    def candidates(
        self, r: ResourceInstance, path: str | tuple[str | int, ...], types: frozenset[str], quiet: bool = False
    ) -> list[str]:
        """Every identity the attribute may point at; the caller considers them all.

        `quiet`: the caller settles an ambiguity itself (and says so).
        """
        return _with_outside(self.link(r, path, types, None if quiet else "all are considered"), types)

    def one(self, r: ResourceInstance, path: str | tuple[str | int, ...], types: frozenset[str]) -> str | None:
        """The single identity the attribute points at; None (and a notice) when it is not one.

        Only for links where leaving it unlinked is the more exposed reading (a gateway's VPC:
        None admits every subnet) or merely a label; a child of several candidate parents goes
        to each of them (`candidates`).
        """
        return _single_or_outside(self.link(r, path, types, "left unlinked"))

    def one_or_any(self, r: ResourceInstance, path: str | tuple[str | int, ...], types: frozenset[str]) -> str | None:
        """The single identity, else None meaning "any of them" (a gateway's VPC: every subnet
        the gateway may serve is considered), with a notice."""
        return _single_or_outside(self.link(r, path, types, "any of them is considered"))

    def many(self, r: ResourceInstance, path: str | tuple[str | int, ...], types: frozenset[str]) -> list[str]:
        """A list attribute (security group ids, subnet ids): all of it."""
        return _with_outside(self.link(r, path, types, None), types)

    def removed_from(self, parent: ResourceInstance, types: frozenset[str], attribute: str) -> list[ResourceInstance]:
        """Resources of `types` the plan deletes that belonged to `parent` (by its known id).

        A refreshed state copies separate rules and routes into their group or table; after a
        plan deletes one, the untouched group or table still shows the stale copy.
        """
        known_id = parent.get("id")
        return [r for r in self.removed if r.type in types and known_id and r.get(attribute) == known_id]

    def by_name(self, types: frozenset[str], value: str) -> str | None:
        """A known id or name of a resource of `types` managed by the plan."""
        address = self.resolver.address_of_id(value)
        if address is not None:
            return address
        return next((self.names[(t, value)] for t in types if (t, value) in self.names), None)

    def in_configured_block(
        self, r: ResourceInstance, block: dict[str, Any], attribute: str, types: frozenset[str]
    ) -> list[str]:
        """What one configured block's attribute names (configuration.configured_blocks): the
        instances its expression references, or the resource a literal id names (an id outside
        the plan: the id itself)."""
        expression = block.get(attribute)
        expression = expression if isinstance(expression, dict) else {}
        found = self.resolver.targets_of(r, expression, types)
        literal = expression.get("constant_value")
        if isinstance(literal, str) and literal:
            found.append(self.resolver.address_of_id(literal) or literal)
        return [self.aliases.get(a, a) for a in found]

    def in_block(self, r: ResourceInstance, path: tuple[str | int, ...], types: frozenset[str]) -> list[str]:
        """An id inside a nested block, which may be a `dynamic` block.

        Dynamic blocks are absent from the plan's configuration. When such a value is unknown,
        take the instances of `types` that the resource's other expressions reference, else
        the single instance of that type in the resource's module instance.
        """
        link = self.resolver.link(r, path, types)
        if link.addresses or link.configured or not r.unknown_at(path):
            return list(self.link(r, path, types).candidates)
        found = self.resolver.referenced_by(r, types) or self.resolver.in_module(r.module, types)
        attribute = ".".join(str(s) for s in path)
        if len(found) > 1:
            choices = some_of(found)
            self.network.notice(
                r.address, attribute, f"set in a dynamic block; may be any of {choices}; all are considered"
            )
        elif not found:
            self.network.notice(r.address, attribute, "set in a dynamic block and known only after apply; not linked")
        return [self.aliases.get(a, a) for a in found]

    def associate(self, kind: str, r: ResourceInstance, subnets: list[str], parents: list[str]) -> None:
        """Subnets -> route table or network ACL (`kind`: "route table" / "network ACL").

        Each candidate subnet may get each candidate parent. When several subnets are
        candidates, one of them may keep its VPC's default: `settle_associations` decides.
        """
        associations = self.network.subnet_route_tables if kind == "route table" else self.network.subnet_nacls
        for subnet in subnets:
            known = associations.setdefault(subnet, [])
            known += [p for p in parents if p not in known]
        if len(subnets) > 1 and parents:
            self.ambiguous_associations.setdefault((kind, frozenset(subnets)), []).append(r.address)

    # --- values -------------------------------------------------------------------------

    def flag(self, r: ResourceInstance, attribute: str) -> bool | None:
        """A boolean setting; None when it is unknown at plan time."""
        if r.is_unknown(attribute):
            return None
        return as_bool(r.get(attribute))

    def configured(self, r: ResourceInstance, attribute: str) -> bool:
        """Set by the configuration to a value known only after apply (not merely computed)."""
        return r.is_unknown(attribute) and self.resolver.set_after_apply(r, (attribute,))

    def is_set(self, r: ResourceInstance, attribute: str) -> bool:
        """Has a value now, or will have one the configuration sets."""
        return r.get(attribute) not in (None, "", []) or self.configured(r, attribute)

    def subnet(self, identity: str) -> Subnet | None:
        return self.network.subnets.get(identity)


def as_bool(value: Any) -> bool:
    """Providers store some booleans as strings ("true")."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def tags_of(r: ResourceInstance) -> dict[str, str]:
    """Known tags: `tags_all` (with the provider's default_tags), `tags`, or auto scaling `tag`
    blocks (key / value); a tag selector must not silently miss a resource whose tags are known
    only after apply (UNKNOWN_TAGS)."""
    tags: dict[str, str] = {}
    for attribute in ("tags_all", "tags"):
        if isinstance(r.get(attribute), dict):
            tags.update({str(k): str(v) for k, v in r.get(attribute).items()})
        node = r.unknown_node((attribute,))
        # a wholly unknown tags_all is only the provider's work to come (sources mode): `tags` says
        partly = isinstance(node, dict) and any(u is True for u in node.values())
        if partly or (node is True and attribute == "tags"):
            tags[UNKNOWN_TAGS] = "true"
    for block in r.get("tag") or []:
        if isinstance(block, dict) and block.get("key") is not None:
            tags[str(block["key"])] = str(block.get("value"))
    return tags


def checked_cidrs(*values: Any) -> list[str]:
    """The given CIDRs, normalized; ValueError (a warning for the resource) when one is not a CIDR."""
    return [str(ipaddress.ip_network(str(v).strip(), strict=False)) for v in values if v]


def known_list(value: Any) -> list[Any]:
    return [v for v in value if v not in (None, "")] if isinstance(value, list) else []
