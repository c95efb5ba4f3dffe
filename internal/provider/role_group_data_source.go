package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
)

var (
	_ datasource.DataSourceWithConfigure        = (*roleGroupDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*roleGroupDataSource)(nil)
)

// NewRoleGroupDataSource reads one Statsig-<Project>-<Role> group.
func NewRoleGroupDataSource() datasource.DataSource { return &roleGroupDataSource{} }

type roleGroupDataSource struct {
	data *providerData
}

type roleGroupDataSourceModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Project     types.String `tfsdk:"project"`
	Role        types.String `tfsdk:"role"`
	Team        types.String `tfsdk:"team"`
	Roles       types.List   `tfsdk:"roles"`
	Ambiguous   types.Bool   `tfsdk:"ambiguous"`
	MemberCount types.Int64  `tfsdk:"member_count"`
}

func (d *roleGroupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_group"
}

func (d *roleGroupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	parts := []validator.String{namePartValidator{}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Statsig group of the app, an `APP_GROUP` imported from Statsig, by `project` " +
			"and `role` (and `team`), which name `Statsig-<project>[-<team>]-<role>`, or by its full `name`. Fails, " +
			"with the closest existing names, when there is no such group. Looked up by `project`, `team` and " +
			"`role`, it also fails when the app's other groups show that the same name means another project or " +
			"team (project `Growth-Core` as well as team `Core` of `Growth`).\n\nWhen looked up by `name`: " + parsingDescription,
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The full group name, such as `Statsig-Checkout-Admin`. Set this, or `project` and `role`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"project": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The Statsig project, exactly as in the Statsig Console.",
				Validators:          parts,
			},
			"role": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The Statsig role, such as `Admin`, `Member`, `Read Only`, `Owner` or a custom role.",
				Validators:          parts,
			},
			"team": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The Statsig team, for a team group; null for a project group.",
				Validators:          append([]validator.String{stringvalidator.AlsoRequires(path.MatchRoot("project"))}, parts...),
			},
			"roles": rolesArgument(),
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Okta group id (`00g...`), for `statsigokta_group_push.target_group_id`.",
			},
			"ambiguous": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Always false: a name that cannot be read into one project and team fails " +
					"the read instead, showing its readings and the group's id.",
			},
			"member_count": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "How many Okta users the group has (Okta's `usersCount`): the users Okta knows " +
					"to hold this Statsig role.",
			},
		},
	}
}

func (d *roleGroupDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("project")),
		datasourcevalidator.RequiredTogether(path.MatchRoot("project"), path.MatchRoot("role")),
	}
}

func (d *roleGroupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *roleGroupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg roleGroupDataSourceModel
	if !d.data.openRead(ctx, req, resp, &cfg) {
		return
	}

	byName := !cfg.Name.IsNull()
	name := cfg.Name.ValueString()
	attr := path.Root("name")
	if !byName {
		var err error
		name, err = rolegroup.TeamName(cfg.Project.ValueString(), cfg.Team.ValueString(), cfg.Role.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("project"), "Invalid Statsig group name", err.Error())
			return
		}
		attr = path.Root("project")
	}
	group, err := d.data.findRoleGroup(ctx, name, true)
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not look up the Statsig group", err))
		return
	}
	var all []okta.Group // listed only when needed
	if group == nil {
		detail := fmt.Sprintf("The Statsig app has no group named %q among its groups imported from Statsig.", name)
		if all, err = d.data.listRoleGroups(ctx); err == nil {
			if s := rolegroup.Suggest(name, groupNames(all), cfg.Project.ValueString(), cfg.Role.ValueString(), 5); len(s) > 0 {
				detail += "\n\nDid you mean:\n  - " + quoteAll(s, "\n  - ")
			}
		}
		resp.Diagnostics.AddAttributeError(attr, "Statsig group not found",
			detail+"\n\nNames are matched exactly, including case and spaces.")
		return
	}

	cfg.ID = types.StringValue(group.ID)
	cfg.Name = types.StringValue(group.Profile.Name)
	cfg.MemberCount = types.Int64Null()
	if group.Embedded != nil && group.Embedded.Stats != nil {
		cfg.MemberCount = types.Int64Value(int64(group.Embedded.Stats.UsersCount))
	}
	cfg.Ambiguous = types.BoolValue(false)
	if !byName {
		if conflict := d.data.readingConflict(ctx, *group, cfg.Project.ValueString(), cfg.Team.ValueString(), &resp.Diagnostics); conflict != "" {
			resp.Diagnostics.AddAttributeError(path.Root("project"), "Ambiguous Statsig group name", conflict+
				fmt.Sprintf(" If it is the group you mean, use its id, %s, for example as statsigokta_group_push.target_group_id.", group.ID))
		}
		if resp.Diagnostics.HasError() {
			return
		}
		cfg.Team = stringOrNull(cfg.Team.ValueString())
		resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
		return
	}

	// By name: read the parts, with the app's other names as context only
	// when the name alone is ambiguous.
	parser := d.data.roleGroupParser(ctx, cfg.Roles, nil, &resp.Diagnostics)
	parsed, err := parser.Parse(name)
	if err == nil && parsed.Ambiguous {
		if all, err = d.data.listRoleGroups(ctx); err != nil {
			resp.Diagnostics.AddError(describeAPIError("Could not list the app's Statsig groups", err))
			return
		}
		parser.LearnProjects(groupNames(all))
		parsed, err = parser.Parse(name)
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("roles"), "Cannot read the group name",
			err.Error()+". Add custom roles to the roles argument, or look the group up by project and role.")
		return
	}
	entry, _ := parseRoleGroup(parser, *group)
	cfg.Project, cfg.Role, cfg.Team, cfg.Ambiguous = entry.Project, entry.Role, entry.Team, entry.Ambiguous
	if parsed.Ambiguous {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Ambiguous Statsig group name", ambiguousName(parsed, group.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
