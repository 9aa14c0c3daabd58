"""In-memory caches: ElastiCache clusters, replication groups and serverless caches, MemoryDB.

None ever gets a public address: they are reached from inside the VPC, or from on-premises,
peered VPCs and transit gateways, as their subnets' routes, ACLs and their groups allow.
"""

from __future__ import annotations

from tfreach.families import parses
from tfreach.families.context import ParseContext
from tfreach.families.managed import in_subnet_group, in_subnets, managed_endpoint, port_of
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import ServicePorts

_MEMCACHED, _REDIS = 11211, 6379


def _engine_port(r: ResourceInstance) -> int:
    return _MEMCACHED if str(r.get("engine") or "").lower() == "memcached" else _REDIS


@parses("aws_elasticache_cluster", "aws_elasticache_replication_group", "aws_memorydb_cluster", phase=1)
def parse_cache_cluster(r: ResourceInstance, ctx: ParseContext) -> None:
    """Port 6379 (Redis, Valkey) or 11211 (Memcached) unless set, in its subnet group."""
    cache = managed_endpoint(ctx, r, in_subnet_group(ctx, r, "subnet_group_name"), "security_group_ids", None)
    cache.service = port_of(ctx, r, cache, "port", _engine_port(r))


@parses("aws_elasticache_serverless_cache", phase=1)
def parse_serverless_cache(r: ResourceInstance, ctx: ParseContext) -> None:
    """The endpoint port and the reader port (6379-6380, or 11211-11212 for Memcached)."""
    port = _engine_port(r)
    service = ServicePorts(((6, port, port + 1),), f"accepts only tcp/{port}-{port + 1}")
    managed_endpoint(ctx, r, in_subnets(ctx, r, "subnet_ids"), "security_group_ids", service)


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_elasticache_cluster": "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/elasticache-vpc-accessing.html",
    "aws_elasticache_replication_group": "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/elasticache-vpc-accessing.html",
    "aws_elasticache_serverless_cache": "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/elasticache-vpc-accessing.html",
    "aws_memorydb_cluster": "https://docs.aws.amazon.com/memorydb/latest/devguide/memorydb-vpc-accessing.html",
}
