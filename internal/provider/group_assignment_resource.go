package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

var (
	_ resource.ResourceWithConfigure   = (*groupAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*groupAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*groupAssignmentResource)(nil)
	_ resource.ResourceWithIdentity    = (*groupAssignmentResource)(nil)
)

// NewGroupAssignmentResource assigns an Okta group to the Statsig app.
func NewGroupAssignmentResource() resource.Resource { return &groupAssignmentResource{} }

type groupAssignmentResource struct {
	data *providerData
}

type groupAssignmentModel struct {
	ID        types.String `tfsdk:"id"`
	GroupID   types.String `tfsdk:"group_id"`
	Priority  types.Int64  `tfsdk:"priority"`
	OrgRole   types.String `tfsdk:"org_role"`
	GroupName types.String `tfsdk:"group_name"`
	Adopted   types.Bool   `tfsdk:"adopted"`
}

func (r *groupAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_assignment"
}

func (r *groupAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Assigns an Okta group to the Statsig app, so that Okta provisions every member in " +
			"Statsig (each as an app user with scope `GROUP`). Destroying it unassigns the group: members who have " +
			"no other assignment are deactivated in Statsig.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Okta group id, the same as `group_id`.",
				PlanModifiers:       keepState,
			},
			"group_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Id of an Okta group (`00g...`). It must be a group managed in Okta, not one of " +
					"the `Statsig-...` groups imported from Statsig. Changing it replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{oktaIDValidator("00g", "an Okta group id")},
			},
			"priority": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Priority of this assignment among the app's group assignments (0 is highest); " +
					"it decides which group's profile values a member gets. Okta assigns one when not set.",
				Validators:    []validator.Int64{int64validator.AtLeast(0)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"org_role": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Statsig organisation role for the group's members: `Member` or `Admin` (`Owner` is refused: Statsig " +
					"allows one Owner, and a group would make every member one), " +
					"sent as the group assignment profile attribute `statsigOrgRole`. When not set, Okta's value is shown.",
				Validators:    []validator.String{stringvalidator.OneOf("Member", "Admin", "Owner"), notGroupOwner{}},
				PlanModifiers: keepState,
			},
			"group_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group's name in Okta.",
				PlanModifiers:       keepState,
			},
			"adopted": adoptedAttribute("an assignment of the group",
				"a replacement of this instance's own assignment, or a `group_id` known only at apply"),
		},
	}
}

func (r *groupAssignmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = appObjectIdentitySchema("group_id", "Okta group id (00g...).")
}

