data "statsigokta_group_pushes" "all" {}

# Who is pushed where, for an access review.
output "group_pushes" {
  value = {
    for m in data.statsigokta_group_pushes.all.mappings :
    m.target_group_name => "${m.source_group_name} (${m.status})"
  }
}

# Links whose pushes fail.
data "statsigokta_group_pushes" "failing" {
  status = "ERROR"
}

output "failing_group_pushes" {
  value = [for m in data.statsigokta_group_pushes.failing.mappings : "${m.source_group_name}: ${m.error_summary}"]
}

# Commands to adopt every link made in the Okta console.
output "group_push_import_commands" {
  value = [
    for m in data.statsigokta_group_pushes.all.mappings :
    "terraform import 'statsigokta_group_push.this[\"${m.target_group_name}\"]' ${m.id}"
  ]
}
