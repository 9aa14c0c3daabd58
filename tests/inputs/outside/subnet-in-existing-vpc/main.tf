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

# A new subnet in an existing VPC (literal id) with no route table association.
# AWS: a subnet without an explicit association uses its VPC's main route table; this VPC's main
# table is not in the plan and may send 0.0.0.0/0 to an internet gateway.
# Expected: internet -> aws_instance.web tcp/22 (possible: vpc-0a1b2c3d4e5f60718 is outside the plan).

resource "aws_subnet" "new" {
  vpc_id     = "vpc-0a1b2c3d4e5f60718"
  cidr_block = "10.5.1.0/24"
}

resource "aws_security_group" "ssh" {
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.new.id
  vpc_security_group_ids      = [aws_security_group.ssh.id]
  associate_public_ip_address = true
}
