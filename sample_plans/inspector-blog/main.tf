# -----------------------------------------------------------------------------
# Scenario: inspector-blog
#
# Reproduces the network of a field report on Amazon Inspector's agentless
# "Network Reachability" rules (../shared/seeds/000_0539f9ff91f0f390.txt):
#   * VPC 10.0.0.0/16 with one public subnet (default route -> Internet
#     Gateway) and one private subnet (default route -> NAT gateway that lives
#     in the public subnet and has its own Elastic IP).
#   * Three security groups named "elb", "elbback" and "Inspector" whose
#     INLINE ingress rules match the table in the report.
#   * A classic, internet-facing ELB in front of a web server that sits in the
#     private subnet, and three "Inspector" test instances (two public, one
#     private).
# See README.md / expected.json for what a reachability checker must report.
# -----------------------------------------------------------------------------

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

# Offline provider configuration: fake credentials, no AWS API calls needed
# for a create-only plan with -refresh=false.
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
  ami           = "ami-0c02fb55956c7d316" # Amazon Linux 2 (us-east-1), literal on purpose
  instance_type = "t3.micro"
}

# --- Network ------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "inspector-blog" }
}

# The only way in from the internet: the Internet Gateway.
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "inspector-blog-igw" }
}

# Public subnet: hosts the ELB, the NAT gateway and the two public Inspector
# instances. It does NOT auto-assign public IPs; instances opt in themselves.
resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "inspector-blog-public" }
}

# Private subnet: web server and the private Inspector instance.
resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "inspector-blog-private" }
}

# Public route table: default route to the IGW (this is what makes the subnet
# "public"; it also carries the return route for replies to the internet).
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = { Name = "inspector-blog-public-rt" }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# Elastic IP for the NAT gateway.
resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "inspector-blog-nat-eip" }
}

# NAT gateway in the PUBLIC subnet. Outbound-only for the private subnet: it
# never forwards unsolicited inbound connections to private instances.
resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
  tags          = { Name = "inspector-blog-nat" }

  depends_on = [aws_internet_gateway.igw]
}

# Private route table: default route to the NAT gateway (not the IGW).
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }

  tags = { Name = "inspector-blog-private-rt" }
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

# --- Security groups (inline rules, exactly as in the blog's table) -----------

# "elb": attached to the classic load balancer. SSH and HTTP from anywhere.
resource "aws_security_group" "elb" {
  name        = "elb"
  description = "Load balancer security group"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "SSH from anywhere"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "HTTP from anywhere"
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "Allow all outbound"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# "elbback": attached to the web server behind the ELB.
resource "aws_security_group" "elbback" {
  name        = "elbback"
  description = "Back-end instances behind the ELB"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "SSH from the ELB security group"
    protocol        = "tcp"
    from_port       = 22
    to_port         = 22
    security_groups = [aws_security_group.elb.id]
  }

  ingress {
    description     = "HTTP from the ELB security group"
    protocol        = "tcp"
    from_port       = 80
    to_port         = 80
    security_groups = [aws_security_group.elb.id]
  }

  # Looks dangerous, but the web server is in the private subnet without a
  # public address, so nothing on the internet can reach it directly.
  ingress {
    description = "HTTPS from anywhere"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "All traffic between members of elbback (self)"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    self        = true
  }

  egress {
    description = "Allow all outbound"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# "Inspector": attached to the three Inspector test instances.
resource "aws_security_group" "inspector" {
  name        = "Inspector"
  description = "Amazon Inspector network reachability test instances"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "FTP from anywhere"
    protocol    = "tcp"
    from_port   = 21
    to_port     = 21
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "SSH from anywhere"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "HTTP from anywhere"
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "POP3 from anywhere"
    protocol    = "tcp"
    from_port   = 110
    to_port     = 110
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "HTTPS from anywhere"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }

  # Only members of this same SG may connect to MySQL: never the internet.
  ingress {
    description = "MySQL from members of Inspector (self)"
    protocol    = "tcp"
    from_port   = 3306
    to_port     = 3306
    self        = true
  }

  egress {
    description = "Allow all outbound"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Instances -----------------------------------------------------------------

# Web server: private subnet, no public IP; only exposed through the ELB.
resource "aws_instance" "web" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.private.id
  vpc_security_group_ids      = [aws_security_group.elbback.id]
  associate_public_ip_address = false
  tags                        = { Name = "web" }
}

# Public Inspector instance (the blog's "with agent" variant).
resource "aws_instance" "inspector_agent" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.inspector.id]
  associate_public_ip_address = true
  tags                        = { Name = "inspector-agent" }
}

# Public Inspector instance (the blog's "without agent" variant).
resource "aws_instance" "inspector_noagent" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.inspector.id]
  associate_public_ip_address = true
  tags                        = { Name = "inspector-noagent" }
}

# Same SG as the public ones, but in the private subnet without public IP.
resource "aws_instance" "inspector_private" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.inspector.id]
  tags                   = { Name = "inspector-private" }
}

# --- Classic load balancer -------------------------------------------------------

# Internet-facing classic ELB in the public subnet, forwarding HTTP 80 to the
# web server's port 80: the web server is exposed through it on TCP 80 only.
resource "aws_elb" "web" {
  name            = "inspector-blog-elb"
  internal        = false
  subnets         = [aws_subnet.public.id]
  security_groups = [aws_security_group.elb.id]
  instances       = [aws_instance.web.id]

  listener {
    lb_protocol       = "http"
    lb_port           = 80
    instance_protocol = "http"
    instance_port     = 80
  }

  health_check {
    target              = "HTTP:80/"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}
