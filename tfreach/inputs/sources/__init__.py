"""Terraform sources (.tf files) read with python-hcl2."""
