package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
)

// The pacer is tested against the sandbox's X-Rate-Limit-* headers, with
// the sandbox's clock driven by the client's waits.

// pacedClient is a sandbox client with pacing on. Its waits move the clock to
// the end of the wait (never back), so parallel waiters wake together as they
// would in real time, instead of each adding a minute.
// It may use the whole bucket (TokenSharePercent 100), as the sandboxes of
// the tests that use it allow; pacedClientWith sets the rest of the Config.
func (e *sandboxEnv) pacedClient(t *testing.T, headroom int) *Client {
	t.Helper()
	return e.pacedClientWith(t, Config{RateLimitHeadroomPercent: headroom, TokenSharePercent: 100})
}

func (e *sandboxEnv) pacedClientWith(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.APIToken, cfg.Pacing = e.sb.APIToken(), true
	c := e.client(t, cfg)
	c.sleep = func(ctx context.Context, d time.Duration) error {
		e.mu.Lock()
		e.waits = append(e.waits, d)
		e.mu.Unlock()
		e.clock.AdvanceTo(e.clock.Now().Add(d))
		return ctx.Err()
	}
	// Pacing waits for the end of a window: parallel waiters that decided at
	// the same moment wake together, as in real time.
	c.sleepUntil = func(ctx context.Context, t time.Time) error {
		e.mu.Lock()
		e.waits = append(e.waits, t.Sub(e.clock.Now()))
		e.mu.Unlock()
		e.clock.AdvanceTo(t)
		return ctx.Err()
	}
	return c
}

func (c *fakeClock) AdvanceTo(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	c.mu.Unlock()
}

