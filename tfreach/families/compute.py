"""Instances, network interfaces, their security groups and public addresses (EIPs)."""

from __future__ import annotations

from tfreach.families import parses, unknowns, when_unreadable
from tfreach.families.context import (
    ELASTIC_IP,
    INSTANCE,
    NETWORK_INTERFACE,
    SECURITY_GROUP,
    ParseContext,
    known_list,
    some_of,
    tags_of,
)
from tfreach.families.vpc import default_vpc_subnet, subnets_of
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import NetworkInterface, PublicAddress


@parses("aws_network_interface")
def parse_network_interface(r: ResourceInstance, ctx: ParseContext) -> None:
    """A separate ENI: never gets an automatic public IPv4 (only launch-time interfaces do)."""
    interface = NetworkInterface(r.address, r.type, attached=False, auto_public_ipv4=False)
    _place(r, ctx, interface)
    interface.security_groups = unknowns.security_group_set(ctx, r, "security_groups")
    interface.default_group = not ctx.is_set(r, "security_groups")
    interface.auto_ipv6 = _auto_ipv6(r, ctx, ("ipv6_address_count", "ipv6_addresses", "ipv6_address_list"))
    for index, attachment in enumerate(r.get("attachment") or []):
        interface.attached = True
        interface.attached_to = _label(ctx.candidates(r, ("attachment", index, "instance"), INSTANCE, quiet=True))
        interface.attached_to = interface.attached_to or attachment.get("instance")
    if ctx.configured(r, "attachment"):
        interface.attached = True
    _known_public_address(r, interface, "public_ip")
    interface.private_ips = _known_private_ips(r, "private_ip", "private_ips", "private_ip_list")
    interface.tags = tags_of(r)
    ctx.network.interfaces[r.address] = interface


@when_unreadable("aws_instance", "aws_network_interface")
def unreadable_endpoint(r: ResourceInstance, ctx: ParseContext) -> str:
    """An instance or interface that cannot be read: in a subnet that may be public, in groups
    that may admit everything, with a public address."""
    interface = NetworkInterface(r.address, r.type, auto_public_ipv4=True)
    interface.subnets = [unknowns.unknown_subnet(ctx, r.address)]
    interface.security_groups = [unknowns.unknown_group(ctx, f"unreadable security groups of {r.address}", r.address)]
    ctx.network.interfaces[r.address] = interface
    return "in a public subnet, in groups that admit everything, with a public address"


def _known_private_ips(r: ResourceInstance, *attributes: str) -> list[str]:
    values = [r.get(a) for a in attributes]
    found = [v for value in values for v in (value if isinstance(value, list) else [value])]
    return list(dict.fromkeys(v for v in found if isinstance(v, str) and v))


# Resources that launch an instance: without a subnet, AWS launches it in the default VPC.
LAUNCHED_IN_DEFAULT_VPC = {"aws_instance"}


@parses("aws_instance", phase=1)
def parse_instance(r: ResourceInstance, ctx: ParseContext) -> None:
    interface = _launch_interfaces(r, ctx)
    if interface is None:
        interface = NetworkInterface(r.address, r.type)
        _place(r, ctx, interface)
        interface.security_groups = _instance_groups(r, ctx)
        interface.default_group = not (ctx.is_set(r, "vpc_security_group_ids") or ctx.is_set(r, "security_groups"))
        interface.auto_public_ipv4 = _auto_public_ipv4(r, ctx, interface)
        interface.auto_ipv6 = _auto_ipv6(r, ctx, ("ipv6_address_count", "ipv6_addresses"))
    _known_public_address(r, interface, "public_ip")
    interface.private_ips += _known_private_ips(r, "private_ip", "secondary_private_ips")
    interface.tags = {**interface.tags, **tags_of(r)}
    ctx.network.interfaces[r.address] = interface


def _launch_interfaces(r: ResourceInstance, ctx: ParseContext) -> NetworkInterface | None:
    """ENIs attached at launch; the one at device index 0 is the instance's primary interface."""
    primary = None
    for index, block in enumerate(r.get("network_interface") or []):
        eni = ctx.one(r, ("network_interface", index, "network_interface_id"), NETWORK_INTERFACE)
        interface = ctx.network.interfaces.get(eni or "")
        if interface is None:
            continue
        interface.attached, interface.attached_to = True, r.address
        if str(block.get("device_index")) == "0":
            primary = ctx.network.interfaces.pop(interface.id)
            ctx.aliases[interface.id] = r.address
            primary.id, primary.resource_type, primary.attached_to = r.address, r.type, None
    return primary


def _place(r: ResourceInstance, ctx: ParseContext, interface: NetworkInterface) -> None:
    """The subnet(s) the interface may be in; without any, an instance lands in the default VPC."""
    if not ctx.is_set(r, "subnet_id"):
        interface.subnets = [default_vpc_subnet(ctx)] if r.type in LAUNCHED_IN_DEFAULT_VPC else []
        return
    interface.subnets = subnets_of(ctx, r, "subnet_id", one_of=True)
    if len(interface.subnets) > 1:
        interface.placement = f"subnet_id may be any of {some_of(interface.subnets)}; each is considered"


