# Every Statsig group of the app, with custom roles recognised.
data "statsigokta_role_groups" "all" {
  roles = ["Analyst"]
}

# The Admin groups of one project, its teams included.
data "statsigokta_role_groups" "checkout_admins" {
  project = "Checkout"
  role    = "Admin"
}

# Names that could not be read with certainty, and why.
output "ambiguous_role_groups" {
  value = { for g in data.statsigokta_role_groups.all.groups : g.name => g.note if g.ambiguous }
}

output "checkout_admin_groups" {
  value = [for g in data.statsigokta_role_groups.checkout_admins.groups : g.name]
}
