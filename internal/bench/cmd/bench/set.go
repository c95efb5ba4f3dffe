package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Rows for statsigokta_user_assignments: one resource holding N direct
// assignments, imported by app id (zero writes), then one measured plan. The
// single-resource rows of the same run (-sizes) are the comparison.

// setRow is one measured plan of the set.
type setRow struct {
	n          int
	calls      map[string]int
	throttled  int
	wall       time.Duration
	peakRSS    int64 // kB
	stateBytes int64
	floor      int // pages of the app's user listing
	exitCode   int
}

func (r setRow) oktaCalls() int {
	return r.calls["apps"] + r.calls["groups"] + r.calls["users"] + r.calls["other"]
}

func setConfigFile(logins []string) string {
	var b strings.Builder
	b.WriteString(configHeader + `
resource "statsigokta_user_assignments" "all" {
  users = {
`)
	for _, l := range logins {
		fmt.Fprintf(&b, "    %q = {}\n", l)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

func measureSet(o options, n int, work, sandboxBin, provider, tfrc string) (setRow, error) {
	r := setRow{n: n, floor: ceilDiv(n, pageAppUsers)}
	dir := filepath.Join(work, fmt.Sprintf("set%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return r, err
	}
	fmt.Printf("==> set of N = %d direct assignments in one statsigokta_user_assignments\n", n)
	fx := &sandbox.Fixture{App: sandbox.FixtureApp{Label: "Statsig"}}
	logins := make([]string, n)
	for i := 0; i < n; i++ {
		logins[i] = fmt.Sprintf("user%05d@example.com", i)
		fx.Users = append(fx.Users, sandbox.FixtureUser{ID: userID(i), Login: logins[i], FirstName: "User", LastName: fmt.Sprintf("%05d", i)})
		fx.AppUsers = append(fx.AppUsers, sandbox.FixtureAppUser{Login: logins[i], OrgRole: "Member"})
	}
	sb, err := startWithFixture(o, sandboxBin, dir, fx)
	if err != nil {
		return r, err
	}
	defer sb.stop()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(setConfigFile(logins)), 0o644); err != nil {
		return r, err
	}
	env := sb.terraformEnv(o, tfrc, false)

	unlimited := -1
	if err := sb.admin("POST", "/_sandbox/settings", sandbox.Settings{AppsRateLimitPerMinute: &unlimited,
		OtherRateLimitPerMinute: &unlimited}, nil); err != nil {
		return r, err
	}
	start := time.Now()
	if _, err := terraform(o, dir, env, "import", "-input=false", "-lock=false", "statsigokta_user_assignments.all", sb.env["OKTA_APP_ID"]); err != nil {
		return r, fmt.Errorf("importing the set: %w", err)
	}
	fmt.Printf("    imported %d users in %s\n", n, time.Since(start).Round(100*time.Millisecond))
	if fi, err := os.Stat(filepath.Join(dir, "terraform.tfstate")); err == nil {
		r.stateBytes = fi.Size()
	}

	rate := o.appsRate
	if err := sb.admin("POST", "/_sandbox/settings", sandbox.Settings{AppsRateLimitPerMinute: &rate,
		OtherRateLimitPerMinute: ptr(600), ResetRateLimits: true}, nil); err != nil {
		return r, err
	}
	if err := sb.admin("POST", "/_sandbox/requests/reset", nil, nil); err != nil {
		return r, err
	}
	mem := watchMemory(provider)
	start = time.Now()
	code, err := terraform(o, dir, env, "plan", "-input=false", "-lock=false", "-detailed-exitcode")
	r.wall, r.peakRSS, r.exitCode = time.Since(start), mem(), code
	if err != nil {
		return r, err
	}
	if code != 0 {
		return r, fmt.Errorf("set plan is not empty (exit code %d): see %s", code, filepath.Join(dir, "terraform.log"))
	}
	var reqs []sandbox.Request
	if err := sb.admin("GET", "/_sandbox/requests", nil, &reqs); err != nil {
		return r, err
	}
	r.calls = map[string]int{}
	for _, q := range reqs {
		if q.Status == http.StatusTooManyRequests {
			r.throttled++
		}
		if q.Bucket != "oauth" {
			r.calls[q.Bucket]++
		}
	}
	fmt.Printf("    set        okta calls %5d (floor %d), 429s %d, %s, provider peak %.1f MB, state %.1f MB\n",
		r.oktaCalls(), r.floor, r.throttled, r.wall.Round(100*time.Millisecond), float64(r.peakRSS)/1024, float64(r.stateBytes)/1e6)
	return r, nil
}

// printSetReport prints the set rows against the shared-reads plan of the
// single resources of the same run, with the targets.
func printSetReport(w io.Writer, rows []row, sets []setRow) {
	if len(sets) == 0 {
		return
	}
	fmt.Fprintf(w, "\nterraform plan of one statsigokta_user_assignments of N users (imported; no refresh of other resources)\n")
	table := [][]string{{"N", "Okta calls", "floor", "calls/floor", "429s", "wall", "provider peak", "state"}}
	for _, s := range sets {
		table = append(table, []string{fmt.Sprint(s.n), fmt.Sprint(s.oktaCalls()), fmt.Sprint(s.floor),
			fmt.Sprintf("%.2f", float64(s.oktaCalls())/float64(s.floor)), fmt.Sprint(s.throttled), fmtDuration(s.wall),
			fmt.Sprintf("%.1f MB", float64(s.peakRSS)/1024), fmt.Sprintf("%.1f MB", float64(s.stateBytes)/1e6)})
	}
	printTable(w, table)
	fmt.Fprintln(w, "\nTargets of the set (the floor excludes the app check)")
	for _, t := range setTargets(rows, sets) {
		mark := "ok  "
		if !t.ok {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s %s\n", mark, t.text)
	}
}

// Targets of the set (issue 14).
const (
	setTargetRatio = 1.1
	setTargetSize  = 50000 // a set this large must plan faster than targetSizeBase single resources
)

// setTargets checks each measured set against the call, 429 and memory
// targets, and a set of setTargetSize or more against the plan of
// targetSizeBase single resources of the same run (-sizes), which must be
// measured for the comparison.
func setTargets(rows []row, sets []setRow) []target {
	var single *row
	for i := range rows {
		if rows[i].mode == "shared" && rows[i].n == targetSizeBase {
			single = &rows[i]
		}
	}
	var out []target
	for _, s := range sets {
		ratio := float64(s.oktaCalls()) / float64(s.floor)
		out = append(out,
			target{fmt.Sprintf("set of %d: Okta calls %d <= %.1f x floor %d (%.2fx)", s.n, s.oktaCalls(), setTargetRatio, s.floor, ratio), ratio <= setTargetRatio},
			target{fmt.Sprintf("set of %d: 429s %d (want 0)", s.n, s.throttled), s.throttled == 0},
			target{fmt.Sprintf("set of %d: provider peak memory %.1f MB < %d MB", s.n, float64(s.peakRSS)/1024, targetMemMB),
				s.peakRSS > 0 && s.peakRSS < targetMemMB*1024})
		switch {
		case s.n < setTargetSize:
		case single == nil:
			out = append(out, target{fmt.Sprintf("set of %d: the plan of %d single resources is not measured (add %d to -sizes)",
				s.n, targetSizeBase, targetSizeBase), false})
		default:
			out = append(out, target{fmt.Sprintf("set of %d: plan %s < %d single resources %s", s.n, fmtDuration(s.wall),
				targetSizeBase, fmtDuration(single.wall)), s.wall < single.wall})
		}
	}
	return out
}

func setTargetsMet(rows []row, sets []setRow) bool {
	for _, t := range setTargets(rows, sets) {
		if !t.ok {
			return false
		}
	}
	return true
}
