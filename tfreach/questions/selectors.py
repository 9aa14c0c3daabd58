"""Which endpoints a query or an intent speaks of: `tag:Tier=web`, `module.app`, an address or a
glob of addresses, a CIDR, or an outside source (`internet`, `vpn`, `peering`, `transit_gateway`).

A selector resolves through modules, `count` and `for_each` (addresses carry them) and tags. An
endpoint whose tags are known only after apply is never silently left out: a tag selector takes
it (fail closed) and says in `unsure` which endpoints it took so, for a warning. An instance
selected is all of it: the secondary network interfaces attached to it are selected with it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache

from tfreach.model.network import UNKNOWN_TAGS, LoadBalancer, Network, NetworkInterface
from tfreach.model.packets import IntervalSet, addresses
from tfreach.model.sources import SOURCES

Endpoint = NetworkInterface | LoadBalancer


@dataclass(frozen=True)
class Selection:
    """What a selector names: endpoints of the plan, an outside source, or addresses."""

    text: str
    endpoints: tuple[str, ...] = ()
    outside: str | None = None  # internet | vpn | peering | transit_gateway, or the CIDR
    cidrs: IntervalSet | None = None  # a CIDR selector: only these addresses
    unsure: tuple[str, ...] = field(default=(), compare=False)  # endpoints whose tags are unknown

    def comes_from(self, kind: str) -> bool:
        """Does traffic from this kind of outside source match? A CIDR matches every kind: its
        addresses may arrive from the internet, on-premises, a peer or a transit gateway."""
        return self.cidrs is not None or self.outside == kind


def parse(text: str) -> str:
    """The selector, checked: ValueError says what is wrong with it."""
    text = text.strip()
    if not text:
        raise ValueError("an empty selector")
    if text.startswith("tag:") and "=" not in text:
        raise ValueError(f"{text!r}: a tag selector is tag:KEY=VALUE")
    if is_cidr(text):
        cidr = text.removeprefix("cidr:")
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise ValueError(f"{text!r} is not a CIDR") from None
    return text


def parse_target(text: str) -> str:
    """A target selector, checked: the plan's endpoints, or `internet` for what goes out."""
    text = parse(text)
    if (text in SOURCES and text != "internet") or is_cidr(text):
        raise ValueError(f"{text!r}: a target is the plan's endpoints, or internet")
    return text


def select(network: Network, text: str) -> Selection:
    """The endpoints (attached interfaces and load balancers) a selector names in this network."""
    text = parse(text)
    if text in SOURCES:
        return Selection(text, outside=text)
    if is_cidr(text):
        cidr = text.removeprefix("cidr:")
        network_cidr = str(ipaddress.ip_network(cidr, strict=False))
        return Selection(text, outside=network_cidr, cidrs=addresses(network_cidr))
    endpoints = _endpoints(network)
    if text.startswith("tag:"):
        key, _, value = text[4:].partition("=")
        found = tuple(e for e, tags in endpoints.items() if tags.get(key) == value)
        unsure = tuple(e for e, tags in endpoints.items() if UNKNOWN_TAGS in tags and e not in found)
        return Selection(text, _with_attached(network, found + unsure), unsure=unsure)
    return Selection(text, _with_attached(network, tuple(e for e in endpoints if _names(text, e))))


def _with_attached(network: Network, selected: tuple[str, ...]) -> tuple[str, ...]:
    """The selected endpoints and the secondary interfaces attached to a selected instance."""
    chosen = set(selected)
    attached = [
        i.id for i in network.interfaces.values() if i.attached and i.attached_to in chosen and i.id not in chosen
    ]
    return selected + tuple(attached)


def _endpoints(network: Network) -> dict[str, dict[str, str]]:
    found = {i.id: i.tags for i in network.interfaces.values() if i.attached}
    found.update({b.id: b.tags for b in network.load_balancers.values()})
    return found


def _names(pattern: str, address: str) -> bool:
    """An address, a glob of addresses, or a module (`module.app` holds `module.app[0].aws_instance.x`)."""
    if any(c in pattern for c in "*?") and address_glob(pattern).fullmatch(address):
        return True
    if address == pattern:
        return True
    if pattern.startswith("module.") and address.startswith(pattern):
        rest = address[len(pattern) :]
        return rest.startswith((".", "["))
    # aws_instance.web names every instance of the block (aws_instance.web[0], ["a"])
    return address.startswith(pattern + "[") and "." not in address[len(pattern) :].split("]")[-1]


@lru_cache(maxsize=256)
def address_glob(pattern: str) -> re.Pattern[str]:
    """* and ? are wildcards; everything else, brackets included, is literal (addresses have [0])."""
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))


_LOOKS_LIKE_CIDR = re.compile(r"[0-9a-fA-F:.]+/[0-9]{1,3}")


def is_cidr(text: str) -> bool:
    """`cidr:10.0.0.0/8`, `10.0.0.0/8` or `fd00::/8` (not an address holding a `/` in a key)."""
    return text.startswith("cidr:") or bool(_LOOKS_LIKE_CIDR.fullmatch(text))
