# Assign by login: the plan shows the Okta user id it resolves to.
resource "statsigokta_user_assignment" "jane" {
  login    = "jane.doe@acme.com"
  org_role = "Admin"
}

# Assign by Okta user id, without waiting for Statsig to confirm.
resource "statsigokta_user_assignment" "contractor" {
  user_id               = "00u1abcdefghijklmno2"
  wait_for_provisioning = false
}

# Assign a list of people, keyed by login so that removing one from the list
# unassigns only that person.
resource "statsigokta_user_assignment" "analysts" {
  for_each = toset(["ann@acme.com", "raj@acme.com"])
  login    = each.key

  timeouts = {
    create = "10m"
  }
}
