package apiclient

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	none := func(time.Duration) time.Duration { return 0 }
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: 30 * time.Second} {
		if got := Backoff(attempt, time.Second, 30*time.Second, none); got != want {
			t.Errorf("attempt %d: %v, want %v", attempt, got, want)
		}
	}
	half := func(limit time.Duration) time.Duration { return limit }
	if got := Backoff(1, time.Second, 30*time.Second, half); got != 1500*time.Millisecond {
		t.Errorf("jitter: %v, want up to half again", got)
	}
	for range 100 {
		if j := RandomJitter(time.Second); j < 0 || j >= time.Second {
			t.Fatalf("jitter %v out of [0, 1s)", j)
		}
	}
}

func TestSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("Sleep on a canceled context: %v after %v", err, time.Since(start))
	}
}

func TestScrubURLErrorAndConfigError(t *testing.T) {
	inner := errors.New("connection reset")
	if got := ScrubURLError(&url.Error{Op: "Get", URL: "https://acme.okta.com/api/v1/users?after=secret", Err: inner}); !errors.Is(got, inner) || got.Error() != inner.Error() {
		t.Fatalf("scrubbed %v", got)
	}
	e := &ConfigError{Service: "okta", Field: "okta_org_url", Summary: "Invalid Okta org URL", Detail: "no"}
	if e.Error() != "okta: okta_org_url: Invalid Okta org URL: no" {
		t.Fatal(e.Error())
	}
	if !IsLoopback("127.0.0.1") || !IsLoopback("localhost") || IsLoopback("acme.okta.com") {
		t.Fatal("loopback")
	}
}
