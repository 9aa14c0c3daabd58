"""RDS DB instances: endpoints in their DB subnet group that accept only the database port."""

from __future__ import annotations

from ..model import NetworkInterface, PublicAddress
from ..plan.instances import ResourceInstance
from . import parses, unknowns
from .context import DB_SUBNET_GROUP, ParseContext, tags_of
from .unknowns import unknown_subnet
from .vpc import default_vpc_subnet, subnets_of

# The port RDS uses when `port` is not set, by engine (prefix: oracle-ee, sqlserver-se, ...).
_DEFAULT_PORTS = {
    "mysql": 3306,
    "mariadb": 3306,
    "aurora-mysql": 3306,
    "aurora": 3306,
    "postgres": 5432,
    "aurora-postgresql": 5432,
    "oracle": 1521,
    "custom-oracle": 1521,
    "sqlserver": 1433,
    "custom-sqlserver": 1433,
    "db2": 50000,
}


@parses("aws_db_subnet_group")
def parse_db_subnet_group(r: ResourceInstance, ctx: ParseContext) -> None:
    ctx.db_subnet_groups[r.address] = subnets_of(ctx, r, "subnet_ids", one_of=False)


@parses("aws_db_instance", phase=1)
def parse_db_instance(r: ResourceInstance, ctx: ParseContext) -> None:
    """A publicly accessible DB instance gets a public IPv4 address (and, in dual-stack mode, a
    public IPv6 one); a private one has none. Either way it accepts only its port."""
    database = NetworkInterface(r.address, r.type)
    database.subnets = _placement(r, ctx)  # RDS picks (and on failover moves) among them: each counts
    database.security_groups = unknowns.security_group_set(ctx, r, "vpc_security_group_ids")
    database.default_group = not ctx.is_set(r, "vpc_security_group_ids")
    database.auto_public_ipv4 = database.auto_ipv6 = False  # never the subnet's launch settings
    if _publicly_accessible(r, ctx, database):
        database.public_addresses.append(PublicAddress(4, "publicly_accessible = true"))
        if str(r.get("network_type") or "").upper() == "DUAL":
            database.public_addresses.append(PublicAddress(6, "publicly_accessible = true, dual-stack"))
    database.service_port = _port(r, ctx, database)
    database.tags = tags_of(r)
    ctx.network.interfaces[r.address] = database


def _placement(r: ResourceInstance, ctx: ParseContext) -> list[str]:
    """The subnets of its DB subnet group; without one, the default VPC's default group."""
    if not ctx.is_set(r, "db_subnet_group_name"):
        return [default_vpc_subnet(ctx)]
    name = r.get("db_subnet_group_name")
    if isinstance(name, str) and name:
        group = ctx.by_name(DB_SUBNET_GROUP, name)
        groups = [group] if group else []
        if group is None:
            ctx.network.notice(r.address, "db_subnet_group_name", f"{name} is not managed by this plan")
    else:
        groups = ctx.candidates(r, "db_subnet_group_name", DB_SUBNET_GROUP)  # says why when it cannot
    subnets = [s for g in groups for s in ctx.db_subnet_groups.get(g, [])]
    if not groups or not all(g in ctx.db_subnet_groups for g in groups):
        subnets.append(unknown_subnet(ctx, r.address))
    return list(dict.fromkeys(subnets))


def _publicly_accessible(r: ResourceInstance, ctx: ParseContext, database: NetworkInterface) -> bool:
    value = ctx.flag(r, "publicly_accessible")
    if value is None and ctx.configured(r, "publicly_accessible"):
        ctx.network.notice(r.address, "publicly_accessible", "known only after apply; assumed true")
        database.assumptions.append("publicly_accessible is known only after apply; assumed true")
        return True
    return bool(value)


def _port(r: ResourceInstance, ctx: ParseContext, database: NetworkInterface) -> int | None:
    """`port`, else the engine's default; None (every port) when neither is known."""
    port = r.get("port")
    if isinstance(port, int) and not isinstance(port, bool) and 0 < port <= 65535:
        return port
    parts = str(r.get("engine") or "").split("-")
    prefixes = ("-".join(parts[:n]) for n in range(len(parts), 0, -1))  # oracle-ee -> oracle
    default = next((_DEFAULT_PORTS[p] for p in prefixes if p in _DEFAULT_PORTS), None)
    if default is not None and not ctx.configured(r, "port"):
        return default
    database.assumptions.append("its port is known only after apply; every port is considered")
    ctx.network.notice(r.address, "port", "known only after apply; every port is considered")
    return None
