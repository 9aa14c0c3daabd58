"""OpenSearch and Elasticsearch domains: in a VPC (subnets, groups) or on a public endpoint.

A domain without `vpc_options` has a public endpoint that no security group governs: the
network lets anyone reach HTTPS (and HTTP unless HTTPS is enforced); its access policy is the
remaining control, which tfreach reports but does not evaluate.
"""

from __future__ import annotations

from tfreach.families import parses
from tfreach.families.context import ParseContext
from tfreach.families.managed import in_subnets, managed_endpoint, public_entry
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import ServicePorts

_POLICY = "its access policy (access_policies) decides who may call it: not evaluated"


@parses("aws_opensearch_domain", "aws_elasticsearch_domain", phase=1)
def parse_search_domain(r: ResourceInstance, ctx: ParseContext) -> None:
    enforce = (r.get("domain_endpoint_options") or [{}])[0].get("enforce_https")
    service = ServicePorts.tcp(443) if enforce is not False else ServicePorts.tcp(80, 443)
    if r.get("vpc_options") or r.is_unknown("vpc_options"):
        paths = (("vpc_options", 0, "subnet_ids"), ("vpc_options", 0, "security_group_ids"))
        managed_endpoint(ctx, r, in_subnets(ctx, r, paths[0]), paths[1], service)
        return
    domain = managed_endpoint(ctx, r, [], None, service)
    domain.public_entry = public_entry(
        ctx, r, "public domain endpoint (no vpc_options), open to", ["0.0.0.0/0"], _POLICY
    )


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_opensearch_domain": "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html",
    "aws_elasticsearch_domain": "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html",
}
