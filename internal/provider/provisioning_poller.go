package provider

import (
	"cmp"
	"context"
	"sync"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// The provisioning waits of one walk share one poller. Every Create that
// waits for Okta to provision its user registers here, and each round reads
// the app's user list once (a few pages of 500) and wakes every waiter whose
// user settled, instead of each waiter polling its own GET: with Terraform's
// ten creates in flight, a round of 2 pages serves ten waits that would cost
// ten GETs or more. When fewer users are pending than the list has pages,
// the round reads their own GETs instead. Rounds come from the same apps
// bucket as the creates, so they are spaced out (nextRoundLocked): a round
// waits until the newest waiter has had settleFirst, or the shortest time a
// user has taken to settle so far if longer (an earlier round would find it
// still provisioning), and never comes sooner than gap after the last one,
// the gap growing while rounds find nothing.

// provisioningReader is what the poller reads through (the Okta client).
type provisioningReader interface {
	ListAppUsersPages(ctx context.Context, appID string, opts okta.ListAppUsersOptions, fn func([]okta.AppUser) error) error
	GetAppUser(ctx context.Context, appID, userID string) (*okta.AppUser, error)
}

type provisioningPoller struct {
	read  provisioningReader
	appID string
	// settleFirst: how long after its create a user is first looked at;
	// minGap/maxGap bound the time between rounds; maxWait bounds how long
	// the oldest waiter waits for newer ones to be due.
	settleFirst, minGap, maxGap, maxWait time.Duration
	// roundTimeout bounds one round's reads.
	roundTimeout time.Duration

	mu      sync.Mutex
	waiters map[*provisioningWaiter]struct{}
	running bool
	wake    chan struct{} // a waiter came or went
	pages   int           // pages of the last list read (0: none yet)
	// settled is the shortest time from registering to settled seen so
	// far: rounds sooner than that after a create would find nothing.
	settled time.Duration
	rounds  int
	lists   int // list pages read
	gets    int
}

type provisioningWaiter struct {
	userID string
	since  time.Time
	done   chan struct{}
	last   *okta.AppUser
	err    error
}

func newProvisioningPoller(read provisioningReader, appID string) *provisioningPoller {
	return &provisioningPoller{read: read, appID: appID,
		settleFirst: 2 * time.Second, minGap: 2 * time.Second, maxGap: 20 * time.Second, maxWait: 15 * time.Second,
		roundTimeout: 5 * time.Minute,
		waiters:      map[*provisioningWaiter]struct{}{}, wake: make(chan struct{}, 1)}
}

// wait blocks until Okta reports userID provisioned and in sync, or that it
// does not provision it (DISABLED), or ctx ends. It returns the last app
// user seen, and on ctx's end ctx's error; Okta's ERROR is
// *provisioningFailed and a removed assignment a userMessage, as for the
// poll this replaces.
func (p *provisioningPoller) wait(ctx context.Context, userID string) (*okta.AppUser, error) {
	w := &provisioningWaiter{userID: userID, since: time.Now(), done: make(chan struct{})}
	p.mu.Lock()
	p.waiters[w] = struct{}{}
	if !p.running {
		p.running = true
		go p.loop()
	}
	p.mu.Unlock()
	p.poke()
	select {
	case <-w.done:
		return w.last, w.err
	case <-ctx.Done():
		p.mu.Lock()
		delete(p.waiters, w)
		last := w.last
		p.mu.Unlock()
		p.poke()
		return last, ctx.Err()
	}
}

func (p *provisioningPoller) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// loop runs rounds while anyone waits.
func (p *provisioningPoller) loop() {
	gap := p.minGap
	var last time.Time
	for {
		p.mu.Lock()
		if len(p.waiters) == 0 {
			p.running = false
			p.mu.Unlock()
			return
		}
		at := p.nextRoundLocked(last, gap)
		p.mu.Unlock()
		if d := time.Until(at); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-p.wake:
				t.Stop()
				continue // the waiters changed: decide again
			}
		}
		last = time.Now()
		if p.round() > 0 {
			gap = p.minGap
		} else {
			gap = min(gap*2, p.maxGap)
		}
	}
}

