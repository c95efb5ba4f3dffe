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
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true}),
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

// ModifyPlan resolves a login to its user id, so that the plan a reviewer reads
// shows the id that will be assigned. It calls Okta only when the login is new
// or changed, never on a plan with nothing to do.
func (r *userAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if plannedWrite(req) { // a token without the write scopes fails the plan, not the apply
		resp.Diagnostics.Append(r.data.checkWriteScopes(ctx, okta.ScopeAppsManage)...)
	}
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var config, plan, state userAssignmentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		// A new assignment: a wrong app_id fails the plan, not the apply.
		if resp.Diagnostics.Append(r.data.checkApp(ctx)...); resp.Diagnostics.HasError() {
			return
		}
	}

	if known(config.Login) {
		login := config.Login.ValueString()
		sameAsApplied := !state.Login.IsNull() && strings.EqualFold(state.Login.ValueString(), login) &&
			(config.UserID.IsNull() || config.UserID.Equal(state.UserID))
		if sameAsApplied {
			return // nothing to resolve: no API call on a plan with nothing to do
		}
		user, err := r.data.okta.GetUser(ctx, login)
		if err != nil {
			if okta.IsNotFound(err) {
				resp.Diagnostics.AddAttributeError(path.Root("login"), "Okta user not found",
					fmt.Sprintf("Okta has no user with login %q. Check the spelling, or use user_id with the user's id (00u...).", login))
				return
			}
			resp.Diagnostics.AddAttributeError(path.Root("login"), "Could not resolve login",
				detailOf(describeAPIError("Could not resolve login", err)))
			return
		}
		if known(config.UserID) && config.UserID.ValueString() != user.ID {
			resp.Diagnostics.AddAttributeError(path.Root("login"), "login and user_id name different users",
				fmt.Sprintf("login %q is Okta user %s, but user_id is %s. Set only one of them, or make them name the same user.",
					login, user.ID, config.UserID.ValueString()))
			return
		}
		plan.UserID = types.StringValue(user.ID)
		plan.ID = types.StringValue(user.ID)
		if !state.UserID.IsNull() && state.UserID.ValueString() != user.ID {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("user_id"))
			plan.markComputedUnknown()
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	if known(config.UserID) && state.ID.IsNull() {
		// The same one look-up a login costs, so that a wrong id fails the
		// plan rather than the apply.
		if _, err := r.data.okta.GetUser(ctx, config.UserID.ValueString()); err != nil {
			if okta.IsNotFound(err) {
				resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Okta user not found",
					fmt.Sprintf("Okta has no user with id %q. Check the id (Admin Console > Directory > People > the user: "+
						"the id is in the URL), or set login instead.", config.UserID.ValueString()))
				return
			}
			resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Could not look up the user",
				detailOf(describeAPIError("Could not look up the user", err)))
			return
		}
		plan.ID = config.UserID
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
}

// markComputedUnknown is used when the plan replaces the resource: what Okta
// computes for the new assignment is not known until apply.
func (m *userAssignmentModel) markComputedUnknown() {
	m.Status = types.StringUnknown()
	m.SyncState = types.StringUnknown()
	m.ExternalID = types.StringUnknown()
	m.Scope = types.StringUnknown()
	m.UserName = types.StringUnknown()
	m.StatsigActive = types.BoolUnknown()
	m.Login = types.StringUnknown()
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
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	userID, err := r.resolveUserID(ctx, plan)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("login"), "Could not resolve login", err.Error())
		return
	}

	var appUser *okta.AppUser
	existing, err := r.data.okta.GetAppUser(ctx, r.data.appID, userID)
	switch {
	case err == nil && existing.Scope == "USER":
		// Left behind by an interrupted apply, or made by someone else: see adopt.go.
		a := appUserAdoption(existing, plan.OrgRole)
		if a.refusal != "" {
			resp.Diagnostics.AddError("User already assigned to the Statsig app",
				fmt.Sprintf("Okta user %s is already directly assigned to the app, outside this Terraform configuration, and "+
					"the provider does not take it over: %s. To manage it with Terraform, import it:\n\n"+
					"  terraform import statsigokta_user_assignment.<name> %s\n\nor add an import block:\n\n"+
					"  import {\n    to = statsigokta_user_assignment.<name>\n    id = %q\n  }", userID, a.refusal, userID, userID))
			return
		}
		addAdoptedWarning(&resp.Diagnostics, "assignment of user "+userID, a.matches, a.changed,
			"`terraform state rm` stops managing it and leaves Okta as it is, while destroying the resource unassigns "+
				"the user, which deactivates them in Statsig.")
		appUser = existing
	case err != nil && !okta.IsNotFound(err):
		resp.Diagnostics.AddError(describeAPIError("Could not check the existing assignment", err))
		return
	}

	if appUser == nil {
		request := okta.AppUserAssignRequest{ID: userID, Scope: "USER"}
		if known(plan.OrgRole) {
			request.Profile = map[string]any{orgRoleProfileAttribute: plan.OrgRole.ValueString()}
		}
		appUser, err = r.assign(ctx, request)
		if err != nil {
			resp.Diagnostics.AddError(describeAPIError("Could not assign the user to the Statsig app", err))
			return
		}
	}

	// From here on the assignment exists in Okta: record it in state even if
	// waiting fails, so that nothing is lost and the next apply can repair it.
	plan.fromAppUser(appUser)
	if plan.WaitForProvisioning.ValueBool() {
		appUser, err = r.waitForProvisioning(ctx, userID)
		if appUser != nil {
			plan.fromAppUser(appUser)
		}
	}
	plan.StatsigActive = r.statsigActive(ctx, plan.UserName.ValueString(), plan.WaitForProvisioning.ValueBool() && err == nil, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setAppObjectIdentity(ctx, resp.Identity, r.data.appID, "user_id", userID)...)
	if err != nil {
		resp.Diagnostics.AddError("Provisioning in Statsig did not complete", err.Error())
	}
}

