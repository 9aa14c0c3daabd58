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

# An application stack that registers its servers behind the platform team's shared load balancer,
# named by ARN: one instance in the shared target group, the other behind a new listener on the
# shared load balancer. Both servers sit in a private subnet (no route to an internet gateway).
# AWS: a load balancer forwards what its listeners accept to the targets of its target groups, on
# the registration's port (else the group's); an internet-facing one accepts from the internet.
# Neither the load balancer nor the target group is in the plan: either may be internet-facing.
# Expected: internet -> aws_instance.api tcp/8080 (through the shared target group) and
# internet -> aws_instance.admin tcp/9090 (through the new listener), both possible, with warnings
# naming both ARNs; aws_instance.batch, in no target group, is not reachable.

resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.app.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.app.id
  ingress {
    from_port   = 8080
    to_port     = 9090
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_instance" "api" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_instance" "admin" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_instance" "batch" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_lb_target_group_attachment" "api" {
  target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shared-api/0a1b2c3d4e5f6071"
  target_id        = aws_instance.api.id
  port             = 8080
}

resource "aws_lb_target_group" "admin" {
  name     = "admin"
  port     = 9090
  protocol = "HTTP"
  vpc_id   = aws_vpc.app.id
}

resource "aws_lb_target_group_attachment" "admin" {
  target_group_arn = aws_lb_target_group.admin.arn
  target_id        = aws_instance.admin.id
}

resource "aws_lb_listener" "admin" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/0a1b2c3d4e5f6071"
  port              = 9443
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.admin.arn
  }
}

# The usual way onto a shared load balancer: a rule on its HTTPS listener, named by ARN, that
# forwards a host name to this stack's target group.
# Expected: internet -> aws_instance.web tcp/8443 (possible), with a warning naming the listener.

resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_security_group" "web" {
  vpc_id = aws_vpc.app.id
  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 8443
  protocol = "HTTPS"
  vpc_id   = aws_vpc.app.id
}

resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web.id
}

resource "aws_lb_listener_rule" "web" {
  listener_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/0a1b2c3d4e5f6071/0a1b2c3d4e5f6072"
  priority     = 100
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
  condition {
    host_header {
      values = ["web.example.com"]
    }
  }
}
