package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// Moves. Okta keeps one push mapping per source group, so a link cannot be
// made to another Statsig group while the old one exists: a replacement
// with create_before_destroy could never apply. A change of the target
// (project, team, role or target_group_id naming another group) is therefore
// an update in place: the plan checks the new target as for a create, and
// Update deletes the old mapping and creates the new one, with the same
// create path and wait as Create.
// A different source group is another object, and replaces the resource.

// move links the source to the planned target in place of the mapping in
// state. If the create fails after the delete, the prior state is kept (the
// framework keeps it when Update fails): the next refresh finds that mapping
// gone, and the plan creates the link; plan and destroy work meanwhile.
func (r *groupPushResource) move(ctx context.Context, plan *groupPushModel, state groupPushModel,
	resp *resource.UpdateResponse) {
	diags := &resp.Diagnostics
	// No check of the new target here: Terraform plans the change again
	// right before this Update, and that plan (ModifyPlan) refuses a target
	// linked since the first one, before the delete.
	old := state.ID.ValueString()
	if !r.awaitTargetFree(ctx, plan, state, diags) {
		return
	}
	if r.unlink(ctx, old, diags); diags.HasError() {
		return
	}
	mapping := r.link(ctx, plan, diags)
	if mapping == nil {
		diags.AddError("Group push moved only part way",
			fmt.Sprintf("Group push mapping %s (%s to %s) was deleted, but the link to %s could not be made, so Okta "+
				"pushes %s nowhere now (members already pushed keep their Statsig roles). Run terraform apply again to "+
				"make the link: the next plan finds the old mapping gone and plans it as a create.",
				old, nameOrID(state.SourceGroupName, state.SourceGroupID), nameOrID(state.TargetGroupName, state.TargetGroupID),
				nameOrID(plan.TargetGroupName, plan.TargetGroupID), nameOrID(state.SourceGroupName, state.SourceGroupID)))
		return
	}
	r.settle(ctx, plan, mapping, &resp.State, resp.Identity, diags)
}

// awaitTargetFree waits, before the move deletes anything, until the link
// that this apply takes off the new target (another move, or a replacement)
// is gone. Waiting after the delete instead would leave this source pushed
// nowhere whenever that other change failed or stalled, which no plan shows.
// It reports false, with an error and nothing changed, when the target is
// still linked.
func (r *groupPushResource) awaitTargetFree(ctx context.Context, plan *groupPushModel, state groupPushModel, diags *diag.Diagnostics) bool {
	holder := r.data.plannedMapping(byTarget, plan.TargetGroupID.ValueString())
	if holder == "" || holder == state.ID.ValueString() || r.data.awaitMapping(ctx, holder, targetFreeWait, func() bool { return false }) {
		return true
	}
	diags.AddError("Group push not moved",
		fmt.Sprintf("%s is still linked by group push mapping %s, which this apply moves or replaces, and that change has "+
			"not finished in %s (it may have failed: see its own error). Okta links a Statsig group to one Okta group, so "+
			"this link was left as it is: %s still pushes to %s, and nothing was changed. Run terraform apply again "+
			"once the other change has gone through.",
			nameOrID(plan.TargetGroupName, plan.TargetGroupID), holder, targetFreeWait,
			nameOrID(state.SourceGroupName, state.SourceGroupID), nameOrID(state.TargetGroupName, state.TargetGroupID)))
	return false
}

// rememberMove records, for refuseSwap, that this plan moves the link in
// state to the planned Statsig group, and the two groups' names for its
// message. Each link records before it checks, so whichever move of a
// circle is planned last finds the whole circle.
func (r *groupPushResource) rememberMove(state groupPushModel, plan groupPushModel) {
	from, to := state.TargetGroupID.ValueString(), plan.TargetGroupID.ValueString()
	r.data.rememberPlannedMapping(movedFrom, from, to)
	r.data.rememberPlannedMapping(targetNamed, from, state.TargetGroupName.ValueString())
	r.data.rememberPlannedMapping(targetNamed, to, plan.TargetGroupName.ValueString())
}

