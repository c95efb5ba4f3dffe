package sandbox

import "strings"

// foldIndex finds a record of one of the world's maps by a case-insensitive
// name (a user's login, a Statsig userName) without scanning the map: a
// fixture of 50,000 assigned users made every load and provisioning a scan,
// and the load quadratic. Records are only ever added, never renamed or
// deleted, through add; the index is not persisted and is built from the map
// when missing (a loaded state) or found stale.
type foldIndex[T any] struct {
	byName map[string]*T
}

// foldKey is the index key; a hit is still confirmed with strings.EqualFold,
// the comparison the lookups always used.
func foldKey(name string) string { return strings.ToLower(name) }

func (x *foldIndex[T]) build(all map[string]*T, name func(*T) string) {
	x.byName = make(map[string]*T, len(all))
	for _, id := range sortedKeys(all) { // the first of equal names, in id order, wins
		if k := foldKey(name(all[id])); x.byName[k] == nil {
			x.byName[k] = all[id]
		}
	}
}

func (x *foldIndex[T]) add(rec *T, name func(*T) string) {
	if x.byName == nil {
		return // built on first lookup
	}
	if k := foldKey(name(rec)); x.byName[k] == nil {
		x.byName[k] = rec
	}
}

func (x *foldIndex[T]) lookup(all map[string]*T, key string, id, name func(*T) string) *T {
	if x.byName == nil {
		x.build(all, name)
	}
	rec := x.byName[foldKey(key)]
	if rec != nil && (all[id(rec)] != rec || !strings.EqualFold(name(rec), key)) {
		x.build(all, name) // changed behind the index's back
		rec = x.byName[foldKey(key)]
	}
	return rec
}

func userLogin(u *userRec) string              { return u.Login }
func userIDOf(u *userRec) string               { return u.ID }
func statsigUserName(u *statsigUserRec) string { return u.UserName }
func statsigUserID(u *statsigUserRec) string   { return u.ID }

func (w *world) addUser(u *userRec) {
	w.Users[u.ID] = u
	w.logins.add(u, userLogin)
}

func (w *world) userByLogin(login string) *userRec {
	return w.logins.lookup(w.Users, login, userIDOf, userLogin)
}

func (w *world) addStatsigUser(su *statsigUserRec) {
	w.SUsers[su.ID] = su
	w.userNames.add(su, statsigUserName)
}

func (w *world) statsigUserByName(userName string) *statsigUserRec {
	return w.userNames.lookup(w.SUsers, userName, statsigUserID, statsigUserName)
}
