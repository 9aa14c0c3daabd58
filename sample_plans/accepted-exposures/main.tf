# -----------------------------------------------------------------------------
# Scenario: accepted-exposures
#
# Intended exposures carried by the plan itself, as resource tags:
#   * aws_instance.web: public web server, tcp 80/443 from the internet, tagged
#     tfreach:allow = "tcp/80,tcp/443" with a tfreach:reason  -> both accepted.
#     Its SSH (tcp/22 from the internet) is NOT in the tag -> still a finding.
#   * aws_instance.no_reason: tagged tfreach:allow without tfreach:reason
#     -> the tag is ignored (a reviewer needs the reason) and a warning says so.
#   * aws_instance.bad_tag: tfreach:allow = "tcp/eighty" -> ignored, warning.
# The .tfreach.yml examples in the README and the CLI tests use this plan too.
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
  cidr_block = "10.90.0.0/16"
  tags       = { Name = "accepted-exposures" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.90.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# Web ports and SSH open to the world.
resource "aws_security_group" "web" {
  name        = "accepted-web"
  description = "web and ssh"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami                         = "ami-0c02fb55956c7d316"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.web.id]
  associate_public_ip_address = true
  tags = {
    Name             = "web"
    "tfreach:allow"  = "tcp/80,tcp/443"
    "tfreach:reason" = "public website, reviewed in SEC-123"
  }
}

resource "aws_instance" "no_reason" {
  ami                         = "ami-0c02fb55956c7d316"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.web.id]
  associate_public_ip_address = true
  tags = {
    Name            = "no-reason"
    "tfreach:allow" = "tcp/80,tcp/443"
  }
}

resource "aws_instance" "bad_tag" {
  ami                         = "ami-0c02fb55956c7d316"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.web.id]
  associate_public_ip_address = true
  tags = {
    Name             = "bad-tag"
    "tfreach:allow"  = "tcp/eighty"
    "tfreach:reason" = "typo in the tag"
  }
}
