package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// A deposed object that holds what the current object holds.
//
// When the create of a create_before_destroy replacement succeeds and the
// destroy of the old object fails, Terraform keeps the old object in state
// as deposed next to the new current one. For the single assignments both
// hold the same Okta object (the replacement assigns the same user or group
// again), and every later plan destroys the deposed one. That destroy must
// neither conflict with the current object, which keeps the object, nor
// unassign it at apply: it only drops the deposed object from state.
//
// Terraform reads both through UpgradeResourceState (observeState), so the
// registry counts two holders, and Read marks both objects' private state
// as held twice (the refreshed state, with the mark, is what apply reads).
// The deposed object's destroy plan then waits for the other holder's plan:
// if it keeps the object (or replaces it), the destroy keeps the mark,
// records no declaration and Delete makes no request. If the other is
// destroyed too (terraform destroy), or plans nothing in time, the mark is
// cleared and the destroy is an ordinary one; two destroys of one object are
// no conflict, and the second Delete finds it gone.
//
// Terraform 1.5.7 plans a deposed object's destroy again in the apply walk,
// from the object's state and with nothing else of the plan: only the
// deposed object is read there, so the registry counts one holder, and the
// mark its Read left decides. Delete skips only a destroy that its own walk
// planned as kept: the destroy of a current object is not planned again at
// apply, so a mark that outlived its deposed copy (a plan without a refresh)
// cannot keep a destroyed assignment in Okta.

const keptByAnotherKey = "kept_by_another"

type privateData interface {
	privateSetter
	privateGetter
}

// markHeldTwice (Read) marks the object's private state when another object
// in state holds the same Okta object, and clears the mark otherwise.
func (d *declarations) markHeldTwice(ctx context.Context, private privateSetter, kind objectKind, id string, diags *diag.Diagnostics) {
	var mark []byte
	if d.holders(kind, id) > 1 {
		mark = []byte("true")
	}
	diags.Append(private.SetKey(ctx, keptByAnotherKey, mark)...)
}

// deposedPlanWait bounds how long a deposed object's destroy plan waits for
// the current object's plan. It is paid only while a deposed copy is in
// state, and in full only when no other holder plans or deletes the object
// (-target, say): on a loaded machine Terraform may start the current object's plan seconds
// after the deposed one's, and a shorter wait turned a kept object into a
// conflict error.
const deposedPlanWait = 10 * time.Second

// keptByAnother reports whether another object in state holds the object and
// its plan keeps it. It stops waiting as soon as every holder is in a
// destroy plan (terraform destroy), as those wait for each other.
func (d *declarations) keptByAnother(ctx context.Context, kind objectKind, id string) bool {
	key := declarationKey{kind, id}
	d.mu.Lock()
	if d.destroyPlans == nil {
		d.destroyPlans = make(map[declarationKey]int)
	}
	d.destroyPlans[key]++
	d.mu.Unlock()
	decl, ok := d.awaitUnless(ctx, kind, id, deposedPlanWait, func() bool {
		// In terraform destroy's apply walk only the deposed object's
		// destroy is planned again; the current one's Delete runs beside it.
		return d.destroyPlans[key] >= d.inState[key] || d.deleting[key]
	})
	return ok && !decl.destroying
}

// deletesNothing reports, in Delete, whether this walk planned the destroy as
// kept by another object in state: the object then only leaves state.
// Otherwise it records that the object is being deleted. Each kept plan
// lets one Delete skip: a current object whose destroy plan ran before the
// copy was read carries a mark too, and of the two Deletes one unassigns.
func (d *declarations) deletesNothing(ctx context.Context, private privateGetter, kind objectKind, id string) bool {
	key := declarationKey{kind, id}
	marked := destroyKeptByAnother(ctx, private)
	d.mu.Lock()
	defer d.mu.Unlock()
	if marked && d.keptDestroys[key] > 0 {
		d.keptDestroys[key]--
		return true
	}
	if d.deleting == nil {
		d.deleting = make(map[declarationKey]bool)
	}
	d.deleting[key] = true
	return false
}

// planDestroyKeptByAnother decides a destroy plan (private is the planned
// private state, the prior one to start with): it returns true, with the
// mark kept, when another object in state keeps the Okta object, and false,
// with the mark cleared, for an ordinary destroy.
func (d *declarations) planDestroyKeptByAnother(ctx context.Context, private privateData, kind objectKind, id string, diags *diag.Diagnostics) bool {
	marked := destroyKeptByAnother(ctx, private)
	kept := false
	switch {
	case id == "":
	case d.holders(kind, id) > 1:
		kept = d.keptByAnother(ctx, kind, id)
		if kept && !marked {
			// The apply walk decides from the mark alone, which only a
			// refresh that saw both objects leaves: without it, Delete
			// would unassign what the other object keeps.
			diags.AddError("Deposed copy not refreshed", fmt.Sprintf("Terraform's state holds %s twice: "+
				"a deposed copy, left by an interrupted create_before_destroy replacement, next to the current object, "+
				"which keeps it. This plan destroys the deposed copy, and that destroy must only drop it from state. "+
				"The provider tells the two apart when it refreshes them, and this plan did not refresh the copy after "+
				"reading both (-refresh=false, or a refresh that ran first). Nothing was changed. Run terraform plan "+
				"or apply again without -refresh=false.", string(kind)+" "+id))
		}
	default:
		// The apply walk's plan of a deposed object's destroy: what the
		// plan walk decided, through the mark.
		kept = marked
	}
	if !kept && marked {
		diags.Append(private.SetKey(ctx, keptByAnotherKey, nil)...)
	}
	if kept {
		d.mu.Lock()
		if d.keptDestroys == nil {
			d.keptDestroys = make(map[declarationKey]int)
		}
		d.keptDestroys[declarationKey{kind, id}]++
		d.mu.Unlock()
	}
	return kept
}

// destroyKeptByAnother reports whether the plan of this destroy found the
// object kept by another object in state: Delete then only drops it from state.
func destroyKeptByAnother(ctx context.Context, private privateGetter) bool {
	raw, _ := private.GetKey(ctx, keptByAnotherKey)
	return string(raw) == "true"
}

// refuseStaleMark refuses, in the plan of an instance that moves off the
// object it holds (to another user or group), a mark left by a Read while a
// deposed copy was in state, if no copy is in state now (the plan did not
// refresh, and the apply that dropped the copy kept the mark). A
// create_before_destroy replacement deposes the old object, and Terraform
// plans that destroy again in the apply walk from its state alone: the mark
// would keep the old user or group assigned with no state holding them.
func (d *declarations) refuseStaleMark(ctx context.Context, private privateGetter, kind objectKind, id string, diags *diag.Diagnostics) {
	if !destroyKeptByAnother(ctx, private) || d.holders(kind, id) > 1 {
		return
	}
	diags.AddError("Refresh needed before this change", fmt.Sprintf("This resource's state still carries a mark "+
		"from a deposed copy of it that an earlier apply removed: the %s %s was held twice then. Unrefreshed, the "+
		"mark would keep %s assigned once this change moves the resource off it. Nothing was changed. Run terraform "+
		"plan or apply without -refresh=false (a refresh clears the mark), or terraform apply -refresh-only first.",
		kind, id, id))
}
