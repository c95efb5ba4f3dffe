package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
)

var (
	_ resource.ResourceWithConfigure        = (*groupPushResource)(nil)
	_ resource.ResourceWithConfigValidators = (*groupPushResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*groupPushResource)(nil)
	_ resource.ResourceWithImportState      = (*groupPushResource)(nil)
	_ resource.ResourceWithIdentity         = (*groupPushResource)(nil)
)

const (
	// maxUnassignedNamed caps how many unassigned members a warning names.
	maxUnassignedNamed = 10
	// mappingListLagWait is how long Create looks for a mapping that a failed
	// POST may have made: GET is immediate, but the list lags a few seconds.
	mappingListLagWait = 5 * time.Second
)

// NewGroupPushResource links an Okta group to a Statsig-<Project>-<Role> group.
func NewGroupPushResource() resource.Resource { return &groupPushResource{} }

type groupPushResource struct {
	data *providerData
}

type groupPushModel struct {
	ID              types.String `tfsdk:"id"`
	SourceGroupID   types.String `tfsdk:"source_group_id"`
	SourceGroupName types.String `tfsdk:"source_group_name"`
	TargetGroupID   types.String `tfsdk:"target_group_id"`
	Project         types.String `tfsdk:"project"`
	Role            types.String `tfsdk:"role"`
	Team            types.String `tfsdk:"team"`
	TargetGroupName types.String `tfsdk:"target_group_name"`
	Status          types.String `tfsdk:"status"`
	LastPush        types.String `tfsdk:"last_push"`
	ErrorSummary    types.String `tfsdk:"error_summary"`
}

func (r *groupPushResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_push"
}

func (r *groupPushResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	partValidators := []validator.String{namePartValidator{}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Links an Okta group to one of the `Statsig-<Project>-<Role>` (or " +
			"`Statsig-<Project>-<Team>-<Role>`) groups with Okta Group Push, as the app's Push Groups tab does " +
			"with **Link Group**: Okta then pushes the group's members into that Statsig project (or team) role. " +
			"Okta pushes only members who are assigned to the app, so assign them too (`statsigokta_user_assignment` " +
			"or `statsigokta_group_assignment`).\n\n" +
			"The target is resolved at plan time, so the plan shows the exact Statsig group. Destroying the resource " +
			"deactivates and deletes the mapping but keeps the Statsig group (`deleteTargetGroup=false`): deleting a " +
			"team group would delete the Statsig team.\n\n" +
			"Okta's **Rename Groups** setting has no API. Disable it under the app's Push Groups settings: otherwise " +
			"Okta renames the Statsig group after the Okta group on the first push. This provider never renames groups.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The group push mapping id (`gPm...`).",
				PlanModifiers:       keepState,
			},
			"source_group_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Id of the Okta group to push (`00g...`). It must be a group managed in Okta " +
					"(`OKTA_GROUP`), not one imported from an app. Okta pushes each group to at most one Statsig group. " +
					"Changing it replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{oktaIDValidator("00g", "an Okta group id")},
			},
			"source_group_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The source group's name in Okta, known at plan time.",
				PlanModifiers:       keepState,
			},
			"target_group_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Id of the Statsig group in Okta (`00g...`), an `APP_GROUP` imported from this " +
					"app. Set this or `project` and `role` (or both, naming the same group, as `terraform plan " +
					"-generate-config-out` writes them); with `project` and `role`, the plan shows the id they resolve to. " +
					"Changing the target replaces the resource.",
				PlanModifiers: keepState,
				Validators:    []validator.String{oktaIDValidator("00g", "an Okta group id")},
			},
			"project": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Statsig project name, exactly as in the Statsig Console (spaces and hyphens " +
					"included). With `role` (and `team`), names the target `Statsig-<project>-<role>` or " +
					"`Statsig-<project>-<team>-<role>`. When the target is set by `target_group_id`, this shows the " +
					"project read from the group's name: null when the name is ambiguous or ends with a custom role.",
				PlanModifiers: keepState,
				Validators:    partValidators,
			},
			"role": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Statsig role: `Admin`, `Member`, `Read Only`, `Owner` or a custom role name. " +
					"Required with `project`. With `target_group_id`, read from the group's name (null for a custom role).",
				PlanModifiers: keepState,
				Validators:    partValidators,
			},
			"team": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Statsig team name, for the team groups `Statsig-<project>-<team>-<role>`; " +
					"teams have only the roles `Admin` and `Member`. Requires `project`. With `target_group_id`, read " +
					"from the group's name (the app's other groups tell a team from a hyphenated project name).",
				PlanModifiers: keepState,
				Validators: append([]validator.String{stringvalidator.AlsoRequires(path.MatchRoot("project"))},
					partValidators...),
			},
			"target_group_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the target Statsig group, such as `Statsig-Checkout-Admin`, known at plan time.",
				PlanModifiers:       keepState,
			},
			"status": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(okta.GroupPushStatusActive),
				MarkdownDescription: "`ACTIVE` (push membership changes) or `INACTIVE` (pause pushing; members " +
					"already pushed stay). Defaults to `ACTIVE`; changed in place. Setting `ACTIVE` again makes Okta " +
					"push the whole group.",
				Validators: []validator.String{stringvalidator.OneOf(okta.GroupPushStatusActive, okta.GroupPushStatusInactive)},
			},
			"last_push": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When Okta last pushed the group (RFC 3339), or null before the first push.",
			},
			"error_summary": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Okta's message when the last push failed (the mapping is then in `ERROR` " +
					"and every plan shows it as a warning); null otherwise.",
			},
		},
	}
}

