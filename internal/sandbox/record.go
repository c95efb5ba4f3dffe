package sandbox

import (
	"slices"
	"sync"
	"time"
)

// Request is one recorded request to either emulated service.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Status   int    // 0 when the connection was reset
	Bucket   string // "apps", "groups", "users", "oauth", "statsig-scim", "statsig-console"
	Service  string // "okta" | "statsig"
	Fault    string // "", "429", "5xx", "reset", "slow"
	// RateLimited says which limit answered 429: "org" (the bucket), "token"
	// (the token's share of it) or "concurrency" (requests in flight).
	RateLimited string
	Time        time.Time
}

type recorder struct {
	mu   sync.Mutex
	reqs []Request
}

func (r *recorder) add(req Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
}

// Requests returns a copy of every recorded request, oldest first.
func (s *Sandbox) Requests() []Request {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return slices.Clone(s.rec.reqs)
}

// ResetRequests forgets the recorded requests.
func (s *Sandbox) ResetRequests() {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	s.rec.reqs = nil
}

// CountRequests counts recorded requests matching pred (all when pred is nil).
func (s *Sandbox) CountRequests(pred func(Request) bool) int {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	n := 0
	for _, r := range s.rec.reqs {
		if pred == nil || pred(r) {
			n++
		}
	}
	return n
}
