package okta

import (
	"context"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// When a connection is reset after Okta read a GET, Go's HTTP transport
// replays the request on a new connection with the same headers, so the same
// DPoP proof reaches Okta twice and is refused as a replayed jti (401
// invalid_dpop_proof). The client must then sign a new proof and try again,
// not fail the call.
func TestSandboxDPoPProofReplayedAfterReset(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{Faults: sandbox.Faults{Seed: 9, RateReset: 0.3}})
	e.sb.SetDPoPRequired(true)
	c := e.client(t, Config{ClientID: e.sb.ClientID(), PrivateKey: e.sb.PrivateKeyPEM(), PrivateKeyID: e.sb.PrivateKeyID()})
	c.maxRetries = 10
	ctx := context.Background()
	for i := 0; i < 40; i++ {
		if _, err := c.GetApplication(ctx, e.sb.AppID()); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if _, err := c.ListGroups(ctx, ListGroupsOptions{}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := e.sb.CountRequests(func(r sandbox.Request) bool { return r.Fault == "reset" }); n == 0 {
		t.Fatal("no connection was reset")
	}
}
