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

# Resource types that can be reached from outside and that tfreach does not model yet: two
# DocumentDB instances in public subnets and a Transfer Family server with its default public
# endpoint. Each type is a warning (and --strict fails); a Lambda function in the VPC is not one
# (it never accepts a connection from outside).

resource "aws_vpc" "main" {
  cidr_block = "10.4.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.4.0.0/16", 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_docdb_subnet_group" "docs" {
  name       = "docs"
  subnet_ids = aws_subnet.public[*].id
}

resource "aws_docdb_cluster" "docs" {
  cluster_identifier   = "docs"
  master_username      = "docs"
  master_password      = "not-a-real-password"
  db_subnet_group_name = aws_docdb_subnet_group.docs.name
  skip_final_snapshot  = true
}

resource "aws_docdb_cluster_instance" "docs" {
  count              = 2
  identifier         = "docs-${count.index}"
  cluster_identifier = aws_docdb_cluster.docs.id
  instance_class     = "db.r6g.large"
}

resource "aws_transfer_server" "sftp" {
  protocols = ["SFTP"]
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/lambda"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:1"
  vpc_config {
    subnet_ids         = aws_subnet.public[*].id
    security_group_ids = []
  }
}