func (r *groupAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan records the group in the walk's registry (one declaration per
// group), refuses at plan time a group that came from Statsig (those
// APP_GROUPs are managed by the app and cannot be assigned back to it), and
// announces what a create will find in Okta (adopt.go).
func (r *groupAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.data.openPlan(ctx, req, resp, okta.ScopeAppsManage) {
		return
	}
	var plan, state groupAssignmentModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if req.Plan.Raw.IsNull() {
		if r.data.declared.wasCreated(declaredGroup, state.ID.ValueString()) {
			return // create_before_destroy: this apply's create took the assignment over, and Delete keeps it
		}
		if r.data.declared.planDestroyKeptByAnother(ctx, resp.Private, declaredGroup, state.ID.ValueString(), &resp.Diagnostics) {
			return // a deposed object: the current object keeps the assignment, and Delete keeps it
		}
		if err := r.data.declared.destroying(declaredGroup, state.ID.ValueString(), groupLabel(state.GroupID)); err != nil {
			resp.Diagnostics.AddError("One Okta object, one declaration", err.Error())
		}
		return
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := plan.GroupID.ValueString()
	// A group_id known only at apply replaces too (it is RequiresReplace).
	creating := req.State.Raw.IsNull()
	replacing := !creating && (!known(plan.GroupID) || groupID != state.ID.ValueString())
	if !creating {
		if replacing { // before markHeld, which clears the mark (req.Private is resp.Private)
			r.data.declared.refuseStaleMark(ctx, req.Private, declaredGroup, state.ID.ValueString(), &resp.Diagnostics)
		}
		// Read by this instance's create plan if Terraform replaces it.
		resp.Diagnostics.Append(markHeld(ctx, resp.Private, state.ID.ValueString())...)
	}
	if resp.Diagnostics.HasError() || !known(plan.GroupID) {
		return
	}
	own := notReplacing
	if creating {
		own = r.data.declared.replacementOf(ctx, req.Private, declaredGroup, groupID)
	}
	var err error
	switch {
	case own == replacingMarked: // claimed by this instance's first plan
	case replacing:
		if err = r.data.declared.destroying(declaredGroup, state.ID.ValueString(), groupLabel(state.GroupID)); err == nil {
			err = r.data.declared.replaceClaim(declaredGroup, groupID, groupLabel(plan.GroupID))
		}
	default:
		err = r.data.declared.claim(declaredGroup, groupID, groupLabel(plan.GroupID))
	}
	if err != nil {
		resp.Diagnostics.AddError("One Okta object, one declaration", err.Error())
		return
	}
	if !creating {
		return // kept, or replaced: the create plan that follows checks the new group
	}
	// A new assignment: a wrong app_id fails the plan, not the apply.
	if resp.Diagnostics.Append(r.data.checkApp(ctx)...); resp.Diagnostics.HasError() {
		return
	}
	group, err := r.data.okta.GetGroup(ctx, groupID)
	if err != nil {
		if okta.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Okta group not found",
				fmt.Sprintf("Okta has no group with id %q.", groupID))
			return
		}
		resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Could not read the group",
			detailOf(describeAPIError("Could not read the group", err)))
		return
	}
	if group.Type == "APP_GROUP" {
		resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Group comes from an app",
			fmt.Sprintf("%q (%s) is an APP_GROUP imported from an application; Okta cannot assign it back to the Statsig app. "+
				"Assign an Okta-managed group (type OKTA_GROUP) instead, and link it to a Statsig-<Project>-<Role> group with "+
				"statsigokta_group_push.", group.Profile.Name, group.ID))
		return
	}
	if group.Type == okta.GroupTypeBuiltIn {
		resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Built-in group cannot be assigned",
			fmt.Sprintf("%q (%s) is one of Okta's built-in groups (type BUILT_IN). Assigning it would give Statsig to "+
				"everyone in it (for Everyone: every person in the Okta org, including everyone who joins later), which "+
				"this provider does not do. Assign an Okta-managed group (type OKTA_GROUP) with the people who need "+
				"Statsig instead.", group.Profile.Name, group.ID))
		return
	}
	if own != notReplacing {
		// This instance's own assignment, which the apply removes first.
		addReplaceWarning(&resp.Diagnostics, fmt.Sprintf("Replacing this assignment unassigns group %q (%s) from the "+
			"Statsig app and assigns it again: Okta deactivates in Statsig the members who have no other assignment, "+
			"which wipes their Statsig roles, and then creates or reactivates them.", group.Profile.Name, groupID))
	} else {
		plan.Adopted = planExisting(ctx, r.data, r.existingCheck(plan), &resp.Diagnostics)
	}
	plan.ID = plan.GroupID
	plan.GroupName = types.StringValue(group.Profile.Name)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func groupLabel(groupID types.String) string {
	return fmt.Sprintf("group_id = %q", groupID.ValueString())
}

// existingCheck finds the group's assignment, from the shared listing when
// it is loaded.
func (r *groupAssignmentResource) existingCheck(plan groupAssignmentModel) existingCheck[okta.ApplicationGroupAssignment] {
	groupID := plan.GroupID.ValueString()
	return existingCheck[okta.ApplicationGroupAssignment]{
		kind: declaredGroup, id: groupID, what: "assignment of group " + groupID, resource: "statsigokta_group_assignment",
		summary: "Group already assigned to the Statsig app", failed: "Could not assign the group to the Statsig app",
		exists: "Okta group " + groupID + " is already assigned to the app",
		find: func(ctx context.Context) (*okta.ApplicationGroupAssignment, error) {
			a, err := r.data.findAppGroup(ctx, groupID)
			if okta.IsNotFound(err) {
				return nil, nil
			}
			return a, err
		},
		decide: func(a *okta.ApplicationGroupAssignment) adoption {
			return appGroupAdoption(a, plan.Priority, plan.OrgRole)
		},
		undo: "`terraform state rm` stops managing it and leaves Okta as it is, while destroying the resource unassigns " +
			"the group, which deactivates in Statsig the members who have no other assignment.",
	}
}