// perWindow replays the sandbox's fixed windows (60 s from the first request
// of a window) over the recorded requests of the apps bucket and returns the
// number of requests in each.
func perWindow(sb *sandbox.Sandbox) []int {
	var times []time.Time
	for _, r := range sb.Requests() {
		if r.Bucket == "apps" {
			times = append(times, r.Time)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	var counts []int
	var start time.Time
	for _, t := range times {
		if len(counts) == 0 || !t.Before(start.Add(time.Minute)) {
			start = t
			counts = append(counts, 0)
		}
		counts[len(counts)-1]++
	}
	return counts
}

func count429(sb *sandbox.Sandbox) int {
	return sb.CountRequests(func(r sandbox.Request) bool { return r.Status == http.StatusTooManyRequests })
}

func TestPacerKeepsHeadroom(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{AppsRateLimitPerMinute: 10, TokenSharePercent: 100})
	c := e.pacedClient(t, 20) // 20% of 10: 2 requests a window stay free
	ctx := context.Background()
	for i := 0; i < 30; i++ {
		if _, err := c.GetApplication(ctx, e.sb.AppID()); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := count429(e.sb); n != 0 {
		t.Fatalf("429s = %d, want 0", n)
	}
	if got := perWindow(e.sb); len(got) != 4 || got[0] != 8 || got[1] != 8 || got[2] != 8 || got[3] != 6 {
		t.Fatalf("requests per window = %v, want [8 8 8 6]", got)
	}
	if len(e.waits) != 3 {
		t.Fatalf("waits = %v, want 3", e.waits)
	}
	for _, w := range e.waits {
		// The clock only moves when the client waits: each wait is a full
		// window (Reset has one-second resolution) plus the margin.
		if w < 60*time.Second || w > 62*time.Second {
			t.Fatalf("wait = %v", w)
		}
	}
	// The other buckets are paced on their own: the groups bucket is fresh.
	if _, err := c.ListGroups(ctx, ListGroupsOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(e.waits) != 3 {
		t.Fatalf("groups call waited: %v", e.waits)
	}
}

func TestPacerNoHeadroomUsesWholeWindow(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{AppsRateLimitPerMinute: 5, TokenSharePercent: 100})
	c := e.pacedClient(t, 0)
	for i := 0; i < 12; i++ {
		if _, err := c.GetApplication(context.Background(), e.sb.AppID()); err != nil {
			t.Fatal(err)
		}
	}
	if got := perWindow(e.sb); len(got) != 3 || got[0] != 5 || got[1] != 5 || got[2] != 2 {
		t.Fatalf("requests per window = %v, want [5 5 2]", got)
	}
	if n := count429(e.sb); n != 0 {
		t.Fatalf("429s = %d", n)
	}
}

// Ten parallel callers, as under Terraform's default -parallelism, share the
// window through the pacer's local accounting: none of them overshoots it.
func TestPacerParallelCallers(t *testing.T) {
	fx := sandbox.DefaultFixture()
	e := newSandboxEnv(t, sandbox.Options{Fixture: fx, AppsRateLimitPerMinute: 20, TokenSharePercent: 100})
	c := e.pacedClient(t, 25) // 5 of 20 stay free
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := 0; w < 10; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 6; i++ {
				if _, err := c.ListAppUsers(ctx, e.sb.AppID(), ListAppUsersOptions{}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := count429(e.sb); n != 0 {
		t.Fatalf("429s = %d, want 0", n)
	}
	total := 0
	for _, n := range perWindow(e.sb) {
		if n > 15 {
			t.Fatalf("requests per window = %v: more than limit - headroom (15)", perWindow(e.sb))
		}
		total += n
	}
	if total != 60 {
		t.Fatalf("requests = %d, want 60", total)
	}
}

// With nothing known of a bucket, one request goes first and the others wait
// for its answer (it may show the bucket nearly spent by other clients).
func TestPacerFirstRequestProbes(t *testing.T) {
	var mu sync.Mutex
	var events []string
	inflight := 0
	c, _, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inflight++
		events = append(events, "start"+strconv.Itoa(inflight))
		mu.Unlock()
		time.Sleep(30 * time.Millisecond)
		mu.Lock()
		inflight--
		events = append(events, "end")
		mu.Unlock()
		w.Header().Set("X-Rate-Limit-Limit", "100")
		w.Header().Set("X-Rate-Limit-Remaining", "90")
		w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10))
		w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
		writeJSON(w, 200, map[string]any{"id": "0oa1"})
	})
	c.pacing, c.headroomPercent = true, 20
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.GetApplication(context.Background(), "0oa1"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(events) != 10 || events[0] != "start1" || events[1] != "end" {
		t.Fatalf("events = %v: the first request should finish before the others start", events)
	}
	concurrent := false
	for _, ev := range events {
		concurrent = concurrent || ev == "start2"
	}
	if !concurrent {
		t.Fatalf("events = %v: after the first answer the others should go in parallel", events)
	}
}

func TestPacerHonoursContext(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{AppsRateLimitPerMinute: 5, TokenSharePercent: 100})
	c := e.pacedClient(t, 20) // 4 a window
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		if _, err := c.GetApplication(ctx, e.sb.AppID()); err != nil {
			t.Fatal(err)
		}
	}
	c.sleepUntil = func(ctx context.Context, _ time.Time) error { return apiclient.Sleep(ctx, time.Minute) } // a real wait
	ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetApplication(ctx, e.sb.AppID())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("returned after %v", time.Since(start))
	}
	if n := e.sb.CountRequests(nil); n != 4 {
		t.Fatalf("requests = %d, want 4 (the fifth must not be sent)", n)
	}
}

// A 429 (another client spent the bucket) is still retried after the reset,
// and the pacer does not wait a second time on top of the retry's wait.
func TestPacerAfter429(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{AppsRateLimitPerMinute: 10, TokenSharePercent: 100})
	c := e.pacedClient(t, 20)
	ctx := context.Background()
	if _, err := c.GetApplication(ctx, e.sb.AppID()); err != nil {
		t.Fatal(err)
	}
	// Someone else spends the rest of the window.
	other := e.ssws(t)
	for i := 0; i < 9; i++ {
		if _, err := other.GetApplication(ctx, e.sb.AppID()); err != nil {
			t.Fatal(err)
		}
	}
	e.waits = nil
	if _, err := c.GetApplication(ctx, e.sb.AppID()); err != nil {
		t.Fatal(err)
	}
	if n := count429(e.sb); n != 1 {
		t.Fatalf("429s = %d, want 1", n)
	}
	if len(e.waits) != 1 {
		t.Fatalf("waits = %v, want the retry's wait only", e.waits)
	}
}

