# Synthetic but realistic AWS network for benchmarking plan-JSON checkers.
# Everything is new (no state), so `terraform plan -refresh=false` needs no AWS access.
# Scale knobs: vpc_count, azs, subnets_per_az, instances_per_subnet,
# app_sgs_per_vpc, rules_per_app_sg; benchmarks/generate.py picks them for a size.
# Each VPC is one instance of ./modules/vpc (module.vpc[i]); the peering chain is here.
# resources = V*(54 + 3*NS + G*(R+2) + 1.5*I*NS) + 3*(V-1), NS = 2*azs*subnets_per_az
#   (+ 5*V with nlb_and_asg = true: an NLB, listener, target group, launch template, ASG)
#
# Roles (the ground truth a reachability tool should reproduce):
#  - public subnets: route 0.0.0.0/0 -> IGW; "web" instances with a public IP
#    (SG web: 80/443 from 0.0.0.0/0); the first instance per VPC is a bastion
#    (SG bastion: 22 from 0.0.0.0/0, 3389 from an office /24 -- but the public NACL
#    denies 3389, so RDP is not reachable).
#  - private subnets: route 0.0.0.0/0 -> NAT only, no public IPs. "app" instances
#    with app SGs (8080 from the ALB SG, 9xxx from the VPC CIDR, 7xxx from 10/8 or
#    from the next app SG, 80 from 0.0.0.0/0), every 4th private instance also has
#    "legacy_admin" (22+3389 from 0.0.0.0/0) and every 10th "debug_all" (all ports
#    from 0.0.0.0/0). These wide-open SGs sit ONLY on private instances, so from the
#    internet nothing on them is reachable except 8080 through the ALB (443 -> TG).
#    From peered VPCs (10/8, NACL allows all) they are; from the VPN office range
#    (192.168.x) only 1024-65535 passes the private NACL (so debug_all's high ports).
#  - internet-facing ALB (80 redirect, 443 forward -> TG :8080 -> private app
#    instances), internet-facing classic ELB (80 -> web instances :80).
#  - NACLs: a dozen numbered rules each for public and private subnets.
#  - VPN gateway + customer gateway + VPN connection (+ propagation into the private
#    route table); VPC peering chain vpc[i] <-> vpc[i+1] with private-RT routes.

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

variable "vpc_count" {
  type    = number
  default = 1
}
variable "azs" {
  type    = number
  default = 2
}
variable "subnets_per_az" {
  description = "per tier (public and private each)"
  type        = number
  default     = 1
}
variable "instances_per_subnet" {
  type    = number
  default = 2
}
variable "app_sgs_per_vpc" {
  type    = number
  default = 2
}
variable "rules_per_app_sg" {
  description = "separate rule resources per app SG (half aws_security_group_rule, half aws_vpc_security_group_ingress_rule)"
  type        = number
  default     = 2
}
variable "office_cidr" {
  type    = string
  default = "198.51.100.0/24"
}
variable "nlb_and_asg" {
  description = "each VPC also gets an internet-facing NLB in front of an auto scaling group"
  type        = bool
  default     = false
}

locals {
  all_azs   = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]
  vpc_cidrs = [for v in range(var.vpc_count) : "10.${v}.0.0/16"]
}

module "vpc" {
  source               = "./modules/vpc"
  count                = var.vpc_count
  index                = count.index
  cidr                 = local.vpc_cidrs[count.index]
  azs                  = slice(local.all_azs, 0, var.azs)
  subnets_per_az       = var.subnets_per_az
  instances_per_subnet = var.instances_per_subnet
  app_sgs              = var.app_sgs_per_vpc
  rules_per_app_sg     = var.rules_per_app_sg
  office_cidr          = var.office_cidr
  nlb_and_asg          = var.nlb_and_asg
}

# ---------------------------------------------------------------- peering chain vpc[i] <-> vpc[i+1]
resource "aws_vpc_peering_connection" "chain" {
  count       = var.vpc_count - 1
  vpc_id      = module.vpc[count.index].vpc_id
  peer_vpc_id = module.vpc[count.index + 1].vpc_id
  auto_accept = true
  tags        = { Name = "peer-${count.index}-${count.index + 1}" }
}

resource "aws_route" "peer_fwd" {
  count                     = var.vpc_count - 1
  route_table_id            = module.vpc[count.index].private_route_table_id
  destination_cidr_block    = local.vpc_cidrs[count.index + 1]
  vpc_peering_connection_id = aws_vpc_peering_connection.chain[count.index].id
}

resource "aws_route" "peer_back" {
  count                     = var.vpc_count - 1
  route_table_id            = module.vpc[count.index + 1].private_route_table_id
  destination_cidr_block    = local.vpc_cidrs[count.index]
  vpc_peering_connection_id = aws_vpc_peering_connection.chain[count.index].id
}
