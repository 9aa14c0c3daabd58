# -----------------------------------------------------------------------------
# Scenario: ipv6-dualstack
#
# Dual-stack VPC with an Amazon-provided IPv6 /56:
#   * public subnet:  0.0.0.0/0 and ::/0 -> Internet Gateway
#   * private subnet: ::/0 -> Egress-only Internet Gateway (outbound-only for
#     IPv6; no IPv4 default route at all)
# Instance addresses: IPv6 addresses assigned from the subnet are globally
# routable (there is no "private IPv6"); whether the internet can reach them
# depends on the route table (IGW vs egress-only IGW) and the SG.
# The VPC's IPv6 block is only known after apply, so the subnets' IPv6 CIDRs
# are unknown in the plan (cidrsubnet() over an unknown value).
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

# --- Network ------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block                       = "10.40.0.0/16"
  assign_generated_ipv6_cidr_block = true # Amazon-provided /56
  enable_dns_support               = true
  enable_dns_hostnames             = true
  tags                             = { Name = "dualstack" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "dualstack-igw" }
}

# Egress-only IGW: IPv6 equivalent of a NAT gateway -- instances can open
# outbound IPv6 connections, the internet cannot open connections to them.
resource "aws_egress_only_internet_gateway" "eigw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "dualstack-eigw" }
}

# Public dual-stack subnet: first /64 of the VPC's /56.
resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.40.0.0/24"
  ipv6_cidr_block   = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 0)
  availability_zone = "us-east-1a"
  tags              = { Name = "dualstack-public" }
}

# Private dual-stack subnet: second /64 of the VPC's /56.
resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.40.1.0/24"
  ipv6_cidr_block   = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 1)
  availability_zone = "us-east-1a"
  tags              = { Name = "dualstack-private" }
}

# Public route table: both default routes to the IGW.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  route {
    ipv6_cidr_block = "::/0"
    gateway_id      = aws_internet_gateway.igw.id
  }

  tags = { Name = "dualstack-public-rt" }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# Private route table: IPv6 default route to the egress-only IGW only.
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    ipv6_cidr_block        = "::/0"
    egress_only_gateway_id = aws_egress_only_internet_gateway.eigw.id
  }

  tags = { Name = "dualstack-private-rt" }
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

# --- Security groups -----------------------------------------------------------

# web6: HTTPS over IPv6 from anywhere; SSH over IPv4 from anywhere (but the
# instance has no public IPv4, so the SSH rule is not usable from outside).
resource "aws_security_group" "web6" {
  name        = "web6"
  description = "IPv6-only public web server"
  vpc_id      = aws_vpc.main.id

  ingress {
    description      = "HTTPS from the IPv6 internet"
    protocol         = "tcp"
    from_port        = 443
    to_port          = 443
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description = "SSH from the IPv4 internet"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description      = "Allow all outbound"
    protocol         = "-1"
    from_port        = 0
    to_port          = 0
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

# dual: HTTP from both address families.
resource "aws_security_group" "dual" {
  name        = "dual"
  description = "Dual-stack public web server"
  vpc_id      = aws_vpc.main.id

  ingress {
    description      = "HTTP from anywhere (IPv4 and IPv6)"
    protocol         = "tcp"
    from_port        = 80
    to_port          = 80
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  egress {
    description      = "Allow all outbound"
    protocol         = "-1"
    from_port        = 0
    to_port          = 0
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

# private6: HTTPS over IPv6 from anywhere -- but the subnet only has an
# egress-only route, so no inbound connection can ever arrive.
resource "aws_security_group" "private6" {
  name        = "private6"
  description = "Private dual-stack server"
  vpc_id      = aws_vpc.main.id

  ingress {
    description      = "HTTPS from the IPv6 internet"
    protocol         = "tcp"
    from_port        = 443
    to_port          = 443
    ipv6_cidr_blocks = ["::/0"]
  }

  egress {
    description      = "Allow all outbound"
    protocol         = "-1"
    from_port        = 0
    to_port          = 0
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

# --- Instances -----------------------------------------------------------------

# Public subnet, one IPv6 address, explicitly NO public IPv4.
resource "aws_instance" "web6" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.web6.id]
  associate_public_ip_address = false
  ipv6_address_count          = 1
  tags                        = { Name = "web6" }
}

# Public subnet, public IPv4 AND one IPv6 address.
resource "aws_instance" "dual" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.dual.id]
  associate_public_ip_address = true
  ipv6_address_count          = 1
  tags                        = { Name = "dual" }
}

# Private subnet (egress-only IPv6), one IPv6 address, no public IPv4.
resource "aws_instance" "private6" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.private6.id]
  ipv6_address_count     = 1
  tags                   = { Name = "private6" }
}
