# The network stack of an organisation, applied first: a VPC with a public subnet (public IPs on
# launch, routed to an internet gateway) and a private one (local routes only), a network ACL on
# the private subnet that admits the VPC only, a shared "bastion" security group that admits SSH
# from anywhere, and a second VPC peered with the first (its subnet routes 10.20.0.0/16 to the
# peering, and the first VPC's private table routes 10.30.0.0/16 back).

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
  tags       = { Name = "main" }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.20.1.0/24"
  map_public_ip_on_launch = true
  tags                    = { Name = "public" }
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.2.0/24"
  tags       = { Name = "private" }
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

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block                = "10.30.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.partner.id
  }
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_network_acl" "private" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.private.id]
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "10.0.0.0/8"
  }
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "10.0.0.0/8"
  }
}

resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH from anywhere, shared with the application stacks"
  vpc_id      = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
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

resource "aws_vpc" "partner" {
  cidr_block = "10.30.0.0/16"
  tags       = { Name = "partner" }
}

resource "aws_subnet" "partner" {
  vpc_id     = aws_vpc.partner.id
  cidr_block = "10.30.1.0/24"
  tags       = { Name = "partner" }
}

resource "aws_vpc_peering_connection" "partner" {
  vpc_id      = aws_vpc.main.id
  peer_vpc_id = aws_vpc.partner.id
  auto_accept = true
}

resource "aws_route_table" "partner" {
  vpc_id = aws_vpc.partner.id
  route {
    cidr_block                = "10.20.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.partner.id
  }
}

resource "aws_route_table_association" "partner" {
  subnet_id      = aws_subnet.partner.id
  route_table_id = aws_route_table.partner.id
}

output "vpc_id" {
  value = aws_vpc.main.id
}

output "public_subnet_id" {
  value = aws_subnet.public.id
}

output "private_subnet_id" {
  value = aws_subnet.private.id
}

output "bastion_security_group_id" {
  value = aws_security_group.bastion.id
}
