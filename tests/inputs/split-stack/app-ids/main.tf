# The application stack names the network by literal ids (written here by regenerate.sh from the
# network stack's state: ids are new at every apply).

locals {
  vpc_id                    = "vpc-3df6ad38b4133a10b"
  public_subnet_id          = "subnet-fbe59de819ba7b39b"
  private_subnet_id         = "subnet-8e842ec84045d4e67"
  bastion_security_group_id = "sg-02afa8cf1f7b4879c"
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
