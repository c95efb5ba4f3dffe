package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestPoll(t *testing.T) {
	t.Parallel()
	fast := pollBackoff{first: time.Millisecond, max: 2 * time.Millisecond}
	calls := 0
	if err := poll(context.Background(), fast, func() (bool, error) { calls++; return calls == 3, nil }); err != nil || calls != 3 {
		t.Fatalf("done on the third call: calls = %d, err = %v", calls, err)
	}
	boom := errors.New("boom")
	if err := poll(context.Background(), fast, func() (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Fatalf("the check's error is returned: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := poll(ctx, fast, func() (bool, error) { return false, nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a poll that never finishes ends with the context: %v", err)
	}
}
