# Okta groups by name (the plan fails if a name is missing or taken twice).
data "statsigokta_okta_group" "checkout_engineers" {
  name = "Checkout Engineers"
}

data "statsigokta_okta_group" "growth_leads" {
  name = "Growth Leads"
}

data "statsigokta_okta_group" "web_readers" {
  name = "Web Readers"
}

# Okta pushes only members who are assigned to the app: assign the group, and
# take the push's source from the assignment, so that the plan sees the
# assignment first and the apply makes it first.
resource "statsigokta_group_assignment" "checkout_members" {
  group_id = data.statsigokta_okta_group.checkout_engineers.id
}

# Push the members of that group into the Checkout project with the Member
# role. The plan shows the group it resolves to:
# target_group_name = "Statsig-Checkout-Member".
resource "statsigokta_group_push" "checkout_members" {
  source_group_id = statsigokta_group_assignment.checkout_members.group_id
  project         = "Checkout"
  role            = "Member"
}

# A team group: Statsig-Checkout-Growth-Admin. Teams have only the roles
# Admin and Member.
resource "statsigokta_group_push" "growth_admins" {
  source_group_id = data.statsigokta_okta_group.growth_leads.id
  project         = "Checkout"
  team            = "Growth"
  role            = "Admin"
}

# By the Statsig group's id, here looked up by a data source. INACTIVE keeps
# the link but pauses pushing.
data "statsigokta_role_group" "web_read_only" {
  project = "Web-App Platform"
  role    = "Read Only"
}

resource "statsigokta_group_push" "web_readers" {
  source_group_id = data.statsigokta_okta_group.web_readers.id
  target_group_id = data.statsigokta_role_group.web_read_only.id
  status          = "INACTIVE"
}
