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
	wantStatus(t, admin("/_sandbox/settings", map[string]any{"appsRateLimitPerMinute": 2, "latency": "0s"}), http.StatusNoContent)
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
}
