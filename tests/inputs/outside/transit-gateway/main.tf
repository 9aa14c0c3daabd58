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

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.1.0/24"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "shared" {
  transit_gateway_id = "tgw-0a1b2c3d4e5f60718"
  vpc_id             = aws_vpc.main.id
  subnet_ids         = [aws_subnet.private.id]
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
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.api.id]
}
