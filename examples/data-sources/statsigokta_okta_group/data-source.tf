# Name Okta groups instead of copying their 00g ids. The plan fails if no
# Okta-managed group has this exact name, or if two do.
data "statsigokta_okta_group" "engineering" {
  name = "Engineering"
}

resource "statsigokta_group_assignment" "engineering" {
  group_id = data.statsigokta_okta_group.engineering.id
}

output "engineering_members" {
  value = data.statsigokta_okta_group.engineering.member_count
}
