package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/appsnapshot"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/statsig"
)

// providerData is what Configure hands to every resource and data source:
// the API clients for one app instance.
type providerData struct {
	okta    *okta.Client
	statsig *statsig.Client // nil when neither Statsig credential is set
	appID   string
	// snap serves reads from one listing of each of the app's lists
	// (reads.go); nil when shared_reads is off.
	snap *appsnapshot.Snapshot
	// provisioning is the walk's one poller for provisioning waits
	// (provisioning_poller.go); nil when shared_reads is off.
	provisioning *provisioningPoller

	// declared records which Okta object each instance planned in this
	// walk names (declarations.go).
	declared declarations
	// found holds what ModifyPlan found in Okta where a create is
	// planned, for that instance's Create in the same walk (adopt.go).
	found sync.Map

	appFeatures []string // the app's provisioning features, once checkApp has run
	// planned records the push mappings this walk's plan replaces or
	// destroys (group_push_plan.go).
	planned plannedMappings

	// scopeRefusals reports a missing write scope once per process, not on
	// every planned write.
	scopeRefusals sync.Map // missing scopes (joined) -> struct{}

	appOnce     sync.Once
	appErrors   diag.Diagnostics
	appWarnings diag.Diagnostics
	warned      sync.Once
}

func newProviderData(s providerSettings, version string) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	userAgent := "terraform-provider-statsigokta/" + version

	diags.Append(s.problems...)
	if !s.orgURL.set() {
		diags.AddAttributeError(path.Root("okta_org_url"), "Missing Okta org URL",
			"Set okta_org_url, or the "+envOrgURL+" environment variable (or "+envOktaOrgName+" with "+envOktaBaseURL+
				"), to your Okta org, for example https://acme.okta.com.")
	}
	if !s.appID.set() {
		diags.AddAttributeError(path.Root("app_id"), "Missing app_id",
			"Set app_id, or the "+envAppID+" environment variable, to the id of the Statsig app instance in Okta (0oa...).")
	}
	switch {
	case !s.apiToken.set() && !s.accessToken.set() && !s.clientID.set() && !s.privateKey.set():
		diags.AddAttributeError(path.Root("okta_api_token"), "Missing Okta authentication",
			"Set okta_api_token ("+envAPIToken+"), or okta_client_id with okta_private_key ("+envClientID+", "+envPrivateKey+
				") for an OAuth 2.0 service app, or okta_access_token ("+envAccessToken+") for a token obtained elsewhere.")
	case s.clientID.set() && !s.privateKey.set():
		diags.AddAttributeError(path.Root("okta_private_key"), "Missing private key",
			"okta_client_id is set, so okta_private_key ("+envPrivateKey+") must hold the PEM private key registered for that service app.")
	case s.privateKey.set() && !s.clientID.set() && !s.apiToken.set() && !s.accessToken.set():
		diags.AddAttributeError(path.Root("okta_client_id"), "Missing client id",
			"okta_private_key is set, so okta_client_id ("+envClientID+") must name the service app it belongs to.")
	}
	if diags.HasError() {
		return nil, diags
	}
	transport, err := proxyTransport(s)
	if err != nil {
		diags.AddError("Invalid proxy configuration", err.Error())
		return nil, diags
	}
	// max_retries = 0 means no retries; the clients read 0 as "default".
	retries := s.maxRetries
	if retries == 0 {
		retries = -1
	}

	// The snapshot is made once the clients exist; the client reports its
	// writes to it from the first request on.
	var snap *appsnapshot.Snapshot
	onWrite := func(method, path string) {
		if snap != nil {
			snap.OnWrite(method, path)
		}
	}
	oktaClient, err := okta.NewClient(okta.Config{
		OrgURL:         s.orgURL.text,
		APIToken:       s.apiToken.text,
		AccessToken:    s.accessToken.text,
		ClientID:       s.clientID.text,
		PrivateKey:     s.privateKey.text,
		PrivateKeyID:   s.privateKeyID.text,
		Scopes:         s.scopes,
		UserAgent:      userAgent,
		MaxRetries:     retries,
		RequestTimeout: s.requestTimeout,
		HTTPClient:     &http.Client{Transport: transport.okta},

		Pacing:                   true,
		RateLimitHeadroomPercent: s.headroomPercent,
		OnWrite:                  onWrite,
	})
	if err != nil {
		addConfigError(&diags, err, "okta_org_url", s)
		return nil, diags
	}

	data := &providerData{okta: oktaClient, appID: s.appID.text}
	if s.scimToken.set() || s.consoleKey.set() {
		statsigURL := strings.TrimRight(s.statsigURL.text, "/")
		if statsigURL == "" {
			statsigURL = defaultStatsigURL
		}
		data.statsig, err = statsig.NewClient(statsig.Config{
			BaseURL:        statsigURL,
			SCIMToken:      s.scimToken.text,
			ConsoleAPIKey:  s.consoleKey.text,
			UserAgent:      userAgent,
			MaxRetries:     retries,
			RequestTimeout: s.requestTimeout,
			HTTPClient:     &http.Client{Transport: transport.statsig},
		})
		if err != nil {
			addConfigError(&diags, err, "statsig_api_url", s)
			return nil, diags
		}
	}
	if s.sharedReads {
		var scim appsnapshot.SCIM
		if data.statsig != nil && data.statsig.HasSCIM() {
			scim = data.statsig
		}
		snap = appsnapshot.New(data.appID, oktaClient, scim,
			data.roleGroupSearch(`profile.name sw `+okta.SearchQuote(rolegroup.Prefix)))
		data.snap = snap
		data.provisioning = newProvisioningPoller(oktaClient, data.appID)
	}
	return data, diags
}

