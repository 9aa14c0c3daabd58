# -----------------------------------------------------------------------------
# Scenario: peered-vpcs
#
# Three private VPCs (no internet gateway anywhere) joined by VPC peering:
#   * hub_data     hub <-> data, accepted (auto_accept), routes both ways.
#   * partner_data partner <-> data, accepted (auto_accept), but only partner
#                  routes to data; data has no route back to partner.
#   * hub_partner  hub <-> partner, routes both ways, but auto_accept = false
#                  and no aws_vpc_peering_connection_accepter: it stays
#                  pending-acceptance and carries no traffic.
# One instance per VPC. Default NACLs (allow everything).
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
  hub_cidr      = "10.100.0.0/16"
  data_cidr     = "10.101.0.0/16"
  partner_cidr  = "10.102.0.0/16"
}

# --- VPCs and subnets -----------------------------------------------------------

resource "aws_vpc" "hub" {
  cidr_block = local.hub_cidr
  tags       = { Name = "hub" }
}

resource "aws_vpc" "data" {
  cidr_block = local.data_cidr
  tags       = { Name = "data" }
}

resource "aws_vpc" "partner" {
  cidr_block = local.partner_cidr
  tags       = { Name = "partner" }
}

resource "aws_subnet" "hub" {
  vpc_id            = aws_vpc.hub.id
  cidr_block        = "10.100.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "hub-private" }
}

resource "aws_subnet" "data" {
  vpc_id            = aws_vpc.data.id
  cidr_block        = "10.101.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "data-private" }
}

resource "aws_subnet" "partner" {
  vpc_id            = aws_vpc.partner.id
  cidr_block        = "10.102.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "partner-private" }
}

# --- Peering connections ---------------------------------------------------------

# hub <-> data: same account, accepted on creation.
resource "aws_vpc_peering_connection" "hub_data" {
  vpc_id      = aws_vpc.hub.id
  peer_vpc_id = aws_vpc.data.id
  auto_accept = true
  tags        = { Name = "hub-data" }
}

# partner <-> data: accepted, but data never routes back to partner.
resource "aws_vpc_peering_connection" "partner_data" {
  vpc_id      = aws_vpc.partner.id
  peer_vpc_id = aws_vpc.data.id
  auto_accept = true
  tags        = { Name = "partner-data" }
}

# hub <-> partner: requested only (auto_accept = false, no accepter resource),
# so it stays pending-acceptance and routes pointing at it are blackholes.
resource "aws_vpc_peering_connection" "hub_partner" {
  vpc_id      = aws_vpc.hub.id
  peer_vpc_id = aws_vpc.partner.id
  auto_accept = false
  tags        = { Name = "hub-partner" }
}

# --- Route tables -------------------------------------------------------------------

# hub: data and partner through their peering connections, as separate
# aws_route resources. (Two inline route blocks pointing at two different
# peerings would be ambiguous in the plan: see README.)
resource "aws_route_table" "hub" {
  vpc_id = aws_vpc.hub.id
  tags   = { Name = "hub-rt" }
}

resource "aws_route" "hub_to_data" {
  route_table_id            = aws_route_table.hub.id
  destination_cidr_block    = local.data_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.hub_data.id
}

resource "aws_route" "hub_to_partner" {
  route_table_id            = aws_route_table.hub.id
  destination_cidr_block    = local.partner_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.hub_partner.id
}

resource "aws_route_table_association" "hub" {
  subnet_id      = aws_subnet.hub.id
  route_table_id = aws_route_table.hub.id
}

# data: back to hub only (one inline route). No route to 10.102.0.0/16 (partner).
resource "aws_route_table" "data" {
  vpc_id = aws_vpc.data.id

  route {
    cidr_block                = local.hub_cidr
    vpc_peering_connection_id = aws_vpc_peering_connection.hub_data.id
  }

  tags = { Name = "data-rt" }
}

resource "aws_route_table_association" "data" {
  subnet_id      = aws_subnet.data.id
  route_table_id = aws_route_table.data.id
}

# partner: routes as separate aws_route resources.
resource "aws_route_table" "partner" {
  vpc_id = aws_vpc.partner.id
  tags   = { Name = "partner-rt" }
}

resource "aws_route" "partner_to_data" {
  route_table_id            = aws_route_table.partner.id
  destination_cidr_block    = local.data_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.partner_data.id
}

resource "aws_route" "partner_to_hub" {
  route_table_id            = aws_route_table.partner.id
  destination_cidr_block    = local.hub_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.hub_partner.id
}

resource "aws_route_table_association" "partner" {
  subnet_id      = aws_subnet.partner.id
  route_table_id = aws_route_table.partner.id
}

# --- Security groups ------------------------------------------------------------

resource "aws_security_group" "data_db" {
  name        = "data-db"
  description = "Database in the data VPC"
  vpc_id      = aws_vpc.data.id

  ingress {
    description = "PostgreSQL from hub and partner"
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = [local.hub_cidr, local.partner_cidr]
  }

  ingress {
    description = "SSH from any private 10/8 address"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "hub_app" {
  name        = "hub-app"
  description = "Application in the hub VPC"
  vpc_id      = aws_vpc.hub.id

  ingress {
    description = "App port from data and partner"
    protocol    = "tcp"
    from_port   = 8080
    to_port     = 8080
    cidr_blocks = [local.data_cidr, local.partner_cidr]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "partner_box" {
  name        = "partner-box"
  description = "Host in the partner VPC"
  vpc_id      = aws_vpc.partner.id

  ingress {
    description = "SSH from hub"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = [local.hub_cidr]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Instances -----------------------------------------------------------------

resource "aws_instance" "data_db" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.data.id
  vpc_security_group_ids = [aws_security_group.data_db.id]
  tags                   = { Name = "data-db" }
}

resource "aws_instance" "hub_app" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.hub.id
  vpc_security_group_ids = [aws_security_group.hub_app.id]
  tags                   = { Name = "hub-app" }
}

resource "aws_instance" "partner_box" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.partner.id
  vpc_security_group_ids = [aws_security_group.partner_box.id]
  tags                   = { Name = "partner-box" }
}
