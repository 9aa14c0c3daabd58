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

# A static blackhole route in the transit gateway's default route table, named through
# association_default_route_table_id. AWS: a static route wins over a propagated route of the
# same prefix; a blackhole drops what matches. Replies from the app VPC to 10.2.0.0/16 are
# dropped, so the spoke 10.2.0.0/16 cannot hold a connection to it; 10.3.0.0/16 can.
# Expected: transit gateway -> aws_instance.app tcp/22 from 10.3.0.0/16 only (certain).

resource "aws_ec2_transit_gateway" "hub" {}

resource "aws_ec2_transit_gateway_route" "drop_spoke_a" {
  destination_cidr_block         = "10.2.0.0/16"
  blackhole                      = true
  transit_gateway_route_table_id = aws_ec2_transit_gateway.hub.association_default_route_table_id
}

resource "aws_vpc" "app" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.app.id
  cidr_block = cidrsubnet(aws_vpc.app.cidr_block, 8, 1)
}

resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.app.id
  subnet_ids         = [aws_subnet.app.id]
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

resource "aws_vpc" "spoke_a" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_subnet" "spoke_a" {
  vpc_id     = aws_vpc.spoke_a.id
  cidr_block = cidrsubnet(aws_vpc.spoke_a.cidr_block, 8, 1)
}

resource "aws_ec2_transit_gateway_vpc_attachment" "spoke_a" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.spoke_a.id
  subnet_ids         = [aws_subnet.spoke_a.id]
}

resource "aws_route_table" "spoke_a" {
  vpc_id = aws_vpc.spoke_a.id
  route {
    cidr_block         = "10.0.0.0/8"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "spoke_a" {
  subnet_id      = aws_subnet.spoke_a.id
  route_table_id = aws_route_table.spoke_a.id
}

resource "aws_vpc" "spoke_b" {
  cidr_block = "10.3.0.0/16"
}

resource "aws_subnet" "spoke_b" {
  vpc_id     = aws_vpc.spoke_b.id
  cidr_block = cidrsubnet(aws_vpc.spoke_b.cidr_block, 8, 1)
}

resource "aws_ec2_transit_gateway_vpc_attachment" "spoke_b" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.spoke_b.id
  subnet_ids         = [aws_subnet.spoke_b.id]
}

resource "aws_route_table" "spoke_b" {
  vpc_id = aws_vpc.spoke_b.id
  route {
    cidr_block         = "10.0.0.0/8"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "spoke_b" {
  subnet_id      = aws_subnet.spoke_b.id
  route_table_id = aws_route_table.spoke_b.id
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
