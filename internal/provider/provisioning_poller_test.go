package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// fakeProvisioning is an app of users who provision a while after they are
// created, counting the reads the poller makes.
type fakeProvisioning struct {
	mu      sync.Mutex
	stall   int                  // list calls still to hang until their context ends
	due     map[string]time.Time // user -> when provisioned; zero: never
	perPage int
	lists   int // list calls (pages)
	gets    int
}

func (f *fakeProvisioning) user(id string, now time.Time) okta.AppUser {
	u := okta.AppUser{ID: id, Scope: "USER", Status: "STAGED", SyncState: "SYNCING"}
	if due := f.due[id]; !due.IsZero() && !now.Before(due) {
		u.Status, u.SyncState = "PROVISIONED", "SYNCHRONIZED"
	}
	return u
}

func (f *fakeProvisioning) ListAppUsersPages(ctx context.Context, _ string, _ okta.ListAppUsersOptions, fn func([]okta.AppUser) error) error {
	f.mu.Lock()
	if f.stall > 0 {
		f.stall--
		f.mu.Unlock()
		<-ctx.Done() // a pacer wait longer than the round
		return fmt.Errorf("waiting for the apps rate-limit window to reset: %w", ctx.Err())
	}
	now := time.Now()
	var page []okta.AppUser
	var pages [][]okta.AppUser
	for id := range f.due {
		page = append(page, f.user(id, now))
		if len(page) == f.perPage {
			pages, page = append(pages, page), nil
		}
	}
	if len(page) > 0 || len(pages) == 0 {
		pages = append(pages, page)
	}
	f.lists += len(pages)
	f.mu.Unlock()
	for _, p := range pages {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeProvisioning) GetAppUser(_ context.Context, _, userID string) (*okta.AppUser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	if _, ok := f.due[userID]; !ok {
		return nil, okta.NotFoundError(http.MethodGet, "/api/v1/apps/0oa1/users/"+userID)
	}
	u := f.user(userID, time.Now())
	return &u, nil
}

func (f *fakeProvisioning) counts() (lists, gets int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lists, f.gets
}

func testPoller(f *fakeProvisioning) *provisioningPoller {
	p := newProvisioningPoller(f, "0oa1")
	p.settleFirst, p.minGap, p.maxGap, p.maxWait = 30*time.Millisecond, 30*time.Millisecond, 120*time.Millisecond, 200*time.Millisecond
	return p
}

// Many waiters whose users provision together cost one list read per round,
// not a GET each.
func TestProvisioningPoller_manyWaitersOneListPerRound(t *testing.T) {
	f := &fakeProvisioning{due: map[string]time.Time{}, perPage: 500}
	now := time.Now()
	for i := 0; i < 1000; i++ { // two pages of other users
		f.due[fmt.Sprintf("00uother%04d", i)] = now
	}
	const n = 40
	for i := 0; i < n; i++ {
		f.due[fmt.Sprintf("00uwait%04d", i)] = now.Add(100 * time.Millisecond)
	}
	p := testPoller(f)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			u, err := p.wait(context.Background(), id)
			if err == nil && (u == nil || u.SyncState != "SYNCHRONIZED") {
				err = fmt.Errorf("%s: woken with %+v", id, u)
			}
			errs <- err
		}(fmt.Sprintf("00uwait%04d", i))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	lists, gets := f.counts()
	if gets != 0 || lists != 3*p.rounds || p.rounds > 5 {
		t.Fatalf("%d rounds made %d list pages and %d GETs; want 3 pages (1,040 users) a round, no GET, a few rounds", p.rounds, lists, gets)
	}
}

// A user who never provisions ends only its own wait, at its deadline; the
// others are woken as their users settle, and the rounds stop with the last
// waiter.
func TestProvisioningPoller_neverProvisioningUser(t *testing.T) {
	now := time.Now()
	f := &fakeProvisioning{perPage: 500, due: map[string]time.Time{
		"00unever": {}, "00ua": now.Add(50 * time.Millisecond), "00ub": now.Add(80 * time.Millisecond)}}
	p := testPoller(f)
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	never := make(chan error, 1)
	go func() { _, err := p.wait(ctx, "00unever"); never <- err }()
	for _, id := range []string{"00ua", "00ub"} {
		if _, err := p.wait(context.Background(), id); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
	select {
	case err := <-never:
		t.Fatalf("the never-provisioning wait ended early: %v", err)
	default:
	}
	if err := <-never; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("never-provisioning wait: %v, want its deadline", err)
	}
	time.Sleep(300 * time.Millisecond)
	lists, gets := f.counts()
	time.Sleep(300 * time.Millisecond)
	if l2, g2 := f.counts(); l2 != lists || g2 != gets {
		t.Fatalf("rounds went on with nobody waiting: %d/%d reads, then %d/%d", lists, gets, l2, g2)
	}
}

// A waiter whose context is cancelled leaves at once, and the rounds stop.
func TestProvisioningPoller_cancellation(t *testing.T) {
	f := &fakeProvisioning{perPage: 500, due: map[string]time.Time{"00unever": {}}}
	p := testPoller(f)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := p.wait(ctx, "00unever"); done <- err }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("a cancelled waiter kept waiting")
	}
	time.Sleep(100 * time.Millisecond)
	p.mu.Lock()
	running, left := p.running, len(p.waiters)
	p.mu.Unlock()
	if running || left != 0 {
		t.Fatalf("after cancellation: running %v, %d waiters", running, left)
	}
}

// With fewer users pending than the list has pages, a round reads their own
// GETs; a removed assignment and Okta's ERROR end the wait with an error.
func TestProvisioningPoller_fewPendingUseGets(t *testing.T) {
	now := time.Now()
	f := &fakeProvisioning{perPage: 2, due: map[string]time.Time{"00u1": now, "00u2": now, "00u3": now, "00u4": now,
		"00uslow": now.Add(150 * time.Millisecond)}}
	p := testPoller(f)
	if _, err := p.wait(context.Background(), "00u1"); err != nil { // learns the list has 3 pages
		t.Fatal(err)
	}
	listsBefore, _ := f.counts()
	if _, err := p.wait(context.Background(), "00uslow"); err != nil {
		t.Fatal(err)
	}
	lists, gets := f.counts()
	if lists != listsBefore || gets == 0 {
		t.Fatalf("one pending user of a 3-page list: %d more list pages, %d GETs; want GETs only", lists-listsBefore, gets)
	}
	if _, err := p.wait(context.Background(), "00ugone"); !errors.As(err, new(userMessage)) {
		t.Fatalf("removed assignment: err = %v", err)
	}
}

// A round cut short (its reads waited on the pacer past roundTimeout) is no
// answer: the waiters are not failed, and the next round wakes them.
func TestProvisioningPoller_roundCutShortIsNoError(t *testing.T) {
	f := &fakeProvisioning{perPage: 500, stall: 1, due: map[string]time.Time{"00ua": time.Now()}}
	p := testPoller(f)
	p.roundTimeout = 50 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if u, err := p.wait(ctx, "00ua"); err != nil || u == nil || u.SyncState != "SYNCHRONIZED" {
		t.Fatalf("wait = %+v, %v; want the user provisioned after the stalled round", u, err)
	}
}
