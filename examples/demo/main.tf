# The configuration `make demo` applies to the sandbox's demo organisation.
# The provider reads its settings from the environment (OKTA_ORG_URL,
# OKTA_API_TOKEN, STATSIGOKTA_APP_ID, STATSIG_SCIM_TOKEN, STATSIG_API_URL),
# exactly as a Terraform Cloud workspace would.
terraform {
  required_providers {
    statsigokta = {
      source = "statsigokta/statsigokta"
    }
  }
}

provider "statsigokta" {}

data "statsigokta_app" "statsig" {}

# People who get Statsig directly, with their Statsig organisation role.
locals {
  people = {
    "theo.tanaka@acme.example"  = "Admin"
    "uma.ueda@acme.example"     = "Member"
    "victor.varga@acme.example" = "Member"
    "wren.weber@acme.example"   = "Member"
  }
}

resource "statsigokta_user_assignment" "people" {
  for_each = local.people
  login    = each.key
  org_role = each.value
}

# Whole teams get Statsig through their Okta groups, named rather than by id.
data "statsigokta_okta_group" "engineering" {
  name = "Engineering"
}

data "statsigokta_okta_group" "data_science" {
  name = "Data Science"
}

resource "statsigokta_group_assignment" "engineering" {
  group_id = data.statsigokta_okta_group.engineering.id
  priority = 0
}

resource "statsigokta_group_assignment" "data_science" {
  group_id = data.statsigokta_okta_group.data_science.id
  priority = 1
}

# Push Groups: Okta pushes each group's members into a Statsig project role.
# The plan shows the Statsig-<Project>-<Role> group each link resolves to.
# Okta pushes asynchronously; wait_for_push makes the apply wait for the
# members to reach Statsig, so the report below shows their roles.
resource "statsigokta_group_push" "engineering_checkout" {
  source_group_id = statsigokta_group_assignment.engineering.group_id
  project         = "Checkout"
  role            = "Member"
  wait_for_push   = true
}

resource "statsigokta_group_push" "data_science_platform" {
  source_group_id = statsigokta_group_assignment.data_science.group_id
  project         = "Data Platform"
  role            = "Analyst" # a custom Statsig role
  wait_for_push   = true
}

output "app" {
  value = "${data.statsigokta_app.statsig.label} (${data.statsigokta_app.statsig.id}): ${join(", ", data.statsigokta_app.statsig.features)}"
}

output "assigned_directly" {
  value = { for login, a in statsigokta_user_assignment.people : login => "${a.status}/${a.sync_state}, Statsig id ${a.external_id}" }
}

output "group_push_links" {
  value = {
    for name, link in {
      engineering_checkout  = statsigokta_group_push.engineering_checkout
      data_science_platform = statsigokta_group_push.data_science_platform
    } : name => "${link.source_group_name} -> ${link.target_group_name} (${link.status})"
  }
}
