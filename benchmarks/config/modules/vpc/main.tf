# One VPC: public/private subnets across AZs, IGW, NAT, route tables, NACLs,
# security groups (inline rules, aws_security_group_rule, aws_vpc_security_group_*_rule,
# SG-to-SG references), instances, internet-facing ALB + classic ELB, VPN.
# See ../../main.tf for the roles of each piece.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "index" { type = number }
variable "cidr" { type = string }
variable "azs" { type = list(string) }
variable "subnets_per_az" { type = number }
variable "instances_per_subnet" { type = number }
variable "app_sgs" { type = number }
variable "rules_per_app_sg" { type = number }
variable "office_cidr" { type = string }
variable "nlb_and_asg" {
  description = "also an internet-facing NLB in front of an auto scaling group (off in the shared plans)"
  type        = bool
  default     = false
}

locals {
  v   = var.index
  SPT = length(var.azs) * var.subnets_per_az # subnets per tier
  NS  = 2 * local.SPT                        # subnets in this VPC
  IPV = var.instances_per_subnet * local.NS  # instances in this VPC
  G   = var.app_sgs
  R1  = ceil(var.rules_per_app_sg / 2)  # aws_security_group_rule per app SG
  R2  = floor(var.rules_per_app_sg / 2) # aws_vpc_security_group_ingress_rule per app SG

  instances = [for k in range(local.IPV) : {
    k      = k
    public = k % local.NS < local.SPT
    subnet = (k % local.NS) % local.SPT # index into aws_subnet.public / .private
    # first instance is the bastion
    bastion = k == 0
    # ordinal among the private instances (-1 for public ones)
    p = k % local.NS < local.SPT ? -1 : floor(k / local.NS) * local.SPT + k % local.NS - local.SPT
  }]
  role = [for x in local.instances : x.bastion ? "bastion" : (x.public ? "web" : "app")]

  app_rules_sg  = flatten([for g in range(local.G) : [for r in range(local.R1) : { sg = g, r = r }]])
  app_rules_vpc = flatten([for g in range(local.G) : [for r in range(local.R2) : { sg = g, r = r }]])

  # public: deny 3389 (130) precedes the ephemeral allow (140), so RDP is blocked
  nacl_public_rules = [
    { n = 100, egress = false, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 80, to = 80 },
    { n = 110, egress = false, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 443, to = 443 },
    { n = 120, egress = false, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 22, to = 22 },
    { n = 130, egress = false, proto = "tcp", action = "deny", cidr = "0.0.0.0/0", from = 3389, to = 3389 },
    { n = 140, egress = false, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 1024, to = 65535 },
    { n = 150, egress = false, proto = "udp", action = "allow", cidr = "0.0.0.0/0", from = 1024, to = 65535 },
    { n = 160, egress = false, proto = "-1", action = "allow", cidr = "10.0.0.0/8", from = 0, to = 0 },
    { n = 100, egress = true, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 80, to = 80 },
    { n = 110, egress = true, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 443, to = 443 },
    { n = 120, egress = true, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 1024, to = 65535 },
    { n = 130, egress = true, proto = "-1", action = "allow", cidr = "10.0.0.0/8", from = 0, to = 0 },
    { n = 140, egress = true, proto = "udp", action = "allow", cidr = "0.0.0.0/0", from = 53, to = 53 },
  ]
  # deny 22/3389 from anywhere before the ephemeral-port allow (rule order matters)
  nacl_private_rules = [
    { n = 100, egress = false, proto = "-1", action = "allow", cidr = "10.0.0.0/8", from = 0, to = 0 },
    { n = 110, egress = false, proto = "tcp", action = "deny", cidr = "0.0.0.0/0", from = 22, to = 22 },
    { n = 120, egress = false, proto = "tcp", action = "deny", cidr = "0.0.0.0/0", from = 3389, to = 3389 },
    { n = 130, egress = false, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 1024, to = 65535 },
    { n = 140, egress = false, proto = "udp", action = "allow", cidr = "0.0.0.0/0", from = 1024, to = 65535 },
    { n = 150, egress = false, proto = "tcp", action = "allow", cidr = "172.16.0.0/12", from = 443, to = 443 },
    { n = 100, egress = true, proto = "-1", action = "allow", cidr = "10.0.0.0/8", from = 0, to = 0 },
    { n = 110, egress = true, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 443, to = 443 },
    { n = 120, egress = true, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 80, to = 80 },
    { n = 130, egress = true, proto = "udp", action = "allow", cidr = "0.0.0.0/0", from = 123, to = 123 },
    { n = 140, egress = true, proto = "tcp", action = "allow", cidr = "0.0.0.0/0", from = 1024, to = 65535 },
    { n = 150, egress = true, proto = "udp", action = "allow", cidr = "0.0.0.0/0", from = 53, to = 53 },
  ]
  NR = length(local.nacl_public_rules)
  NP = length(local.nacl_private_rules)
}


