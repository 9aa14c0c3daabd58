# Scenario: a chain of peered VPCs made with count, vpc[i] <-> vpc[i + 1].
# The plan JSON records `aws_vpc.this[count.index + 1]` only as references to
# aws_vpc.this and count.index: the arithmetic is lost. Plan mode must not guess
# silently; sources mode (tfreach check DIR) evaluates it exactly.

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
  cidrs = ["10.10.0.0/16", "10.11.0.0/16", "10.12.0.0/16"]
}

resource "aws_vpc" "this" {
  count      = length(local.cidrs)
  cidr_block = local.cidrs[count.index]
}

resource "aws_subnet" "private" {
  count      = length(local.cidrs)
  vpc_id     = aws_vpc.this[count.index].id
  cidr_block = cidrsubnet(local.cidrs[count.index], 8, 1)
}

resource "aws_route_table" "private" {
  count  = length(local.cidrs)
  vpc_id = aws_vpc.this[count.index].id
}

resource "aws_route_table_association" "private" {
  count          = length(local.cidrs)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

resource "aws_vpc_peering_connection" "chain" {
  count       = length(local.cidrs) - 1
  vpc_id      = aws_vpc.this[count.index].id
  peer_vpc_id = aws_vpc.this[count.index + 1].id
  auto_accept = true
}

resource "aws_route" "forward" {
  count                     = length(local.cidrs) - 1
  route_table_id            = aws_route_table.private[count.index].id
  destination_cidr_block    = local.cidrs[count.index + 1]
  vpc_peering_connection_id = aws_vpc_peering_connection.chain[count.index].id
}

resource "aws_route" "back" {
  count                     = length(local.cidrs) - 1
  route_table_id            = aws_route_table.private[count.index + 1].id
  destination_cidr_block    = local.cidrs[count.index]
  vpc_peering_connection_id = aws_vpc_peering_connection.chain[count.index].id
}

resource "aws_security_group" "db" {
  count  = length(local.cidrs)
  vpc_id = aws_vpc.this[count.index].id
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_instance" "db" {
  count                  = length(local.cidrs)
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private[count.index].id
  vpc_security_group_ids = [aws_security_group.db[count.index].id]
}
