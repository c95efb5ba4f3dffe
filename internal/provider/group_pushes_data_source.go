package provider

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

var _ datasource.DataSourceWithConfigure = (*groupPushesDataSource)(nil)

// NewGroupPushesDataSource lists every group push mapping of the app.
func NewGroupPushesDataSource() datasource.DataSource { return &groupPushesDataSource{} }

type groupPushesDataSource struct {
	data *providerData
}

type groupPushesDataSourceModel struct {
	Status   types.String     `tfsdk:"status"`
	Mappings []groupPushEntry `tfsdk:"mappings"`
}

type groupPushEntry struct {
	ID              types.String `tfsdk:"id"`
	SourceGroupID   types.String `tfsdk:"source_group_id"`
	SourceGroupName types.String `tfsdk:"source_group_name"`
	TargetGroupID   types.String `tfsdk:"target_group_id"`
	TargetGroupName types.String `tfsdk:"target_group_name"`
	Status          types.String `tfsdk:"status"`
	LastPush        types.String `tfsdk:"last_push"`
	ErrorSummary    types.String `tfsdk:"error_summary"`
}

func (d *groupPushesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_pushes"
}

func (d *groupPushesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every group push mapping of the Statsig app, whether Terraform manages it or not: " +
			"which Okta group is pushed into which Statsig group, and whether the push works. Use it to review access, " +
			"and to write `import` blocks for `statsigokta_group_push` in bulk.",
		Attributes: map[string]schema.Attribute{
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only mappings in this status: `ACTIVE`, `INACTIVE` or `ERROR`.",
				Validators: []validator.String{stringvalidator.OneOf(
					okta.GroupPushStatusActive, okta.GroupPushStatusInactive, okta.GroupPushStatusError)},
			},
			"mappings": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The mappings, sorted by target group name, then source group name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                schema.StringAttribute{Computed: true, MarkdownDescription: "The mapping id (`gPm...`), the import id of `statsigokta_group_push`."},
					"source_group_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The pushed Okta group's id."},
					"source_group_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The pushed Okta group's name; null if the group no longer exists."},
					"target_group_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The Statsig group's id in Okta."},
					"target_group_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The Statsig group's name, such as `Statsig-Checkout-Admin`; null if the group no longer exists."},
					"status":            schema.StringAttribute{Computed: true, MarkdownDescription: "`ACTIVE`, `INACTIVE` or `ERROR`."},
					"last_push":         schema.StringAttribute{Computed: true, MarkdownDescription: "When Okta last pushed the group (RFC 3339), or null."},
					"error_summary":     schema.StringAttribute{Computed: true, MarkdownDescription: "Okta's message when the last push failed; null otherwise."},
				}},
			},
		},
	}
}

func (d *groupPushesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *groupPushesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg groupPushesDataSourceModel
	if !d.data.openRead(ctx, req, resp, &cfg) {
		return
	}
	all, err := d.data.listMappings(ctx)
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not list the app's group push mappings", err))
		return
	}
	mappings := all[:0:0]
	for _, m := range all {
		if cfg.Status.ValueString() == "" || m.Status == cfg.Status.ValueString() {
			mappings = append(mappings, m)
		}
	}

	// Target names come from one listing of the app's Statsig groups; source
	// names from one GET per distinct source group.
	names := map[string]string{}
	if len(mappings) > 0 {
		groups, err := d.data.listRoleGroups(ctx)
		if err != nil {
			resp.Diagnostics.AddError(describeAPIError("Could not list the app's Statsig groups", err))
			return
		}
		for _, g := range groups {
			names[g.ID] = g.Profile.Name
		}
	}
	nameOf := func(id string) (types.String, error) {
		if n, ok := names[id]; ok {
			return types.StringValue(n), nil
		}
		g, err := d.data.okta.GetGroup(ctx, id)
		if okta.IsNotFound(err) {
			return types.StringNull(), nil
		}
		if err != nil {
			return types.StringNull(), err
		}
		names[id] = g.Profile.Name
		return types.StringValue(g.Profile.Name), nil
	}

	cfg.Mappings = make([]groupPushEntry, 0, len(mappings))
	for _, m := range mappings {
		entry := groupPushEntry{
			ID:            types.StringValue(m.ID),
			SourceGroupID: types.StringValue(m.SourceGroupID),
			TargetGroupID: types.StringValue(m.TargetGroupID),
			Status:        types.StringValue(m.Status),
			LastPush:      types.StringNull(),
			ErrorSummary:  stringOrNull(m.ErrorSummary),
		}
		if m.LastPush != nil {
			entry.LastPush = types.StringValue(m.LastPush.UTC().Format(time.RFC3339))
		}
		var srcErr, tgtErr error
		entry.SourceGroupName, srcErr = nameOf(m.SourceGroupID)
		entry.TargetGroupName, tgtErr = nameOf(m.TargetGroupID)
		for _, err := range []error{srcErr, tgtErr} {
			if err != nil {
				resp.Diagnostics.AddError(describeAPIError(fmt.Sprintf("Could not read the groups of mapping %s", m.ID), err))
				return
			}
		}
		cfg.Mappings = append(cfg.Mappings, entry)
	}
	sort.SliceStable(cfg.Mappings, func(i, j int) bool {
		a, b := cfg.Mappings[i], cfg.Mappings[j]
		if a.TargetGroupName.ValueString() != b.TargetGroupName.ValueString() {
			return a.TargetGroupName.ValueString() < b.TargetGroupName.ValueString()
		}
		if a.SourceGroupName.ValueString() != b.SourceGroupName.ValueString() {
			return a.SourceGroupName.ValueString() < b.SourceGroupName.ValueString()
		}
		return a.ID.ValueString() < b.ID.ValueString()
	})
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
