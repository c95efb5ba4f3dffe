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
// Okta lets one API token or service app use only a share of each org bucket
// (TokenSharePercent, 50 by default). Whether X-Rate-Limit-Limit then
// reports the org bucket or the share is UNCONFIRMED, so unless told that it
// reports the share (RateLimitHeadersPerToken) the pacer also holds its use
// of the window to the share of the reported limit (less the headroom). Its
// use is bounded by what the window's answers show spent (limit - remaining,
// which under the org reading includes the org's other clients, and covers
// an earlier provider process of the same token) plus its requests in flight.
// Under either reading this never runs into a 429; under the per-token
// reading it uses only the share of the share, and other clients' use of the
// org bucket counts against this token's share.
//
// Okta also answers 429 beyond 75 requests in flight per org: with pacing on,
// the client keeps at most OrgMaxInFlight less the headroom (at least one
// left for the org's other clients) in flight, in every bucket.
//
// With nothing known of a bucket (its first request), one request goes and
// the others wait for its answer. Once a window has passed, the next one is
// assumed to be full until an answer says otherwise. A single wait is capped
// at MaxRateLimitWait; the request then goes and Okta's answer decides (a
// 429 is still retried as before). Waits of one window each may repeat: with
// many callers a request may find the next window spent as well.

// paceMargin is added to a wait for the window to reset: Reset has one-second
// resolution and the server may reset a moment after it said.
const paceMargin = 250 * time.Millisecond

// pace reserves one request in bucket, waiting as described above. The
// returned release must be called once the answer is in (after observe).
func (c *Client) pace(ctx context.Context, bucket string) (release func(), err error) {
	if !c.pacing {
		return func() {}, nil
	}
	done := func() {}
	if bucket != BucketOther {
		if done, err = c.paceBucket(ctx, bucket); err != nil {
			return nil, err
		}
	}
	select {
	case c.inFlight <- struct{}{}:
	case <-ctx.Done():
		done()
		return nil, fmt.Errorf("waiting for one of the %d requests in flight to finish: %w", cap(c.inFlight), ctx.Err())
	}
	return func() { done(); <-c.inFlight }, nil
}

// paceBucket reserves one request of bucket's window.
func (c *Client) paceBucket(ctx context.Context, bucket string) (release func(), err error) {
	r := c.rateLimits
	capped := false
	for {
		r.mu.Lock()
		st := r.stateLocked(bucket)
		now := c.now()
		wait, ok := c.paceDecideLocked(st, now, capped)
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

		capped = wait > c.maxRateLimitWait
		wait = min(wait, c.maxRateLimitWait)
		tflog.Debug(ctx, "Pacing Okta requests: waiting for the rate-limit window to reset", map[string]any{
			"bucket":           bucket,
			"wait":             wait.String(),
			"remaining":        remaining,
			"limit":            limit,
			"headroom_percent": c.headroomPercent,
		})
		if err := c.sleepUntil(ctx, now.Add(wait)); err != nil {
			return nil, fmt.Errorf("waiting for the %s rate-limit window to reset: %w", bucket, err)
		}
	}
}

// paceDecideLocked says whether a request may go now; if not, wait is how long
// to sleep before deciding again (0: until the bucket's state changes). After
// a wait capped at MaxRateLimitWait (capped), the request goes.
func (c *Client) paceDecideLocked(st *rateLimitState, now time.Time, capped bool) (wait time.Duration, ok bool) {
	switch {
	case st.headerless:
		return 0, true
	case !st.known:
		// Nothing known yet: one request finds out, the others wait for it.
		return 0, st.inflight == 0
	case capped:
		return 0, true
	}
	if !now.Before(st.resetLocal) {
		// The window has passed: Okta starts the next one full. Its Reset is
		// not known until an answer arrives; assume a minute.
		st.remaining = st.limit
		st.passed, st.reset = st.reset, time.Time{}
		st.resetLocal = now.Add(time.Minute)
	}
	if st.remaining-st.inflight > c.reserve(st.limit) && st.usedLocked() < c.ownShare(st.limit) {
		return 0, true
	}
	return st.resetLocal.Sub(now) + paceMargin + c.jitter(paceMargin), false
}

// reserve is how many requests of a window pacing leaves unused: the
// headroom, rounded up, but never the whole limit.
func (c *Client) reserve(limit int) int {
	n := (limit*c.headroomPercent + 99) / 100
	return max(0, min(n, limit-1))
}

// ownShare is how many requests of a window this token may send: all of the
// reported limit when it is the token's share already (the headroom check on
// Remaining applies then); otherwise the share of it less its headroom.
func (c *Client) ownShare(limit int) int {
	if c.headersPerToken || c.sharePercent >= 100 {
		return limit
	}
	share := limit * c.sharePercent / 100
	return max(1, share-c.reserve(share))
}

// maxInFlight is how many requests pacing lets be in flight at once: Okta's
// org limit less the headroom, and less one for the org's other clients.
func (c *Client) maxInFlight() int {
	return max(1, OrgMaxInFlight-max(1, c.reserve(OrgMaxInFlight)))
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