func (r *groupPushResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = appObjectIdentitySchema("mapping_id", "Group push mapping id (gPm...).")
}

func (r *groupPushResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		// At least one rather than exactly one: Terraform's -generate-config-out
		// writes both, and ModifyPlan checks that they name the same group.
		resourcevalidator.AtLeastOneOf(path.MatchRoot("target_group_id"), path.MatchRoot("project")),
		resourcevalidator.RequiredTogether(path.MatchRoot("project"), path.MatchRoot("role")),
	}
}

func (r *groupPushResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan resolves the target so the plan shows the Statsig group by name,
// and checks against Okta what would make the apply fail or do less than it
// says. It calls Okta only for a new mapping or a changed target, never on a
// plan with nothing to do.
func (r *groupPushResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if plannedWrite(req) { // a token without the write scopes fails the plan, not the apply
		resp.Diagnostics.Append(r.data.checkWriteScopes(ctx, okta.ScopeAppsManage, okta.ScopeGroupsManage)...)
	}
	if r.data == nil {
		return // provider not configured yet
	}
	if req.Plan.Raw.IsNull() {
		// Destroy: the mapping's target may be linked anew in the same plan.
		var state groupPushModel
		if !req.State.Raw.IsNull() && !req.State.Get(ctx, &state).HasError() {
			r.data.rememberPlannedMapping(byTarget, state.TargetGroupID.ValueString(), state.ID.ValueString())
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
		}
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
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	if creating {
		// A new link: a wrong app_id fails the plan, not the apply.
		if resp.Diagnostics.Append(r.data.checkApp(ctx)...); resp.Diagnostics.HasError() {
			return
		}
	}
	target := r.resolveTarget(ctx, config, &plan, &resp.Diagnostics)
	if !creating {
		if resp.Diagnostics.HasError() {
			return
		}
		if !plan.TargetGroupID.Equal(state.TargetGroupID) {
			r.data.rememberPlannedMapping(byTarget, state.TargetGroupID.ValueString(), state.ID.ValueString())
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("target_group_id"))
			plan.ID, plan.LastPush, plan.ErrorSummary = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		}
		// A replacement is planned again as a create, which runs the checks
		// below; an update in place needs none of them.
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	// Checked even when the target failed, so one plan reports both.
	source := r.checkSource(ctx, config, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.checkOneToOne(ctx, source, target, plan.Status.ValueString(), &resp.Diagnostics)
	if source != nil && !resp.Diagnostics.HasError() {
		r.warnUnassignedMembers(ctx, source, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
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
	if !config.Team.IsNull() && !rolegroup.IsTeamRole(config.Role.ValueString()) {
		detail += fmt.Sprintf("\n\nTeam groups exist only for the roles %s.", quoteAll(rolegroup.TeamRoles, " and "))
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
// reported as to be adopted instead (see adopt.go).
func (r *groupPushResource) checkOneToOne(ctx context.Context, source, target *okta.Group, status string, diags *diag.Diagnostics) {
	if source == nil {
		return
	}
	mappings, err := r.data.listMappings(ctx)
	if err != nil {
		diags.AddError(describeAPIError("Could not list the app's group push mappings", err))
		return
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
						"configuration all the same: destroying the resource unlinks the group.",
						source.Profile.Name, source.ID, target.Profile.Name, target.ID, m.ID, m.Status,
						a.changed.UTC().Format(time.RFC3339), roundAge(time.Since(a.changed))))
				continue
			}
			notAdopted = " It links to the same Statsig group, but the provider adopts only a link made moments ago " +
				"(as an interrupted apply leaves one), and " + a.refusal + "."
		}
		switch {
		case m.SourceGroupID == source.ID:
			diags.AddAttributeError(path.Root("source_group_id"), "Group already pushed by another mapping",
				fmt.Sprintf("Okta group %q (%s) is already pushed by group push mapping %s (to %s), which this Terraform "+
					"configuration does not manage. Okta pushes a group to one Statsig group at most, so it cannot be linked again."+notAdopted+"\n\n"+
					"To manage that mapping with Terraform, import it (and make the target in the configuration match it):\n\n"+
					"  terraform import statsigokta_group_push.<name> %s\n\nor add an import block:\n\n"+
					"  import {\n    to = statsigokta_group_push.<name>\n    id = %q\n  }\n\n"+
					"To push the group somewhere else instead, unlink it first (Statsig app > Push Groups).",
					source.Profile.Name, source.ID, m.ID, r.groupLabel(ctx, m.TargetGroupID, target), m.ID, m.ID))
		case target != nil && m.TargetGroupID == target.ID:
			diags.AddAttributeError(path.Root("target_group_id"), "Statsig group already linked",
				fmt.Sprintf("%q (%s) already receives the push of Okta group %s by group push mapping %s. Okta links each "+
					"Statsig group to one Okta group. Add the members to that group, or manage that mapping instead:\n\n"+
					"  terraform import statsigokta_group_push.<name> %s",
					target.Profile.Name, target.ID, r.groupLabel(ctx, m.SourceGroupID, nil), m.ID, m.ID))
		}
	}
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

// warnUnassignedMembers warns about members Okta will not push because they
// are not assigned to the app.
func (r *groupPushResource) warnUnassignedMembers(ctx context.Context, source *okta.Group, diags *diag.Diagnostics) {
	members, err := r.data.okta.ListGroupMembers(ctx, source.ID)
	if err != nil || len(members) == 0 {
		return // the check only informs; the plan does not depend on it
	}
	appUsers, err := r.data.listAppUsers(ctx)
	if err != nil {
		return
	}
	assigned := make(map[string]bool, len(appUsers))
	for _, u := range appUsers {
		assigned[u.ID] = true
	}
	var unassigned []string
	for _, m := range members {
		if !assigned[m.ID] {
			unassigned = append(unassigned, m.Profile.Login)
		}
	}
	if summary, detail, ok := unassignedMembersWarning(source.Profile.Name, unassigned, len(members)); ok {
		diags.AddAttributeWarning(path.Root("source_group_id"), summary, detail)
	}
}

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
			"statsigokta_group_assignment. If this configuration already assigns them, ignore this warning: it reflects "+
			"Okta before the apply.", who, strings.Join(named, ", "), more), true
}

func (r *groupPushResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var config, plan groupPushModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(r.data.checkApp(ctx)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !known(plan.TargetGroupID) || !known(plan.SourceGroupName) {
		// An input was not known at plan time, so the plan could not check
		// it: resolve and check now, before writing anything.
		target := r.resolveTarget(ctx, config, &plan, &resp.Diagnostics)
		source := r.checkSource(ctx, config, &plan, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		r.checkOneToOne(ctx, source, target, plan.Status.ValueString(), &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	request := okta.CreateGroupPushMappingRequest{
		SourceGroupID: plan.SourceGroupID.ValueString(),
		TargetGroupID: plan.TargetGroupID.ValueString(),
		Status:        plan.Status.ValueString(),
	}
	mapping, err := r.createMapping(ctx, request)
	if err != nil && okta.HasErrorCode(err, okta.ErrCodeValidation) {
		// The source is pushed already: by an interrupted apply of this
		// configuration, which is adopted (see adopt.go), or by someone else.
		if found, a := r.adoptableMapping(ctx, request); found != nil {
			addAdoptedWarning(&resp.Diagnostics, "group push mapping "+found.ID, a.matches, a.changed,
				"`terraform state rm` stops managing it and leaves Okta as it is, while destroying the resource "+
					"unlinks the group (the Statsig group and the roles already pushed stay).")
			mapping, err = found, nil
		}
	}
	if err != nil {
		if okta.HasErrorCode(err, okta.ErrCodeValidation) {
			// Okta refuses a second link; if one appeared since the plan,
			// say which and how to adopt it.
			var conflict diag.Diagnostics
			r.checkOneToOne(ctx,
				&okta.Group{ID: request.SourceGroupID, Profile: okta.GroupProfile{Name: plan.SourceGroupName.ValueString()}},
				&okta.Group{ID: request.TargetGroupID, Profile: okta.GroupProfile{Name: plan.TargetGroupName.ValueString()}},
				request.Status, &conflict)
			if conflict.HasError() {
				resp.Diagnostics.Append(conflict...)
				return
			}
		}
		resp.Diagnostics.AddError(describeAPIError("Could not create the group push mapping", err))
		return
	}
	plan.fromMapping(mapping)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setAppObjectIdentity(ctx, resp.Identity, r.data.appID, "mapping_id", plan.ID.ValueString())...)
	warnPushError(&resp.Diagnostics, &plan)
}

// createMapping creates the mapping. The client does not repeat this POST
// after a server error or a dropped connection, since the first attempt may
// have been applied; instead this looks for the mapping before trying again,
// so a second one is never made.
func (r *groupPushResource) createMapping(ctx context.Context, request okta.CreateGroupPushMappingRequest) (*okta.GroupPushMapping, error) {
	var lastErr error
	for attempt := 0; attempt <= r.data.okta.MaxRetries(); attempt++ {
		mapping, err := r.data.okta.CreateGroupPushMapping(ctx, r.data.appID, request)
		if err == nil {
			return mapping, nil
		}
		if lastErr == nil && !writeMayHaveApplied(ctx, err) {
			return nil, err
		}
		// After an attempt that may have been applied, a refusal can be Okta
		// seeing that attempt's mapping, which its list may not show yet.
		wait := mappingListLagWait
		if !writeMayHaveApplied(ctx, err) {
			wait = 2 * mappingListLagWait
		}
		if found, findErr := r.findMapping(ctx, request, wait); findErr == nil && found != nil {
			return found, nil
		}
		if !writeMayHaveApplied(ctx, err) {
			return nil, err
		}
		lastErr = err
	}
	return nil, lastErr
}

// findMapping polls the list of the source group's mappings for one that
// links it to the requested target, for up to wait.
func (r *groupPushResource) findMapping(ctx context.Context, request okta.CreateGroupPushMappingRequest, wait time.Duration) (*okta.GroupPushMapping, error) {
	deadline := time.Now().Add(wait)
	interval := 500 * time.Millisecond
	for {
		mappings, err := r.data.okta.ListGroupPushMappings(ctx, r.data.appID, okta.ListGroupPushMappingsOptions{SourceGroupID: request.SourceGroupID})
		if err != nil && !retryableReadError(err) {
			return nil, err
		}
		for i := range mappings {
			if mappings[i].TargetGroupID == request.TargetGroupID {
				// The list may be stale; GET is current.
				return r.data.readMapping(ctx, mappings[i].ID)
			}
		}
		if time.Now().Add(interval).After(deadline) {
			return nil, nil
		}
		if err := sleepCtx(ctx, interval); err != nil {
			return nil, err
		}
		interval = min(interval*2, 2*time.Second)
	}
}

func (r *groupPushResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state groupPushModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(r.data.checkApp(ctx)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity is set first: the framework requires one even when the
	// resource is removed from state below.
	resp.Diagnostics.Append(setAppObjectIdentity(ctx, resp.Identity, r.data.appID, "mapping_id", state.ID.ValueString())...)
	mapping, err := r.data.readMapping(ctx, state.ID.ValueString())
	if okta.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(describeAPIError("Could not read the group push mapping", err))
		return
	}
	targetChanged := !state.TargetGroupID.Equal(types.StringValue(mapping.TargetGroupID))
	sourceChanged := !state.SourceGroupID.Equal(types.StringValue(mapping.SourceGroupID))
	state.fromMapping(mapping)

	// Names are read only when not known yet (after import): Okta groups
	// keep their id when renamed, and Statsig groups cannot be renamed.
	if sourceChanged || state.SourceGroupName.IsNull() {
		if g, err := r.data.okta.GetGroup(ctx, mapping.SourceGroupID); err == nil {
			state.SourceGroupName = types.StringValue(g.Profile.Name)
		}
	}
	if targetChanged || state.TargetGroupName.IsNull() {
		g, err := r.data.okta.GetGroup(ctx, mapping.TargetGroupID)
		if err != nil && !okta.IsNotFound(err) {
			resp.Diagnostics.AddError(describeAPIError("Could not read the target group", err))
			return
		}
		state.TargetGroupName = types.StringNull()
		if err == nil {
			state.TargetGroupName = types.StringValue(g.Profile.Name)
		}
	}
	if (targetChanged || state.Role.IsNull()) && known(state.TargetGroupName) {
		state.Project, state.Team, state.Role = r.data.roleGroupParts(ctx, state.TargetGroupName.ValueString())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	warnPushError(&resp.Diagnostics, &state)
}

func (r *groupPushResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state groupPushModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	var mapping *okta.GroupPushMapping
	var err error
	if plan.Status.Equal(state.Status) {
		mapping, err = r.data.readMapping(ctx, id) // only names or parts changed
	} else {
		mapping, err = r.data.okta.UpdateGroupPushMappingStatus(ctx, r.data.appID, id, plan.Status.ValueString())
	}
	if err != nil {
		summary, detail := describeAPIError("Could not update the group push mapping", err)
		if okta.HasErrorCode(err, okta.ErrCodeValidation) {
			detail += "\n\nOkta does not update a mapping in ERROR status. Resolve the push error in the Admin Console " +
				"(Statsig app > Push Groups), or replace the resource: terraform apply -replace=<address>."
		}
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	plan.fromMapping(mapping)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setAppObjectIdentity(ctx, resp.Identity, r.data.appID, "mapping_id", plan.ID.ValueString())...)
	warnPushError(&resp.Diagnostics, &plan)
}

// Delete deactivates the mapping, as Okta requires, then deletes it while
// keeping the Statsig group: for a team group, deleting it deletes the team.
func (r *groupPushResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupPushModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	_, err := r.data.okta.UpdateGroupPushMappingStatus(ctx, r.data.appID, id, okta.GroupPushStatusInactive)
	if okta.IsNotFound(err) {
		return
	}
	if err != nil {
		// A mapping in ERROR cannot be updated, but it can be deleted as it is.
		current, getErr := r.data.readMapping(ctx, id)
		switch {
		case okta.IsNotFound(getErr):
			return
		case getErr != nil || current.Status != okta.GroupPushStatusError:
			resp.Diagnostics.AddError(describeAPIError("Could not deactivate the group push mapping", err))
			return
		}
	}
	err = r.data.okta.DeleteGroupPushMapping(ctx, r.data.appID, id, false)
	if err != nil && !okta.IsNotFound(err) {
		resp.Diagnostics.AddError(describeAPIError("Could not delete the group push mapping", err))
	}
}

// ImportState accepts a mapping id (gPm...) or the id of the pushed Okta
// group (00g...), whose mapping it looks up.
func (r *groupPushResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if id == "" {
		var diags diag.Diagnostics
		id, diags = importIDFromIdentity(ctx, req, r.data, "mapping_id")
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	switch {
	case looksLikeOktaID(id, "gPm"):
	case looksLikeOktaID(id, "00g"):
		if r.data == nil {
			resp.Diagnostics.AddError("Provider not configured", "Importing by group id needs a configured provider.")
			return
		}
		mappings, err := r.data.okta.ListGroupPushMappings(ctx, r.data.appID, okta.ListGroupPushMappingsOptions{SourceGroupID: id})
		if err != nil {
			resp.Diagnostics.AddError(describeAPIError("Could not look up the group's push mapping", err))
			return
		}
		switch len(mappings) {
		case 0:
			resp.Diagnostics.AddError("Cannot import group push",
				fmt.Sprintf("Okta group %s is not pushed to the Statsig app: it has no group push mapping. If it was linked "+
					"moments ago, Okta's list may not show it yet; try again, or import by the mapping id (gPm...).", id))
			return
		case 1:
			id = mappings[0].ID
		default:
			ids := make([]string, len(mappings))
			for i, m := range mappings {
				ids[i] = m.ID
			}
			resp.Diagnostics.AddError("Cannot import group push",
				fmt.Sprintf("Okta group %s has %d push mappings (%s); import one by its mapping id.", req.ID, len(mappings), strings.Join(ids, ", ")))
			return
		}
	default:
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Import a group push by its mapping id (gPm...) or by the id of the pushed Okta group (00g...); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// fromMapping copies what Okta reports into the model. ERROR is not a status
// Terraform can ask for, so status keeps the requested one and the error
// shows in error_summary and as a warning.
func (m *groupPushModel) fromMapping(g *okta.GroupPushMapping) {
	m.ID = types.StringValue(g.ID)
	m.SourceGroupID = types.StringValue(g.SourceGroupID)
	m.TargetGroupID = types.StringValue(g.TargetGroupID)
	switch {
	case g.Status != okta.GroupPushStatusError:
		m.Status = types.StringValue(g.Status)
	case !known(m.Status):
		m.Status = types.StringValue(okta.GroupPushStatusActive) // imported while in ERROR
	}
	m.LastPush = types.StringNull()
	if g.LastPush != nil {
		m.LastPush = types.StringValue(g.LastPush.UTC().Format(time.RFC3339))
	}
	m.ErrorSummary = stringOrNull(g.ErrorSummary)
	if g.Status == okta.GroupPushStatusError && g.ErrorSummary == "" {
		m.ErrorSummary = types.StringValue("Okta reports the mapping in ERROR without a message.")
	}
	for _, v := range []*types.String{&m.SourceGroupName, &m.TargetGroupName, &m.Project, &m.Role, &m.Team} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
}

// warnPushError shows a failing push on every plan and apply.
func warnPushError(diags *diag.Diagnostics, m *groupPushModel) {
	if !known(m.ErrorSummary) {
		return
	}
	diags.AddWarning("Group push is failing",
		fmt.Sprintf("Okta reports group push mapping %s (%s to %s) in ERROR: %s\n\nOkta pushes no membership changes until "+
			"this is resolved in the Admin Console (Statsig app > Push Groups); while in ERROR, the mapping cannot be "+
			"updated through the API.", m.ID.ValueString(), nameOrID(m.SourceGroupName, m.SourceGroupID),
			nameOrID(m.TargetGroupName, m.TargetGroupID), m.ErrorSummary.ValueString()))
}

func nameOrID(name, id types.String) string {
	if known(name) {
		return fmt.Sprintf("%q", name.ValueString())
	}
	return id.ValueString()
}

// roleGroupParts reads project, team and role from a Statsig group name. A
// name that reads two ways is resolved with the app's other group names;
// whatever stays uncertain is null rather than a guess.
func (d *providerData) roleGroupParts(ctx context.Context, name string) (project, team, role types.String) {
	null := types.StringNull()
	parsed, err := rolegroup.Parse(name, nil)
	if err != nil {
		return null, null, null
	}
	if parsed.Ambiguous {
		if groups, err := d.listRoleGroups(ctx); err == nil {
			p := rolegroup.NewParser(nil, nil)
			p.LearnProjects(groupNames(groups))
			parsed, _ = p.Parse(name)
		}
	}
	if parsed.Ambiguous {
		return null, null, types.StringValue(parsed.Role)
	}
	return types.StringValue(parsed.Project), stringOrNull(parsed.Team), types.StringValue(parsed.Role)
}

// plannedMappings remembers, for each configured provider (one per
// Terraform run), the mappings in state that the plan may replace or destroy.
// Terraform plans a replacement twice: first with the prior state, then as a
// create without it. The create's one-to-one checks use this to recognise the
// mapping the replacement deletes: by its source group (any replacement,
// including -replace), and by its target when the source or target changes
// or the resource is destroyed.
var plannedMappings sync.Map // plannedMappingKey -> mapping id

type plannedMappingKey struct {
	data    *providerData
	by      string // bySource or byTarget
	groupID string
}

const (
	bySource = "source"
	byTarget = "target"
)

func (d *providerData) rememberPlannedMapping(by, groupID, mappingID string) {
	if groupID != "" && mappingID != "" {
		plannedMappings.Store(plannedMappingKey{d, by, groupID}, mappingID)
	}
}

func (d *providerData) plannedMapping(by, groupID string) string {
	id, _ := plannedMappings.Load(plannedMappingKey{d, by, groupID})
	s, _ := id.(string)
	return s
}

// namePartValidator checks a project, team or role name at validate time.
type namePartValidator struct{}

func (namePartValidator) Description(context.Context) string {
	return "must be a non-empty name without leading or trailing spaces"
}

func (v namePartValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (namePartValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := rolegroup.CheckPart(req.Path.String(), req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Statsig name", err.Error()+".")
	}
}

// quoteAll quotes each name and joins them with sep.
func quoteAll(names []string, sep string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(quoted, sep)
}
