"""What each AWS filter lets through, as decisions that name the rule that decided.

Every function returns `Decision`s: packet sets in request coordinates (protocol,
destination port, client address) tagged with the rule that decided them, so the same
evaluation gives both the answer and its evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tfreach.model.network import (
    ANY_GROUP,
    VPC_DEFAULT,
    AclRule,
    Network,
    NetworkAcl,
    NetworkInterface,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
)
from tfreach.model.packets import (
    ALL_ADDRESSES,
    ALL_IPV4,
    ALL_IPV6,
    PORTS,
    PROTOCOLS,
    IntervalSet,
    PacketSet,
    Span,
    union_all,
)
from tfreach.model.protocols import ICMP, ICMP_REPLIES, ICMPV6, TCP, UDP

EPHEMERAL_PORTS: Span = (1024, 65535)  # what AWS recommends opening for replies to any client


@dataclass(frozen=True)
class Decision:
    packets: PacketSet
    label: str
    allow: bool
    owner: str  # identity of the resource whose rule decided
    owner_type: str
    assumption: str | None = None


def allowed(decisions: list[Decision]) -> PacketSet:
    return union_all(d.packets for d in decisions if d.allow)


# --- network ACLs (stateless, ordered, first match wins) -------------------------------


def nacls_for(network: Network, subnet: Subnet) -> list[NetworkAcl]:
    """The associated ACL, else the VPC's default ACL, else AWS's untouched default (allow all).

    Several only when the plan cannot tell which of them an association names. Computed once
    per subnet (an association may name hundreds of candidates read alone).
    """
    cache: dict[str, list[NetworkAcl]] = network.derived.setdefault("nacls for", {})
    found = cache.get(subnet.id)
    if found is None:
        found = cache[subnet.id] = _nacls_of(network, subnet)
    return found


def _nacls_of(network: Network, subnet: Subnet) -> list[NetworkAcl]:
    associated = network.subnet_nacls.get(subnet.id, [])
    explicit = [network.nacls[a] for a in associated if a in network.nacls]
    if explicit and VPC_DEFAULT not in associated:
        return explicit
    return explicit + _default_nacls(network, subnet)


def _default_nacls(network: Network, subnet: Subnet) -> list[NetworkAcl]:
    default = network.default_nacls.get(subnet.vpc or "")
    if default in network.nacls:
        return [network.nacls[default]]
    identity = f"{subnet.vpc or subnet.id} default network ACL"
    everything = PacketSet.box(PROTOCOLS, PORTS, ALL_IPV4)
    everything6 = PacketSet.box(PROTOCOLS, PORTS, ALL_IPV6)
    rules = [
        AclRule(number, egress, True, match, f"{identity} {'egress ' if egress else ''}#{number} ALLOW all {cidr}")
        for egress in (False, True)
        for number, match, cidr in ((100, everything, "0.0.0.0/0"), (101, everything6, "::/0"))
    ]
    return [NetworkAcl(identity, "default network ACL (AWS default)", subnet.vpc, rules, implicit=True)]


def acl_decisions(acl: NetworkAcl, egress: bool) -> list[Decision]:
    """Rules in number order; each decides what no lower-numbered rule matched."""
    remaining = PacketSet.box(PROTOCOLS, PORTS, ALL_ADDRESSES)
    out: list[Decision] = []
    doubts: list[AclRule] = []  # earlier deny rules that cannot be read
    for rule in acl.ordered(egress):
        if rule.doubtful:
            doubts.append(rule)
            continue
        decided = remaining & rule.match
        if decided:
            out += _decisions_of(acl, rule, decided, doubts if rule.allow else [])
            remaining = remaining - rule.match
    if remaining:
        out.append(
            Decision(remaining, f"{acl.id} {'egress ' if egress else ''}#* DENY all", False, acl.id, acl.resource_type)
        )
    return out


def _decisions_of(acl: NetworkAcl, rule: AclRule, decided: PacketSet, doubts: list[AclRule]) -> list[Decision]:
    """What a rule decides; what an earlier unreadable deny rule might have denied rests on its assumption."""
    out = []
    for doubt in doubts:
        doubted = decided & doubt.match
        if doubted:
            assumption = rule.assumption or doubt.assumption or doubt.label
            out.append(Decision(doubted, rule.label, rule.allow, acl.id, acl.resource_type, assumption))
            decided = decided - doubt.match
    if decided:
        out.append(Decision(decided, rule.label, rule.allow, acl.id, acl.resource_type, rule.assumption))
    return out


def replies_allowed(acl: NetworkAcl, ephemeral: Span = EPHEMERAL_PORTS) -> list[Decision]:
    """Requests whose replies leave through the ACL's outbound rules.

    A TCP or UDP reply goes to the client's ephemeral port: the request passes when some
    port of the ephemeral range is allowed back to the client. An ICMP request needs its
    reply type allowed; other ICMP messages expect no reply.
    """
    out: list[Decision] = []
    for decision in acl_decisions(acl, egress=True):
        if not decision.allow:
            continue
        request = _requests_answered_by(decision.packets, ephemeral)
        if request:
            out.append(
                Decision(
                    request, f"{decision.label} (reply)", True, decision.owner, decision.owner_type, decision.assumption
                )
            )
    one_way = _icmp_without_reply()
    out.append(Decision(one_way, "ICMP message without reply", True, acl.id, acl.resource_type))
    return out


def _requests_answered_by(reply: PacketSet, ephemeral: Span) -> PacketSet:
    parts = []
    for protocol in (TCP, UDP):
        clients = reply.restrict((protocol, protocol), ephemeral).addresses()
        parts.append(PacketSet.box((protocol, protocol), PORTS, clients))
    for protocol, pairs in ICMP_REPLIES.items():
        for request_type, reply_type in pairs.items():
            clients = reply.restrict((protocol, protocol), (reply_type, reply_type)).addresses()
            parts.append(PacketSet.box((protocol, protocol), (request_type, request_type), clients))
    portless = reply - PacketSet.box((TCP, TCP), PORTS, ALL_ADDRESSES) - PacketSet.box((UDP, UDP), PORTS, ALL_ADDRESSES)
    portless = (
        portless
        - PacketSet.box((ICMP, ICMP), PORTS, ALL_ADDRESSES)
        - PacketSet.box((ICMPV6, ICMPV6), PORTS, ALL_ADDRESSES)
    )
    for protocols, _, _ in portless.boxes():
        parts.append(PacketSet.box(protocols, PORTS, portless.restrict(protocols).addresses()))
    return union_all(parts)


def _icmp_without_reply() -> PacketSet:
    parts = []
    for protocol, pairs in ICMP_REPLIES.items():
        everything = PacketSet.box((protocol, protocol), PORTS, ALL_ADDRESSES)
        requests = union_all(PacketSet.box((protocol, protocol), (t, t), ALL_ADDRESSES) for t in pairs)
        parts.append(everything - requests)
    return union_all(parts)


# --- security groups (stateful, the union of every rule of every group) ---------------


def groups_of(network: Network, group_ids: list[str], default_group: bool, vpc: str | None) -> list[SecurityGroup]:
    """The groups by id; with `default_group` (launched without any), the VPC's default group first."""
    groups = [network.security_groups[g] for g in group_ids if g in network.security_groups]
    if default_group:
        default_id = network.default_security_groups.get(vpc or "")
        if default_id in network.security_groups:
            groups.insert(0, network.security_groups[default_id])
        else:
            groups.insert(0, _untouched_default_group(vpc))
    return groups


