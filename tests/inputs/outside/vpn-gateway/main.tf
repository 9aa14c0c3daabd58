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

# A VPN gateway given by literal id: attached to this VPC by aws_vpn_gateway_attachment, its routes
# propagated into one table (propagating_vgws) and named by a static route in another.
# AWS: on-premises networks reach the VPC through its virtual private gateway; a subnet replies
# over a propagated or static route to it. The prefixes behind a VPN outside the plan are
# unknown: assumed private address space.
# Expected: on-premises -> aws_instance.rdp tcp/3389 from 192.168.0.0/16;
#           on-premises -> aws_instance.ssh tcp/22 from 172.16.0.0/12 (both possible).

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpn_gateway_attachment" "vgw" {
  vpc_id         = aws_vpc.main.id
  vpn_gateway_id = "vgw-0a1b2c3d4e5f60718"
}

resource "aws_subnet" "propagated" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.3.0/24"
}

resource "aws_route_table" "propagated" {
  vpc_id           = aws_vpc.main.id
  propagating_vgws = ["vgw-0a1b2c3d4e5f60718"]
}

resource "aws_route_table_association" "propagated" {
  subnet_id      = aws_subnet.propagated.id
  route_table_id = aws_route_table.propagated.id
}

resource "aws_subnet" "static" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.4.0/24"
}

resource "aws_route_table" "static" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "172.16.0.0/12"
    gateway_id = "vgw-0a1b2c3d4e5f60718"
  }
}

resource "aws_route_table_association" "static" {
  subnet_id      = aws_subnet.static.id
  route_table_id = aws_route_table.static.id
}

resource "aws_security_group" "rdp" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["192.168.0.0/16"]
  }
}

resource "aws_security_group" "ssh" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["172.16.0.0/12"]
  }
}

resource "aws_instance" "rdp" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.propagated.id
  vpc_security_group_ids = [aws_security_group.rdp.id]
}

resource "aws_instance" "ssh" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.static.id
  vpc_security_group_ids = [aws_security_group.ssh.id]
}
