package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
)

// ModifyPlan resolves the target so the plan shows the Statsig group by name,
// and checks against Okta what would make the apply fail or do less than it
// says. It calls Okta only for a new mapping or a changed target, never on a
// plan with nothing to do.
func (r *groupPushResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.data.openPlan(ctx, req, resp, okta.ScopeAppsManage, okta.ScopeGroupsManage) {
		return
	}
	if req.Plan.Raw.IsNull() {
		// Destroy: the mapping's target may be linked anew in the same plan.
		var state groupPushModel
		if !req.State.Raw.IsNull() && !req.State.Get(ctx, &state).HasError() {
			r.data.rememberPlannedMapping(byTarget, state.TargetGroupID.ValueString(), state.ID.ValueString())
			addDeclarationError(&resp.Diagnostics, r.data.declared.destroying(declaredPushSource,
				state.SourceGroupID.ValueString(), state.declarationLabel()))
		}
		return
	}
	var config, plan, state groupPushModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if !creating {
		// Terraform plans a replacement as a create without prior state; note
		// this mapping so that plan does not mistake it for someone else's.
		r.data.rememberPlannedMapping(bySource, state.SourceGroupID.ValueString(), state.ID.ValueString())
		if !config.SourceGroupID.Equal(state.SourceGroupID) {
			r.data.rememberPlannedMapping(byTarget, state.TargetGroupID.ValueString(), state.ID.ValueString())
			plan.Adopted = types.BoolUnknown() // a replacement: its second plan, a create's, says
		}
	}
	// One push source, one declaration (declarations.go). The claim is made
	// before any API call, so a duplicate fails the plan with zero writes.
	if !r.declareSource(ctx, req, resp, config, state, creating) {
		return
	}

	byName := !config.Project.IsNull()
	if byName {
		// These are configuration, not values read from the target.
		plan.Project, plan.Role, plan.Team = config.Project, config.Role, config.Team
	}
	sameName := plan.Project.Equal(state.Project) && plan.Role.Equal(state.Role) && plan.Team.Equal(state.Team)
	idChanged := !config.TargetGroupID.IsNull() && !config.TargetGroupID.Equal(state.TargetGroupID)
	targetChanged := creating || (byName && !sameName) || idChanged
	if !targetChanged {
		r.claimTarget(plan, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	if creating {
		// A new link: a wrong app_id fails the plan, not the apply.
		if resp.Diagnostics.Append(r.data.checkApp(ctx)...); resp.Diagnostics.HasError() {
			return
		}
		r.refuseWaitWithoutPush(plan, &resp.Diagnostics)
	}
	target := r.resolveTarget(ctx, config, &plan, &resp.Diagnostics)
	if !creating {
		if resp.Diagnostics.HasError() {
			return
		}
		if !plan.TargetGroupID.Equal(state.TargetGroupID) {
			// A move, in place (group_push_move.go): a new mapping, and the
			// old target freed for another link of this plan.
			// The move first (refuseSwap), then the freed target (awaitTargetFreed).
			r.rememberMove(state, plan)
			r.data.rememberPlannedMapping(byTarget, state.TargetGroupID.ValueString(), state.ID.ValueString())
			plan.ID, plan.LastPush, plan.ErrorSummary = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
			// Okta keeps one mapping per source, and the move deletes it
			// before it links: the new mapping is always made, never adopted.
			plan.Adopted = types.BoolValue(false)
			r.refuseWaitWithoutPush(plan, &resp.Diagnostics)
			source := &okta.Group{ID: state.SourceGroupID.ValueString(), Profile: okta.GroupProfile{Name: state.SourceGroupName.ValueString()}}
			if r.checkOneToOne(ctx, source, target, plan.Status.ValueString(), &resp.Diagnostics); resp.Diagnostics.HasError() {
				return
			}
			if r.refuseSwap(state, plan, &resp.Diagnostics); resp.Diagnostics.HasError() {
				return
			}
		}
		if r.claimTarget(plan, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	// Checked even when the target failed, so one plan reports both.
	source := r.checkSource(ctx, config, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	existing := r.checkOneToOne(ctx, source, target, plan.Status.ValueString(), &resp.Diagnostics)
	if plan.Adopted = types.BoolUnknown(); source != nil && target != nil && !resp.Diagnostics.HasError() {
		// What the apply does, and what it found, for that Create (link).
		plan.Adopted = types.BoolValue(existing != nil)
		r.data.found.Store(declarationKey{declaredPushSource, source.ID}, plannedExisting[okta.GroupPushMapping]{existing})
	}
	r.claimTarget(plan, &resp.Diagnostics)
	if source != nil && !resp.Diagnostics.HasError() {
		r.warnUnassignedMembers(ctx, source, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// replacingSourceKey is the private-state key by which the prior-state
// plan of an instance tells its own second plan (Terraform plans a
// replacement again as a create, handing over the first plan's private
// state) which source group the instance has claimed already.
const replacingSourceKey = "declared_push_source"

// declareSource claims the configured source group for this instance, and
// for a source that changes, gives up the old one. It reports false, with an
// error, when another instance in the plan declares the same source.
func (r *groupPushResource) declareSource(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	config, state groupPushModel, creating bool) bool {
	if !known(config.SourceGroupID) {
		return true // claimed when the apply walk plans it with the value known
	}
	source := config.SourceGroupID.ValueString()
	label := config.declarationLabel()
	if creating {
		if prior, _ := req.Private.GetKey(ctx, replacingSourceKey); string(prior) == strconv.Quote(source) {
			return true // this instance's own replacement, claimed by its first plan
		}
		return addDeclarationError(&resp.Diagnostics, r.data.declared.claim(declaredPushSource, source, label))
	}
	if old := state.SourceGroupID.ValueString(); old != source {
		if !addDeclarationError(&resp.Diagnostics, r.data.declared.destroying(declaredPushSource, old, state.declarationLabel())) {
			return false
		}
	}
	if !addDeclarationError(&resp.Diagnostics, r.data.declared.claim(declaredPushSource, source, label)) {
		return false
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacingSourceKey, []byte(strconv.Quote(source)))...)
	return !resp.Diagnostics.HasError()
}

// claimTarget records the Statsig group the link points at: two links to one
// Statsig group in one plan fail the plan, as the second would fail at apply.
func (r *groupPushResource) claimTarget(plan groupPushModel, diags *diag.Diagnostics) {
	if !known(plan.SourceGroupID) || !known(plan.TargetGroupID) {
		return // claimed when the apply walk plans it with the values known
	}
	err := r.data.declared.claimFor(declaredPushTarget, plan.TargetGroupID.ValueString(),
		plan.SourceGroupID.ValueString(), plan.declarationLabel())
	var conflict *conflictError
	if errors.As(err, &conflict) {
		diags.AddAttributeError(path.Root("target_group_id"), "Statsig group linked by two resources",
			fmt.Sprintf("%q (%s) is linked by two resources in this configuration: one with %s and this one with %s. "+
				"Okta links each Statsig group to one Okta group, so the second link would fail at apply. Push one "+
				"Okta group that holds the members of both, or link the other group to another Statsig group.",
				plan.TargetGroupName.ValueString(), conflict.id, conflict.first, conflict.this))
	}
}

// addDeclarationError reports a second declaration on source_group_id; it
// returns whether there was none.
func addDeclarationError(diags *diag.Diagnostics, err error) bool {
	if err == nil {
		return true
	}
	diags.AddAttributeError(path.Root("source_group_id"), "Okta group pushed by two resources", err.Error())
	return false
}

// declarationLabel names what an instance configured, for a conflict message.
func (m groupPushModel) declarationLabel() string {
	target := "target_group_id = " + strconv.Quote(m.TargetGroupID.ValueString())
	if known(m.Project) && known(m.Role) {
		target = fmt.Sprintf("project = %q, role = %q", m.Project.ValueString(), m.Role.ValueString())
		if known(m.Team) {
			target = fmt.Sprintf("project = %q, team = %q, role = %q", m.Project.ValueString(), m.Team.ValueString(), m.Role.ValueString())
		}
	}
	return fmt.Sprintf("source_group_id = %q and %s", m.SourceGroupID.ValueString(), target)
}

// resolveTarget finds the target group (by id, or by the name the project,
// team and role make) and records it in the plan. It returns nil, without a
// diagnostic, when the configuration is not known yet.
func (r *groupPushResource) resolveTarget(ctx context.Context, config groupPushModel, plan *groupPushModel, diags *diag.Diagnostics) *okta.Group {
	if !config.Project.IsNull() {
		if config.Project.IsUnknown() || config.Role.IsUnknown() || config.Team.IsUnknown() {
			plan.TargetGroupID, plan.TargetGroupName = types.StringUnknown(), types.StringUnknown()
			return nil
		}
		if !config.Team.IsNull() && !rolegroup.IsTeamRole(config.Role.ValueString()) {
			diags.AddAttributeError(path.Root("role"), "Invalid team role",
				fmt.Sprintf("Statsig teams have only the roles %s, so there is no group for team %q with role %q. "+
					"Remove team to link the project role, or use a team role.",
					quoteAll(rolegroup.TeamRoles, " and "), config.Team.ValueString(), config.Role.ValueString()))
			return nil
		}
		name, err := rolegroup.TeamName(config.Project.ValueString(), config.Team.ValueString(), config.Role.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("project"), "Invalid Statsig group name", err.Error())
			return nil
		}
		group, err := r.data.findRoleGroup(ctx, name, false)
		if err != nil {
			diags.AddAttributeError(path.Root("project"), "Could not look up the Statsig group",
				detailOf(describeAPIError("Could not look up the Statsig group", err)))
			return nil
		}
		if group == nil {
			r.targetNotFound(ctx, name, config, diags)
			return nil
		}
		if known(config.TargetGroupID) && config.TargetGroupID.ValueString() != group.ID {
			diags.AddAttributeError(path.Root("target_group_id"), "target_group_id and project name different groups",
				fmt.Sprintf("project, team and role name %q (%s), but target_group_id is %s. Set only one of them, or make them "+
					"name the same group.", name, group.ID, config.TargetGroupID.ValueString()))
			return nil
		}
		if conflict := r.data.readingConflict(ctx, *group, config.Project.ValueString(), config.Team.ValueString(), diags); conflict != "" {
			diags.AddAttributeError(path.Root("project"), "Ambiguous Statsig group name", conflict+
				fmt.Sprintf(" It links none.\n\nIf this is the group you mean, set target_group_id = %q instead of "+
					"project, team and role.", group.ID))
			return nil
		}
		plan.TargetGroupID = types.StringValue(group.ID)
		plan.TargetGroupName = types.StringValue(group.Profile.Name)
		return group
	}

	if config.TargetGroupID.IsUnknown() {
		plan.TargetGroupName, plan.Project, plan.Role, plan.Team = types.StringUnknown(), types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		return nil
	}
	id := config.TargetGroupID.ValueString()
	group, err := r.data.okta.GetGroup(ctx, id)
	switch {
	case okta.IsNotFound(err):
		diags.AddAttributeError(path.Root("target_group_id"), "Target group not found",
			fmt.Sprintf("Okta has no group with id %q. Use the id of a Statsig-... group of the Statsig app, or set project and role instead.", id))
		return nil
	case err != nil:
		diags.AddAttributeError(path.Root("target_group_id"), "Could not read the target group",
			detailOf(describeAPIError("Could not read the target group", err)))
		return nil
	case group.Type != okta.GroupTypeApp || group.Source == nil || group.Source.ID != r.data.appID:
		diags.AddAttributeError(path.Root("target_group_id"), "Target is not a Statsig group",
			fmt.Sprintf("%q (%s, type %s) is not a group imported from the Statsig app %s. The target must be one of the app's "+
				"Statsig-<Project>-<Role> groups (type APP_GROUP); the group whose members are pushed goes in source_group_id.",
				group.Profile.Name, group.ID, group.Type, r.data.appID))
		return nil
	}
	plan.TargetGroupName = types.StringValue(group.Profile.Name)
	plan.Project, plan.Team, plan.Role = r.data.roleGroupParts(ctx, group.Profile.Name)
	return group
}

// targetNotFound reports a missing target with the closest existing names.
func (r *groupPushResource) targetNotFound(ctx context.Context, name string, config groupPushModel, diags *diag.Diagnostics) {
	detail := fmt.Sprintf("The Statsig app has no group named %q among its groups imported from Statsig.", name)
	groups, err := r.data.listRoleGroups(ctx)
	if err == nil {
		switch suggestions := rolegroup.Suggest(name, groupNames(groups), config.Project.ValueString(), config.Role.ValueString(), 5); {
		case len(groups) == 0:
			detail += "\n\nThe app has no Statsig-... groups at all: import them from Statsig first (the app's Import tab > " +
				"Import Now; Okta needs the SELECTIVE_APP_IMPORT_PLATFORM flag to import groups)."
		case len(suggestions) > 0:
			detail += "\n\nDid you mean:\n  - " + quoteAll(suggestions, "\n  - ")
		}
	}
	detail += "\n\nNames are matched exactly, including case and spaces. Statsig makes a group for every project and " +
		"role (and every team and role); Okta shows new ones after the next import, and its group search may take a " +
		"minute to include them."
	diags.AddAttributeError(path.Root("project"), "Statsig group not found", detail)
}

// checkSource reads the source group for the plan and refuses groups Okta
// cannot push. It returns nil when the id is not known yet or on error.
func (r *groupPushResource) checkSource(ctx context.Context, config groupPushModel, plan *groupPushModel, diags *diag.Diagnostics) *okta.Group {
	if !known(config.SourceGroupID) {
		return nil
	}
	id := config.SourceGroupID.ValueString()
	group, err := r.data.okta.GetGroup(ctx, id)
	switch {
	case okta.IsNotFound(err):
		diags.AddAttributeError(path.Root("source_group_id"), "Okta group not found", fmt.Sprintf("Okta has no group with id %q.", id))
		return nil
	case err != nil:
		diags.AddAttributeError(path.Root("source_group_id"), "Could not read the source group",
			detailOf(describeAPIError("Could not read the source group", err)))
		return nil
	case group.Type == okta.GroupTypeApp:
		from := "an application"
		if group.Source != nil && group.Source.ID == r.data.appID {
			from = "the Statsig app itself (a Statsig group belongs in the target, not the source)"
		}
		diags.AddAttributeError(path.Root("source_group_id"), "Source group comes from an app",
			fmt.Sprintf("%q (%s) is an APP_GROUP imported from %s. Okta pushes only groups managed in Okta (type OKTA_GROUP): "+
				"set source_group_id to the Okta group whose members should get the Statsig role.", group.Profile.Name, group.ID, from))
		return nil
	case group.Type == okta.GroupTypeBuiltIn:
		diags.AddAttributeError(path.Root("source_group_id"), "Built-in group cannot be pushed",
			fmt.Sprintf("%q (%s) is one of Okta's BUILT_IN groups (Everyone, Okta Administrators), which hold every user or "+
				"every admin of the org: pushing it would give all of them this Statsig role. Okta pushes only groups managed "+
				"in Okta (type OKTA_GROUP): make one for the people who should get the role.", group.Profile.Name, group.ID))
		return nil
	case group.Type != okta.GroupTypeOkta:
		diags.AddAttributeError(path.Root("source_group_id"), "Group cannot be pushed",
			fmt.Sprintf("%q (%s) is a %s group; Okta pushes only groups managed in Okta (type OKTA_GROUP).", group.Profile.Name, group.ID, group.Type))
		return nil
	}
	plan.SourceGroupName = types.StringValue(group.Profile.Name)
	return group
}

// checkOneToOne refuses a link Okta would refuse: a group pushed by another
// mapping, or a Statsig group that already receives another group's push.
// target is nil when it is not known yet. A mapping exactly as configured,
// made moments ago, is what an interrupted apply leaves behind: it is
// reported as to be adopted instead (see adopt.go), and returned.
func (r *groupPushResource) checkOneToOne(ctx context.Context, source, target *okta.Group, status string, diags *diag.Diagnostics) (adopt *okta.GroupPushMapping) {
	if source == nil {
		return nil
	}
	mappings, err := r.data.listMappings(ctx)
	if err != nil {
		diags.AddError(describeAPIError("Could not list the app's group push mappings", err))
		return nil
	}
	for _, m := range mappings {
		if m.ID == r.data.plannedMapping(bySource, source.ID) ||
			(target != nil && m.ID == r.data.plannedMapping(byTarget, target.ID)) {
			continue // a mapping this plan replaces or destroys
		}
		var notAdopted string
		if target != nil && m.SourceGroupID == source.ID && m.TargetGroupID == target.ID {
			a := mappingAdoption(&m, target.ID, status)
			if a.refusal == "" {
				diags.AddAttributeWarning(path.Root("source_group_id"), "Existing link will be adopted",
					fmt.Sprintf("Okta group %q (%s) is already pushed to %q (%s) by group push mapping %s, exactly as configured "+
						"(status %s), made or changed at %s (%s ago). That is what an apply interrupted after Okta made the link, "+
						"but before Terraform saved it in state, leaves behind, so the apply will manage this mapping instead "+
						"of creating another; nothing changes in Okta. If someone else made it, it is managed by this "+
						"configuration all the same: destroying the resource unlinks the group.\n\n"+targetedAdoption,
						source.Profile.Name, source.ID, target.Profile.Name, target.ID, m.ID, m.Status,
						a.changed.UTC().Format(time.RFC3339), roundAge(time.Since(a.changed))))
				adopt = &m
				continue
			}
			notAdopted = " It links to the same Statsig group, but the provider adopts only a link made moments ago " +
				"(as an interrupted apply leaves one), and " + a.refusal + "."
		}
		switch {
		case m.SourceGroupID == source.ID:
			diags.AddAttributeError(path.Root("source_group_id"), "Group already pushed by another mapping",
				fmt.Sprintf("Okta group %q (%s) is already pushed by group push mapping %s (to %s), which this plan neither "+
					"creates nor replaces. Okta pushes a group to one Statsig group at most, so it cannot be linked again."+notAdopted+"\n\n"+
					"If another statsigokta_group_push of this configuration manages that mapping, remove this resource.\n\n"+
					"To manage that mapping with Terraform, import it (and make the target in the configuration match it):\n\n"+
					"  terraform import statsigokta_group_push.<name> %s\n\nor add an import block:\n\n"+
					"  import {\n    to = statsigokta_group_push.<name>\n    id = %q\n  }\n\n"+
					"To push the group somewhere else instead, unlink it first (Statsig app > Push Groups).",
					source.Profile.Name, source.ID, m.ID, r.groupLabel(ctx, m.TargetGroupID, target), m.ID, m.ID))
		case target != nil && m.TargetGroupID == target.ID:
			if r.data.awaitTargetFreed(ctx, target.ID, m.ID) {
				continue // a move: another instance's destroy or replacement frees the target
			}
			diags.AddAttributeError(path.Root("target_group_id"), "Statsig group already linked",
				fmt.Sprintf("%q (%s) already receives the push of Okta group %s by group push mapping %s. Okta links each "+
					"Statsig group to one Okta group. Add the members to that group, or manage that mapping instead:\n\n"+
					"  terraform import statsigokta_group_push.<name> %s",
					target.Profile.Name, target.ID, r.groupLabel(ctx, m.SourceGroupID, nil), m.ID, m.ID))
		}
	}
	return adopt
}

// groupLabel names a group for a message, falling back to its id.
func (r *groupPushResource) groupLabel(ctx context.Context, id string, known *okta.Group) string {
	if known != nil && known.ID == id {
		return fmt.Sprintf("%q (%s)", known.Profile.Name, id)
	}
	if g, err := r.data.okta.GetGroup(ctx, id); err == nil {
		return fmt.Sprintf("%q (%s)", g.Profile.Name, id)
	}
	return id
}

// plannedMappings remembers, for one walk (a field of providerData), the
// mappings in state that the plan may replace or destroy. Terraform plans a
// replacement twice: first with the prior state, then as a create without
// it. The create's one-to-one checks use this to recognise the mapping the
// replacement deletes: by its source group (any replacement, including
// -replace, and a move in place), and by its target when the source or
// target changes or the resource is destroyed, which frees the target for
// another link (whose create then waits for the delete: awaitMappingGone).
type plannedMappings struct {
	mu  sync.Mutex
	ids map[plannedMappingKey]string // -> mapping id
}

type plannedMappingKey struct {
	by      string // bySource or byTarget
	groupID string
}

const (
	bySource = "source"
	byTarget = "target"
	// movedFrom keys a move by the Statsig group it leaves; the value is the
	// group it moves to (not a mapping id).
	movedFrom = "moved from"
	// targetNamed keys a Statsig group of a planned move by its id; the
	// value is its name (not a mapping id), for refuseSwap's message.
	targetNamed = "named"
)

func (d *providerData) rememberPlannedMapping(by, groupID, mappingID string) {
	if groupID == "" || mappingID == "" {
		return
	}
	d.planned.mu.Lock()
	defer d.planned.mu.Unlock()
	if d.planned.ids == nil {
		d.planned.ids = map[plannedMappingKey]string{}
	}
	d.planned.ids[plannedMappingKey{by, groupID}] = mappingID
}

// awaitTargetFreed reports whether the mapping that links the target is
// replaced or destroyed by this plan, or already gone. Terraform plans
// instances in no set order, so it waits up to groupPlanWait for that
// instance's plan to say so; in the apply walk, which does not plan
// destroys again, the destroy runs alongside and the mapping goes.
func (d *providerData) awaitTargetFreed(ctx context.Context, targetID, mappingID string) bool {
	return d.awaitMapping(ctx, mappingID, groupPlanWait, func() bool { return d.plannedMapping(byTarget, targetID) == mappingID })
}

// targetFreeWait bounds how long a create waits for the delete of the
// mapping that held its target, which another resource of the apply runs.
const targetFreeWait = 30 * time.Second

// awaitMappingGone waits, up to wait, until Okta no longer has the mapping.
func (d *providerData) awaitMappingGone(ctx context.Context, mappingID string, wait time.Duration) {
	d.awaitMapping(ctx, mappingID, wait, func() bool { return false })
}

// awaitMapping polls, up to wait, until done says so or the mapping is gone.
func (d *providerData) awaitMapping(ctx context.Context, mappingID string, wait time.Duration, done func() bool) bool {
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	return poll(waitCtx, pollBackoff{first: 100 * time.Millisecond, max: time.Second}, func() (bool, error) {
		if done() {
			return true, nil
		}
		_, err := d.okta.GetGroupPushMapping(waitCtx, d.appID, mappingID)
		return okta.IsNotFound(err), nil
	}) == nil
}

func (d *providerData) plannedMapping(by, groupID string) string {
	d.planned.mu.Lock()
	defer d.planned.mu.Unlock()
	return d.planned.ids[plannedMappingKey{by, groupID}]
}
