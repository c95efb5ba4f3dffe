package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// An apply of 200 assignments that wait for provisioning costs one POST per
// user plus list pages: no existence GET before a create (the walk's listing
// answered it), no GET per user while waiting (the shared poller reads the
// list once a round for every waiting create).
//
// The floor is 200 POSTs, and per walk (plan and apply) one GET of the app
// (the app_id check) and one page of the empty app user list. The rest are
// the poller's rounds: each reads one page (the app has at most 200 users)
// and serves every create then waiting, up to Terraform's 10 at a time, so
// 200/10 = 20 rounds is what the apply needs at best; the tolerance allows
// twice that (the gap between rounds doubles while Okta is still
// provisioning, and a round can come before the tenth create of a batch is
// in): 40 pages, 1.2 x the floor.
func TestAccApplyFloor_twoHundredAssignments(t *testing.T) {
	t.Parallel()
	const n = 200
	sb := newTestSandbox(t, sandbox.Options{
		Fixture:                 sandbox.GenerateFixture(n, 0),
		AppsRateLimitPerMinute:  -1,
		OtherRateLimitPerMinute: -1,
		ProvisioningDelay:       time.Second,
	})
	var ids []string
	for i := 0; i < n; i++ {
		ids = append(ids, fmt.Sprintf("%q", userID(t, sb, fmt.Sprintf("user%05d@example.com", i))))
	}
	config := providerConfig(sb) + fmt.Sprintf(`
locals {
  user_ids = [%s]
}

resource "statsigokta_user_assignment" "u" {
  count                 = length(local.user_ids)
  user_id               = local.user_ids[count.index]
  wait_for_provisioning = true
}
`, strings.Join(ids, ", "))
	floor := n + 2*2
	const roundsAllowed = 2 * n / 10

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: sb.ResetRequests,
			Config:    config,
			Check: func(*terraform.State) error {
				reqs := sb.Requests()
				keys := make([]string, 0, n)
				for _, id := range ids {
					keys = append(keys, "app user "+strings.Trim(id, `"`))
				}
				expectOneCreatePerObject(t, reqs, keys...)
				base := "/api/v1/apps/" + sb.AppID()
				apps, lists, perUser := 0, 0, 0
				for _, r := range reqs {
					if r.Bucket != "apps" {
						continue
					}
					apps++
					switch {
					case r.Method == http.MethodGet && r.Path == base+"/users":
						lists++
					case r.Method == http.MethodGet && strings.HasPrefix(r.Path, base+"/users/"):
						perUser++
					}
				}
				t.Logf("apps calls %d (floor %d, %.2fx): %d list pages, %d GETs of one app user", apps, floor,
					float64(apps)/float64(floor), lists, perUser)
				if perUser != 0 || apps > floor+roundsAllowed || apps < floor {
					return fmt.Errorf("apply of %d assignments made %d apps calls (%d list pages, %d GETs of one app user); "+
						"want %d..%d and no GET of one app user:\n%s", n, apps, lists, perUser, floor, floor+roundsAllowed, describeCalls(sb))
				}
				for _, au := range sb.AppUsers() {
					if au.SyncState != "SYNCHRONIZED" {
						return fmt.Errorf("user %s: syncState %s after the wait", au.UserID, au.SyncState)
					}
				}
				return nil
			},
		}},
	})
}