// addConfigError turns a client configuration error into a diagnostic on the
// attribute it concerns, naming the environment variable the value came
// from when it did.
func addConfigError(diags *diag.Diagnostics, err error, fallbackAttr string, s providerSettings) {
	var ce *apiclient.ConfigError
	if !errors.As(err, &ce) {
		diags.AddAttributeError(path.Root(fallbackAttr), "Invalid provider configuration", err.Error())
		return
	}
	attr := orDefault(ce.Field, fallbackAttr)
	if attr == "statsig_base_url" {
		attr = "statsig_api_url"
	}
	diags.AddAttributeError(path.Root(attr), ce.Summary, ce.Detail+s.fromEnvironment(attr))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkApp confirms, once per provider process, that app_id names an app the
// credentials can read. It runs on first use rather than in Configure so that
// a plan with nothing to refresh makes no API call at all. Errors are returned
// to every caller; warnings only to the first, so they are not repeated for
// every resource.
func (d *providerData) checkApp(ctx context.Context) diag.Diagnostics {
	d.appOnce.Do(func() {
		app, err := d.okta.GetApplication(ctx, d.appID)
		if err != nil {
			if okta.IsNotFound(err) {
				d.appErrors.AddAttributeError(path.Root("app_id"), "Statsig app not found",
					fmt.Sprintf("Okta has no app with id %q, or the credentials cannot see it. Check app_id "+
						"(Admin Console > Applications > Statsig: the id is in the URL) and that the admin role "+
						"behind the credentials covers this app.", d.appID))
				return
			}
			summary, detail := describeAPIError("Could not read the Statsig app", err)
			d.appErrors.AddAttributeError(path.Root("app_id"), summary, detail)
			return
		}
		d.appFeatures = app.Features
		if !strings.EqualFold(app.Status, "ACTIVE") {
			d.appWarnings.AddWarning("Statsig app is not active",
				fmt.Sprintf("The Okta app %q (%s) has status %s: Okta does not provision users of an inactive app.", app.Label, app.ID, app.Status))
		}
		missing := missingFeatures(app.Features, "PUSH_NEW_USERS", "PUSH_USER_DEACTIVATION", "GROUP_PUSH")
		if len(missing) > 0 {
			d.appWarnings.AddWarning("Statsig app provisioning is not fully enabled",
				fmt.Sprintf("The Okta app %q (%s) lacks the provisioning features %s. Without them, assignments do not "+
					"create or deactivate users in Statsig and group push links do not push. Enable them under the app's "+
					"Provisioning tab (To App: Create Users, Deactivate Users; and Push Groups).",
					app.Label, app.ID, strings.Join(missing, ", ")))
		}
	})
	diags := append(diag.Diagnostics{}, d.appErrors...)
	d.warned.Do(func() { diags.Append(d.appWarnings...) })
	return diags
}

// checkWriteScopes refuses a planned write when the OAuth access token lacks
// a scope it needs, from the scopes Okta granted the token, instead of
// failing at apply with a 403. Nothing is checked for an API token or an
// access token obtained elsewhere: their scopes are unknown. A failed token
// request is left to the read that needs it, which reports it.
func (d *providerData) checkWriteScopes(ctx context.Context, needed ...string) diag.Diagnostics {
	if d == nil {
		return nil
	}
	granted, ok, err := d.okta.GrantedScopes(ctx)
	if err != nil || !ok {
		return nil
	}
	missing := missingFeatures(granted, needed...)
	if len(missing) == 0 {
		return nil
	}
	if _, reported := d.scopeRefusals.LoadOrStore(strings.Join(missing, " "), struct{}{}); reported {
		return diag.Diagnostics{diag.NewErrorDiagnostic("Missing Okta OAuth scope",
			"This change needs the scope "+strings.Join(missing, " and ")+"; see the first error.")}
	}
	var diags diag.Diagnostics
	diags.AddError("Missing Okta OAuth scope",
		fmt.Sprintf("This plan changes Okta, which needs the OAuth scope %s, but Okta granted the service app's access "+
			"token only %s. Grant %s in the Admin Console (Applications > the service app > Okta API Scopes > Grant) "+
			"and list it in okta_scopes (or %s) if you set them. Nothing was changed.",
			strings.Join(missing, " and "), strings.Join(granted, ", "), strings.Join(missing, " and "), envScopes))
	return diags
}

// openPlan is the opening every resource's ModifyPlan shares: a configured
// provider (before Configure, as in validate, there is nothing to check)
// and, for a plan that writes, the token's write scopes, so a token without
// them fails the plan, not the apply. It reports whether ModifyPlan may go on.
func (d *providerData) openPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, scopes ...string) bool {
	if d == nil {
		return false
	}
	if plannedWrite(req) {
		resp.Diagnostics.Append(d.checkWriteScopes(ctx, scopes...)...)
	}
	return !resp.Diagnostics.HasError()
}

