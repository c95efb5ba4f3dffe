# { project = "Web-App Platform", role = "Read Only", team = null, ambiguous = false }
output "parsed" {
  value = provider::statsigokta::parse_role_group_name("Statsig-Web-App Platform-Read Only", [])
}

# Custom roles must be listed: { project = "Data Platform", role = "Analyst", ... }
output "custom_role" {
  value = provider::statsigokta::parse_role_group_name("Statsig-Data Platform-Analyst", ["Analyst"])
}

# A team role after a hyphen cannot be placed from the name alone:
# { project = "Checkout-Growth", role = "Member", team = null, ambiguous = true }
output "team_or_project" {
  value = provider::statsigokta::parse_role_group_name("Statsig-Checkout-Growth-Member", [])
}
