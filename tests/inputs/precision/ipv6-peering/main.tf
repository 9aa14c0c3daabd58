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

# IPv6 over a peering: both VPCs get Amazon-provided IPv6 blocks, known only after apply. The
# routes to each other's IPv6 block (one a separate aws_route, one inline) and the rule that admits
# the peer's block all name a block the plan cannot show. AWS: the peer reaches the instance when the group admits its block and the subnet routes
# replies to the peering.
# Expected: peered VPC -> aws_instance.app tcp/22 over IPv6 (possible: the peer's block is
# known only after apply, assumed any IPv6 address).

resource "aws_vpc" "app" {
  cidr_block                       = "10.1.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_vpc" "peer" {
  cidr_block                       = "10.2.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_vpc_peering_connection" "app_peer" {
  vpc_id      = aws_vpc.app.id
  peer_vpc_id = aws_vpc.peer.id
  auto_accept = true
}

resource "aws_subnet" "app" {
  vpc_id          = aws_vpc.app.id
  cidr_block      = "10.1.1.0/24"
  ipv6_cidr_block = cidrsubnet(aws_vpc.app.ipv6_cidr_block, 8, 1)
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id
}

resource "aws_route" "to_peer_v6" {
  route_table_id              = aws_route_table.app.id
  destination_ipv6_cidr_block = aws_vpc.peer.ipv6_cidr_block
  vpc_peering_connection_id   = aws_vpc_peering_connection.app_peer.id
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}

resource "aws_subnet" "peer" {
  vpc_id          = aws_vpc.peer.id
  cidr_block      = "10.2.1.0/24"
  ipv6_cidr_block = cidrsubnet(aws_vpc.peer.ipv6_cidr_block, 8, 1)
}

resource "aws_route_table" "peer" {
  vpc_id = aws_vpc.peer.id
  route {
    ipv6_cidr_block           = aws_vpc.app.ipv6_cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.app_peer.id
  }
}

resource "aws_route_table_association" "peer" {
  subnet_id      = aws_subnet.peer.id
  route_table_id = aws_route_table.peer.id
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.app.id
  ingress {
    from_port        = 22
    to_port          = 22
    protocol         = "tcp"
    ipv6_cidr_blocks = [aws_vpc.peer.ipv6_cidr_block]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
  ipv6_address_count     = 1
}
