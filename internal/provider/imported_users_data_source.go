package provider

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

var _ datasource.DataSourceWithConfigure = (*importedUsersDataSource)(nil)

// importStatuses are the app user statuses Okta gives users brought in by
// the Import tab (confirmed, matched, or imported without a match).
var importStatuses = map[string]bool{"IMPORTED": true, "MATCHED": true, "UNASSIGNED": true}

// NewImportedUsersDataSource lists every app user of the Statsig app.
func NewImportedUsersDataSource() datasource.DataSource { return &importedUsersDataSource{} }

type importedUsersDataSource struct {
	data *providerData
}

type importedUsersModel struct {
	Statuses     types.Set    `tfsdk:"statuses"`
	Scope        types.String `tfsdk:"scope"`
	LoginPrefix  types.String `tfsdk:"login_prefix"`
	ImportedOnly types.Bool   `tfsdk:"imported_only"`
	Users        types.List   `tfsdk:"users"`
}

var importedUserAttrTypes = map[string]attr.Type{
	"id":             types.StringType,
	"login":          types.StringType,
	"email":          types.StringType,
	"status":         types.StringType,
	"sync_state":     types.StringType,
	"external_id":    types.StringType,
	"scope":          types.StringType,
	"org_role":       types.StringType,
	"imported":       types.BoolType,
	"statsig_active": types.BoolType,
}

func (d *importedUsersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_imported_users"
}

func (d *importedUsersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every app user of the Statsig app: the users the Okta **Import** tab brought in from " +
			"Statsig and everyone assigned since, directly or through a group. Okta has no API that runs " +
			"\"Import Now\"; run it in the console, then read the result here, for example to adopt existing " +
			"assignments with `import` blocks. Read with the largest page size (500), in one call per page.",
		Attributes: map[string]schema.Attribute{
			"statuses": schema.SetAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Keep only app users with one of these statuses, such as `PROVISIONED`, `IMPORTED` or `MATCHED`.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf(
					"ACTIVE", "INACTIVE", "SUSPENDED", "PENDING", "APPROVED", "REVOKED", "IMPLICIT",
					"IMPORTED", "MATCHED", "UNASSIGNED", "STAGED", "PROVISIONED", "DEPROVISIONED"))},
			},
			"scope": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only direct assignments (`USER`) or assignments through a group (`GROUP`).",
				Validators:          []validator.String{stringvalidator.OneOf("USER", "GROUP")},
			},
			"login_prefix": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only users whose Okta login starts with this (case-insensitive).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"imported_only": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only users that came from an import (see `imported`).",
			},
			"users": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The app users, ordered by login.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "Okta user id."},
					"login":       schema.StringAttribute{Computed: true, MarkdownDescription: "Okta login."},
					"email":       schema.StringAttribute{Computed: true, MarkdownDescription: "Okta email."},
					"status":      schema.StringAttribute{Computed: true, MarkdownDescription: "App user status."},
					"sync_state":  schema.StringAttribute{Computed: true, MarkdownDescription: "Provisioning sync state."},
					"external_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The Statsig user id."},
					"scope":       schema.StringAttribute{Computed: true, MarkdownDescription: "`USER` or `GROUP`."},
					"org_role":    schema.StringAttribute{Computed: true, MarkdownDescription: "`statsigOrgRole` of the app user profile."},
					"imported": schema.BoolAttribute{
						Computed:            true,
						MarkdownDescription: "Whether the user came from an import: an `external_id` and an import status (`IMPORTED`, `MATCHED` or `UNASSIGNED`).",
					},
					"statsig_active": schema.BoolAttribute{
						Computed:            true,
						MarkdownDescription: "Whether Statsig shows the user active; null unless `statsig_scim_token` is configured.",
					},
				}},
			},
		},
	}
}

