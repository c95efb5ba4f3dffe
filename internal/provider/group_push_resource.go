package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

var (
	_ resource.ResourceWithConfigure        = (*groupPushResource)(nil)
	_ resource.ResourceWithConfigValidators = (*groupPushResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*groupPushResource)(nil)
	_ resource.ResourceWithImportState      = (*groupPushResource)(nil)
	_ resource.ResourceWithIdentity         = (*groupPushResource)(nil)
)

const (
	// maxUnassignedNamed caps how many unassigned members a warning names.
	maxUnassignedNamed = 10
	// mappingListLagWait is how long Create looks for a mapping that a failed
	// POST may have made: GET is immediate, but the list lags a few seconds.
	mappingListLagWait = 5 * time.Second
)

// NewGroupPushResource links an Okta group to a Statsig-<Project>-<Role> group.
func NewGroupPushResource() resource.Resource { return &groupPushResource{} }

type groupPushResource struct {
	data *providerData
}

type groupPushModel struct {
	ID              types.String   `tfsdk:"id"`
	SourceGroupID   types.String   `tfsdk:"source_group_id"`
	SourceGroupName types.String   `tfsdk:"source_group_name"`
	TargetGroupID   types.String   `tfsdk:"target_group_id"`
	Project         types.String   `tfsdk:"project"`
	Role            types.String   `tfsdk:"role"`
	Team            types.String   `tfsdk:"team"`
	TargetGroupName types.String   `tfsdk:"target_group_name"`
	Status          types.String   `tfsdk:"status"`
	LastPush        types.String   `tfsdk:"last_push"`
	ErrorSummary    types.String   `tfsdk:"error_summary"`
	WaitForPush     types.Bool     `tfsdk:"wait_for_push"`
	Adopted         types.Bool     `tfsdk:"adopted"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

func (r *groupPushResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_push"
	// The identity is the mapping id, and a move (another Statsig group)
	// makes a new mapping in place.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *groupPushResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	partValidators := []validator.String{namePartValidator{}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Links an Okta group to one of the `Statsig-<Project>-<Role>` (or " +
			"`Statsig-<Project>-<Team>-<Role>`) groups with Okta Group Push, as the app's Push Groups tab does " +
			"with **Link Group**: Okta then pushes the group's members into that Statsig project (or team) role. " +
			"Okta pushes only members who are assigned to the app, so assign them too (`statsigokta_user_assignment` " +
			"or `statsigokta_group_assignment`).\n\n" +
			"The target is resolved at plan time, so the plan shows the exact Statsig group. Moving the link to " +
			"another Statsig group is an update in place (the old mapping is deleted, then the new one made), so " +
			"`create_before_destroy` does not get in the way; if the create fails after the delete, the group is " +
			"pushed nowhere until the next apply makes the link. Destroying the resource " +
			"deactivates and deletes the mapping but keeps the Statsig group (`deleteTargetGroup=false`): deleting a " +
			"team group would delete the Statsig team.\n\n" +
			"Okta's **Rename Groups** setting has no API. Disable it under the app's Push Groups settings: otherwise " +
			"Okta renames the Statsig group after the Okta group on the first push. This provider never renames groups.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group push mapping id (`gPm...`).",
				PlanModifiers:       keepState,
			},
			"source_group_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Id of the Okta group to push (`00g...`). It must be a group managed in Okta " +
					"(`OKTA_GROUP`), not one imported from an app. Okta pushes each group to at most one Statsig group. " +
					"Changing it replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{oktaIDValidator("00g", "an Okta group id")},
			},
			"source_group_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The source group's name in Okta, known at plan time.",
				PlanModifiers:       keepState,
			},
			"target_group_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Id of the Statsig group in Okta (`00g...`), an `APP_GROUP` imported from this " +
					"app. Set this or `project` and `role` (or both, naming the same group, as `terraform plan " +
					"-generate-config-out` writes them); with `project` and `role`, the plan shows the id they resolve to. " +
					"Changing the target (here or in `project`, `team` and `role`) moves the link in place: Okta keeps " +
					"one mapping per source group, so the update deletes the old mapping and then creates the new one " +
					"(a new `id`), waiting as a create does with `wait_for_push`.",
				PlanModifiers: keepState,
				Validators:    []validator.String{oktaIDValidator("00g", "an Okta group id")},
			},
			"project": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Statsig project name, exactly as in the Statsig Console (spaces and hyphens " +
					"included). With `role` (and `team`), names the target `Statsig-<project>-<role>` or " +
					"`Statsig-<project>-<team>-<role>`. When the target is set by `target_group_id`, this shows the " +
					"project read from the group's name: null when the name is ambiguous or ends with a custom role.",
				PlanModifiers: keepState,
				Validators:    partValidators,
			},
			"role": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Statsig role: `Admin`, `Member`, `Read Only`, `Owner` or a custom role name. " +
					"Required with `project`. With `target_group_id`, read from the group's name (null for a custom role).",
				PlanModifiers: keepState,
				Validators:    partValidators,
			},
			"team": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Statsig team name, for the team groups `Statsig-<project>-<team>-<role>`; " +
					"teams have only the roles `Admin` and `Member`. Requires `project`. With `target_group_id`, read " +
					"from the group's name (the app's other groups tell a team from a hyphenated project name).",
				PlanModifiers: keepState,
				Validators: append([]validator.String{stringvalidator.AlsoRequires(path.MatchRoot("project"))},
					partValidators...),
			},
			"target_group_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the target Statsig group, such as `Statsig-Checkout-Admin`, known at plan time.",
				PlanModifiers:       keepState,
			},
			"status": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(okta.GroupPushStatusActive),
				MarkdownDescription: "`ACTIVE` (push membership changes) or `INACTIVE` (pause pushing; members " +
					"already pushed stay). Defaults to `ACTIVE`; changed in place. Setting `ACTIVE` again makes Okta " +
					"push the whole group.",
				Validators: []validator.String{stringvalidator.OneOf(okta.GroupPushStatusActive, okta.GroupPushStatusInactive)},
			},
			"last_push": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When Okta last pushed the group (RFC 3339), or null before the first push.",
			},
			"error_summary": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Okta's message when the last push failed (the mapping is then in `ERROR` " +
					"and every plan shows it as a warning); null otherwise.",
			},
			"wait_for_push": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Okta pushes asynchronously: a new link has `last_push` null until Okta has pushed " +
					"the group, seconds or minutes later. With `true`, the create (and a move to another Statsig group) " +
					"waits, within `timeouts.create`, for " +
					"that push and, when `statsig_scim_token` is set, for the group's assigned and provisioned members " +
					"to appear in the Statsig group. If the time runs out, the link is kept in state with a warning " +
					"(nothing is replaced on the next apply). Refused on an app without the `GROUP_PUSH` feature, which " +
					"never pushes. Defaults to `false`: the create returns once the link exists.",
			},
			"adopted":  adoptedLinkAttribute(),
			"timeouts": positiveTimeouts(timeouts.Attributes(ctx, timeouts.Opts{Create: true})),
		},
	}
}

