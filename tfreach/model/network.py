"""The AWS network a plan describes, as plain typed dataclasses.

Nothing here knows Terraform: objects are keyed by an opaque stable identity (the parser
uses resource addresses) and hold AWS concepts only. Collections are filled by the parsers
and read by the engine. Anything the parser had to assume is recorded in `assumption`
fields so the engine can carry it into findings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from tfreach.model.packets import IntervalSet, PacketSet
from tfreach.model.ways_in import ClientVpnEndpoint, Firewall, ManagedEdge


class Target(str, Enum):
    """What a route sends traffic to."""

    LOCAL = "local"
    INTERNET_GATEWAY = "internet_gateway"
    EGRESS_ONLY_GATEWAY = "egress_only_internet_gateway"
    NAT_GATEWAY = "nat_gateway"
    VPN_GATEWAY = "vpn_gateway"
    PEERING = "vpc_peering_connection"
    TRANSIT_GATEWAY = "transit_gateway"
    NETWORK_INTERFACE = "network_interface"
    VPC_ENDPOINT = "vpc_endpoint"
    OTHER = "other"
    UNKNOWN = "unknown"


UNKNOWN_TAGS = "tfreach:tags-unknown"  # a resource's tags (some of them) are known only after apply


@dataclass
class Vpc:
    id: str
    resource_type: str
    cidrs: list[str] = field(default_factory=list)
    ipv6_unknown: bool = False  # an Amazon-provided IPv6 block whose value is known only after apply
    synthetic: bool = False  # stands for something the plan does not manage (the default VPC)
    outside: bool = False  # known by id (or a data source's facts) only: its tables, ACLs and gateways are not
    known_as: str | None = None  # its AWS id, where the model names it by address (a data source's VPC)

    def addresses(self) -> IntervalSet:
        from tfreach.model.packets import addresses

        return addresses(*self.cidrs)


@dataclass
class Subnet:
    id: str
    resource_type: str
    vpc: str | None
    cidrs: list[str] = field(default_factory=list)
    has_ipv6: bool = False
    map_public_ip_on_launch: bool | None = False  # None: unknown
    assign_ipv6_address_on_creation: bool | None = False
    assumption: str | None = None
    unknown: bool = False  # stands for a subnet the plan does not tell: routes and ACL unknown


@dataclass
class Gateway:
    id: str
    resource_type: str
    kind: Target
    vpc: str | None
    subnet: str | None = None  # a NAT gateway's own subnet (its route to the internet)
    public: bool = True  # a private NAT gateway never reaches the internet


@dataclass
class Route:
    destination: IntervalSet
    destination_label: str  # "0.0.0.0/0", "::/0"
    prefix_length: int
    target_kind: Target
    target: str | None  # id of the gateway / interface, None when unknown
    label: str  # what to show as evidence: "aws_route.public_igw (0.0.0.0/0 -> igw)"
    assumption: str | None = None
    alternatives: tuple[str, ...] = ()  # other targets it may have when the plan cannot tell
    # The destination is known only after apply: it may be any address of `destination`, so the
    # route may win any of it (it never hides a known route; aws/routing.destinations_won).
    destination_unknown: bool = False

    def goes_to(self, gateways: set[str] | frozenset[str]) -> bool:
        return self.target in gateways or (bool(self.alternatives) and not gateways.isdisjoint(self.alternatives))


@dataclass
class RouteTable:
    id: str
    resource_type: str
    vpc: str | None
    routes: list[Route] = field(default_factory=list)
    propagating_gateways: list[str] = field(default_factory=list)  # VPN gateways whose routes propagate here
    implicit: bool = False  # AWS's untouched main route table: local routes only


@dataclass
class AclRule:
    """One numbered network ACL entry; `match` is (protocol, destination port, remote address)."""

    number: int
    egress: bool
    allow: bool
    match: PacketSet
    label: str
    assumption: str | None = None
    # A deny rule that cannot be read is assumed to deny nothing (the gate fails closed), but what
    # it might deny passes only possibly: `match` is all it could cover.
    doubtful: bool = False


@dataclass
class NetworkAcl:
    id: str
    resource_type: str
    vpc: str | None
    rules: list[AclRule] = field(default_factory=list)
    implicit: bool = False  # AWS's untouched default ACL

    def ordered(self, egress: bool) -> list[AclRule]:
        return sorted((r for r in self.rules if r.egress == egress), key=lambda r: r.number)


ANY_GROUP = "(a security group the plan cannot name)"  # a rule source that may be any group


@dataclass
class SecurityGroupRule:
    """One permission; `match` covers its CIDR sources, peers are security group ids."""

    egress: bool
    match: PacketSet
    label: str
    ports: PacketSet  # protocol x port part, for rules whose sources are groups or prefix lists
    peer_groups: list[str] = field(default_factory=list)
    prefix_lists: list[str] = field(default_factory=list)
    assumption: str | None = None


@dataclass
class SecurityGroup:
    id: str
    resource_type: str
    vpc: str | None
    rules: list[SecurityGroupRule] = field(default_factory=list)
    implicit: bool = False  # AWS's untouched default group: members only

    def ingress(self) -> list[SecurityGroupRule]:
        return [r for r in self.rules if not r.egress]


@dataclass
class PublicAddress:
    """Why an interface has a public address: evidence for the path."""

    version: int
    label: str
    assumption: str | None = None


@dataclass(frozen=True)
class ServicePorts:
    """What a managed service listens on: it accepts nothing else, whatever its groups allow."""

    spans: tuple[tuple[int, int, int], ...]  # (protocol number, first port, last port)
    label: str  # "accepts only tcp/5432", as evidence

    @classmethod
    def tcp(cls, *ports: int) -> ServicePorts:
        shown = ", ".join(f"tcp/{p}" for p in ports)
        return cls(tuple((6, p, p) for p in ports), f"accepts only {shown}")


@dataclass(frozen=True)
class PublicEntry:
    """A managed endpoint on AWS's public network (an EKS API, a public OpenSearch domain): reached
    from the internet without a VPC, a route or a security group; `cidrs` is its own allow-list."""

    label: str  # evidence: "endpoint_public_access = true, public_access_cidrs = 0.0.0.0/0"
    cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    assumption: str | None = None
    remaining_control: str | None = None  # what still stands in the way (an access policy)


@dataclass
class NetworkInterface:
    """An endpoint that can receive traffic: an instance's primary interface, an ENI, or a managed
    service's interfaces (a database, a cache, a file system, a cluster API) with their ports."""

    id: str  # identity of the reported resource (instance or ENI)
    resource_type: str
    subnets: list[str] = field(default_factory=list)  # candidates; several only when ambiguous
    security_groups: list[str] = field(default_factory=list)
    default_group: bool = False  # launched without groups: the VPC's default group applies
    auto_public_ipv4: bool | None = None  # None: the subnet's map_public_ip_on_launch decides
    auto_ipv6: bool | None = None  # None: the subnet's assign_ipv6_address_on_creation decides
    public_addresses: list[PublicAddress] = field(default_factory=list)  # EIPs, known public IPs
    attached: bool = True
    attached_to: str | None = None  # the instance of a secondary ENI
    service: ServicePorts | None = None  # a managed service accepts these ports only
    public_entry: PublicEntry | None = None  # also reached on AWS's public network, outside the VPC
    private_ips: list[str] = field(default_factory=list)  # known private addresses (IP targets name them)
    assumptions: list[str] = field(default_factory=list)
    placement: str | None = None  # why `subnets` are alternatives (the plan cannot tell which), if they are
    tags: dict[str, str] = field(default_factory=dict)  # may carry intent: tfreach:allow, tfreach:reason