func TestRateLimitsObserveOrdering(t *testing.T) {
	r := newRateLimits()
	now := time.Unix(1_900_000_000, 0)
	h := func(remaining int, reset time.Time) http.Header {
		return http.Header{
			"X-Rate-Limit-Limit":     {"100"},
			"X-Rate-Limit-Remaining": {strconv.Itoa(remaining)},
			"X-Rate-Limit-Reset":     {strconv.FormatInt(reset.Unix(), 10)},
			"Date":                   {now.UTC().Format(http.TimeFormat)},
		}
	}
	w1, w2 := now.Add(30*time.Second), now.Add(90*time.Second)
	r.observe(BucketApps, h(50, w1), now)
	r.observe(BucketApps, h(52, w1), now) // answered late: 50 stands
	if st, _ := r.get(BucketApps); st.remaining != 50 {
		t.Fatalf("remaining = %d, want 50", st.remaining)
	}
	r.observe(BucketApps, h(99, w2), now) // next window
	r.observe(BucketApps, h(3, w1), now)  // a late answer from the window before
	st, _ := r.get(BucketApps)
	if st.remaining != 99 || !st.reset.Equal(w2) {
		t.Fatalf("state = %+v, want 99 until %v", st, w2)
	}
	// Reset is read on the server's clock (Date) and moved to the local one.
	skewed := now.Add(-time.Hour)
	r.observe(BucketGroups, h(10, w1), skewed)
	if st, _ := r.get(BucketGroups); !st.resetLocal.Equal(skewed.Add(30 * time.Second)) {
		t.Fatalf("resetLocal = %v, want %v", st.resetLocal, skewed.Add(30*time.Second))
	}
}

func TestPacerReserve(t *testing.T) {
	for _, tc := range []struct{ limit, headroom, want int }{
		{100, 20, 20}, {100, 0, 0}, {10, 25, 3}, {3, 20, 1}, {1, 50, 0}, {600, 90, 540},
	} {
		c := &Client{headroomPercent: tc.headroom}
		if got := c.reserve(tc.limit); got != tc.want {
			t.Errorf("reserve(%d) at %d%% = %d, want %d", tc.limit, tc.headroom, got, tc.want)
		}
	}
}

// Okta lets a token use only its share (default half) of a bucket, and what
// X-Rate-Limit-Limit then reports is UNCONFIRMED: under either reading, with
// the client's defaults, sequential and many parallel callers meet no 429.
func TestPacerTokenShare(t *testing.T) {
	for _, report := range []string{sandbox.ReportOrgBucket, sandbox.ReportTokenShare} {
		for _, callers := range []int{1, 10, 40} {
			t.Run(fmt.Sprintf("%s/%d callers", report, callers), func(t *testing.T) {
				e := newSandboxEnv(t, sandbox.Options{AppsRateLimitPerMinute: 40, RateLimitReport: report})
				c := e.pacedClientWith(t, Config{RateLimitHeadroomPercent: 10}) // the provider's defaults
				var wg sync.WaitGroup
				errs := make(chan error, callers)
				for w := 0; w < callers; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; i < 60/callers; i++ {
							if _, err := c.GetApplication(context.Background(), e.sb.AppID()); err != nil {
								errs <- err
								return
							}
						}
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
				if n := count429(e.sb); n != 0 {
					t.Fatalf("429s = %d, want 0 (windows %v)", n, perWindow(e.sb))
				}
				windows := perWindow(e.sb)
				for _, n := range windows {
					if n > 20 {
						t.Fatalf("requests per window = %v: more than the token's share (20)", windows)
					}
				}
				// Under the org reading the share is counted locally: 20 less
				// the headroom (2). (Parallel waiters move the test clock while
				// others are still sending, so only one caller fills windows.)
				if report == sandbox.ReportOrgBucket && callers == 1 && fmt.Sprint(windows) != "[18 18 18 6]" {
					t.Fatalf("requests per window = %v, want [18 18 18 6]", windows)
				}
			})
		}
	}
}

