# -----------------------------------------------------------------------------
# Scenario: modules-count-foreach
#
# Same kind of network as elsewhere, but everything interesting is hidden
# behind local child modules, count and for_each:
#   * module.network            -- VPC, 2 public + 2 private subnets, IGW, NAT
#   * module.web["blue"/"green"] -- module for_each: blue is public with a
#                                  public IP, green is private
#   * module.worker[0..1]       -- module count, private subnets
#   * aws_instance.jump[0..1]   -- root resource count, public subnets
# Resource addresses in the plan therefore look like
#   module.web["blue"].aws_instance.this, module.worker[1].aws_instance.this,
#   aws_instance.jump[0].
# -----------------------------------------------------------------------------

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

# Offline provider configuration (fake credentials, no API calls).
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

locals {
  ami          = "ami-0c02fb55956c7d316"
  partner_cidr = "198.51.100.0/24" # documentation range standing in for a partner/office
}

# --- Network (child module) ----------------------------------------------------

module "network" {
  source = "./modules/network"

  name                 = "modules-demo"
  cidr                 = "10.50.0.0/16"
  azs                  = ["us-east-1a", "us-east-1b"]
  public_subnet_cidrs  = ["10.50.0.0/24", "10.50.1.0/24"]
  private_subnet_cidrs = ["10.50.10.0/24", "10.50.11.0/24"]
}

# --- Web servers: module with for_each -------------------------------------------

# The for_each map only holds known values (the subnet is chosen by tier
# below), so Terraform can expand the instances at plan time.
module "web" {
  source = "./modules/server"
  for_each = {
    blue  = { tier = "public", public_ip = true, ports = [443] }
    green = { tier = "private", public_ip = false, ports = [443, 22] }
  }

  name                = "web-${each.key}"
  vpc_id              = module.network.vpc_id
  subnet_id           = each.value.tier == "public" ? module.network.public_subnet_ids[0] : module.network.private_subnet_ids[0]
  associate_public_ip = each.value.public_ip
  ports               = each.value.ports
  cidr                = "0.0.0.0/0"
}

# --- Workers: module with count, private subnets ---------------------------------

# SSH open to the world in the SG, but the workers sit in private subnets with
# no public IP, so it is not reachable.
module "worker" {
  source = "./modules/server"
  count  = 2

  name      = "worker-${count.index}"
  vpc_id    = module.network.vpc_id
  subnet_id = module.network.private_subnet_ids[count.index]
  ports     = [22]
  cidr      = "0.0.0.0/0"
}

# --- Jump hosts: root resource with count, public subnets -------------------------

# SSH only from the partner range.
resource "aws_security_group" "jump" {
  name        = "jump"
  description = "Jump hosts: SSH from the partner range only"
  vpc_id      = module.network.vpc_id

  ingress {
    description = "SSH from the partner range"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = [local.partner_cidr]
  }

  egress {
    description = "Allow all outbound"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "jump" {
  count                       = 2
  ami                         = local.ami
  instance_type               = "t3.micro"
  subnet_id                   = module.network.public_subnet_ids[count.index]
  vpc_security_group_ids      = [aws_security_group.jump.id]
  associate_public_ip_address = true
  tags                        = { Name = "jump-${count.index}" }
}
