package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Plan-time announcements and refusals of statsigokta_user_assignments that
// concern what Okta already holds: adoption on create, a replacement (taint
// or -replace), a destroy, and users whom a group keeps in the app.

// listCap is how many names a message lists before "and N more".
const listCap = 20

// namesCapped lists at most listCap names, and how many more there are.
func namesCapped(names []string) string {
	if len(names) <= listCap {
		return quoteAll(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", quoteAll(names[:listCap], ", "), len(names)-listCap)
}

// warnAdoption announces a create over direct assignments Okta already has
// (made in the console, or by resources since removed from state): the set
// takes them over without a write, changes the org roles that differ, and
// unassigns the ones the map lacks (planned_unassignments, guarded).
func warnAdoption(planned map[string]setUser, baseline map[string]setUser, changes setChanges, diags *diag.Diagnostics) {
	baseByID := make(map[string]setUser, len(baseline))
	for _, u := range baseline {
		baseByID[u.UserID.ValueString()] = u
	}
	assign := sliceSet(changes.assign)
	var adopted []string
	for _, key := range sortedKeys(planned) {
		if !assign[key] {
			adopted = append(adopted, key)
		}
	}
	if len(adopted) == 0 && len(changes.unassign) == 0 {
		return
	}
	var b strings.Builder
	if len(adopted) > 0 {
		fmt.Fprintf(&b, "Okta already assigns %d of these users directly (made in the Okta console, by resources no "+
			"longer in state); this set adopts them without a write: %s.", len(adopted), namesCapped(adopted))
	}
	if len(changes.roles) > 0 {
		roles := make([]string, 0, len(changes.roles))
		for _, key := range changes.roles {
			was := baseByID[planned[key].UserID.ValueString()].OrgRole.ValueString()
			roles = append(roles, fmt.Sprintf("%q (%s -> %s)", key, orNone(was), planned[key].OrgRole.ValueString()))
		}
		if len(roles) > listCap {
			roles = append(roles[:listCap], fmt.Sprintf("and %d more", len(changes.roles)-listCap))
		}
		fmt.Fprintf(&b, " The apply changes the org_role of %d of them: %s.", len(changes.roles), strings.Join(roles, ", "))
	}
	if len(changes.unassign) > 0 {
		fmt.Fprintf(&b, " Okta also assigns %d users directly who are not in users; the apply unassigns them, which "+
			"deactivates them in Statsig (planned_unassignments): %s.", len(changes.unassign), namesCapped(changes.unassign))
	}
	b.WriteString(" To leave Okta as it is, add the users to the map with their current org_role, or `terraform import` " +
		"the set by the app id first.")
	diags.AddAttributeWarning(path.Root("users"), "The set adopts existing direct assignments", strings.TrimSpace(b.String()))
}

// planDestroy applies the guard to a destroy, and records the users being
// unassigned so that a new declaration of one of them conflicts. The users
// that this apply's create of a replacement set holds (create_before_destroy:
// the apply plans the old set's destroy after that create) are not
// unassigned (Delete), so neither recorded nor counted.
func (r *userAssignmentsResource) planDestroy(ctx context.Context, state *userAssignmentsModel, diags *diag.Diagnostics) {
	if state == nil {
		return
	}
	if err := r.data.declared.destroying(declaredUserSet, r.data.appID, "a statsigokta_user_assignments"); err != nil {
		diags.AddError("Two sets of user assignments for one app", err.Error())
	}
	var names []string
	users := state.usersMap(ctx, diags)
	for name, u := range users {
		if u.Status.ValueString() != notAssigned && !r.data.declared.wasCreated(declaredUser, u.UserID.ValueString()) {
			names = append(names, name)
			if err := r.data.declared.destroying(declaredUser, u.UserID.ValueString(), setLabel(name)); err != nil {
				diags.AddError("User declared twice", err.Error())
			}
		}
	}
	limit := state.MaxUnassignments.ValueInt64()
	if state.MaxUnassignments.IsNull() {
		limit = defaultMaxUnassignments
	}
	if int64(len(names)) > limit {
		names = sortedKeys(sliceSet(names))
		diags.AddError(guardError(names, limit, true))
		return
	}
	r.refuseGroupKept(ctx, sortedKeys(sliceSet(names)), func(name string) string { return users[name].UserID.ValueString() },
		"Destroying the set unassigns them", diags)
}

// refuseGroupKept refuses to plan the unassignment of users whom an app
// group keeps in the app: Okta answers E0000046 to such a DELETE, so the
// plan must not promise it. A group whose assignment this plan destroys
// grants nothing after the apply, as for the singular resource.
func (r *userAssignmentsResource) refuseGroupKept(ctx context.Context, names []string, idOf func(string) string, why string, diags *diag.Diagnostics) {
	if len(names) == 0 {
		return
	}
	grants, err := r.grantsByUser(ctx)
	if err != nil {
		diags.AddWarning("Could not check group access", "Reading the app's assigned groups failed, so the plan cannot "+
			"say whether Okta will refuse to unassign some of the users: "+err.Error())
		return
	}
	destroyed := map[string]bool{} // granting group id -> destroyed in this plan
	var kept []string
	for _, name := range names {
		var groups []string
		for _, g := range grants[idOf(name)] {
			gone, ok := destroyed[g.id]
			if !ok {
				gone = r.data.declared.awaitDestroying(ctx, declaredGroup, g.id, groupPlanWait)
				destroyed[g.id] = gone
			}
			if !gone {
				groups = append(groups, g.label)
			}
		}
		if len(groups) > 0 {
			kept = append(kept, fmt.Sprintf("%q (member of %s)", name, strings.Join(groups, ", ")))
		}
	}
	if len(kept) == 0 {
		return
	}
	sort.Strings(kept)
	shown := kept
	if len(shown) > listCap {
		shown = append(shown[:listCap:listCap], fmt.Sprintf("and %d more", len(kept)-listCap))
	}
	diags.AddAttributeError(path.Root("users"), "Users keep access to Statsig through a group",
		fmt.Sprintf("%s, but Okta refuses to unassign a user whom a group assigned to the Statsig app grants access "+
			"(E0000046), so the apply would fail for: %s.\n\nKeep these users in users, or remove them from the group, or "+
			"destroy that group's assignment (statsigokta_group_assignment) in the same plan.", why, strings.Join(shown, ", ")))
}

// grantsByUser indexes, by member id, the app's assigned groups as the
// single resource reads them (once per walk, groupsGrantingAccess), so that
// checking N users costs one pass over the members, not N.
func (r *userAssignmentsResource) grantsByUser(ctx context.Context) (map[string][]grantingGroup, error) {
	if _, err := r.data.groupsGrantingAccess(ctx, ""); err != nil { // loads the walk's cache
		return nil, err
	}
	v, _ := r.data.found.Load("app group members")
	m, ok := v.(*appGroupMembers)
	if !ok {
		return nil, fmt.Errorf("internal error: unexpected %T in the plan cache", v)
	}
	out := map[string][]grantingGroup{}
	for _, g := range m.groups {
		for _, id := range g.members {
			out[id] = append(out[id], g.grantingGroup)
		}
	}
	return out, nil
}

// unknownRoles marks an unset org_role unknown: what Okta gives a new
// assignment is known after apply.
func unknownRoles(planned, configured map[string]setUser) {
	for key, u := range planned {
		u.Status, u.SyncState = types.StringUnknown(), types.StringUnknown()
		if configured[key].OrgRole.IsNull() {
			u.OrgRole = types.StringUnknown()
		}
		planned[key] = u
	}
}

// planStillHolds reports whether Okta is as the plan found it for the users
// in the map: those in planned_assignments not directly assigned yet, the
// others directly assigned. Otherwise someone assigned or removed one of them
// after the plan (a saved plan applied later, say), and applying it would
// take over or grant an assignment the plan did not show: it refuses before
// any write. An unknown list (a replacement, or users known only now) has
// nothing to hold to. An update holds to its diff from the prior state,
// which is what the list says, except that a plan with no new assignment
// carries the last apply's list over (as planned_unassignments) for a
// -refresh=false plan to stay empty.
func planStillHolds(ctx context.Context, plan *userAssignmentsModel, prior, planned map[string]setUser, idx *appUserIndex, diags *diag.Diagnostics) bool {
	if plan.PlannedAssignments.IsUnknown() || plan.PlannedAssignments.IsNull() {
		return true
	}
	var keys []string
	if diags.Append(plan.PlannedAssignments.ElementsAs(ctx, &keys, false)...); diags.HasError() {
		return false
	}
	if prior != nil {
		keys = diffSet(prior, planned).assign
	}
	assign := sliceSet(keys)
	var changed []string
	for _, key := range sortedKeys(planned) {
		_, direct := idx.direct[planned[key].UserID.ValueString()]
		switch {
		case assign[key] && direct:
			changed = append(changed, fmt.Sprintf("%q was assigned directly", key))
		case !assign[key] && !direct:
			changed = append(changed, fmt.Sprintf("%q no longer has a direct assignment", key))
		}
	}
	if len(changed) == 0 {
		return true
	}
	if len(changed) > listCap {
		changed = append(changed[:listCap], fmt.Sprintf("and %d more", len(changed)-listCap))
	}
	diags.AddAttributeError(path.Root("planned_assignments"), "Okta changed after the plan",
		"Since the plan was made, in Okta: "+strings.Join(changed, "; ")+". The plan listed in planned_assignments "+
			"the users this apply assigns and kept the others as Okta had them, so applying it now would take over or "+
			"grant an assignment the plan did not show. Nothing was changed. Run terraform plan again (with refresh) "+
			"and review what it shows.")
	return false
}
