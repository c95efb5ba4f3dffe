package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
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
	Time        time.Time // arrival
	Done        time.Time // answered (or, for a reset, cut), after any injected delay

	// Writes (every method but GET) only:
	// Body is the request body as sent.
	Body []byte
	// Applied is true when the backend carried the write out (a status
	// below 400 from the handler), including a write whose answer an
	// injected 5xx or reset then lost.
	Applied bool
	// ObjectID is the id of the object the write created or changed: the
	// "id" of the answer (a create), else the last segment of the path
	// (an app user's or app group's user or group id, a mapping id).
	ObjectID string
}

// IsCreate says whether r is a POST to a collection of the Okta app: an app
// user assignment or a push mapping (the non-idempotent writes).
func (r Request) IsCreate() bool {
	return r.Method == "POST" && r.Service == "okta" &&
		(strings.HasSuffix(r.Path, "/users") || strings.HasSuffix(r.Path, "/group-push/mappings"))
}

// noteWrite fills Applied and ObjectID from the handler's status and body.
func (r *Request) noteWrite(req *http.Request, status int, body []byte) {
	r.Applied = status > 0 && status < 400
	var answer struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(body, &answer) == nil && answer.ID != "" {
		r.ObjectID = answer.ID
		return
	}
	if r.Applied {
		if i := strings.LastIndexByte(req.URL.Path, '/'); i >= 0 {
			r.ObjectID = req.URL.Path[i+1:]
		}
	}
}

// readBody reads and restores a request's body (at most 1 MiB is kept).
func readBody(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
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
