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

# A VPC Lattice service in a service network associated with a consumer VPC: its listener
# (HTTPS 443) forwards to an instance target group (port 8443, the api instance) with weight 100
# and to a second group (the canary instance) with weight 0. AWS (VPC Lattice user guide, "How it
# works", "Security groups"): clients of the associated VPCs reach the service; targets receive
# from VPC Lattice's managed prefix list (169.254.171.0/24), which their group must admit; a
# target group of weight 0 receives nothing.
# Expected (source lattice): aws_instance.api tcp/8443 (certain: auth type NONE, associated);
# not aws_instance.canary (weight 0); not aws_instance.closed (its group does not admit VPC
# Lattice's addresses).

resource "aws_vpc" "provider" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "consumer" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.provider.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_security_group" "from_lattice" {
  vpc_id = aws_vpc.provider.id
  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["169.254.171.0/24"]
  }
}

resource "aws_security_group" "closed" {
  vpc_id = aws_vpc.provider.id
  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_instance" "api" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.from_lattice.id]
}

resource "aws_instance" "canary" {
  ami                    = "ami-12345678"
  instance_type          = "t3.small"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.from_lattice.id]
}

resource "aws_instance" "closed" {
  ami                    = "ami-12345678"
  instance_type          = "t3.medium"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.closed.id]
}

resource "aws_vpclattice_service_network" "main" {
  name      = "main"
  auth_type = "NONE"
}

resource "aws_vpclattice_service_network_vpc_association" "consumer" {
  vpc_identifier             = aws_vpc.consumer.id
  service_network_identifier = aws_vpclattice_service_network.main.id
}

resource "aws_vpclattice_service" "api" {
  name      = "api"
  auth_type = "NONE"
}

resource "aws_vpclattice_service_network_service_association" "api" {
  service_identifier         = aws_vpclattice_service.api.id
  service_network_identifier = aws_vpclattice_service_network.main.id
}

resource "aws_vpclattice_target_group" "api" {
  name = "api"
  type = "INSTANCE"
  config {
    port           = 8443
    protocol       = "HTTPS"
    vpc_identifier = aws_vpc.provider.id
  }
}

resource "aws_vpclattice_target_group" "canary" {
  name = "canary"
  type = "INSTANCE"
  config {
    port           = 8443
    protocol       = "HTTPS"
    vpc_identifier = aws_vpc.provider.id
  }
}

resource "aws_vpclattice_target_group" "closed" {
  name = "closed"
  type = "INSTANCE"
  config {
    port           = 8443
    protocol       = "HTTPS"
    vpc_identifier = aws_vpc.provider.id
  }
}

resource "aws_vpclattice_target_group_attachment" "api" {
  target_group_identifier = aws_vpclattice_target_group.api.id
  target {
    id = aws_instance.api.id
  }
}

resource "aws_vpclattice_target_group_attachment" "canary" {
  target_group_identifier = aws_vpclattice_target_group.canary.id
  target {
    id = aws_instance.canary.id
  }
}

resource "aws_vpclattice_target_group_attachment" "closed" {
  target_group_identifier = aws_vpclattice_target_group.closed.id
  target {
    id = aws_instance.closed.id
  }
}

resource "aws_vpclattice_listener" "https" {
  name               = "https"
  protocol           = "HTTPS"
  port               = 443
  service_identifier = aws_vpclattice_service.api.id
  default_action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.api.id
        weight                  = 100
      }
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.canary.id
        weight                  = 0
      }
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.closed.id
        weight                  = 10
      }
    }
  }
}
