# -----------------------------------------------------------------------------
# Scenario: vpn-static-and-propagated
#
# A private VPC reached from two on-premises ranges over a site-to-site VPN
# (static routing, no BGP):
#   * aws_vpn_gateway attached to the VPC (vpc_id), a customer gateway and a
#     VPN connection "dc" with static_routes_only = true and two static routes
#     (192.168.0.0/16 and 172.20.0.0/16).
#   * Four subnets that differ only in how (or whether) their route table sends
#     replies back to the VPN gateway:
#       app      - route propagation from the VGW (aws_vpn_gateway_route_propagation)
#       batch    - one static aws_route 192.168.0.0/16 -> VGW, no propagation
#       isolated - no VGW route at all
#       public   - 0.0.0.0/0 -> IGW, no VGW route
#   * One instance per subnet, all in SG onprem (private sources only), and an
#     internal HTTPS ALB "intranet" (subnets app + batch) in front of app.
# No NACLs: every subnet uses the VPC's default NACL (allows everything).
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
  ami             = "ami-0c02fb55956c7d316"
  instance_type   = "t3.micro"
  onprem_main     = "192.168.0.0/16"
  onprem_db       = "172.20.0.0/16"
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
}

# --- Network ------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block           = "10.50.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "vpn-static-and-propagated" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "vpn-igw" }
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.50.0.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "vpn-public" }
}

resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.50.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "vpn-app" }
}

resource "aws_subnet" "batch" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.50.2.0/24"
  availability_zone = "us-east-1b"
  tags              = { Name = "vpn-batch" }
}

resource "aws_subnet" "isolated" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.50.3.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "vpn-isolated" }
}

# --- Site-to-site VPN (static routing) ---------------------------------------------

resource "aws_vpn_gateway" "vgw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "vpn-vgw" }
}

resource "aws_customer_gateway" "dc" {
  bgp_asn    = 65000
  ip_address = "198.51.100.10"
  type       = "ipsec.1"
  tags       = { Name = "dc-router" }
}

resource "aws_vpn_connection" "dc" {
  vpn_gateway_id      = aws_vpn_gateway.vgw.id
  customer_gateway_id = aws_customer_gateway.dc.id
  type                = "ipsec.1"
  static_routes_only  = true
  tags                = { Name = "dc-vpn" }
}

# The on-premises prefixes behind the tunnel.
resource "aws_vpn_connection_route" "onprem_main" {
  vpn_connection_id      = aws_vpn_connection.dc.id
  destination_cidr_block = local.onprem_main
}

resource "aws_vpn_connection_route" "onprem_db" {
  vpn_connection_id      = aws_vpn_connection.dc.id
  destination_cidr_block = local.onprem_db
}

# --- Route tables -------------------------------------------------------------------

# public: default route to the IGW, nothing to the VGW.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = { Name = "vpn-public-rt" }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# app: no static routes; the VGW propagates every VPN static route
# (192.168.0.0/16 and 172.20.0.0/16) into it.
resource "aws_route_table" "app" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "vpn-app-rt" }
}

resource "aws_vpn_gateway_route_propagation" "app" {
  vpn_gateway_id = aws_vpn_gateway.vgw.id
  route_table_id = aws_route_table.app.id
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}

# batch: one static route to the VGW, for 192.168.0.0/16 only; no propagation.
resource "aws_route_table" "batch" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "vpn-batch-rt" }
}

resource "aws_route" "batch_onprem_main" {
  route_table_id         = aws_route_table.batch.id
  destination_cidr_block = local.onprem_main
  gateway_id             = aws_vpn_gateway.vgw.id
}

resource "aws_route_table_association" "batch" {
  subnet_id      = aws_subnet.batch.id
  route_table_id = aws_route_table.batch.id
}

# isolated: only the implicit local route.
resource "aws_route_table" "isolated" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "vpn-isolated-rt" }
}

resource "aws_route_table_association" "isolated" {
  subnet_id      = aws_subnet.isolated.id
  route_table_id = aws_route_table.isolated.id
}

# --- Security groups ------------------------------------------------------------

# Internal ALB: HTTPS from the main on-premises range only.
resource "aws_security_group" "intranet_alb" {
  name        = "intranet-alb"
  description = "Internal ALB for on-premises users"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTPS from on-premises"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = [local.onprem_main]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Shared by every instance: private (on-premises) sources only.
resource "aws_security_group" "onprem" {
  name        = "onprem"
  description = "Access from the data centre"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "SSH from on-premises"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = [local.onprem_main]
  }

  ingress {
    description = "HTTPS from on-premises"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = [local.onprem_main]
  }

  ingress {
    description = "PostgreSQL from the on-premises database network"
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = [local.onprem_db]
  }

  ingress {
    description     = "App port from the internal ALB"
    protocol        = "tcp"
    from_port       = 8443
    to_port         = 8443
    security_groups = [aws_security_group.intranet_alb.id]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Instances -----------------------------------------------------------------

resource "aws_instance" "app" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.onprem.id]
  tags                   = { Name = "app" }
}

resource "aws_instance" "batch" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.batch.id
  vpc_security_group_ids = [aws_security_group.onprem.id]
  tags                   = { Name = "batch" }
}

resource "aws_instance" "isolated" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.isolated.id
  vpc_security_group_ids = [aws_security_group.onprem.id]
  tags                   = { Name = "isolated" }
}

# Public subnet and a public IP, but SG onprem admits only private ranges.
resource "aws_instance" "edge" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.public.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.onprem.id]
  tags                        = { Name = "edge" }
}

# --- Internal ALB ----------------------------------------------------------------

resource "aws_lb" "intranet" {
  name               = "intranet"
  load_balancer_type = "application"
  internal           = true
  subnets            = [aws_subnet.app.id, aws_subnet.batch.id]
  security_groups    = [aws_security_group.intranet_alb.id]
}

resource "aws_lb_target_group" "app" {
  name        = "intranet-app"
  port        = 8443
  protocol    = "HTTPS"
  target_type = "instance"
  vpc_id      = aws_vpc.main.id
}

resource "aws_lb_target_group_attachment" "app" {
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = aws_instance.app.id
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.intranet.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = local.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
