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

# Security group rules whose CIDRs come from files and from functions tfreach's evaluator
# does not implement. terraform plan reads them all, so the plan is exact; sources mode
# (tfreach check DIR) reads the files (file, jsondecode) and assumes what it cannot compute
# (regex, yamldecode) open, with a warning naming the file and line.

resource "aws_vpc" "main" {
  cidr_block = "10.3.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.3.1.0/24"
  map_public_ip_on_launch = true
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

resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id

  # cidrs.txt: "0.0.0.0/0,198.51.100.0/24"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = split(",", trimspace(file("${path.module}/cidrs.txt")))
  }

  # admin.txt: one address
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = [trimspace(file("${path.module}/admin.txt"))]
  }

  # rules.json: PostgreSQL from anywhere, HTTPS from a partner range
  dynamic "ingress" {
    for_each = jsondecode(file("${path.module}/rules.json"))
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }

  # regex() is not in tfreach's evaluator: sources mode assumes any address for this CIDR
  ingress {
    from_port   = 6379
    to_port     = 6379
    protocol    = "tcp"
    cidr_blocks = [regex("[0-9./]+$", "cache clients: 203.0.113.5/32")]
  }
}

# A separate rule whose CIDR the evaluator cannot compute: any address, in sources mode.
resource "aws_vpc_security_group_ingress_rule" "metrics" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 9100
  to_port           = 9100
  cidr_ipv4         = regex("[0-9./]+$", "scraper: 10.3.0.0/16")
}

# A whole dynamic block over yamldecode(), which the evaluator lacks: in sources mode this
# group's ingress is unknown, so it is assumed to allow everything. (The plan says: PostgreSQL
# from the VPC only.)
resource "aws_security_group" "db" {
  vpc_id = aws_vpc.main.id

  dynamic "ingress" {
    for_each = yamldecode(file("${path.module}/db-rules.yaml"))
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_instance" "db" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.db.id]
}
