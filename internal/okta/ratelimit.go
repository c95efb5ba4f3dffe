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

// rateLimitState is the last X-Rate-Limit-* values seen for a bucket.
type rateLimitState struct {
	remaining, limit int
	reset            time.Time
	seen             time.Time
}

// rateLimits records Okta's rate-limit headers per bucket. It is the one
// place a pacer (slowing down before Remaining hits zero) would hook in.
type rateLimits struct {
	mu      sync.Mutex
	buckets map[string]rateLimitState
}

func newRateLimits() *rateLimits {
	return &rateLimits{buckets: map[string]rateLimitState{}}
}

func (r *rateLimits) observe(bucket string, h http.Header, now time.Time) {
	remaining, err1 := strconv.Atoi(h.Get("X-Rate-Limit-Remaining"))
	limit, err2 := strconv.Atoi(h.Get("X-Rate-Limit-Limit"))
	reset, err3 := strconv.ParseInt(h.Get("X-Rate-Limit-Reset"), 10, 64)
	if err1 != nil && err2 != nil && err3 != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.buckets[bucket]
	if err1 == nil {
		st.remaining = remaining
	}
	if err2 == nil {
		st.limit = limit
	}
	if err3 == nil {
		st.reset = time.Unix(reset, 0)
	}
	st.seen = now
	r.buckets[bucket] = st
}

func (r *rateLimits) get(bucket string) (rateLimitState, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ok := r.buckets[bucket]
	return st, ok
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
