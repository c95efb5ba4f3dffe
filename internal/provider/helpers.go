package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
)

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
