package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// ModifyPlan shows a reviewer, at plan time, everything the apply will do to
// this user's access, and refuses what the apply would refuse:
//
//   - the user id a login resolves to (one look-up, and none on a plan with
//     nothing to do);
//   - one declaration per user and one Owner per configuration
//     (declarations.go);
//   - for a create, what Okta already has: an adoption or a refusal
//     (adopt.go), or a group-only assignment this one turns direct;
//   - waiting for provisioning on an app that does not provision;
//   - for a destroy, a user who keeps access through an assigned group.
func (r *userAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.data.openPlan(ctx, req, resp, okta.ScopeAppsManage) {
		return
	}
	var config, plan, state userAssignmentModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if req.Plan.Raw.IsNull() {
		if !resp.Diagnostics.HasError() {
			r.planDestroy(ctx, state, resp.Private, &resp.Diagnostics)
		}
		return
	}
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if creating && !resp.Diagnostics.HasError() {
		// A new assignment: a wrong app_id fails the plan, not the apply.
		resp.Diagnostics.Append(r.data.checkApp(ctx)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	if refuseUnknownUser(config, &resp.Diagnostics) {
		return
	}
	userID := state.ID.ValueString()
	if user, looked := r.planUser(ctx, config, state, &resp.Diagnostics); looked {
		if user == nil {
			return
		}
		userID = user.ID
		plan.UserID, plan.ID = types.StringValue(user.ID), types.StringValue(user.ID)
		if !known(config.Login) {
			plan.Login = types.StringValue(user.Profile.Login)
		}
	}
	if !known(plan.UserID) {
		return
	}
	replacing := !creating && userID != state.ID.ValueString()
	own := notReplacing
	if creating {
		own = r.data.declared.replacementOf(ctx, req.Private, declaredUser, userID)
	} else {
		if replacing { // before markHeld, which clears the mark (req.Private is resp.Private)
			r.data.declared.refuseStaleMark(ctx, req.Private, declaredUser, state.ID.ValueString(), &resp.Diagnostics)
		}
		// Read by this instance's create plan if Terraform replaces it.
		resp.Diagnostics.Append(markHeld(ctx, resp.Private, state.ID.ValueString())...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	label := declarationLabel(config.Login, plan.UserID)
	if own != replacingMarked && !r.declare(state, replacing, userID, label, plan.OrgRole, &resp.Diagnostics) {
		return
	}
	if !creating && !replacing && demotesOwner(state.OrgRole, plan.OrgRole) {
		refuseOwnerDemotion(&resp.Diagnostics, path.Root("org_role"), label, plan.OrgRole.ValueString())
		return
	}
	makesOwner := plan.OrgRole.ValueString() == "Owner" && (creating || replacing || state.OrgRole.ValueString() != "Owner")
	if makesOwner && !r.refuseOtherOwner(ctx, userID, &resp.Diagnostics) {
		return
	}

	switch {
	case creating || replacing:
		if replacing {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("user_id"))
			plan.markComputedUnknown()
			if !r.refuseIfGroupKeepsAccess(ctx, state, "Replacing this assignment with one of user "+userID, &resp.Diagnostics) {
				return
			}
		}
		r.planCreate(ctx, userID, &plan, own, &resp.Diagnostics)
	default:
		plan.keepWhatCannotChange(state)
		warnStillProvisioning(state, &resp.Diagnostics)
	}
	if r.data.statsig == nil || !r.data.statsig.HasSCIM() {
		plan.StatsigActive = types.BoolNull() // nothing to read it from
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planUser looks the user up when the configuration names one that state
// does not hold already. looked is false when no look-up was needed; user is
// nil when the look-up failed (diags say why).
func (r *userAssignmentResource) planUser(ctx context.Context, config, state userAssignmentModel, diags *diag.Diagnostics) (user *okta.User, looked bool) {
	switch {
	case known(config.Login):
		login := config.Login.ValueString()
		if !state.ID.IsNull() && strings.EqualFold(state.Login.ValueString(), login) &&
			(config.UserID.IsNull() || config.UserID.Equal(state.UserID)) {
			return nil, false // applied as configured: no API call on a plan with nothing to do
		}
		user = r.lookupUser(ctx, login, path.Root("login"), diags)
		if user != nil && known(config.UserID) && config.UserID.ValueString() != user.ID {
			diags.AddAttributeError(path.Root("login"), "login and user_id name different users",
				fmt.Sprintf("login %q is Okta user %s, but user_id is %s. Set only one of them, or make them name the same user.",
					login, user.ID, config.UserID.ValueString()))
			return nil, true
		}
		return user, true
	case known(config.UserID) && config.UserID.ValueString() != state.ID.ValueString():
		// The same one look-up a login costs, so that a wrong id fails the
		// plan rather than the apply.
		return r.lookupUser(ctx, config.UserID.ValueString(), path.Root("user_id"), diags), true
	}
	return nil, false
}

// lookupUser is the provider's one user look-up, by id or login (Okta
// resolves a login's short name too). It returns nil after adding an error
// on attr.
func (r *userAssignmentResource) lookupUser(ctx context.Context, key string, attr path.Path, diags *diag.Diagnostics) *okta.User {
	user, err := r.data.okta.GetUser(ctx, key)
	switch {
	case err == nil:
		return user
	case okta.IsNotFound(err) && looksLikeOktaID(key, "00u"):
		diags.AddAttributeError(attr, "Okta user not found",
			fmt.Sprintf("Okta has no user with id %q. Check the id (Admin Console > Directory > People > the user: "+
				"the id is in the URL), or set login instead.", key))
	case okta.IsNotFound(err):
		diags.AddAttributeError(attr, "Okta user not found",
			fmt.Sprintf("Okta has no user with login %q. Check the spelling, or use user_id with the user's id (00u...).", key))
	default:
		diags.AddAttributeError(attr, "Could not look up the user", detailOf(describeAPIError("Could not look up the user", err)))
	}
	return nil
}

// refuseUnknownUser refuses a user known only at apply: the plan could not
// show whom it assigns, check that no other resource declares that user, nor
// see what Okta already has, and the apply would then adopt or assign
// unchecked. It returns true after adding the error.
func refuseUnknownUser(config userAssignmentModel, diags *diag.Diagnostics) bool {
	attr := ""
	switch {
	case config.Login.IsUnknown():
		attr = "login"
	case config.UserID.IsUnknown():
		attr = "user_id"
	default:
		return false
	}
	diags.AddAttributeError(path.Root(attr), "User not known at plan time",
		fmt.Sprintf("%s is known only at apply (it comes from a resource or value that is not applied yet), so the "+
			"plan cannot show which Okta user this assigns, check that no other resource declares that user, or see "+
			"what Okta already has for them. Set user_id (or login) to a value known at plan time, such as a literal "+
			"or a data source's attribute, or apply the resource it comes from first: terraform apply "+
			"-target=<that resource>, then plan again.", attr))
	return true
}

// refuseOtherOwner refuses to make this user Owner while another app user,
// not declared in this plan, is the Owner already (their app user profile
// says so): Statsig allows one, and refuses a second. An Owner declared in
// this plan is settled by the registry: kept as Owner, it is a conflict;
// given another role, Owner is handed over. It returns false after adding
// the error.
func (r *userAssignmentResource) refuseOtherOwner(ctx context.Context, userID string, diags *diag.Diagnostics) bool {
	appUsers, err := r.data.listAppUsers(ctx)
	if err != nil {
		diags.AddWarning("Could not check for another Owner", "Reading the app's users failed, so the plan cannot say "+
			"whether Statsig already has an Owner: "+err.Error())
		return true
	}
	for _, au := range appUsers {
		if au.ID == userID || profileOrgRole(au.Profile) != "Owner" ||
			r.data.declared.awaitDeclared(ctx, declaredUser, au.ID, groupPlanWait) {
			continue
		}
		login := au.ID
		if au.Embedded != nil && au.Embedded.User != nil && au.Embedded.User.Profile.Login != "" {
			login = au.Embedded.User.Profile.Login
		}
		diags.AddAttributeError(path.Root("org_role"), "Statsig already has an Owner",
			fmt.Sprintf("%s (Okta user %s) is the Statsig organisation Owner already: their assignment to the app has "+
				"statsigOrgRole \"Owner\", and it is not declared in this configuration. Statsig allows one Owner and "+
				"refuses a second (\"Cannot set multiple owners\"), which would leave this user's provisioning in error. "+
				"Set org_role = \"Admin\" here. Ownership moves only in the Statsig console (Statsig refuses any change "+
				"to its Owner over SCIM: \"Owner cannot be modified\"): transfer it there, then set org_role to match.",
				login, au.ID))
		return false
	}
	return true
}

// declarationLabel is what an instance configured, for conflict messages.
func declarationLabel(login, userID types.String) string {
	if known(login) && login.ValueString() != "" {
		return fmt.Sprintf("login = %q", login.ValueString())
	}
	return fmt.Sprintf("user_id = %q", userID.ValueString())
}

// declare records this instance's user (and Owner role) in the walk's
// registry; it returns false after adding the conflict as an error.
func (r *userAssignmentResource) declare(state userAssignmentModel, replacing bool, userID, label string, orgRole types.String, diags *diag.Diagnostics) bool {
	reg := &r.data.declared
	var errs []error
	if replacing {
		errs = append(errs, reg.destroying(declaredUser, state.ID.ValueString(), declarationLabel(state.Login, state.UserID)),
			reg.replaceClaim(declaredUser, userID, label))
	} else {
		errs = append(errs, reg.claim(declaredUser, userID, label))
	}
	if known(orgRole) && orgRole.ValueString() == "Owner" {
		claim := reg.claim
		if replacing {
			claim = reg.replaceClaim
		}
		errs = append(errs, claim(declaredOwner, "Owner", label))
	}
	for _, err := range errs {
		if err != nil {
			diags.AddError("One Okta object, one declaration", err.Error())
		}
	}
	return !diags.HasError()
}

// planCreate announces what Create will find in Okta for this user (and
// plans adopted), and refuses a wait that cannot end. The assignment of an
// instance replaced in place (own) is its own, which the apply removes first:
// no adoption or refusal, but a warning, and adopted stays unknown (with
// create_before_destroy the create keeps it).
func (r *userAssignmentResource) planCreate(ctx context.Context, userID string, plan *userAssignmentModel, own replacement, diags *diag.Diagnostics) {
	groupOnly := false
	if own != notReplacing {
		addReplaceWarning(diags, "Replacing this assignment unassigns user "+userID+" from the Statsig app and assigns "+
			"them again: Okta deactivates the user in Statsig, which wipes their Statsig roles, and then creates or "+
			"reactivates them with the org_role set here.")
	} else {
		plan.Adopted = planExisting(ctx, r.data, r.existingCheck(userID, plan.OrgRole, &groupOnly), diags)
	}
	if groupOnly {
		role := ""
		if known(plan.OrgRole) {
			role = fmt.Sprintf(", with org_role %q,", plan.OrgRole.ValueString())
		}
		diags.AddWarning("A group-only assignment becomes direct",
			fmt.Sprintf("User %s has Statsig today only through an assigned group (scope GROUP). This assignment makes "+
				"it direct (scope USER)%s so the user keeps Statsig, and the role set here, even after leaving the "+
				"group, until this resource is destroyed.", userID, role))
	}
	if plan.WaitForProvisioning.ValueBool() && r.data.appFeatures != nil && !slices.Contains(r.data.appFeatures, "PUSH_NEW_USERS") {
		diags.AddAttributeError(path.Root("wait_for_provisioning"), "The Statsig app does not provision users",
			"wait_for_provisioning is true, but the Statsig app in Okta lacks the provisioning feature PUSH_NEW_USERS, so "+
				"Okta will never create the user in Statsig and the wait could not end. Switch it on in the Okta Admin Console "+
				"> Applications > the Statsig app > Provisioning > To App > Create Users, or set wait_for_provisioning = false.")
	}
}

// existingCheck finds a direct assignment of the user, from the shared
// listing when it is loaded. A group-only assignment is no object to adopt
// (the create turns it direct); groupOnly, when not nil, says whether the
// look found one.
func (r *userAssignmentResource) existingCheck(userID string, orgRole types.String, groupOnly *bool) existingCheck[okta.AppUser] {
	return existingCheck[okta.AppUser]{
		kind: declaredUser, id: userID, what: "assignment of user " + userID, resource: "statsigokta_user_assignment",
		summary: "User already assigned to the Statsig app", failed: "Could not assign the user to the Statsig app",
		exists: "Okta user " + userID + " is already directly assigned to the app",
		find: func(ctx context.Context) (*okta.AppUser, error) {
			au, err := r.data.findAppUser(ctx, userID)
			if err == nil && au.Scope != "USER" && groupOnly != nil {
				*groupOnly = true
			}
			if okta.IsNotFound(err) || (err == nil && au.Scope != "USER") {
				return nil, nil
			}
			return au, err
		},
		decide: func(au *okta.AppUser) adoption { return appUserAdoption(au, orgRole) },
		undo: "`terraform state rm` stops managing it and leaves Okta as it is, while destroying the resource unassigns " +
			"the user, which deactivates them in Statsig.",
	}
}

// planDestroy records the destroy and refuses one Okta would refuse
// (refuseIfGroupKeepsAccess).
func (r *userAssignmentResource) planDestroy(ctx context.Context, state userAssignmentModel, private privateData, diags *diag.Diagnostics) {
	userID := state.ID.ValueString()
	if r.data.declared.wasCreated(declaredUser, userID) {
		return // create_before_destroy: this apply's create took the assignment over, and Delete keeps it
	}
	if r.data.declared.planDestroyKeptByAnother(ctx, private, declaredUser, userID, diags) {
		return // a deposed object: the current object keeps the assignment, and Delete keeps it
	}
	if err := r.data.declared.destroying(declaredUser, userID, declarationLabel(state.Login, state.UserID)); err != nil {
		diags.AddError("One Okta object, one declaration", err.Error())
		return
	}
	r.refuseIfGroupKeepsAccess(ctx, state, "Destroying this assignment", diags)
}

// refuseIfGroupKeepsAccess refuses to remove the assignment in state (a
// destroy, or a replacement with another user) when the user keeps access
// through a group assigned to the app, unless that group's assignment is
// destroyed in this plan too: Okta would refuse the unassign at apply. It
// returns false after adding the error; doing names the change.
func (r *userAssignmentResource) refuseIfGroupKeepsAccess(ctx context.Context, state userAssignmentModel, doing string, diags *diag.Diagnostics) bool {
	userID := state.ID.ValueString()
	au, err := r.data.readAppUser(ctx, userID)
	if err != nil || au.Scope != "USER" {
		return true // gone already, or not readable: Delete says what it finds
	}
	granting, err := r.data.groupsGrantingAccess(ctx, userID)
	if err != nil {
		diags.AddWarning("Could not check group access", "Reading the app's assigned groups failed, so the plan cannot say "+
			"whether Okta will refuse to unassign user "+userID+": "+err.Error())
		return true
	}
	var keep []string
	for _, g := range granting {
		if !r.data.declared.awaitDestroying(ctx, declaredGroup, g.id, groupPlanWait) {
			keep = append(keep, g.label)
		}
	}
	if len(keep) == 0 {
		return true
	}
	diags.AddError("User keeps access to Statsig through a group",
		fmt.Sprintf("%s would not remove user %s (%s) from Statsig: the user is a member of %s, "+
			"assigned to the Statsig app, and Okta refuses to unassign a user whom an assigned group grants access "+
			"(E0000046). Remove the user from that group, or destroy that group's assignment "+
			"(statsigokta_group_assignment) in the same plan, or keep this resource.", doing, userID, state.UserName.ValueString(),
			strings.Join(keep, ", ")))
	return false
}

// addReplaceWarning says, in the plan of an instance replaced in place,
// what the replacement does to access (declarations.go).
func addReplaceWarning(diags *diag.Diagnostics, what string) {
	diags.AddWarning("Replacing removes and restores access", what+" With lifecycle { create_before_destroy = true } "+
		"the existing object is kept instead when it is as configured and was changed within the last hour (the "+
		"apply stops before any change otherwise), and the destroy of the old instance only forgets it.")
}

// groupPlanWait bounds how long a destroy plan waits for the registry to hear
// about a granting group's own plan, which Terraform may run a moment later.
const groupPlanWait = 3 * time.Second

type grantingGroup struct{ id, label string }

// groupsGrantingAccess names the app's assigned groups that the user is a
// member of. The groups and their members are read once per walk.
func (d *providerData) groupsGrantingAccess(ctx context.Context, userID string) ([]grantingGroup, error) {
	v, _ := d.found.LoadOrStore("app group members", &appGroupMembers{})
	m, ok := v.(*appGroupMembers)
	if !ok {
		return nil, fmt.Errorf("internal error: unexpected %T in the plan cache", v)
	}
	m.once.Do(func() { m.groups, m.err = readAppGroupMembers(ctx, d) })
	var out []grantingGroup
	for _, g := range m.groups {
		if slices.Contains(g.members, userID) {
			out = append(out, g.grantingGroup)
		}
	}
	return out, m.err
}

type appGroupMembers struct {
	once   sync.Once
	groups []assignedGroup
	err    error
}

// assignedGroup is one group assigned to the app, with its members' ids.
type assignedGroup struct {
	grantingGroup
	members []string
}

func readAppGroupMembers(ctx context.Context, d *providerData) (out []assignedGroup, err error) {
	assigned, err := d.okta.ListAppGroups(ctx, d.appID, okta.ListAppGroupsOptions{ExpandGroup: true})
	if err != nil {
		return nil, err
	}
	for _, ag := range assigned {
		members, err := d.okta.ListGroupMembers(ctx, ag.ID)
		if err != nil {
			return out, err
		}
		g := grantingGroup{id: ag.ID, label: ag.ID}
		if ag.Embedded != nil && ag.Embedded.Group != nil {
			g.label = fmt.Sprintf("%q (%s)", ag.Embedded.Group.Profile.Name, ag.ID)
		}
		ids := make([]string, 0, len(members))
		for _, u := range members {
			ids = append(ids, u.ID)
		}
		out = append(out, assignedGroup{g, ids})
	}
	return out, nil
}

// settled reports whether Okta is done with the assignment: provisioned in
// Statsig, or on an app that does not provision (syncState DISABLED).
func (m userAssignmentModel) settled() bool {
	return (m.Status.ValueString() == "PROVISIONED" && known(m.ExternalID)) || m.SyncState.ValueString() == "DISABLED"
}

// keepWhatCannotChange plans an in-place update: of what Okta computes,
// only what the update can change is unknown. A new org_role is pushed to
// Statsig, so it may change sync_state and statsig_active; nothing the
// provider sends changes status or external_id once the user is settled.
func (m *userAssignmentModel) keepWhatCannotChange(state userAssignmentModel) {
	if state.settled() {
		m.Status, m.ExternalID = state.Status, state.ExternalID
	}
	if !known(m.OrgRole) || m.OrgRole.Equal(state.OrgRole) {
		m.SyncState, m.StatsigActive = state.SyncState, state.StatsigActive
	}
	m.Scope, m.UserName = state.Scope, state.UserName
}

// warnStillProvisioning repeats, on every plan, that a create's wait ran out
// before Okta finished: the assignment is kept, not replaced.
func warnStillProvisioning(state userAssignmentModel, diags *diag.Diagnostics) {
	syncState := state.SyncState.ValueString()
	if syncState == "ERROR" {
		diags.AddWarning("Okta could not provision the user in Statsig",
			fmt.Sprintf("Okta reports syncState ERROR for user %s (status %s). The assignment exists and is kept; this plan "+
				"does not replace it. See Dashboard > Tasks in the Okta Admin Console for the reason; once it is fixed, retry "+
				"there, or replace the assignment explicitly with terraform apply -replace=<this resource's address>.",
				state.ID.ValueString(), state.Status.ValueString()))
		return
	}
	if state.settled() || provisionedStatus(state.Status.ValueString(), syncState) {
		return
	}
	diags.AddWarning("User is still being provisioned",
		fmt.Sprintf("Okta has not finished provisioning user %s in Statsig (status %s, syncState %s). The assignment exists "+
			"and is kept; this plan does not replace it. If it stays so, see the app's Assignments tab and Dashboard > Tasks "+
			"in the Okta Admin Console.", state.ID.ValueString(), state.Status.ValueString(), orNone(syncState)))
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
	m.Adopted = types.BoolUnknown()
}

// demotesOwner reports whether a planned org_role takes the organisation
// Owner role away. Statsig refuses that over SCIM ("Owner cannot be
// modified"): Okta's push would end in syncState ERROR while Statsig keeps
// the Owner, so the plan refuses it instead.
func demotesOwner(was, planned types.String) bool {
	return was.ValueString() == "Owner" && known(planned) && planned.ValueString() != "Owner"
}

func refuseOwnerDemotion(diags *diag.Diagnostics, at path.Path, who, role string) {
	diags.AddAttributeError(at, "The Statsig Owner cannot be demoted from here", fmt.Sprintf("The user with %s is the Statsig organisation "+
		"Owner, and this plan sets org_role = %q. Statsig refuses any change to its Owner over SCIM (\"Owner cannot be "+
		"modified\"): Okta would report a provisioning error and Statsig would keep the Owner. Transfer ownership in "+
		"the Statsig console first, then set org_role to the role the user has there.", who, role))
}
