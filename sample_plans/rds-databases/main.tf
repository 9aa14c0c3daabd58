# -----------------------------------------------------------------------------
# Scenario: rds-databases
#
# RDS DB instances are reachable only on their database port, only through a
# public address (publicly_accessible = true) and only where their DB subnet
# group's subnets route to an internet gateway:
#   (a) public, in the public subnet group, SG 5432 from 0.0.0.0/0  -> reachable
#   (b) public, SG allows 3306 and 22 from an office CIDR           -> 3306 only
#       from the office (an RDS instance accepts nothing but its port)
#   (c) the same world-open SG as (a), publicly_accessible = false   -> not
#   (d) publicly_accessible = true, but its subnet group's subnets have no
#       route to the internet gateway                                -> not
#   (e) no `port`: the engine's default (sqlserver-ex -> 1433)       -> reachable
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

# --- Network ------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block = "10.70.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.70.0.0/16", 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.70.0.0/16", 8, 10 + count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# The private subnets use the VPC's main route table: local route only.

resource "aws_db_subnet_group" "public" {
  name       = "databases-public"
  subnet_ids = aws_subnet.public[*].id
}

resource "aws_db_subnet_group" "private" {
  name       = "databases-private"
  subnet_ids = aws_subnet.private[*].id
}

# --- Security groups --------------------------------------------------------------

resource "aws_security_group" "pg_world" {
  name   = "pg-world"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "office" {
  name   = "office"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = ["198.51.100.0/24"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["198.51.100.0/24"]
  }
}

resource "aws_security_group" "sqlserver_world" {
  name   = "sqlserver-world"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 0
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- Databases ------------------------------------------------------------------

resource "aws_db_instance" "pg_public" {
  identifier             = "pg-public"
  engine                 = "postgres"
  instance_class         = "db.t4g.micro"
  allocated_storage      = 20
  username               = "reports"
  password               = "not-a-real-password"
  port                   = 5432
  publicly_accessible    = true
  db_subnet_group_name   = aws_db_subnet_group.public.name
  vpc_security_group_ids = [aws_security_group.pg_world.id]
  skip_final_snapshot    = true
}

resource "aws_db_instance" "mysql_office" {
  identifier             = "mysql-office"
  engine                 = "mysql"
  instance_class         = "db.t4g.micro"
  allocated_storage      = 20
  username               = "office"
  password               = "not-a-real-password"
  port                   = 3306
  publicly_accessible    = true
  db_subnet_group_name   = aws_db_subnet_group.public.name
  vpc_security_group_ids = [aws_security_group.office.id]
  skip_final_snapshot    = true
}

resource "aws_db_instance" "pg_private_flag" {
  identifier             = "pg-private-flag"
  engine                 = "postgres"
  instance_class         = "db.t4g.micro"
  allocated_storage      = 20
  username               = "warehouse"
  password               = "not-a-real-password"
  port                   = 5432
  publicly_accessible    = false
  db_subnet_group_name   = aws_db_subnet_group.public.name
  vpc_security_group_ids = [aws_security_group.pg_world.id]
  skip_final_snapshot    = true
}

resource "aws_db_instance" "pg_unrouted" {
  identifier             = "pg-unrouted"
  engine                 = "postgres"
  instance_class         = "db.t4g.micro"
  allocated_storage      = 20
  username               = "archive"
  password               = "not-a-real-password"
  port                   = 5432
  publicly_accessible    = true
  db_subnet_group_name   = aws_db_subnet_group.private.name
  vpc_security_group_ids = [aws_security_group.pg_world.id]
  skip_final_snapshot    = true
}

resource "aws_db_instance" "sqlserver_default_port" {
  identifier             = "sqlserver-default-port"
  engine                 = "sqlserver-ex"
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "sa_admin"
  password               = "not-a-real-password"
  license_model          = "license-included"
  publicly_accessible    = true
  db_subnet_group_name   = aws_db_subnet_group.public.id
  vpc_security_group_ids = [aws_security_group.sqlserver_world.id]
  skip_final_snapshot    = true
}
