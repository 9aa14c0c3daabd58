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

# A peered VPC whose subnet routes only this VPC's primary block (10.0.0.0/16) to the peering;
# this VPC also has a secondary block (10.1.0.0/16) with a subnet of its own. Both subnets here
# route the peer's block back to the peering, and both databases admit it.
# AWS (VPC peering guide, "Update your route tables"): a peer subnet reaches only the destinations
# its route table sends to the peering.
# Expected: peered VPC -> aws_instance.primary tcp/5432 from 10.99.1.0/24 (certain);
# aws_instance.secondary is not reached (no peer route covers 10.1.0.0/16).

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc_ipv4_cidr_block_association" "secondary" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc" "peer" {
  cidr_block = "10.99.0.0/16"
}

resource "aws_vpc_peering_connection" "peer" {
  vpc_id      = aws_vpc.main.id
  peer_vpc_id = aws_vpc.peer.id
  auto_accept = true
}

resource "aws_subnet" "primary" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_subnet" "secondary" {
  vpc_id     = aws_vpc_ipv4_cidr_block_association.secondary.vpc_id
  cidr_block = "10.1.1.0/24"
}

resource "aws_subnet" "peer" {
  vpc_id     = aws_vpc.peer.id
  cidr_block = "10.99.1.0/24"
}

resource "aws_route_table" "main" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block                = "10.99.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.peer.id
  }
}

resource "aws_route_table_association" "primary" {
  subnet_id      = aws_subnet.primary.id
  route_table_id = aws_route_table.main.id
}

resource "aws_route_table_association" "secondary" {
  subnet_id      = aws_subnet.secondary.id
  route_table_id = aws_route_table.main.id
}

resource "aws_route_table" "peer" {
  vpc_id = aws_vpc.peer.id
  route {
    cidr_block                = "10.0.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.peer.id
  }
}

resource "aws_route_table_association" "peer" {
  subnet_id      = aws_subnet.peer.id
  route_table_id = aws_route_table.peer.id
}

resource "aws_security_group" "db" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.99.0.0/16"]
  }
}

resource "aws_instance" "primary" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.primary.id
  vpc_security_group_ids = [aws_security_group.db.id]
}

resource "aws_instance" "secondary" {
  ami                    = "ami-12345678"
  instance_type          = "t3.small"
  subnet_id              = aws_subnet.secondary.id
  vpc_security_group_ids = [aws_security_group.db.id]
}
