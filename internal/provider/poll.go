package provider

import (
	"context"
	"time"
)

// pollBackoff is the interval of the provider's polls: first, doubling up to
// max.
type pollBackoff struct{ first, max time.Duration }

// defaultPoll is used by waits for Okta or Statsig to catch up.
var defaultPoll = pollBackoff{first: 500 * time.Millisecond, max: 5 * time.Second}

// poll calls check until it reports done or an error, waiting between calls
// with a growing interval. It returns ctx's error when ctx ends first; the
// caller says what it was waiting for.
func poll(ctx context.Context, b pollBackoff, check func() (done bool, err error)) error {
	interval := b.first
	for {
		done, err := check()
		if err != nil || done {
			return err
		}
		if err := sleepCtx(ctx, interval); err != nil {
			return err
		}
		interval = min(interval*2, b.max)
	}
}
