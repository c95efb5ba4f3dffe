package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// The unassigned-members warning of a group push: Okta pushes only members
// assigned to the app, so the plan names those who will not be.

// warnUnassignedMembers warns about members Okta will not push because they
// are not assigned to the app, and will not be after this apply: the
// assignments planned in this run (of the group itself, or of a member)
// count as made, and those it destroys as gone. Terraform plans a push after
// a group assignment it refers to (source_group_id =
// statsigokta_group_assignment.x.group_id), so such a plan names nobody.
func (r *groupPushResource) warnUnassignedMembers(ctx context.Context, source *okta.Group, diags *diag.Diagnostics) {
	if _, planned := r.data.declared.declaredBy(declaredGroup, source.ID); planned {
		return
	}
	members, err := r.data.okta.ListGroupMembers(ctx, source.ID)
	if err != nil || len(members) == 0 {
		return // the check only informs; the plan does not depend on it
	}
	appUsers, err := r.data.listAppUsers(ctx)
	if err != nil {
		return
	}
	scope := make(map[string]string, len(appUsers)) // "USER" for a direct assignment
	for _, u := range appUsers {
		scope[u.ID] = u.Scope
	}
	var unassigned []string
	viaGroup := map[string][]okta.User{} // members of other groups assigned in this plan, read once each
	// Assignments of this run that Terraform plans after this link (nothing
	// orders them when the source does not refer to the group assignment),
	// and destroys of assignments in state, are waited for briefly, so that
	// the warning names only members who really stay unassigned.
	waitCtx, cancel := context.WithTimeout(ctx, plannedAssignmentWait)
	defer cancel()
	_ = poll(waitCtx, pollBackoff{first: 50 * time.Millisecond, max: 500 * time.Millisecond}, func() (bool, error) {
		if _, planned := r.data.declared.declaredBy(declaredGroup, source.ID); planned {
			unassigned = nil
			return true, nil
		}
		viaGroups := r.membersOfPlannedGroups(ctx, viaGroup)
		unassigned = unassigned[:0]
		pending := false
		for _, m := range members {
			if _, planned := r.data.declared.declaredBy(declaredUser, m.ID); planned || viaGroups[m.ID] {
				continue
			}
			keeps, later := r.keepsAssignment(ctx, m.ID, scope[m.ID])
			pending = pending || later
			if !keeps {
				unassigned = append(unassigned, m.Profile.Login)
			}
		}
		return len(unassigned) == 0 && !pending, nil
	})
	if summary, detail, ok := unassignedMembersWarning(source.Profile.Name, unassigned, len(members)); ok {
		diags.AddAttributeWarning(path.Root("source_group_id"), summary, detail)
	}
}

// keepsAssignment reports whether a user whom no instance of this plan
// declares to keep or create, with the app user scope Okta lists ("" when
// unassigned), is still assigned after this apply. A direct assignment that
// this plan destroys is gone (its plan refuses when an assigned group would
// keep the user, refuseIfGroupKeepsAccess), and so is a group-only one when
// the plan destroys every assigned group granting it. later says that an
// instance in state holding that assignment is not planned yet, so the
// answer may still change.
func (r *groupPushResource) keepsAssignment(ctx context.Context, userID, scope string) (keeps, later bool) {
	reg := &r.data.declared
	switch {
	case scope == "":
		return false, false
	case scope == "USER":
		if reg.destroys(declaredUser, userID) {
			return false, false
		}
		_, set := r.data.found.Load(setInState)
		return true, set || reg.wasInState(declaredUser, userID)
	case !reg.holdsAny(declaredGroup):
		return true, false // no group assignment in state, so this plan destroys none
	}
	granting, err := r.data.groupsGrantingAccess(ctx, userID)
	if err != nil || len(granting) == 0 {
		return true, false
	}
	for _, g := range granting {
		switch {
		case reg.destroys(declaredGroup, g.id):
		case reg.undecided(declaredGroup, g.id):
			keeps, later = true, true
		default:
			return true, false
		}
	}
	return keeps, later
}

// membersOfPlannedGroups returns the users whom the group assignments
// planned so far in this run assign, reading each group's members once
// (into read). A group whose members cannot be read counts for none.
func (r *groupPushResource) membersOfPlannedGroups(ctx context.Context, read map[string][]okta.User) map[string]bool {
	out := map[string]bool{}
	for _, id := range r.data.declared.declaredIDs(declaredGroup) {
		members, ok := read[id]
		if !ok {
			members, _ = r.data.okta.ListGroupMembers(ctx, id)
			read[id] = members
		}
		for _, m := range members {
			out[m.ID] = true
		}
	}
	return out
}

// plannedAssignmentWait bounds how long the unassigned-members check waits
// for assignments planned in the same run.
const plannedAssignmentWait = 2 * time.Second

// unassignedMembersWarning words the warning about members who will not be
// pushed; ok is false when there are none.
func unassignedMembersWarning(groupName string, unassigned []string, total int) (summary, detail string, ok bool) {
	if len(unassigned) == 0 {
		return "", "", false
	}
	named := append([]string(nil), unassigned...)
	sort.Strings(named)
	more := ""
	if len(named) > maxUnassignedNamed {
		more = fmt.Sprintf(", and %d more", len(named)-maxUnassignedNamed)
		named = named[:maxUnassignedNamed]
	}
	var who string
	switch {
	case total == 1:
		who = fmt.Sprintf("The only member of Okta group %q is not", groupName)
	case len(unassigned) == total:
		who = fmt.Sprintf("None of the %d members of Okta group %q is", total, groupName)
	default:
		who = fmt.Sprintf("%d of the %d members of Okta group %q are not", len(unassigned), total, groupName)
	}
	return "Some group members will not be pushed",
		fmt.Sprintf("%s assigned to the Statsig app, and Okta pushes only members who are assigned (and provisioned). "+
			"Not assigned: %s%s.\n\nAssign them with statsigokta_user_assignment, or assign the whole group with "+
			"statsigokta_group_assignment (assignments planned in this same run are counted).", who, strings.Join(named, ", "), more), true
}
