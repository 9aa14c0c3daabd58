# -----------------------------------------------------------------------------
# Scenario: nlb-instance-targets
#
# An internet-facing Network Load Balancer WITHOUT security groups in front of
# private instances (target_type = "instance"):
#   * VPC with two public subnets (default route -> IGW) and two private
#     subnets (default route -> one NAT gateway).
#   * Listener TCP 2222 -> target group "ssh" (TCP 22): "bastion" (SG allows
#     22 from 0.0.0.0/0) and "locked" (SG allows 22 from the VPC only).
#   * Listener UDP 53 -> target group "dns" (UDP 53): "dns".
#   * Listener TCP 5432 -> target group "pg" (TCP 5432, preserve_client_ip =
#     "false"): "db" (SG allows 5432 from the VPC only).
# An NLB passes packets through: with client IP preservation (the default for
# instance targets, and always for UDP) the target's SG sees the client's
# internet address; without it, it sees the NLB's private address.
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
  cidr_block           = "10.30.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "nlb-instance-targets" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "nlb-igw" }
}

# Public subnets (10.30.0.0/24, 10.30.1.0/24): the NLB's nodes and the NAT.
resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "nlb-public-${count.index}" }
}

# Private subnets (10.30.10.0/24, 10.30.11.0/24): all targets.
resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, 10 + count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "nlb-private-${count.index}" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = { Name = "nlb-public-rt" }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "nlb-nat-eip" }
}

resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  tags          = { Name = "nlb-nat" }

  depends_on = [aws_internet_gateway.igw]
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }

  tags = { Name = "nlb-private-rt" }
}

resource "aws_route_table_association" "private" {
  count          = 2
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# --- Security groups (inline rules) --------------------------------------------

# SSH from anywhere: with client IP preservation the internet clients of the
# NLB match this rule.
resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH target open to the world"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "SSH from anywhere"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# SSH only from inside the VPC: internet clients arrive with their own
# addresses (client IP preserved), so they never match.
resource "aws_security_group" "locked" {
  name        = "locked"
  description = "SSH target for the VPC only"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "SSH from the VPC"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["10.30.0.0/16"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "dns" {
  name        = "dns"
  description = "DNS over UDP from anywhere"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "DNS from anywhere"
    protocol    = "udp"
    from_port   = 53
    to_port     = 53
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# PostgreSQL from the VPC only. Target group "pg" turns client IP
# preservation off, so the connections come from the NLB's private
# addresses (in 10.30.0.0/16) and match this rule.
resource "aws_security_group" "db" {
  name        = "db"
  description = "PostgreSQL from the VPC"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "PostgreSQL from the VPC"
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = ["10.30.0.0/16"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Network load balancer --------------------------------------------------------

# No security_groups: an NLB created without security groups filters nothing;
# every listener port is open to the internet.
resource "aws_lb" "nlb" {
  name               = "nlb-instance-targets"
  load_balancer_type = "network"
  internal           = false
  subnets            = aws_subnet.public[*].id
}

# preserve_client_ip not set: for target_type "instance" AWS enables it.
resource "aws_lb_target_group" "ssh" {
  name        = "ssh"
  port        = 22
  protocol    = "TCP"
  target_type = "instance"
  vpc_id      = aws_vpc.main.id
}

# UDP target groups always preserve the client IP.
resource "aws_lb_target_group" "dns" {
  name        = "dns"
  port        = 53
  protocol    = "UDP"
  target_type = "instance"
  vpc_id      = aws_vpc.main.id
}

resource "aws_lb_target_group" "pg" {
  name               = "pg"
  port               = 5432
  protocol           = "TCP"
  target_type        = "instance"
  preserve_client_ip = "false"
  vpc_id             = aws_vpc.main.id
}

resource "aws_lb_listener" "ssh" {
  load_balancer_arn = aws_lb.nlb.arn
  port              = 2222
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ssh.arn
  }
}

resource "aws_lb_listener" "dns" {
  load_balancer_arn = aws_lb.nlb.arn
  port              = 53
  protocol          = "UDP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.dns.arn
  }
}

resource "aws_lb_listener" "pg" {
  load_balancer_arn = aws_lb.nlb.arn
  port              = 5432
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.pg.arn
  }
}

# --- Targets (all private) ------------------------------------------------------

resource "aws_instance" "bastion" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private[0].id
  vpc_security_group_ids = [aws_security_group.bastion.id]
  tags                   = { Name = "bastion" }
}

resource "aws_instance" "locked" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private[1].id
  vpc_security_group_ids = [aws_security_group.locked.id]
  tags                   = { Name = "locked" }
}

resource "aws_instance" "dns" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private[0].id
  vpc_security_group_ids = [aws_security_group.dns.id]
  tags                   = { Name = "dns" }
}

resource "aws_instance" "db" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private[1].id
  vpc_security_group_ids = [aws_security_group.db.id]
  tags                   = { Name = "db" }
}

resource "aws_lb_target_group_attachment" "bastion" {
  target_group_arn = aws_lb_target_group.ssh.arn
  target_id        = aws_instance.bastion.id
}

resource "aws_lb_target_group_attachment" "locked" {
  target_group_arn = aws_lb_target_group.ssh.arn
  target_id        = aws_instance.locked.id
}

resource "aws_lb_target_group_attachment" "dns" {
  target_group_arn = aws_lb_target_group.dns.arn
  target_id        = aws_instance.dns.id
}

resource "aws_lb_target_group_attachment" "db" {
  target_group_arn = aws_lb_target_group.pg.arn
  target_id        = aws_instance.db.id
}
