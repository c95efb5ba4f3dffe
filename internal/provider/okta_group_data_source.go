package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

var _ datasource.DataSourceWithConfigure = (*oktaGroupDataSource)(nil)

// NewOktaGroupDataSource finds one Okta-managed group by its exact name, so
// that configurations name groups instead of copying 00g ids.
func NewOktaGroupDataSource() datasource.DataSource { return &oktaGroupDataSource{} }

type oktaGroupDataSource struct {
	data *providerData
}

type oktaGroupModel struct {
	Name        types.String `tfsdk:"name"`
	ID          types.String `tfsdk:"id"`
	Description types.String `tfsdk:"description"`
	MemberCount types.Int64  `tfsdk:"member_count"`
}

func (d *oktaGroupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_okta_group"
}

func (d *oktaGroupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One group managed in Okta (type `OKTA_GROUP`), found by its exact name, for " +
			"`statsigokta_group_assignment.group_id` and `statsigokta_group_push.source_group_id` without raw " +
			"`00g...` ids. The plan fails when no such group exists, when two Okta groups have that name, or when " +
			"the name is a built-in group (`Everyone`, `Okta Administrators`) or a group imported from an app " +
			"(for the `Statsig-...` groups, use `statsigokta_role_group`). One groups search per data source.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The group's name, exactly as Okta shows it (case included).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "The group's id (`00g...`)."},
			"description":  schema.StringAttribute{Computed: true, MarkdownDescription: "The group's description, if any."},
			"member_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many users are members of the group (Okta's group stats)."},
		},
	}
}

func (d *oktaGroupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *oktaGroupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg oktaGroupModel
	if !d.data.openRead(ctx, req, resp, &cfg) {
		return
	}
	name := cfg.Name.ValueString()
	// One search; Okta compares names without case, so the exact match is
	// picked here.
	found, err := d.data.okta.ListGroups(ctx, okta.ListGroupsOptions{
		Search: "profile.name eq " + okta.SearchQuote(name), ExpandStats: true,
	})
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not search Okta's groups", err))
		return
	}
	group, summary, detail := pickOktaGroup(name, found)
	if summary != "" {
		resp.Diagnostics.AddAttributeError(path.Root("name"), summary, detail)
		return
	}
	cfg.ID = types.StringValue(group.ID)
	cfg.Description = stringOrNull(group.Profile.Description)
	cfg.MemberCount = types.Int64Null()
	if group.Embedded != nil && group.Embedded.Stats != nil {
		cfg.MemberCount = types.Int64Value(int64(group.Embedded.Stats.UsersCount))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// pickOktaGroup chooses the one OKTA_GROUP named exactly name, or says why
// there is none to choose.
func pickOktaGroup(name string, found []okta.Group) (group okta.Group, summary, detail string) {
	var matches, otherTypes []okta.Group
	var otherCase []string
	for _, g := range found {
		switch {
		case g.Profile.Name != name:
			if strings.EqualFold(g.Profile.Name, name) {
				otherCase = append(otherCase, g.Profile.Name)
			}
		case g.Type == okta.GroupTypeOkta:
			matches = append(matches, g)
		default:
			otherTypes = append(otherTypes, g)
		}
	}
	switch {
	case len(matches) == 1:
		return matches[0], "", ""
	case len(matches) > 1:
		ids := make([]string, len(matches))
		for i, g := range matches {
			ids[i] = g.ID
		}
		return okta.Group{}, "Two Okta groups have this name", fmt.Sprintf("Okta has %d groups named %q (%s); a name "+
			"must say which group it means. Rename all but one in Okta, or use the group's id instead of this data source.",
			len(matches), name, strings.Join(ids, ", "))
	case len(otherTypes) > 0:
		g := otherTypes[0]
		if g.Type == okta.GroupTypeBuiltIn {
			return okta.Group{}, "Built-in Okta group", fmt.Sprintf("%q (%s) is one of Okta's built-in groups, "+
				"which every user (or every administrator) is in; assigning or pushing it would give Statsig to all of "+
				"them. Name a group managed in Okta (type OKTA_GROUP) instead.", name, g.ID)
		}
		return okta.Group{}, "Group comes from an app", fmt.Sprintf("%q (%s) is an %s imported from an application, "+
			"not a group managed in Okta. For the Statsig-<Project>-<Role> groups use data.statsigokta_role_group; "+
			"otherwise name a group of type OKTA_GROUP.", name, g.ID, g.Type)
	}
	hint := ""
	if len(otherCase) > 0 {
		hint = fmt.Sprintf(" Did you mean %q? Names are matched exactly, case included.", otherCase[0])
	}
	return okta.Group{}, "Okta group not found", fmt.Sprintf("Okta has no group named %q.%s A group created moments "+
		"ago can take a little while to appear in Okta's group search.", name, hint)
}
