# Every member of the Okta group "Engineering" is provisioned in Statsig.
resource "statsigokta_group_assignment" "engineering" {
  group_id = "00g1engineering23456"
  priority = 0
  org_role = "Member"
}
