# -----------------------------------------------------------------------------
# Scenario: update-remove-sg-rule -- BEFORE (the deployed configuration)
#
# prior.tfstate was synthesized from this file (see README.md). A database
# host in a public subnet with a public IP; SG db has no inline rules, its
# rules are separate aws_security_group_rule resources: HTTPS (443) and
# PostgreSQL (5432) from anywhere, plus all egress.
# main.tf is the same configuration without aws_security_group_rule.postgres.
# -----------------------------------------------------------------------------

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

# Offline provider configuration (fake credentials, no API calls).
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

# --- Network ------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block           = "10.130.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "sg-rule-vpc" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "sg-rule-igw" }
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.130.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "sg-rule-public" }
}

# Public route table with an inline default route to the IGW.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = { Name = "sg-rule-public-rt" }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# --- Security group (no inline rules; see aws_security_group_rule below) ------

resource "aws_security_group" "db" {
  name        = "db"
  description = "Database host"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group_rule" "https" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  description       = "HTTPS admin console from anywhere"
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "postgres" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  description       = "PostgreSQL from anywhere"
  protocol          = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "egress_all" {
  type              = "egress"
  security_group_id = aws_security_group.db.id
  description       = "Allow all outbound"
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}

# --- Instance --------------------------------------------------------------------

resource "aws_instance" "db" {
  ami                         = "ami-0c02fb55956c7d316"
  instance_type               = "t3.medium"
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.db.id]
  associate_public_ip_address = true
  tags                        = { Name = "db" }
}
