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

# A custom routing accelerator (game servers): its listener's ports map to UDP 7000-7100 on every
# instance of the endpoint subnet. AWS (Global Accelerator developer guide, "Custom routing
# accelerators"): traffic reaches a destination only once allowed (AllowCustomRoutingTraffic,
# an API call outside Terraform); the instances are in a private subnet.
# Expected: internet -> aws_instance.game udp/7000-7100 (possible: allowing the destinations is
# not in the plan); aws_instance.other (another subnet) is not reached.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "game" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_subnet" "other" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}

resource "aws_security_group" "game" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 7000
    to_port     = 7100
    protocol    = "udp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "game" {
  ami                    = "ami-12345678"
  instance_type          = "c5.large"
  subnet_id              = aws_subnet.game.id
  vpc_security_group_ids = [aws_security_group.game.id]
}

resource "aws_instance" "other" {
  ami                    = "ami-12345678"
  instance_type          = "c5.large"
  subnet_id              = aws_subnet.other.id
  vpc_security_group_ids = [aws_security_group.game.id]
}

resource "aws_globalaccelerator_custom_routing_accelerator" "games" {
  name            = "games"
  ip_address_type = "IPV4"
  enabled         = true
}

resource "aws_globalaccelerator_custom_routing_listener" "games" {
  accelerator_arn = aws_globalaccelerator_custom_routing_accelerator.games.id
  port_range {
    from_port = 10000
    to_port   = 30000
  }
}

resource "aws_globalaccelerator_custom_routing_endpoint_group" "games" {
  listener_arn = aws_globalaccelerator_custom_routing_listener.games.id
  destination_configuration {
    from_port = 7000
    to_port   = 7100
    protocols = ["UDP"]
  }
  endpoint_configuration {
    endpoint_id = aws_subnet.game.id
  }
}