func (r *groupAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan groupAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(r.data.checkApp(ctx)...)
	if resp.Diagnostics.HasError() {
		return
	}
	assignment, adopted := createOrAdopt(ctx, r.data, r.existingCheck(plan), plan.Adopted, func(ctx context.Context) (*okta.ApplicationGroupAssignment, error) {
		return r.data.okta.AssignGroupToApp(ctx, r.data.appID, plan.GroupID.ValueString(), plan.assignRequest())
	}, &resp.Diagnostics)
	if assignment == nil {
		return
	}
	r.data.declared.created(declaredGroup, assignment.ID)
	plan.Adopted = types.BoolValue(adopted)
	resp.Diagnostics.Append(r.setState(ctx, &plan, assignment, &resp.State)...)
	resp.Diagnostics.Append(setAppObjectIdentity(ctx, resp.Identity, r.data.appID, "group_id", assignment.ID)...)
}

func (r *groupAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state groupAssignmentModel
	assignment, ok := readObject(ctx, r.data, req, resp, &state, func() string { return state.ID.ValueString() },
		"group_id", "group assignment", r.data.readAppGroup)
	if !ok {
		r.data.declared.gone(declaredGroup, state.ID.ValueString())
		return
	}
	r.data.declared.markHeldTwice(ctx, resp.Private, declaredGroup, state.ID.ValueString(), &resp.Diagnostics)
	resp.Diagnostics.Append(r.setState(ctx, &state, assignment, &resp.State)...)
}

func (r *groupAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan groupAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// PUT is Okta's upsert for group assignments: it updates in place.
	assignment, err := r.data.okta.AssignGroupToApp(ctx, r.data.appID, plan.GroupID.ValueString(), plan.assignRequest())
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not update the group assignment", err))
		return
	}
	resp.Diagnostics.Append(r.setState(ctx, &plan, assignment, &resp.State)...)
	resp.Diagnostics.Append(setAppObjectIdentity(ctx, resp.Identity, r.data.appID, "group_id", assignment.ID)...)
}

func (r *groupAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data.declared.wasCreated(declaredGroup, state.ID.ValueString()) {
		return // create_before_destroy: this apply's create holds the same assignment now
	}
	if r.data.declared.deletesNothing(ctx, req.Private, declaredGroup, state.ID.ValueString()) {
		return // a deposed object whose assignment the current object keeps
	}
	err := r.data.okta.UnassignGroupFromApp(ctx, r.data.appID, state.ID.ValueString())
	if err != nil && !okta.IsNotFound(err) {
		resp.Diagnostics.AddError(describeAPIError("Could not unassign the group", err))
	}
}

// ImportState accepts an Okta group id (00g...) or an identity.
func (r *groupAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	groupID := req.ID
	if groupID == "" {
		var diags diag.Diagnostics
		groupID, diags = importIDFromIdentity(ctx, req, r.data, "group_id")
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if !looksLikeOktaID(groupID, "00g") {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Import a group assignment by the Okta group id (00g...); got %q.", groupID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), groupID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), groupID)...)
}

func (m groupAssignmentModel) assignRequest() okta.AppGroupAssignRequest {
	var request okta.AppGroupAssignRequest
	if !m.Priority.IsNull() && !m.Priority.IsUnknown() {
		p := int(m.Priority.ValueInt64())
		request.Priority = &p
	}
	if known(m.OrgRole) {
		request.Profile = map[string]any{orgRoleProfileAttribute: m.OrgRole.ValueString()}
	}
	return request
}

// setState copies the assignment into the model, reading the group's name
// when the answer did not embed it, and saves it.
func (r *groupAssignmentResource) setState(ctx context.Context, m *groupAssignmentModel, a *okta.ApplicationGroupAssignment, state *tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(a.ID)
	m.GroupID = types.StringValue(a.ID)
	if a.Priority != nil {
		m.Priority = types.Int64Value(int64(*a.Priority))
	} else if m.Priority.IsUnknown() {
		m.Priority = types.Int64Null()
	}
	m.OrgRole = stringOrNull(profileOrgRole(a.Profile))
	switch {
	case a.Embedded != nil && a.Embedded.Group != nil:
		m.GroupName = types.StringValue(a.Embedded.Group.Profile.Name)
	case !known(m.GroupName):
		group, err := r.data.okta.GetGroup(ctx, a.ID)
		if err != nil {
			diags.AddError(describeAPIError("Could not read the group's name", err))
			m.GroupName = types.StringNull()
		} else {
			m.GroupName = types.StringValue(group.Profile.Name)
		}
	}
	diags.Append(state.Set(ctx, m)...)
	return diags
}
