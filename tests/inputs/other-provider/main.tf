# A plan with no AWS resources at all (Terraform's built-in terraform_data only):
# tfreach must say it found nothing to analyse, not report "nothing exposed" silently.

resource "terraform_data" "build" {
  input = "artifact-1.2.3"
}

resource "terraform_data" "deploy" {
  count            = 2
  triggers_replace = [terraform_data.build.output]
  input            = "slot-${count.index}"
}