# ---------------------------------------------------------------- VPC core
resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "vpc-${local.v}" }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "igw-${local.v}" }
}

resource "aws_subnet" "public" {
  count                   = local.SPT
  vpc_id                  = aws_vpc.this.id
  cidr_block              = cidrsubnet(var.cidr, 8, count.index)
  availability_zone       = var.azs[count.index % length(var.azs)]
  map_public_ip_on_launch = true
  tags                    = { Name = "public-${local.v}-${count.index}", Tier = "public" }
}

resource "aws_subnet" "private" {
  count             = local.SPT
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, 8, 128 + count.index)
  availability_zone = var.azs[count.index % length(var.azs)]
  tags              = { Name = "private-${local.v}-${count.index}", Tier = "private" }
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "nat-eip-${local.v}" }
}

resource "aws_nat_gateway" "this" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  tags          = { Name = "nat-${local.v}" }
  depends_on    = [aws_internet_gateway.this]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "rt-public-${local.v}" }
}

resource "aws_route" "public_default" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
  # inline route style (the other style is aws_route, used for the public RT)
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this.id
  }
  tags = { Name = "rt-private-${local.v}" }
}

resource "aws_route_table_association" "public" {
  count          = local.SPT
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  count          = local.SPT
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# ---------------------------------------------------------------- NACLs
resource "aws_network_acl" "public" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "nacl-public-${local.v}" }
}

resource "aws_network_acl" "private" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "nacl-private-${local.v}" }
}

resource "aws_network_acl_rule" "public" {
  count          = local.NR
  network_acl_id = aws_network_acl.public.id
  rule_number    = local.nacl_public_rules[count.index % local.NR].n
  egress         = local.nacl_public_rules[count.index % local.NR].egress
  protocol       = local.nacl_public_rules[count.index % local.NR].proto
  rule_action    = local.nacl_public_rules[count.index % local.NR].action
  cidr_block     = local.nacl_public_rules[count.index % local.NR].cidr
  from_port      = local.nacl_public_rules[count.index % local.NR].from
  to_port        = local.nacl_public_rules[count.index % local.NR].to
}

resource "aws_network_acl_rule" "private" {
  count          = local.NP
  network_acl_id = aws_network_acl.private.id
  rule_number    = local.nacl_private_rules[count.index % local.NP].n
  egress         = local.nacl_private_rules[count.index % local.NP].egress
  protocol       = local.nacl_private_rules[count.index % local.NP].proto
  rule_action    = local.nacl_private_rules[count.index % local.NP].action
  cidr_block     = local.nacl_private_rules[count.index % local.NP].cidr
  from_port      = local.nacl_private_rules[count.index % local.NP].from
  to_port        = local.nacl_private_rules[count.index % local.NP].to
}

resource "aws_network_acl_association" "public" {
  count          = local.SPT
  network_acl_id = aws_network_acl.public.id
  subnet_id      = aws_subnet.public[count.index].id
}

resource "aws_network_acl_association" "private" {
  count          = local.SPT
  network_acl_id = aws_network_acl.private.id
  subnet_id      = aws_subnet.private[count.index].id
}

# ---------------------------------------------------------------- security groups
# ALB SG: inline rules
resource "aws_security_group" "alb" {
  name        = "alb-${local.v}"
  description = "internet-facing ALB"
  vpc_id      = aws_vpc.this.id
  ingress {
    description = "http"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    description      = "https"
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = [var.cidr]
  }
}

