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

# Egress the plan cannot follow is assumed to lead out (possible), never to stay in:
# - `via_outside_nat`: its subnet routes 0.0.0.0/0 to a NAT gateway this plan does not manage;
# - `via_transit`: its subnet routes 0.0.0.0/0 to a transit gateway (a central egress VPC may
#   lie beyond it);
# - `outside_subnet`: it is launched in a subnet this plan does not manage;
# - `isolated`: its subnet has the local route only: it never goes out (the control).

resource "aws_vpc" "main" {
  cidr_block = "10.8.0.0/16"
}

resource "aws_ec2_transit_gateway" "hub" {}

resource "aws_ec2_transit_gateway_vpc_attachment" "main" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.main.id
  subnet_ids         = [aws_subnet.transit.id]
}

resource "aws_subnet" "outside_nat" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.8.1.0/24"
}

resource "aws_subnet" "transit" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.8.2.0/24"
}

resource "aws_subnet" "isolated" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.8.3.0/24"
}

resource "aws_route_table" "outside_nat" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = "nat-0abc12345def67890"
  }
}

resource "aws_route_table" "transit" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block         = "0.0.0.0/0"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "outside_nat" {
  subnet_id      = aws_subnet.outside_nat.id
  route_table_id = aws_route_table.outside_nat.id
}

resource "aws_route_table_association" "transit" {
  subnet_id      = aws_subnet.transit.id
  route_table_id = aws_route_table.transit.id
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "via_outside_nat" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.outside_nat.id
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Tier = "app" }
}

resource "aws_instance" "via_transit" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.transit.id
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Tier = "app" }
}

resource "aws_instance" "outside_subnet" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = "subnet-0abc12345def67890"
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Tier = "app" }
}

resource "aws_instance" "isolated" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.isolated.id
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Tier = "app" }
}
