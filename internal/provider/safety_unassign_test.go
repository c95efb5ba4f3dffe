package provider

import (
	"context"
	"testing"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// A group keeps erin assigned for longer than Delete waits, and the last
// attempt is still in flight when the wait ends: unassign must return
// Okta's E0000046 (which Delete turns into an error naming the groups), not
// the wait's own deadline.
func TestSafety_unassignLastAttemptKeepsTheRefusal(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Latency: 400 * time.Millisecond})
	r := &userAssignmentResource{data: &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}}
	erin, science := userID(t, sb, "erin@example.com"), groupID(t, sb, "Data Science")
	sb.AssignGroupOutOfBand(science, 0)
	sb.AssignUserOutOfBand(erin, "USER")
	// Attempts at 0 s and 0.9 s (0.4 s each, 0.5 s apart): the wait ends
	// at 1.1 s, during the second.
	err := r.unassign(context.Background(), erin, 1100*time.Millisecond)
	if !okta.HasErrorCode(err, "E0000046") {
		t.Fatalf("unassign = %v; want Okta's E0000046, which names the reason", err)
	}
	if _, ok := sb.AppUser(erin); !ok {
		t.Fatal("erin was unassigned though the group keeps her")
	}
}
