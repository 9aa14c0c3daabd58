"""Where traffic comes from: the address sets of each kind of outside source."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tfreach.model.packets import IntervalSet, addresses, family_of

# Addresses an internet gateway never delivers from the internet: RFC 1918, shared address
# space (RFC 6598), "this network", loopback, link-local, multicast and reserved space.
# Documentation ranges such as 203.0.113.0/24 are NOT excluded: AWS delivers them.
NOT_INTERNET_V4 = (
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/4",
    "240.0.0.0/4",
)
# IPv6 global unicast space; ULA, link-local, multicast and loopback are outside it.
INTERNET_V6 = "2000::/3"

INTERNET_ADDRESSES: IntervalSet = (addresses("0.0.0.0/0") - addresses(*NOT_INTERNET_V4)) | addresses(INTERNET_V6)


@lru_cache(maxsize=64)
def _family_cache(addrs: IntervalSet, version: int) -> IntervalSet:
    return family_of(addrs, version)


@dataclass(frozen=True)
class Source:
    kind: str  # internet | vpn | peering | transit_gateway
    addresses: IntervalSet
    label: str

    def covers_family(self, addrs: IntervalSet, version: int) -> bool:
        """Does `addrs` hold every address of this source in one IP family?"""
        whole = self.family(version)
        return bool(whole) and whole.issubset(addrs)

    def family(self, version: int) -> IntervalSet:
        return _family_cache(self.addresses, version)


INTERNET = Source("internet", INTERNET_ADDRESSES, "the internet")
# Private sources: which addresses really arrive is decided per gateway (see gateways.py).
VPN = Source("vpn", addresses("0.0.0.0/0", "::/0"), "on-premises networks")
PEERING = Source("peering", addresses("0.0.0.0/0", "::/0"), "peered VPCs")
TRANSIT_GATEWAY = Source("transit_gateway", addresses("0.0.0.0/0", "::/0"), "VPCs attached to a transit gateway")
# Interface endpoints of other VPCs (other accounts) to an endpoint service of the plan: any address.
PRIVATELINK = Source("privatelink", addresses("0.0.0.0/0", "::/0"), "other VPCs over PrivateLink")

# Remote users of a Client VPN endpoint of the plan: their tunnel addresses, decided per endpoint.
CLIENT_VPN = Source("client_vpn", addresses("0.0.0.0/0", "::/0"), "Client VPN users")

# Clients in VPCs associated with a VPC Lattice service network of the plan's services: any address.
LATTICE = Source("lattice", addresses("0.0.0.0/0", "::/0"), "VPCs of a VPC Lattice service network")

SOURCES: dict[str, Source] = {
    s.kind: s for s in (INTERNET, VPN, PEERING, TRANSIT_GATEWAY, PRIVATELINK, CLIENT_VPN, LATTICE)
}
