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

# Security group rules whose sources are managed prefix lists. Lists created in this plan
# have unknown ids but known entries: the rules admit those entries. A list this plan does
# not manage has unknown contents: a careful reviewer assumes it may hold any address.

resource "aws_vpc" "main" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.2.1.0/24"
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

# Entries inline.
resource "aws_ec2_managed_prefix_list" "office" {
  name           = "office"
  address_family = "IPv4"
  max_entries    = 5
  entry {
    cidr        = "203.0.113.0/24"
    description = "head office"
  }
}

# Entries as separate resources.
resource "aws_ec2_managed_prefix_list" "partners" {
  name           = "partners"
  address_family = "IPv4"
  max_entries    = 5
}

resource "aws_ec2_managed_prefix_list_entry" "partner_a" {
  cidr           = "198.51.100.0/24"
  prefix_list_id = aws_ec2_managed_prefix_list.partners.id
}

resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id

  # inline rule, list made in this plan: the office only
  ingress {
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    prefix_list_ids = [aws_ec2_managed_prefix_list.office.id]
  }
}

# separate rule, list made in this plan with separate entries: the partners only
resource "aws_vpc_security_group_ingress_rule" "partners" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 2222
  to_port           = 2222
  prefix_list_id    = aws_ec2_managed_prefix_list.partners.id
}

# separate rule, list not managed by this plan: contents unknown, assumed any address
resource "aws_security_group_rule" "vendor" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  protocol          = "tcp"
  from_port         = 8443
  to_port           = 8443
  prefix_list_ids   = ["pl-0a1b2c3d4e5f67890"]
}

resource "aws_instance" "web" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.web.id]
}
