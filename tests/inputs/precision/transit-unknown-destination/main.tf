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

# A transit gateway static route whose destination is known only after apply (the spoke VPC's
# block comes from IPAM). AWS: the spoke's traffic reaches the app VPC over the gateway; replies
# follow the gateway table's route to the spoke's block.
# Expected: transit gateway -> aws_instance.app tcp/22 from 10.0.0.0/8 (possible: the route's
# destination is unknown).

resource "aws_ec2_transit_gateway" "hub" {
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
}

resource "aws_ec2_transit_gateway_route_table" "hub" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}

resource "aws_vpc" "app" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc" "spoke" {
  ipv4_ipam_pool_id   = "ipam-pool-0a1b2c3d4e5f60718"
  ipv4_netmask_length = 16
}

resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.app.id
  cidr_block = "10.1.1.0/24"
}

resource "aws_subnet" "spoke" {
  vpc_id     = aws_vpc.spoke.id
  cidr_block = cidrsubnet(aws_vpc.spoke.cidr_block, 8, 1)
}

resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.app.id
  subnet_ids                                      = [aws_subnet.app.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_vpc_attachment" "spoke" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.spoke.id
  subnet_ids                                      = [aws_subnet.spoke.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_route_table_association" "app" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.hub.id
}

resource "aws_ec2_transit_gateway_route_table_association" "spoke" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.spoke.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.hub.id
}

resource "aws_ec2_transit_gateway_route" "to_app" {
  destination_cidr_block         = "10.1.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.hub.id
}

resource "aws_ec2_transit_gateway_route" "to_spoke" {
  destination_cidr_block         = aws_vpc.spoke.cidr_block
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.spoke.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.hub.id
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id
  route {
    cidr_block         = "10.0.0.0/8"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}

resource "aws_route_table" "spoke" {
  vpc_id = aws_vpc.spoke.id
  route {
    cidr_block         = "10.1.0.0/16"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "spoke" {
  subnet_id      = aws_subnet.spoke.id
  route_table_id = aws_route_table.spoke.id
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.app.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
