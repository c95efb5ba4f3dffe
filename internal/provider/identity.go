package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Every resource's identity is the app instance plus the object's id in it,
// so that identities stay unique across provider aliases for several apps.
// Terraform 1.12+ and OpenTofu 1.12+ use them for import blocks with
// `identity = {...}`; older CLIs ignore them.

// appObjectIdentitySchema describes an identity of app_id plus one id
// attribute, such as user_id.
func appObjectIdentitySchema(idAttr, what string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"app_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Id of the Statsig app instance in Okta (0oa...).",
			},
			idAttr: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       what,
			},
		},
	}
}

// setAppObjectIdentity records the identity when the CLI supports identities.
func setAppObjectIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, appID, idAttr, id string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	var diags diag.Diagnostics
	diags.Append(identity.SetAttribute(ctx, path.Root("app_id"), appID)...)
	diags.Append(identity.SetAttribute(ctx, path.Root(idAttr), id)...)
	return diags
}

// importIDFromIdentity returns the object id of an import by identity, after
// checking that the identity names this provider's app.
func importIDFromIdentity(ctx context.Context, req resource.ImportStateRequest, data *providerData, idAttr string) (string, diag.Diagnostics) {
	var appID, id types.String
	var diags diag.Diagnostics
	if req.Identity == nil {
		diags.AddError("Missing import id", "Import needs an id, or an identity with app_id and "+idAttr+".")
		return "", diags
	}
	diags.Append(req.Identity.GetAttribute(ctx, path.Root("app_id"), &appID)...)
	diags.Append(req.Identity.GetAttribute(ctx, path.Root(idAttr), &id)...)
	if diags.HasError() {
		return "", diags
	}
	if data != nil && appID.ValueString() != data.appID {
		diags.AddError("Identity names another app",
			fmt.Sprintf("The identity's app_id %q is not the app this provider configuration manages (%q). "+
				"Import it with the provider alias configured for that app.", appID.ValueString(), data.appID))
		return "", diags
	}
	return id.ValueString(), diags
}
