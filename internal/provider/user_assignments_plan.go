package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// The parts of statsigokta_user_assignments that do not write: what one
// listing of the app's users says, how the map's keys resolve to Okta
// users, what an apply changes, the guard, and the provisioning wait.

// setUser is one entry of the users map, in state and in the plan.
type setUser struct {
	OrgRole   types.String `tfsdk:"org_role"`
	UserID    types.String `tfsdk:"user_id"`
	Status    types.String `tfsdk:"status"`
	SyncState types.String `tfsdk:"sync_state"`
}

// notAssigned is the status recorded for a user whose assignment failed
// during a create that applied others (see Create); Read drops the entry,
// so the next plan assigns the user again.
const notAssigned = "NOT_ASSIGNED"

// appUserIndex is what the set needs from one listing of the app's users.
type appUserIndex struct {
	direct    map[string]setUser // scope USER, by user id
	logins    map[string]string  // user id -> login, every app user
	byLogin   map[string]string  // lower-case login -> user id, every app user
	groupOnly map[string]bool    // user ids with access only through a group
}

func indexAppUsers(users []okta.AppUser) *appUserIndex {
	idx := &appUserIndex{direct: map[string]setUser{}, logins: map[string]string{}, byLogin: map[string]string{}, groupOnly: map[string]bool{}}
	for i := range users {
		u := &users[i]
		login := u.ID
		if u.Embedded != nil && u.Embedded.User != nil && u.Embedded.User.Profile.Login != "" {
			login = u.Embedded.User.Profile.Login
		} else if u.Credentials != nil && u.Credentials.UserName != "" {
			login = u.Credentials.UserName
		}
		idx.logins[u.ID] = login
		idx.byLogin[strings.ToLower(login)] = u.ID
		if u.Scope != "USER" {
			idx.groupOnly[u.ID] = true
			continue
		}
		idx.direct[u.ID] = setUserFromAppUser(u)
	}
	return idx
}

func setUserFromAppUser(u *okta.AppUser) setUser {
	status, syncState := setStatus(u.Status, u.SyncState)
	return setUser{
		OrgRole:   stringOrNull(profileOrgRole(u.Profile)),
		UserID:    types.StringValue(u.ID),
		Status:    status,
		SyncState: syncState,
	}
}

// setStatus is what state records of a user's status and sync state: both
// null once Okta is done (provisioned and synchronized, or active on an app
// that does not provision), which almost every user of a large set is, so
// that state stays small; only users Okta is not done with carry them.
func setStatus(status, syncState string) (types.String, types.String) {
	if provisionedStatus(status, syncState) || (status == "ACTIVE" && syncState == "DISABLED") {
		return types.StringNull(), types.StringNull()
	}
	return types.StringValue(status), stringOrNull(syncState)
}

// groupOnlyLogins lists, sorted, the group-only users that the set does not
// name (those it names become direct).
func (idx *appUserIndex) groupOnlyLogins(declared map[string]bool) []string {
	var out []string
	for id := range idx.groupOnly {
		if !declared[id] {
			out = append(out, idx.logins[id])
		}
	}
	sort.Strings(out)
	return out
}

// directByName keys the direct assignments by login, as import and the
// refresh of assignments made outside Terraform record them.
func (idx *appUserIndex) directByName() map[string]setUser {
	out := make(map[string]setUser, len(idx.direct))
	for id, u := range idx.direct {
		out[idx.logins[id]] = u
	}
	return out
}

