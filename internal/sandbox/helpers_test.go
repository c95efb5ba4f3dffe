package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	t     *testing.T
	sb    *Sandbox
	clock *fakeClock
	http  *http.Client
	// auth is the Authorization header for Okta calls (SSWS by default).
	auth string
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	clock := newClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if opts.AppsRateLimitPerMinute == 0 {
		opts.AppsRateLimitPerMinute = -1
	}
	if opts.OtherRateLimitPerMinute == 0 {
		opts.OtherRateLimitPerMinute = -1
	}
	sb := New(opts)
	t.Cleanup(sb.Close)
	return &env{t: t, sb: sb, clock: clock, http: &http.Client{Timeout: 10 * time.Second}, auth: "SSWS " + sb.APIToken()}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r resp) obj(t *testing.T) map[string]any {
	var m map[string]any
	r.json(t, &m)
	return m
}

func (r resp) list(t *testing.T) []map[string]any {
	var l []map[string]any
	r.json(t, &l)
	return l
}

// as returns v (typically a decoded JSON value) as a T, failing the test when
// it is not one.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok {
		t.Fatalf("got %T (%v), want %T", v, v, x)
	}
	return x
}

func (e *env) do(method, url string, body any, hdr map[string]string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, url, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := e.http.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

// okta calls the Okta API with the env's Authorization header.
func (e *env) okta(method, path string, body any) resp {
	e.t.Helper()
	return e.do(method, e.sb.OktaURL()+path, body, map[string]string{"Authorization": e.auth})
}

func (e *env) scim(method, path string, body any) resp {
	e.t.Helper()
	return e.do(method, e.sb.StatsigURL()+path, body, map[string]string{"Authorization": "Bearer " + e.sb.StatsigSCIMToken()})
}

func (e *env) console(path string) resp {
	e.t.Helper()
	return e.do("GET", e.sb.StatsigURL()+path, nil, map[string]string{"STATSIG-API-KEY": e.sb.StatsigConsoleKey()})
}

func (e *env) user(login string) OktaUser {
	e.t.Helper()
	u, ok := e.sb.UserByLogin(login)
	if !ok {
		e.t.Fatalf("no user %s", login)
	}
	return u
}

func (e *env) group(name string) OktaGroup {
	e.t.Helper()
	g, ok := e.sb.GroupByName(name)
	if !ok {
		e.t.Fatalf("no group %s", name)
	}
	return g
}

func (e *env) appPath(rest string) string { return "/api/v1/apps/" + e.sb.AppID() + rest }

func wantStatus(t *testing.T, r resp, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body %s", r.status, want, r.body)
	}
}

func wantErrorCode(t *testing.T, r resp, status int, code string) map[string]any {
	t.Helper()
	wantStatus(t, r, status)
	m := r.obj(t)
	if m["errorCode"] != code {
		t.Fatalf("errorCode %v, want %s; body %s", m["errorCode"], code, r.body)
	}
	for _, k := range []string{"errorSummary", "errorLink", "errorId", "errorCauses"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("error body lacks %s: %s", k, r.body)
		}
	}
	return m
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }

func newJSONRequest(ctx context.Context, method, url string, body any, auth string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(mustJSON(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	return req, nil
}
