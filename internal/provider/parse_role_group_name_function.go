package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
)

var _ function.Function = (*parseRoleGroupNameFunction)(nil)

// NewParseRoleGroupNameFunction reads a Statsig group name into its parts.
func NewParseRoleGroupNameFunction() function.Function { return &parseRoleGroupNameFunction{} }

type parseRoleGroupNameFunction struct{}

var parsedRoleGroupAttrTypes = map[string]attr.Type{
	"project":   types.StringType,
	"role":      types.StringType,
	"team":      types.StringType,
	"ambiguous": types.BoolType,
}

func (f *parseRoleGroupNameFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_role_group_name"
}

func (f *parseRoleGroupNameFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Reads a Statsig group name into its project, role and team.",
		MarkdownDescription: "Reads a name such as `Statsig-Checkout-Admin` or `Statsig-Checkout-Growth-Member` into an " +
			"object with `project`, `role`, `team` (null for a project group) and `ambiguous`. The name is never split " +
			"on hyphens: after `Statsig-`, the longest known role suffix is the role (`Admin`, `Member`, `Read Only`, " +
			"`Owner`, or one of `roles`), and the rest is the project. Only `Admin` and `Member` exist for teams, so for " +
			"those roles a rest containing a hyphen could also be `<project>-<team>`: the function sees only the name, " +
			"so it fails for such a name rather than guess (`ambiguous` is always false). The " +
			"`statsigokta_role_group` data source decides such names from the app's other groups. Fails also for a " +
			"name that does not start with `Statsig-` or end with a known role. Needs Terraform 1.8 or OpenTofu 1.7.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "name",
				MarkdownDescription: "The group name, such as `Statsig-Web-App Platform-Read Only`.",
			},
			function.ListParameter{
				Name:           "roles",
				ElementType:    types.StringType,
				AllowNullValue: true,
				MarkdownDescription: "Custom Statsig role names to recognise besides the built-in ones; `[]` for none. " +
					"(`null` works on Terraform, but OpenTofu 1.12 does not pass null arguments to providers.)",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: parsedRoleGroupAttrTypes},
	}
}

func (f *parseRoleGroupNameFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var name string
	var roles []types.String
	resp.Error = req.Arguments.Get(ctx, &name, &roles)
	if resp.Error != nil {
		return
	}
	custom := make([]string, 0, len(roles))
	for i, r := range roles {
		if r.IsNull() {
			continue
		}
		if err := rolegroup.CheckPart("role", r.ValueString()); err != nil {
			resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("roles[%d]: %s", i, err))
			return
		}
		custom = append(custom, r.ValueString())
	}
	parsed, err := rolegroup.Parse(name, custom)
	if err != nil {
		text := err.Error()
		var unknown *rolegroup.UnknownRoleError
		if errors.As(err, &unknown) {
			text += " (pass custom roles in the second argument)"
		}
		resp.Error = function.NewArgumentFuncError(0, text)
		return
	}
	if parsed.Ambiguous {
		// Without the app's other groups nothing can decide; a guess could
		// name the wrong project.
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("%s (the function sees only the name; the "+
			"statsigokta_role_group data source decides from the app's other groups, or fails the same way)",
			ambiguousName(parsed, "shown by the statsigokta_role_groups data source")))
		return
	}
	result, diags := types.ObjectValue(parsedRoleGroupAttrTypes, map[string]attr.Value{
		"project":   types.StringValue(parsed.Project),
		"role":      types.StringValue(parsed.Role),
		"team":      stringOrNull(parsed.Team),
		"ambiguous": types.BoolValue(parsed.Ambiguous),
	})
	resp.Error = function.FuncErrorFromDiags(ctx, diags)
	if resp.Error == nil {
		resp.Error = resp.Result.Set(ctx, result)
	}
}
