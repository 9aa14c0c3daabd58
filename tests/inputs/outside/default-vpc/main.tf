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

# The region's default VPC and one of its default subnets, adopted with aws_default_vpc and
# aws_default_subnet. AWS: a default VPC has an internet gateway and a main route table that
# sends 0.0.0.0/0 to it; its default subnets assign public IPv4 addresses on launch.
# Expected: internet -> aws_instance.web tcp/80 (possible: the default VPC's gateway and tables
# are not in the plan).

resource "aws_default_vpc" "default" {}

resource "aws_default_subnet" "a" {
  availability_zone = "us-east-1a"
}

resource "aws_security_group" "http" {
  vpc_id = aws_default_vpc.default.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_default_subnet.a.id
  vpc_security_group_ids = [aws_security_group.http.id]
}
