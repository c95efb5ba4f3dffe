package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func parsedOutput(project, team, role string, ambiguous bool) knownvalue.Check {
	var teamCheck knownvalue.Check = knownvalue.Null()
	if team != "" {
		teamCheck = knownvalue.StringExact(team)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"project":   knownvalue.StringExact(project),
		"team":      teamCheck,
		"role":      knownvalue.StringExact(role),
		"ambiguous": knownvalue.Bool(ambiguous),
	})
}

func TestAccParseRoleGroupNameFunction(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   functionVersions,
		Steps: []resource.TestStep{
			{
				Config: `
output "hyphenated_project" {
  value = provider::statsigokta::parse_role_group_name("Statsig-Web-App Platform-Read Only", [])
}
output "custom_role" {
  value = provider::statsigokta::parse_role_group_name("Statsig-Data Platform-Analyst", ["Analyst"])
}
output "round_trip" {
  value = provider::statsigokta::parse_role_group_name(provider::statsigokta::role_group_name("Checkout", "Owner"), []).project
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("hyphenated_project", parsedOutput("Web-App Platform", "", "Read Only", false)),
					statecheck.ExpectKnownOutputValue("custom_role", parsedOutput("Data Platform", "", "Analyst", false)),
					statecheck.ExpectKnownOutputValue("round_trip", knownvalue.StringExact("Checkout")),
				},
			},
			{
				// Alone, the function cannot tell a team from a hyphenated
				// project, so it refuses to guess.
				Config:      `output "x" { value = provider::statsigokta::parse_role_group_name("Statsig-Checkout-Growth-Member", []) }`,
				ExpectError: regexp.MustCompile(`(?s)reads\s+as\s+project\s+"Checkout-Growth",\s+or\s+as\s+project\s+"Checkout"\s+with\s+team\s+"Growth"`),
			},
			{
				Config:      `output "x" { value = provider::statsigokta::parse_role_group_name("Engineering", []) }`,
				ExpectError: regexp.MustCompile(`must\s+start\s+with\s+"Statsig-"`),
			},
			{
				Config:      `output "x" { value = provider::statsigokta::parse_role_group_name("Statsig-Checkout-Analyst", []) }`,
				ExpectError: regexp.MustCompile(`(?s)if\s+"Analyst"\s+is\s+a\s+custom\s+Statsig\s+role.*second\s+argument`),
			},
		},
	})
}

func TestParseRoleGroupNameFunctionRun(t *testing.T) {
	roles := func(rs ...string) attr.Value {
		vals := make([]attr.Value, len(rs))
		for i, r := range rs {
			vals[i] = types.StringValue(r)
		}
		return types.ListValueMust(types.StringType, vals)
	}
	// roles = null works on Terraform; OpenTofu 1.12 drops null arguments before
	// they reach the provider, so the acceptance test passes [] instead.
	got, err := runFunction(t, NewParseRoleGroupNameFunction(), types.StringValue("Statsig-Checkout-Member"), types.ListNull(types.StringType))
	if err != nil {
		t.Fatal(err)
	}
	want := types.ObjectValueMust(parsedRoleGroupAttrTypes, map[string]attr.Value{
		"project": types.StringValue("Checkout"), "team": types.StringNull(),
		"role": types.StringValue("Member"), "ambiguous": types.BoolValue(false),
	})
	if !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// A team role after a hyphenated rest reads two ways: refused, not guessed.
	_, err = runFunction(t, NewParseRoleGroupNameFunction(), types.StringValue("Statsig-Checkout-Growth-Member"), types.ListNull(types.StringType))
	if err == nil || *err.FunctionArgument != 0 || !strings.Contains(err.Text, `project "Checkout" with team "Growth"`) {
		t.Errorf("an ambiguous name must fail on argument 0, showing both readings: %v", err)
	}
	got, err = runFunction(t, NewParseRoleGroupNameFunction(), types.StringValue("Statsig-Data Platform-Analyst"), roles("Analyst"))
	if err != nil || !strings.Contains(got.String(), `"role":"Analyst"`) {
		t.Errorf("custom role: %v, %v", got, err)
	}
	_, err = runFunction(t, NewParseRoleGroupNameFunction(), types.StringValue("Statsig-Checkout-Admin"), roles(" Analyst"))
	if err == nil || *err.FunctionArgument != 1 || !strings.Contains(err.Text, "roles[0]") {
		t.Errorf("a bad custom role must fail on argument 1: %v", err)
	}
	_, err = runFunction(t, NewParseRoleGroupNameFunction(), types.StringValue("Engineering"), roles())
	if err == nil || *err.FunctionArgument != 0 {
		t.Errorf("a name without the prefix must fail on argument 0: %v", err)
	}
}
