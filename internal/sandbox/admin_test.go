package sandbox

import (
	"net/http"
	"testing"
)

func TestAdminSettingsAndRequestReset(t *testing.T) {
	e := newEnv(t, Options{})
	admin := func(path string, body any) resp {
		return e.do(http.MethodPost, e.sb.StatsigURL()+path, body, nil)
	}
	// The token may use half of a bucket of 4 by default.
	wantStatus(t, admin("/_sandbox/settings", map[string]any{"appsRateLimitPerMinute": 4, "latency": "0s"}), http.StatusNoContent)
	for i, want := range []int{200, 200, 429} {
		if r := e.okta(http.MethodGet, e.appPath(""), nil); r.status != want {
			t.Fatalf("call %d: %d, want %d", i, r.status, want)
		}
	}
	// A new window, and a raised bucket.
	wantStatus(t, admin("/_sandbox/settings", map[string]any{"appsRateLimitPerMinute": -1, "resetRateLimits": true}), http.StatusNoContent)
	for i := 0; i < 5; i++ {
		wantStatus(t, e.okta(http.MethodGet, e.appPath(""), nil), http.StatusOK)
	}
	if n := len(e.sb.Requests()); n != 8 {
		t.Fatalf("recorded %d requests, want 8 (admin calls are not recorded)", n)
	}
	wantStatus(t, admin("/_sandbox/requests/reset", nil), http.StatusNoContent)
	if n := len(e.sb.Requests()); n != 0 {
		t.Fatalf("recorded %d requests after reset", n)
	}
	wantStatus(t, admin("/_sandbox/settings", map[string]any{"latency": "soon"}), http.StatusBadRequest)
	wantStatus(t, admin("/_sandbox/settings", map[string]any{"rateLimitReport": "both"}), http.StatusBadRequest)
	wantStatus(t, admin("/_sandbox/settings", map[string]any{"appsRateLimitPerMinute": 10, "tokenSharePercent": 30,
		"rateLimitReport": "token", "maxInFlight": 5, "resetRateLimits": true}), http.StatusNoContent)
	if r := e.okta(http.MethodGet, e.appPath(""), nil); r.header.Get("X-Rate-Limit-Limit") != "3" {
		t.Fatalf("share 30%% of 10 reported as %q, want 3", r.header.Get("X-Rate-Limit-Limit"))
	}
	if n := e.sb.maxInFlight(); n != 5 {
		t.Fatalf("maxInFlight %d", n)
	}
}
