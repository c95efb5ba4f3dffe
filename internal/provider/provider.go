// Package provider implements the statsigokta Terraform provider: Terraform
// types, schemas and plan logic. API calls go through internal/okta and
// internal/statsig; this package never builds HTTP requests itself.
package provider

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ provider.Provider                   = (*statsigOktaProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*statsigOktaProvider)(nil)
	_ provider.ProviderWithFunctions      = (*statsigOktaProvider)(nil)
)

// Environment variables read when the matching attribute is not set, so that
// Terraform Cloud workspaces can keep every credential out of the configuration.
const (
	envOrgURL           = "OKTA_ORG_URL"
	envAPIToken         = "OKTA_API_TOKEN"
	envClientID         = "OKTA_CLIENT_ID"
	envPrivateKey       = "OKTA_PRIVATE_KEY"
	envPrivateKeyID     = "OKTA_PRIVATE_KEY_ID"
	envScopes           = "OKTA_SCOPES"
	envAppID            = "STATSIGOKTA_APP_ID"
	envSCIMToken        = "STATSIG_SCIM_TOKEN"
	envConsoleAPIKey    = "STATSIG_CONSOLE_API_KEY"
	envStatsigAPIURL    = "STATSIG_API_URL"
	envMaxRetries       = "STATSIGOKTA_MAX_RETRIES"
	envRequestTimeout   = "STATSIGOKTA_REQUEST_TIMEOUT"
	envHeadroomPercent  = "STATSIGOKTA_RATE_LIMIT_HEADROOM_PERCENT"
	envSharedReads      = "STATSIGOKTA_SHARED_READS"
	defaultHeadroom     = 20
	maxHeadroom         = 90
	defaultStatsigURL   = "https://statsigapi.net"
	defaultMaxRetries   = 5
	maxRetriesLimit     = 20
	defaultRequestLimit = 30 * time.Second
)

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return newProvider(version) }
}

func newProvider(version string) *statsigOktaProvider {
	return &statsigOktaProvider{version: version, getenv: osGetenv}
}

type statsigOktaProvider struct {
	version string
	// getenv reads the environment; tests give each provider its own.
	getenv func(string) string
	// current is the walk's providerData, which Configure makes anew for
	// each walk; observeState reports the instances read from state to it.
	current atomic.Pointer[providerData]
	// shared is the declarations file of the run's provider processes
	// (declarations_shared.go); nil unless Terraform started this process.
	shared *sharedDeclarations
	// sharedRefused says why the shared file was not used, when its
	// directory was refused; Configure warns of it.
	sharedRefused error
}

var osGetenv = os.Getenv

type providerModel struct {
	OktaOrgURL           types.String `tfsdk:"okta_org_url"`
	OktaAPIToken         types.String `tfsdk:"okta_api_token"`
	OktaAccessToken      types.String `tfsdk:"okta_access_token"`
	OktaClientID         types.String `tfsdk:"okta_client_id"`
	OktaPrivateKey       types.String `tfsdk:"okta_private_key"`
	OktaPrivateKeyID     types.String `tfsdk:"okta_private_key_id"`
	OktaScopes           types.List   `tfsdk:"okta_scopes"`
	AppID                types.String `tfsdk:"app_id"`
	StatsigSCIMToken     types.String `tfsdk:"statsig_scim_token"`
	StatsigConsoleAPIKey types.String `tfsdk:"statsig_console_api_key"`
	StatsigAPIURL        types.String `tfsdk:"statsig_api_url"`
	MaxRetries           types.Int64  `tfsdk:"max_retries"`
	RequestTimeout       types.String `tfsdk:"request_timeout"`
	RateLimitHeadroom    types.Int64  `tfsdk:"rate_limit_headroom_percent"`
	SharedReads          types.Bool   `tfsdk:"shared_reads"`
}

func (p *statsigOktaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "statsigokta"
	resp.Version = p.version
}

