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

# A new subnet in the network team's VPC, associated, by id, with a route table and a network ACL
# that team owns (a route table and an ACL can only be associated within their own VPC).
# AWS: a subnet uses the route table it is associated with and the network ACL it is associated
# with; neither is in the plan, so the table may send 0.0.0.0/0 to an internet gateway and the
# ACL may allow everything.
# Expected: internet -> aws_instance.web tcp/22 (possible), with warnings naming
# rtb-0a1b2c3d4e5f60718 and acl-0a1b2c3d4e5f60718.

resource "aws_subnet" "app" {
  vpc_id                  = "vpc-0a1b2c3d4e5f60718"
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = "rtb-0a1b2c3d4e5f60718"
}

resource "aws_network_acl_association" "app" {
  subnet_id      = aws_subnet.app.id
  network_acl_id = "acl-0a1b2c3d4e5f60718"
}

resource "aws_security_group" "web" {
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.web.id]
}
