# -----------------------------------------------------------------------------
# Scenario: lb-ip-and-lambda-targets
#
# Target groups whose targets are IP addresses (target_type = "ip") or a
# Lambda function (target_type = "lambda"):
#   * internet-facing NLB "front", TCP 443 -> target group "api" (TCP 8443, ip):
#       - aws_instance.app's private_ip, by reference;
#       - "10.80.2.50", the literal private_ip of aws_instance.svc;
#       - "10.99.0.10" (availability_zone = "all"): outside every VPC here.
#     IP targets do not preserve the client IP by default: the targets see the
#     NLB's addresses in the public subnets.
#   * internet-facing ALB "hooks", HTTPS 443 -> target group "fn" (lambda).
# app and svc sit in a private subnet and admit 8443 from the VPC only; legacy
# (not a target) admits 8443 from the VPC too.
# -----------------------------------------------------------------------------

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

resource "aws_vpc" "main" {
  cidr_block = "10.80.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.80.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "public_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.80.1.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table_association" "public_a" {
  subnet_id      = aws_subnet.public_a.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "public_b" {
  subnet_id      = aws_subnet.public_b.id
  route_table_id = aws_route_table.public.id
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.80.2.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_security_group" "backend" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["10.80.0.0/16"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.backend.id]
}

resource "aws_instance" "svc" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  private_ip             = "10.80.2.50"
  vpc_security_group_ids = [aws_security_group.backend.id]
}

resource "aws_instance" "legacy" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  private_ip             = "10.80.2.60"
  vpc_security_group_ids = [aws_security_group.backend.id]
}

resource "aws_lb" "front" {
  name               = "front"
  load_balancer_type = "network"
  internal           = false
  subnets            = [aws_subnet.public_a.id, aws_subnet.public_b.id]
}

resource "aws_lb_target_group" "api" {
  name        = "api"
  port        = 8443
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id
}

resource "aws_lb_listener" "front" {
  load_balancer_arn = aws_lb.front.arn
  port              = 443
  protocol          = "TCP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_lb_target_group_attachment" "app" {
  target_group_arn = aws_lb_target_group.api.arn
  target_id        = aws_instance.app.private_ip
}

resource "aws_lb_target_group_attachment" "svc" {
  target_group_arn = aws_lb_target_group.api.arn
  target_id        = "10.80.2.50"
}

resource "aws_lb_target_group_attachment" "onprem" {
  target_group_arn  = aws_lb_target_group.api.arn
  target_id         = "10.99.0.10"
  availability_zone = "all"
}

resource "aws_security_group" "hooks" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "hooks" {
  name               = "hooks"
  load_balancer_type = "application"
  internal           = false
  subnets            = [aws_subnet.public_a.id, aws_subnet.public_b.id]
  security_groups    = [aws_security_group.hooks.id]
}

resource "aws_lb_target_group" "fn" {
  name        = "fn"
  target_type = "lambda"
}

resource "aws_lb_listener" "hooks" {
  load_balancer_arn = aws_lb.hooks.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.fn.arn
  }
}

resource "aws_lb_target_group_attachment" "fn" {
  target_group_arn = aws_lb_target_group.fn.arn
  target_id        = "arn:aws:lambda:us-east-1:123456789012:function:hooks"
}
