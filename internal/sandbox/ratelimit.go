package sandbox

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rateLimiter models Okta's per-bucket, per-minute limits with fixed 60 s
// windows that start at the first request of the window.
type rateLimiter struct {
	mu      sync.Mutex
	buckets map[string]*bucketWindow
}

type bucketWindow struct {
	start time.Time
	count int
}

type rateState struct {
	limit, remaining int
	reset            time.Time
	exceeded         bool
}

const unlimitedReport = 1_000_000

func newRateLimiter() *rateLimiter { return &rateLimiter{buckets: map[string]*bucketWindow{}} }

func (rl *rateLimiter) take(bucket string, limit int, now time.Time) rateState {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	b := rl.buckets[bucket]
	if b == nil || !now.Before(b.start.Add(time.Minute)) {
		b = &bucketWindow{start: now}
		rl.buckets[bucket] = b
	}
	st := rateState{limit: limit, reset: b.start.Add(time.Minute)}
	if limit < 0 {
		st.limit, st.remaining = unlimitedReport, unlimitedReport
		return st
	}
	if b.count >= limit {
		st.exceeded = true
		return st
	}
	b.count++
	st.remaining = limit - b.count
	return st
}

func (rl *rateLimiter) reset() {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.buckets = map[string]*bucketWindow{}
}

// ResetRateLimits empties every bucket.
func (s *Sandbox) ResetRateLimits() { s.rl.reset() }

func setRateHeaders(h http.Header, st rateState) {
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(st.limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(st.remaining))
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(ceilUnix(st.reset), 10))
}

func ceilUnix(t time.Time) int64 {
	sec := t.Unix()
	if t.Nanosecond() > 0 {
		sec++
	}
	return sec
}
