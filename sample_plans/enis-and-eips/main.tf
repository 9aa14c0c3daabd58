# -----------------------------------------------------------------------------
# Scenario: enis-and-eips
#
# One VPC, one public subnet (0.0.0.0/0 -> IGW) and one private subnet (no
# default route). Exercises the ways a public address and security groups can
# reach an instance other than "associate_public_ip_address = true":
#   (a) a secondary ENI in the PUBLIC subnet, attached to a PRIVATE instance,
#       with an EIP bound to the ENI                      -> ENI is reachable
#   (b) a stand-alone ENI with an EIP, attached to nothing -> nothing behind it
#   (c) an EIP bound with aws_eip.instance, plus an extra SG added to the
#       primary ENI with aws_network_interface_sg_attachment
#   (d) public subnet, but no public IP / EIP              -> not reachable
#   (e) the VPC default SG managed with no rules, used implicitly by an
#       instance that configures no security groups        -> not reachable
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
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t3.micro"
}

# --- Network ------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block           = "10.60.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "enis-and-eips" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "enis-igw" }
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.60.0.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "enis-public" }
}

# Same AZ as the public subnet: an ENI can only be attached to an instance in
# its own AZ, and case (a) attaches a public-subnet ENI to a private instance.
resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.60.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "enis-private" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = { Name = "enis-public-rt" }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# Private route table: local route only.
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "enis-private-rt" }
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

# --- (e) The VPC's default security group, managed with NO rules --------------

# Taking over the default SG and listing no ingress/egress blocks removes
# AWS's default rules (including "all traffic from members of this SG").
resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "enis-default-sg (no rules)" }
}

# --- Security groups -----------------------------------------------------------

# Primary ENI of "app": SSH from anywhere -- not reachable, because that ENI
# is in the private subnet and has no public address. A checker that mixes
# the SGs of an instance's different ENIs would get this wrong.
resource "aws_security_group" "app" {
  name        = "app"
  description = "Primary interface of the app instance"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "SSH from anywhere (private interface)"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
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

# Public-facing ENIs (app_public and spare): 8443 from anywhere.
resource "aws_security_group" "public_eni" {
  name        = "public-eni"
  description = "Public secondary interfaces"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "App TLS port from anywhere"
    protocol    = "tcp"
    from_port   = 8443
    to_port     = 8443
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

# web: HTTP from anywhere.
resource "aws_security_group" "web" {
  name        = "web"
  description = "Web server (EIP)"
  vpc_id      = aws_vpc.main.id

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

# smtp: added to web's primary ENI through aws_network_interface_sg_attachment.
resource "aws_security_group" "smtp" {
  name        = "smtp"
  description = "SMTP, attached separately to the web server's primary ENI"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "SMTP from anywhere"
    protocol    = "tcp"
    from_port   = 25
    to_port     = 25
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# nopub: SSH from anywhere, but no public address at all.
resource "aws_security_group" "nopub" {
  name        = "nopub"
  description = "Instance without public address"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "SSH from anywhere"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
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

# --- (a) Private instance with a public secondary ENI ----------------------------

resource "aws_instance" "app" {
  ami                    = local.ami
  instance_type          = local.instance_type
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Name = "app" }
}

# Secondary interface in the PUBLIC subnet with its own SG.
resource "aws_network_interface" "app_public" {
  subnet_id       = aws_subnet.public.id
  security_groups = [aws_security_group.public_eni.id]
  description     = "Public secondary interface of app"
  tags            = { Name = "app-public-eni" }
}

# Attached to "app" as eth1.
resource "aws_network_interface_attachment" "app_public" {
  instance_id          = aws_instance.app.id
  network_interface_id = aws_network_interface.app_public.id
  device_index         = 1
}

# Public address of the secondary ENI.
resource "aws_eip" "app_public" {
  domain            = "vpc"
  network_interface = aws_network_interface.app_public.id
  tags              = { Name = "app-public-eip" }
}

# --- (b) Stand-alone ENI with an EIP, not attached to anything -------------------

resource "aws_network_interface" "spare" {
  subnet_id       = aws_subnet.public.id
  security_groups = [aws_security_group.public_eni.id]
  description     = "Spare interface, not attached"
  tags            = { Name = "spare-eni" }
}

resource "aws_eip" "spare" {
  domain            = "vpc"
  network_interface = aws_network_interface.spare.id
  tags              = { Name = "spare-eip" }
}

# --- (c) EIP on the instance + extra SG on its primary ENI -----------------------

# No public IP at launch; the EIP below provides the public address.
resource "aws_instance" "web" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.web.id]
  associate_public_ip_address = false
  tags                        = { Name = "web" }
}

resource "aws_eip" "web" {
  domain   = "vpc"
  instance = aws_instance.web.id
  tags     = { Name = "web-eip" }
}

# Adds the "smtp" SG to web's primary ENI (the ENI then has web + smtp).
# Note: the provider docs warn that combining this with the instance's own
# vpc_security_group_ids causes a perpetual diff on later plans; it is done
# here on purpose to cover this way of attaching SGs.
resource "aws_network_interface_sg_attachment" "web_smtp" {
  security_group_id    = aws_security_group.smtp.id
  network_interface_id = aws_instance.web.primary_network_interface_id
}

# --- (d) Public subnet, no public address -----------------------------------------

resource "aws_instance" "nopub" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.nopub.id]
  associate_public_ip_address = false
  tags                        = { Name = "nopub" }
}

# --- (e) Public IP, but only the (rule-less) default SG ---------------------------

# No vpc_security_group_ids: AWS puts the instance in the VPC's default SG,
# which aws_default_security_group above has emptied.
resource "aws_instance" "defaultsg" {
  ami                         = local.ami
  instance_type               = local.instance_type
  subnet_id                   = aws_subnet.public.id
  associate_public_ip_address = true
  tags                        = { Name = "defaultsg" }
}
