"""Amazon MQ brokers: ActiveMQ and RabbitMQ, private in a VPC or publicly accessible.

Ports by engine, from the Amazon MQ developer guide. A public ActiveMQ broker is in the VPC with
a public address and its groups; a public RabbitMQ broker sits behind an AWS-managed load
balancer on AWS's public network, outside the VPC, where no security group applies.
"""

from __future__ import annotations

from tfreach.families import parses
from tfreach.families.context import ParseContext
from tfreach.families.managed import in_subnets, managed_endpoint, public_entry, publicly_accessible
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import ServicePorts

_ACTIVEMQ = ServicePorts.tcp(5671, 8162, 8883, 61614, 61617, 61619)
_RABBITMQ = ServicePorts.tcp(443, 5671)


@parses("aws_mq_broker", phase=1)
def parse_mq_broker(r: ResourceInstance, ctx: ParseContext) -> None:
    rabbit = str(r.get("engine_type") or "").lower() == "rabbitmq"
    service = _RABBITMQ if rabbit else _ACTIVEMQ
    broker = managed_endpoint(ctx, r, in_subnets(ctx, r, "subnet_ids"), "security_groups", service)
    if not publicly_accessible(ctx, r, broker) or not rabbit:
        return
    broker.public_addresses.clear()  # not an address in the VPC: an endpoint on AWS's network
    broker.subnets, broker.security_groups, broker.default_group = [], [], False
    broker.public_entry = public_entry(ctx, r, "publicly_accessible RabbitMQ broker, open to", ["0.0.0.0/0"])


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_mq_broker": "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/amazon-mq-working-with-brokers.html",
}
