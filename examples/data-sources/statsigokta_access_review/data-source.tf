# Everyone who has or should have Statsig, and what disagrees.
data "statsigokta_access_review" "all" {}

output "statsig_access_findings" {
  value = [for f in data.statsigokta_access_review.all.findings : "${f.kind}: ${f.detail}"]
}

# Only the people with something to fix, in one part of the organisation.
data "statsigokta_access_review" "contractors" {
  login_prefix  = "ext-"
  only_findings = true
}

# People who hold Statsig directly and through a group at the same time.
output "both_direct_and_group" {
  value = [for p in data.statsigokta_access_review.all.people : p.login if p.access == "both"]
}