@dataclass
class Listener:
    """A port a load balancer accepts, and the target groups it may forward to."""

    id: str
    resource_type: str
    protocols: tuple[int, ...]  # layer 4: HTTP, HTTPS, TLS are TCP
    port: int
    action: str  # forward | redirect | fixed-response | ...
    target_groups: list[str] = field(default_factory=list)
    last_port: int | None = None  # a listener that stands for any of a range (one outside the plan)

    @property
    def ports(self) -> tuple[int, int]:
        return (self.port, self.port if self.last_port is None else self.last_port)


@dataclass(frozen=True)
class LoadBalancerTarget:
    endpoint: str
    port: int | None = None  # the attachment's port override
    assumption: str | None = None


@dataclass
class TargetGroup:
    id: str
    resource_type: str
    port: int | None
    target_type: str = "instance"  # instance | ip | alb | lambda
    preserve_client_ip: bool | None = None  # None: AWS's default for the target type
    targets: list[LoadBalancerTarget] = field(default_factory=list)
    _registered: set[tuple[str, int | None]] = field(default_factory=set, repr=False, compare=False)

    def add_target(self, target: LoadBalancerTarget) -> None:
        """A target registers once per port, whichever attachments name it."""
        if (target.endpoint, target.port) not in self._registered:
            self._registered.add((target.endpoint, target.port))
            self.targets.append(target)


