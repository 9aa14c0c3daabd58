# -----------------------------------------------------------------------------
# Scenario: main-route-table-idiom
#
# Routes added to a VPC's implicit main route table through
# `aws_vpc.x.main_route_table_id` (a common idiom: no aws_default_route_table).
#   * VPC "web": aws_route 0.0.0.0/0 -> IGW in its main table. Subnet "open"
#     has no association, so it uses the main table: its public instance is
#     reachable. Subnet "walled" is associated with a custom table without an
#     IGW route: its public instance is not.
#   * VPC "lab": aws_route 0.0.0.0/0 -> NAT gateway in its main table (the
#     NAT's own subnet routes to the IGW through a custom table). Its
#     instance has a public IP, but replies go to the NAT: not reachable.
#   * Subnet "pinned" of VPC "web" is associated explicitly with the main
#     table through an aws_route_table_association naming
#     aws_vpc.web.main_route_table_id: reachable like "open".
# Every instance admits SSH from anywhere.
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

resource "aws_vpc" "web" {
  cidr_block = "10.60.0.0/16"
}

resource "aws_internet_gateway" "web" {
  vpc_id = aws_vpc.web.id
}

resource "aws_route" "web_default" {
  route_table_id         = aws_vpc.web.main_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.web.id
}

resource "aws_subnet" "open" {
  vpc_id     = aws_vpc.web.id
  cidr_block = "10.60.1.0/24"
}

resource "aws_subnet" "walled" {
  vpc_id     = aws_vpc.web.id
  cidr_block = "10.60.2.0/24"
}

resource "aws_subnet" "pinned" {
  vpc_id     = aws_vpc.web.id
  cidr_block = "10.60.3.0/24"
}

resource "aws_route_table" "walled" {
  vpc_id = aws_vpc.web.id
}

resource "aws_route_table_association" "walled" {
  subnet_id      = aws_subnet.walled.id
  route_table_id = aws_route_table.walled.id
}

resource "aws_route_table_association" "pinned" {
  subnet_id      = aws_subnet.pinned.id
  route_table_id = aws_vpc.web.main_route_table_id
}

resource "aws_security_group" "ssh_web" {
  vpc_id = aws_vpc.web.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "open" {
  ami                         = "ami-0c02fb55956c7d316"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.open.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.ssh_web.id]
}

resource "aws_instance" "walled" {
  ami                         = "ami-0c02fb55956c7d316"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.walled.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.ssh_web.id]
}

resource "aws_instance" "pinned" {
  ami                         = "ami-0c02fb55956c7d316"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.pinned.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.ssh_web.id]
}

resource "aws_vpc" "lab" {
  cidr_block = "10.61.0.0/16"
}

resource "aws_internet_gateway" "lab" {
  vpc_id = aws_vpc.lab.id
}

resource "aws_subnet" "lab_nat" {
  vpc_id     = aws_vpc.lab.id
  cidr_block = "10.61.0.0/24"
}

resource "aws_route_table" "lab_nat" {
  vpc_id = aws_vpc.lab.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.lab.id
  }
}

resource "aws_route_table_association" "lab_nat" {
  subnet_id      = aws_subnet.lab_nat.id
  route_table_id = aws_route_table.lab_nat.id
}

resource "aws_eip" "lab_nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "lab" {
  allocation_id = aws_eip.lab_nat.id
  subnet_id     = aws_subnet.lab_nat.id
}

resource "aws_route" "lab_default" {
  route_table_id         = aws_vpc.lab.main_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.lab.id
}

resource "aws_subnet" "lab_app" {
  vpc_id     = aws_vpc.lab.id
  cidr_block = "10.61.1.0/24"
}

resource "aws_security_group" "ssh_lab" {
  vpc_id = aws_vpc.lab.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "lab" {
  ami                         = "ami-0c02fb55956c7d316"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.lab_app.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.ssh_lab.id]
}