// assign creates the assignment. The client does not repeat this POST on a
// server error or a dropped connection, since the first attempt may have been
// applied; instead this looks for the assignment before trying again.
func (r *userAssignmentResource) assign(ctx context.Context, request okta.AppUserAssignRequest) (*okta.AppUser, error) {
	var lastErr error
	for attempt := 0; attempt <= r.data.okta.MaxRetries(); attempt++ {
		appUser, err := r.data.okta.AssignUserToApp(ctx, r.data.appID, request)
		if err == nil {
			return appUser, nil
		}
		if !writeMayHaveApplied(ctx, err) {
			return nil, err
		}
		lastErr = err
		if found, getErr := r.data.okta.GetAppUser(ctx, r.data.appID, request.ID); getErr == nil && found.Scope == "USER" {
			return found, nil // the failed attempt was applied after all
		}
		if err := sleepCtx(ctx, time.Duration(attempt+1)*time.Second); err != nil {
			return nil, lastErr
		}
	}
	return nil, lastErr
}

// waitForProvisioning polls the app user until Okta reports it provisioned and
// in sync, with a growing interval. It returns the last app user seen.
func (r *userAssignmentResource) waitForProvisioning(ctx context.Context, userID string) (*okta.AppUser, error) {
	interval := 500 * time.Millisecond
	var last *okta.AppUser
	for {
		appUser, err := r.data.okta.GetAppUser(ctx, r.data.appID, userID)
		switch {
		case err == nil:
			last = appUser
			if appUser.SyncState == "ERROR" {
				return last, userMessagef("Okta reports syncState ERROR for user %s (status %s): Okta could not create the user in Statsig. "+
					"The reason is shown in the Okta Admin Console under Dashboard > Tasks and on the app's Assignments tab "+
					"(for example, Statsig refuses users whose email domain is not the organisation's). Fix the cause, then run "+
					"apply again: the assignment is tainted and will be recreated.", userID, appUser.Status)
			}
			if provisioned(appUser) {
				return last, nil
			}
		case okta.IsNotFound(err):
			return last, userMessagef("the assignment of user %s disappeared while waiting for provisioning: it was removed outside Terraform", userID)
		case !retryableReadError(err):
			return last, err
		}
		if sleepCtx(ctx, interval) != nil {
			seen := "no answer from Okta"
			if last != nil {
				seen = fmt.Sprintf("status %s, syncState %s", last.Status, orNone(last.SyncState))
			}
			return last, userMessagef("timed out waiting for Okta to provision user %s in Statsig; last seen: %s. "+
				"Raise timeouts.create, or set wait_for_provisioning = false to return as soon as Okta accepts the assignment", userID, seen)
		}
		interval = min(interval*2, 5*time.Second)
	}
}

func provisioned(u *okta.AppUser) bool {
	return (u.Status == "PROVISIONED" || u.Status == "ACTIVE") && u.SyncState == "SYNCHRONIZED"
}

// statsigActive reads the user from Statsig's SCIM API when a SCIM token is
// configured; it returns null otherwise. With wait set, it polls until Statsig
// shows the user active, within the context's deadline.
func (r *userAssignmentResource) statsigActive(ctx context.Context, userName string, wait bool, diags interface{ AddWarning(string, string) }) types.Bool {
	if r.data.statsig == nil || !r.data.statsig.HasSCIM() || userName == "" {
		return types.BoolNull()
	}
	interval := 500 * time.Millisecond
	for {
		// A poll asks Statsig each time; one look goes through the shared reads.
		find := r.data.readStatsigUser
		if wait {
			find = r.data.statsig.FindUserByUserName
		}
		user, err := find(ctx, userName)
		if err != nil {
			diags.AddWarning("Could not confirm the user in Statsig", err.Error())
			return types.BoolNull()
		}
		active := user != nil && user.Active
		if active || !wait {
			return types.BoolValue(active)
		}
		if sleepCtx(ctx, interval) != nil {
			diags.AddWarning("Statsig does not show the user active yet",
				fmt.Sprintf("Okta reports %s provisioned, but Statsig's SCIM API does not show the user active yet.", userName))
			return types.BoolValue(false)
		}
		interval = min(interval*2, 5*time.Second)
	}
}

