package okta

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate-limit buckets tracked by RateLimitRemaining. Okta counts all of
// /api/v1/apps/* (users, groups, group push) against one bucket, which is the
// one that runs out first for this provider.
const (
	BucketApps   = "apps"
	BucketGroups = "groups"
	BucketUsers  = "users"
	BucketOther  = "other"
)

func bucketFor(path string) string {
	i := strings.Index(path, "/api/v1/")
	if i < 0 {
		return BucketOther
	}
	rest := path[i+len("/api/v1/"):]
	switch {
	case rest == "apps" || strings.HasPrefix(rest, "apps/"):
		return BucketApps
	case rest == "groups" || strings.HasPrefix(rest, "groups/"):
		return BucketGroups
	case rest == "users" || strings.HasPrefix(rest, "users/"):
		return BucketUsers
	default:
		return BucketOther
	}
}

// rateLimitState is what is known of one bucket: the X-Rate-Limit-* values
// of the latest window seen, and the pacer's local accounting (pacer.go).
type rateLimitState struct {
	remaining, limit int
	reset            time.Time // X-Rate-Limit-Reset as sent (server clock)
	seen             time.Time
	known            bool // a response carried the headers

	// resetLocal is reset on the local clock: the Date header gives the
	// server's "now", so clock skew does not matter.
	resetLocal time.Time
	// headerless is set when a response of this bucket had no rate-limit
	// headers: there is nothing to pace by.
	headerless bool
	// inflight counts requests the pacer let go whose answer is not in yet.
	inflight int
	// passed is the Reset of the window the pacer last saw end: answers from
	// it that arrive later must not bring it back.
	passed time.Time
}

// rateLimits records Okta's rate-limit headers per bucket; the pacer
// (pacer.go) reserves requests against them.
type rateLimits struct {
	mu      sync.Mutex
	buckets map[string]*rateLimitState
	// changed is closed (and replaced) whenever a bucket's state changes, to
	// wake requests waiting for the first answer of a bucket.
	changed chan struct{}
}

func newRateLimits() *rateLimits {
	return &rateLimits{buckets: map[string]*rateLimitState{}, changed: make(chan struct{})}
}

// stateLocked returns the bucket's state, creating it; r.mu must be held.
func (r *rateLimits) stateLocked(bucket string) *rateLimitState {
	st := r.buckets[bucket]
	if st == nil {
		st = &rateLimitState{}
		r.buckets[bucket] = st
	}
	return st
}

// broadcastLocked wakes every waiter; r.mu must be held.
func (r *rateLimits) broadcastLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// observe records the headers of a response. Answers can arrive out of
// order: within one window (same Reset) the lowest Remaining wins, and an
// answer from an earlier window than the one known is ignored.
func (r *rateLimits) observe(bucket string, h http.Header, now time.Time) {
	remaining, err1 := strconv.Atoi(h.Get("X-Rate-Limit-Remaining"))
	limit, err2 := strconv.Atoi(h.Get("X-Rate-Limit-Limit"))
	resetUnix, err3 := strconv.ParseInt(h.Get("X-Rate-Limit-Reset"), 10, 64)
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.stateLocked(bucket)
	defer r.broadcastLocked()
	if err1 != nil && err2 != nil && err3 != nil {
		if !st.known {
			st.headerless = true
		}
		return
	}
	st.headerless = false
	reset := st.reset
	if err3 == nil {
		reset = time.Unix(resetUnix, 0)
	}
	switch {
	case st.known && (reset.Before(st.reset) || (err3 == nil && !reset.After(st.passed))):
		return // a late answer from an earlier window
	case st.known && !st.reset.IsZero() && reset.After(st.reset) && err1 == nil:
		// The server began its next window before the local clock got there.
		st.passed = st.reset
		st.remaining = remaining
	case st.known && reset.Equal(st.reset) && err1 == nil:
		st.remaining = min(st.remaining, remaining)
	case err1 == nil:
		st.remaining = remaining
	}
	if err2 == nil {
		st.limit = limit
	}
	if err3 == nil {
		st.reset = reset
		st.resetLocal = reset
		if date, err := http.ParseTime(h.Get("Date")); err == nil {
			st.resetLocal = now.Add(reset.Sub(date))
		}
	}
	st.seen = now
	st.known = true
}

// usedLocked bounds how many requests of the current window this client has
// sent: those the window's answers show spent (limit - remaining: the org's
// whole use under the org-bucket reading, so never too low, and what a
// provider process before this one spent) and those in flight.
func (st *rateLimitState) usedLocked() int {
	return st.inflight + max(0, st.limit-st.remaining)
}

func (r *rateLimits) get(bucket string) (rateLimitState, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ok := r.buckets[bucket]
	if !ok || !st.known {
		return rateLimitState{}, false
	}
	return *st, true
}

// RateLimitRemaining returns the most recent X-Rate-Limit-Remaining, -Limit
// and -Reset seen for bucket ("apps", "groups", "users" or "other"); ok is
// false until a response carried them.
func (c *Client) RateLimitRemaining(bucket string) (remaining, limit int, reset time.Time, ok bool) {
	st, ok := c.rateLimits.get(bucket)
	if !ok {
		return 0, 0, time.Time{}, false
	}
	return st.remaining, st.limit, st.reset, true
}
