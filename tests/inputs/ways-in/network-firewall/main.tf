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

# Internet ingress inspected by AWS Network Firewall: the internet gateway's edge route table sends
# the app subnet's block to the firewall endpoint, the app subnet sends 0.0.0.0/0 back through it,
# the firewall subnet routes to the internet gateway. The policy forwards everything to the
# stateful engine (default action order): a PASS rule for TCP 443, a DROP rule for all other TCP.
# AWS (Network Firewall developer guide, "How Network Firewall processes rules"): in the default
# action order, pass rules are evaluated before drop rules.
# Expected: internet -> aws_instance.web tcp/443 (certain); not tcp/22 or tcp/80, although the
# instance's group admits them (the firewall drops them).

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "firewall" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
}

resource "aws_subnet" "app" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_networkfirewall_rule_group" "web" {
  name     = "web"
  type     = "STATEFUL"
  capacity = 10
  rule_group {
    rules_source {
      stateful_rule {
        action = "PASS"
        header {
          protocol         = "TCP"
          source           = "ANY"
          source_port      = "ANY"
          destination      = "ANY"
          destination_port = "443"
          direction        = "FORWARD"
        }
        rule_option {
          keyword  = "sid"
          settings = ["1"]
        }
      }
      stateful_rule {
        action = "DROP"
        header {
          protocol         = "TCP"
          source           = "ANY"
          source_port      = "ANY"
          destination      = "ANY"
          destination_port = "ANY"
          direction        = "FORWARD"
        }
        rule_option {
          keyword  = "sid"
          settings = ["2"]
        }
      }
    }
  }
}

resource "aws_networkfirewall_firewall_policy" "main" {
  name = "main"
  firewall_policy {
    stateless_default_actions          = ["aws:forward_to_sfe"]
    stateless_fragment_default_actions = ["aws:forward_to_sfe"]
    stateful_rule_group_reference {
      resource_arn = aws_networkfirewall_rule_group.web.arn
    }
  }
}

resource "aws_networkfirewall_firewall" "main" {
  name                = "main"
  firewall_policy_arn = aws_networkfirewall_firewall_policy.main.arn
  vpc_id              = aws_vpc.main.id
  subnet_mapping {
    subnet_id = aws_subnet.firewall.id
  }
}

locals {
  firewall_endpoint = tolist(aws_networkfirewall_firewall.main.firewall_status[0].sync_states)[0].attachment[0].endpoint_id
}

resource "aws_route_table" "edge" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block      = aws_subnet.app.cidr_block
    vpc_endpoint_id = local.firewall_endpoint
  }
}

resource "aws_route_table_association" "edge" {
  gateway_id     = aws_internet_gateway.igw.id
  route_table_id = aws_route_table.edge.id
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block      = "0.0.0.0/0"
    vpc_endpoint_id = local.firewall_endpoint
  }
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}

resource "aws_route_table" "firewall" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table_association" "firewall" {
  subnet_id      = aws_subnet.firewall.id
  route_table_id = aws_route_table.firewall.id
}

resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 443
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
