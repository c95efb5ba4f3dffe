package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
)

// namePartValidator checks a project, team or role name at validate time.
type namePartValidator struct{}

func (namePartValidator) Description(context.Context) string {
	return "must be a non-empty name without leading or trailing spaces"
}

func (v namePartValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (namePartValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := rolegroup.CheckPart(req.Path.String(), req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Statsig name", err.Error()+".")
	}
}