def _untouched_default_group(vpc: str | None) -> SecurityGroup:
    """AWS's default group: ingress from its members, egress to anywhere."""
    identity = f"{vpc or 'the VPC'} default security group"
    group = SecurityGroup(identity, "default security group (AWS default)", vpc, implicit=True)
    everything = PacketSet.box(PROTOCOLS, PORTS, ALL_ADDRESSES)
    group.rules.append(
        SecurityGroupRule(False, PacketSet(), f"{identity} ingress all from itself", everything, [identity])
    )
    group.rules.append(SecurityGroupRule(True, everything, f"{identity} egress all to 0.0.0.0/0, ::/0", everything))
    return group


def admitted_by_security_groups(groups: list[SecurityGroup]) -> list[Decision]:
    """Inbound permissions whose sources are addresses (CIDRs); group sources are members."""
    return [
        Decision(rule.match, rule.label, True, group.id, group.resource_type, rule.assumption)
        for group in groups
        for rule in group.ingress()
        if rule.match
    ]


def admitted_from_groups(groups: list[SecurityGroup], peers: list[str]) -> list[Decision]:
    """Inbound permissions that name one of `peers` (a load balancer's groups) as source."""
    return [
        Decision(rule.ports, rule.label, True, group.id, group.resource_type, rule.assumption)
        for group in groups
        for rule in group.ingress()
        if _names_one_of(rule, peers)
    ]


