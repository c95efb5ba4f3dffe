package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Provider functions need Terraform 1.8 or OpenTofu 1.7; on older CLIs these
// tests skip, and the Run tests below still cover the implementation.
var functionVersions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

func TestAccRoleGroupNameFunction(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   functionVersions,
		Steps: []resource.TestStep{
			{
				Config: `
output "project" {
  value = provider::statsigokta::role_group_name("Web-App Platform", "Read Only")
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("project", knownvalue.StringExact("Statsig-Web-App Platform-Read Only")),
				},
			},
			{
				Config:      `output "x" { value = provider::statsigokta::role_group_name(" Checkout", "Admin") }`,
				ExpectError: regexp.MustCompile(`project " Checkout" must\s+not\s+start\s+or\s+end\s+with\s+spaces`),
			},
			{
				Config:      `output "x" { value = provider::statsigokta::role_group_name("Checkout", "") }`,
				ExpectError: regexp.MustCompile(`role\s+must\s+not\s+be\s+empty`),
			},
		},
	})
}

func TestRoleGroupNameFunctionRun(t *testing.T) {
	for _, tc := range []struct {
		project, role, want, wantErr string
		errArg                       int64
	}{
		{project: "Checkout", role: "Admin", want: "Statsig-Checkout-Admin"},
		{project: "Web-App Platform", role: "Read Only", want: "Statsig-Web-App Platform-Read Only"},
		{project: "", role: "Admin", wantErr: "project must not be empty", errArg: 0},
		{project: "Checkout", role: "Admin ", wantErr: "must not start or end with spaces", errArg: 1},
	} {
		got, err := runFunction(t, NewRoleGroupNameFunction(), types.StringValue(tc.project), types.StringValue(tc.role))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Text, tc.wantErr) || err.FunctionArgument == nil || *err.FunctionArgument != tc.errArg {
				t.Errorf("role_group_name(%q, %q) error = %v, want %q on argument %d", tc.project, tc.role, err, tc.wantErr, tc.errArg)
			}
			continue
		}
		if err != nil || !got.Equal(types.StringValue(tc.want)) {
			t.Errorf("role_group_name(%q, %q) = %v, %v; want %q", tc.project, tc.role, got, err, tc.want)
		}
	}
}

// runFunction calls a provider function's Run as Terraform would.
func runFunction(t *testing.T, f function.Function, args ...attr.Value) (attr.Value, *function.FuncError) {
	t.Helper()
	ctx := context.Background()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	result, funcErr := def.Definition.Return.NewResultData(ctx)
	if funcErr != nil {
		t.Fatal(funcErr)
	}
	resp := function.RunResponse{Result: result}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(args)}, &resp)
	return resp.Result.Value(), resp.Error
}
