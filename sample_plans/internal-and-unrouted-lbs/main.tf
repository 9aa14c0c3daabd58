# -----------------------------------------------------------------------------
# Scenario: internal-and-unrouted-lbs
#
# Four Application Load Balancers, only two of which the internet can reach:
#   * "internal"  : internal = true, private subnets. Never internet-facing.
#   * "stranded"  : internal = false, but in "unrouted" subnets whose route
#                   table has only the local route (no IGW, no NAT): it gets
#                   public addresses that nothing can route to or back from.
#   * "noegress"  : internet-facing in public subnets, but its security group
#                   has NO egress rule (Terraform deletes AWS's default
#                   allow-all egress), so it can accept connections on 80 but
#                   never open one to its target.
#   * "implicit"  : `internal` omitted (AWS default: internet-facing), public
#                   subnets, listener 80 with a fixed response (no targets).
# VPC 10.40.0.0/16 with private (NAT), unrouted and public (IGW) subnets in
# two AZs.
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
  azs             = ["us-east-1a", "us-east-1b"]
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
}

# --- Network ------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block           = "10.40.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "internal-and-unrouted-lbs" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "iul-igw" }
}

# Public subnets (10.40.0.0/24, 10.40.1.0/24): 0.0.0.0/0 -> IGW.
resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "iul-public-${count.index}" }
}

# Private subnets (10.40.10.0/24, 10.40.11.0/24): 0.0.0.0/0 -> NAT.
resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, 10 + count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "iul-private-${count.index}" }
}

# Unrouted subnets (10.40.20.0/24, 10.40.21.0/24): only the local route.
resource "aws_subnet" "unrouted" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, 20 + count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "iul-unrouted-${count.index}" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = { Name = "iul-public-rt" }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "iul-nat-eip" }
}

resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  tags          = { Name = "iul-nat" }

  depends_on = [aws_internet_gateway.igw]
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }

  tags = { Name = "iul-private-rt" }
}

resource "aws_route_table_association" "private" {
  count          = 2
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# No route blocks at all: only the implicit local route (10.40.0.0/16).
resource "aws_route_table" "unrouted" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "iul-unrouted-rt" }
}

resource "aws_route_table_association" "unrouted" {
  count          = 2
  subnet_id      = aws_subnet.unrouted[count.index].id
  route_table_id = aws_route_table.unrouted.id
}

# --- Load balancer security groups (inline rules) --------------------------------

resource "aws_security_group" "internal_alb" {
  name        = "internal-alb"
  description = "Internal ALB"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTP from anywhere (but the ALB is internal)"
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "stranded_alb" {
  name        = "stranded-alb"
  description = "Internet-facing ALB in unrouted subnets"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTPS from anywhere"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Ingress only, NO egress block and no egress rule resource: Terraform deletes
# the default allow-all egress rule when it creates the group, so the ALB can
# accept connections but cannot open any towards its targets.
resource "aws_security_group" "noegress_alb" {
  name        = "noegress-alb"
  description = "Internet-facing ALB without egress"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTP from anywhere"
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "implicit_alb" {
  name        = "implicit-alb"
  description = "ALB whose scheme is left to the default"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTP from anywhere"
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Target security groups -----------------------------------------------------

resource "aws_security_group" "api" {
  name        = "api"
  description = "Behind the internal ALB"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "App port from the internal ALB"
    protocol        = "tcp"
    from_port       = 8080
    to_port         = 8080
    security_groups = [aws_security_group.internal_alb.id]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "stranded_app" {
  name        = "stranded-app"
  description = "Behind the stranded ALB"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "App port from the stranded ALB"
    protocol        = "tcp"
    from_port       = 8443
    to_port         = 8443
    security_groups = [aws_security_group.stranded_alb.id]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Wide open, but private, and its ALB cannot send to it.
resource "aws_security_group" "orphan" {
  name        = "orphan"
  description = "Behind the ALB without egress"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "App port from anywhere"
    protocol    = "tcp"
    from_port   = 8080
    to_port     = 8080
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- ALB "internal": internal = true ------------------------------------------------

resource "aws_lb" "internal" {
  name               = "iul-internal"
  load_balancer_type = "application"
  internal           = true
  subnets            = aws_subnet.private[*].id
  security_groups    = [aws_security_group.internal_alb.id]
}

resource "aws_lb_target_group" "api" {
  name     = "iul-api"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "internal_http" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_instance" "api" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private[0].id
  vpc_security_group_ids = [aws_security_group.api.id]
  tags                   = { Name = "api" }
}

resource "aws_lb_target_group_attachment" "api" {
  target_group_arn = aws_lb_target_group.api.arn
  target_id        = aws_instance.api.id
}

# --- ALB "stranded": internet-facing, but in subnets without an IGW route -----------

resource "aws_lb" "stranded" {
  name               = "iul-stranded"
  load_balancer_type = "application"
  internal           = false
  subnets            = aws_subnet.unrouted[*].id
  security_groups    = [aws_security_group.stranded_alb.id]
}

resource "aws_lb_target_group" "stranded_app" {
  name     = "iul-stranded-app"
  port     = 8443
  protocol = "HTTPS"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "stranded_https" {
  load_balancer_arn = aws_lb.stranded.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = local.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.stranded_app.arn
  }
}

resource "aws_instance" "stranded_app" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private[1].id
  vpc_security_group_ids = [aws_security_group.stranded_app.id]
  tags                   = { Name = "stranded-app" }
}

resource "aws_lb_target_group_attachment" "stranded_app" {
  target_group_arn = aws_lb_target_group.stranded_app.arn
  target_id        = aws_instance.stranded_app.id
}

# --- ALB "noegress": internet-facing, SG without egress ---------------------------

resource "aws_lb" "noegress" {
  name               = "iul-noegress"
  load_balancer_type = "application"
  internal           = false
  subnets            = aws_subnet.public[*].id
  security_groups    = [aws_security_group.noegress_alb.id]
}

resource "aws_lb_target_group" "orphan" {
  name     = "iul-orphan"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "noegress_http" {
  load_balancer_arn = aws_lb.noegress.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.orphan.arn
  }
}

resource "aws_instance" "orphan" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private[0].id
  vpc_security_group_ids = [aws_security_group.orphan.id]
  tags                   = { Name = "orphan" }
}

resource "aws_lb_target_group_attachment" "orphan" {
  target_group_arn = aws_lb_target_group.orphan.arn
  target_id        = aws_instance.orphan.id
}

# --- ALB "implicit": `internal` omitted (defaults to internet-facing) ---------------

resource "aws_lb" "implicit" {
  name               = "iul-implicit"
  load_balancer_type = "application"
  subnets            = aws_subnet.public[*].id
  security_groups    = [aws_security_group.implicit_alb.id]
}

# Answers by itself: no target group behind it.
resource "aws_lb_listener" "implicit_http" {
  load_balancer_arn = aws_lb.implicit.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "ok"
      status_code  = "200"
    }
  }
}
