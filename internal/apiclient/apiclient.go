// Package apiclient holds what the Okta and Statsig clients share: their
// configuration error, retry backoff, the wait between attempts, URL
// scrubbing of transport errors and the loopback rule for plain http.
package apiclient

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/url"
	"strings"
	"time"
)

// ConfigError reports invalid client configuration. Field is the provider
// attribute it concerns, so the provider can attach the diagnostic to it;
// Service ("okta", "statsig") prefixes the error text.
type ConfigError struct {
	Service string
	Field   string
	Summary string
	Detail  string
}

func (e *ConfigError) Error() string {
	msg := e.Field + ": " + e.Summary
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Service != "" {
		msg = e.Service + ": " + msg
	}
	return msg
}

// Backoff is the wait before retry number attempt (1 for the first retry)
// after a 5xx answer or a connection error: exponential from minWait,
// capped at maxWait, plus jitter(d/2) so parallel workers spread out.
func Backoff(attempt int, minWait, maxWait time.Duration, jitter func(limit time.Duration) time.Duration) time.Duration {
	d := minWait
	for i := 1; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	if d > 0 && jitter != nil {
		d += jitter(d / 2)
	}
	return d
}

// RandomJitter is a uniformly random duration in [0, limit).
func RandomJitter(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return rand.N(limit)
}

// Sleep waits for d or until ctx ends, whichever comes first.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ScrubURLError drops the URL from a *url.Error: next-page URLs are opaque
// and it keeps messages short. Headers (credentials) are never part of it.
func ScrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// IsLoopback reports whether host is localhost or a loopback address, the
// only hosts plain http is allowed to (tests and the local sandbox).
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
