package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// describeAPIError turns a client error into a diagnostic summary and a
// detail that says what to do about it. The client's error text never
// contains credentials, so it is safe to show.
func describeAPIError(summary string, err error) (string, string) {
	apiErr, ok := okta.AsAPIError(err)
	if !ok {
		return summary, err.Error()
	}
	var hint string
	switch {
	case apiErr.StatusCode == 401:
		hint = "Okta rejected the credentials. Check that okta_api_token has not expired (API tokens expire after 30 days " +
			"without use) or that okta_client_id, okta_private_key and okta_private_key_id match the service app."
	case apiErr.ErrorCode == "invalid_scope":
		hint = "The OAuth service app has not been granted every scope the provider asks for: okta_scopes, by default " +
			strings.Join(okta.DefaultScopes, ", ") + ". Grant the missing ones in the Admin Console (Applications > the " +
			"service app > Okta API Scopes > Grant), or list only granted scopes in okta_scopes (calls that need a " +
			"missing scope then fail with 403, naming it)."
	case okta.IsForbidden(err):
		scope := apiErr.RequiredScope
		if scope == "" {
			scope = scopeFor(apiErr.Method, apiErr.Path)
		}
		hint = fmt.Sprintf("The credentials are not allowed to do this. An OAuth service app needs the scope %s granted "+
			"(Okta API Scopes tab) and listed in okta_scopes; both a service app and an API token's owner need an admin role "+
			"that covers the Statsig app (App Administrator for assignments; Group Administrator too for group push).", scope)
	case okta.IsRateLimited(err):
		hint = "Okta's rate limit for this endpoint stayed exhausted after the retries. Other automation may be using the " +
			"same bucket (all of /api/v1/apps/* shares one); run again later, or raise max_retries."
	case apiErr.StatusCode >= 500:
		hint = "Okta answered with a server error after the retries. Run again; the provider checks what was applied before repeating a write."
	}
	detail := apiErr.Error()
	if hint != "" {
		detail += "\n\n" + hint
	}
	return summary, detail
}

// scopeFor names the OAuth scope Okta requires for a call when the 403 answer
// did not say.
func scopeFor(method, path string) string {
	write := method != "GET" && method != "HEAD"
	switch {
	case strings.Contains(path, "/group-push/"):
		if write {
			return "okta.apps.manage and okta.groups.manage"
		}
		return "okta.apps.read and okta.groups.read"
	case strings.HasPrefix(path, "/api/v1/apps"):
		if write {
			return "okta.apps.manage"
		}
		return "okta.apps.read"
	case strings.HasPrefix(path, "/api/v1/groups"):
		if write {
			return "okta.groups.manage"
		}
		return "okta.groups.read"
	case strings.HasPrefix(path, "/api/v1/users"):
		return "okta.users.read"
	}
	return "for this endpoint"
}

// writeMayHaveApplied reports whether a failed write may or may not have been
// applied (a 5xx answer, a dropped connection, or an attempt that ran out of
// request_timeout while the operation itself still has time), so the caller
// must look for its effect before trying again. A refusal (4xx) was not
// applied, and an operation whose own time is up is not tried again.
func writeMayHaveApplied(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if apiErr, ok := okta.AsAPIError(err); ok {
		return apiErr.StatusCode >= 500
	}
	return true
}

// retryableReadError reports whether a poll may simply try again later.
func retryableReadError(err error) bool {
	if apiErr, ok := okta.AsAPIError(err); ok {
		return apiErr.StatusCode >= 500 || apiErr.StatusCode == 429
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}
