package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// ModifyPlan-level safety cases of statsigokta_group_push: the CLI harness
// cannot see plan warnings, nor choose the order Terraform plans instances in.

// Invariant 7: dave, unassigned, is a member of the pushed group and of
// another group whose assignment this plan makes, so he will be assigned
// after the apply and the warning must not name him.
func TestSafety_pushWarningCountsOtherPlannedGroups(t *testing.T) {
	f := pushFixture()
	f.Groups = append(f.Groups, sandbox.FixtureGroup{Name: "Backend", Members: []string{"dave@example.com"}})
	sb := newTestSandbox(t, sandbox.Options{Fixture: f})
	r := &groupPushResource{data: &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}}
	if err := r.data.declared.claim(declaredGroup, groupID(t, sb, "Backend"), "group_id = Backend"); err != nil {
		t.Fatal(err)
	}
	diags := modifyPlanForCreate(t, r, map[string]tftypes.Value{
		"source_group_id": tftypes.NewValue(tftypes.String, groupID(t, sb, "Engineering")),
		"project":         tftypes.NewValue(tftypes.String, "Checkout"),
		"role":            tftypes.NewValue(tftypes.String, "Member"),
	})
	if len(diags) != 0 {
		t.Fatalf("dave is assigned through Backend in this plan; want no diagnostics, got %v", diags)
	}
}

// Invariant 1 and 2, a move: the link of Engineering to Checkout-Member is
// destroyed and Data Science linked there instead, in one plan. Terraform
// plans the two in no set order; here the create is planned first and the
// destroy a moment later, and the create must see the target freed.
func TestSafety_pushMoveTargetEitherOrder(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng, science, target := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science"), groupID(t, sb, "Statsig-Checkout-Member")
	old := sb.CreatePushMappingOutOfBand(eng, target, "ACTIVE")
	r := &groupPushResource{data: &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}}
	go func() {
		time.Sleep(500 * time.Millisecond)
		// What the destroy's ModifyPlan records.
		r.data.rememberPlannedMapping(byTarget, target, old)
		_ = r.data.declared.destroying(declaredPushSource, eng, "source_group_id = Engineering")
	}()
	diags := modifyPlanForCreate(t, r, map[string]tftypes.Value{
		"source_group_id": tftypes.NewValue(tftypes.String, science),
		"project":         tftypes.NewValue(tftypes.String, "Checkout"),
		"role":            tftypes.NewValue(tftypes.String, "Member"),
	})
	if diags.HasError() {
		t.Fatalf("the move is refused when the create is planned first: %v", diags)
	}

	// The apply walk plans the create again but not the destroy, which runs
	// alongside: the old link goes during the wait.
	walk := &groupPushResource{data: &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}}
	go func() {
		time.Sleep(time.Second)
		c := testOktaClient(t, sb)
		if _, err := c.UpdateGroupPushMappingStatus(context.Background(), sb.AppID(), old, "INACTIVE"); err != nil {
			t.Error(err)
		}
		if err := c.DeleteGroupPushMapping(context.Background(), sb.AppID(), old, false); err != nil {
			t.Error(err)
		}
	}()
	diags = modifyPlanForCreate(t, walk, map[string]tftypes.Value{
		"source_group_id": tftypes.NewValue(tftypes.String, science),
		"project":         tftypes.NewValue(tftypes.String, "Checkout"),
		"role":            tftypes.NewValue(tftypes.String, "Member"),
	})
	if diags.HasError() {
		t.Fatalf("the apply's plan of the create is refused while the old link is being deleted: %v", diags)
	}
	writes := pushWrites(sb) // the delete's two
	sb.CreatePushMappingOutOfBand(eng, target, "ACTIVE")

	// A link nobody in the plan destroys still refuses, after the wait.
	walk = &groupPushResource{data: &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}}
	diags = modifyPlanForCreate(t, walk, map[string]tftypes.Value{
		"source_group_id": tftypes.NewValue(tftypes.String, science),
		"project":         tftypes.NewValue(tftypes.String, "Checkout"),
		"role":            tftypes.NewValue(tftypes.String, "Member"),
	})
	if !diags.HasError() || !strings.Contains(diags[0].Summary(), "Statsig group already linked") {
		t.Fatalf("want the already-linked refusal, got %v", diags)
	}
	if n := pushWrites(sb); n != writes {
		t.Fatalf("plans made %d push writes", n-writes)
	}
}

// Invariant 7, in either order: the link of Engineering (carol, dave) is
// planned before the plan of the assignment in state that gives dave the app,
// which comes a moment later. Destroyed, directly or as the only group that
// grants it, dave is named; kept, he is not.
func TestSafety_pushWarningWaitsForDestroyInState(t *testing.T) {
	for _, tc := range []struct {
		name      string
		direct    bool // dave is assigned directly, else through Backend
		destroyed bool
		wantNamed bool
	}{
		{name: "direct assignment destroyed", direct: true, destroyed: true, wantNamed: true},
		{name: "direct assignment kept", direct: true},
		{name: "granting group assignment destroyed", destroyed: true, wantNamed: true},
		{name: "granting group assignment kept"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := pushFixture()
			f.Groups = append(f.Groups, sandbox.FixtureGroup{Name: "Backend", Members: []string{"dave@example.com"}})
			sb := newTestSandbox(t, sandbox.Options{Fixture: f})
			r := &groupPushResource{data: &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}}
			kind, id := declaredUser, userID(t, sb, "dave@example.com")
			if tc.direct {
				sb.AssignUserOutOfBand(id, "USER")
			} else {
				kind, id = declaredGroup, groupID(t, sb, "Backend")
				sb.AssignGroupOutOfBand(id, 0)
			}
			r.data.declared.heldInState(kind, id)
			go func() {
				time.Sleep(500 * time.Millisecond)
				if tc.destroyed {
					_ = r.data.declared.destroying(kind, id, "dave's")
				} else {
					_ = r.data.declared.claim(kind, id, "dave's")
				}
			}()
			diags := modifyPlanForCreate(t, r, map[string]tftypes.Value{
				"source_group_id": tftypes.NewValue(tftypes.String, groupID(t, sb, "Engineering")),
				"project":         tftypes.NewValue(tftypes.String, "Checkout"),
				"role":            tftypes.NewValue(tftypes.String, "Member"),
			})
			named := len(diags) == 1 && strings.Contains(diags[0].Detail(), "Not assigned: dave@example.com.")
			if named != tc.wantNamed || (!tc.wantNamed && len(diags) != 0) {
				t.Fatalf("want dave named: %v; got %v", tc.wantNamed, diags)
			}
		})
	}
}