// Told that the headers report the token's share, the pacer uses all of it.
func TestPacerHeadersPerToken(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{AppsRateLimitPerMinute: 40, RateLimitReport: sandbox.ReportTokenShare})
	c := e.pacedClientWith(t, Config{RateLimitHeadersPerToken: true})
	for i := 0; i < 50; i++ {
		if _, err := c.GetApplication(context.Background(), e.sb.AppID()); err != nil {
			t.Fatal(err)
		}
	}
	if got := perWindow(e.sb); count429(e.sb) != 0 || got[0] != 20 || got[1] != 20 {
		t.Fatalf("429s = %d, requests per window = %v, want [20 20 10]", count429(e.sb), got)
	}
}

// More parallel callers than Okta allows in flight (75 per org) never meet
// the concurrency 429: the client keeps at most maxInFlight going.
func TestPacerConcurrencyLimit(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{AppsRateLimitPerMinute: -1, OtherRateLimitPerMinute: -1, Latency: 300 * time.Millisecond})
	c := e.pacedClientWith(t, Config{RateLimitHeadroomPercent: 10})
	if got := c.maxInFlight(); got != 67 {
		t.Fatalf("maxInFlight = %d, want 75 less 10%% (8)", got)
	}
	var wg sync.WaitGroup
	for w := 0; w < 120; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.GetApplication(context.Background(), e.sb.AppID()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := count429(e.sb); n != 0 {
		t.Fatalf("429s = %d, want 0", n)
	}
	if n := e.sb.CountRequests(nil); n != 120 {
		t.Fatalf("requests = %d, want 120", n)
	}
	// Without pacing the same burst meets the limit: the test can fail.
	e.sb.ResetRequests()
	raw := e.ssws(t)
	for w := 0; w < 120; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = raw.GetApplication(context.Background(), e.sb.AppID())
		}()
	}
	wg.Wait()
	if n := e.sb.CountRequests(func(r sandbox.Request) bool { return r.RateLimited == "concurrency" }); n == 0 {
		t.Fatal("an unpaced burst of 120 met no concurrency 429")
	}
}

func TestPacerOwnShare(t *testing.T) {
	for _, tc := range []struct {
		limit, share, headroom int
		perToken               bool
		want                   int
	}{
		{100, 50, 10, false, 45}, {100, 50, 0, false, 50}, {100, 100, 10, false, 100},
		{50, 50, 10, true, 50}, {2, 50, 0, false, 1}, {1, 50, 20, false, 1},
	} {
		c := &Client{sharePercent: tc.share, headroomPercent: tc.headroom, headersPerToken: tc.perToken}
		if got := c.ownShare(tc.limit); got != tc.want {
			t.Errorf("ownShare(%d) at %d%% share, %d%% headroom, per token %v = %d, want %d",
				tc.limit, tc.share, tc.headroom, tc.perToken, got, tc.want)
		}
	}
}

// A second provider process with the same token in the same window (plan,
// then apply) starts with no count of its own: the window's answers bound it.
func TestPacerTokenShareAcrossProcesses(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{AppsRateLimitPerMinute: 40})
	for _, calls := range []int{15, 15} {
		c := e.pacedClientWith(t, Config{RateLimitHeadroomPercent: 10})
		for i := 0; i < calls; i++ {
			if _, err := c.GetApplication(context.Background(), e.sb.AppID()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := perWindow(e.sb); count429(e.sb) != 0 || fmt.Sprint(got) != "[18 12]" {
		t.Fatalf("429s = %d, requests per window = %v, want 0 and [18 12]", count429(e.sb), got)
	}
}
