# -----------------------------------------------------------------------------
# Scenario: intent-shared-services-tgw
#
# A shared-services VPC (DNS resolvers) and two spoke VPCs on one transit
# gateway, all attachments associated with and propagating to its default
# route table - which connects every VPC with every other. The intent (see
# .tfreach.yml): spokes reach shared services on DNS only, spokes never reach
# each other, shared services never open connections into spokes.
# The spokes' groups admit everything from 10.0.0.0/8: the default route table
# lets spoke a reach spoke b, and shared reach both, against the intent.
# -----------------------------------------------------------------------------

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

locals {
  vpcs = {
    shared = { cidr = "10.40.0.0/16", tier = "shared" }
    a      = { cidr = "10.41.0.0/16", tier = "spoke" }
    b      = { cidr = "10.42.0.0/16", tier = "spoke" }
  }
}

resource "aws_ec2_transit_gateway" "hub" {
  description = "hub"
}

resource "aws_vpc" "this" {
  for_each   = local.vpcs
  cidr_block = each.value.cidr
}

resource "aws_subnet" "this" {
  for_each   = local.vpcs
  vpc_id     = aws_vpc.this[each.key].id
  cidr_block = cidrsubnet(each.value.cidr, 8, 1)
}

resource "aws_route_table" "this" {
  for_each = local.vpcs
  vpc_id   = aws_vpc.this[each.key].id
  route {
    cidr_block         = "10.0.0.0/8"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "this" {
  for_each       = local.vpcs
  subnet_id      = aws_subnet.this[each.key].id
  route_table_id = aws_route_table.this[each.key].id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "this" {
  for_each           = local.vpcs
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.this[each.key].id
  subnet_ids         = [aws_subnet.this[each.key].id]
}

resource "aws_security_group" "dns" {
  vpc_id = aws_vpc.this["shared"].id
  ingress {
    from_port   = 53
    to_port     = 53
    protocol    = "udp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  ingress {
    from_port   = 53
    to_port     = 53
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_security_group" "spoke" {
  for_each = { for k, v in local.vpcs : k => v if v.tier == "spoke" }
  vpc_id   = aws_vpc.this[each.key].id
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/8"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_instance" "dns" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.this["shared"].id
  vpc_security_group_ids = [aws_security_group.dns.id]
  tags                   = { Tier = "shared" }
}

resource "aws_instance" "app" {
  for_each               = aws_security_group.spoke
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.this[each.key].id
  vpc_security_group_ids = [each.value.id]
  tags                   = { Tier = "spoke", Env = each.key }
}
