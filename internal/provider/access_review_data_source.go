package provider

import (
	"context"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/statsig"
)

var _ datasource.DataSourceWithConfigure = (*accessReviewDataSource)(nil)

// NewAccessReviewDataSource answers "who has what in Statsig, through which
// Okta path, and what disagrees", from list reads only.
func NewAccessReviewDataSource() datasource.DataSource { return &accessReviewDataSource{} }

type accessReviewDataSource struct {
	data *providerData
}

type accessReviewModel struct {
	LoginPrefix  types.String        `tfsdk:"login_prefix"`
	OnlyFindings types.Bool          `tfsdk:"only_findings"`
	Roles        types.List          `tfsdk:"roles"`
	People       []accessReviewEntry `tfsdk:"people"`
	Findings     []accessFinding     `tfsdk:"findings"`
	Summary      *accessSummary      `tfsdk:"summary"`
}

type accessReviewEntry struct {
	Login         types.String        `tfsdk:"login"`
	OktaUserID    types.String        `tfsdk:"okta_user_id"`
	OktaStatus    types.String        `tfsdk:"okta_status"`
	Access        types.String        `tfsdk:"access"`
	ViaGroups     []types.String      `tfsdk:"via_groups"`
	OrgRole       types.String        `tfsdk:"org_role"`
	ProjectRoles  []accessProjectRole `tfsdk:"project_roles"`
	StatsigActive types.Bool          `tfsdk:"statsig_active"`
	StatsigRole   types.String        `tfsdk:"statsig_role"`
}

type accessProjectRole struct {
	Project types.String `tfsdk:"project"`
	Team    types.String `tfsdk:"team"`
	Role    types.String `tfsdk:"role"`
	Group   types.String `tfsdk:"group"`
}

type accessFinding struct {
	Kind   types.String `tfsdk:"kind"`
	Login  types.String `tfsdk:"login"`
	Group  types.String `tfsdk:"group"`
	Detail types.String `tfsdk:"detail"`
}

type accessSummary struct {
	People   types.Int64            `tfsdk:"people"`
	Access   map[string]types.Int64 `tfsdk:"access"`
	Findings map[string]types.Int64 `tfsdk:"findings"`
}

func (d *accessReviewDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_review"
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

func (d *accessReviewDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who has what in Statsig, through which Okta path, and what disagrees: one entry per person who has " +
			"or should have Statsig (assigned to the app, in a pushed group, or active in Statsig), and the findings an access " +
			"review must act on, each with what to do. Read from list calls only: the app's users, group assignments and push " +
			"mappings, the members of the assigned and pushed groups, the app's Statsig groups and, when the keys are set, " +
			"Statsig's SCIM users and Console users, each one call per page (shared with the other reads of the same command).",
		Attributes: map[string]schema.Attribute{
			"login_prefix": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only people whose login starts with this (case-insensitive), and the findings about them. Findings about a group (`push_error`) are always kept.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"only_findings": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only people with at least one finding.",
			},
			"roles": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Custom Statsig role names (Enterprise), so that pushes to groups ending in them appear in `project_roles`; the built-in roles are known already.",
			},
			"people": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The people, ordered by login.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"login":        computedString("Okta login; for someone Okta does not know, the Statsig user name or email."),
					"okta_user_id": computedString("Okta user id; null for someone found only in Statsig."),
					"okta_status":  computedString("Okta user status (`ACTIVE`, `SUSPENDED`, `DEPROVISIONED`, ...); null for someone found only in Statsig."),
					"access":       computedString("How Okta assigns the Statsig app: `direct`, `group` (through an assigned group), `both`, or `none`."),
					"via_groups": schema.ListAttribute{
						Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Names of the assigned Okta groups the person is in, sorted.",
					},
					"org_role": computedString("Okta's `statsigOrgRole` for the person (app user profile); null when unset or unassigned."),
					"project_roles": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "The Statsig roles Okta's active push links grant: one per pushed group the person is in, whose target is a `Statsig-<Project>-<Role>` or `Statsig-<Project>-<Team>-<Role>` group.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"project": computedString("Statsig project."),
							"team":    computedString("Statsig team; null for a project role."),
							"role":    computedString("Role."),
							"group":   computedString("The Okta group whose push grants it."),
						}},
					},
					"statsig_active": schema.BoolAttribute{
						Computed:            true,
						MarkdownDescription: "Whether Statsig's SCIM API shows the person active; null unless `statsig_scim_token` is configured.",
					},
					"statsig_role": computedString("The person's role in the Statsig Console API key's project; null unless `statsig_console_api_key` is configured, or when they are not a member of it."),
				}},
			},
			"findings": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "What disagrees, ordered by kind then login: `statsig_only` (active in Statsig, not assigned in Okta), " +
					"`provisioning_error` (syncState ERROR), `provisioning_off` (syncState DISABLED), `not_pushed` (in a pushed group, not " +
					"assigned), `push_error` (mapping in ERROR, with its errorSummary), `role_mismatch` (Statsig's org role differs from " +
					"Okta's `statsigOrgRole`), `inactive_okta_user` (suspended or deprovisioned in Okta, still assigned).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"kind":   computedString("The finding kind."),
					"login":  computedString("The person it is about; null for a group finding."),
					"group":  computedString("The Okta group it is about (the pushed group for `not_pushed` and `push_error`), or null."),
					"detail": computedString("One line: what is wrong and how to fix it."),
				}},
			},
			"summary": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Counts, after the filters.",
				Attributes: map[string]schema.Attribute{
					"people":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of people."},
					"access":   schema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: "People per access kind (every kind present)."},
					"findings": schema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: "Findings per kind (every kind present)."},
				},
			},
		},
	}
}