// nextRoundLocked is when the next round is due: once the newest waiter has
// had settleFirst (or the oldest has waited maxWait for newer ones), and no
// sooner than gap after the last round.
func (p *provisioningPoller) nextRoundLocked(last time.Time, gap time.Duration) time.Time {
	var oldest, newest time.Time
	for w := range p.waiters {
		if oldest.IsZero() || w.since.Before(oldest) {
			oldest = w.since
		}
		if w.since.After(newest) {
			newest = w.since
		}
	}
	at := newest.Add(max(p.settleFirst, min(p.settled, p.maxWait)))
	if capAt := oldest.Add(p.maxWait); capAt.Before(at) {
		at = capAt
	}
	if !last.IsZero() && at.Before(last.Add(gap)) {
		at = last.Add(gap)
	}
	return at
}

// round reads the pending users once and wakes those who settled; it
// returns how many it woke.
func (p *provisioningPoller) round() int {
	p.mu.Lock()
	pending := map[string][]*provisioningWaiter{}
	for w := range p.waiters {
		pending[w.userID] = append(pending[w.userID], w)
	}
	pages := p.pages
	p.rounds++
	p.mu.Unlock()
	// The round belongs to no waiter: its reads may wait on the pacer for a
	// window (about a minute), and a round cut short is no answer, not an
	// error for the waiters (each ends at its own deadline).
	ctx, cancel := context.WithTimeout(context.Background(), p.roundTimeout)
	defer cancel()

	seen := map[string]*okta.AppUser{}
	errs := map[string]error{} // a read that failed for good, by user
	var readErr error
	if pages > 0 && len(pending) <= pages {
		for id := range pending {
			u, err := p.read.GetAppUser(ctx, p.appID, id)
			p.count(&p.gets, 1)
			switch {
			case err == nil:
				seen[id] = u
			case okta.IsNotFound(err):
				seen[id] = nil
			case !retryableReadError(err):
				errs[id] = err
			}
		}
	} else {
		n := 0
		readErr = p.read.ListAppUsersPages(ctx, p.appID, okta.ListAppUsersOptions{ExpandUser: true}, func(page []okta.AppUser) error {
			n++
			for i := range page {
				if _, ok := pending[page[i].ID]; ok {
					seen[page[i].ID] = &page[i]
				}
			}
			return nil
		})
		p.count(&p.lists, n)
		if readErr == nil {
			p.mu.Lock()
			p.pages = n
			p.mu.Unlock()
			for id := range pending {
				if _, ok := seen[id]; !ok {
					seen[id] = nil // not in the list: not assigned
				}
			}
		} else if retryableReadError(readErr) {
			readErr = nil
		}
	}

	if ctx.Err() != nil {
		readErr, errs = nil, nil // what was seen still counts
	}
	woke := 0
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, ws := range pending {
		u, ok := seen[id]
		settled, err := provisioningSettled(id, u, ok)
		if e := cmp.Or(errs[id], readErr); e != nil {
			settled, err = true, e
		}
		for _, w := range ws {
			if u != nil {
				w.last = u
			}
			if _, still := p.waiters[w]; !still || !settled {
				continue
			}
			if age := time.Since(w.since); err == nil && (p.settled == 0 || age < p.settled) {
				p.settled = age
			}
			w.err = err
			delete(p.waiters, w)
			close(w.done)
			woke++
		}
	}
	return woke
}

// provisioningSettled says whether the wait for id is over, given what a
// round saw of it (u nil and ok: not assigned; !ok: no answer this round).
func provisioningSettled(id string, u *okta.AppUser, ok bool) (bool, error) {
	switch {
	case !ok:
		return false, nil
	case u == nil:
		return true, userMessagef("the assignment of user %s disappeared while waiting for provisioning: it was removed outside Terraform", id)
	case u.SyncState == "ERROR":
		return true, &provisioningFailed{userID: id, status: u.Status}
	}
	return provisionedStatus(u.Status, u.SyncState) || u.SyncState == "DISABLED", nil
}

func (p *provisioningPoller) count(n *int, k int) {
	p.mu.Lock()
	*n += k
	p.mu.Unlock()
}
