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


# Spot Instances are instances (AWS EC2 User Guide, "Spot Instance requests"): one in a public
# subnet with a public IP and SSH open to the world is reachable on 22; one in a private subnet
# is not, whatever its group allows; one that names no subnet lands in the region's default VPC
# in that VPC's default security group. Neither is in the plan: the default VPC's subnets, route
# tables, ACLs and default group may have been changed since AWS created them, so until a context
# says what they are the instance is possibly reachable from every source, and warned.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "ssh" {
  name   = "ssh"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_spot_instance_request" "public_worker" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  spot_price             = "0.01"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.ssh.id]
}

resource "aws_spot_instance_request" "private_worker" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  spot_price             = "0.01"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.ssh.id]
}

resource "aws_spot_instance_request" "default_vpc_worker" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  spot_price    = "0.01"
}