def _instance_groups(r: ResourceInstance, ctx: ParseContext) -> list[str]:
    groups = unknowns.security_group_set(ctx, r, "vpc_security_group_ids")
    # `security_groups` takes names (default VPC) or ids.
    for value in known_list(r.get("security_groups")):
        address = ctx.resolver.address_of_id(value) or ctx.names.get(("aws_security_group", value))
        if address is None:
            address = unknowns.unknown_group(ctx, f"{value} (not managed by this plan)", r.address)
        if address not in groups:
            groups.append(address)
    if ctx.configured(r, "security_groups"):
        found = unknowns.security_group_set(ctx, r, "security_groups")
        groups += [g for g in found if g not in groups]
    return groups


def _auto_public_ipv4(r: ResourceInstance, ctx: ParseContext, interface: NetworkInterface) -> bool | None:
    """associate_public_ip_address; when unset, the subnet's map_public_ip_on_launch decides."""
    value = ctx.flag(r, "associate_public_ip_address")
    if value is None and ctx.configured(r, "associate_public_ip_address"):
        ctx.network.notice(r.address, "associate_public_ip_address", "known only after apply; assumed true")
        interface.assumptions.append("associate_public_ip_address is known only after apply; assumed true")
        return True
    return value


def _auto_ipv6(r: ResourceInstance, ctx: ParseContext, attributes: tuple[str, ...]) -> bool | None:
    """IPv6 addresses requested; when none is configured the subnet's setting decides."""
    values = [r.get(a) for a in attributes]
    if any(known_list(v) or (isinstance(v, int) and not isinstance(v, bool) and v > 0) for v in values):
        return True
    if any(ctx.configured(r, a) for a in attributes):
        return True
    return False if any(v is not None for v in values) else None


def _known_public_address(r: ResourceInstance, interface: NetworkInterface, attribute: str) -> None:
    address = r.get(attribute)
    if isinstance(address, str) and address:
        interface.public_addresses.append(PublicAddress(4, f"public IP {address}"))


@parses("aws_network_interface_attachment", phase=2)
def parse_network_interface_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    """An ambiguous attachment may attach each candidate interface."""
    instance = _label(ctx.candidates(r, "instance_id", INSTANCE, quiet=True))
    for eni in ctx.candidates(r, "network_interface_id", NETWORK_INTERFACE):
        interface = ctx.network.interfaces.get(eni)
        if interface is not None:
            interface.attached, interface.attached_to = True, instance


def _label(candidates: list[str]) -> str | None:
    """The instance an ENI is attached to, for the report only: the one, or the candidates."""
    return " or ".join(candidates) or None


@parses("aws_network_interface_sg_attachment", phase=2)
def parse_network_interface_sg_attachment(r: ResourceInstance, ctx: ParseContext) -> None:
    """An ambiguous attachment may add each candidate group to each candidate interface."""
    groups = ctx.candidates(r, "security_group_id", SECURITY_GROUP)
    for target in ctx.candidates(r, "network_interface_id", NETWORK_INTERFACE | INSTANCE):
        interface = ctx.network.interfaces.get(target)
        if interface is not None:
            interface.security_groups += [g for g in groups if g not in interface.security_groups]


@parses("aws_eip", phase=2)
def parse_eip(r: ResourceInstance, ctx: ParseContext) -> None:
    _associate(r, ctx, r.address, ("instance", "network_interface"))


@parses("aws_eip_association", phase=2)
def parse_eip_association(r: ResourceInstance, ctx: ParseContext) -> None:
    eip = ctx.one(r, "allocation_id", ELASTIC_IP) if ctx.is_set(r, "allocation_id") else None
    _associate(r, ctx, eip or r.address, ("instance_id", "network_interface_id"))


def _associate(r: ResourceInstance, ctx: ParseContext, label: str, fields: tuple[str, str]) -> None:
    """An Elastic IP goes to an instance's primary interface or to a given ENI."""
    instance_field, interface_field = fields
    targets: list[str] = []
    if ctx.is_set(r, instance_field):
        targets += ctx.candidates(r, instance_field, INSTANCE)
    if ctx.is_set(r, interface_field):
        targets += ctx.candidates(r, interface_field, NETWORK_INTERFACE | INSTANCE)
    assumption = f"{label} may belong to any of {some_of(targets)}" if len(targets) > 1 else None
    for target in targets:
        interface = ctx.network.interfaces.get(target)
        if interface is not None:
            interface.public_addresses.append(PublicAddress(4, label, assumption))


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_instance": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html",
    "aws_network_interface": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html",
    "aws_network_interface_attachment": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html",
    "aws_network_interface_sg_attachment": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html",
    "aws_eip": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html",
    "aws_eip_association": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html",
}
