# -----------------------------------------------------------------------------
# Scenario: storage-search-brokers
#
# File systems, search domains, message brokers, a DMS replication instance and
# an interface endpoint, in public subnets with groups open to the world:
#   * EFS mount target, FSx for Lustre, VPC OpenSearch domain, interface VPC
#     endpoint: never an internet exposure (no public address).
#   * OpenSearch domain "public" without vpc_options: a public endpoint on 443
#     that no security group governs (its access policy remains).
#   * Amazon MQ ActiveMQ broker "active", publicly accessible: its public
#     address in the VPC; SG admits 61617 and 22 -> only 61617 (a broker port).
#   * Amazon MQ RabbitMQ broker "rabbit", publicly accessible: on AWS's network
#     behind AWS's load balancer: 443 and 5671 from anywhere.
#   * DMS replication instance "migrate", publicly accessible, SG admits 22.
# -----------------------------------------------------------------------------

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

resource "aws_vpc" "main" {
  cidr_block = "10.110.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.110.${count.index}.0/24"
  availability_zone       = ["us-east-1a", "us-east-1b"][count.index]
  map_public_ip_on_launch = true
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "world" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 0
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "broker" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 61617
    to_port     = 61617
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "ssh" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# --- file systems -----------------------------------------------------------------

resource "aws_efs_file_system" "shared" {}

resource "aws_efs_mount_target" "shared" {
  file_system_id  = aws_efs_file_system.shared.id
  subnet_id       = aws_subnet.public[0].id
  security_groups = [aws_security_group.world.id]
}

resource "aws_fsx_lustre_file_system" "scratch" {
  storage_capacity   = 1200
  subnet_ids         = [aws_subnet.public[0].id]
  security_group_ids = [aws_security_group.world.id]
  deployment_type    = "SCRATCH_2"
}

# --- search -----------------------------------------------------------------------

resource "aws_opensearch_domain" "public" {
  domain_name    = "public"
  engine_version = "OpenSearch_2.11"
  cluster_config {
    instance_type = "t3.small.search"
  }
  ebs_options {
    ebs_enabled = true
    volume_size = 10
  }
}

resource "aws_opensearch_domain" "private" {
  domain_name    = "private"
  engine_version = "OpenSearch_2.11"
  cluster_config {
    instance_type = "t3.small.search"
  }
  ebs_options {
    ebs_enabled = true
    volume_size = 10
  }
  vpc_options {
    subnet_ids         = [aws_subnet.public[0].id]
    security_group_ids = [aws_security_group.world.id]
  }
}

# --- brokers ----------------------------------------------------------------------

resource "aws_mq_broker" "active" {
  broker_name         = "active"
  engine_type         = "ActiveMQ"
  engine_version      = "5.18"
  host_instance_type  = "mq.t3.micro"
  publicly_accessible = true
  subnet_ids          = [aws_subnet.public[0].id]
  security_groups     = [aws_security_group.broker.id]
  user {
    username = "ops"
    password = "not-a-real-password"
  }
}

resource "aws_mq_broker" "rabbit" {
  broker_name         = "rabbit"
  engine_type         = "RabbitMQ"
  engine_version      = "3.13"
  host_instance_type  = "mq.t3.micro"
  publicly_accessible = true
  user {
    username = "ops"
    password = "not-a-real-password"
  }
}

# --- migration --------------------------------------------------------------------

resource "aws_dms_replication_subnet_group" "public" {
  replication_subnet_group_id          = "public"
  replication_subnet_group_description = "public subnets"
  subnet_ids                           = aws_subnet.public[*].id
}

resource "aws_dms_replication_instance" "migrate" {
  replication_instance_id     = "migrate"
  replication_instance_class  = "dms.t3.micro"
  replication_subnet_group_id = aws_dms_replication_subnet_group.public.id
  vpc_security_group_ids      = [aws_security_group.ssh.id]
  publicly_accessible         = true
}

# --- PrivateLink ------------------------------------------------------------------

resource "aws_vpc_endpoint" "sqs" {
  vpc_id             = aws_vpc.main.id
  service_name       = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type  = "Interface"
  subnet_ids         = aws_subnet.public[*].id
  security_group_ids = [aws_security_group.world.id]
}
