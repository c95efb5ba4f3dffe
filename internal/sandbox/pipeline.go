package sandbox

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The request pipeline shared by both services:
// record -> latency -> Date -> rate limit (Okta) -> authenticate -> fault -> route.

type ctxKey int

const principalKey ctxKey = 1

type principal struct {
	kind   string // "ssws", "bearer", "dpop", "scim", "console"
	scopes []string
	// project is the Statsig project a console key belongs to.
	project string
}

func principalFrom(r *http.Request) *principal {
	p, _ := r.Context().Value(principalKey).(*principal)
	return p
}

// statusWriter captures the status code; it deliberately keeps Hijacker reachable
// through Unwrap/the original writer for connection-reset faults.
type statusWriter struct {
	http.ResponseWriter
	status int
	keep   bool // keep a copy of the body (writes: the request log reads its id)
	body   []byte
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.keep {
		w.body = append(w.body, b...)
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// discardWriter runs a handler whose response will never be delivered; it
// keeps status and body for the request log.
type discardWriter struct {
	h      http.Header
	status int
	body   []byte
}

func (d *discardWriter) Header() http.Header { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	d.body = append(d.body, b...)
	return len(b), nil
}
func (d *discardWriter) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
	}
}

// applyLost runs a write whose answer is lost (an injected 5xx or reset
// after the backend applied it) and notes in rec what it did.
func applyLost(mux http.Handler, r *http.Request, rec *Request) {
	d := &discardWriter{h: http.Header{}}
	mux.ServeHTTP(d, r)
	rec.noteWrite(r, d.status, d.body)
}

func bucketFor(service, path string) string {
	if service == "statsig" {
		if strings.HasPrefix(path, "/console/") {
			return "statsig-console"
		}
		return "statsig-scim"
	}
	switch {
	case strings.HasPrefix(path, "/api/v1/apps"):
		return "apps"
	case strings.HasPrefix(path, "/api/v1/groups"):
		return "groups"
	case strings.HasPrefix(path, "/api/v1/users"):
		return "users"
	case strings.HasPrefix(path, "/oauth2/"):
		return "oauth"
	}
	return "other"
}

func (s *Sandbox) oktaHandler() http.Handler {
	mux := http.NewServeMux()
	s.registerOkta(mux)
	return s.pipeline("okta", mux)
}

func (s *Sandbox) statsigHandler() http.Handler {
	mux := http.NewServeMux()
	s.registerStatsig(mux)
	return s.pipeline("statsig", mux)
}

func (s *Sandbox) pipeline(service string, mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_sandbox/") {
			mux.ServeHTTP(w, r)
			return
		}
		bucket := bucketFor(service, r.URL.Path)
		rec := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
			Bucket: bucket, Service: service, Time: s.now()}
		write := r.Method != http.MethodGet && r.Method != http.MethodHead
		sw := &statusWriter{ResponseWriter: w, keep: write}
		if write {
			rec.Body = readBody(r)
		}
		recorded := false
		defer func() {
			if recorded {
				return
			}
			rec.Status, rec.Done = sw.status, s.now()
			if rec.Status == 0 && rec.Fault != "reset" {
				rec.Status = http.StatusOK
			}
			if write && !rec.Applied { // (applyLost notes a write whose answer it lost)
				rec.noteWrite(r, rec.Status, sw.body)
			}
			s.rec.add(rec)
			if r.Method != http.MethodGet && sw.status > 0 && sw.status < 400 {
				s.changed()
			}
		}()
		if service == "okta" {
			// Counted from arrival to answer, latency included.
			if !s.rl.enter(s.maxInFlight()) {
				// The headers of a concurrency 429 are UNCONFIRMED; none are sent.
				rec.RateLimited = "concurrency"
				sw.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
				writeOktaError(sw, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
				return
			}
			defer s.rl.leave()
		}
		if d := s.latency(); d > 0 {
			time.Sleep(d)
		}
		now := s.now()
		sw.Header().Set("Date", now.UTC().Format(http.TimeFormat))
		if service == "okta" {
			sw.Header().Set("X-Okta-Request-Id", randToken(27))
		}

		if service == "okta" && bucket != "other" {
			st := s.rl.take(bucket, tokenOf(r), s.bucketPolicy(bucket), now)
			setRateHeaders(sw.Header(), st)
			if st.exceeded != "" {
				rec.RateLimited = st.exceeded
				writeOktaError(sw, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
				return
			}
		}

		var p *principal
		if bucket != "oauth" {
			var ok bool
			if p, ok = s.authenticate(service, sw, r); !ok {
				return
			}
		}

		if bucket != "oauth" {
			d := s.faults.decide(r.Method, r.URL.Path)
			rec.Fault = d.kind
			switch d.kind {
			case "429":
				reset := now.Add(time.Duration(d.resetIn) * time.Second)
				if service == "okta" {
					sw.Header().Set("X-Rate-Limit-Remaining", "0")
					sw.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(ceilUnix(reset), 10))
					writeOktaError(sw, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
				} else {
					writeStatsigError(sw, http.StatusTooManyRequests, "Too Many Requests")
				}
				return
			case "5xx":
				if d.applyWrite && r.Method != http.MethodGet {
					// The write reaches the backend; the answer is an error.
					applyLost(mux, r.WithContext(context.WithValue(r.Context(), principalKey, p)), &rec)
					s.changed()
				}
				if d.status == http.StatusInternalServerError {
					if service == "okta" {
						writeOktaError(sw, d.status, "E0000009", "Internal Server Error")
					} else {
						writeStatsigError(sw, d.status, "Internal server error")
					}
				} else {
					sw.Header().Set("Content-Type", "text/plain; charset=utf-8")
					sw.WriteHeader(d.status)
					_, _ = sw.Write([]byte(http.StatusText(d.status) + "\n")) // injected fault; a write error only means the client went away
				}
				return
			case "reset":
				if d.applyWrite && r.Method != http.MethodGet {
					// The write reaches the backend, but the response is lost.
					applyLost(mux, r.WithContext(context.WithValue(r.Context(), principalKey, p)), &rec)
				}
				// Record before closing so the client never observes the reset first.
				recorded = true
				rec.Done = s.now()
				s.rec.add(rec)
				if d.applyWrite && r.Method != http.MethodGet {
					s.changed()
				}
				resetConn(w)
				return
			case "slow":
				time.Sleep(s.faults.config().SlowLatency)
			}
		}
		mux.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), principalKey, p)))
	})
}

// resetConn hijacks the connection and closes it with RST (SO_LINGER 0).
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // best effort: if it fails, Close sends a FIN instead of a RST
	}
	conn.Close()
}
