"""Endpoints that the network treats alike, analysed once.

Thousands of instances share a few (candidate subnets, security groups, address policy, load
balancer registrations) combinations: every packet reaches each of them in the same way, so the
graph, the reachable packet sets and the evidence are computed for one representative of each
class, and the findings are written out for every member only afterwards.

What tells endpoints apart is everything the engine reads from them except their identity and
tags (tags only decide which findings are accepted, per member).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tfreach.model.network import Network, NetworkInterface


@dataclass
class Classes:
    """representative -> members (itself first); member -> representative."""

    members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    representative: dict[str, str] = field(default_factory=dict)

    def of(self, endpoint: str) -> str:
        return self.representative.get(endpoint, endpoint)

    def members_of(self, representative: str) -> tuple[str, ...]:
        return self.members.get(representative, (representative,))


def endpoint_classes(network: Network, alone: frozenset[str] = frozenset()) -> Classes:
    """Group the network's interfaces by what the engine sees of them; `alone` stay single
    (`tfreach explain` follows one endpoint by its own name)."""
    registrations = _registrations(network)
    grouped: dict[object, list[str]] = defaultdict(list)
    for interface in network.interfaces.values():
        key: object = interface.id if interface.id in alone else _signature(interface, registrations)
        grouped[key].append(interface.id)
    classes = Classes()
    for members in grouped.values():
        classes.members[members[0]] = tuple(members)
        for member in members:
            classes.representative[member] = members[0]
    return classes


def _registrations(network: Network) -> Registrations:
    """endpoint -> the target groups it is registered in (group, port override, assumption)."""
    found: dict[str, list[tuple[str, int | None, str | None]]] = defaultdict(list)
    for group in network.target_groups.values():
        for target in group.targets:
            found[target.endpoint].append((group.id, target.port, target.assumption))
    for edge in network.managed_edges.values():  # an accelerator's endpoint is reached apart
        for index, reached in enumerate(edge.targets):
            found[reached.endpoint].append((edge.id, index, reached.assumption))
    return {endpoint: tuple(sorted(found[endpoint], key=str)) for endpoint in found}


Registrations = dict[str, tuple[tuple[str, int | None, str | None], ...]]


def _signature(interface: NetworkInterface, registrations: Registrations) -> object:
    return (
        interface.resource_type,
        tuple(interface.subnets),
        tuple(interface.security_groups),
        interface.default_group,
        interface.auto_public_ipv4,
        interface.auto_ipv6,
        tuple((a.version, a.label, a.assumption) for a in interface.public_addresses),
        interface.attached,
        interface.service,
        interface.public_entry,
        tuple(interface.assumptions),
        interface.placement,
        registrations.get(interface.id, ()),
    )
