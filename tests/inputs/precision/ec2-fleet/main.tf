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

# An EC2 Fleet whose override places its instances in a public subnet, from a launch template
# that opens SSH to the world with a public address; a second fleet in the private subnet.
# AWS (EC2 user guide, "EC2 Fleet"): a fleet launches instances from its launch template in the
# subnet its override names.
# Expected: internet -> aws_ec2_fleet.public tcp/22; aws_ec2_fleet.private is not reached (its
# subnet has no route to the internet gateway).

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
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
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_launch_template" "ssh" {
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  network_interfaces {
    device_index                = 0
    associate_public_ip_address = true
    security_groups             = [aws_security_group.ssh.id]
  }
}

resource "aws_ec2_fleet" "public" {
  type = "maintain"
  launch_template_config {
    launch_template_specification {
      launch_template_id = aws_launch_template.ssh.id
      version            = aws_launch_template.ssh.latest_version
    }
    override {
      subnet_id = aws_subnet.public.id
    }
  }
  target_capacity_specification {
    default_target_capacity_type = "spot"
    total_target_capacity        = 2
  }
}

resource "aws_ec2_fleet" "private" {
  type = "maintain"
  launch_template_config {
    launch_template_specification {
      launch_template_id = aws_launch_template.ssh.id
      version            = aws_launch_template.ssh.latest_version
    }
    override {
      subnet_id = aws_subnet.private.id
    }
  }
  target_capacity_specification {
    default_target_capacity_type = "spot"
    total_target_capacity        = 2
  }
}