func (r *userAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(r.data.checkApp(ctx)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity is set first: the framework requires one even when the
	// resource is removed from state below.
	resp.Diagnostics.Append(setAppObjectIdentity(ctx, resp.Identity, r.data.appID, "user_id", state.ID.ValueString())...)
	appUser, err := r.data.readAppUser(ctx, state.ID.ValueString())
	if okta.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not read the assignment", err))
		return
	}
	if appUser.Scope != "USER" {
		// The user keeps access only through a group: there is no direct
		// assignment left for this resource to manage, so plan to create it.
		resp.Diagnostics.AddWarning("Assignment is no longer direct",
			fmt.Sprintf("User %s has access to the Statsig app only through a group (scope %s). The direct assignment was removed "+
				"outside Terraform; the plan assigns the user directly again.", state.ID.ValueString(), appUser.Scope))
		resp.State.RemoveResource(ctx)
		return
	}
	state.fromAppUser(appUser)
	if !state.StatsigActive.IsNull() || (r.data.statsig != nil && r.data.statsig.HasSCIM()) {
		state.StatsigActive = r.statsigActive(ctx, state.UserName.ValueString(), false, &resp.Diagnostics)
	}
	if state.WaitForProvisioning.IsNull() {
		state.WaitForProvisioning = types.BoolValue(true) // after import
	}
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
	appUser, err := r.data.okta.GetAppUser(ctx, r.data.appID, userID)
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not read the assignment", err))
		return
	}
	if known(plan.OrgRole) && profileOrgRole(appUser.Profile) != plan.OrgRole.ValueString() {
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
	plan.ID = state.ID
	plan.UserID = state.UserID
	plan.fromAppUser(appUser)
	plan.StatsigActive = r.statsigActive(ctx, plan.UserName.ValueString(), false, &resp.Diagnostics)
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
	err := r.data.okta.UnassignUserFromApp(ctx, r.data.appID, userID, false)
	switch {
	case err == nil || okta.IsNotFound(err):
		return
	case okta.HasErrorCode(err, "E0000046"):
		groups, listErr := groupsGrantingAccess(ctx, r.data, userID)
		via := "one or more groups assigned to the app"
		if listErr == nil && len(groups) > 0 {
			via = "the group(s) " + strings.Join(groups, ", ")
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
		user, err := r.data.okta.GetUser(ctx, userID)
		if err != nil {
			if okta.IsNotFound(err) {
				resp.Diagnostics.AddError("Cannot import assignment",
					fmt.Sprintf("%q is neither an Okta user id (00u...) nor the login of an Okta user.", userID))
				return
			}
			resp.Diagnostics.AddError(describeAPIError("Could not resolve the login to import", err))
			return
		}
		userID = user.ID
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), userID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), userID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_provisioning"), true)...)
}

func (r *userAssignmentResource) resolveUserID(ctx context.Context, plan userAssignmentModel) (string, error) {
	if known(plan.UserID) {
		return plan.UserID.ValueString(), nil
	}
	user, err := r.data.okta.GetUser(ctx, plan.Login.ValueString())
	if err != nil {
		if okta.IsNotFound(err) {
			return "", fmt.Errorf("no Okta user has the login %q", plan.Login.ValueString())
		}
		return "", err
	}
	return user.ID, nil
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
		// Keep the configured spelling when Okta differs only in case.
		if m.Login.IsNull() || m.Login.IsUnknown() || !strings.EqualFold(m.Login.ValueString(), login) {
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

// groupsGrantingAccess names the app's assigned groups that the user is a
// member of. It is used only to explain an E0000046 refusal.
func groupsGrantingAccess(ctx context.Context, data *providerData, userID string) ([]string, error) {
	assigned, err := data.okta.ListAppGroups(ctx, data.appID, okta.ListAppGroupsOptions{ExpandGroup: true})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, ag := range assigned {
		members, err := data.okta.ListGroupMembers(ctx, ag.ID)
		if err != nil {
			return names, err
		}
		for _, m := range members {
			if m.ID == userID {
				name := ag.ID
				if ag.Embedded != nil && ag.Embedded.Group != nil {
					name = fmt.Sprintf("%q (%s)", ag.Embedded.Group.Profile.Name, ag.ID)
				}
				names = append(names, name)
				break
			}
		}
	}
	return names, nil
}
