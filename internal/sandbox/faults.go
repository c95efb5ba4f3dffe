package sandbox

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
	"sync"
)

// faultInjector decides per request whether to inject a fault. The decision
// for the k-th request with a given method+path depends only on (Seed, method,
// path, k), so runs are reproducible even when requests interleave.
type faultInjector struct {
	mu       sync.Mutex
	cfg      Faults
	counters map[string]uint64
}

type faultDecision struct {
	kind   string // "", "429", "5xx", "reset", "slow"
	status int    // for 5xx: 500, 502 or 503
	// applyWrite is set for resets (and, with AppliedWrite5xx, 5xx answers)
	// that happen after the write was applied.
	applyWrite bool
	// resetIn is the rate-limit reset offset in seconds for injected 429s.
	resetIn int64
}

func newFaultInjector(f Faults) *faultInjector {
	return &faultInjector{cfg: f, counters: map[string]uint64{}}
}

func (fi *faultInjector) set(f Faults) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.cfg = f
	fi.counters = map[string]uint64{}
}

func (fi *faultInjector) config() Faults {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.cfg
}

func unitFloat(seed int64, key string, n uint64, salt byte) float64 {
	var buf [17]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(seed))
	binary.BigEndian.PutUint64(buf[8:16], n)
	buf[16] = salt
	h := sha256.New()
	h.Write(buf[:])
	h.Write([]byte(key))
	sum := h.Sum(nil)
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / float64(uint64(1)<<53)
}

func (fi *faultInjector) decide(method, path string) faultDecision {
	fi.mu.Lock()
	cfg := fi.cfg
	key := method + " " + path
	n := fi.counters[key]
	fi.counters[key] = n + 1
	fi.mu.Unlock()
	total := cfg.Rate429 + cfg.Rate5xx + cfg.RateReset + cfg.RateSlow
	if total <= 0 || (len(cfg.Methods) > 0 && !slices.Contains(cfg.Methods, method)) {
		return faultDecision{}
	}
	r := unitFloat(cfg.Seed, key, n, 0)
	aux := unitFloat(cfg.Seed, key, n, 1)
	switch {
	case r < cfg.Rate429:
		return faultDecision{kind: "429", resetIn: 1 + int64(math.Floor(aux*2))}
	case r < cfg.Rate429+cfg.Rate5xx:
		return faultDecision{kind: "5xx", status: []int{500, 502, 503}[int(aux*3)%3],
			applyWrite: cfg.AppliedWrite5xx && unitFloat(cfg.Seed, key, n, 2) < 0.5}
	case r < cfg.Rate429+cfg.Rate5xx+cfg.RateReset:
		return faultDecision{kind: "reset", applyWrite: aux < 0.5}
	case r < total:
		return faultDecision{kind: "slow"}
	}
	return faultDecision{}
}
