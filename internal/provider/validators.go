package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
)

// oktaIDValidator checks at plan time that a value has the shape of an Okta
// id with the given prefix, so a typo fails before any API call.
func oktaIDValidator(prefix, what string) validator.String { return oktaID{prefix: prefix, what: what} }

type oktaID struct{ prefix, what string }

func (v oktaID) Description(context.Context) string {
	return fmt.Sprintf("must be %s: 20 letters and digits starting with %q", v.what, v.prefix)
}

func (v oktaID) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v oktaID) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !looksLikeOktaID(req.ConfigValue.ValueString(), v.prefix) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Okta id",
			fmt.Sprintf("%s must be %s: 20 letters and digits starting with %q, as shown in the Okta Admin Console URL; got %q.",
				req.Path, v.what, v.prefix, req.ConfigValue.ValueString()))
	}
}

// positiveDuration refuses a duration of zero or less: a timeout of "0s" or
// "-1m" would end every wait before its first look, and fail an apply that
// Okta completes.
type positiveDuration struct{}

func (positiveDuration) Description(context.Context) string {
	return "must be a positive duration, such as \"30s\" or \"10m\""
}

func (v positiveDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	// An unparsable value is reported by the timeouts package's own validator.
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err == nil && d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid timeout",
			fmt.Sprintf("%s must be a positive duration, such as \"30s\" or \"10m\"; got %q. To return without waiting, "+
				"set the resource's wait_for_provisioning or wait_for_push to false instead.", req.Path, req.ConfigValue.ValueString()))
	}
}

// positiveTimeouts adds positiveDuration to every value of a timeouts block
// made by the timeouts package.
func positiveTimeouts(attr schema.Attribute) schema.Attribute {
	block, ok := attr.(schema.SingleNestedAttribute)
	if !ok {
		return attr
	}
	attrs := make(map[string]schema.Attribute, len(block.Attributes))
	for name, a := range block.Attributes {
		if s, ok := a.(schema.StringAttribute); ok {
			s.Validators = append(append([]validator.String{}, s.Validators...), positiveDuration{})
			a = s
		}
		attrs[name] = a
	}
	block.Attributes = attrs
	return block
}

// notGroupOwner refuses org_role = "Owner" on a group assignment: Statsig
// has one Owner, and the role would go to every member ("Cannot set multiple
// owners" for all but one, at provisioning time).
type notGroupOwner struct{}

func (notGroupOwner) Description(context.Context) string {
	return "must not be Owner: Statsig allows one Owner, and a group assignment gives its role to every member"
}

func (v notGroupOwner) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (notGroupOwner) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() != "Owner" {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Owner cannot be given to a group",
		fmt.Sprintf("%s = \"Owner\" on a group assignment would make every member of the group a Statsig Owner, and "+
			"Statsig allows one Owner per organisation (it refuses the others with \"Cannot set multiple owners\"). Use "+
			"\"Admin\" or \"Member\" here, and give Owner to one person with statsigokta_user_assignment.org_role.", req.Path))
}

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