// refuseSwap refuses, at plan time, a move that closes a circle: the links
// this plan moves, followed from this link's new Statsig group, lead back to
// the group this link leaves (two links swapping their groups, or three or
// more rotating them). Each move waits for the link on its new group to let
// go first (awaitTargetFree), so none of them could apply.
func (r *groupPushResource) refuseSwap(state groupPushModel, plan groupPushModel, diags *diag.Diagnostics) {
	from, to := state.TargetGroupID.ValueString(), plan.TargetGroupID.ValueString()
	circle := r.moveCircle(from, to)
	if circle == nil {
		return
	}
	names := make([]string, len(circle))
	for i, id := range circle {
		names[i] = r.targetLabel(id)
	}
	diags.AddAttributeError(path.Root("target_group_id"), "Links move onto each other's Statsig groups",
		fmt.Sprintf("This plan moves %d links in a circle, each onto the Statsig group another of them leaves: %s (this link "+
			"moves from %s to %s). Okta links a Statsig group to one Okta group, and each move keeps its link until "+
			"the link on its new group has let go, so they cannot be applied together without leaving a group "+
			"pushed nowhere. Make the change in two applies: first remove one of these links (or point it at a "+
			"Statsig group no other link holds) and apply, then configure the rest.",
			len(circle)-1, strings.Join(names, " -> "),
			nameOrID(state.TargetGroupName, state.TargetGroupID), nameOrID(plan.TargetGroupName, plan.TargetGroupID)))
}

// moveCircle follows the planned moves from to and returns the chain of
// Statsig groups from from back to from, or nil when it does not close
// (it ends, or loops without from: that circle's own links refuse it).
func (r *groupPushResource) moveCircle(from, to string) []string {
	chain := []string{from}
	seen := map[string]bool{from: true}
	next := to
	for next != "" && !seen[next] { // seen: ends on any loop
		seen[next] = true
		chain = append(chain, next)
		next = r.data.plannedMapping(movedFrom, next)
	}
	if next != from {
		return nil
	}
	return append(chain, from)
}

// targetLabel names a Statsig group of a planned move: its quoted name when
// a plan recorded it, else its id.
func (r *groupPushResource) targetLabel(id string) string {
	if name := r.data.plannedMapping(targetNamed, id); name != "" {
		return fmt.Sprintf("%q", name)
	}
	return id
}

// checkLink checks the planned link against Okta's one-to-one rule,
// resolving first what the plan could not (an input unknown at plan time).
func (r *groupPushResource) checkLink(ctx context.Context, config groupPushModel, plan *groupPushModel, diags *diag.Diagnostics) {
	target := &okta.Group{ID: plan.TargetGroupID.ValueString(), Profile: okta.GroupProfile{Name: plan.TargetGroupName.ValueString()}}
	if !known(plan.TargetGroupID) {
		target = r.resolveTarget(ctx, config, plan, diags)
	}
	source := &okta.Group{ID: plan.SourceGroupID.ValueString(), Profile: okta.GroupProfile{Name: plan.SourceGroupName.ValueString()}}
	if !known(plan.SourceGroupName) {
		source = r.checkSource(ctx, config, plan, diags)
	}
	if !diags.HasError() {
		r.checkOneToOne(ctx, source, target, plan.Status.ValueString(), diags)
	}
}

