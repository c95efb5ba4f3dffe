package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
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

// detailOf keeps the detail of a (summary, detail) pair.
func detailOf(_, detail string) string { return detail }

// sleepCtx waits for d or until ctx ends, whichever comes first.
var sleepCtx = apiclient.Sleep

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// profileOrgRole reads the Statsig organisation role from an Okta app user
// or group assignment profile.
func profileOrgRole(profile map[string]any) string {
	if s, ok := profile[orgRoleProfileAttribute].(string); ok {
		return s
	}
	return ""
}

// userMessage is an error whose text is a complete sentence for a
// diagnostic, shown to the user as it is.
type userMessage string

func (m userMessage) Error() string { return string(m) }

func userMessagef(format string, args ...any) error { return userMessage(fmt.Sprintf(format, args...)) }
