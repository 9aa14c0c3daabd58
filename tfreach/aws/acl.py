"""Network ACLs: stateless, ordered, first match wins, both ways.

- Rules are evaluated in number order, lowest first; the first rule that matches decides; a
  packet no rule matches is denied (the `*` rule).
- ACLs are stateless: a request's reply must be allowed out (inbound) or in (outbound) by a rule
  of its own, to the client's ephemeral ports (1024-65535 by AWS's recommendation).
- They filter traffic entering and leaving a subnet, never traffic between two addresses of one
  subnet.
https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
"""

from __future__ import annotations

from tfreach.aws.defaults import untouched_default_nacl
from tfreach.aws.outside import allowing_everything
from tfreach.aws.routing import vpc_is_outside
from tfreach.engine.hop import Decision
from tfreach.model.network import VPC_DEFAULT, AclRule, Network, NetworkAcl, Subnet
from tfreach.model.packets import ALL_ADDRESSES, PORTS, PROTOCOLS, IntervalSet, PacketSet, Span, union_all
from tfreach.model.protocols import ICMP, ICMP_REPLIES, ICMPV6, TCP, UDP

EPHEMERAL_PORTS: Span = (1024, 65535)  # what AWS recommends opening for replies to any client


def filters_between(a: Subnet, b: Subnet) -> bool:
    """Does a network ACL stand between two subnets? Not within one: ACLs filter a subnet's edge."""
    return a.id != b.id


def nacls_for(network: Network, subnet: Subnet) -> list[NetworkAcl]:
    """The associated ACL, else the VPC's default ACL, else AWS's untouched default (allow all).

    Several only when the plan cannot tell which of them an association names (the engine asks
    once per subnet: an association may name hundreds of candidates read alone).
    """
    associated = network.subnet_nacls.get(subnet.id, [])
    explicit = [network.nacls[a] for a in associated if a in network.nacls]
    if explicit and VPC_DEFAULT not in associated:
        return explicit
    return explicit + _default_nacls(network, subnet)


def _default_nacls(network: Network, subnet: Subnet) -> list[NetworkAcl]:
    """The VPC's default ACL: the plan's (or a context's), else AWS's own (allow all); of a VPC the
    plan does not know, one whose rules are unknown (it allows everything, as an assumption)."""
    default = network.default_nacls.get(subnet.vpc or "")
    if default in network.nacls:
        return [network.nacls[default]]
    if vpc_is_outside(network, subnet.vpc):
        identity = f"default network ACL of {subnet.vpc or subnet.id}"
        return [
            allowing_everything(
                identity, subnet.vpc, f"the default network ACL of {subnet.vpc or 'its VPC'} is unknown"
            )
        ]
    return [untouched_default_nacl(subnet)]


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
