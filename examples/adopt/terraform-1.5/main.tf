# Adoption on Terraform 1.5 and 1.6, which have import blocks but not
# for_each on them: one import block per object, and Terraform writes the
# resource blocks for you.
#
#   1. Run Import > Import Now on the Statsig app in the Okta console.
#   2. List what to adopt (this apply only reads, and has nothing to change):
#        terraform apply
#        terraform output -raw adoption_import_blocks > imports.tf
#   3. terraform plan -generate-config-out=generated.tf
#      (writes one resource block per import block into generated.tf)
#   4. Review generated.tf, then terraform apply: nothing is changed in Okta.
#   5. terraform plan -> "No changes."

terraform {
  required_version = ">= 1.5"
  required_providers {
    statsigokta = {
      source = "statsigokta/statsigokta"
    }
  }
}

provider "statsigokta" {}

data "statsigokta_imported_users" "direct" {
  scope = "USER"
}

data "statsigokta_group_pushes" "all" {}

# The import blocks for step 2, one per direct assignment and per link.
output "adoption_import_blocks" {
  value = join("\n", concat(
    [for u in data.statsigokta_imported_users.direct.users :
    "import {\n  to = statsigokta_user_assignment.user_${u.id}\n  id = \"${u.id}\"\n}\n"],
    [for m in data.statsigokta_group_pushes.all.mappings :
    "import {\n  to = statsigokta_group_push.link_${m.source_group_id}\n  id = \"${m.id}\"\n}\n"],
  ))
}
