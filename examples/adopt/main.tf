# Adopt an organisation set up by hand in the Okta console: every direct
# assignment of the Statsig app and every group push link comes under
# Terraform in one plan and one apply, with no write call to Okta.
#
# Needs Terraform 1.7+ or OpenTofu 1.7+ (import blocks with for_each).
# For Terraform 1.5 and 1.6, see terraform-1.5/.
#
#   1. In the Okta console, run Import > Import Now on the Statsig app (Okta
#      has no API for it), and confirm the matches.
#   2. terraform plan   -> "N to import, 0 to add, 0 to change, 0 to destroy"
#   3. terraform apply  -> the same, with no change made in Okta or Statsig.
#   4. terraform plan   -> "No changes."

terraform {
  required_version = ">= 1.7"
  required_providers {
    statsigokta = {
      source = "statsigokta/statsigokta"
    }
  }
}

provider "statsigokta" {}

# Direct assignments only: people who have Statsig through a group are
# adopted with their group's statsigokta_group_assignment instead.
data "statsigokta_imported_users" "direct" {
  scope = "USER"
}

data "statsigokta_group_pushes" "all" {}

locals {
  people = { for u in data.statsigokta_imported_users.direct.users : u.login => u }
  pushes = { for m in data.statsigokta_group_pushes.all.mappings : m.source_group_id => m }
}

import {
  for_each = local.people
  to       = statsigokta_user_assignment.people[each.key]
  id       = each.value.id
}

resource "statsigokta_user_assignment" "people" {
  for_each = local.people
  login    = each.key
}

import {
  for_each = local.pushes
  to       = statsigokta_group_push.links[each.key]
  id       = each.value.id
}

resource "statsigokta_group_push" "links" {
  for_each        = local.pushes
  source_group_id = each.key
  target_group_id = each.value.target_group_id
  status          = each.value.status
}
