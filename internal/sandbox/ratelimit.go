package sandbox

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rateLimiter models Okta's per-bucket, per-minute limits with fixed 60 s
// windows that start at the first request of the window, the per-token share
// of each bucket, and the org's limit on requests in flight.
//
// Per-token share (okta-api.md section 8): one API token or OAuth service app
// may use only TokenSharePercent (default 50) of an org bucket. What
// X-Rate-Limit-Limit and -Remaining then report is UNCONFIRMED; Options.
// RateLimitReport picks the reading ("org": the org bucket, the default;
// "token": the token's share).
type rateLimiter struct {
	mu       sync.Mutex
	buckets  map[string]*bucketWindow
	inFlight int
}

type bucketWindow struct {
	start   time.Time
	count   int            // the whole org
	byToken map[string]int // per API token or service app
}

type rateState struct {
	limit, remaining int
	reset            time.Time
	exceeded         string // "", "org" or "token": which limit refused the request
}

// Readings of X-Rate-Limit-Limit/-Remaining under a token share (UNCONFIRMED).
const (
	ReportOrgBucket  = "org"
	ReportTokenShare = "token"
)

// DefaultMaxInFlight is Okta's concurrency limit per org (rl-best-practices).
const DefaultMaxInFlight = 75

const unlimitedReport = 1_000_000

func newRateLimiter() *rateLimiter { return &rateLimiter{buckets: map[string]*bucketWindow{}} }

// bucketPolicy is what one bucket allows a token: limit < 0 is unlimited.
type bucketPolicy struct {
	limit        int
	sharePercent int    // 1..100
	report       string // ReportOrgBucket or ReportTokenShare
}

func (p bucketPolicy) share() int { return max(1, p.limit*p.sharePercent/100) }

func (rl *rateLimiter) take(bucket, token string, p bucketPolicy, now time.Time) rateState {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	b := rl.buckets[bucket]
	if b == nil || !now.Before(b.start.Add(time.Minute)) {
		b = &bucketWindow{start: now, byToken: map[string]int{}}
		rl.buckets[bucket] = b
	}
	st := rateState{limit: p.limit, reset: b.start.Add(time.Minute)}
	if p.limit < 0 {
		st.limit, st.remaining = unlimitedReport, unlimitedReport
		return st
	}
	switch {
	case b.count >= p.limit:
		st.exceeded = "org"
	case token != "" && b.byToken[token] >= p.share():
		st.exceeded = "token"
	default:
		b.count++
		b.byToken[token]++
	}
	if p.report == ReportTokenShare {
		st.limit, st.remaining = p.share(), p.share()-b.byToken[token]
	} else {
		st.remaining = p.limit - b.count
	}
	return st
}

// enter counts a request in flight; ok is false (and nothing is counted)
// when limit (<0: unlimited) are already in flight.
func (rl *rateLimiter) enter(limit int) bool {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if limit >= 0 && rl.inFlight >= limit {
		return false
	}
	rl.inFlight++
	return true
}

func (rl *rateLimiter) leave() {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.inFlight--
}

func (rl *rateLimiter) reset() {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.buckets = map[string]*bucketWindow{}
}

// ResetRateLimits empties every bucket.
func (s *Sandbox) ResetRateLimits() { s.rl.reset() }

// tokenOf names the API client a request counts against: its SSWS token, or
// the OAuth service app (the sandbox has one) for any access token.
func tokenOf(r *http.Request) string {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "SSWS") {
		return "ssws:" + tok
	}
	if tok == "" {
		return "" // the token endpoint: counted against the org only
	}
	return "service-app"
}

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
