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

# Internet ingress through a Gateway Load Balancer endpoint (third-party firewall appliances): the
# internet gateway's edge route table sends the app subnet's block to the GWLB endpoint; the app
# subnet sends 0.0.0.0/0 back to the same endpoint; the endpoint's subnet routes 0.0.0.0/0 to the
# internet gateway. AWS (VPC user guide, "Gateway route tables" and "Inspect traffic with a
# Gateway Load Balancer"): traffic is inspected both ways and forwarded when the appliances allow
# it; what the appliances allow is not in the plan.
# Expected: internet -> aws_instance.web tcp/22 (possible: the appliances behind
# aws_vpc_endpoint.inspection may drop it), the endpoint named in the path.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "inspection" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
}

resource "aws_subnet" "app" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_vpc_endpoint_service" "appliances" {
  acceptance_required        = false
  gateway_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/gwy/appliances/0a1b2c3d4e5f6071"]
}

resource "aws_vpc_endpoint" "inspection" {
  vpc_id            = aws_vpc.main.id
  service_name      = aws_vpc_endpoint_service.appliances.service_name
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = [aws_subnet.inspection.id]
}

resource "aws_route_table" "edge" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block      = aws_subnet.app.cidr_block
    vpc_endpoint_id = aws_vpc_endpoint.inspection.id
  }
}

resource "aws_route_table_association" "edge" {
  gateway_id     = aws_internet_gateway.igw.id
  route_table_id = aws_route_table.edge.id
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block      = "0.0.0.0/0"
    vpc_endpoint_id = aws_vpc_endpoint.inspection.id
  }
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}

resource "aws_route_table" "inspection" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table_association" "inspection" {
  subnet_id      = aws_subnet.inspection.id
  route_table_id = aws_route_table.inspection.id
}

resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.web.id]
}
