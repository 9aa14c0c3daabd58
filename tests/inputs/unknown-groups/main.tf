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

# Endpoints in security groups this plan does not manage: their rules cannot be seen here, so
# a careful reviewer assumes they admit everything. `web` is public (so it is reported, with
# the assumption); `app` is in a private subnet (so it is not, whatever its group allows).

resource "aws_vpc" "main" {
  cidr_block = "10.5.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.5.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.5.2.0/24"
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

# A group managed elsewhere (another stack), by id.
resource "aws_instance" "web" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = ["sg-0123456789abcdef0"]
}

resource "aws_instance" "app" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = ["sg-0123456789abcdef0"]
}

# An interface in a public subnet with an Elastic IP, in a group managed elsewhere.
resource "aws_network_interface" "vendor" {
  subnet_id       = aws_subnet.public.id
  security_groups = ["sg-0fedcba9876543210"]
}

resource "aws_network_interface_attachment" "vendor" {
  instance_id          = aws_instance.web.id
  network_interface_id = aws_network_interface.vendor.id
  device_index         = 1
}

resource "aws_eip" "vendor" {
  domain            = "vpc"
  network_interface = aws_network_interface.vendor.id
}
