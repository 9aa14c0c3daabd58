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

# A VPC attached by id to a shared transit gateway (owned by the network account).
# AWS: the other attachments of a transit gateway reach this VPC through it when the subnet
# routes replies back to the gateway. Which VPCs those are, the plan cannot tell.
# Expected: transit gateway -> aws_instance.api tcp/443 from 10.0.0.0/8 outside 10.20.0.0/16 (possible).

# A VPC attached to a shared transit gateway, associated with and propagating to route tables of
# the network account, all named by id; the gateway's default tables are not used.
# AWS: a transit gateway routes what arrives on an attachment by the table associated with that
# attachment; this VPC receives from every attachment whose table routes its block to it. The
# plan holds none of those tables: any attachment may send to this VPC.
# Expected: transit gateway -> aws_instance.api tcp/443 from 10.0.0.0/8 outside 10.20.0.0/16
# (possible), with warnings naming tgw-0a1b2c3d4e5f60718 and the route tables.

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.1.0/24"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "shared" {
  transit_gateway_id                              = "tgw-0a1b2c3d4e5f60718"
  vpc_id                                          = aws_vpc.main.id
  subnet_ids                                      = [aws_subnet.private.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_route_table_association" "shared" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.shared.id
  transit_gateway_route_table_id = "tgw-rtb-0a1b2c3d4e5f60718"
}

resource "aws_ec2_transit_gateway_route_table_propagation" "shared" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.shared.id
  transit_gateway_route_table_id = "tgw-rtb-0f1e2d3c4b5a69788"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block         = "10.0.0.0/8"
    transit_gateway_id = "tgw-0a1b2c3d4e5f60718"
  }
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "api" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_instance" "api" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.api.id]
}
