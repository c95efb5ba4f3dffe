package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*appDataSource)(nil)

// NewAppDataSource reads the Statsig app instance the provider manages.
func NewAppDataSource() datasource.DataSource { return &appDataSource{} }

type appDataSource struct {
	data *providerData
}

type appDataSourceModel struct {
	ID         types.String `tfsdk:"id"`
	Label      types.String `tfsdk:"label"`
	Name       types.String `tfsdk:"name"`
	Status     types.String `tfsdk:"status"`
	SignOnMode types.String `tfsdk:"sign_on_mode"`
	Features   types.Set    `tfsdk:"features"`
}

func (d *appDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app"
}

func (d *appDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Statsig app instance in Okta that the provider is configured with (`app_id`): " +
			"its label, status and provisioning features. Useful to check that provisioning and Push Groups are enabled.",
		Attributes: map[string]schema.Attribute{
			"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "The app id (`0oa...`)."},
			"label":        schema.StringAttribute{Computed: true, MarkdownDescription: "The app's label in the Okta console."},
			"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "The app's integration name."},
			"status":       schema.StringAttribute{Computed: true, MarkdownDescription: "`ACTIVE` or `INACTIVE`."},
			"sign_on_mode": schema.StringAttribute{Computed: true, MarkdownDescription: "The app's sign-on mode."},
			"features": schema.SetAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Enabled provisioning features, such as `PUSH_NEW_USERS`, `PUSH_USER_DEACTIVATION` and `GROUP_PUSH`.",
			},
		},
	}
}

func (d *appDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *appDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.openRead(ctx, req, resp, nil) {
		return
	}
	app, err := d.data.okta.GetApplication(ctx, d.data.appID)
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not read the Statsig app", err))
		return
	}
	features := append([]string(nil), app.Features...)
	sort.Strings(features)
	featureSet, diags := types.SetValueFrom(ctx, types.StringType, features)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, appDataSourceModel{
		ID:         types.StringValue(app.ID),
		Label:      types.StringValue(app.Label),
		Name:       types.StringValue(app.Name),
		Status:     types.StringValue(app.Status),
		SignOnMode: types.StringValue(app.SignOnMode),
		Features:   featureSet,
	})...)
}
