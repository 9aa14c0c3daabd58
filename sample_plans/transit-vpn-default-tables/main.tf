# -----------------------------------------------------------------------------
# Scenario: transit-vpn-default-tables
#
# A site-to-site VPN that terminates on a transit gateway (not on a virtual
# private gateway), with routes placed in the gateway's default route table
# through aws_ec2_transit_gateway.hub.association_default_route_table_id:
#   * VPN "dc" (static routes only): the static TGW route 192.168.0.0/16 -> the
#     VPN attachment (aws_vpn_connection.dc.transit_gateway_attachment_id) is
#     what on-premises is; 192.168.99.0/24 is a blackhole.
#   * VPC "app" is attached with default association and propagation; its
#     subnet routes 192.168.0.0/16 to the transit gateway.
#   * VPC "quiet" is attached the same way, but its subnet has no route to the
#     transit gateway: replies are lost.
#   * VPC "solo" opts out of the default association and is associated with
#     no table: the gateway cannot send it replies... nor anything.
# Every instance admits SSH and HTTPS from 192.168.0.0/16.
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

resource "aws_ec2_transit_gateway" "hub" {
  description = "hub"
}

resource "aws_customer_gateway" "dc" {
  bgp_asn    = 65000
  ip_address = "198.51.100.10"
  type       = "ipsec.1"
}

resource "aws_vpn_connection" "dc" {
  customer_gateway_id = aws_customer_gateway.dc.id
  transit_gateway_id  = aws_ec2_transit_gateway.hub.id
  type                = "ipsec.1"
  static_routes_only  = true
}

resource "aws_ec2_transit_gateway_route" "onprem" {
  destination_cidr_block         = "192.168.0.0/16"
  transit_gateway_attachment_id  = aws_vpn_connection.dc.transit_gateway_attachment_id
  transit_gateway_route_table_id = aws_ec2_transit_gateway.hub.association_default_route_table_id
}

resource "aws_ec2_transit_gateway_route" "quarantine" {
  destination_cidr_block         = "192.168.99.0/24"
  blackhole                      = true
  transit_gateway_route_table_id = aws_ec2_transit_gateway.hub.association_default_route_table_id
}

# --- VPC app: attached, routes on-premises to the transit gateway -------------

resource "aws_vpc" "app" {
  cidr_block = "10.70.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.app.id
  cidr_block = "10.70.1.0/24"
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id
  route {
    cidr_block         = "192.168.0.0/16"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.app.id
  subnet_ids         = [aws_subnet.app.id]
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.app.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["192.168.0.0/16"]
  }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["192.168.0.0/16"]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

# --- VPC quiet: attached, but no route back to the transit gateway ------------

resource "aws_vpc" "quiet" {
  cidr_block = "10.71.0.0/16"
}

resource "aws_subnet" "quiet" {
  vpc_id     = aws_vpc.quiet.id
  cidr_block = "10.71.1.0/24"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "quiet" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.quiet.id
  subnet_ids         = [aws_subnet.quiet.id]
}

resource "aws_security_group" "quiet" {
  vpc_id = aws_vpc.quiet.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["192.168.0.0/16"]
  }
}

resource "aws_instance" "quiet" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.quiet.id
  vpc_security_group_ids = [aws_security_group.quiet.id]
}

# --- VPC solo: attached without the default association ------------------------

resource "aws_vpc" "solo" {
  cidr_block = "10.72.0.0/16"
}

resource "aws_subnet" "solo" {
  vpc_id     = aws_vpc.solo.id
  cidr_block = "10.72.1.0/24"
}

resource "aws_route_table" "solo" {
  vpc_id = aws_vpc.solo.id
  route {
    cidr_block         = "192.168.0.0/16"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "solo" {
  subnet_id      = aws_subnet.solo.id
  route_table_id = aws_route_table.solo.id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "solo" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.solo.id
  subnet_ids                                      = [aws_subnet.solo.id]
  transit_gateway_default_route_table_association = false
}

resource "aws_security_group" "solo" {
  vpc_id = aws_vpc.solo.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["192.168.0.0/16"]
  }
}

resource "aws_instance" "solo" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.solo.id
  vpc_security_group_ids = [aws_security_group.solo.id]
}
