vpc_cidr = "10.60.0.0/16"
zones    = ["eu-west-1a", "eu-west-1b"]
admin_cidrs = {
  office = "203.0.113.0/24"
  vpn    = "198.51.100.0/24"
}
