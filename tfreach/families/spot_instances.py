"""EC2 Spot Instances requested one by one: each is an instance like any other.

An `aws_spot_instance_request` launches one instance with the request's network settings (subnet,
security groups, public IP, IPv6 addresses); when it names no subnet, AWS launches it in the
default VPC, as it does an on-demand instance.
"""

from __future__ import annotations

from tfreach.families import parses, when_unreadable
from tfreach.families.compute import LAUNCHED_IN_DEFAULT_VPC, parse_instance, unreadable_endpoint

LAUNCHED_IN_DEFAULT_VPC.add("aws_spot_instance_request")
parses("aws_spot_instance_request", phase=1)(parse_instance)
when_unreadable("aws_spot_instance_request")(unreadable_endpoint)

# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_spot_instance_request": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-requests.html",
}
