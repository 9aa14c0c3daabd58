# -----------------------------------------------------------------------------
# Scenario: bastion-private-app
#
# Classic bastion pattern:
#   * VPC with two public subnets (default route -> IGW) and two private
#     subnets (default route -> one NAT gateway).
#   * A bastion host in public subnet "a" whose public address is an Elastic
#     IP attached with aws_eip_association (the instance itself does not ask
#     for a public IP).
#   * Two app instances (count = 2) in the private subnets.
# All security-group rules are separate aws_security_group_rule resources,
# so the aws_security_group resources carry no inline rules.
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

locals {
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t3.micro"
  azs           = ["us-east-1a", "us-east-1b"]
}

# --- Network ------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block           = "10.10.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "bastion-vpc" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "bastion-igw" }
}

# Two public subnets, one per AZ (10.10.0.0/24, 10.10.1.0/24).
resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "bastion-public-${count.index}" }
}

# Two private subnets, one per AZ (10.10.10.0/24, 10.10.11.0/24).
resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, 10 + count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "bastion-private-${count.index}" }
}

# Public route table: 0.0.0.0/0 -> IGW, shared by both public subnets.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = { Name = "bastion-public-rt" }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# One NAT gateway (in public subnet 0) for outbound traffic of the app tier.
resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "bastion-nat-eip" }
}

resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  tags          = { Name = "bastion-nat" }

  depends_on = [aws_internet_gateway.igw]
}

# Private route table: 0.0.0.0/0 -> NAT (outbound only, no inbound path).
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }

  tags = { Name = "bastion-private-rt" }
}

resource "aws_route_table_association" "private" {
  count          = 2
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# --- Security groups (no inline rules; see aws_security_group_rule below) -----

resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "Bastion host"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "app" {
  name        = "app"
  description = "Private application servers"
  vpc_id      = aws_vpc.main.id
}

# Bastion: SSH from anywhere.
resource "aws_security_group_rule" "bastion_ssh_in" {
  type              = "ingress"
  security_group_id = aws_security_group.bastion.id
  description       = "SSH from anywhere"
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "bastion_all_out" {
  type              = "egress"
  security_group_id = aws_security_group.bastion.id
  description       = "Allow all outbound"
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}

# App: SSH only from members of the bastion SG (source_security_group_id).
resource "aws_security_group_rule" "app_ssh_from_bastion" {
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  description              = "SSH from the bastion"
  protocol                 = "tcp"
  from_port                = 22
  to_port                  = 22
  source_security_group_id = aws_security_group.bastion.id
}

# App: 8080 from anywhere. Over-permissive, but the app instances live in
# private subnets without public addresses, so the internet cannot reach them.
resource "aws_security_group_rule" "app_8080_in" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  description       = "App port from anywhere (too broad, but private)"
  protocol          = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "app_all_out" {
  type              = "egress"
  security_group_id = aws_security_group.app.id
  description       = "Allow all outbound"
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}

# --- Instances -----------------------------------------------------------------

# Bastion in public subnet 0. No associate_public_ip_address: its only public
# address comes from the Elastic IP association below.
resource "aws_instance" "bastion" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.public[0].id
  vpc_security_group_ids = [aws_security_group.bastion.id]
  tags                   = { Name = "bastion" }
}

resource "aws_eip" "bastion" {
  domain = "vpc"
  tags   = { Name = "bastion-eip" }
}

# Attaches the EIP to the bastion (instead of aws_eip.instance).
resource "aws_eip_association" "bastion" {
  instance_id   = aws_instance.bastion.id
  allocation_id = aws_eip.bastion.id
}

# Application servers, one per private subnet.
resource "aws_instance" "app" {
  count                  = 2
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private[count.index].id
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Name = "app-${count.index}" }
}
