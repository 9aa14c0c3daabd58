"""Public addresses: an internet gateway delivers only to an interface's public address.

- IPv4: a public IP assigned at launch (the interface's own setting, else the subnet's
  `map_public_ip_on_launch`) or an Elastic IP; IPv6 addresses are all public, assigned when
  requested (else by the subnet's `assign_ipv6_address_on_creation`).
https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html
https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
"""

from __future__ import annotations

from tfreach.engine.hop import Decision
from tfreach.model.network import NetworkInterface, Subnet
from tfreach.model.packets import ALL_IPV4, ALL_IPV6, PORTS, PROTOCOLS, PacketSet


def public_addresses(interface: NetworkInterface, subnet: Subnet) -> list[Decision]:
    """IPv4 needs a public IP or EIP; IPv6 needs an IPv6 address (they are all public)."""
    out = [
        Decision(
            PacketSet.box(PROTOCOLS, PORTS, ALL_IPV4 if a.version == 4 else ALL_IPV6),
            a.label,
            True,
            interface.id,
            interface.resource_type,
            a.assumption,
        )
        for a in interface.public_addresses
    ]
    ipv4 = _launch_setting(
        interface.auto_public_ipv4, "associate_public_ip_address = true", subnet, "map_public_ip_on_launch"
    )
    if ipv4 is not None:
        out.append(
            Decision(
                PacketSet.box(PROTOCOLS, PORTS, ALL_IPV4), ipv4[0], True, interface.id, interface.resource_type, ipv4[1]
            )
        )
    if subnet.has_ipv6 or subnet.unknown:
        ipv6 = _launch_setting(interface.auto_ipv6, "IPv6 address requested", subnet, "assign_ipv6_address_on_creation")
        if ipv6 is not None:
            out.append(
                Decision(
                    PacketSet.box(PROTOCOLS, PORTS, ALL_IPV6),
                    ipv6[0],
                    True,
                    interface.id,
                    interface.resource_type,
                    ipv6[1],
                )
            )
    return out


def _launch_setting(
    own: bool | None, own_label: str, subnet: Subnet, subnet_setting: str
) -> tuple[str, str | None] | None:
    """(evidence, assumption) when the interface gets the address at launch, else None.

    The interface's own setting wins; when it has none, the subnet's default applies.
    """
    if own is not None:
        return (own_label, None) if own else None
    subnet_default = getattr(subnet, subnet_setting)
    if subnet_default is None:
        return (f"{subnet.id} {subnet_setting} unknown", f"{subnet_setting} of {subnet.id} is unknown; assumed true")
    return (f"{subnet.id} {subnet_setting} = true", subnet.assumption) if subnet_default else None
