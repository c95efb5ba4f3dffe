package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Apply and destroy rows: `terraform apply` of N user assignments (with
// wait_for_provisioning = true), N/25 group push links and N/100 group
// assignments into an empty app, then `terraform destroy`, each with shared
// reads and with shared_reads = false, each mode in its own sandbox.
//
// The floor is one write per object (a push link's destroy is two: Okta
// deletes only an INACTIVE mapping) plus the list pages the walks read: an
// apply's plan and apply walks list the (empty) app users, group
// assignments and mappings once each; a destroy's refresh lists them as
// they are.
//
// Pacing: shared rows always run against the real apps bucket (100 a
// minute, the token's 50 % share, as -apps-rate-limit says), since their
// calls depend on timing (how many creates each provisioning round serves).
// Baseline rows at the sizes of -paced-baseline do too; the others (marked
// *) run with the bucket raised: their calls are one per read, so the count
// is the same at any pace, and a 429 there would not be real either.

// Target of the issue: apply and destroy of N = 1,000 within 1.05 x floor.
const (
	lifecycleTargetSize  = 1000
	lifecycleTargetRatio = 1.05
)

type lifecycleRow struct {
	n          int
	phase      string // "apply", "destroy"
	mode       string // "shared", "baseline"
	paced      bool
	calls      map[string]int
	writes     int // apps-bucket writes recorded
	throttled  int
	wall       time.Duration
	peakRSS    int64
	floor      int
	provDelay  time.Duration
	targetMiss bool
}

func (r lifecycleRow) ratio() float64 { return float64(r.calls["apps"]) / float64(r.floor) }

func measureLifecycles(o options, work, sandboxBin, provider, tfrc string) ([]lifecycleRow, error) {
	var rows []lifecycleRow
	for _, n := range o.applySizes {
		for _, mode := range []string{"shared", "baseline"} {
			r, err := measureLifecycle(o, n, mode, work, sandboxBin, provider, tfrc)
			if err != nil {
				return nil, fmt.Errorf("apply N = %d (%s): %w", n, mode, err)
			}
			rows = append(rows, r...)
		}
	}
	return rows, nil
}

// emptyOrg is newOrg's organisation with nothing assigned or pushed yet.
func emptyOrg(n int) *org {
	o := newOrg(n)
	o.fixture.AppUsers, o.fixture.AppGroups, o.fixture.PushMappings = nil, nil, nil
	return o
}

func measureLifecycle(o options, n int, mode, work, sandboxBin, provider, tfrc string) ([]lifecycleRow, error) {
	dir := filepath.Join(work, fmt.Sprintf("apply-n%d-%s", n, mode))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fmt.Printf("==> apply and destroy, N = %d, %s\n", n, mode)
	org := emptyOrg(n)
	sb, err := startWithFixture(o, sandboxBin, dir, org.fixture)
	if err != nil {
		return nil, err
	}
	defer sb.stop()

	targets, err := roleGroupIDs(o, sb)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(org.applyConfig(targets)), 0o644); err != nil {
		return nil, err
	}
	env := sb.terraformEnv(o, tfrc, true)
	if mode == "baseline" {
		env = append(env, "STATSIGOKTA_SHARED_READS=false")
	}
	paced := mode == "shared" || o.pacedBaseline[n]

	pushes, groups := n/25, n/100
	var rows []lifecycleRow
	for _, phase := range []string{"apply", "destroy"} {
		rate := o.appsRate
		if !paced {
			rate = -1
		}
		share := 50
		settings := sandbox.Settings{AppsRateLimitPerMinute: &rate, OtherRateLimitPerMinute: ptr(600),
			TokenSharePercent: &share, ProvisioningDelay: ptr(o.provisioningDelay.String()), ResetRateLimits: true}
		if err := sb.admin("POST", "/_sandbox/settings", settings, nil); err != nil {
			return nil, err
		}
		if err := sb.admin("POST", "/_sandbox/requests/reset", nil, nil); err != nil {
			return nil, err
		}
		r := lifecycleRow{n: n, phase: phase, mode: mode, paced: paced, provDelay: o.provisioningDelay}
		// List pages: an apply lists the empty lists in its plan and in its
		// apply walk; a destroy's refresh lists what the apply made.
		if phase == "apply" {
			r.floor = n + groups + pushes + 2*3
		} else {
			r.floor = n + groups + 2*pushes + ceilDiv(n, pageAppUsers) + ceilDiv(max(groups, 1), pageAppGroups) + ceilDiv(max(pushes, 1), pageMappings)
		}
		mem := watchMemory(provider)
		start := time.Now()
		_, err := terraform(o, dir, env, phase, "-auto-approve", "-input=false", "-lock=false", "-parallelism="+strconv.Itoa(o.parallelism))
		r.wall, r.peakRSS = time.Since(start), mem()
		if err != nil {
			return nil, err
		}
		var reqs []sandbox.Request
		if err := sb.admin("GET", "/_sandbox/requests", nil, &reqs); err != nil {
			return nil, err
		}
		r.calls = map[string]int{}
		for _, q := range reqs {
			if q.Status == http.StatusTooManyRequests {
				r.throttled++
			}
			if q.Bucket == "apps" && q.Method != http.MethodGet {
				r.writes++
			}
			r.calls[q.Bucket]++
		}
		r.targetMiss = (paced && r.throttled > 0) || (mode == "shared" && n == lifecycleTargetSize && r.ratio() > lifecycleTargetRatio)
		fmt.Printf("    %-7s apps %5d (writes %d, floor %d, %.2fx), groups %d, users %d, SCIM %d, 429s %d, %s, provider peak %.1f MB\n",
			phase, r.calls["apps"], r.writes, r.floor, r.ratio(), r.calls["groups"], r.calls["users"], r.calls["statsig-scim"],
			r.throttled, r.wall.Round(100*time.Millisecond), float64(r.peakRSS)/1024)
		rows = append(rows, r)
	}
	return rows, nil
}

