# Quarterly access review of Statsig: who has what, through which Okta path,
# and what disagrees between Okta and Statsig. Read-only: list calls only,
# no write to Okta or Statsig.
#
#   terraform apply -refresh-only -auto-approve
#   terraform output -raw access_review_csv > statsig-access-review.csv
#   terraform output findings
#
# (or terraform plan, then the same terraform output commands after an apply)
#
# Set the Statsig keys too (STATSIG_SCIM_TOKEN and STATSIG_CONSOLE_API_KEY, or
# statsig_scim_token / statsig_console_api_key) to see who is active in
# Statsig and with which role: without them the review shows Okta's side only
# and cannot find people active only in Statsig.

terraform {
  required_version = ">= 1.5"
  required_providers {
    statsigokta = {
      source = "statsigokta/statsigokta"
    }
  }
}

provider "statsigokta" {}

data "statsigokta_access_review" "this" {}

locals {
  review = data.statsigokta_access_review.this

  # The finding kinds of each person, for the CSV's last column.
  findings_by_login = {
    for f in local.review.findings : f.login => f.kind... if f.login != null
  }

  csv_header = "login,okta_user_id,okta_status,access,via_groups,org_role,project_roles,statsig_active,statsig_role,findings"
  csv_rows = [
    for p in local.review.people : join(",", [
      # Every field quoted, quotes doubled (RFC 4180): group and project
      # names may hold commas.
      for v in [
        p.login,
        p.okta_user_id,
        p.okta_status,
        p.access,
        join("; ", p.via_groups),
        p.org_role,
        join("; ", [
          for r in p.project_roles :
          format("%s%s %s (via %s)", r.project, r.team == null ? "" : "/${r.team}", r.role, r.group)
        ]),
        p.statsig_active == null ? "" : tostring(p.statsig_active),
        p.statsig_role,
        join("; ", lookup(local.findings_by_login, p.login, [])),
      ] : format("\"%s\"", replace(v == null ? "" : v, "\"", "\"\""))
    ])
  ]
}

output "access_review_csv" {
  description = "One row per person who has or should have Statsig."
  value       = join("\n", concat([local.csv_header], local.csv_rows, [""]))
}

output "findings" {
  description = "What to act on, one line each."
  value = [
    for f in local.review.findings :
    format("%-18s %s: %s", f.kind, coalesce(f.login, f.group), f.detail)
  ]
}

output "summary" {
  value = local.review.summary
}
