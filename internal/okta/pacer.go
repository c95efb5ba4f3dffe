package okta

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Pacing. Okta counts requests per bucket in windows (a minute on the
// management API) and reports the state of the window on every answer:
// X-Rate-Limit-Limit, -Remaining and -Reset. The pacer keeps, per bucket:
//
//   - what the latest answer said (ratelimit.go, observe), and
//   - how many requests it let go whose answers are not in yet (inflight).
//
// Before each attempt it reserves one request: it goes at once while
// remaining - inflight stays above the headroom (headroomPercent of the
// limit, rounded up, kept free for the org's other API clients); otherwise it
// waits until the window resets. The reservation is made under the lock, so
// ten parallel callers cannot all spend the last requests before the window.
//
// With nothing known of a bucket (its first request), one request goes and
// the others wait for its answer. Once a window has passed, the next one is
// assumed to be full until an answer says otherwise. A single wait is capped
// at MaxRateLimitWait; the request then goes and Okta's answer decides (a
// 429 is still retried as before).

// paceMargin is added to a wait for the window to reset: Reset has one-second
// resolution and the server may reset a moment after it said.
const paceMargin = 250 * time.Millisecond

// pace reserves one request in bucket, waiting as described above. The
// returned release must be called once the answer is in (after observe).
func (c *Client) pace(ctx context.Context, bucket string) (release func(), err error) {
	if !c.pacing || bucket == BucketOther {
		return func() {}, nil
	}
	r := c.rateLimits
	var waited time.Duration
	for {
		r.mu.Lock()
		st := r.stateLocked(bucket)
		now := c.now()
		wait, ok := c.paceDecideLocked(st, now, waited)
		if ok {
			st.inflight++
			r.mu.Unlock()
			return func() { r.release(bucket) }, nil
		}
		if wait == 0 {
			// Waiting for the first answer of this bucket.
			ch := r.changed
			r.mu.Unlock()
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("waiting for the first answer of the %s rate-limit bucket: %w", bucket, ctx.Err())
			case <-ch:
			}
			continue
		}
		remaining, limit := st.remaining, st.limit
		r.mu.Unlock()

		tflog.Debug(ctx, "Pacing Okta requests: waiting for the rate-limit window to reset", map[string]any{
			"bucket":           bucket,
			"wait":             wait.String(),
			"remaining":        remaining,
			"limit":            limit,
			"headroom_percent": c.headroomPercent,
		})
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("waiting for the %s rate-limit window to reset: %w", bucket, err)
		}
		waited += wait
	}
}

// paceDecideLocked says whether a request may go now; if not, wait is how long
// to sleep before deciding again (0: until the bucket's state changes).
func (c *Client) paceDecideLocked(st *rateLimitState, now time.Time, waited time.Duration) (wait time.Duration, ok bool) {
	switch {
	case st.headerless:
		return 0, true
	case !st.known:
		// Nothing known yet: one request finds out, the others wait for it.
		return 0, st.inflight == 0
	case waited >= c.maxRateLimitWait:
		return 0, true
	}
	if !now.Before(st.resetLocal) {
		// The window has passed: Okta starts the next one full. Its Reset is
		// not known until an answer arrives; assume a minute.
		st.remaining = st.limit
		st.reset = time.Time{}
		st.resetLocal = now.Add(time.Minute)
	}
	if st.remaining-st.inflight > c.reserve(st.limit) {
		return 0, true
	}
	wait = st.resetLocal.Sub(now) + paceMargin + c.jitter(paceMargin)
	return min(wait, c.maxRateLimitWait-waited), false
}

// reserve is how many requests of a window pacing leaves unused: the
// headroom, rounded up, but never the whole limit.
func (c *Client) reserve(limit int) int {
	n := (limit*c.headroomPercent + 99) / 100
	return max(0, min(n, limit-1))
}

func (r *rateLimits) release(bucket string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.stateLocked(bucket)
	if st.inflight > 0 {
		st.inflight--
	}
	r.broadcastLocked()
}
