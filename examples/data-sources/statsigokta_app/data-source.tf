data "statsigokta_app" "statsig" {}

# Fail early when provisioning is not enabled on the app.
check "statsig_provisioning" {
  assert {
    condition     = contains(data.statsigokta_app.statsig.features, "PUSH_NEW_USERS")
    error_message = "Enable provisioning (To App: Create Users) on the Statsig app in Okta."
  }
}
