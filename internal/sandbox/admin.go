package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Admin endpoints of the standalone server, on the Statsig listener next to
// the other /_sandbox/ endpoints (which bypass rate limits, faults and the
// request log). The benchmark uses them to change limits between runs.

// Settings are the run-time settings POST /_sandbox/settings changes; fields
// left out keep their value. Durations are Go durations ("50ms").
type Settings struct {
	AppsRateLimitPerMinute  *int    `json:"appsRateLimitPerMinute,omitempty"`
	OtherRateLimitPerMinute *int    `json:"otherRateLimitPerMinute,omitempty"`
	Latency                 *string `json:"latency,omitempty"`
	ProvisioningDelay       *string `json:"provisioningDelay,omitempty"`
	// TokenSharePercent and RateLimitReport: see Options (both are set
	// together; a missing one keeps its value).
	TokenSharePercent *int    `json:"tokenSharePercent,omitempty"`
	RateLimitReport   *string `json:"rateLimitReport,omitempty"`
	MaxInFlight       *int    `json:"maxInFlight,omitempty"`
	// ResetRateLimits empties every bucket (new windows start).
	ResetRateLimits bool `json:"resetRateLimits,omitempty"`
}

func (s *Sandbox) registerAdmin(mux *http.ServeMux) {
	mux.HandleFunc("POST /_sandbox/settings", func(w http.ResponseWriter, r *http.Request) {
		var in Settings
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if err := s.ApplySettings(in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_sandbox/requests/reset", func(w http.ResponseWriter, r *http.Request) {
		s.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	})
}

// ApplySettings changes the run-time settings given in in.
func (s *Sandbox) ApplySettings(in Settings) error {
	var latency, delay *time.Duration
	for _, p := range []struct {
		src *string
		dst **time.Duration
	}{{in.Latency, &latency}, {in.ProvisioningDelay, &delay}} {
		if p.src == nil {
			continue
		}
		d, err := time.ParseDuration(*p.src)
		if err != nil {
			return err
		}
		*p.dst = &d
	}
	if in.AppsRateLimitPerMinute != nil {
		s.SetAppsRateLimit(*in.AppsRateLimitPerMinute)
	}
	if in.OtherRateLimitPerMinute != nil {
		s.SetOtherRateLimit(*in.OtherRateLimitPerMinute)
	}
	if in.RateLimitReport != nil && *in.RateLimitReport != "" && *in.RateLimitReport != ReportOrgBucket && *in.RateLimitReport != ReportTokenShare {
		return fmt.Errorf("rateLimitReport %q: want %q or %q", *in.RateLimitReport, ReportOrgBucket, ReportTokenShare)
	}
	if in.TokenSharePercent != nil || in.RateLimitReport != nil {
		s.mu.Lock()
		share, report := s.opts.TokenSharePercent, s.opts.RateLimitReport
		s.mu.Unlock()
		if in.TokenSharePercent != nil {
			share = *in.TokenSharePercent
		}
		if in.RateLimitReport != nil {
			report = *in.RateLimitReport
		}
		s.SetTokenShare(share, report)
	}
	if in.MaxInFlight != nil {
		s.SetMaxInFlight(*in.MaxInFlight)
	}
	if latency != nil {
		s.SetLatency(*latency)
	}
	if delay != nil {
		s.SetProvisioningDelay(*delay)
	}
	if in.ResetRateLimits {
		s.ResetRateLimits()
	}
	return nil
}
