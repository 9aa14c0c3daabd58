"""tfreach: which ports of an AWS Terraform plan become reachable from outside, and by which path."""

__version__ = "0.1.0"