@dataclass
class LoadBalancer:
    """An ALB, NLB, GWLB or classic ELB: an endpoint itself, and a path to its targets."""

    id: str
    resource_type: str
    kind: str  # application | network | gateway | classic
    internal: bool
    subnets: list[str] = field(default_factory=list)
    security_groups: list[str] = field(default_factory=list)
    default_group: bool = False  # ALBs and classic ELBs without groups get the VPC's default group
    dualstack: bool = False
    listeners: list[Listener] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def proxies(self) -> bool:
        """ALBs and classic ELBs open their own connection to the target."""
        return self.kind in ("application", "classic")


@dataclass
class RemoteNetwork:
    """What sits behind a VPN gateway: the on-premises prefixes, when the plan tells them."""

    gateway: str
    cidrs: list[str] = field(default_factory=list)  # static routes of its VPN connections
    labels: list[str] = field(default_factory=list)  # where each prefix comes from
    dynamic: bool = False  # BGP or Direct Connect: the prefixes are learned at run time


@dataclass
class Peering:
    id: str
    resource_type: str
    requester_vpcs: list[str]  # one, or the candidates when the plan cannot tell
    accepter_vpcs: list[str]
    active: bool  # accepted: auto_accept, or an accepter resource
    external_cidrs: list[str] = field(default_factory=list)  # a peer VPC outside the plan, when known
    assumption: str | None = None

    def sides(self) -> list[tuple[str, str]]:
        """(into, from) for each way traffic may cross: every candidate pair of two different VPCs."""
        pairs = [(a, b) for a in self.accepter_vpcs for b in self.requester_vpcs if a != b]
        return pairs + [(b, a) for a, b in pairs]


@dataclass
class TransitRoute:
    destination: IntervalSet
    label: str
    prefix_length: int
    attachment: str | None  # None: a blackhole route
    alternatives: tuple[str, ...] = ()  # other attachments it may lead to (the plan cannot tell which)
    assumption: str | None = None
    destination_unknown: bool = False  # as Route's


@dataclass
class TransitRouteTable:
    id: str
    resource_type: str
    gateway: str | None
    routes: list[TransitRoute] = field(default_factory=list)
    propagations: list[str] = field(default_factory=list)  # attachments whose VPC CIDRs propagate here


@dataclass
class TransitAttachment:
    id: str
    resource_type: str
    gateway: str | None
    vpcs: list[str]  # one, or the candidates when the plan cannot tell (none for a VPN)
    subnets: list[str] = field(default_factory=list)
    route_tables: list[str] = field(default_factory=list)  # the associated table; several when ambiguous
    vpn: bool = False  # a site-to-site VPN: on-premises networks (remote_networks[id]) behind it


@dataclass
class TransitGateway:
    id: str
    resource_type: str
    default_route_table: str | None = None  # when default association / propagation is enabled
    default_association: bool = True
    default_propagation: bool = True
    outside: bool = False  # known by id only: its attachments and route tables are not


