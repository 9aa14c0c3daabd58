"""Resource types that can be reached from outside but are not modelled yet: each is a warning.

A plan full of types tfreach skips must not pass silently: a publicly accessible DocumentDB instance
or a public Transfer Family server is an exposure tfreach cannot see. Every type here can carry a
network interface in a VPC, a public address or a public endpoint. A type a family learns is
never skipped, so its line here is never read again: the list users see (docs/modelled.md,
`not_modelled()`) leaves it out by itself, and a new family is its own module only. Types that
never accept a connection from outside (a Lambda function's interfaces, a NAT gateway) are not
listed.
"""

from __future__ import annotations

from collections import Counter

from tfreach.model.network import Network

CAUSE = "resource types that can be reachable from outside are not modelled; their exposure is not analysed"

# type -> what it exposes (as the warning says it)
NETWORK_BEARING: dict[str, str] = {
    "aws_db_proxy": "RDS Proxy (interfaces in the VPC)",
    "aws_docdb_cluster_instance": "DocumentDB instance (interfaces in the VPC)",
    "aws_neptune_cluster_instance": "Neptune instance (interfaces in the VPC)",
    "aws_dax_cluster": "DAX cluster (interfaces in the VPC)",
    "aws_msk_cluster": "MSK cluster (brokers in the VPC, optional public access)",
    "aws_msk_serverless_cluster": "MSK Serverless cluster (endpoints in the VPC)",
    "aws_spot_instance_request": "EC2 Spot instance (like aws_instance)",
    "aws_spot_fleet_request": "EC2 Spot fleet (instances)",
    "aws_batch_compute_environment": "Batch compute environment (instances)",
    "aws_emr_cluster": "EMR cluster (master and core nodes)",
    "aws_sagemaker_notebook_instance": "SageMaker notebook instance (direct internet access)",
    "aws_workspaces_workspace": "WorkSpaces workspace (interfaces, optional public IP)",
    "aws_directory_service_directory": "Directory Service directory (domain controllers in the VPC)",
    "aws_transfer_server": "Transfer Family server (public or VPC endpoint, Elastic IPs)",
    "aws_cloud9_environment_ec2": "Cloud9 environment (an EC2 instance)",
    "aws_elastic_beanstalk_environment": "Elastic Beanstalk environment (instances, load balancer)",
    "aws_mwaa_environment": "MWAA environment (public web server access)",
    "aws_apprunner_service": "App Runner service (public endpoint)",
    "aws_lightsail_instance": "Lightsail instance (public IP, its own firewall)",
    "aws_lambda_function_url": "Lambda function URL (public HTTPS endpoint)",
    "aws_ec2_instance_connect_endpoint": "EC2 Instance Connect endpoint (SSH/RDP into private subnets)",
    "aws_route53_resolver_endpoint": "Route 53 Resolver inbound endpoint (DNS 53 in the VPC)",
    "aws_ec2_transit_gateway_peering_attachment": "transit gateway peering (networks of another gateway)",
    "aws_ec2_transit_gateway_connect": "transit gateway Connect attachment (SD-WAN networks)",
}


def warn_unmodelled(network: Network, skipped: Counter[str]) -> None:
    """One warning per network-bearing type the plan holds and tfreach skips, with its count."""
    for resource_type, count in sorted(skipped.items()):
        what = NETWORK_BEARING.get(resource_type)
        if what is not None:
            plural = "s" if count != 1 else ""
            message = f"{count} resource{plural} of this type: {what}; not modelled, so not analysed"
            network.notice(resource_type, None, message, CAUSE)


def not_modelled(modelled: set[str]) -> dict[str, str]:
    """The network-bearing types no family parses yet (the docs list them)."""
    return {t: what for t, what in sorted(NETWORK_BEARING.items()) if t not in modelled}
