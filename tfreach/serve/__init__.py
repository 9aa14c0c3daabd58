"""`tfreach serve`: tfreach as an HCP Terraform / Terraform Enterprise run task.

HCP Terraform posts a run task request; the server answers 200 at once, downloads the plan JSON
with the request's token (only from the HCP Terraform address it was given), runs the same check
as `tfreach check` in a process of its own, and sends the result to the request's callback URL.
Imported only by that command: its web stack is the optional extra `tfreach[server]`.
https://developer.hashicorp.com/terraform/cloud-docs/api-docs/run-tasks/run-tasks-integration
"""
