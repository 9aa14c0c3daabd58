# -----------------------------------------------------------------------------
# Scenario: transit-hub-spoke
#
# Hub-and-spoke through a transit gateway with its default route table
# association and propagation disabled, and two explicit TGW route tables:
#   * "spokes": associated with the prod and dev attachments; only the shared
#     attachment propagates into it -> spokes reach shared, not each other.
#   * "shared": associated with the shared attachment; prod and dev propagate
#     into it -> shared reaches (and answers) both spokes.
# Three private VPCs (no internet gateway), one subnet each, which also hosts
# the VPC's TGW attachment. Default NACLs (allow everything).
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
}

# --- Transit gateway -------------------------------------------------------------

resource "aws_ec2_transit_gateway" "hub" {
  description                     = "hub-and-spoke"
  amazon_side_asn                 = 64512
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  tags                            = { Name = "hub-tgw" }
}

# --- VPCs, subnets, attachments ----------------------------------------------------

resource "aws_vpc" "shared" {
  cidr_block = "10.10.0.0/16"
  tags       = { Name = "shared" }
}

resource "aws_vpc" "prod" {
  cidr_block = "10.11.0.0/16"
  tags       = { Name = "prod" }
}

resource "aws_vpc" "dev" {
  cidr_block = "10.12.0.0/16"
  tags       = { Name = "dev" }
}

resource "aws_subnet" "shared" {
  vpc_id            = aws_vpc.shared.id
  cidr_block        = "10.10.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "shared-private" }
}

resource "aws_subnet" "prod" {
  vpc_id            = aws_vpc.prod.id
  cidr_block        = "10.11.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "prod-private" }
}

resource "aws_subnet" "dev" {
  vpc_id            = aws_vpc.dev.id
  cidr_block        = "10.12.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "dev-private" }
}

# The TGW has no default route table, so the attachments opt out explicitly.
resource "aws_ec2_transit_gateway_vpc_attachment" "shared" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.shared.id
  subnet_ids                                      = [aws_subnet.shared.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  tags                                            = { Name = "shared-attachment" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "prod" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.prod.id
  subnet_ids                                      = [aws_subnet.prod.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  tags                                            = { Name = "prod-attachment" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "dev" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.dev.id
  subnet_ids                                      = [aws_subnet.dev.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  tags                                            = { Name = "dev-attachment" }
}

# --- TGW route tables ----------------------------------------------------------------

# spokes: used by prod and dev; learns only the shared VPC's CIDR.
resource "aws_ec2_transit_gateway_route_table" "spokes" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags               = { Name = "spokes" }
}

resource "aws_ec2_transit_gateway_route_table_association" "prod" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.prod.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_association" "dev" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.dev.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "spokes_from_shared" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.shared.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

# shared: used by the shared VPC; learns prod and dev.
resource "aws_ec2_transit_gateway_route_table" "shared" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags               = { Name = "shared" }
}

resource "aws_ec2_transit_gateway_route_table_association" "shared" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.shared.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.shared.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "shared_from_prod" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.prod.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.shared.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "shared_from_dev" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.dev.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.shared.id
}

# --- VPC route tables ----------------------------------------------------------------

# prod and dev: all of 10.0.0.0/8 (beyond the local VPC) to the TGW.
resource "aws_route_table" "prod" {
  vpc_id = aws_vpc.prod.id
  tags   = { Name = "prod-rt" }
}

resource "aws_route" "prod_to_tgw" {
  route_table_id         = aws_route_table.prod.id
  destination_cidr_block = "10.0.0.0/8"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.prod]
}

resource "aws_route_table_association" "prod" {
  subnet_id      = aws_subnet.prod.id
  route_table_id = aws_route_table.prod.id
}

resource "aws_route_table" "dev" {
  vpc_id = aws_vpc.dev.id
  tags   = { Name = "dev-rt" }
}

resource "aws_route" "dev_to_tgw" {
  route_table_id         = aws_route_table.dev.id
  destination_cidr_block = "10.0.0.0/8"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.dev]
}

resource "aws_route_table_association" "dev" {
  subnet_id      = aws_subnet.dev.id
  route_table_id = aws_route_table.dev.id
}

# shared: each spoke's CIDR to the TGW.
resource "aws_route_table" "shared" {
  vpc_id = aws_vpc.shared.id
  tags   = { Name = "shared-rt" }
}

resource "aws_route" "shared_to_prod" {
  route_table_id         = aws_route_table.shared.id
  destination_cidr_block = "10.11.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.shared]
}

resource "aws_route" "shared_to_dev" {
  route_table_id         = aws_route_table.shared.id
  destination_cidr_block = "10.12.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.shared]
}

resource "aws_route_table_association" "shared" {
  subnet_id      = aws_subnet.shared.id
  route_table_id = aws_route_table.shared.id
}

# --- Security groups ------------------------------------------------------------

resource "aws_security_group" "shared_svc" {
  name        = "shared-svc"
  description = "Shared service"
  vpc_id      = aws_vpc.shared.id

  ingress {
    description = "HTTPS from the private 10/8 network"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "prod_app" {
  name        = "prod-app"
  description = "Production application"
  vpc_id      = aws_vpc.prod.id

  ingress {
    description = "App port from the private 10/8 network"
    protocol    = "tcp"
    from_port   = 8080
    to_port     = 8080
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "dev_app" {
  name        = "dev-app"
  description = "Development application"
  vpc_id      = aws_vpc.dev.id

  ingress {
    description = "App port from the private 10/8 network"
    protocol    = "tcp"
    from_port   = 8080
    to_port     = 8080
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Instances -----------------------------------------------------------------

resource "aws_instance" "shared_svc" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.shared.id
  vpc_security_group_ids = [aws_security_group.shared_svc.id]
  tags                   = { Name = "shared-svc" }
}

resource "aws_instance" "prod_app" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.prod.id
  vpc_security_group_ids = [aws_security_group.prod_app.id]
  tags                   = { Name = "prod-app" }
}

resource "aws_instance" "dev_app" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.dev.id
  vpc_security_group_ids = [aws_security_group.dev_app.id]
  tags                   = { Name = "dev-app" }
}