// link creates (or adopts, see adopt.go) the planned mapping; it returns nil,
// with an error, when Okta refuses.
func (r *groupPushResource) link(ctx context.Context, plan *groupPushModel, diags *diag.Diagnostics) *okta.GroupPushMapping {
	request := okta.CreateGroupPushMappingRequest{
		SourceGroupID: plan.SourceGroupID.ValueString(),
		TargetGroupID: plan.TargetGroupID.ValueString(),
		Status:        plan.Status.ValueString(),
	}
	if holder := r.data.plannedMapping(byTarget, request.TargetGroupID); holder != "" {
		// The target is freed by a destroy or a move of this run, which the
		// apply runs alongside: Okta refuses the link until that delete is done.
		r.data.awaitMappingGone(ctx, holder, targetFreeWait)
	}
	// The plan's adopted is obeyed (createOrAdopt): a link that appeared after
	// a plan that said false, or went after one that said true, is refused.
	check := r.mappingCheck(request, plan)
	var late *adoption // adopted by the create path, when the plan could not tell
	mapping, adopted := createOrAdopt(ctx, r.data, check, plan.Adopted, func(ctx context.Context) (*okta.GroupPushMapping, error) {
		mapping, a, err := r.createOrAdoptMapping(ctx, request)
		switch {
		case a != nil && !plan.Adopted.IsUnknown():
			diags.AddError(check.sincePlan(plan.Adopted, mapping))
			return nil, errReported
		case err == nil:
			late = a
			return mapping, nil
		case okta.HasErrorCode(err, okta.ErrCodeValidation):
			// Okta refuses a second link; if one appeared since the plan, say
			// which and how to adopt it.
			var conflict diag.Diagnostics
			r.checkOneToOne(ctx,
				&okta.Group{ID: request.SourceGroupID, Profile: okta.GroupProfile{Name: plan.SourceGroupName.ValueString()}},
				&okta.Group{ID: request.TargetGroupID, Profile: okta.GroupProfile{Name: plan.TargetGroupName.ValueString()}},
				request.Status, &conflict)
			if conflict.HasError() {
				diags.Append(conflict...)
				return nil, errReported
			}
		}
		return nil, err
	}, diags)
	if late != nil {
		addAdoptedWarning(diags, check.what, late.matches, late.changed, check.undo)
		adopted = true
	}
	plan.Adopted = types.BoolValue(adopted)
	return mapping
}

// mappingCheck is the link's existingCheck: the source's mapping to the
// target, looked for with one read, as ModifyPlan records it for Create.
func (r *groupPushResource) mappingCheck(request okta.CreateGroupPushMappingRequest, plan *groupPushModel) existingCheck[okta.GroupPushMapping] {
	source := nameOrID(plan.SourceGroupName, plan.SourceGroupID)
	target := nameOrID(plan.TargetGroupName, plan.TargetGroupID)
	return existingCheck[okta.GroupPushMapping]{
		kind: declaredPushSource, id: request.SourceGroupID, link: true,
		what:     fmt.Sprintf("link of Okta group %s to %s", source, target),
		summary:  "Group already pushed by another mapping",
		failed:   "Could not create the group push mapping",
		exists:   fmt.Sprintf("Okta group %s is already pushed to %s", source, target),
		resource: "statsigokta_group_push",
		find: func(ctx context.Context) (*okta.GroupPushMapping, error) {
			mappings, err := r.data.okta.ListGroupPushMappings(ctx, r.data.appID, okta.ListGroupPushMappingsOptions{SourceGroupID: request.SourceGroupID})
			for _, m := range mappings {
				if m.TargetGroupID == request.TargetGroupID {
					found, err := r.data.readMapping(ctx, m.ID)
					if okta.IsNotFound(err) {
						return nil, nil // deleted, the list lags
					}
					return found, err
				}
			}
			return nil, err
		},
		decide: func(m *okta.GroupPushMapping) adoption {
			return mappingAdoption(m, request.TargetGroupID, request.Status)
		},
		undo: "`terraform state rm` stops managing it and leaves Okta as it is, while destroying the resource " +
			"unlinks the group (the Statsig group and the roles already pushed stay).",
	}
}

// settle ends a create or a move: the new mapping in state, after the wait
// for Okta's push when wait_for_push asks for it.
func (r *groupPushResource) settle(ctx context.Context, plan *groupPushModel, mapping *okta.GroupPushMapping,
	state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	plan.fromMapping(mapping)
	if plan.WaitForPush.ValueBool() {
		// Saved first: a wait that is cut short leaves the link in state.
		diags.Append(state.Set(ctx, plan)...)
		diags.Append(setAppObjectIdentity(ctx, identity, r.data.appID, "mapping_id", plan.ID.ValueString())...)
		timeout := pushTimeout(ctx, *plan, diags)
		waitCtx, cancel := context.WithTimeout(ctx, timeout)
		pushed, pending, err := r.waitForPush(waitCtx, mapping, plan.TargetGroupName.ValueString())
		cancel()
		switch {
		case err != nil:
			diags.AddWarning(describeAPIError("Could not confirm the group push", err))
		case pending != "":
			warnPushPending(diags, plan, pending, timeout)
		}
		plan.fromMapping(pushed)
	}
	r.save(ctx, plan, state, identity, diags)
}