func (d *importedUsersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *importedUsersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config importedUsersModel
	if !d.data.openRead(ctx, req, resp, &config) {
		return
	}
	var statuses []string
	resp.Diagnostics.Append(config.Statuses.ElementsAs(ctx, &statuses, true)...)
	keep := importedUsersFilter{
		statuses:     toSet(statuses),
		scope:        config.Scope.ValueString(),
		loginPrefix:  strings.ToLower(config.LoginPrefix.ValueString()),
		importedOnly: config.ImportedOnly.ValueBool(),
	}

	appUsers, err := d.data.listAppUsers(ctx)
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not list the Statsig app's users", err))
		return
	}
	active, activeKnown := d.statsigActiveByUserName(ctx, &resp.Diagnostics)
	sort.SliceStable(appUsers, func(i, j int) bool {
		return strings.ToLower(appUserLogin(&appUsers[i])) < strings.ToLower(appUserLogin(&appUsers[j]))
	})

	users := make([]attr.Value, 0, len(appUsers))
	for i := range appUsers {
		u := &appUsers[i]
		login, email := appUserLogin(u), ""
		if u.Embedded != nil && u.Embedded.User != nil {
			email = u.Embedded.User.Profile.Email
		}
		imported := u.ExternalID != "" && importStatuses[u.Status]
		if !keep.matches(u, login, imported) {
			continue
		}
		statsigActive := types.BoolNull()
		if activeKnown {
			statsigActive = types.BoolValue(active[strings.ToLower(appUserName(u, login))])
		}
		users = append(users, types.ObjectValueMust(importedUserAttrTypes, map[string]attr.Value{
			"id":             types.StringValue(u.ID),
			"login":          types.StringValue(login),
			"email":          stringOrNull(email),
			"status":         types.StringValue(u.Status),
			"sync_state":     stringOrNull(u.SyncState),
			"external_id":    stringOrNull(u.ExternalID),
			"scope":          types.StringValue(u.Scope),
			"org_role":       stringOrNull(profileOrgRole(u.Profile)),
			"imported":       types.BoolValue(imported),
			"statsig_active": statsigActive,
		}))
	}
	list, diags := types.ListValue(types.ObjectType{AttrTypes: importedUserAttrTypes}, users)
	resp.Diagnostics.Append(diags...)
	config.Users = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// statsigActiveByUserName reads Statsig's SCIM users once (not once per app
// user) and indexes them by lower-cased user name.
func (d *importedUsersDataSource) statsigActiveByUserName(ctx context.Context, diags interface{ AddWarning(string, string) }) (map[string]bool, bool) {
	if d.data.statsig == nil || !d.data.statsig.HasSCIM() {
		return nil, false
	}
	scimUsers, err := d.data.listStatsigUsers(ctx)
	if err != nil {
		diags.AddWarning("Could not read Statsig users", "statsig_active is left null: "+err.Error())
		return nil, false
	}
	active := make(map[string]bool, len(scimUsers))
	for _, su := range scimUsers {
		active[strings.ToLower(su.UserName)] = su.Active
	}
	return active, true
}

type importedUsersFilter struct {
	statuses     map[string]bool
	scope        string
	loginPrefix  string
	importedOnly bool
}

func (f importedUsersFilter) matches(u *okta.AppUser, login string, imported bool) bool {
	return (len(f.statuses) == 0 || f.statuses[u.Status]) &&
		(f.scope == "" || u.Scope == f.scope) &&
		(f.loginPrefix == "" || strings.HasPrefix(strings.ToLower(login), f.loginPrefix)) &&
		(!f.importedOnly || imported)
}

// appUserLogin is the Okta login of an app user read with expand=user, or the
// app user name when Okta did not embed the user.
func appUserLogin(u *okta.AppUser) string {
	if u.Embedded != nil && u.Embedded.User != nil && u.Embedded.User.Profile.Login != "" {
		return u.Embedded.User.Profile.Login
	}
	return appUserName(u, "")
}

// appUserName is the user name Okta sends to Statsig.
func appUserName(u *okta.AppUser, fallback string) string {
	if u.Credentials != nil && u.Credentials.UserName != "" {
		return u.Credentials.UserName
	}
	return fallback
}

func toSet(values []string) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	return set
}
