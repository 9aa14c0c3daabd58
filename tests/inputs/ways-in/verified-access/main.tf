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

# A Verified Access endpoint in front of an internal ALB: users on the internet who pass the
# group's policy reach the ALB on 443, from the endpoint's interfaces in its subnets (its group);
# the ALB forwards to the app instance. AWS (Verified Access user guide, "Endpoints"): the endpoint
# sends requests to the load balancer on its port; the load balancer's group must admit the
# endpoint's.
# Expected: internet -> aws_lb.internal tcp/443 via the endpoint, and on to aws_instance.app
# tcp/8080: both possible (only users the group's policy admits).

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_security_group" "va" {
  vpc_id = aws_vpc.main.id
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_security_group" "alb" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.va.id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
  }
}

resource "aws_lb" "internal" {
  name               = "internal"
  internal           = true
  load_balancer_type = "application"
  subnets            = [aws_subnet.a.id, aws_subnet.b.id]
  security_groups    = [aws_security_group.alb.id]
}

resource "aws_lb_target_group" "app" {
  name     = "app"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 443
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_lb_target_group_attachment" "app" {
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = aws_instance.app.id
}

resource "aws_verifiedaccess_instance" "main" {
  description = "staff"
}

resource "aws_verifiedaccess_trust_provider" "idp" {
  policy_reference_name    = "idp"
  trust_provider_type      = "user"
  user_trust_provider_type = "iam-identity-center"
}

resource "aws_verifiedaccess_instance_trust_provider_attachment" "idp" {
  verifiedaccess_instance_id       = aws_verifiedaccess_instance.main.id
  verifiedaccess_trust_provider_id = aws_verifiedaccess_trust_provider.idp.id
}

resource "aws_verifiedaccess_group" "staff" {
  verifiedaccess_instance_id = aws_verifiedaccess_instance.main.id
  policy_document            = "permit(principal, action, resource) when { context.idp.groups.contains(\"staff\") };"
  depends_on                 = [aws_verifiedaccess_instance_trust_provider_attachment.idp]
}

resource "aws_verifiedaccess_endpoint" "app" {
  application_domain       = "app.example.com"
  attachment_type          = "vpc"
  description              = "app"
  domain_certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
  endpoint_domain_prefix   = "app"
  endpoint_type            = "load-balancer"
  verified_access_group_id = aws_verifiedaccess_group.staff.id
  security_group_ids       = [aws_security_group.va.id]
  load_balancer_options {
    load_balancer_arn = aws_lb.internal.arn
    port              = 443
    protocol          = "https"
    subnet_ids        = [aws_subnet.a.id, aws_subnet.b.id]
  }
}
