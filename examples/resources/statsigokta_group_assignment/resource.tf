# Every member of the Okta group "Engineering" is provisioned in Statsig.
data "statsigokta_okta_group" "engineering" {
  name = "Engineering"
}

resource "statsigokta_group_assignment" "engineering" {
  group_id = data.statsigokta_okta_group.engineering.id
  priority = 0
  org_role = "Member"
}
