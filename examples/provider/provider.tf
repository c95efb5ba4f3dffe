# Okta API token (SSWS). In Terraform Cloud, leave the block empty and set the
# OKTA_ORG_URL, OKTA_API_TOKEN and STATSIGOKTA_APP_ID environment variables
# (mark the token sensitive). A workspace that already runs the okta/okta
# provider needs only STATSIGOKTA_APP_ID: its OKTA_ORG_NAME, OKTA_BASE_URL,
# OKTA_API_TOKEN or OKTA_API_CLIENT_ID/OKTA_API_PRIVATE_KEY are read too.
provider "statsigokta" {
  okta_org_url   = "https://acme.okta.com"
  okta_api_token = var.okta_api_token
  app_id         = "0oa1statsig2app3id45"

  # Optional: read Statsig to confirm that provisioning took effect.
  statsig_scim_token = var.statsig_scim_token
}

# An OAuth 2.0 service app with private_key_jwt (recommended): grant it the
# scopes okta.apps.read, okta.apps.manage, okta.groups.read, okta.groups.manage
# and okta.users.read, and an admin role that covers the Statsig app.
provider "statsigokta" {
  alias               = "oauth"
  okta_org_url        = "https://acme.okta.com"
  okta_client_id      = "0oa1service2app3id45"
  okta_private_key    = var.okta_private_key
  okta_private_key_id = "kid-from-the-okta-console"
  app_id              = "0oa1statsig2app3id45"
}

variable "okta_api_token" {
  type      = string
  sensitive = true
}

variable "okta_private_key" {
  type      = string
  sensitive = true
}

variable "statsig_scim_token" {
  type      = string
  sensitive = true
  default   = null
}