# web SG (public instances + classic ELB): inline rules
resource "aws_security_group" "web" {
  name        = "web-${local.v}"
  description = "public web servers"
  vpc_id      = aws_vpc.this.id
  ingress {
    description = "http"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# bastion SG: separate aws_security_group_rule resources
resource "aws_security_group" "bastion" {
  name        = "bastion-${local.v}"
  description = "bastion host"
  vpc_id      = aws_vpc.this.id
}

resource "aws_security_group_rule" "bastion_ssh" {
  type              = "ingress"
  description       = "ssh from anywhere"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.bastion.id
}

resource "aws_security_group_rule" "bastion_rdp" {
  type              = "ingress"
  description       = "rdp from office"
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = [var.office_cidr]
  security_group_id = aws_security_group.bastion.id
}

resource "aws_security_group_rule" "bastion_egress" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.bastion.id
}

# legacy_admin: 22 + 3389 open to the world, attached ONLY to private instances
resource "aws_security_group" "legacy_admin" {
  name        = "legacy-admin-${local.v}"
  description = "legacy admin access (private instances only)"
  vpc_id      = aws_vpc.this.id
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    description = "rdp"
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# debug_all: all ports from the world, attached ONLY to private instances
resource "aws_security_group" "debug_all" {
  name        = "debug-all-${local.v}"
  description = "debug (private instances only)"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "debug_all" {
  security_group_id = aws_security_group.debug_all.id
  description       = "everything"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# app SGs: inline SG-to-SG ingress from the ALB SG, plus separate rules of both styles
resource "aws_security_group" "app" {
  count       = local.G
  name        = "app-${local.v}-${count.index}"
  description = "app tier"
  vpc_id      = aws_vpc.this.id
  ingress {
    description     = "from ALB"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
  }
}

resource "aws_security_group_rule" "app" {
  count             = length(local.app_rules_sg)
  type              = "ingress"
  description       = "internal service port"
  from_port         = 9000 + local.app_rules_sg[count.index].r
  to_port           = 9000 + local.app_rules_sg[count.index].r
  protocol          = "tcp"
  cidr_blocks       = [var.cidr]
  security_group_id = aws_security_group.app[local.app_rules_sg[count.index].sg].id
}

resource "aws_vpc_security_group_ingress_rule" "app" {
  count             = length(local.app_rules_vpc)
  security_group_id = aws_security_group.app[local.app_rules_vpc[count.index].sg].id
  description       = "app rule ${local.app_rules_vpc[count.index].r}"
  ip_protocol       = "tcp"
  # r=0: port 80 from anywhere (private-only -> not reachable); r odd: SG-to-SG from
  # the next app SG; others: from peered VPC ranges
  from_port                    = local.app_rules_vpc[count.index].r == 0 ? 80 : 7000 + local.app_rules_vpc[count.index].r
  to_port                      = local.app_rules_vpc[count.index].r == 0 ? 80 : 7000 + local.app_rules_vpc[count.index].r
  cidr_ipv4                    = local.app_rules_vpc[count.index].r == 0 ? "0.0.0.0/0" : (local.app_rules_vpc[count.index].r % 2 == 1 ? null : "10.0.0.0/8")
  referenced_security_group_id = local.app_rules_vpc[count.index].r % 2 == 1 ? aws_security_group.app[(local.app_rules_vpc[count.index].sg + 1) % local.G].id : null
}

resource "aws_vpc_security_group_egress_rule" "app" {
  count             = local.G
  security_group_id = aws_security_group.app[count.index].id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# db SG: SG-to-SG from the first app SG (not attached to anything)
resource "aws_security_group" "db" {
  name        = "db-${local.v}"
  description = "database"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "db" {
  security_group_id            = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.app[0].id
}

# ---------------------------------------------------------------- instances
resource "aws_instance" "node" {
  count                       = length(local.instances)
  ami                         = "ami-0123456789abcdef0"
  instance_type               = local.instances[count.index].public ? "t3.small" : "m5.large"
  subnet_id                   = local.instances[count.index].public ? aws_subnet.public[local.instances[count.index].subnet].id : aws_subnet.private[local.instances[count.index].subnet].id
  associate_public_ip_address = local.instances[count.index].public
  vpc_security_group_ids = (local.instances[count.index].public ?
    (local.instances[count.index].bastion ? [aws_security_group.bastion.id] : [aws_security_group.web.id]) :
    concat(
      [aws_security_group.app[local.instances[count.index].p % local.G].id],
      local.instances[count.index].p % 4 == 1 ? [aws_security_group.legacy_admin.id] : [],
      local.instances[count.index].p % 10 == 3 ? [aws_security_group.debug_all.id] : [],
  ))
  metadata_options {
    http_tokens = "required"
  }
  tags = {
    Name = "${local.role[count.index]}-${local.v}-${count.index}"
    Role = local.role[count.index]
  }
}

# ---------------------------------------------------------------- ALB
resource "aws_lb" "public" {
  name               = "alb-${local.v}"
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = aws_subnet.public[*].id
}

resource "aws_lb_target_group" "app" {
  name     = "tg-app-${local.v}"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.this.id
  health_check {
    path = "/healthz"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.public.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-00000000000${local.v % 10}"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

# for_each over the instance list: the whole-resource reference is evaluated once,
# not once per attachment (a per-attachment aws_instance.node[expr] is quadratic in
# terraform plan time)
resource "aws_lb_target_group_attachment" "app" {
  for_each         = { for i, n in aws_instance.node : tostring(i) => n.id if !local.instances[i].public }
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = each.value
  port             = 8080
}

# ---------------------------------------------------------------- classic ELB
resource "aws_elb" "web" {
  name            = "elb-web-${local.v}"
  subnets         = aws_subnet.public[*].id
  security_groups = [aws_security_group.web.id]
  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
  health_check {
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 3
    target              = "HTTP:80/"
    interval            = 30
  }
  instances = [for i, n in aws_instance.node : n.id if local.role[i] == "web"]
}

# ---------------------------------------------------------------- VPN
resource "aws_vpn_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "vgw-${local.v}" }
}

resource "aws_customer_gateway" "office" {
  bgp_asn    = 65000
  ip_address = "203.0.113.${local.v % 250 + 1}"
  type       = "ipsec.1"
  tags       = { Name = "cgw-${local.v}" }
}

resource "aws_vpn_connection" "office" {
  vpn_gateway_id      = aws_vpn_gateway.this.id
  customer_gateway_id = aws_customer_gateway.office.id
  type                = "ipsec.1"
  static_routes_only  = true
}

resource "aws_vpn_connection_route" "office" {
  destination_cidr_block = "192.168.${local.v % 250}.0/24"
  vpn_connection_id      = aws_vpn_connection.office.id
}

resource "aws_vpn_gateway_route_propagation" "private" {
  vpn_gateway_id = aws_vpn_gateway.this.id
  route_table_id = aws_route_table.private.id
}


output "vpc_id" { value = aws_vpc.this.id }
output "cidr" { value = var.cidr }
output "private_route_table_id" { value = aws_route_table.private.id }

# ---------------------------------------------------------------- NLB -> ASG (nlb_and_asg only)
resource "aws_lb" "nlb" {
  count              = var.nlb_and_asg ? 1 : 0
  name               = "nlb-${local.v}"
  internal           = false
  load_balancer_type = "network"
  subnets            = aws_subnet.public[*].id
}

resource "aws_lb_target_group" "worker" {
  count    = var.nlb_and_asg ? 1 : 0
  name     = "tg-worker-${local.v}"
  port     = 7000
  protocol = "TCP"
  vpc_id   = aws_vpc.this.id
}

resource "aws_lb_listener" "worker" {
  count             = var.nlb_and_asg ? 1 : 0
  load_balancer_arn = aws_lb.nlb[0].arn
  port              = 7000
  protocol          = "TCP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.worker[0].arn
  }
}

resource "aws_launch_template" "worker" {
  count                  = var.nlb_and_asg ? 1 : 0
  name_prefix            = "worker-${local.v}-"
  image_id               = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.app[0].id]
}

resource "aws_autoscaling_group" "worker" {
  count               = var.nlb_and_asg ? 1 : 0
  name                = "worker-${local.v}"
  min_size            = 1
  max_size            = 4
  vpc_zone_identifier = aws_subnet.private[*].id
  target_group_arns   = [aws_lb_target_group.worker[0].arn]
  launch_template {
    id      = aws_launch_template.worker[0].id
    version = "$Latest"
  }
}
