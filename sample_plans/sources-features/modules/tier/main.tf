variable "name" {
  type = string
}

variable "subnet_id" {
  type = string
}

variable "sg_ids" {
  type = list(string)
}

variable "public_ips" {
  type    = bool
  default = false
}

resource "aws_instance" "this" {
  ami                         = "ami-0c02fb55956c7d316"
  instance_type               = "t3.micro"
  subnet_id                   = var.subnet_id
  vpc_security_group_ids      = var.sg_ids
  associate_public_ip_address = var.public_ips
  tags                        = { Name = var.name }
}

output "instance_id" {
  value = aws_instance.this.id
}
