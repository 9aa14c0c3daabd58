# -----------------------------------------------------------------------------
# Scenario: managed-databases
#
# Managed databases that users expose by mistake, each with a negative twin:
#   * Aurora PostgreSQL cluster "orders" in public subnets, SG open on 5432:
#     instance orders_public (publicly_accessible = true) is reachable,
#     orders_private (false) is not.
#   * Aurora MySQL cluster "ledger", publicly accessible instance, but its
#     subnet group's subnets have a network ACL that denies 3306: not reachable.
#   * Redshift cluster "warehouse": publicly_accessible with an Elastic IP, SG
#     open on 5439: reachable. Redshift cluster "vault": not publicly accessible.
#     Redshift cluster "lake" leaves publicly_accessible unset: the provider
#     plans true, so it is reachable too.
#   * Redshift Serverless workgroup "adhoc": publicly accessible, but its SG
#     admits 5439 only from 10.0.0.0/8: nothing from the internet.
#   * ElastiCache replication group "sessions" and MemoryDB cluster "scores"
#     in the public subnets, SGs open to the world: never an internet exposure
#     (no public address).
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
  cidr_block = "10.90.0.0/16"
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
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.90.${count.index}.0/24"
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# Subnets routed to the IGW too, whose ACL denies MySQL before allowing everything.
resource "aws_subnet" "guarded" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.90.${count.index + 10}.0/24"
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_route_table_association" "guarded" {
  count          = 2
  subnet_id      = aws_subnet.guarded[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_network_acl" "guarded" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = aws_subnet.guarded[*].id

  ingress {
    rule_no    = 90
    action     = "deny"
    protocol   = "tcp"
    from_port  = 3306
    to_port    = 3306
    cidr_block = "0.0.0.0/0"
  }
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
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

resource "aws_security_group" "internal" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 5439
    to_port     = 5439
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

# --- Aurora ----------------------------------------------------------------------

resource "aws_db_subnet_group" "public" {
  name       = "public"
  subnet_ids = aws_subnet.public[*].id
}

resource "aws_db_subnet_group" "guarded" {
  name       = "guarded"
  subnet_ids = aws_subnet.guarded[*].id
}

resource "aws_rds_cluster" "orders" {
  cluster_identifier     = "orders"
  engine                 = "aurora-postgresql"
  master_username        = "orders"
  master_password        = "not-a-real-password"
  db_subnet_group_name   = aws_db_subnet_group.public.name
  vpc_security_group_ids = [aws_security_group.world.id]
  skip_final_snapshot    = true
}

resource "aws_rds_cluster_instance" "orders_public" {
  identifier          = "orders-public"
  cluster_identifier  = aws_rds_cluster.orders.id
  instance_class      = "db.r6g.large"
  engine              = aws_rds_cluster.orders.engine
  publicly_accessible = true
}

resource "aws_rds_cluster_instance" "orders_private" {
  identifier          = "orders-private"
  cluster_identifier  = aws_rds_cluster.orders.id
  instance_class      = "db.r6g.large"
  engine              = aws_rds_cluster.orders.engine
  publicly_accessible = false
}

resource "aws_rds_cluster" "ledger" {
  cluster_identifier     = "ledger"
  engine                 = "aurora-mysql"
  master_username        = "ledger"
  master_password        = "not-a-real-password"
  db_subnet_group_name   = aws_db_subnet_group.guarded.name
  vpc_security_group_ids = [aws_security_group.world.id]
  skip_final_snapshot    = true
}

resource "aws_rds_cluster_instance" "ledger" {
  identifier          = "ledger"
  cluster_identifier  = aws_rds_cluster.ledger.id
  instance_class      = "db.r6g.large"
  engine              = aws_rds_cluster.ledger.engine
  publicly_accessible = true
}

# --- Redshift ---------------------------------------------------------------------

resource "aws_redshift_subnet_group" "public" {
  name       = "public"
  subnet_ids = aws_subnet.public[*].id
}

resource "aws_eip" "warehouse" {
  domain = "vpc"
}

resource "aws_redshift_cluster" "warehouse" {
  cluster_identifier        = "warehouse"
  node_type                 = "ra3.xlplus"
  master_username           = "warehouse"
  master_password           = "Not-a-real-passw0rd"
  cluster_subnet_group_name = aws_redshift_subnet_group.public.name
  vpc_security_group_ids    = [aws_security_group.world.id]
  publicly_accessible       = true
  elastic_ip                = aws_eip.warehouse.public_ip
  skip_final_snapshot       = true
}

resource "aws_redshift_cluster" "vault" {
  cluster_identifier        = "vault"
  node_type                 = "ra3.xlplus"
  master_username           = "vault"
  master_password           = "Not-a-real-passw0rd"
  cluster_subnet_group_name = aws_redshift_subnet_group.public.name
  vpc_security_group_ids    = [aws_security_group.world.id]
  publicly_accessible       = false
  skip_final_snapshot       = true
}

# Left unset, publicly_accessible is planned true by the AWS provider 5.x.
resource "aws_redshift_cluster" "lake" {
  cluster_identifier        = "lake"
  node_type                 = "ra3.xlplus"
  master_username           = "lake"
  master_password           = "Not-a-real-passw0rd"
  cluster_subnet_group_name = aws_redshift_subnet_group.public.name
  vpc_security_group_ids    = [aws_security_group.world.id]
  skip_final_snapshot       = true
}

resource "aws_redshiftserverless_namespace" "adhoc" {
  namespace_name = "adhoc"
}

resource "aws_redshiftserverless_workgroup" "adhoc" {
  namespace_name      = aws_redshiftserverless_namespace.adhoc.namespace_name
  workgroup_name      = "adhoc"
  subnet_ids          = aws_subnet.public[*].id
  security_group_ids  = [aws_security_group.internal.id]
  publicly_accessible = true
}

# --- caches -----------------------------------------------------------------------

resource "aws_elasticache_subnet_group" "public" {
  name       = "public"
  subnet_ids = aws_subnet.public[*].id
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = "sessions"
  description          = "sessions"
  engine               = "redis"
  node_type            = "cache.t4g.micro"
  num_cache_clusters   = 2
  subnet_group_name    = aws_elasticache_subnet_group.public.name
  security_group_ids   = [aws_security_group.world.id]
}

resource "aws_memorydb_subnet_group" "public" {
  name       = "public"
  subnet_ids = aws_subnet.public[*].id
}

resource "aws_memorydb_cluster" "scores" {
  name               = "scores"
  node_type          = "db.t4g.small"
  acl_name           = "open-access"
  subnet_group_name  = aws_memorydb_subnet_group.public.name
  security_group_ids = [aws_security_group.world.id]
}