def _names_one_of(rule: SecurityGroupRule, groups: list[str]) -> bool:
    """Does the rule's source or destination name one of `groups` (or a group the plan cannot name)?"""
    return bool(set(rule.peer_groups) & set(groups)) or (ANY_GROUP in rule.peer_groups and bool(groups))


def admitted_from_members(
    groups: list[SecurityGroup],
    members: dict[str, IntervalSet],
    unions: dict[tuple[str, ...], IntervalSet] | None = None,
) -> list[Decision]:
    """Inbound permissions naming a group admit the addresses where its members live.

    `unions`: where the members of each list of groups live, remembered (rules repeat them)."""
    unions = {} if unions is None else unions
    out = []
    for group in groups:
        for rule in group.ingress():
            if not rule.peer_groups:
                continue
            peers = tuple(rule.peer_groups)
            where = unions.get(peers)
            if where is None:
                where = unions[peers] = union_of(members.get(peer) for peer in peers)
            if where:
                out.append(
                    Decision(
                        rule.ports.only_from(where), rule.label, True, group.id, group.resource_type, rule.assumption
                    )
                )
    return out


def union_of(sets: Iterable[IntervalSet | None]) -> IntervalSet:
    """One union of many address sets (spans joined once, not pair by pair)."""
    return IntervalSet([span for found in sets if found for span in found.spans])


def egress_toward(groups: list[SecurityGroup], target_groups: list[str], target: IntervalSet) -> list[Decision]:
    """Egress permissions that let a connection out to the target (its groups or addresses).

    Decisions are source-agnostic: they say which protocols and ports may leave.
    """
    return [
        Decision(rule.ports, rule.label, True, group.id, group.resource_type, rule.assumption)
        for group in groups
        for rule in group.rules
        if rule.egress and (_names_one_of(rule, target_groups) or rule.match.addresses().intersects(target))
    ]


def acl_toward(acl: NetworkAcl, remote: IntervalSet, ephemeral: Span = EPHEMERAL_PORTS) -> list[Decision]:
    """A connection from this subnet to `remote`: out on the port, replies in on an ephemeral port
    of the same protocol (a TCP reply rule answers TCP only).

    Source-agnostic decisions (protocol x port) in the coordinates of the outgoing request.
    """
    answers = [
        (reply, _requests_answered_by(reply.packets.only_from(remote), ephemeral))
        for reply in acl_decisions(acl, egress=False)
        if reply.allow
    ]
    out: list[Decision] = []
    for decision in acl_decisions(acl, egress=True):
        if not decision.allow:
            continue
        leaving = decision.packets.only_from(remote)
        for reply, answered in answers:
            answered_here, leaving = leaving & answered, leaving - answered  # named by the first reply rule
            for protocols, ports, _ in answered_here.boxes():
                label = f"{decision.label}; reply {reply.label}"
                packets = PacketSet.box(protocols, ports, ALL_ADDRESSES)
                out.append(Decision(packets, label, True, acl.id, acl.resource_type, decision.assumption))
    return out


# --- public addresses (an internet gateway only delivers to them) ---------------------


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
