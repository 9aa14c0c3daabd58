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

# An accelerator in front of an internal ALB and a private instance, in a VPC with no internet
# gateway at all. AWS (Global Accelerator developer guide, "Endpoints"): an internal ALB and an
# EC2 instance in a private subnet are valid endpoints; the accelerator sends its listener's ports
# to them, ALB and instance endpoints seeing the client's address (client IP preservation, the
# default for both). A port override maps listener port 443 to endpoint port 8443.
# Expected:
# - internet -> aws_lb.internal tcp/443 (its listener; its group admits 0.0.0.0/0 on 443), via
#   the accelerator, and on to aws_instance.app tcp/8080 behind it;
# - internet -> aws_instance.direct tcp/8443 (the override; its group admits 8443 from anywhere);
# - not aws_instance.direct on 443 (overridden away), not aws_instance.idle (weight 0),
#   not aws_instance.dialled (its endpoint group is dialled to 0).

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

resource "aws_security_group" "alb" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
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

resource "aws_security_group" "direct" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
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

resource "aws_instance" "direct" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.b.id
  vpc_security_group_ids = [aws_security_group.direct.id]
}

resource "aws_instance" "idle" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.b.id
  vpc_security_group_ids = [aws_security_group.direct.id]
}

resource "aws_instance" "dialled" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.direct.id]
}

resource "aws_globalaccelerator_accelerator" "edge" {
  name            = "edge"
  ip_address_type = "IPV4"
  enabled         = true
}

resource "aws_globalaccelerator_listener" "https" {
  accelerator_arn = aws_globalaccelerator_accelerator.edge.id
  protocol        = "TCP"
  port_range {
    from_port = 443
    to_port   = 443
  }
}

resource "aws_globalaccelerator_endpoint_group" "alb" {
  listener_arn = aws_globalaccelerator_listener.https.id
  endpoint_configuration {
    endpoint_id                    = aws_lb.internal.arn
    client_ip_preservation_enabled = true
  }
}

resource "aws_globalaccelerator_endpoint_group" "instances" {
  listener_arn          = aws_globalaccelerator_listener.https.id
  endpoint_group_region = "us-west-2"
  endpoint_configuration {
    endpoint_id = aws_instance.direct.id
  }
  endpoint_configuration {
    endpoint_id = aws_instance.idle.id
    weight      = 0
  }
  port_override {
    listener_port = 443
    endpoint_port = 8443
  }
}

resource "aws_globalaccelerator_endpoint_group" "dialled" {
  listener_arn            = aws_globalaccelerator_listener.https.id
  endpoint_group_region   = "eu-west-1"
  traffic_dial_percentage = 0
  endpoint_configuration {
    endpoint_id = aws_instance.dialled.id
  }
}
