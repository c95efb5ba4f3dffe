package provider

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// BenchmarkSetPlan runs what terraform plan asks of the provider for one
// statsigokta_user_assignments of n imported users, through the protocol
// server as Terraform calls it: ReadResource (the refresh), then
// PlanResourceChange, and reports the heap allocated per plan. The sizes are
// small because the cost is not linear: terraform-plugin-framework 1.19's
// plan modification of a map nested attribute copies the whole map for each
// element (internal/fwserver mapElemObject calls Elements() per key, for the
// config and the state). Profile it with -cpuprofile or -memprofile;
// internal/bench measures the real process under Terraform.
func BenchmarkSetPlan(b *testing.B) {
	for _, n := range []int{500, 1000, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchSetPlan(b, n) })
	}
}

func benchSetPlan(b *testing.B, n int) {
	ctx := context.Background()
	fx := &sandbox.Fixture{App: sandbox.FixtureApp{Label: "Statsig"}}
	for i := 0; i < n; i++ {
		login := fmt.Sprintf("user%05d@example.com", i)
		fx.Users = append(fx.Users, sandbox.FixtureUser{Login: login, FirstName: "User", LastName: fmt.Sprint(i)})
		fx.AppUsers = append(fx.AppUsers, sandbox.FixtureAppUser{Login: login, OrgRole: "Member"})
	}
	sb := sandbox.New(sandbox.Options{Fixture: fx, AppsRateLimitPerMinute: -1, OtherRateLimitPerMinute: -1})
	b.Cleanup(sb.Close)

	server, err := NewProtocol6Server("test")()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	providerType := schemas.Provider.ValueType()
	cfg := nullObject(providerType, map[string]tftypes.Value{
		"okta_org_url":    tftypes.NewValue(tftypes.String, sb.OktaURL()),
		"okta_api_token":  tftypes.NewValue(tftypes.String, sb.APIToken()),
		"app_id":          tftypes.NewValue(tftypes.String, sb.AppID()),
		"statsig_api_url": tftypes.NewValue(tftypes.String, sb.StatsigURL()),
	})
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dynamic(b, providerType, cfg)})
	if err != nil || diagsHaveError(resp.Diagnostics) {
		b.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}

	const typeName = "statsigokta_user_assignments"
	resType := schemas.ResourceSchemas[typeName].ValueType()
	resObj, _ := resType.(tftypes.Object)
	usersType, _ := resObj.AttributeTypes["users"].(tftypes.Map)
	userType := usersType.ElementType
	users := make(map[string]tftypes.Value, n)
	configured := make(map[string]tftypes.Value, n)
	for _, u := range fx.Users {
		users[u.Login] = nullObject(userType, map[string]tftypes.Value{
			"org_role": tftypes.NewValue(tftypes.String, "Member"),
			"user_id":  tftypes.NewValue(tftypes.String, mustUser(b, sb, u.Login)),
		})
		configured[u.Login] = nullObject(userType, nil)
	}
	mapType := tftypes.Map{ElementType: userType}
	// The state import and its refresh leave.
	state := nullObject(resType, map[string]tftypes.Value{
		"id":                    tftypes.NewValue(tftypes.String, sb.AppID()),
		"users":                 tftypes.NewValue(mapType, users),
		"max_unassignments":     tftypes.NewValue(tftypes.Number, 10),
		"wait_for_provisioning": tftypes.NewValue(tftypes.Bool, true),
		"planned_unassignments": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{}),
		"group_only_users":      tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{}),
		"group_only_count":      tftypes.NewValue(tftypes.Number, 0),
	})
	config := nullObject(resType, map[string]tftypes.Value{"users": tftypes.NewValue(mapType, configured)})
	stateDV, configDV := dynamic(b, resType, state), dynamic(b, resType, config)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: stateDV})
		if err != nil || diagsHaveError(read.Diagnostics) {
			b.Fatalf("read: %v %v", err, read.Diagnostics)
		}
		// Terraform proposes the refreshed state where config is null.
		plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName,
			PriorState: read.NewState, ProposedNewState: read.NewState, Config: configDV, PriorPrivate: read.Private})
		if err != nil || diagsHaveError(plan.Diagnostics) {
			b.Fatalf("plan: %v %v", err, plan.Diagnostics)
		}
		if len(plan.RequiresReplace) > 0 {
			b.Fatalf("plan replaces: %v", plan.RequiresReplace)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/1e6, "MB-alloc/op")
}

func nullObject(typ tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	obj, _ := typ.(tftypes.Object) // (a zero Object makes NewValue panic, which fails the benchmark)
	vals := make(map[string]tftypes.Value, len(obj.AttributeTypes))
	for name, t := range obj.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(t, nil)
		}
	}
	return tftypes.NewValue(typ, vals)
}

func dynamic(tb testing.TB, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		tb.Fatal(err)
	}
	return &dv
}

func diagsHaveError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func mustUser(tb testing.TB, sb *sandbox.Sandbox, login string) string {
	u, ok := sb.UserByLogin(login)
	if !ok {
		tb.Fatalf("no user %s", login)
	}
	return u.ID
}