func (p *statsigOktaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages who has Statsig through Okta's Statsig SCIM app: user and group " +
			"assignments (which provision users in Statsig) and group push links to the " +
			"`Statsig-<Project>-<Role>` groups. Authenticate to Okta with exactly one of an API token " +
			"(`okta_api_token`), an OAuth 2.0 service app (`okta_client_id` + `okta_private_key`), or an access " +
			"token obtained elsewhere (`okta_access_token`). Every argument falls back to environment variables: " +
			"ours first, then terraform-provider-okta's; a value in the configuration always wins, including the " +
			"authentication method.",
		Attributes: map[string]schema.Attribute{
			"okta_org_url": schema.StringAttribute{
				MarkdownDescription: "Okta org URL, for example `https://acme.okta.com`. Must be https " +
					"(plain http is accepted only for loopback addresses, for local testing). A trailing `/api/v1` is " +
					"dropped; any other path is refused. Env: `" + envOrgURL + "`, then `" + envOktaOrgName + "` + `" +
					envOktaBaseURL + "` (`https://<org_name>.<base_url>`, base URL `" + defaultOktaBaseURL + "` by default).",
				Optional: true,
			},
			"okta_api_token": schema.StringAttribute{
				MarkdownDescription: "Okta API token (SSWS). Conflicts with `okta_client_id` and `okta_access_token`. Env: `" + envAPIToken + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"okta_access_token": schema.StringAttribute{
				MarkdownDescription: "An OAuth 2.0 access token for the Okta Management API obtained elsewhere (sent as " +
					"`Authorization: Bearer`), for pipelines that mint short-lived tokens themselves. The provider " +
					"cannot renew it, and cannot check its scopes at plan time. Conflicts with `okta_api_token` and " +
					"`okta_client_id`. Env: `" + envAccessToken + "`.",
				Optional:  true,
				Sensitive: true,
			},
			"okta_client_id": schema.StringAttribute{
				MarkdownDescription: "Client id of an Okta API service app that authenticates with " +
					"`private_key_jwt`. Env: `" + envClientID + "`, then `" + envOktaClientID + "`.",
				Optional: true,
			},
			"okta_private_key": schema.StringAttribute{
				MarkdownDescription: "PEM content of the service app's private key (RSA, or EC on P-256 or P-384). Env: `" + envPrivateKey + "`, then `" + envOktaPrivateKey + "` (which may also name the key file, as in terraform-provider-okta).",
				Optional:            true,
				Sensitive:           true,
			},
			"okta_private_key_id": schema.StringAttribute{
				MarkdownDescription: "Key id (`kid`) of `okta_private_key` as registered in Okta. Env: `" + envPrivateKeyID + "`, then `" + envOktaPrivateKeyID + "`.",
				Optional:            true,
			},
			"okta_scopes": schema.ListAttribute{
				MarkdownDescription: "OAuth scopes to request. Defaults to `okta.apps.read`, `okta.apps.manage`, " +
					"`okta.groups.read`, `okta.groups.manage` and `okta.users.read`. Env: `" + envScopes + "`, then `" +
					envOktaScopes + "` (comma separated).",
				ElementType: types.StringType,
				Optional:    true,
			},
			"app_id": schema.StringAttribute{
				MarkdownDescription: "Id of the Statsig app instance in Okta (`0oa...`). Use provider aliases to " +
					"manage several instances. Env: `" + envAppID + "`.",
				Optional: true,
			},
			"statsig_scim_token": schema.StringAttribute{
				MarkdownDescription: "Statsig SCIM key (`scim-...`), used only to read Statsig and confirm " +
					"that provisioning took effect. Env: `" + envSCIMToken + "`.",
				Optional:  true,
				Sensitive: true,
			},
			"statsig_console_api_key": schema.StringAttribute{
				MarkdownDescription: "Statsig Console API key (`console-...`), used only for reads (custom " +
					"role names, project membership). Env: `" + envConsoleAPIKey + "`.",
				Optional:  true,
				Sensitive: true,
			},
			"statsig_api_url": schema.StringAttribute{
				MarkdownDescription: "Statsig API base URL. Defaults to `" + defaultStatsigURL + "`. Env: `" + envStatsigAPIURL + "`.",
				Optional:            true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times one API call is retried after a rate limit, a 5xx answer " +
					"or a connection error (only where repeating it is safe), 0 to 20. Defaults to 5. Env: `" + envMaxRetries + "`.",
				Optional: true,
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit for one HTTP attempt, as a Go duration such as `30s`. Defaults to `30s`. Env: `" + envRequestTimeout + "`.",
				Optional:            true,
			},
			"rate_limit_headroom_percent": schema.Int64Attribute{
				MarkdownDescription: "Share of each Okta rate-limit bucket, in percent (0 to 90), that the provider " +
					"leaves unused for the organisation's other automation. The provider reads Okta's " +
					"`X-Rate-Limit-*` headers and, when a bucket's remaining calls would drop below this share " +
					"of its limit, waits for the window to reset instead of calling on into 429s. All of " +
					"`/api/v1/apps/*` is one bucket (about 100 calls a minute on paid orgs). Defaults to `" +
					strconv.Itoa(defaultHeadroom) + "`. Env: `" + envHeadroomPercent + "`.",
				Optional: true,
			},
			"shared_reads": schema.BoolAttribute{
				MarkdownDescription: "Serve the refresh of assignments and group push links, the plan-time checks " +
					"and the data sources from one listing of the app's users, group assignments, group push " +
					"mappings and Statsig groups (and of Statsig's SCIM users), read once per Terraform command, " +
					"instead of one API call per resource: 5,000 assignments refresh in about 10 Okta calls " +
					"instead of 5,000. An object written in the same command, or missing from the listing, " +
					"is read with its own call. Set `false` to read every resource on its own. Defaults to " +
					"`true`. Env: `" + envSharedReads + "`.",
				Optional: true,
			},
		},
	}
}