func (d *accessReviewDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *accessReviewDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg accessReviewModel
	if !d.data.openRead(ctx, req, resp, &cfg) {
		return
	}
	in, diags := d.data.readReviewInput(ctx, cfg.Roles)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	res := reviewFilter{loginPrefix: cfg.LoginPrefix.ValueString(), onlyFindings: cfg.OnlyFindings.ValueBool()}.apply(review(in))
	cfg.People, cfg.Findings, cfg.Summary = reviewModels(res)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// readReviewInput lists everything a review needs, each list once.
func (d *providerData) readReviewInput(ctx context.Context, roles types.List) (reviewInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	var in reviewInput
	fail := func(what string, err error) (reviewInput, diag.Diagnostics) {
		diags.AddError(describeAPIError("Could not read "+what+" for the access review", err))
		return reviewInput{}, diags
	}
	var err error
	if in.AppUsers, err = d.listAppUsers(ctx); err != nil {
		return fail("the Statsig app's users", err)
	}
	appGroups, err := d.listAppGroups(ctx)
	if err != nil {
		return fail("the Statsig app's group assignments", err)
	}
	names := map[string]string{}
	for _, ag := range appGroups {
		g := reviewGroup{ID: ag.ID, Name: ag.ID}
		if ag.Embedded != nil && ag.Embedded.Group != nil {
			g.Name = ag.Embedded.Group.Profile.Name
		}
		names[g.ID] = g.Name
		if g.Members, err = d.listGroupMembers(ctx, g.ID); err != nil {
			return fail("the members of group "+g.Name, err)
		}
		in.Assigned = append(in.Assigned, g)
	}
	if in.Mappings, err = d.listMappings(ctx); err != nil {
		return fail("the app's group push mappings", err)
	}
	if len(in.Mappings) == 0 {
		return d.readStatsigForReview(ctx, in, diags)
	}

	// Source names: the assigned groups have theirs; the others come from
	// one filtered listing.
	var unnamed []string
	for _, m := range in.Mappings {
		if _, ok := names[m.SourceGroupID]; !ok && !slices.Contains(unnamed, m.SourceGroupID) {
			unnamed = append(unnamed, m.SourceGroupID)
		}
	}
	groups, err := d.listGroupsByID(ctx, unnamed)
	if err != nil {
		return fail("the pushed groups", err)
	}
	for _, g := range groups {
		names[g.ID] = g.Profile.Name
	}
	in.Sources = map[string]reviewGroup{}
	for _, m := range in.Mappings {
		name, exists := names[m.SourceGroupID]
		if _, done := in.Sources[m.SourceGroupID]; done || !exists {
			continue
		}
		src := reviewGroup{ID: m.SourceGroupID, Name: name}
		// Only active links grant anything, so only their members are read.
		if m.Status == okta.GroupPushStatusActive {
			if src.Members, err = d.listGroupMembers(ctx, src.ID); err != nil {
				return fail("the members of group "+name, err)
			}
		}
		in.Sources[src.ID] = src
	}

	roleGroups, err := d.listRoleGroups(ctx)
	if err != nil {
		return fail("the app's Statsig groups", err)
	}
	// Built-in roles and the roles argument only: the Console's role list
	// and company would be two more calls, and custom roles are rare.
	var custom []string
	if !roles.IsNull() && !roles.IsUnknown() {
		diags.Append(roles.ElementsAs(ctx, &custom, false)...)
	}
	parser := rolegroup.NewParser(custom, nil)
	parser.LearnProjects(groupNames(roleGroups))
	in.Targets = map[string]rolegroup.Parsed{}
	for _, g := range roleGroups {
		parsed, err := parser.Parse(g.Profile.Name)
		if err != nil {
			parsed = rolegroup.Parsed{Name: g.Profile.Name}
		}
		in.Targets[g.ID] = parsed
	}
	return d.readStatsigForReview(ctx, in, diags)
}

func (d *providerData) readStatsigForReview(ctx context.Context, in reviewInput, diags diag.Diagnostics) (reviewInput, diag.Diagnostics) {
	if d.statsig == nil {
		return in, diags
	}
	// A failed Statsig read is an error, not a warning: a review without it
	// would silently miss everyone active only in Statsig.
	var err error
	if d.statsig.HasSCIM() {
		if in.SCIM, err = d.listStatsigUsers(ctx); err != nil {
			diags.AddError("Could not read Statsig's SCIM users for the access review", statsigErrorText(err))
			return in, diags
		}
		if in.SCIM == nil {
			in.SCIM = []statsig.SCIMUser{}
		}
	}
	if d.statsig.HasConsole() {
		if in.Console, err = d.listConsoleUsers(ctx); err != nil {
			diags.AddError("Could not read Statsig's Console users for the access review", statsigErrorText(err))
			return in, diags
		}
		if in.Console == nil {
			in.Console = []statsig.ConsoleUser{}
		}
	}
	return in, diags
}

func statsigErrorText(err error) string {
	return err.Error() + ". Check the key, or remove it from the provider configuration to review Okta alone."
}

func reviewModels(res reviewResult) ([]accessReviewEntry, []accessFinding, *accessSummary) {
	people := make([]accessReviewEntry, 0, len(res.People))
	for _, p := range res.People {
		e := accessReviewEntry{
			Login:         types.StringValue(p.Login),
			OktaUserID:    stringOrNull(p.UserID),
			OktaStatus:    stringOrNull(p.OktaStatus),
			Access:        types.StringValue(p.Access),
			ViaGroups:     make([]types.String, 0, len(p.ViaGroups)),
			OrgRole:       stringOrNull(p.OrgRole),
			ProjectRoles:  make([]accessProjectRole, 0, len(p.ProjectRoles)),
			StatsigActive: types.BoolPointerValue(p.StatsigActive),
			StatsigRole:   types.StringPointerValue(p.StatsigRole),
		}
		for _, g := range p.ViaGroups {
			e.ViaGroups = append(e.ViaGroups, types.StringValue(g))
		}
		roles := p.ProjectRoles
		sort.SliceStable(roles, func(i, j int) bool {
			if roles[i].Project != roles[j].Project {
				return roles[i].Project < roles[j].Project
			}
			return roles[i].Team < roles[j].Team
		})
		for _, r := range roles {
			e.ProjectRoles = append(e.ProjectRoles, accessProjectRole{
				Project: types.StringValue(r.Project), Team: stringOrNull(r.Team), Role: types.StringValue(r.Role), Group: types.StringValue(r.Group)})
		}
		people = append(people, e)
	}
	findings := make([]accessFinding, 0, len(res.Findings))
	for _, f := range res.Findings {
		findings = append(findings, accessFinding{Kind: types.StringValue(f.Kind), Login: stringOrNull(f.Login),
			Group: stringOrNull(f.Group), Detail: types.StringValue(f.Detail)})
	}
	access, byKind := summarize(res)
	summary := &accessSummary{People: types.Int64Value(int64(len(res.People))), Access: map[string]types.Int64{}, Findings: map[string]types.Int64{}}
	for k, n := range access {
		summary.Access[k] = types.Int64Value(int64(n))
	}
	for k, n := range byKind {
		summary.Findings[k] = types.Int64Value(int64(n))
	}
	return people, findings, summary
}
