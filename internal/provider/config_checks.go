package provider

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// Plan-time checks of provider arguments that the API clients would only
// reject at the first call (or never): the OAuth scopes, an empty key id,
// and the Statsig URL, which is used only when a Statsig key is set. They
// run on values from the configuration and the environment alike
// (checkSettings).

// oktaScope is the shape of Okta's management API scopes: okta.<resource>
// (possibly dotted) ending in read or manage (or .self, or register).
var oktaScope = regexp.MustCompile(`^okta\.[A-Za-z]+(\.[A-Za-z]+)*\.(read|manage|self|register)$`)

// checkScopes checks OAuth scopes from okta_scopes or an environment
// variable (from names which).
func checkScopes(scopes []string, from string, diags *diag.Diagnostics) {
	if from == "" {
		return
	}
	defaults := strings.Join(okta.DefaultScopes, ", ")
	if len(scopes) == 0 {
		diags.AddAttributeError(path.Root("okta_scopes"), "Invalid okta_scopes",
			fmt.Sprintf("%s is empty: remove it to request the default scopes (%s), or list the scopes "+
				"granted to the service app.", from, defaults))
	}
	for _, v := range scopes {
		if !oktaScope.MatchString(v) {
			diags.AddAttributeError(path.Root("okta_scopes"), "Invalid okta_scopes",
				fmt.Sprintf("%s: %q is not an Okta API scope: scopes look like okta.apps.read or okta.groups.manage, one "+
					"scope per list element. The provider needs %s, granted on the service app's Okta API Scopes tab.", from, v, defaults))
		}
	}
}

// checkKeyID refuses an empty okta_private_key_id in the configuration (an
// empty environment variable counts as unset).
func checkKeyID(cfg providerModel, diags *diag.Diagnostics) {
	if known(cfg.OktaPrivateKeyID) && cfg.OktaPrivateKeyID.ValueString() == "" {
		diags.AddAttributeError(path.Root("okta_private_key_id"), "Invalid okta_private_key_id",
			"okta_private_key_id is empty: remove it, or set it to the key id (kid) that Okta shows for the key under the "+
				"service app's Public keys.")
	}
}

// checkStatsigURL returns a diagnostic for a Statsig API URL that is not an
// absolute https URL (http is accepted for loopback test servers only).
func checkStatsigURL(from, raw string) (summary, detail string) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "Invalid Statsig API URL", fmt.Sprintf("%s %q is not an absolute https URL without credentials "+
			"or query; expected e.g. %s, or remove it to use that default.", from, raw, defaultStatsigURL)
	}
	if u.Scheme == "http" && !apiclient.IsLoopback(u.Hostname()) {
		return "Insecure Statsig API URL", fmt.Sprintf("%s %q uses http; Statsig's API needs https "+
			"(http is accepted only for loopback addresses, for local testing).", from, raw)
	}
	return "", ""
}