// resolveKeys maps every key of the configured users map to an Okta user id:
// from the prior state when the key is unchanged, then from the app's user
// listing, then with one users search per 50 remaining names, and last
// with one GET per login short name, which search does not match. Errors
// name the key.
func resolveKeys(ctx context.Context, client *okta.Client, keys []string, prior map[string]setUser, idx *appUserIndex) (map[string]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	ids := make(map[string]string, len(keys))
	var searchIDs, searchLogins []string
	for _, key := range keys {
		if p, ok := prior[key]; ok && known(p.UserID) && p.Status.ValueString() != notAssigned {
			ids[key] = p.UserID.ValueString()
			continue
		}
		if looksLikeOktaID(key, "00u") {
			if _, ok := idx.logins[key]; ok {
				ids[key] = key
			} else {
				searchIDs = append(searchIDs, key)
			}
			continue
		}
		if id, ok := idx.byLogin[strings.ToLower(key)]; ok {
			ids[key] = id
			continue
		}
		searchLogins = append(searchLogins, key)
	}
	if len(searchIDs)+len(searchLogins) > 0 {
		found, err := client.FindUsers(ctx, searchIDs, searchLogins)
		if err != nil {
			diags.AddAttributeError(path.Root("users"), "Could not look up the users",
				detailOf(describeAPIError("Could not look up the users", err)))
			return nil, diags
		}
		byName := make(map[string]string, 2*len(found))
		for _, u := range found {
			byName[u.ID] = u.ID
			byName[strings.ToLower(u.Profile.Login)] = u.ID
		}
		for _, key := range append(searchIDs, searchLogins...) {
			if id, ok := byName[strings.ToLower(key)]; ok {
				ids[key] = id
			} else if id, ok := byName[key]; ok {
				ids[key] = id
			}
		}
	}
	for _, key := range searchLogins {
		if _, ok := ids[key]; ok || strings.Contains(key, "@") {
			continue
		}
		// A login short name: Okta resolves it on GET only.
		if u, err := client.GetUser(ctx, key); err == nil {
			ids[key] = u.ID
		} else if !okta.IsNotFound(err) {
			diags.AddAttributeError(path.Root("users").AtMapKey(key), "Could not resolve login",
				detailOf(describeAPIError("Could not resolve login", err)))
		}
	}
	for _, key := range keys {
		if _, ok := ids[key]; !ok && !diags.HasError() {
			diags.AddAttributeError(path.Root("users").AtMapKey(key), "Okta user not found",
				fmt.Sprintf("Okta has no user with the login or id %q (users[%q]). Check the spelling, or use the user's id (00u...) as the key.", key, key))
		}
	}
	return ids, diags
}

// checkDistinct refuses two keys naming one user and more than one Owner.
func checkDistinct(keys []string, ids map[string]string, roles map[string]types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	byID := map[string]string{}
	var owners []string
	for _, key := range keys {
		if first, ok := byID[ids[key]]; ok {
			diags.AddAttributeError(path.Root("users").AtMapKey(key), "One user named twice",
				fmt.Sprintf("users[%q] and users[%q] are the same Okta user %s. Keep one of the two keys.", first, key, ids[key]))
		}
		byID[ids[key]] = key
		if r := roles[key]; known(r) && r.ValueString() == "Owner" {
			owners = append(owners, key)
		}
	}
	if len(owners) > 1 {
		diags.AddAttributeError(path.Root("users"), "More than one Owner",
			fmt.Sprintf("Statsig allows one organisation Owner, but org_role = \"Owner\" is set for %s. Make one of them Owner and the others Admin.",
				quoteAll(owners, ", ")))
	}
	return diags
}

// setChanges is what an apply does: keys of the plan to assign or whose role
// to change, and the names (keys of the baseline) to unassign.
type setChanges struct {
	assign, roles []string
	unassign      []string
}

// diffSet compares a baseline (the prior state, or on create the app's
// direct assignments) with the planned users. Users are compared by id, so
// renaming a key (login to id) changes nothing in Okta. A planned org_role
// that is null or unknown is no change.
func diffSet(baseline, planned map[string]setUser) setChanges {
	var c setChanges
	baseByID := make(map[string]setUser, len(baseline))
	for _, u := range baseline {
		baseByID[u.UserID.ValueString()] = u
	}
	plannedIDs := make(map[string]bool, len(planned))
	for _, key := range sortedKeys(planned) {
		u := planned[key]
		id := u.UserID.ValueString()
		plannedIDs[id] = true
		base, ok := baseByID[id]
		switch {
		case !ok || base.Status.ValueString() == notAssigned:
			c.assign = append(c.assign, key)
		case known(u.OrgRole) && u.OrgRole.ValueString() != base.OrgRole.ValueString():
			c.roles = append(c.roles, key)
		}
	}
	for _, name := range sortedKeys(baseline) {
		if b := baseline[name]; !plannedIDs[b.UserID.ValueString()] && b.Status.ValueString() != notAssigned {
			c.unassign = append(c.unassign, name)
		}
	}
	return c
}