// roleGroupIDs reads the ids of the app's Statsig groups by name, before
// the measured runs (the request log is reset after).
func roleGroupIDs(o options, sb *sandboxProc) (map[string]string, error) {
	c, err := okta.NewClient(okta.Config{OrgURL: sb.env["OKTA_ORG_URL"], APIToken: sb.env["OKTA_API_TOKEN"]})
	if err != nil {
		return nil, err
	}
	groups, err := c.ListGroups(o.ctx, okta.ListGroupsOptions{Search: `profile.name sw "Statsig-"`})
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for _, g := range groups {
		ids[g.Profile.Name] = g.ID
	}
	return ids, nil
}

// applyConfig is config for an empty app. Group assignments depend on the
// user assignments, so that a destroy unassigns the users first (Okta
// refuses to unassign a user whom an assigned group still grants access,
// and Delete would wait that out with repeated calls).
func (o *org) applyConfig(targets map[string]string) string {
	bySource := map[string]sandbox.PushMapping{}
	roles := []string{"Admin", "Member", "Read Only"}
	for g, src := range o.pushSources {
		name := fmt.Sprintf("Statsig-Bench P%04d-%s", g/o.roleGroupsPerProj, roles[g%o.roleGroupsPerProj])
		bySource[src] = sandbox.PushMapping{SourceGroupID: src, TargetGroupID: targets[name]}
	}
	cfg := o.config(bySource)
	cfg = strings.Replace(cfg, "  user_id = local.user_ids[count.index]\n",
		"  user_id = local.user_ids[count.index]\n\n  wait_for_provisioning = true\n", 1)
	cfg = strings.Replace(cfg, "  group_id = local.assigned_groups[count.index]\n",
		"  group_id = local.assigned_groups[count.index]\n\n  depends_on = [statsigokta_user_assignment.u]\n", 1)
	return cfg
}

func printLifecycle(w io.Writer, o options, rows []lifecycleRow) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\nterraform apply, then destroy, of N user assignments (wait_for_provisioning = true, provisioning takes %s) + N/25\n"+
		"group push links + N/100 group assignments into an empty app; apps bucket %d/min, token share 50 %%,\n"+
		"rate_limit_headroom_percent = %d, -parallelism=%d\n\n", o.provisioningDelay, o.appsRate, o.headroomPercent, o.parallelism)
	table := [][]string{{"N", "phase", "reads", "apps", "writes", "groups", "users", "SCIM", "429s", "wall", "provider peak", "floor", "apps/floor"}}
	for _, r := range rows {
		m := r.mode
		if !r.paced {
			m += "*"
		}
		table = append(table, []string{strconv.Itoa(r.n), r.phase, m, strconv.Itoa(r.calls["apps"]), strconv.Itoa(r.writes),
			strconv.Itoa(r.calls["groups"]), strconv.Itoa(r.calls["users"]), strconv.Itoa(r.calls["statsig-scim"]),
			strconv.Itoa(r.throttled), r.wall.Round(100 * time.Millisecond).String(),
			fmt.Sprintf("%.1f MB", float64(r.peakRSS)/1024), strconv.Itoa(r.floor), fmt.Sprintf("%.2f", r.ratio())})
	}
	printTable(w, table)
	fmt.Fprintln(w, "\nApply/destroy targets (N = 1,000, shared reads)")
	measured := false
	for _, r := range rows {
		if r.mode != "shared" || r.n != lifecycleTargetSize {
			continue
		}
		measured = true
		verdict := "ok  "
		if r.targetMiss {
			verdict = "MISS"
		}
		fmt.Fprintf(w, "  %s %s: apps calls %d <= %.2f x floor %d (%.2fx), 429s %d (want 0)\n",
			verdict, r.phase, r.calls["apps"], lifecycleTargetRatio, r.floor, r.ratio(), r.throttled)
	}
	if !measured {
		fmt.Fprintln(w, "  not measured: run with -apply-sizes including 1000")
	}
}

func lifecycleTargetsMet(rows []lifecycleRow) bool {
	for _, r := range rows {
		if r.targetMiss {
			return false
		}
	}
	return true
}
