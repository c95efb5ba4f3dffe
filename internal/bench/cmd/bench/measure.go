package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Page sizes of the list endpoints the refresh reads (okta-api.md).
const (
	pageAppUsers  = 500
	pageAppGroups = 200
	pageMappings  = 1000
)

// org is one generated organisation.
type org struct {
	n                 int
	userIDs           []string
	assignedGroups    []string // group ids
	pushSources       []string // group ids
	roleGroupsPerProj int
	fixture           *sandbox.Fixture
}

func userID(i int) string  { return fmt.Sprintf("00ubench%012d", i) }
func groupID(i int) string { return fmt.Sprintf("00gbench%012d", i) }

// newOrg builds N directly assigned users, N/100 assigned groups and N/25
// groups pushed to as many Statsig groups (three roles per project). Group
// members are drawn from the assigned users, so the app has exactly N users.
func newOrg(n int) *org {
	o := &org{n: n, roleGroupsPerProj: 3}
	fx := &sandbox.Fixture{App: sandbox.FixtureApp{Label: "Statsig"}}
	for i := 0; i < n; i++ {
		login := fmt.Sprintf("user%05d@example.com", i)
		fx.Users = append(fx.Users, sandbox.FixtureUser{ID: userID(i), Login: login,
			FirstName: "User", LastName: fmt.Sprintf("%05d", i)})
		fx.AppUsers = append(fx.AppUsers, sandbox.FixtureAppUser{Login: login, OrgRole: "Member"})
		o.userIDs = append(o.userIDs, userID(i))
	}
	member := func(k int) string { return fx.Users[k%n].Login }
	gid := 0
	for g := 0; g < n/100; g++ {
		name := fmt.Sprintf("Assigned %04d", g)
		fx.Groups = append(fx.Groups, sandbox.FixtureGroup{ID: groupID(gid), Name: name,
			Members: []string{member(7 * g), member(7*g + 1)}})
		fx.AppGroups = append(fx.AppGroups, sandbox.FixtureAppGroup{GroupName: name, Priority: g})
		o.assignedGroups = append(o.assignedGroups, groupID(gid))
		gid++
	}
	pushes := n / 25
	projects := (pushes + o.roleGroupsPerProj - 1) / o.roleGroupsPerProj
	roles := []string{"Admin", "Member", "Read Only"}
	for p := 0; p < projects; p++ {
		fx.Projects = append(fx.Projects, sandbox.FixtureProject{Name: fmt.Sprintf("Bench P%04d", p), Roles: roles})
	}
	for g := 0; g < pushes; g++ {
		name := fmt.Sprintf("Pushed %04d", g)
		fx.Groups = append(fx.Groups, sandbox.FixtureGroup{ID: groupID(gid), Name: name,
			Members: []string{member(11 * g), member(11*g + 3), member(11*g + 5)}})
		fx.PushMappings = append(fx.PushMappings, sandbox.FixturePushMapping{SourceGroupName: name,
			TargetGroupName: fmt.Sprintf("Statsig-Bench P%04d-%s", g/o.roleGroupsPerProj, roles[g%o.roleGroupsPerProj])})
		o.pushSources = append(o.pushSources, groupID(gid))
		gid++
	}
	o.fixture = fx
	return o
}

// config writes the configuration of what the fixture seeded.
func (o *org) config(mappingBySource map[string]sandbox.PushMapping) string {
	var b strings.Builder
	b.WriteString(configHeader + `
locals {
  user_ids = [
`)
	for _, id := range o.userIDs {
		fmt.Fprintf(&b, "    %q,\n", id)
	}
	b.WriteString("  ]\n  assigned_groups = [\n")
	for _, id := range o.assignedGroups {
		fmt.Fprintf(&b, "    %q,\n", id)
	}
	b.WriteString("  ]\n  push_sources = [\n")
	for _, src := range o.pushSources {
		fmt.Fprintf(&b, "    %q,\n", src)
	}
	b.WriteString("  ]\n  push_targets = [\n")
	for _, src := range o.pushSources {
		fmt.Fprintf(&b, "    %q,\n", mappingBySource[src].TargetGroupID)
	}
	// count rather than for_each: Terraform 1.5 evaluates a resource's
	// for_each again for each of its instances, which is quadratic in N.
	b.WriteString(`  ]
}

resource "statsigokta_user_assignment" "u" {
  count   = length(local.user_ids)
  user_id = local.user_ids[count.index]
}

resource "statsigokta_group_assignment" "g" {
  count    = length(local.assigned_groups)
  group_id = local.assigned_groups[count.index]
}

resource "statsigokta_group_push" "p" {
  count           = length(local.push_sources)
  source_group_id = local.push_sources[count.index]
  target_group_id = local.push_targets[count.index]
}
`)
	return b.String()
}

