# -----------------------------------------------------------------------------
# Scenario: hostile-names
#
# Resource addresses and tags are data from the plan, and a report must not let
# them break it: for_each keys (which become part of the address) and tag values
# hold backticks, pipes, HTML, Markdown, newlines, terminal escapes, quotes, and
# bidirectional and zero-width characters (a "Trojan Source" name, CVE-2021-42574).
# Every instance is public with SSH open, so each appears in every report.
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

locals {
  hostile = {
    "pipe|and`tick`"              = "a|b"
    "<script>alert(1)</script>"   = "<img src=x onerror=alert(1)>"
    "line\nbreak"                 = "```\ncode fence"
    "quote\"d & [link](http://x)" = "**bold** _it_ # heading"
    "esc\u001b[31mred"            = "\u001b]0;title\u0007"
    "bidi\u202egnp.exe"            = "zero\u200bwidth\u2066isolate"
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.77.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.77.0.0/24"
  map_public_ip_on_launch = true
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
  name        = "hostile-ssh"
  description = "ssh from anywhere"
  vpc_id      = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "box" {
  for_each = local.hostile

  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.ssh.id]
  tags = {
    Name             = each.value
    "tfreach:allow"  = "tcp/22`|<b>"
    "tfreach:reason" = each.key
  }
}
