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

# Two internal NLBs offered to other AWS accounts as PrivateLink endpoint services, and a third
# offered to nobody. AWS (PrivateLink guide, "Configure an endpoint service"): the principals a
# service allows create interface endpoints in their VPCs and reach the NLB's listeners; the
# targets see the NLB's private addresses. "*" allows every AWS account; with acceptance required
# each connection waits for the owner.
# Expected (source privatelink):
# - aws_lb.public_api tcp/443 and aws_instance.api tcp/8443 behind it: certain (anyone, no
#   acceptance);
# - aws_lb.partner tcp/5432 and aws_instance.db tcp/5432 behind it: possible (one partner account,
#   acceptance required);
# - aws_lb.unshared and aws_instance.batch: nothing (no endpoint service).

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_security_group" "backend" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 0
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_instance" "api" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.backend.id]
  tags                   = { Role = "api" }
}

resource "aws_instance" "db" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.backend.id]
  tags                   = { Role = "db" }
}

resource "aws_instance" "batch" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.backend.id]
  tags                   = { Role = "batch" }
}

resource "aws_lb" "public_api" {
  name               = "public-api"
  internal           = true
  load_balancer_type = "network"
  subnets            = [aws_subnet.a.id]
}

resource "aws_lb_target_group" "api" {
  name     = "api"
  port     = 8443
  protocol = "TCP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "api" {
  load_balancer_arn = aws_lb.public_api.arn
  port              = 443
  protocol          = "TCP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_lb_target_group_attachment" "api" {
  target_group_arn = aws_lb_target_group.api.arn
  target_id        = aws_instance.api.id
}

resource "aws_vpc_endpoint_service" "public_api" {
  acceptance_required        = false
  allowed_principals         = ["*"]
  network_load_balancer_arns = [aws_lb.public_api.arn]
}

resource "aws_lb" "partner" {
  name               = "partner"
  internal           = true
  load_balancer_type = "network"
  subnets            = [aws_subnet.a.id]
}

resource "aws_lb_target_group" "db" {
  name     = "db"
  port     = 5432
  protocol = "TCP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "db" {
  load_balancer_arn = aws_lb.partner.arn
  port              = 5432
  protocol          = "TCP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.db.arn
  }
}

resource "aws_lb_target_group_attachment" "db" {
  target_group_arn = aws_lb_target_group.db.arn
  target_id        = aws_instance.db.id
}

resource "aws_vpc_endpoint_service" "partner" {
  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.partner.arn]
}

resource "aws_vpc_endpoint_service_allowed_principal" "partner" {
  vpc_endpoint_service_id = aws_vpc_endpoint_service.partner.id
  principal_arn           = "arn:aws:iam::210987654321:root"
}

resource "aws_lb" "unshared" {
  name               = "unshared"
  internal           = true
  load_balancer_type = "network"
  subnets            = [aws_subnet.a.id]
}

resource "aws_lb_target_group" "batch" {
  name     = "batch"
  port     = 9000
  protocol = "TCP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "batch" {
  load_balancer_arn = aws_lb.unshared.arn
  port              = 9000
  protocol          = "TCP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.batch.arn
  }
}

resource "aws_lb_target_group_attachment" "batch" {
  target_group_arn = aws_lb_target_group.batch.arn
  target_id        = aws_instance.batch.id
}
