"""Recognized ports and the severity table.

The services are Amazon Inspector's Network Reachability "recognized ports" plus the
well-known services attackers scan for (SMTP, DNS, mail, VNC, Redis, Memcached, Docker,
SNMP). Severity is for a port open to the whole internet; a port open only to part of
it (an office range) is one level lower. See the README's severity table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from tfreach.model.packets import Span
from tfreach.model.protocols import TCP, UDP


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    def lowered(self) -> Severity:
        return Severity(max(Severity.LOW, self - 1)) if self > Severity.LOW else self


@dataclass(frozen=True)
class Service:
    name: str
    protocol: int
    ports: Span
    severity: Severity
    category: str


C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW
_BOTH, _TCP, _UDP = (TCP, UDP), (TCP,), (UDP,)

# (service, protocols, ports, severity, category)
_TABLE: list[tuple[str, tuple[int, ...], Span, Severity, str]] = [
    ("FTP", _BOTH, (21, 21), H, "file transfer"),
    ("SSH", _BOTH, (22, 22), H, "remote access"),
    ("Telnet", _BOTH, (23, 23), C, "remote access"),
    ("SMTP", _TCP, (25, 25), M, "mail"),
    ("WINS", _BOTH, (42, 42), H, "windows"),
    ("DNS", _BOTH, (53, 53), M, "infrastructure"),
    ("DHCP", _BOTH, (67, 68), M, "infrastructure"),
    ("HTTP", _BOTH, (80, 80), L, "web"),
    ("Kerberos", _BOTH, (88, 88), M, "directory"),
    ("POP3", _TCP, (110, 110), M, "mail"),
    ("RPC portmapper (NFS)", _BOTH, (111, 111), H, "file sharing"),
    ("RPC", _BOTH, (135, 135), H, "windows"),
    ("NetBIOS", _BOTH, (137, 139), H, "windows"),
    ("IMAP", _TCP, (143, 143), M, "mail"),
    ("SNMP", _UDP, (161, 162), H, "infrastructure"),
    ("LDAP", _BOTH, (389, 389), H, "directory"),
    ("HTTPS", _BOTH, (443, 443), L, "web"),
    ("SMB", _BOTH, (445, 445), C, "file sharing"),
    ("Kerberos", _BOTH, (464, 464), M, "directory"),
    ("Syslog", _UDP, (514, 514), M, "infrastructure"),
    ("Print services", _TCP, (515, 515), M, "windows"),
    ("RPC", _BOTH, (530, 530), H, "windows"),
    ("Kerberos", _TCP, (543, 544), M, "directory"),
    ("DHCP", _BOTH, (546, 547), M, "infrastructure"),
    ("Syslog", _TCP, (601, 601), M, "infrastructure"),
    ("LDAP over TLS", _TCP, (636, 636), H, "directory"),
    ("Kerberos", _BOTH, (749, 749), M, "directory"),
    ("Kerberos", _UDP, (750, 750), M, "directory"),
    ("Kerberos", _BOTH, (751, 751), M, "directory"),
    ("Kerberos", _UDP, (752, 752), M, "directory"),
    ("NFS", _BOTH, (1110, 1110), H, "file sharing"),
    ("SQL Server", _TCP, (1433, 1433), H, "database"),
    ("SQL Server", _UDP, (1434, 1434), H, "database"),
    ("WINS", _BOTH, (1512, 1512), H, "windows"),
    ("Oracle", _TCP, (1521, 1521), H, "database"),
    ("Oracle", _TCP, (1630, 1630), H, "database"),
    ("NFS", _BOTH, (2049, 2049), C, "file sharing"),
    ("Docker API", _TCP, (2375, 2376), C, "remote access"),
    ("Global catalog LDAP", _TCP, (3268, 3268), H, "directory"),
    ("Global catalog LDAP over TLS", _TCP, (3269, 3269), H, "directory"),
    ("MySQL", _TCP, (3306, 3306), H, "database"),
    ("RDP", _BOTH, (3389, 3389), H, "remote access"),
    ("NFS", _BOTH, (4045, 4045), H, "file sharing"),
    ("PostgreSQL", _TCP, (5432, 5432), H, "database"),
    ("VNC", _TCP, (5900, 5900), H, "remote access"),
    ("Redis", _TCP, (6379, 6379), C, "database"),
    ("Elasticsearch", _TCP, (9200, 9200), C, "database"),
    ("Elasticsearch", _TCP, (9300, 9300), C, "database"),
    ("Memcached", _BOTH, (11211, 11211), C, "database"),
    ("MongoDB", _TCP, (27017, 27019), C, "database"),
    ("MongoDB", _TCP, (28017, 28017), C, "database"),
]

CATALOGUE: tuple[Service, ...] = tuple(
    Service(name, protocol, ports, severity, category)
    for name, protocols, ports, severity, category in _TABLE
    for protocol in protocols
)

RECOMMENDATIONS = {
    "remote access": "Do not expose remote administration to the internet: allow it only from known "
    "administration ranges, or use AWS Systems Manager Session Manager or a VPN instead.",
    "database": "Databases and caches should not be reachable from the internet: keep them in private "
    "subnets without public addresses and admit only the application's security group.",
    "file sharing": "File sharing protocols should never face the internet: remove the rule or restrict it "
    "to the networks that need it.",
    "windows": "Windows and RPC services should never face the internet: remove the rule or restrict it "
    "to the networks that need it.",
    "directory": "Directory services should not face the internet: restrict the rule to the networks that need it.",
    "mail": "Check that a public mail service is intended; otherwise restrict the rule to known ranges.",
    "infrastructure": "Check that this infrastructure service is meant to be public; otherwise restrict the "
    "rule to known ranges.",
    "web": "Check that this public web endpoint is intended; prefer a load balancer in front of instances "
    "in private subnets.",
    "file transfer": "Replace FTP with SFTP or S3, or restrict the rule to known ranges.",
    "unrecognized": "Open only the ports the service needs, and only to the sources that need them.",
    "all": "Remove the rule that admits all traffic; open only the ports the service needs.",
}


@dataclass(frozen=True)
class Catalogue:
    """The recognized services; a project can add its own (`recognized_ports` in .tfreach.yml)."""

    services: tuple[Service, ...] = CATALOGUE

    def extended(self, extra: tuple[Service, ...]) -> Catalogue:
        return Catalogue(self.services + extra)

    def services_in(self, protocol: int, span: Span) -> list[tuple[Service, Span]]:
        """Catalogued services whose ports overlap `span`, with the overlapping part."""
        out = []
        for service in self.services:
            if service.protocol != protocol:
                continue
            lo, hi = max(span[0], service.ports[0]), min(span[1], service.ports[1])
            if lo <= hi:
                out.append((service, (lo, hi)))
        return out

    def has_unrecognized_port(self, protocol: int, span: Span) -> bool:
        """Does `span` hold a port that no catalogued service uses?"""
        covered: list[Span] = []
        for _, (lo, hi) in sorted(self.services_in(protocol, span), key=lambda item: item[1]):
            if covered and lo <= covered[-1][1] + 1:
                covered[-1] = (covered[-1][0], max(hi, covered[-1][1]))
            else:
                covered.append((lo, hi))
        return sum(hi - lo + 1 for lo, hi in covered) < span[1] - span[0] + 1


DEFAULT_CATALOGUE = Catalogue()


def unrecognized_severity(protocol_count: int, span: Span) -> Severity:
    """Every port (or protocol) open is critical; wide ranges are high; a few ports medium."""
    width = span[1] - span[0] + 1
    if protocol_count > 1 or width >= 65536:
        return Severity.CRITICAL
    return Severity.HIGH if width >= 1000 else Severity.MEDIUM