// ValidateConfig runs at validate and plan time on the configuration alone
// (the environment is merged in Configure); both run the same checks.
func (p *statsigOktaProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := resolveSettings(ctx, cfg, noEnvironment)
	resp.Diagnostics.Append(s.problems...)
	checkKeyID(cfg, &resp.Diagnostics)
}

func noEnvironment(string) string { return "" }

func (p *statsigOktaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	getenv := p.getenv
	if getenv == nil {
		getenv = osGetenv
	}
	p.current.Store(nil) // a new walk; its registry starts empty
	warnSharedRefused(ctx, p.sharedRefused, &resp.Diagnostics)
	settings := resolveSettings(ctx, cfg, getenv)
	if settings.anyUnknown {
		// A value depends on a resource not applied yet; Terraform calls
		// Configure again at apply time with everything known.
		resp.Diagnostics.AddWarning("Provider configuration not yet known",
			"Some statsigokta provider settings depend on values known only after apply; reads are deferred until then.")
		return
	}

	data, diags := newProviderData(settings, p.version)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	data.declared.share(p.shared, settings.orgURL.text, data.appID)
	p.current.Store(data)
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *statsigOktaProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewUserAssignmentResource,
		NewUserAssignmentsResource,
		NewGroupAssignmentResource,
		NewGroupPushResource,
	}
}

func (p *statsigOktaProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAppDataSource,
		NewRoleGroupDataSource,
		NewRoleGroupsDataSource,
		NewGroupPushesDataSource,
		NewImportedUsersDataSource,
		NewAccessReviewDataSource,
		NewOktaGroupDataSource,
	}
}

func (p *statsigOktaProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewRoleGroupNameFunction,
		NewParseRoleGroupNameFunction,
	}
}

func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// looksLikeOktaID reports whether s has the shape of an Okta object id with
// the given prefix: 20 alphanumerics, such as 00u1ab2cd3EF4gh5ij6k.
func looksLikeOktaID(s, prefix string) bool {
	if len(s) != 20 || !strings.HasPrefix(s, prefix) {
		return false
	}
	for _, r := range s {
		isDigit, isLower, isUpper := r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z'
		if !isDigit && !isLower && !isUpper {
			return false
		}
	}
	return true
}
