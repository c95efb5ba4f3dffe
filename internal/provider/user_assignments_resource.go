package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

var (
	_ resource.ResourceWithConfigure   = (*userAssignmentsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*userAssignmentsResource)(nil)
	_ resource.ResourceWithImportState = (*userAssignmentsResource)(nil)
)

const defaultMaxUnassignments = 10

// declaredUserSet is the app's set of direct assignments: two sets of one
// app would each remove the other's users.
const declaredUserSet objectKind = "set of direct assignments of app"

// NewUserAssignmentsResource manages the complete set of the app's direct
// assignments as one resource.
func NewUserAssignmentsResource() resource.Resource { return &userAssignmentsResource{} }

type userAssignmentsResource struct {
	data *providerData
}

type userAssignmentsModel struct {
	ID                   types.String   `tfsdk:"id"`
	Users                types.Map      `tfsdk:"users"`
	MaxUnassignments     types.Int64    `tfsdk:"max_unassignments"`
	WaitForProvisioning  types.Bool     `tfsdk:"wait_for_provisioning"`
	PlannedUnassignments types.List     `tfsdk:"planned_unassignments"`
	PlannedAssignments   types.List     `tfsdk:"planned_assignments"`
	GroupOnlyUsers       types.List     `tfsdk:"group_only_users"`
	GroupOnlyCount       types.Int64    `tfsdk:"group_only_count"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

var setUserType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"org_role": types.StringType, "user_id": types.StringType, "status": types.StringType, "sync_state": types.StringType,
}}

func (r *userAssignmentsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_assignments"
}

func (r *userAssignmentsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The complete set of the Statsig app's direct (scope `USER`) assignments, as one " +
			"authoritative resource: users missing from Okta are assigned, org roles that differ are changed, and " +
			"direct assignments that are not in `users` are **removed**, each shown in the plan by login. Users who " +
			"have Statsig only through a group are never touched. A plan that would unassign more than " +
			"`max_unassignments` users is refused.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The app id (`0oa...`) the set belongs to.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"users": schema.MapNestedAttribute{
				Required: true,
				MarkdownDescription: "Every user who has the app directly, keyed by Okta login (or user id, `00u...`). " +
					"Logins are resolved to ids at plan time. After a refresh, direct assignments made outside " +
					"Terraform appear here keyed by login, so that the plan shows their removal.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"org_role": schema.StringAttribute{
						Optional: true,
						Computed: true,
						MarkdownDescription: "Statsig organisation role: `Member`, `Admin` or `Owner` (at most one user). " +
							"When not set, the role is left as Okta has it.",
						Validators: []validator.String{stringvalidator.OneOf("Member", "Admin", "Owner")},
					},
					"user_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Okta user id."},
					"status": schema.StringAttribute{Computed: true, MarkdownDescription: "App user status in Okta, such as " +
						"`STAGED`, while Okta is not done with the user; null once the user is provisioned (`PROVISIONED` and " +
						"`SYNCHRONIZED`, or `ACTIVE` and `DISABLED` on an app that does not provision), so that the state of a " +
						"large set stays small."},
					"sync_state": schema.StringAttribute{Computed: true, MarkdownDescription: "Okta's provisioning sync state, " +
						"such as `ERROR`, while Okta is not done with the user; null once provisioned, as `status`."},
				}},
			},
			"max_unassignments": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				Default:  int64default.StaticInt64(defaultMaxUnassignments),
				MarkdownDescription: "The most users one plan may unassign (by update, destroy, or replacement, which " +
					"unassigns everyone in the set unless it has `create_before_destroy`, and is counted so either way); " +
					"more is a plan-time error that lists them. Defaults to `10`.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"wait_for_provisioning": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Wait until Okta reports every newly assigned user provisioned in Statsig. " +
					"Defaults to `true`.",
			},
			"planned_unassignments": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "In a plan: the users (by login, or the key they had) that the apply unassigns. " +
					"Empty after every refresh.",
			},
			"planned_assignments": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "In a plan: the users (by key) that the apply assigns directly; the other users in " +
					"`users` are directly assigned in Okta already and are kept without a write. The apply holds Okta " +
					"to it: if a listed user was assigned, or another user's assignment removed, after the plan (say " +
					"in the Okta console, before a saved plan is applied), it refuses before any write and asks for a " +
					"new plan. Unknown in the create plan of a replacement, whose order decides. Empty after every refresh.",
			},
			"group_only_users": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Logins of the users who have Statsig only through a group assignment; this resource never touches them.",
			},
			"group_only_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many users have Statsig only through a group assignment.",
			},
			"timeouts": positiveTimeouts(timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true})),
		},
	}
}

func (r *userAssignmentsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// usersMap and setUsers convert the users map by hand: the framework's
// reflection (ElementsAs, MapValueFrom) costs about 35 KB and 90 µs per user,
// which at 50,000 users is gigabytes and seconds per conversion.
func (m *userAssignmentsModel) usersMap(_ context.Context, diags *diag.Diagnostics) map[string]setUser {
	if m.Users.IsNull() || m.Users.IsUnknown() {
		return map[string]setUser{}
	}
	elems := m.Users.Elements()
	out := make(map[string]setUser, len(elems))
	for key, v := range elems {
		obj, ok := v.(types.Object)
		if !ok {
			diags.AddError("Internal error", fmt.Sprintf("users[%q] is a %T, not an object", key, v))
			return out
		}
		attrs := obj.Attributes()
		str := func(name string) types.String {
			s, _ := attrs[name].(types.String) // carries null and unknown itself
			return s
		}
		out[key] = setUser{OrgRole: str("org_role"), UserID: str("user_id"), Status: str("status"), SyncState: str("sync_state")}
	}
	return out
}

func (m *userAssignmentsModel) setUsers(_ context.Context, users map[string]setUser, diags *diag.Diagnostics) {
	elems := make(map[string]attr.Value, len(users))
	for key, u := range users {
		obj, d := types.ObjectValue(setUserType.AttrTypes, map[string]attr.Value{
			"org_role": u.OrgRole, "user_id": u.UserID, "status": u.Status, "sync_state": u.SyncState,
		})
		if d.HasError() {
			diags.Append(d...)
			return
		}
		elems[key] = obj
	}
	v, d := types.MapValue(setUserType, elems)
	diags.Append(d...)
	m.Users = v
}

func stringList(ctx context.Context, items []string, diags *diag.Diagnostics) types.List {
	if items == nil {
		items = []string{}
	}
	v, d := types.ListValueFrom(ctx, types.StringType, items)
	diags.Append(d...)
	return v
}

func (m *userAssignmentsModel) setGroupOnly(ctx context.Context, logins []string, diags *diag.Diagnostics) {
	m.GroupOnlyUsers = stringList(ctx, logins, diags)
	m.GroupOnlyCount = types.Int64Value(int64(len(logins)))
}

func setLabel(key string) string {
	return fmt.Sprintf("users[%q] of a statsigokta_user_assignments", key)
}

func (r *userAssignmentsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userAssignmentsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(r.data.checkApp(ctx)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.applySet(ctx, &plan, nil, plan.Timeouts.Create, &resp.Diagnostics)
	if plan.Users.IsNull() {
		return // nothing was applied: no state, so nothing is tainted
	}
	// With create_before_destroy this create may replace the set, over the
	// users the old one still holds: the old set's destroy plan and Delete
	// then leave alone every user this set holds now (created).
	for _, u := range plan.usersMap(ctx, &resp.Diagnostics) {
		if u.Status.ValueString() != notAssigned {
			r.data.declared.created(declaredUser, u.UserID.ValueString())
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *userAssignmentsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userAssignmentsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior := state.usersMap(ctx, &resp.Diagnostics)
	if !r.applySet(ctx, &plan, prior, plan.Timeouts.Update, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...) // nothing written
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *userAssignmentsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userAssignmentsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(r.data.checkApp(ctx)...)
	if resp.Diagnostics.HasError() {
		return
	}
	appUsers, err := r.data.listAppUsers(ctx)
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not list the app's users", err))
		return
	}
	idx := indexAppUsers(appUsers)
	prior := state.usersMap(ctx, &resp.Diagnostics)
	current := make(map[string]setUser, len(idx.direct))
	kept := make(map[string]bool, len(prior))
	for name, p := range prior {
		id := p.UserID.ValueString()
		if u, ok := idx.direct[id]; ok && !kept[id] {
			current[name] = u
			kept[id] = true
		}
	}
	for id, u := range idx.direct {
		if !kept[id] {
			current[idx.logins[id]] = u // assigned outside Terraform: the plan shows its removal
		}
	}
	state.ID = types.StringValue(r.data.appID)
	state.setUsers(ctx, current, &resp.Diagnostics)
	state.PlannedUnassignments = stringList(ctx, nil, &resp.Diagnostics)
	state.PlannedAssignments = stringList(ctx, nil, &resp.Diagnostics)
	state.setGroupOnly(ctx, idx.groupOnlyLogins(nil), &resp.Diagnostics)
	if state.MaxUnassignments.IsNull() {
		state.MaxUnassignments = types.Int64Value(defaultMaxUnassignments) // after import
	}
	if state.WaitForProvisioning.IsNull() {
		state.WaitForProvisioning = types.BoolValue(true)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *userAssignmentsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userAssignmentsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	remaining := state.usersMap(ctx, &resp.Diagnostics)
	var failures []string
	for _, name := range sortedKeys(remaining) {
		// A user the set that replaces this one (create_before_destroy) holds
		// stays: unassigning would deactivate them in Statsig and wipe their
		// roles while its state says assigned.
		if u := remaining[name]; u.Status.ValueString() != notAssigned && !r.data.declared.wasCreated(declaredUser, u.UserID.ValueString()) {
			if err := r.unassign(ctx, remaining[name].UserID.ValueString()); err != nil {
				failures = append(failures, fmt.Sprintf("%s: %s", name, err))
				continue
			}
		}
		delete(remaining, name)
	}
	if len(failures) > 0 {
		// Keep in state exactly the users still assigned.
		state.setUsers(ctx, remaining, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		resp.Diagnostics.AddError("Some users were not unassigned", strings.Join(failures, "\n"))
	}
}

// ImportState adopts every current direct assignment of the app: the id is
// the app id; Read fills in the users with no write.
func (r *userAssignmentsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if r.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "Importing needs a configured provider.")
		return
	}
	if req.ID != r.data.appID {
		resp.Diagnostics.AddError("Cannot import the user assignments",
			fmt.Sprintf("The import id is the id of the provider's Statsig app, %q; got %q.", r.data.appID, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("users"), types.MapValueMust(setUserType, map[string]attr.Value{}))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("max_unassignments"), int64(defaultMaxUnassignments))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_provisioning"), true)...)
}

// applySet makes Okta hold the planned users. It acts only on what the plan
// showed (planned_unassignments names every removal, planned_assignments
// every new assignment, and Okta must still be as the plan found it), and
// leaves in plan.Users exactly what holds in Okta afterwards as far as the
// writes tell. It reports false when it wrote nothing because it could not
// start; on a create it then sets plan.Users null: no state, nothing tainted.
func (r *userAssignmentsResource) applySet(ctx context.Context, plan *userAssignmentsModel, prior map[string]setUser,
	timeoutOf func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), diags *diag.Diagnostics) bool {
	creating := prior == nil
	timeout, d := timeoutOf(ctx, defaultProvisioningTimeout)
	if diags.Append(d...); diags.HasError() {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	planned := plan.usersMap(ctx, diags)
	if plan.PlannedUnassignments.IsUnknown() {
		plan.PlannedUnassignments = stringList(ctx, nil, diags) // nobody planned: nobody unassigned
	}
	var allowed []string
	diags.Append(plan.PlannedUnassignments.ElementsAs(ctx, &allowed, false)...)
	appUsers, err := r.data.okta.ListAppUsers(ctx, r.data.appID, okta.ListAppUsersOptions{ExpandUser: true})
	if err != nil || diags.HasError() {
		if err != nil {
			diags.AddError(describeAPIError("Could not list the app's users", err))
		}
		if creating {
			plan.Users = types.MapNull(setUserType)
		}
		return false
	}
	idx := indexAppUsers(appUsers)
	if !planStillHolds(ctx, plan, prior, planned, idx, diags) {
		if creating {
			plan.Users = types.MapNull(setUserType)
		}
		return false
	}
	profiles := make(map[string]map[string]any, len(appUsers))
	for i := range appUsers {
		profiles[appUsers[i].ID] = appUsers[i].Profile
	}
	baseline := prior
	if creating {
		baseline = idx.directByName()
	}
	changes := diffSet(baseline, planned)
	mayUnassign := sliceSet(allowed)
	result := make(map[string]setUser, len(planned))
	var failures []string
	wrote := 0

	for _, name := range changes.unassign {
		was := baseline[name]
		id := was.UserID.ValueString()
		if _, direct := idx.direct[id]; !direct {
			continue // already gone
		}
		if !mayUnassign[name] {
			if !creating {
				result[name] = was // not in the plan: left for the next plan to show
			}
			continue
		}
		if err := r.unassign(ctx, id); err != nil {
			failures = append(failures, fmt.Sprintf("unassign %q: %s", name, err))
			if !creating {
				result[name] = was
			}
			continue
		}
		wrote++
	}

	var assigned []string
	for _, key := range sortedKeys(planned) {
		want := planned[key]
		id := want.UserID.ValueString()
		cur, direct := idx.direct[id]
		needsRole := known(want.OrgRole) && want.OrgRole.ValueString() != cur.OrgRole.ValueString()
		switch {
		case direct && !needsRole:
			result[key] = settle(want, cur)
		case direct:
			profile := make(map[string]any, len(profiles[id])+1)
			for k, v := range profiles[id] {
				profile[k] = v
			}
			profile[orgRoleProfileAttribute] = want.OrgRole.ValueString()
			au, err := r.data.okta.UpdateAppUserProfile(ctx, r.data.appID, id, profile)
			if err != nil {
				failures = append(failures, fmt.Sprintf("set org_role of %q to %s: %s", key, want.OrgRole.ValueString(), errorDetail(err)))
				if creating {
					result[key] = settle(want, cur) // a create must match its plan; the next refresh shows the old role
				} else {
					result[key] = cur
				}
				continue
			}
			wrote++
			result[key] = settle(want, setUserFromAppUser(au))
		default:
			request := okta.AppUserAssignRequest{ID: id, Scope: "USER"}
			if known(want.OrgRole) {
				request.Profile = map[string]any{orgRoleProfileAttribute: want.OrgRole.ValueString()}
			}
			au, err := (&userAssignmentResource{data: r.data}).assign(ctx, request)
			if err != nil {
				failures = append(failures, fmt.Sprintf("assign %q: %s", key, errorDetail(err)))
				if creating {
					// Read drops this entry, so the next plan assigns the user again.
					result[key] = settle(want, setUser{OrgRole: types.StringNull(), UserID: want.UserID,
						Status: types.StringValue(notAssigned), SyncState: types.StringNull()})
				}
				continue
			}
			wrote++
			result[key] = settle(want, setUserFromAppUser(au))
			assigned = append(assigned, key)
		}
	}

	if plan.WaitForProvisioning.ValueBool() && len(assigned) > 0 {
		r.waitForSet(ctx, result, assigned, diags)
	}
	plan.setUsers(ctx, result, diags)
	if plan.PlannedAssignments.IsUnknown() {
		plan.PlannedAssignments = stringList(ctx, assigned, diags) // a replacement: whom it did assign
	}
	if plan.GroupOnlyUsers.IsUnknown() || plan.GroupOnlyCount.IsUnknown() {
		plan.setGroupOnly(ctx, idx.groupOnlyLogins(userIDs(planned)), diags)
	}
	if len(failures) == 0 {
		return true
	}
	summary := fmt.Sprintf("%d of the planned changes were not applied", len(failures))
	detail := strings.Join(failures, "\n") + "\n\nThe state records what was applied; the next plan shows only what remains. " +
		"Fix the cause and run apply again."
	switch {
	case creating && wrote == 0:
		plan.Users = types.MapNull(setUserType)
		diags.AddError(summary, detail)
	case creating:
		// An error here would taint the resource, and its replacement would
		// unassign and reassign everyone; a warning keeps the state honest.
		diags.AddWarning(summary, detail)
	default:
		diags.AddError(summary, detail)
	}
	return true
}

func errorDetail(err error) string {
	_, detail := describeAPIError("", err)
	return detail
}

// unassign removes one direct assignment; one already gone counts as done.
func (r *userAssignmentsResource) unassign(ctx context.Context, userID string) error {
	err := r.data.okta.UnassignUserFromApp(ctx, r.data.appID, userID, false)
	switch {
	case err == nil || okta.IsNotFound(err):
		return nil
	case okta.HasErrorCode(err, "E0000046"):
		return userMessagef("Okta refused because user %s keeps the app through a group assignment. Remove the user from "+
			"that group, or remove the group's assignment, then apply again.", userID)
	}
	return userMessage(errorDetail(err))
}