@dataclass(frozen=True)
class Notice:
    """A warning for the user: something unresolved, ambiguous, assumed or not modelled.

    `cause` is a short phrase shared by every notice of the same kind, so that reports can
    group them ("42 resources: ..."); None: the message is its own cause.
    """

    resource: str
    attribute: str | None
    message: str
    cause: str | None = field(default=None, compare=False)

    def text(self) -> str:
        where = self.resource + (f".{self.attribute}" if self.attribute else "")
        return f"{where}: {self.message}"


# In `subnet_route_tables` / `subnet_nacls`: an ambiguous association may name another subnet,
# so this one may keep its VPC's main route table or default ACL.
VPC_DEFAULT = "(the VPC's default)"


@dataclass
class Network:
    vpcs: dict[str, Vpc] = field(default_factory=dict)
    subnets: dict[str, Subnet] = field(default_factory=dict)
    gateways: dict[str, Gateway] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)
    subnet_route_tables: dict[str, list[str]] = field(default_factory=dict)  # explicit; several when ambiguous
    main_route_tables: dict[str, list[str]] = field(default_factory=dict)  # vpc -> table; several when ambiguous
    nacls: dict[str, NetworkAcl] = field(default_factory=dict)
    subnet_nacls: dict[str, list[str]] = field(default_factory=dict)  # explicit; several when ambiguous
    default_nacls: dict[str, str] = field(default_factory=dict)  # vpc -> network ACL
    security_groups: dict[str, SecurityGroup] = field(default_factory=dict)
    default_security_groups: dict[str, str] = field(default_factory=dict)  # vpc -> group
    interfaces: dict[str, NetworkInterface] = field(default_factory=dict)
    load_balancers: dict[str, LoadBalancer] = field(default_factory=dict)
    listeners: dict[str, Listener] = field(default_factory=dict)
    target_groups: dict[str, TargetGroup] = field(default_factory=dict)
    remote_networks: dict[str, RemoteNetwork] = field(default_factory=dict)  # VPN gateway -> on-premises
    peerings: dict[str, Peering] = field(default_factory=dict)
    transit_gateways: dict[str, TransitGateway] = field(default_factory=dict)
    transit_attachments: dict[str, TransitAttachment] = field(default_factory=dict)
    transit_route_tables: dict[str, TransitRouteTable] = field(default_factory=dict)
    managed_edges: dict[str, ManagedEdge] = field(default_factory=dict)  # accelerators, CDN origins, APIs
    client_vpns: dict[str, ClientVpnEndpoint] = field(default_factory=dict)
    firewalls: dict[str, Firewall] = field(default_factory=dict)  # Network Firewall, by identity
    notices: list[Notice] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # resource types not modelled
    modelled: Counter[str] = field(default_factory=Counter)
    # Identities of what other stacks hold (contexts, data sources): crossed by paths, never reported.
    foreign: set[str] = field(default_factory=set)

    def subnets_of(self, identity: str) -> list[Subnet]:
        """The known subnets of an endpoint: a load balancer's, or an interface's candidates."""
        endpoint = self.load_balancers.get(identity) or self.interfaces.get(identity)
        return [self.subnets[s] for s in endpoint.subnets if s in self.subnets] if endpoint else []

    def tags_of(self, identity: str) -> dict[str, str]:
        endpoint = self.interfaces.get(identity) or self.load_balancers.get(identity)
        return endpoint.tags if endpoint else {}

    def endpoints(self) -> int:
        """Everything that can receive traffic: attached interfaces, groups, load balancers."""
        return sum(1 for i in self.interfaces.values() if i.attached) + len(self.load_balancers)

    _noticed: set[Notice] = field(default_factory=set, repr=False)

    def notice(self, resource: str, attribute: str | None, message: str, cause: str | None = None) -> None:
        self.add(Notice(resource, attribute, message, cause))

    def add(self, item: Notice) -> None:
        if item not in self._noticed:
            self._noticed.add(item)
            self.notices.append(item)
