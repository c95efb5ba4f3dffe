package provider

import (
	"context"
	"errors"
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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

var (
	_ resource.ResourceWithConfigure        = (*userAssignmentResource)(nil)
	_ resource.ResourceWithConfigValidators = (*userAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*userAssignmentResource)(nil)
	_ resource.ResourceWithImportState      = (*userAssignmentResource)(nil)
	_ resource.ResourceWithIdentity         = (*userAssignmentResource)(nil)
)

const (
	orgRoleProfileAttribute    = "statsigOrgRole"
	defaultProvisioningTimeout = 5 * time.Minute
)

// NewUserAssignmentResource assigns one Okta user directly to the Statsig app.
func NewUserAssignmentResource() resource.Resource { return &userAssignmentResource{} }

type userAssignmentResource struct {
	data *providerData
}

type userAssignmentModel struct {
	ID                  types.String   `tfsdk:"id"`
	UserID              types.String   `tfsdk:"user_id"`
	Login               types.String   `tfsdk:"login"`
	OrgRole             types.String   `tfsdk:"org_role"`
	WaitForProvisioning types.Bool     `tfsdk:"wait_for_provisioning"`
	Status              types.String   `tfsdk:"status"`
	SyncState           types.String   `tfsdk:"sync_state"`
	ExternalID          types.String   `tfsdk:"external_id"`
	Scope               types.String   `tfsdk:"scope"`
	UserName            types.String   `tfsdk:"user_name"`
	StatsigActive       types.Bool     `tfsdk:"statsig_active"`
	Adopted             types.Bool     `tfsdk:"adopted"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func (r *userAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_assignment"
}

func (r *userAssignmentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Assigns one Okta user directly (scope `USER`) to the Statsig app, as the app's " +
			"Assignments tab does. Okta then creates the user in Statsig over SCIM; destroying the resource " +
			"unassigns the user, which deactivates them in Statsig and wipes their Statsig roles.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Okta user id, the same as `user_id`.",
				PlanModifiers:       keepState,
			},
			"user_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Okta user id (`00u...`). Set `user_id` or `login` (or both, naming the same " +
					"user, as `terraform plan -generate-config-out` writes them); with `login` alone, the plan shows " +
					"the id it resolves to. Changing the user replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(userIDChanged,
					"Changing the user replaces the assignment.", "Changing the user replaces the assignment."),
					stringplanmodifier.UseStateForUnknown()},
				Validators: []validator.String{oktaIDValidator("00u", "an Okta user id")},
			},
			"login": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Okta login of the user, such as `jane@example.com`, resolved to `user_id` " +
					"at plan time. When `user_id` is set too, both must name the same user.",
				PlanModifiers: keepState,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 100)},
			},
			"org_role": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The user's Statsig organisation role: `Member`, `Admin` or `Owner`, sent as " +
					"the app user profile attribute `statsigOrgRole`. Changes are applied in place. When not set, " +
					"the provider leaves the role as Okta has it and shows it here.",
				Validators:    []validator.String{stringvalidator.OneOf("Member", "Admin", "Owner")},
				PlanModifiers: keepState,
			},
			"wait_for_provisioning": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Wait on create until Okta reports the user `PROVISIONED` and `SYNCHRONIZED` " +
					"(and, with `statsig_scim_token` set, until Statsig shows the user active). Defaults to `true`.",
			},
			"status": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The app user's status in Okta, such as `STAGED`, `PROVISIONED` or `ACTIVE`.",
			},
			"sync_state": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Okta's provisioning sync state: `SYNCHRONIZED`, `SYNCING`, `OUT_OF_SYNC`, `ERROR` or `DISABLED`.",
			},
			"external_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Statsig user id, set by Okta once the user is provisioned.",
			},
			"scope": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`USER` for a direct assignment.",
				PlanModifiers:       keepState,
			},
			"user_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The user name Okta sends to Statsig (the Statsig `userName`, normally the email).",
				PlanModifiers:       keepState,
			},
			"statsig_active": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether Statsig shows the user active, read through SCIM. Null unless " +
					"`statsig_scim_token` is configured.",
			},
			"adopted":  adoptedAttribute("a direct assignment of the user", "a replacement of this instance's own assignment"),
			"timeouts": positiveTimeouts(timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true})),
		},
	}
}

// userIDChanged replaces the resource only when a configured user id differs
// from the one in state; a login that resolves to the same user is no change.
func userIDChanged(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.ConfigValue.IsNull() && !req.ConfigValue.IsUnknown() &&
		!req.StateValue.IsNull() && req.ConfigValue.ValueString() != req.StateValue.ValueString()
}

func (r *userAssignmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = appObjectIdentitySchema("user_id", "Okta user id (00u...).")
}

func (r *userAssignmentResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		// At least one rather than exactly one: Terraform's -generate-config-out
		// writes both, and ModifyPlan checks that they name the same user.
		resourcevalidator.AtLeastOneOf(path.MatchRoot("user_id"), path.MatchRoot("login")),
	}
}

func (r *userAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *userAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(r.data.checkApp(ctx)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultProvisioningTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	userID := plan.UserID.ValueString()
	if !known(plan.UserID) { // the login was known only now
		user := r.lookupUser(waitCtx, plan.Login.ValueString(), path.Root("login"), &resp.Diagnostics)
		if user == nil {
			return
		}
		userID = user.ID
	}
	appUser, adopted := createOrAdopt(waitCtx, r.data, r.existingCheck(userID, plan.OrgRole, nil), plan.Adopted, func(ctx context.Context) (*okta.AppUser, error) {
		request := okta.AppUserAssignRequest{ID: userID, Scope: "USER"}
		if known(plan.OrgRole) {
			request.Profile = map[string]any{orgRoleProfileAttribute: plan.OrgRole.ValueString()}
		}
		return r.assign(ctx, request)
	}, &resp.Diagnostics)
	if appUser == nil {
		return
	}
	r.data.declared.created(declaredUser, userID)
	plan.Adopted = types.BoolValue(adopted)

	// From here on the assignment exists in Okta, and is saved in state
	// whatever the wait finds, untainted: neither a wait that runs out nor
	// Okta's provisioning error may lead the next apply to replace it, which
	// would unassign the user (deactivating them in Statsig) and assign them
	// again without the plan saying so.
	plan.fromAppUser(appUser)
	var waitErr error
	if plan.WaitForProvisioning.ValueBool() {
		var last *okta.AppUser
		last, waitErr = r.waitForProvisioning(waitCtx, userID)
		if last != nil {
			plan.fromAppUser(last)
		}
		if waitErr == nil && last != nil && last.SyncState == "DISABLED" {
			resp.Diagnostics.AddWarning("Okta does not provision this user in Statsig",
				fmt.Sprintf("Okta reports user %s assigned with syncState DISABLED: the Statsig app's provisioning (To App > "+
					"Create Users) is off, so Okta will not create the user in Statsig. The assignment is saved. Switch "+
					"provisioning on in the Okta Admin Console > Applications > the Statsig app > Provisioning > To App, or set "+
					"wait_for_provisioning = false.", userID))
		}
	}
	settled := plan.WaitForProvisioning.ValueBool() && waitErr == nil && plan.SyncState.ValueString() != "DISABLED"
	plan.StatsigActive = r.statsigActive(waitCtx, plan.UserName.ValueString(), settled, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setAppObjectIdentity(ctx, resp.Identity, r.data.appID, "user_id", userID)...)
	var timedOut *provisioningTimeout
	var failed *provisioningFailed
	switch {
	case errors.As(waitErr, &timedOut):
		resp.Diagnostics.AddWarning("Provisioning in Statsig did not complete in time", waitErr.Error())
	case errors.As(waitErr, &failed):
		resp.Diagnostics.AddWarning("Okta could not provision the user in Statsig", waitErr.Error())
	case waitErr != nil:
		resp.Diagnostics.AddError("Provisioning in Statsig did not complete", waitErr.Error())
	}
}

func (r *userAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userAssignmentModel
	appUser, ok := readObject(ctx, r.data, req, resp, &state, func() string { return state.ID.ValueString() },
		"user_id", "assignment", r.data.readAppUser)
	if !ok {
		r.data.declared.gone(declaredUser, state.ID.ValueString())
		return
	}
	if appUser.Scope != "USER" {
		// The user keeps access only through a group: there is no direct
		// assignment left for this resource to manage, so plan to create it.
		resp.Diagnostics.AddWarning("Assignment is no longer direct",
			fmt.Sprintf("User %s has access to the Statsig app only through a group (scope %s). The direct assignment was removed "+
				"outside Terraform; the plan assigns the user directly again.", state.ID.ValueString(), appUser.Scope))
		resp.State.RemoveResource(ctx)
		r.data.declared.gone(declaredUser, appUser.ID)
		return
	}
	state.fromAppUser(appUser)
	if !state.StatsigActive.IsNull() || (r.data.statsig != nil && r.data.statsig.HasSCIM()) {
		state.StatsigActive = r.statsigActive(ctx, state.UserName.ValueString(), false, &resp.Diagnostics)
	}
	if state.WaitForProvisioning.IsNull() {
		state.WaitForProvisioning = types.BoolValue(true) // after import
	}
	r.data.declared.markHeldTwice(ctx, resp.Private, declaredUser, state.ID.ValueString(), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *userAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultProvisioningTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	userID := state.ID.ValueString()
	appUser, err := r.data.readAppUser(ctx, userID)
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not read the assignment", err))
		return
	}
	// Only a role the plan showed changing is written: Okta's may differ from
	// state after a -refresh=false plan, and the plan did not show that.
	roleChanges := known(plan.OrgRole) && !plan.OrgRole.Equal(state.OrgRole)
	if roleChanges {
		// Okta replaces the app user profile on update, so send it whole.
		profile := make(map[string]any, len(appUser.Profile)+1)
		for k, v := range appUser.Profile {
			profile[k] = v
		}
		profile[orgRoleProfileAttribute] = plan.OrgRole.ValueString()
		appUser, err = r.data.okta.UpdateAppUserProfile(ctx, r.data.appID, userID, profile)
		if err != nil {
			resp.Diagnostics.AddError(describeAPIError("Could not update the Statsig organisation role", err))
			return
		}
	}
	// What the plan showed as known is kept (the next refresh reads it);
	// what it left unknown comes from Okta.
	planned := plan
	plan.ID, plan.UserID = state.ID, state.UserID
	plan.fromAppUser(appUser)
	if known(planned.OrgRole) {
		plan.OrgRole = planned.OrgRole
	}
	if known(planned.Status) {
		plan.Status, plan.ExternalID = planned.Status, planned.ExternalID
	}
	if known(planned.SyncState) {
		plan.SyncState = planned.SyncState
	}
	if planned.StatsigActive.IsUnknown() {
		plan.StatsigActive = r.statsigActive(ctx, plan.UserName.ValueString(), false, &resp.Diagnostics)
	} else {
		plan.StatsigActive = planned.StatsigActive
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setAppObjectIdentity(ctx, resp.Identity, r.data.appID, "user_id", userID)...)
}

func (r *userAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID := state.ID.ValueString()
	if r.data.declared.wasCreated(declaredUser, userID) {
		// create_before_destroy: this apply's create holds the same
		// assignment now; unassigning it would leave state saying assigned.
		return
	}
	if r.data.declared.deletesNothing(ctx, req.Private, declaredUser, userID) {
		return // a deposed object whose assignment the current object keeps
	}
	err := r.unassign(ctx, userID, groupUnassignWait)
	switch {
	case err == nil || okta.IsNotFound(err):
		return
	case okta.HasErrorCode(err, "E0000046"):
		via := "one or more groups assigned to the app"
		if groups, listErr := r.data.groupsGrantingAccess(ctx, userID); listErr == nil && len(groups) > 0 {
			labels := make([]string, len(groups))
			for i, g := range groups {
				labels[i] = g.label
			}
			via = "the group(s) " + strings.Join(labels, ", ")
		}
		resp.Diagnostics.AddError("User keeps access to Statsig through a group",
			fmt.Sprintf("Okta refused to unassign user %s (%s) because the user is a member of %s, which is assigned to the "+
				"Statsig app. Remove the user from that group, or remove the group's assignment (statsigokta_group_assignment), "+
				"then apply again. Until then the user stays active in Statsig.", userID, state.UserName.ValueString(), via))
	default:
		resp.Diagnostics.AddError(describeAPIError("Could not unassign the user", err))
	}
}

// ImportState accepts an Okta user id (00u...), a login, or an identity.
func (r *userAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	userID := req.ID
	if userID == "" {
		var diags diag.Diagnostics
		userID, diags = importIDFromIdentity(ctx, req, r.data, "user_id")
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if !looksLikeOktaID(userID, "00u") {
		if r.data == nil {
			resp.Diagnostics.AddError("Provider not configured", "Importing by login needs a configured provider.")
			return
		}
		user := r.lookupUser(ctx, userID, path.Root("id"), &resp.Diagnostics)
		if user == nil {
			return
		}
		userID = user.ID
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), userID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), userID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_provisioning"), true)...)
}

// fromAppUser copies what Okta reports into the model.
func (m *userAssignmentModel) fromAppUser(u *okta.AppUser) {
	m.ID = types.StringValue(u.ID)
	m.UserID = types.StringValue(u.ID)
	m.Status = types.StringValue(u.Status)
	m.SyncState = stringOrNull(u.SyncState)
	m.ExternalID = stringOrNull(u.ExternalID)
	m.Scope = types.StringValue(u.Scope)
	if u.Credentials != nil && u.Credentials.UserName != "" {
		m.UserName = types.StringValue(u.Credentials.UserName)
	}
	if u.Embedded != nil && u.Embedded.User != nil {
		login := u.Embedded.User.Profile.Login
		// Keep the login as configured when it names this user as Okta
		// resolves it (case, or the login's short name).
		if m.Login.IsNull() || m.Login.IsUnknown() || !sameLogin(m.Login.ValueString(), login) {
			m.Login = types.StringValue(login)
		}
		if m.UserName.IsNull() || m.UserName.IsUnknown() {
			m.UserName = types.StringValue(login)
		}
	}
	if m.Login.IsUnknown() {
		m.Login = types.StringNull()
	}
	if m.UserName.IsUnknown() {
		m.UserName = types.StringNull()
	}
	if role := profileOrgRole(u.Profile); role != "" {
		m.OrgRole = types.StringValue(role)
	} else if m.OrgRole.IsUnknown() {
		m.OrgRole = types.StringNull()
	}
	if m.StatsigActive.IsUnknown() {
		m.StatsigActive = types.BoolNull()
	}
}

// sameLogin reports whether a login as written names the Okta login as Okta
// resolves it: ignoring case, and by its short name (the part before the @).
func sameLogin(written, login string) bool {
	if strings.EqualFold(written, login) {
		return true
	}
	short, _, found := strings.Cut(login, "@")
	return found && !strings.Contains(written, "@") && strings.EqualFold(written, short)
}
