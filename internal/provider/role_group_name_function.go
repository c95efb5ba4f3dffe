package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
)

var _ function.Function = (*roleGroupNameFunction)(nil)

// NewRoleGroupNameFunction builds the name of a Statsig project role group.
func NewRoleGroupNameFunction() function.Function { return &roleGroupNameFunction{} }

type roleGroupNameFunction struct{}

func (f *roleGroupNameFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "role_group_name"
}

func (f *roleGroupNameFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Builds the name of the Statsig group of a project role.",
		MarkdownDescription: "Returns `Statsig-<project>-<role>`, the name Statsig gives the group of a project role " +
			"in Okta, such as `Statsig-Checkout-Admin`. Names are used exactly as given, spaces and hyphens included; " +
			"empty names and names that start or end with spaces are refused. Needs Terraform 1.8 or OpenTofu 1.7.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "project",
				MarkdownDescription: "The Statsig project name, exactly as in the Statsig Console.",
			},
			function.StringParameter{
				Name:                "role",
				MarkdownDescription: "The Statsig role: `Admin`, `Member`, `Read Only`, `Owner` or a custom role.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *roleGroupNameFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var project, role string
	resp.Error = req.Arguments.Get(ctx, &project, &role)
	if resp.Error != nil {
		return
	}
	if err := rolegroup.CheckPart("project", project); err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	if err := rolegroup.CheckPart("role", role); err != nil {
		resp.Error = function.NewArgumentFuncError(1, err.Error())
		return
	}
	name, _ := rolegroup.Name(project, role)
	resp.Error = resp.Result.Set(ctx, name)
}
