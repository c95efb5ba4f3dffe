package provider

import (
	"context"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
)

var _ datasource.DataSourceWithConfigure = (*roleGroupsDataSource)(nil)

// NewRoleGroupsDataSource lists the app's Statsig-<Project>-<Role> groups.
func NewRoleGroupsDataSource() datasource.DataSource { return &roleGroupsDataSource{} }

type roleGroupsDataSource struct {
	data *providerData
}

type roleGroupsDataSourceModel struct {
	Project types.String     `tfsdk:"project"`
	Role    types.String     `tfsdk:"role"`
	Roles   types.List       `tfsdk:"roles"`
	Groups  []roleGroupEntry `tfsdk:"groups"`
}

type roleGroupEntry struct {
	ID        types.String `tfsdk:"id"`
	Name      types.String `tfsdk:"name"`
	Project   types.String `tfsdk:"project"`
	Role      types.String `tfsdk:"role"`
	Team      types.String `tfsdk:"team"`
	Ambiguous types.Bool   `tfsdk:"ambiguous"`
	Note      types.String `tfsdk:"note"`
}

// parsingDescription explains, once for every data source, how names are read.
const parsingDescription = "Names are read without splitting on hyphens, since project and team names may " +
	"contain them: after `Statsig-`, the longest known role suffix (`Admin`, `Member`, `Read Only`, `Owner`, the " +
	"custom roles in `roles`, and those of the Statsig Console API key's project when one is configured) is the " +
	"role, and the rest is the project. Only `Admin` and `Member` exist for teams, so for those roles a rest " +
	"with a hyphen could also be `<Project>-<Team>`: the provider decides with the project names the app's " +
	"other groups prove (a group with a non-team role such as `Read Only`, or without a hyphen) and the " +
	"Console API key's project. When that does not settle it, the name is never resolved by a guess: a lookup " +
	"that depends on its meaning (`statsigokta_role_group`, a `project` filter of `statsigokta_role_groups`) " +
	"fails showing every reading and the group's id; `statsigokta_role_groups` without a filter lists it with " +
	"`ambiguous` true and every reading in the group's `note`."

func (d *roleGroupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_groups"
}

func (d *roleGroupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Statsig groups of the app: the `APP_GROUP` groups named `Statsig-...` that " +
			"Okta imported from Statsig, one per project and role (`Statsig-<Project>-<Role>`) and per team and role " +
			"(`Statsig-<Project>-<Team>-<Role>`), with each name read into its project, team and role.\n\n" + parsingDescription,
		Attributes: map[string]schema.Attribute{
			"project": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only groups of this project (exact name). A name that could belong to this " +
					"project or to another (see above) makes the read fail, showing its readings.",
				Validators: []validator.String{namePartValidator{}},
			},
			"role": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only groups with this role (exact name), such as `Admin` or `Read Only`.",
				Validators:          []validator.String{namePartValidator{}},
			},
			"roles": rolesArgument(),
			"groups": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching groups, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":      schema.StringAttribute{Computed: true, MarkdownDescription: "The Okta group id (`00g...`), for `statsigokta_group_push.target_group_id`."},
					"name":    schema.StringAttribute{Computed: true, MarkdownDescription: "The group name, such as `Statsig-Checkout-Admin`."},
					"project": schema.StringAttribute{Computed: true, MarkdownDescription: "The Statsig project; the best reading when `ambiguous`, null when the role is not known."},
					"role":    schema.StringAttribute{Computed: true, MarkdownDescription: "The Statsig role; null when the name ends with no known role."},
					"team":    schema.StringAttribute{Computed: true, MarkdownDescription: "The Statsig team, or null for a project group."},
					"ambiguous": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the name could not be " +
						"read with certainty (see `note`)."},
					"note": schema.StringAttribute{Computed: true, MarkdownDescription: "How an ambiguous or unusual name " +
						"was read; null for plain names."},
				}},
			},
		},
	}
}

// rolesArgument is the custom role list every parsing data source accepts.
func rolesArgument() schema.ListAttribute {
	return schema.ListAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Custom Statsig role names to recognise besides `Admin`, `Member`, `Read Only` and " +
			"`Owner`. With `statsig_console_api_key` configured, the roles of that key's project are added.",
	}
}

func (d *roleGroupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *roleGroupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg roleGroupsDataSourceModel
	if !d.data.openRead(ctx, req, resp, &cfg) {
		return
	}
	groups, err := d.data.listRoleGroups(ctx)
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not list the app's Statsig groups", err))
		return
	}
	parser := d.data.roleGroupParser(ctx, cfg.Roles, groups, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	cfg.Groups = []roleGroupEntry{}
	for _, g := range groups {
		entry, parsed := parseRoleGroup(parser, g)
		if !matchesFilter(parsed, cfg.Project, cfg.Role) {
			continue
		}
		if parsed.Ambiguous && known(cfg.Project) {
			// Whether the group belongs to the project is a guess.
			resp.Diagnostics.AddAttributeError(path.Root("project"), "Ambiguous Statsig group name", ambiguousName(parsed, g.ID))
			continue
		}
		cfg.Groups = append(cfg.Groups, entry)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	sort.Slice(cfg.Groups, func(i, j int) bool { return cfg.Groups[i].Name.ValueString() < cfg.Groups[j].Name.ValueString() })
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// matchesFilter applies the project and role filters; an ambiguous name
// matches a project through any of its readings.
func matchesFilter(p rolegroup.Parsed, project, role types.String) bool {
	if known(role) && p.Role != role.ValueString() {
		return false
	}
	if !known(project) {
		return true
	}
	if p.Project == project.ValueString() {
		return true
	}
	return slices.ContainsFunc(p.Readings, func(r rolegroup.Reading) bool { return r.Project == project.ValueString() })
}
