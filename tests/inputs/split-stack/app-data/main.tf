# The application stack finds the network with data sources (read during the plan).

data "aws_vpc" "main" {
  tags = { Name = "main" }
}

data "aws_subnet" "public" {
  vpc_id = data.aws_vpc.main.id
  tags   = { Name = "public" }
}

data "aws_subnet" "private" {
  vpc_id = data.aws_vpc.main.id
  tags   = { Name = "private" }
}

data "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = data.aws_vpc.main.id
}

locals {
  vpc_id                    = data.aws_vpc.main.id
  public_subnet_id          = data.aws_subnet.public.id
  private_subnet_id         = data.aws_subnet.private.id
  bastion_security_group_id = data.aws_security_group.bastion.id
}

# The application: a web server in the public subnet (HTTP and HTTPS from anywhere), an admin
# host in the public subnet in the network's shared bastion group, and a database in the private
# subnet that admits PostgreSQL from the web servers' group and from the peered partner VPC.

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = local.vpc_id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
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

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = local.vpc_id
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.web.id]
  }
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.30.0.0/16"]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = local.public_subnet_id
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_instance" "admin" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = local.public_subnet_id
  vpc_security_group_ids = [local.bastion_security_group_id]
}

resource "aws_instance" "db" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = local.private_subnet_id
  vpc_security_group_ids = [aws_security_group.db.id]
}