// guardError is the plan-time refusal of more unassignments than allowed.
func guardError(names []string, limit int64, destroy bool) (string, string) {
	how := fmt.Sprintf("If this is intended, set max_unassignments = %d (or more) on the resource; the change of the guard "+
		"itself changes nothing in Okta.", len(names))
	if destroy {
		how = fmt.Sprintf("If this is intended, first set max_unassignments = %d (or more) and apply (that changes nothing "+
			"in Okta), then destroy. To stop managing the assignments without unassigning anyone, use a `removed` block "+
			"with `destroy = false`, or `terraform state rm`.", len(names))
	}
	verb := "unassigns"
	if destroy {
		verb = "destroys the set and unassigns"
	}
	return "Too many unassignments", fmt.Sprintf("This plan %s %d users from the Statsig app, more than max_unassignments = %d. "+
		"Each is deactivated in Statsig and loses every Statsig role: %s.\n\n%s If the users map came from a variable or a file, "+
		"check that it is not empty or cut short.", verb, len(names), limit, quoteAll(names, ", "), how)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// plannedUsers is the users map the plan shows: what Okta keeps for users
// already assigned (matched by id), unknown what only the apply learns.
func plannedUsers(configured map[string]setUser, ids map[string]string, baseline map[string]setUser) map[string]setUser {
	baseByID := make(map[string]setUser, len(baseline))
	for _, u := range baseline {
		baseByID[u.UserID.ValueString()] = u
	}
	planned := make(map[string]setUser, len(configured))
	for key, cfg := range configured {
		entry := setUser{UserID: types.StringValue(ids[key]), OrgRole: cfg.OrgRole,
			Status: types.StringUnknown(), SyncState: types.StringUnknown()}
		base, ok := baseByID[ids[key]]
		switch {
		case !ok || base.Status.ValueString() == notAssigned:
			if cfg.OrgRole.IsNull() {
				entry.OrgRole = types.StringUnknown()
			}
		case cfg.OrgRole.IsNull() || cfg.OrgRole.Equal(base.OrgRole):
			entry.OrgRole, entry.Status, entry.SyncState = base.OrgRole, base.Status, base.SyncState
		}
		planned[key] = entry
	}
	return planned
}

// userIDs is the set of Okta user ids that a users map names.
func userIDs(users map[string]setUser) map[string]bool {
	out := make(map[string]bool, len(users))
	for _, u := range users {
		out[u.UserID.ValueString()] = true
	}
	return out
}

func sliceSet(items []string) map[string]bool {
	out := make(map[string]bool, len(items))
	for _, s := range items {
		out[s] = true
	}
	return out
}

// settle is the state entry of a planned user: the plan's known values (a
// create or update must keep them), the rest as Okta answered.
func settle(want, got setUser) setUser {
	pick := func(w, g types.String) types.String {
		if w.IsUnknown() {
			return g
		}
		return w
	}
	return setUser{OrgRole: pick(want.OrgRole, got.OrgRole), UserID: want.UserID,
		Status: pick(want.Status, got.Status), SyncState: pick(want.SyncState, got.SyncState)}
}

// waitForSet polls the app's user listing, one call per page each round for
// all the users assigned by this apply, until Okta reports each provisioned.
// A user Okta cannot provision, or a wait that runs out, is a warning: the
// assignments exist and state records their real status.
func (r *userAssignmentsResource) waitForSet(ctx context.Context, result map[string]setUser, assigned []string, diags *diag.Diagnostics) {
	pending := make(map[string]string, len(assigned))
	for _, key := range assigned {
		pending[result[key].UserID.ValueString()] = key
	}
	var failed, disabled []string
	err := poll(ctx, defaultPoll, func() (bool, error) {
		err := r.data.okta.ListAppUsersPages(ctx, r.data.appID, okta.ListAppUsersOptions{}, func(page []okta.AppUser) error {
			for i := range page {
				u := &page[i]
				key, ok := pending[u.ID]
				if !ok {
					continue
				}
				e := result[key]
				e.Status, e.SyncState = setStatus(u.Status, u.SyncState)
				result[key] = e
				switch {
				// The singular resource's test (on main since this branch:
				// provisionedStatus); spelt out so that this file does not
				// depend on a helper that moved.
				case provisionedStatus(u.Status, u.SyncState):
				case u.SyncState == "ERROR":
					failed = append(failed, key)
				case u.SyncState == "DISABLED":
					disabled = append(disabled, key)
				default:
					continue
				}
				delete(pending, u.ID)
			}
			return nil
		})
		if err != nil && !retryableReadError(err) {
			return false, err
		}
		return err == nil && len(pending) == 0, nil
	})
	if len(failed) > 0 {
		diags.AddWarning("Okta could not provision some users in Statsig",
			fmt.Sprintf("Okta reports syncState ERROR for %s. The reason is in the Okta Admin Console under Dashboard > Tasks "+
				"(for example, Statsig refuses users whose email domain is not the organisation's). The assignments exist and "+
				"stay in state; fix the cause and retry provisioning in Okta.", quoteAll(failed, ", ")))
	}
	if len(disabled) > 0 {
		diags.AddWarning("Provisioning is off for the Statsig app",
			fmt.Sprintf("Okta assigned %s but reports syncState DISABLED: the app does not provision users to Statsig. Turn on "+
				"provisioning (the app's Provisioning tab > To App > Create Users) so that Okta creates them in Statsig.", quoteAll(disabled, ", ")))
	}
	if err != nil && len(pending) > 0 {
		var waiting []string
		for _, key := range pending {
			waiting = append(waiting, fmt.Sprintf("%q (status %s, syncState %s)", key, result[key].Status.ValueString(),
				orNone(result[key].SyncState.ValueString())))
		}
		diags.AddWarning("Provisioning in Statsig did not complete in time",
			fmt.Sprintf("Still waiting for %s. The assignments exist and are in state with their real status. Raise "+
				"timeouts, or set wait_for_provisioning = false.", strings.Join(sortedKeys(sliceSet(waiting)), ", ")))
	}
}

// ModifyPlan resolves the keys to user ids, computes what the apply does,
// refuses more unassignments than max_unassignments, and claims every user
// in the per-walk registry, so that a statsigokta_user_assignment for one of
// them is a plan-time error.
func (r *userAssignmentsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.data.openPlan(ctx, req, resp, okta.ScopeAppsManage) {
		return
	}
	var state *userAssignmentsModel
	if !req.State.Raw.IsNull() {
		state = &userAssignmentsModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, state, &resp.Diagnostics)
		return
	}
	var config, plan userAssignmentsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state == nil {
		if resp.Diagnostics.Append(r.data.checkApp(ctx)...); resp.Diagnostics.HasError() {
			return
		}
	}
	plan.ID = types.StringValue(r.data.appID)
	if config.Users.IsUnknown() {
		// Known only during apply: plan no unassignment. Should the users then
		// known need one, Terraform stops the apply before any write ("provider
		// produced inconsistent final plan"), and the next plan shows it.
		plan.PlannedUnassignments = stringList(ctx, nil, &resp.Diagnostics)
		plan.PlannedAssignments = types.ListUnknown(types.StringType)
		if state != nil {
			plan.GroupOnlyUsers, plan.GroupOnlyCount = state.GroupOnlyUsers, state.GroupOnlyCount
		} else if how := r.replacement(ctx, req.Private); how != "" {
			refuseReplacement(how, -1, &resp.Diagnostics)
			return
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	configured := config.usersMap(ctx, &resp.Diagnostics)
	var prior map[string]setUser
	if state != nil {
		prior = state.usersMap(ctx, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	keys := sortedKeys(configured)
	idx := indexAppUsers(nil)
	listed := state == nil
	for _, key := range keys {
		if p, ok := prior[key]; !ok || p.Status.ValueString() == notAssigned {
			listed = true // a key to resolve
		}
	}
	if listed {
		appUsers, err := r.data.listAppUsers(ctx)
		if err != nil {
			resp.Diagnostics.AddError(describeAPIError("Could not list the app's users", err))
			return
		}
		idx = indexAppUsers(appUsers)
	}
	ids, diags := resolveKeys(ctx, r.data.okta, keys, prior, idx)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	roles := make(map[string]types.String, len(configured))
	for key, u := range configured {
		roles[key] = u.OrgRole
	}
	if resp.Diagnostics.Append(checkDistinct(keys, ids, roles)...); resp.Diagnostics.HasError() {
		return
	}

	baseline := prior
	if state == nil {
		if how := r.replacement(ctx, req.Private); how != "" {
			refuseReplacement(how, len(idx.direct), &resp.Diagnostics)
			return
		}
		baseline = idx.directByName() // created over what Okta has: adopt or remove it
	}
	planned := plannedUsers(configured, ids, baseline)
	if state == nil {
		unknownRoles(planned, configured) // from the listing: known after apply (see below)
	}
	changes := diffSet(baseline, planned)
	for _, key := range changes.roles {
		if base, ok := baseline[key]; ok && demotesOwner(base.OrgRole, planned[key].OrgRole) {
			refuseOwnerDemotion(&resp.Diagnostics, path.Root("users").AtMapKey(key).AtName("org_role"), setLabel(key),
				planned[key].OrgRole.ValueString())
		}
	}
	limit := plan.MaxUnassignments.ValueInt64()
	if plan.MaxUnassignments.IsUnknown() {
		limit = 0
	}
	switch {
	case int64(len(changes.unassign)) > limit:
		summary, detail := guardError(changes.unassign, limit, false)
		resp.Diagnostics.AddAttributeError(path.Root("users"), summary, detail)
	default:
		r.refuseGroupKept(ctx, changes.unassign, func(name string) string { return baseline[name].UserID.ValueString() },
			"This plan unassigns them", &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if state == nil {
		warnAdoption(planned, baseline, changes, &resp.Diagnostics)
	}
	for _, key := range changes.assign {
		if idx.groupOnly[ids[key]] {
			resp.Diagnostics.AddAttributeWarning(path.Root("users").AtMapKey(key), "User has Statsig through a group",
				fmt.Sprintf("users[%q] already has the Statsig app through a group assignment. This apply adds a direct "+
					"assignment, which this resource then manages; the group's access is left as it is.", key))
		}
	}

	r.claimUsers(keys, ids, planned, changes.unassign, baseline, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if state != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, setReplaceKey, setFromPlan)...)
	}
	plan.setUsers(ctx, planned, &resp.Diagnostics)
	plan.PlannedUnassignments = stringList(ctx, changes.unassign, &resp.Diagnostics)
	if len(changes.unassign) == 0 && state != nil && !state.PlannedUnassignments.IsNull() {
		// Nothing to unassign: keep what the last apply recorded (a refresh
		// empties it), so that a plan without refresh is not a change.
		plan.PlannedUnassignments = state.PlannedUnassignments
	}
	plan.PlannedAssignments = stringList(ctx, changes.assign, &resp.Diagnostics)
	if len(changes.assign) == 0 && state != nil && !state.PlannedAssignments.IsNull() {
		plan.PlannedAssignments = state.PlannedAssignments // as planned_unassignments
	}
	// Values read from Okta at plan time must not be planned as known unless
	// they come from state: Terraform plans again during apply, and a known
	// value that changed meanwhile (a group member added) would fail the
	// apply. The group-only users are as of the last refresh.
	if state != nil {
		plan.GroupOnlyUsers, plan.GroupOnlyCount = state.GroupOnlyUsers, state.GroupOnlyCount
	} else {
		plan.GroupOnlyUsers, plan.GroupOnlyCount = types.ListUnknown(types.StringType), types.Int64Unknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// claimUsers records the set and each of its users in the walk's registry
// (one entry per user, so that a statsigokta_user_assignment of one of them
// conflicts in either planning order), and the users it unassigns.
func (r *userAssignmentsResource) claimUsers(keys []string, ids map[string]string, planned map[string]setUser, unassign []string,
	baseline map[string]setUser, diags *diag.Diagnostics) {
	if err := r.data.declared.claim(declaredUserSet, r.data.appID, "a statsigokta_user_assignments"); err != nil {
		diags.AddError("Two sets of user assignments for one app", err.Error())
	}
	for _, key := range keys {
		if err := r.data.declared.claim(declaredUser, ids[key], setLabel(key)); err != nil {
			diags.AddAttributeError(path.Root("users").AtMapKey(key), "User declared twice", err.Error())
		}
		// One Owner across the set and the single resources.
		if role := planned[key].OrgRole; known(role) && role.ValueString() == "Owner" {
			if err := r.data.declared.claim(declaredOwner, "Owner", setLabel(key)); err != nil {
				diags.AddAttributeError(path.Root("users").AtMapKey(key), "One Okta object, one declaration", err.Error())
			}
		}
	}
	for _, name := range unassign {
		if err := r.data.declared.destroying(declaredUser, baseline[name].UserID.ValueString(), setLabel(name)); err != nil {
			diags.AddAttributeError(path.Root("users"), "User declared twice", err.Error())
		}
	}
}
