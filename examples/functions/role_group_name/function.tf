# "Statsig-Web-App Platform-Read Only"
output "web_read_only_group" {
  value = provider::statsigokta::role_group_name("Web-App Platform", "Read Only")
}
