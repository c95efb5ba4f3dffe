# By project and role: Statsig-Checkout-Admin.
data "statsigokta_role_group" "checkout_admin" {
  project = "Checkout"
  role    = "Admin"
}

# A team group: Statsig-Checkout-Growth-Member.
data "statsigokta_role_group" "growth_member" {
  project = "Checkout"
  team    = "Growth"
  role    = "Member"
}

# By full name; project, team and role are read from it.
data "statsigokta_role_group" "web_read_only" {
  name = "Statsig-Web-App Platform-Read Only"
}

output "checkout_admin_count" {
  value = data.statsigokta_role_group.checkout_admin.member_count
}
