package appsnapshot

import (
	"context"
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"
)

// list is the snapshot of one list endpoint, indexed by key.
type list[T any] struct {
	load func(ctx context.Context) ([]T, error)
	key  func(*T) string

	mu        sync.Mutex
	loaded    bool
	items     []T
	index     map[string]int
	loadedGen uint64

	// gen counts invalidations; a load records the gen it started at, so a
	// write that lands during a load keeps the list stale.
	gen uint64
	// stale: written since the load; the next listing reloads.
	stale bool
	// allDirty: a write touched an entry whose key is unknown; point reads
	// go to the API until a load that started after it.
	allDirty bool
	// dirty: entries this process wrote; point reads go to the API for as
	// long as the process lives (lists may lag behind writes).
	dirty map[string]bool

	sf singleflight.Group

	// counters, for tests and logs
	loads, hits, misses int
}

func newList[T any](load func(context.Context) ([]T, error), key func(*T) string) *list[T] {
	return &list[T]{load: load, key: key, dirty: map[string]bool{}}
}

// ensure loads the list if it never was, or, with fresh, reloads it when a
// write touched it since. Concurrent callers share one load; a caller whose
// context ends stops waiting, but the load goes on for the others.
func (l *list[T]) ensure(ctx context.Context, fresh bool) error {
	l.mu.Lock()
	if l.loaded && (!fresh || !l.stale) {
		l.mu.Unlock()
		return nil
	}
	gen := l.gen
	l.mu.Unlock()

	ch := l.sf.DoChan(strconv.FormatUint(gen, 10), func() (any, error) {
		items, err := l.load(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		index := make(map[string]int, len(items))
		for i := range items {
			index[l.key(&items[i])] = i
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		l.loads++
		if l.loaded && gen < l.loadedGen {
			return nil, nil // a load that started later has landed already
		}
		l.items, l.index, l.loaded, l.loadedGen = items, index, true, gen
		if l.gen == gen {
			l.stale, l.allDirty = false, false
		}
		return nil, nil
	})
	select {
	case <-ctx.Done():
		return ctx.Err()
	case res := <-ch:
		return res.Err
	}
}

// get returns a copy of the entry with key k. ok is false on a miss (not in
// the list, or written since), which the caller serves with one GET.
func (l *list[T]) get(ctx context.Context, k string) (item *T, ok bool, err error) {
	if l.isDirty(k) {
		l.count(&l.misses)
		return nil, false, nil
	}
	if err := l.ensure(ctx, false); err != nil {
		return nil, false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	i, found := l.index[k]
	if !found || l.allDirty || l.dirty[k] {
		l.misses++
		return nil, false, nil
	}
	l.hits++
	v := l.items[i]
	return &v, true, nil
}

// lookup is get for a create's "does it exist?": absent is true when the
// list, loaded in this process, lacks k and nothing this process wrote can
// have added it since (so the caller needs no GET to know).
func (l *list[T]) lookup(ctx context.Context, k string) (item *T, absent bool, err error) {
	item, ok, err := l.get(ctx, k)
	if ok || err != nil {
		return item, false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, listed := l.index[k]
	return nil, l.loaded && !listed && !l.allDirty && !l.dirty[k], nil
}

func (l *list[T]) isDirty(k string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.allDirty || l.dirty[k]
}

func (l *list[T]) count(n *int) {
	l.mu.Lock()
	*n++
	l.mu.Unlock()
}

// all returns a copy of the whole list, reloading it first if a write touched
// it since it was loaded.
func (l *list[T]) all(ctx context.Context) ([]T, error) {
	if err := l.ensure(ctx, true); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits++
	return append([]T(nil), l.items...), nil
}

// invalidate records a write: of the entry with key k, or, with k empty, of
// an entry whose key is not known.
func (l *list[T]) invalidate(k string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen++
	l.stale = true
	if k == "" {
		l.allDirty = true
	} else {
		l.dirty[k] = true
	}
}

// markStale records a write that changed the list but no entry a point read
// could be served wrongly for (a new entry, which a point read misses anyway).
func (l *list[T]) markStale() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen++
	l.stale = true
}

// Stats are a list's counters.
type Stats struct {
	Loads, Hits, Misses int
	Loaded              bool
	Size                int
}

func (l *list[T]) stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{Loads: l.loads, Hits: l.hits, Misses: l.misses, Loaded: l.loaded, Size: len(l.items)}
}