// plannedWrite reports whether a plan creates, updates or destroys the
// resource, as opposed to leaving it as it is.
func plannedWrite(req resource.ModifyPlanRequest) bool {
	return req.Plan.Raw.IsNull() || req.State.Raw.IsNull() || !req.Plan.Raw.Equal(req.State.Raw)
}

func missingFeatures(have []string, want ...string) []string {
	set := make(map[string]bool, len(have))
	for _, f := range have {
		set[f] = true
	}
	var missing []string
	for _, f := range want {
		if !set[f] {
			missing = append(missing, f)
		}
	}
	return missing
}

// openRead is the opening every data source's Read shares: the
// configuration into cfg (nil when the data source has no arguments), a
// configured provider, and the app check. It reports whether Read may go on.
func (d *providerData) openRead(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse, cfg any) bool {
	if cfg != nil {
		resp.Diagnostics.Append(req.Config.Get(ctx, cfg)...)
	}
	if d == nil {
		resp.Diagnostics.AddError("Provider not configured", "The statsigokta provider configuration is not known yet.")
		return false
	}
	resp.Diagnostics.Append(d.checkApp(ctx)...)
	return !resp.Diagnostics.HasError()
}

// readObject is the opening every single-object resource's Read shares:
// the state into state, the app check, the identity (set first: the
// framework requires one even when the resource is then removed from
// state), and the object read by the id in state. It reports false when
// Read is done: the object is gone (removed from state, so the plan
// creates it) or an error was reported.
func readObject[T any](ctx context.Context, d *providerData, req resource.ReadRequest, resp *resource.ReadResponse,
	state any, id func() string, idAttr, what string, read func(context.Context, string) (T, error)) (T, bool) {
	var none T
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	resp.Diagnostics.Append(d.checkApp(ctx)...)
	if resp.Diagnostics.HasError() {
		return none, false
	}
	resp.Diagnostics.Append(setAppObjectIdentity(ctx, resp.Identity, d.appID, idAttr, id())...)
	obj, err := read(ctx, id())
	if okta.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return none, false
	}
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not read the "+what, err))
		return none, false
	}
	return obj, true
}

// providerDataFrom is the shared Configure body of resources and data sources.
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil // provider not configured yet (validate, or unknown provider values)
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", raw))
		return nil
	}
	return data
}
