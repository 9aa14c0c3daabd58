# Scenario: the language features HCL mode must evaluate to give the plan's answer.
# Variables from terraform.tfvars (and a default), locals with for expressions,
# cidrsubnet, for_each over a map, a dynamic ingress block, a conditional, a splat,
# and a local child module called with count that returns its instance ids.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variable "vpc_cidr" {
  type = string
}

variable "zones" {
  type = list(string)
}

variable "web_ports" {
  type    = list(number)
  default = [80, 443]
}

variable "admin_cidrs" {
  type = map(string)
}

variable "expose_admin" {
  type    = bool
  default = false
}

locals {
  public_subnets  = { for i, zone in var.zones : zone => cidrsubnet(var.vpc_cidr, 8, i) }
  private_subnets = { for i, zone in var.zones : zone => cidrsubnet(var.vpc_cidr, 8, i + 10) }
  admin_sources   = var.expose_admin ? ["0.0.0.0/0"] : values(var.admin_cidrs)
  name            = format("%s-%s", "features", terraform.workspace == "default" ? "dev" : "other")
}

resource "aws_vpc" "main" {
  cidr_block = var.vpc_cidr
  tags       = { Name = local.name }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  for_each                = local.public_subnets
  vpc_id                  = aws_vpc.main.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  for_each          = local.private_subnets
  vpc_id            = aws_vpc.main.id
  cidr_block        = each.value
  availability_zone = each.key
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "web" {
  name   = "${local.name}-web"
  vpc_id = aws_vpc.main.id

  dynamic "ingress" {
    for_each = toset(var.web_ports)
    content {
      description = "web ${ingress.value}"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  ingress {
    description = "ssh from the admins"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = local.admin_sources
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

module "web" {
  source     = "./modules/tier"
  count      = length(var.zones)
  name       = "web-${count.index}"
  subnet_id  = aws_subnet.public[var.zones[count.index]].id
  sg_ids     = [aws_security_group.web.id]
  public_ips = true
}

module "app" {
  source    = "./modules/tier"
  count     = 1
  name      = "app"
  subnet_id = values(aws_subnet.private)[0].id
  sg_ids    = [aws_security_group.web.id]
}

resource "aws_security_group" "bastion" {
  name   = "${local.name}-bastion"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# An accepted exposure, written where the reviewer sees it:
# tfreach:allow tcp/22 reason: the admins' bastion, key-only SSH
resource "aws_instance" "bastion" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public[var.zones[0]].id
  vpc_security_group_ids = [aws_security_group.bastion.id]
}

resource "aws_eip" "web" {
  count    = length(module.web)
  domain   = "vpc"
  instance = module.web[count.index].instance_id
}

output "web_instances" {
  value = module.web[*].instance_id
}
