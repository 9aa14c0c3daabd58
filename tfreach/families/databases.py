"""Databases: RDS DB instances, Aurora and Multi-AZ DB clusters, Redshift, DMS replication instances.

Each is an endpoint in its subnet group that accepts only its port (DMS: a managed instance with
no port of its own, so its groups decide); `publicly_accessible` gives it a public address.
"""

from __future__ import annotations

from tfreach.families import parses
from tfreach.families.context import RDS_CLUSTER, ParseContext
from tfreach.families.managed import in_subnet_group, in_subnets, managed_endpoint, port_of, publicly_accessible
from tfreach.families.unknowns import security_group_set, unknown_group, unknown_subnet
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import NetworkInterface, PublicAddress

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
_REDSHIFT_PORT = 5439


@parses("aws_db_instance", phase=1)
def parse_db_instance(r: ResourceInstance, ctx: ParseContext) -> None:
    """A publicly accessible DB instance gets a public IPv4 address (and, in dual-stack mode, a
    public IPv6 one); RDS picks (and on failover moves) among its subnet group's subnets."""
    database = managed_endpoint(ctx, r, in_subnet_group(ctx, r, "db_subnet_group_name"), "vpc_security_group_ids", None)
    database.service = port_of(ctx, r, database, "port", engine_port(r.get("engine")))
    _public(ctx, r, database)


def engine_port(engine: object) -> int | None:
    """The engine's default port (oracle-ee -> oracle)."""
    parts = str(engine or "").split("-")
    prefixes = ("-".join(parts[:n]) for n in range(len(parts), 0, -1))
    return next((_DEFAULT_PORTS[p] for p in prefixes if p in _DEFAULT_PORTS), None)


def _public(ctx: ParseContext, r: ResourceInstance, database: NetworkInterface) -> None:
    if publicly_accessible(ctx, r, database) and str(r.get("network_type") or "").upper() == "DUAL":
        database.public_addresses.append(PublicAddress(6, "publicly_accessible = true, dual-stack"))


@parses("aws_rds_cluster_instance", phase=1)
def parse_cluster_instance(r: ResourceInstance, ctx: ParseContext) -> None:
    """An Aurora instance: `publicly_accessible` is its own; the port, groups and (unless it names
    one) subnet group are its cluster's."""
    clusters = [ctx.resolver.by_address[c] for c in ctx.candidates(r, "cluster_identifier", RDS_CLUSTER)]
    if ctx.is_set(r, "db_subnet_group_name") or not clusters:
        subnets = in_subnet_group(ctx, r, "db_subnet_group_name") if ctx.is_set(r, "db_subnet_group_name") else []
    else:
        subnets = list(dict.fromkeys(s for c in clusters for s in in_subnet_group(ctx, c, "db_subnet_group_name")))
    cluster = clusters[0] if len(clusters) == 1 else None
    database = managed_endpoint(ctx, r, subnets, "vpc_security_group_ids" if cluster else None, None, cluster)
    if cluster is None:
        _unknown_cluster(ctx, r, database, clusters)
        database.service = port_of(ctx, r, database, "port", engine_port(r.get("engine")))
    else:
        database.service = port_of(ctx, cluster, database, "port", engine_port(r.get("engine")))
    _public(ctx, r, database)


def _unknown_cluster(
    ctx: ParseContext, r: ResourceInstance, database: NetworkInterface, clusters: list[ResourceInstance]
) -> None:
    """Several candidate clusters: any one's subnets and groups; none in the plan: unknown ones."""
    if clusters:
        database.security_groups = [g for c in clusters for g in security_group_set(ctx, c, "vpc_security_group_ids")]
        return
    database.subnets = [unknown_subnet(ctx, r.address)]
    database.security_groups = [unknown_group(ctx, f"security groups of the cluster of {r.address}", r.address)]


@parses("aws_rds_cluster", phase=1)
def parse_multi_az_cluster(r: ResourceInstance, ctx: ParseContext) -> None:
    """A Multi-AZ DB cluster (db_cluster_instance_class set) has no instance resources: the
    cluster is the endpoint. Aurora clusters are reached through their instances."""
    if not ctx.is_set(r, "db_cluster_instance_class"):
        return
    database = managed_endpoint(ctx, r, in_subnet_group(ctx, r, "db_subnet_group_name"), "vpc_security_group_ids", None)
    database.service = port_of(ctx, r, database, "port", engine_port(r.get("engine")))
    _public(ctx, r, database)


@parses("aws_redshift_cluster", phase=1)
def parse_redshift_cluster(r: ResourceInstance, ctx: ParseContext) -> None:
    """Port 5439 unless set; `publicly_accessible` (as planned: the provider plans true when it is
    not set) gives a public address, the Elastic IP `elastic_ip` when it names one."""
    subnets = in_subnet_group(ctx, r, "cluster_subnet_group_name")
    cluster = managed_endpoint(ctx, r, subnets, "vpc_security_group_ids", None)
    cluster.service = port_of(ctx, r, cluster, "port", _REDSHIFT_PORT)
    if publicly_accessible(ctx, r, cluster) and r.get("elastic_ip"):
        cluster.public_addresses[-1] = PublicAddress(
            4, f"publicly_accessible = true, elastic_ip = {r.get('elastic_ip')}"
        )


@parses("aws_redshiftserverless_workgroup", phase=1)
def parse_redshift_workgroup(r: ResourceInstance, ctx: ParseContext) -> None:
    workgroup = managed_endpoint(ctx, r, in_subnets(ctx, r, "subnet_ids"), "security_group_ids", None)
    workgroup.service = port_of(ctx, r, workgroup, "port", _REDSHIFT_PORT)
    publicly_accessible(ctx, r, workgroup)


@parses("aws_dms_replication_instance", phase=1)
def parse_dms_replication_instance(r: ResourceInstance, ctx: ParseContext) -> None:
    """A managed instance that connects out to its endpoints; it serves no port of its own, so
    what its groups admit is what reaches it (like any instance)."""
    subnets = in_subnet_group(ctx, r, "replication_subnet_group_id")
    instance = managed_endpoint(ctx, r, subnets, "vpc_security_group_ids", None)
    publicly_accessible(ctx, r, instance, aws_default=True)  # DMS: "The default value is true"


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_db_instance": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
    "aws_rds_cluster": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/multi-az-db-clusters-concepts.html",
    "aws_rds_cluster_instance": "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
    "aws_redshift_cluster": "https://docs.aws.amazon.com/redshift/latest/mgmt/managing-clusters-vpc.html",
    "aws_redshiftserverless_workgroup": "https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-workgroups.html",
    "aws_dms_replication_instance": "https://docs.aws.amazon.com/dms/latest/userguide/CHAP_ReplicationInstance.PublicPrivate.html",
}
