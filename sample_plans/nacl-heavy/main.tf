# -----------------------------------------------------------------------------
# Scenario: nacl-heavy
#
# Three public subnets behind one IGW, each with one instance that has a public
# IPv4 and the SAME wide-open security group. Only the network ACLs differ,
# so every difference in reachability comes from NACL evaluation:
#   * "web"        -- custom NACL with inline rules (rule order / shadowing,
#                     ephemeral-port range that also opens 3389 and 5432)
#   * "noreturn"   -- custom NACL built from separate aws_network_acl_rule
#                     resources; egress forgets the ephemeral reply ports
#   * "defaultacl" -- no explicit NACL: falls back to the VPC's default NACL,
#                     which is managed here with aws_default_network_acl
# NACLs are stateless: a TCP/UDP reply from the instance to an internet client
# leaves on the client's ephemeral port (1024-65535) and must be allowed by
# an EGRESS rule.
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
  cidr_block = "10.30.0.0/16"
  tags       = { Name = "nacl-heavy" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "nacl-heavy-igw" }
}

resource "aws_subnet" "web" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "web" }
}

resource "aws_subnet" "noreturn" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.2.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "noreturn" }
}

resource "aws_subnet" "defaultacl" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.3.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "defaultacl" }
}

# One public route table (0.0.0.0/0 -> IGW) shared by all three subnets.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = { Name = "nacl-heavy-public-rt" }
}

resource "aws_route_table_association" "web" {
  subnet_id      = aws_subnet.web.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "noreturn" {
  subnet_id      = aws_subnet.noreturn.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "defaultacl" {
  subnet_id      = aws_subnet.defaultacl.id
  route_table_id = aws_route_table.public.id
}

# --- Network ACLs ---------------------------------------------------------------

# NACL "web": inline rules, associated through an aws_network_acl_association.
# Rules are evaluated in ascending rule_no; the first match wins.
resource "aws_network_acl" "web" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "web-nacl" }

  # 90: deny SSH from everywhere. Evaluated before rule 120, so it also wins
  # for 10.0.0.0/8 sources; for the internet SSH is simply denied.
  ingress {
    rule_no    = 90
    action     = "deny"
    protocol   = "tcp"
    cidr_block = "0.0.0.0/0"
    from_port  = 22
    to_port    = 22
  }

  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "0.0.0.0/0"
    from_port  = 80
    to_port    = 80
  }

  ingress {
    rule_no    = 110
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }

  # 120: SSH from private ranges -- shadowed by rule 90 (never matches).
  ingress {
    rule_no    = 120
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "10.0.0.0/8"
    from_port  = 22
    to_port    = 22
  }

  # 130: meant for replies to the instances' own outbound connections, but
  # as an INGRESS rule it also admits new connections to 3389 and 5432.
  ingress {
    rule_no    = 130
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "0.0.0.0/0"
    from_port  = 1024
    to_port    = 65535
  }

  # Replies to internet clients (their ephemeral ports). TCP only: no UDP.
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "0.0.0.0/0"
    from_port  = 1024
    to_port    = 65535
  }
}

resource "aws_network_acl_association" "web" {
  subnet_id      = aws_subnet.web.id
  network_acl_id = aws_network_acl.web.id
}

# NACL "noreturn": no inline rules; rules are separate resources below, and
# the subnet is attached with the NACL's own subnet_ids argument.
resource "aws_network_acl" "noreturn" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.noreturn.id]
  tags       = { Name = "noreturn-nacl" }
}

# Ingress: everything from everywhere.
resource "aws_network_acl_rule" "noreturn_in_all" {
  network_acl_id = aws_network_acl.noreturn.id
  egress         = false
  rule_number    = 100
  rule_action    = "allow"
  protocol       = "-1"
  cidr_block     = "0.0.0.0/0"
  from_port      = 0
  to_port        = 0
}

# Egress: only TCP to destination port 443. Replies to internet clients go
# to ports 1024-65535 and hit the implicit deny, so nothing works inbound.
resource "aws_network_acl_rule" "noreturn_out_443" {
  network_acl_id = aws_network_acl.noreturn.id
  egress         = true
  rule_number    = 100
  rule_action    = "allow"
  protocol       = "tcp"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

# The VPC's default NACL, taken over by Terraform. Subnet "defaultacl" has no
# explicit association, so it uses this NACL. (subnet_ids is left unset on
# purpose: the subnets that are associated elsewhere are not listed here.)
resource "aws_default_network_acl" "default" {
  default_network_acl_id = aws_vpc.main.default_network_acl_id
  tags                   = { Name = "nacl-heavy-default" }

  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }

  ingress {
    rule_no    = 110
    action     = "allow"
    protocol   = "udp"
    cidr_block = "0.0.0.0/0"
    from_port  = 53
    to_port    = 53
  }

  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
}

# --- Security group (identical for all three instances) ------------------------

resource "aws_security_group" "open" {
  name        = "open"
  description = "Deliberately wide open; NACLs decide"
  vpc_id      = aws_vpc.main.id

  dynamic "ingress" {
    for_each = [22, 80, 443, 3389, 5432]
    content {
      description = "TCP ${ingress.value} from anywhere"
      protocol    = "tcp"
      from_port   = ingress.value
      to_port     = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  ingress {
    description = "DNS over UDP from anywhere"
    protocol    = "udp"
    from_port   = 53
    to_port     = 53
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "Allow all outbound"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Instances (one per subnet, all with a public IPv4) -------------------------

resource "aws_instance" "web" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.web.id
  vpc_security_group_ids      = [aws_security_group.open.id]
  associate_public_ip_address = true
  tags                        = { Name = "web" }
}

resource "aws_instance" "noreturn" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.noreturn.id
  vpc_security_group_ids      = [aws_security_group.open.id]
  associate_public_ip_address = true
  tags                        = { Name = "noreturn" }
}

resource "aws_instance" "defaultacl" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.defaultacl.id
  vpc_security_group_ids      = [aws_security_group.open.id]
  associate_public_ip_address = true
  tags                        = { Name = "defaultacl" }
}
