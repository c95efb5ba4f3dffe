package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Targets (from the issue).
const (
	targetRatio     = 1.2
	targetSizeLarge = 5000
	targetMemMB     = 200
	targetReduction = 100
	targetSizeBase  = 1000
)

func mode(r row) string {
	switch r.mode {
	case "no-refresh":
		return "-refresh=false"
	case "baseline":
		if !r.paced {
			return "baseline*"
		}
	}
	return r.mode
}

func printReport(w io.Writer, o options, rows []row, total time.Duration) {
	fmt.Fprintf(w, "terraform plan of N user assignments + N/25 group push links + N/100 group assignments\n")
	fmt.Fprintf(w, "sandbox: %s latency per request, /api/v1/apps/* bucket %d calls/min, groups and users buckets 600/min;\n",
		o.latency, o.appsRate)
	fmt.Fprintf(w, "provider: rate_limit_headroom_percent = %d, terraform -parallelism=%d, statsig_scim_token set\n\n",
		o.headroomPercent, o.parallelism)

	header := []string{"N", "reads", "Okta calls", "apps", "groups", "users", "SCIM calls", "429s", "wall", "provider peak", "lower bound", "calls/bound", "vs baseline"}
	table := [][]string{header}
	shared := map[int]row{}
	for _, r := range rows {
		if r.mode == "shared" {
			shared[r.n] = r
		}
	}
	for _, r := range rows {
		vs := ""
		if r.mode == "baseline" {
			if s, ok := shared[r.n]; ok && s.oktaCalls() > 0 {
				vs = fmt.Sprintf("%.0fx more", float64(r.oktaCalls())/float64(s.oktaCalls()))
			}
		}
		table = append(table, []string{
			fmt.Sprint(r.n), mode(r), fmt.Sprint(r.oktaCalls()), fmt.Sprint(r.calls["apps"]), fmt.Sprint(r.calls["groups"]),
			fmt.Sprint(r.calls["users"]), fmt.Sprint(r.statsigScim), fmt.Sprint(r.throttled), fmtDuration(r.wall),
			fmt.Sprintf("%.1f MB", float64(r.peakRSS)/1024), fmt.Sprint(r.lowerBound),
			fmt.Sprintf("%.2f", float64(r.oktaCalls())/float64(r.lowerBound)), vs,
		})
	}
	printTable(w, table)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Okta calls: every Okta request of the plan (all buckets), including the one GET /api/v1/apps/{id} per")
	fmt.Fprintln(w, "  command that checks app_id. SCIM calls go to Statsig (its own limits) and are not counted in them.")
	fmt.Fprintln(w, "lower bound: one call per page of each list the refresh needs, ceil(app users/500) +")
	fmt.Fprintln(w, "  ceil(app groups/200) + ceil(group push mappings/1000); the app GET is not part of it.")
	fmt.Fprintln(w, "review: a plan of data \"statsigokta_access_review\" alone; its lower bound adds one call per page of")
	fmt.Fprintln(w, "  each assigned and pushed group's members, the pushed groups' names and the app's Statsig groups.")
	fmt.Fprintln(w, "baseline: the same plan with shared_reads = false (one GET per resource, one SCIM search per user).")
	for _, r := range rows {
		if r.mode == "baseline" && !r.paced {
			fmt.Fprintln(w, "baseline*: run with the apps bucket raised (unlimited), so calls are counted without waiting out")
			fmt.Fprintf(w, "  the bucket; at %d calls/min less %d%% headroom it would take about %s.\n", o.appsRate,
				o.headroomPercent, estimate(r.oktaCalls(), o))
			break
		}
	}
	fmt.Fprintln(w, "provider peak: highest VmHWM of the terraform-provider-statsigokta processes during the plan.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Targets")
	for _, t := range targets(rows) {
		status := "ok  "
		if !t.ok {
			status = "FAIL"
		}
		fmt.Fprintf(w, "  %s %s\n", status, t.text)
	}
	fmt.Fprintf(w, "\ntotal bench time %s\n", fmtDuration(total))
}

func estimate(calls int, o options) string {
	perMin := o.appsRate - (o.appsRate*o.headroomPercent+99)/100
	if perMin <= 0 {
		return "forever"
	}
	return fmt.Sprintf("%d min", ceilDiv(calls, perMin))
}

type target struct {
	text string
	ok   bool
}

func targets(rows []row) []target {
	var out []target
	find := func(n int, mode string) (row, bool) {
		for _, r := range rows {
			if r.n == n && r.mode == mode {
				return r, true
			}
		}
		return row{}, false
	}
	if r, ok := find(targetSizeLarge, "shared"); ok {
		ratio := float64(r.oktaCalls()) / float64(r.lowerBound)
		out = append(out,
			target{fmt.Sprintf("N=%d: Okta calls %d <= %.1f x lower bound %d (%.2fx)", r.n, r.oktaCalls(), targetRatio, r.lowerBound, ratio), ratio <= targetRatio},
			target{fmt.Sprintf("N=%d: 429s met: %d (want 0)", r.n, r.throttled), r.throttled == 0},
			target{fmt.Sprintf("N=%d: provider peak memory %.1f MB < %d MB", r.n, float64(r.peakRSS)/1024, targetMemMB), r.peakRSS > 0 && r.peakRSS < targetMemMB*1024},
		)
	} else {
		out = append(out, target{fmt.Sprintf("N=%d not measured", targetSizeLarge), false})
	}
	s, ok1 := find(targetSizeBase, "shared")
	b, ok2 := find(targetSizeBase, "baseline")
	if ok1 && ok2 && s.oktaCalls() > 0 {
		red := float64(b.oktaCalls()) / float64(s.oktaCalls())
		out = append(out, target{fmt.Sprintf("N=%d: calls fall %.0fx against the per-resource baseline (%d -> %d), want >= %dx",
			targetSizeBase, red, b.oktaCalls(), s.oktaCalls(), targetReduction), red >= targetReduction})
	} else {
		out = append(out, target{fmt.Sprintf("N=%d shared and baseline not both measured", targetSizeBase), false})
	}
	var counts []string
	zero := true
	for _, r := range rows {
		if r.mode == "no-refresh" {
			counts = append(counts, fmt.Sprintf("N=%d: %d", r.n, r.oktaCalls()+r.statsigScim))
			zero = zero && r.oktaCalls()+r.statsigScim == 0
		}
	}
	out = append(out, target{"plan -refresh=false makes no calls (" + strings.Join(counts, ", ") + ")", zero && len(counts) > 0})
	out = append(out, reviewTargets(rows)...)
	for _, r := range rows {
		if r.mode != "no-refresh" && r.paced && r.throttled > 0 {
			out = append(out, target{fmt.Sprintf("N=%d %s: %d 429s against the real bucket", r.n, r.mode, r.throttled), false})
		}
	}
	return out
}

func targetsMet(rows []row) bool {
	for _, t := range targets(rows) {
		if !t.ok {
			return false
		}
	}
	return true
}

func fmtDuration(d time.Duration) string {
	if d >= time.Minute {
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

func printTable(w io.Writer, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			if i == 1 || i == len(r)-1 {
				b.WriteString(c + strings.Repeat(" ", widths[i]-len(c)))
			} else {
				b.WriteString(strings.Repeat(" ", widths[i]-len(c)) + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