func (r *groupPushResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = appObjectIdentitySchema("mapping_id", "Group push mapping id (gPm...).")
}

func (r *groupPushResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		// At least one rather than exactly one: Terraform's -generate-config-out
		// writes both, and ModifyPlan checks that they name the same group.
		resourcevalidator.AtLeastOneOf(path.MatchRoot("target_group_id"), path.MatchRoot("project")),
		resourcevalidator.RequiredTogether(path.MatchRoot("project"), path.MatchRoot("role")),
	}
}

func (r *groupPushResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *groupPushResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var config, plan groupPushModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(r.data.checkApp(ctx)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !known(plan.TargetGroupID) || !known(plan.SourceGroupName) {
		// An input was not known at plan time, so the plan could not check
		// it: resolve and check now, before writing anything.
		if r.checkLink(ctx, config, &plan, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
	}
	if mapping := r.link(ctx, &plan, &resp.Diagnostics); mapping != nil {
		r.settle(ctx, &plan, mapping, &resp.State, resp.Identity, &resp.Diagnostics)
	}
}

func (r *groupPushResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state groupPushModel
	mapping, ok := readObject(ctx, r.data, req, resp, &state, func() string { return state.ID.ValueString() },
		"mapping_id", "group push mapping", r.data.readMapping)
	if !ok {
		return
	}
	targetChanged := !state.TargetGroupID.Equal(types.StringValue(mapping.TargetGroupID))
	sourceChanged := !state.SourceGroupID.Equal(types.StringValue(mapping.SourceGroupID))
	state.fromMapping(mapping)
	if state.WaitForPush.IsNull() {
		state.WaitForPush = types.BoolValue(false) // imported
	}

	// Names are read only when not known yet (after import): Okta groups
	// keep their id when renamed, and Statsig groups cannot be renamed.
	if sourceChanged || state.SourceGroupName.IsNull() {
		if g, err := r.data.okta.GetGroup(ctx, mapping.SourceGroupID); err == nil {
			state.SourceGroupName = types.StringValue(g.Profile.Name)
		}
	}
	if targetChanged || state.TargetGroupName.IsNull() {
		g, err := r.data.okta.GetGroup(ctx, mapping.TargetGroupID)
		if err != nil && !okta.IsNotFound(err) {
			resp.Diagnostics.AddError(describeAPIError("Could not read the target group", err))
			return
		}
		state.TargetGroupName = types.StringNull()
		if err == nil {
			state.TargetGroupName = types.StringValue(g.Profile.Name)
		}
	}
	if (targetChanged || state.Role.IsNull()) && known(state.TargetGroupName) {
		state.Project, state.Team, state.Role = r.data.roleGroupParts(ctx, state.TargetGroupName.ValueString())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	warnPushError(&resp.Diagnostics, &state)
}

func (r *groupPushResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state groupPushModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.TargetGroupID.Equal(state.TargetGroupID) {
		r.move(ctx, &plan, state, resp)
		return
	}
	id := state.ID.ValueString()
	var mapping *okta.GroupPushMapping
	var err error
	if plan.Status.Equal(state.Status) {
		mapping, err = r.data.readMapping(ctx, id) // only names or parts changed
	} else {
		mapping, err = r.data.okta.UpdateGroupPushMappingStatus(ctx, r.data.appID, id, plan.Status.ValueString())
	}
	if err != nil {
		summary, detail := describeAPIError("Could not update the group push mapping", err)
		if okta.HasErrorCode(err, okta.ErrCodeValidation) {
			detail += "\n\nOkta does not update a mapping in ERROR status. Resolve the push error in the Admin Console " +
				"(Statsig app > Push Groups), or replace the resource: terraform apply -replace=<address>."
		}
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	plan.fromMapping(mapping)
	r.save(ctx, &plan, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *groupPushResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupPushModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !resp.Diagnostics.HasError() {
		r.unlink(ctx, state.ID.ValueString(), &resp.Diagnostics)
	}
}

// unlink deactivates the mapping, as Okta requires, then deletes it while
// keeping the Statsig group: for a team group, deleting it deletes the team.
// A mapping already gone is not an error. Delete and a move share it.
func (r *groupPushResource) unlink(ctx context.Context, id string, diags *diag.Diagnostics) {
	_, err := r.data.okta.UpdateGroupPushMappingStatus(ctx, r.data.appID, id, okta.GroupPushStatusInactive)
	if okta.IsNotFound(err) {
		return
	}
	if err != nil {
		// A mapping in ERROR cannot be updated, but it can be deleted as it is.
		current, getErr := r.data.readMapping(ctx, id)
		switch {
		case okta.IsNotFound(getErr):
			return
		case getErr != nil || current.Status != okta.GroupPushStatusError:
			diags.AddError(describeAPIError("Could not deactivate the group push mapping", err))
			return
		}
	}
	err = r.data.okta.DeleteGroupPushMapping(ctx, r.data.appID, id, false)
	if err != nil && !okta.IsNotFound(err) {
		diags.AddError(describeAPIError("Could not delete the group push mapping", err))
	}
}

// ImportState accepts a mapping id (gPm...) or the id of the pushed Okta
// group (00g...), whose mapping it looks up.
func (r *groupPushResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if id == "" {
		var diags diag.Diagnostics
		id, diags = importIDFromIdentity(ctx, req, r.data, "mapping_id")
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	switch {
	case looksLikeOktaID(id, "gPm"):
	case looksLikeOktaID(id, "00g"):
		if r.data == nil {
			resp.Diagnostics.AddError("Provider not configured", "Importing by group id needs a configured provider.")
			return
		}
		mappings, err := r.data.okta.ListGroupPushMappings(ctx, r.data.appID, okta.ListGroupPushMappingsOptions{SourceGroupID: id})
		if err != nil {
			resp.Diagnostics.AddError(describeAPIError("Could not look up the group's push mapping", err))
			return
		}
		switch len(mappings) {
		case 0:
			resp.Diagnostics.AddError("Cannot import group push",
				fmt.Sprintf("Okta group %s is not pushed to the Statsig app: it has no group push mapping. If it was linked "+
					"moments ago, Okta's list may not show it yet; try again, or import by the mapping id (gPm...).", id))
			return
		case 1:
			id = mappings[0].ID
		default:
			ids := make([]string, len(mappings))
			for i, m := range mappings {
				ids[i] = m.ID
			}
			resp.Diagnostics.AddError("Cannot import group push",
				fmt.Sprintf("Okta group %s has %d push mappings (%s); import one by its mapping id.", req.ID, len(mappings), strings.Join(ids, ", ")))
			return
		}
	default:
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Import a group push by its mapping id (gPm...) or by the id of the pushed Okta group (00g...); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// fromMapping copies what Okta reports into the model. ERROR is not a status
// Terraform can ask for, so status keeps the requested one and the error
// shows in error_summary and as a warning.
func (m *groupPushModel) fromMapping(g *okta.GroupPushMapping) {
	m.ID = types.StringValue(g.ID)
	m.SourceGroupID = types.StringValue(g.SourceGroupID)
	m.TargetGroupID = types.StringValue(g.TargetGroupID)
	switch {
	case g.Status != okta.GroupPushStatusError:
		m.Status = types.StringValue(g.Status)
	case !known(m.Status):
		m.Status = types.StringValue(okta.GroupPushStatusActive) // imported while in ERROR
	}
	m.LastPush = types.StringNull()
	if g.LastPush != nil {
		m.LastPush = types.StringValue(g.LastPush.UTC().Format(time.RFC3339))
	}
	m.ErrorSummary = stringOrNull(g.ErrorSummary)
	if g.Status == okta.GroupPushStatusError && g.ErrorSummary == "" {
		m.ErrorSummary = types.StringValue("Okta reports the mapping in ERROR without a message.")
	}
	for _, v := range []*types.String{&m.SourceGroupName, &m.TargetGroupName, &m.Project, &m.Role, &m.Team} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
}

// save is how Create and Update end: the link in state with its identity,
// and Okta's push error, if any, as a warning.
func (r *groupPushResource) save(ctx context.Context, m *groupPushModel, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	diags.Append(state.Set(ctx, m)...)
	diags.Append(setAppObjectIdentity(ctx, identity, r.data.appID, "mapping_id", m.ID.ValueString())...)
	warnPushError(diags, m)
}

// warnPushError shows a failing push on every plan and apply.
func warnPushError(diags *diag.Diagnostics, m *groupPushModel) {
	if !known(m.ErrorSummary) {
		return
	}
	diags.AddWarning("Group push is failing",
		fmt.Sprintf("Okta reports group push mapping %s (%s to %s) in ERROR: %s\n\nOkta pushes no membership changes until "+
			"this is resolved in the Admin Console (Statsig app > Push Groups); while in ERROR, the mapping cannot be "+
			"updated through the API.", m.ID.ValueString(), nameOrID(m.SourceGroupName, m.SourceGroupID),
			nameOrID(m.TargetGroupName, m.TargetGroupID), m.ErrorSummary.ValueString()))
}

func nameOrID(name, id types.String) string {
	if known(name) {
		return fmt.Sprintf("%q", name.ValueString())
	}
	return id.ValueString()
}
