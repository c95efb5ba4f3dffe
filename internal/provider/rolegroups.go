package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
)

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

// quoteAll quotes each name and joins them with sep.
func quoteAll(names []string, sep string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(quoted, sep)
}

// roleGroupParser returns a parser that knows the built-in roles, the custom
// roles configured, and (with a Console API key) the key's project and
// roles, and has learnt the projects the app's group names prove.
func (d *providerData) roleGroupParser(ctx context.Context, rolesList types.List, groups []okta.Group, diags *diag.Diagnostics) *rolegroup.Parser {
	var roles []string
	if !rolesList.IsNull() && !rolesList.IsUnknown() {
		diags.Append(rolesList.ElementsAs(ctx, &roles, false)...)
	}
	projects := map[string]string{}
	if d.statsig != nil && d.statsig.HasConsole() {
		consoleRoles, err := d.statsig.ListRoles(ctx)
		if err == nil {
			for _, r := range consoleRoles {
				roles = append(roles, r.Name)
			}
		}
		company, companyErr := d.statsig.GetCompany(ctx)
		if companyErr == nil && company.CompanyName != "" {
			projects[company.CompanyName] = "the Statsig Console API key's project"
		}
		if err := errors.Join(err, companyErr); err != nil {
			diags.AddWarning("Could not read roles from the Statsig Console API",
				fmt.Sprintf("Group names are read with the built-in roles and the roles argument only: %v", err))
		}
	}
	parser := rolegroup.NewParser(roles, projects)
	parser.LearnProjects(groupNames(groups))
	return parser
}

func groupNames(groups []okta.Group) []string {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = g.Profile.Name
	}
	return names
}

// parseRoleGroup reads one group into a list entry. A name with no known
// role is kept, with a null role and a note, rather than failing the read.
func parseRoleGroup(parser *rolegroup.Parser, g okta.Group) (roleGroupEntry, rolegroup.Parsed) {
	entry := roleGroupEntry{ID: types.StringValue(g.ID), Name: types.StringValue(g.Profile.Name)}
	parsed, err := parser.Parse(g.Profile.Name)
	if err != nil {
		entry.Project, entry.Role, entry.Team = types.StringNull(), types.StringNull(), types.StringNull()
		entry.Ambiguous = types.BoolValue(true)
		entry.Note = types.StringValue(err.Error() + ".")
		return entry, parsed
	}
	entry.Project = types.StringValue(parsed.Project)
	entry.Role = types.StringValue(parsed.Role)
	entry.Team = stringOrNull(parsed.Team)
	entry.Ambiguous = types.BoolValue(parsed.Ambiguous)
	entry.Note = stringOrNull(parsed.Note)
	return entry, parsed
}

// readingConflict says why the group name that project, team and role make
// does not mean exactly that, or "" when it does. Only Admin and Member
// names with a hyphen read more than one way; for those, the app's other
// Statsig groups and the Statsig Console API key's project say which
// projects exist, and every reading whose project exists is a meaning the
// group may have. When none is known, nothing contradicts the configuration.
func (d *providerData) readingConflict(ctx context.Context, group okta.Group, project, team string, diags *diag.Diagnostics) string {
	name := group.Profile.Name
	if parsed, err := rolegroup.Parse(name, nil); err != nil || !parsed.Ambiguous {
		return ""
	}
	groups, err := d.listRoleGroups(ctx)
	if err != nil {
		diags.AddError(describeAPIError("Could not list the app's Statsig groups", err))
		return ""
	}
	parsed, err := d.roleGroupParser(ctx, types.ListNull(types.StringType), groups, diags).Parse(name)
	if err != nil {
		return ""
	}
	configured := rolegroup.Reading{Project: project, Team: team}
	readings := parsed.Known
	switch {
	case len(readings) == 0:
		return ""
	case len(readings) == 1 && readings[0] == configured:
		return ""
	case !slices.Contains(readings, configured):
		readings = append([]rolegroup.Reading{configured}, readings...)
	}
	alts := make([]string, len(readings))
	for i, rd := range readings {
		alts[i] = describeReading(rd)
	}
	return fmt.Sprintf("%q (%s) reads as %s: a hyphen separates a team from its project, team groups use the same "+
		"roles (Admin, Member), and the app's other Statsig groups (or the Statsig Console) show that %s. The provider "+
		"does not guess which Statsig project or team the group stands for.",
		name, group.ID, strings.Join(alts, ", or as "), knownProjects(parsed.Known))
}

// ambiguousName explains a name that the app's groups and the Console do not
// resolve (parsed.Ambiguous), and points to the group's id.
func ambiguousName(parsed rolegroup.Parsed, id string) string {
	alts := make([]string, len(parsed.Readings))
	for i, rd := range parsed.Readings {
		alts[i] = describeReading(rd)
	}
	return fmt.Sprintf("%q reads as %s: a hyphen separates a team from its project and team groups use the same roles "+
		"(Admin, Member), and the app's other Statsig groups and the Statsig Console do not decide which. The provider "+
		"does not guess which Statsig project or team the group stands for. If it is the group you mean, use its id, "+
		"%s, for example as statsigokta_group_push.target_group_id.", parsed.Name, strings.Join(alts, ", or as "), id)
}

func describeReading(rd rolegroup.Reading) string {
	if rd.Team == "" {
		return fmt.Sprintf("project %q", rd.Project)
	}
	return fmt.Sprintf("project %q with team %q", rd.Project, rd.Team)
}

func knownProjects(readings []rolegroup.Reading) string {
	names := make([]string, len(readings))
	for i, rd := range readings {
		names[i] = fmt.Sprintf("%q", rd.Project)
	}
	if len(names) == 1 {
		return "the project " + names[0] + " exists"
	}
	return "the projects " + strings.Join(names, " and ") + " exist"
}