// row is one measured plan.
type row struct {
	n            int
	mode         string // "shared", "baseline", "no-refresh"
	paced        bool   // against the real apps bucket
	calls        map[string]int
	throttled    int
	wall         time.Duration
	peakRSS      int64 // kB
	lowerBound   int
	appUsers     int
	appGroups    int
	mappings     int
	statsigScim  int
	scimFloor    int // SCIM pages the review must read (review.go)
	planExitCode int
}

func (r row) oktaCalls() int {
	return r.calls["apps"] + r.calls["groups"] + r.calls["users"] + r.calls["other"]
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func measureSize(o options, n int, work, sandboxBin, provider, tfrc string) ([]row, error) {
	dir := filepath.Join(work, fmt.Sprintf("n%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fmt.Printf("==> N = %d: %d user assignments, %d group push links, %d group assignments\n", n, n, n/25, n/100)
	org := newOrg(n)
	sb, err := startWithFixture(o, sandboxBin, dir, org.fixture)
	if err != nil {
		return nil, err
	}
	defer sb.stop()

	var mappings []sandbox.PushMapping
	if err := sb.admin("GET", "/_sandbox/push-mappings", nil, &mappings); err != nil {
		return nil, err
	}
	bySource := map[string]sandbox.PushMapping{}
	for _, m := range mappings {
		bySource[m.SourceGroupID] = m
	}
	var appUsers []sandbox.AppUser
	if err := sb.admin("GET", "/_sandbox/app-users", nil, &appUsers); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(org.config(bySource)), 0o644); err != nil {
		return nil, err
	}

	env := sb.terraformEnv(o, tfrc, true)

	// Adopt everything: a state naming each seeded object, then a
	// refresh-only apply that reads them all in (with the buckets raised;
	// only the plans below are measured). Import blocks would do the same,
	// but Terraform 1.5 plans thousands of them slowly.
	schemas, err := providerSchemas(o, dir, env)
	if err != nil {
		return nil, err
	}
	state, err := org.state(schemas, bySource)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), state, 0o644); err != nil {
		return nil, err
	}
	unlimited := -1
	if err := sb.admin("POST", "/_sandbox/settings", sandbox.Settings{AppsRateLimitPerMinute: &unlimited,
		OtherRateLimitPerMinute: &unlimited}, nil); err != nil {
		return nil, err
	}
	start := time.Now()
	if _, err := terraform(o, dir, env, "apply", "-refresh-only", "-auto-approve", "-input=false", "-lock=false", "-parallelism=20"); err != nil {
		return nil, fmt.Errorf("adopting the fixture: %w", err)
	}
	fmt.Printf("    adopted %d resources (seeded state + refresh-only apply) in %s\n", n+n/25+n/100, time.Since(start).Round(100*time.Millisecond))

	base := row{n: n, appUsers: len(appUsers), appGroups: n / 100, mappings: len(mappings)}
	base.lowerBound = ceilDiv(base.appUsers, pageAppUsers) + ceilDiv(base.appGroups, pageAppGroups) + ceilDiv(base.mappings, pageMappings)

	var rows []row
	measure := func(mode string, paced bool, extraEnv []string, args ...string) error {
		rate := o.appsRate
		if !paced {
			rate = -1
		}
		settings := sandbox.Settings{AppsRateLimitPerMinute: &rate, OtherRateLimitPerMinute: ptr(600), ResetRateLimits: true}
		if err := sb.admin("POST", "/_sandbox/settings", settings, nil); err != nil {
			return err
		}
		if err := sb.admin("POST", "/_sandbox/requests/reset", nil, nil); err != nil {
			return err
		}
		r := base
		r.mode, r.paced = mode, paced
		mem := watchMemory(provider)
		start := time.Now()
		code, err := terraform(o, dir, append(append([]string(nil), env...), extraEnv...), append([]string{"plan", "-input=false",
			"-lock=false", "-detailed-exitcode", "-parallelism=" + strconv.Itoa(o.parallelism)}, args...)...)
		r.wall = time.Since(start)
		r.peakRSS = mem()
		r.planExitCode = code
		if err != nil {
			return err
		}
		if code != 0 {
			return fmt.Errorf("%s plan is not empty (exit code %d): see %s", mode, code, filepath.Join(dir, "terraform.log"))
		}
		var reqs []sandbox.Request
		if err := sb.admin("GET", "/_sandbox/requests", nil, &reqs); err != nil {
			return err
		}
		r.calls = map[string]int{}
		for _, q := range reqs {
			if q.Status == http.StatusTooManyRequests {
				r.throttled++
			}
			if q.Bucket == "oauth" {
				continue
			}
			r.calls[q.Bucket]++
		}
		r.statsigScim = r.calls["statsig-scim"]
		fmt.Printf("    %-10s okta calls %5d (apps %d, groups %d, users %d), statsig-scim %d, 429s %d, %s, provider peak %.1f MB\n",
			mode, r.oktaCalls(), r.calls["apps"], r.calls["groups"], r.calls["users"], r.statsigScim, r.throttled,
			r.wall.Round(100*time.Millisecond), float64(r.peakRSS)/1024)
		rows = append(rows, r)
		return nil
	}
	if err := measure("shared", true, nil); err != nil {
		return nil, err
	}
	if err := measure("no-refresh", true, nil, "-refresh=false"); err != nil {
		return nil, err
	}
	if o.baseline[n] {
		if err := measure("baseline", o.pacedBaseline[n], []string{"STATSIGOKTA_SHARED_READS=false"}); err != nil {
			return nil, err
		}
	}
	// The access review, alone in its own directory: measure runs in dir
	// and starts from base, so both are switched to the review's.
	if dir, base, err = org.reviewSetup(dir, base); err != nil {
		return nil, err
	}
	if err := measure("review", true, nil); err != nil {
		return nil, err
	}
	return rows, nil
}

