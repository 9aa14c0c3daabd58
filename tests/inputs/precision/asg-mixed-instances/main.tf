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

# An auto scaling group with a mixed instances policy: its launch template admits nothing, but
# one override (Graviton instances) names a launch template of its own, whose group opens SSH to
# the world with a public address. AWS (EC2 Auto Scaling user guide, "Use multiple launch
# templates"): instances of that override's type launch from the override's template.
# Expected: internet -> aws_autoscaling_group.workers tcp/22 (the override's template), possible:
# whether an instance of that override is running depends on capacity, which a plan cannot tell.

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

resource "aws_security_group" "closed" {
  vpc_id = aws_vpc.main.id
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

resource "aws_launch_template" "x86" {
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  network_interfaces {
    device_index                = 0
    associate_public_ip_address = false
    security_groups             = [aws_security_group.closed.id]
  }
}

resource "aws_launch_template" "arm" {
  image_id      = "ami-87654321"
  instance_type = "t4g.micro"
  network_interfaces {
    device_index                = 0
    associate_public_ip_address = true
    security_groups             = [aws_security_group.ssh.id]
  }
}

resource "aws_autoscaling_group" "workers" {
  min_size            = 1
  max_size            = 4
  vpc_zone_identifier = [aws_subnet.public.id]
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.x86.id
        version            = "$Latest"
      }
      override {
        instance_type = "t3.micro"
      }
      override {
        instance_type = "t4g.micro"
        launch_template_specification {
          launch_template_id = aws_launch_template.arm.id
          version            = "$Latest"
        }
      }
    }
  }
}
