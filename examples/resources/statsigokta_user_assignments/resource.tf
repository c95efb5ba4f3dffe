# Every user with direct access to Statsig, from a CSV with the columns
# login,org_role (org_role may be empty):
#
#   login,org_role
#   jane.doe@acme.com,Owner
#   sam.lee@acme.com,Admin
#   priya.k@acme.com,
locals {
  statsig_users = {
    for row in csvdecode(file("${path.module}/statsig-users.csv")) :
    row.login => { org_role = row.org_role == "" ? null : row.org_role }
  }
}

resource "statsigokta_user_assignments" "all" {
  users = local.statsig_users

  # A plan that would unassign more than this many people is refused.
  max_unassignments = 10
}

output "group_only_users" {
  description = "Who has Statsig only through a group assignment (not managed here)."
  value       = statsigokta_user_assignments.all.group_only_users
}
