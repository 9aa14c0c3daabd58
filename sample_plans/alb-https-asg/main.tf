# -----------------------------------------------------------------------------
# Scenario: alb-https-asg
#
# An internet-facing Application Load Balancer terminating HTTPS in front of
# private targets:
#   * VPC with two public subnets (default route -> IGW) and two private
#     subnets (default route -> one NAT gateway).
#   * aws_lb.web (application, public subnets). Listener 80 only redirects to
#     HTTPS; listener 443 (HTTPS) forwards to target group "app" (HTTP 8080),
#     and a listener rule sends "/admin/*" to target group "admin" (HTTP 9000).
#   * Target group "app" holds two instances (aws_lb_target_group_attachment)
#     and an Auto Scaling group (target_group_arns) launched from a launch
#     template; target group "admin" holds one instance.
#   * The ALB's security group only allows EGRESS on TCP 8080 to the VPC
#     (aws_vpc_security_group_egress_rule): Terraform removes the default
#     allow-all egress rule of every aws_security_group it creates, so the
#     ALB cannot open connections to the admin target's port 9000.
#   * One resource of a type that a reachability checker does not model
#     (aws_cloudwatch_log_group), which must only be counted as skipped.
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
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "alb-https-asg" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "alb-https-asg-igw" }
}

# Two public subnets, one per AZ (10.20.0.0/24, 10.20.1.0/24): the ALB's nodes
# and the NAT gateway live here.
resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "alb-https-asg-public-${count.index}" }
}

# Two private subnets, one per AZ (10.20.10.0/24, 10.20.11.0/24): every target.
resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, 10 + count.index)
  availability_zone = local.azs[count.index]
  tags              = { Name = "alb-https-asg-private-${count.index}" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = { Name = "alb-https-asg-public-rt" }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "alb-https-asg-nat-eip" }
}

resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  tags          = { Name = "alb-https-asg-nat" }

  depends_on = [aws_internet_gateway.igw]
}

# Private route table: 0.0.0.0/0 -> NAT (outbound only, no inbound path).
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }

  tags = { Name = "alb-https-asg-private-rt" }
}

resource "aws_route_table_association" "private" {
  count          = 2
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# --- Security groups ----------------------------------------------------------

# ALB: no inline rules; its rules are the aws_vpc_security_group_*_rule
# resources below. With no egress block Terraform still deletes AWS's default
# allow-all egress rule when it creates the group, so the ONLY egress is the
# 8080 rule.
resource "aws_security_group" "alb" {
  name        = "alb"
  description = "Internet-facing ALB"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from anywhere (redirected to HTTPS)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from anywhere"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# The only egress of the ALB: TCP 8080 into the VPC. Port 9000 (admin target
# group) is NOT allowed, so the ALB cannot reach the admin instance.
resource "aws_vpc_security_group_egress_rule" "alb_to_app" {
  security_group_id = aws_security_group.alb.id
  description       = "To the app targets only"
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_ipv4         = aws_vpc.main.cidr_block
}

# App tier (instances app[0..1] and the Auto Scaling group's instances).
resource "aws_security_group" "app" {
  name        = "app"
  description = "App targets behind the ALB"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group_rule" "app_from_alb" {
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  description              = "App port from the ALB"
  protocol                 = "tcp"
  from_port                = 8080
  to_port                  = 8080
  source_security_group_id = aws_security_group.alb.id
}

# Too broad, but the app targets are private (NAT route, no public address),
# and the ALB has no listener that maps to 22.
resource "aws_security_group_rule" "app_ssh_anywhere" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  description       = "SSH from anywhere (private subnet, so harmless)"
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
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

# Admin target: 9000 from the ALB's SG (inline rules this time).
resource "aws_security_group" "admin" {
  name        = "admin"
  description = "Admin target behind the ALB"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "Admin port from the ALB"
    protocol        = "tcp"
    from_port       = 9000
    to_port         = 9000
    security_groups = [aws_security_group.alb.id]
  }

  egress {
    description = "Allow all outbound"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Load balancer ---------------------------------------------------------------

resource "aws_lb" "web" {
  name               = "alb-https-asg"
  load_balancer_type = "application"
  internal           = false
  subnets            = aws_subnet.public[*].id
  security_groups    = [aws_security_group.alb.id]
}

resource "aws_lb_target_group" "app" {
  name        = "app"
  port        = 8080
  protocol    = "HTTP"
  target_type = "instance"
  vpc_id      = aws_vpc.main.id

  health_check {
    path     = "/healthz"
    port     = "traffic-port"
    protocol = "HTTP"
  }
}

resource "aws_lb_target_group" "admin" {
  name        = "admin"
  port        = 9000
  protocol    = "HTTP"
  target_type = "instance"
  vpc_id      = aws_vpc.main.id
}

# Port 80 only answers with a redirect to HTTPS: it forwards nothing.
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = local.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

# "/admin/*" on the HTTPS listener goes to the admin target group.
resource "aws_lb_listener_rule" "admin" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.admin.arn
  }

  condition {
    path_pattern {
      values = ["/admin/*"]
    }
  }
}

# --- Targets ---------------------------------------------------------------------

resource "aws_instance" "app" {
  count                  = 2
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private[count.index].id
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Name = "app-${count.index}" }
}

resource "aws_lb_target_group_attachment" "app" {
  count            = 2
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = aws_instance.app[count.index].id
  port             = 8080
}

resource "aws_instance" "admin" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private[0].id
  vpc_security_group_ids = [aws_security_group.admin.id]
  tags                   = { Name = "admin" }
}

resource "aws_lb_target_group_attachment" "admin" {
  target_group_arn = aws_lb_target_group.admin.arn
  target_id        = aws_instance.admin.id
  port             = 9000
}

# Workers: launched by the Auto Scaling group into the private subnets with
# SG app, and registered in target group "app" through target_group_arns.
resource "aws_launch_template" "worker" {
  name_prefix            = "worker-"
  image_id               = local.ami
  instance_type          = local.instance_type
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_autoscaling_group" "worker" {
  name                = "worker"
  min_size            = 2
  max_size            = 4
  desired_capacity    = 2
  vpc_zone_identifier = aws_subnet.private[*].id
  target_group_arns   = [aws_lb_target_group.app.arn]
  health_check_type   = "ELB"

  launch_template {
    id      = aws_launch_template.worker.id
    version = "$Latest"
  }
}

# --- Not a network resource ------------------------------------------------------

# A type the reachability checker does not model: it must only be counted as
# skipped, never cause an error or a finding.
resource "aws_cloudwatch_log_group" "app" {
  name              = "/alb-https-asg/app"
  retention_in_days = 14
}