func ptr[T any](v T) *T { return &v }

func dropEnv(env []string, keys ...string) []string {
	out := env[:0:0]
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, d := range keys {
			drop = drop || k == d
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// terraform runs the CLI in dir, appending its output to terraform.log, and
// returns the exit code (err only when it could not run, or failed with an
// exit code other than 2).
func terraform(o options, dir string, env []string, args ...string) (int, error) {
	logPath := filepath.Join(dir, "terraform.log")
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	defer log.Close()
	fmt.Fprintf(log, "\n$ terraform %s\n", strings.Join(args, " "))
	// An apply of 1,000 waiting assignments at the real bucket's 40 calls a
	// minute takes over half an hour (apply.go), its destroy as long.
	ctx, cancel := context.WithTimeout(o.ctx, 3*time.Hour)
	defer cancel()
	cmd := exec.CommandContext(ctx, o.terraform, append([]string{args[0], "-no-color"}, args[1:]...)...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, log, log
	err = cmd.Run()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		if ee.ExitCode() == 2 {
			return 2, nil
		}
		return ee.ExitCode(), fmt.Errorf("terraform %s failed (exit %d); see %s", args[0], ee.ExitCode(), logPath)
	}
	return 0, err
}

// watchMemory polls /proc for processes running the provider binary and
// returns a stop function giving the highest VmHWM (peak resident set, kB)
// any of them reached.
func watchMemory(binary string) (stop func() int64) {
	var mu sync.Mutex
	peak := int64(0)
	done := make(chan struct{})
	finished := make(chan struct{})
	sample := func() {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if _, err := strconv.Atoi(e.Name()); err != nil {
				continue
			}
			exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
			if err != nil || exe != binary {
				continue
			}
			if kb := vmHWM(filepath.Join("/proc", e.Name(), "status")); kb > 0 {
				mu.Lock()
				peak = max(peak, kb)
				mu.Unlock()
			}
		}
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() int64 {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

func vmHWM(statusPath string) int64 {
	f, err := os.Open(statusPath)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				kb, _ := strconv.ParseInt(fields[0], 10, 64)
				return kb
			}
		}
	}
	return 0
}
