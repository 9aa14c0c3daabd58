# -----------------------------------------------------------------------------
# Scenario: three-tier-nat
#
# Web / app / db tiers across two AZs:
#   * public subnets  (map_public_ip_on_launch = true, 0.0.0.0/0 -> IGW)
#   * app subnets     (0.0.0.0/0 -> a single NAT gateway)
#   * db subnets      (route table with NO default route at all)
# Two web instances get their public IPv4 only from the subnet's
# map_public_ip_on_launch (nothing is set on the instance). Security-group
# rules use the newer aws_vpc_security_group_ingress_rule /
# aws_vpc_security_group_egress_rule resources (one CIDR per rule).
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
  instance_type = "t3.small"
  azs           = ["us-east-1a", "us-east-1b"]
  office_cidr   = "203.0.113.0/24" # documentation range standing in for the office
}

# --- Network ------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "three-tier" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "three-tier-igw" }
}

# Public (web) subnets: every instance launched here gets a public IPv4.
resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.20.${count.index}.0/24" # 10.20.0.0/24, 10.20.1.0/24
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = true
  tags                    = { Name = "three-tier-public-${count.index}", Tier = "public" }
}

# App subnets: private, outbound through the NAT gateway.
resource "aws_subnet" "app" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.${10 + count.index}.0/24" # 10.20.10.0/24, 10.20.11.0/24
  availability_zone = local.azs[count.index]
  tags              = { Name = "three-tier-app-${count.index}", Tier = "app" }
}

# DB subnets: isolated, no route out of the VPC at all.
resource "aws_subnet" "db" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.${20 + count.index}.0/24" # 10.20.20.0/24, 10.20.21.0/24
  availability_zone = local.azs[count.index]
  tags              = { Name = "three-tier-db-${count.index}", Tier = "db" }
}

# Public route table: default route to the IGW.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = { Name = "three-tier-public-rt" }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# A single NAT gateway (in public subnet 0) shared by both app subnets.
resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "three-tier-nat-eip" }
}

resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  tags          = { Name = "three-tier-nat" }

  depends_on = [aws_internet_gateway.igw]
}

# App route table: default route to the NAT gateway (outbound only).
resource "aws_route_table" "app" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }

  tags = { Name = "three-tier-app-rt" }
}

resource "aws_route_table_association" "app" {
  count          = 2
  subnet_id      = aws_subnet.app[count.index].id
  route_table_id = aws_route_table.app.id
}

# DB route table: deliberately NO routes (only the implicit "local" route to
# 10.20.0.0/16), so nothing in the db subnets can talk to the internet.
resource "aws_route_table" "db" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "three-tier-db-rt" }
}

resource "aws_route_table_association" "db" {
  count          = 2
  subnet_id      = aws_subnet.db[count.index].id
  route_table_id = aws_route_table.db.id
}

# --- Security groups -----------------------------------------------------------

resource "aws_security_group" "web" {
  name        = "web"
  description = "Public web servers"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "app" {
  name        = "app"
  description = "Application tier"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "db" {
  name        = "db"
  description = "Database tier"
  vpc_id      = aws_vpc.main.id
}

# Web: HTTP and HTTPS from anywhere.
resource "aws_vpc_security_group_ingress_rule" "web_http" {
  security_group_id = aws_security_group.web.id
  description       = "HTTP from anywhere"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "web_https" {
  security_group_id = aws_security_group.web.id
  description       = "HTTPS from anywhere"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# Web: SSH only from the office range.
resource "aws_vpc_security_group_ingress_rule" "web_ssh_office" {
  security_group_id = aws_security_group.web.id
  description       = "SSH from the office"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = local.office_cidr
}

# App: 8080 only from the web tier's security group.
resource "aws_vpc_security_group_ingress_rule" "app_from_web" {
  security_group_id            = aws_security_group.app.id
  description                  = "App port from the web tier"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.web.id
}

# DB: PostgreSQL from anywhere -- a misconfiguration, yet not reachable: the
# db instance has no public IP and its subnet has no route to the IGW.
resource "aws_vpc_security_group_ingress_rule" "db_postgres_world" {
  security_group_id = aws_security_group.db.id
  description       = "PostgreSQL from anywhere (misconfiguration)"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "0.0.0.0/0"
}

# Allow-all egress for each tier (Terraform removes AWS's default egress rule
# from SGs it creates, so it is re-created explicitly).
resource "aws_vpc_security_group_egress_rule" "all_out" {
  for_each = {
    web = aws_security_group.web.id
    app = aws_security_group.app.id
    db  = aws_security_group.db.id
  }
  security_group_id = each.value
  description       = "Allow all outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# --- Instances -----------------------------------------------------------------

# Web servers: nothing about public IPs is set here; they inherit a public
# IPv4 from the subnet's map_public_ip_on_launch = true.
resource "aws_instance" "web" {
  count                  = 2
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.public[count.index].id
  vpc_security_group_ids = [aws_security_group.web.id]
  tags                   = { Name = "web-${count.index}" }
}

# App server in app subnet 0 (NAT route, no public IP).
resource "aws_instance" "app" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.app[0].id
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Name = "app" }
}

# Database server in db subnet 0 (no default route, no public IP).
resource "aws_instance" "db" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.db[0].id
  vpc_security_group_ids = [aws_security_group.db.id]
  tags                   = { Name = "db" }
}
