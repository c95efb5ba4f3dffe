# { project = "Web-App Platform", role = "Read Only", team = null, ambiguous = false }
output "parsed" {
  value = provider::statsigokta::parse_role_group_name("Statsig-Web-App Platform-Read Only", [])
}

# Custom roles must be listed: { project = "Data Platform", role = "Analyst", ... }
output "custom_role" {
  value = provider::statsigokta::parse_role_group_name("Statsig-Data Platform-Analyst", ["Analyst"])
}

# A team role after a hyphen cannot be placed from the name alone:
# parse_role_group_name("Statsig-Checkout-Growth-Member", []) fails, showing
# both readings (project "Checkout-Growth", or team "Growth" of "Checkout").
# Look such a group up with the statsigokta_role_group data source, which
# decides from the app's other groups, or use its id.
