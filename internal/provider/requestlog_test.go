package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// oktaWrite is one Okta write, as the safety tests compare it: method, path
// and the JSON body (nil for none).
type oktaWrite struct {
	method, path string
	body         map[string]any
}

func (w oktaWrite) String() string {
	if w.body == nil {
		return w.method + " " + w.path
	}
	b, _ := json.Marshal(w.body)
	return w.method + " " + w.path + " " + string(b)
}

// wantWrite is an expected write. A body lists the fields the request must
// send, and no other top-level field; within a nested object (an app user's
// whole profile) the listed fields must be there with these values.
func wantWrite(method, path string, body map[string]any) oktaWrite {
	return oktaWrite{method, path, body}
}

// assignUserWrite is the direct assignment of a user (POST to the app's
// users), with the org_role when role is not "".
func assignUserWrite(sb *sandbox.Sandbox, userID, role string) oktaWrite {
	body := map[string]any{"id": userID, "scope": "USER"}
	if role != "" {
		body["profile"] = map[string]any{"statsigOrgRole": role}
	}
	return wantWrite(http.MethodPost, "/api/v1/apps/"+sb.AppID()+"/users", body)
}

// setRoleWrite is an org_role change: the app user's profile, sent whole.
func setRoleWrite(sb *sandbox.Sandbox, userID, role string) oktaWrite {
	return wantWrite(http.MethodPost, "/api/v1/apps/"+sb.AppID()+"/users/"+userID,
		map[string]any{"profile": map[string]any{"statsigOrgRole": role}})
}

func unassignUserWrite(sb *sandbox.Sandbox, userID string) oktaWrite {
	return wantWrite(http.MethodDelete, "/api/v1/apps/"+sb.AppID()+"/users/"+userID, nil)
}

// assignGroupWrite is a group's assignment (PUT, Okta's upsert); body is
// what it sends: priority, profile.
func assignGroupWrite(sb *sandbox.Sandbox, groupID string, body map[string]any) oktaWrite {
	return wantWrite(http.MethodPut, "/api/v1/apps/"+sb.AppID()+"/groups/"+groupID, body)
}

func unassignGroupWrite(sb *sandbox.Sandbox, groupID string) oktaWrite {
	return wantWrite(http.MethodDelete, "/api/v1/apps/"+sb.AppID()+"/groups/"+groupID, nil)
}

// matches reports whether the write got is the expected write w.
func (w oktaWrite) matches(got oktaWrite) bool {
	if w.method != got.method || w.path != got.path || (w.body == nil) != (got.body == nil) {
		return false
	}
	if len(w.body) != len(got.body) {
		return false
	}
	return containsJSON(w.body, got.body)
}

// containsJSON reports whether every field of want is in got with the same
// value; nested objects are compared the same way.
func containsJSON(want, got map[string]any) bool {
	for k, v := range want {
		g, ok := got[k]
		if !ok {
			return false
		}
		wm, wIsMap := v.(map[string]any)
		gm, gIsMap := g.(map[string]any)
		switch {
		case wIsMap && gIsMap:
			if !containsJSON(wm, gm) {
				return false
			}
		case wIsMap != gIsMap:
			return false
		default:
			a, _ := json.Marshal(v)
			b, _ := json.Marshal(g)
			if string(a) != string(b) {
				return false
			}
		}
	}
	return true
}

// oktaWritesSince lists the Okta writes Okta accepted (2xx) after the first
// n requests. A refused write changed nothing: Delete retries Okta's
// E0000046 while a group's assignment is going away.
func oktaWritesSince(sb *sandbox.Sandbox, n int) []oktaWrite {
	var out []oktaWrite
	for i, r := range sb.Requests() {
		if i < n || r.Service != "okta" || r.Method == http.MethodGet || strings.HasPrefix(r.Path, "/oauth2/") || r.Status/100 != 2 {
			continue
		}
		w := oktaWrite{method: r.Method, path: r.Path}
		if len(r.Body) > 0 {
			if err := json.Unmarshal(r.Body, &w.body); err != nil {
				w.body = map[string]any{"unparsed body": string(r.Body)}
			}
		}
		out = append(out, w)
	}
	return out
}

// writesMatch reports whether got holds exactly the wanted writes, in any
// order.
func writesMatch(got, want []oktaWrite) bool {
	if len(got) != len(want) {
		return false
	}
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && w.matches(g) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// expectWritesSince checks, at a step, that exactly the wanted writes (in any
// order, bodies included) were made since the mark.
func expectWritesSince(sb *sandbox.Sandbox, mark *int, want ...oktaWrite) resource.TestCheckFunc {
	return func(*terraform.State) error { return checkWritesSince(sb, *mark, want...) }
}

func checkWritesSince(sb *sandbox.Sandbox, mark int, want ...oktaWrite) error {
	if got := oktaWritesSince(sb, mark); !writesMatch(got, want) {
		return fmt.Errorf("Okta writes:\n  got  %v\n  want %v", got, want)
	}
	return nil
}

// Assertions on the sandbox's request log about the two creates that are not
// safe to repeat (the app-user POST and the push-mapping POST): each object is
// created at most once, and a create is repeated only after a look-up that
// could have found the effect of the attempt before it.

// createKey names the object a create is for: the user of an app-user POST
// (its body's id), the source group of a push-mapping POST (one mapping per
// source). ok is false for anything else.
func createKey(r sandbox.Request) (key string, ok bool) {
	if !r.IsCreate() {
		return "", false
	}
	var body struct {
		ID            string `json:"id"`
		SourceGroupID string `json:"sourceGroupId"`
	}
	if json.Unmarshal(r.Body, &body) != nil {
		return "", false
	}
	if strings.HasSuffix(r.Path, "/group-push/mappings") {
		return "mapping of " + body.SourceGroupID, body.SourceGroupID != ""
	}
	return "app user " + body.ID, body.ID != ""
}

// looksUp says whether r (a GET) can find what a create for key made: the app
// user by id or in the app user list; the mapping in the mapping list (for
// that source, or unfiltered) or by id.
func looksUp(r sandbox.Request, key string, mappingIDs map[string]bool) bool {
	// Only an answer counts: a 429, a 5xx or a cut connection says nothing
	// about whether the object is there.
	if r.Method != http.MethodGet || r.Service != "okta" || (r.Status != http.StatusOK && r.Status != http.StatusNotFound) {
		return false
	}
	if id, ok := strings.CutPrefix(key, "app user "); ok {
		return strings.HasSuffix(r.Path, "/users/"+id) || (strings.HasPrefix(r.Path, "/api/v1/apps/") && strings.HasSuffix(r.Path, "/users"))
	}
	source := strings.TrimPrefix(key, "mapping of ")
	if strings.HasSuffix(r.Path, "/group-push/mappings") {
		q, _ := url.ParseQuery(r.RawQuery)
		return q.Get("sourceGroupId") == "" || q.Get("sourceGroupId") == source
	}
	i := strings.LastIndex(r.Path, "/group-push/mappings/")
	return i >= 0 && mappingIDs[r.Path[i+len("/group-push/mappings/"):]]
}

// createAudit is what the log shows of the creates.
type createAudit struct {
	applied    map[string]int // applied creates per object (since its last delete)
	attempts   int            // create requests
	objects    map[string]bool
	repeats    int      // creates after an earlier attempt for the same object
	duplicates []string // objects created more than once
	blind      []string // repeats with no look-up since the attempt before
	// raced lists objects created twice where the last look-up before the
	// repeat arrived while the earlier attempt was still being processed (a
	// slow answer the client gave up on): the provider repeated the create
	// without looking long enough, which is a duplicate all the same.
	raced []string
}

// auditCreates reads the log in the order the requests arrived (the log is
// in the order they were answered: a slow create is logged after the
// look-up that followed it). A delete of the object ends its history (a
// replacement creates it anew); a 429 is an answer Okta gives before doing
// anything, so a repeat after one needs no look-up.
func auditCreates(reqs []sandbox.Request) createAudit {
	reqs = slices.Clone(reqs)
	slices.SortStableFunc(reqs, func(a, b sandbox.Request) int { return a.Time.Compare(b.Time) })
	a := createAudit{applied: map[string]int{}, objects: map[string]bool{}}
	type history struct {
		attempted, lookedUp bool
		mappingIDs          map[string]bool
		appliedDone         time.Time // when the last applied attempt was processed
		lastLookUp          time.Time // arrival of the last look-up since the attempt before
	}
	hist := map[string]*history{}
	get := func(key string) *history {
		if hist[key] == nil {
			hist[key] = &history{mappingIDs: map[string]bool{}}
		}
		return hist[key]
	}
	for _, r := range reqs {
		if key, ok := createKey(r); ok {
			h := get(key)
			a.attempts++
			a.objects[key] = true
			if h.attempted {
				a.repeats++
				if !h.lookedUp {
					a.blind = append(a.blind, fmt.Sprintf("%s: %s %s repeated with no look-up since the attempt before",
						r.Time.Format("15:04:05.000"), r.Method, key))
				}
			}
			if r.Applied {
				a.applied[key]++
				switch {
				case a.applied[key] != 2:
				case h.lookedUp && h.lastLookUp.Before(h.appliedDone):
					a.raced = append(a.raced, fmt.Sprintf("%s: the look-up at %s arrived before the attempt it looked for was processed (%s)",
						key, h.lastLookUp.Format("15:04:05.000"), h.appliedDone.Format("15:04:05.000")))
				default:
					a.duplicates = append(a.duplicates, key+" created twice")
				}
				h.appliedDone = r.Done
				if strings.HasPrefix(key, "mapping of ") {
					h.mappingIDs[r.ObjectID] = true
				}
			}
			// A 429 was refused before anything was done: as if never sent.
			h.attempted = h.attempted || r.Status != http.StatusTooManyRequests
			h.lookedUp = h.lookedUp && r.Status == http.StatusTooManyRequests
			continue
		}
		if r.Method == http.MethodDelete && r.Applied {
			for key, h := range hist {
				if strings.HasSuffix(key, " "+r.ObjectID) || h.mappingIDs[r.ObjectID] {
					delete(hist, key)
					delete(a.applied, key)
				}
			}
			continue
		}
		for key, h := range hist {
			if h.attempted && looksUp(r, key, h.mappingIDs) {
				h.lookedUp, h.lastLookUp = true, r.Time
			}
		}
	}
	sort.Strings(a.duplicates)
	return a
}

// problems lists what breaks the two rules (at most one applied create per
// object, however the repeat came about; no repeat without a look-up), at
// most ten lines.
func (a createAudit) problems() []string {
	out := append(append(slices.Clone(a.duplicates), a.raced...), a.blind...)
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("... and %d more", len(out)-10))
	}
	return out
}

// expectCreatesSafe fails t when the recorded requests show an object created
// twice or a create repeated without a look-up before it.
func expectCreatesSafe(t *testing.T, reqs []sandbox.Request) createAudit {
	t.Helper()
	a := auditCreates(reqs)
	if p := a.problems(); len(p) > 0 {
		t.Errorf("non-idempotent creates:\n  %s", strings.Join(p, "\n  "))
	}
	return a
}

// expectOneCreatePerObject fails t unless each of the objects (createKey
// names) was created exactly once, and nothing else was created.
func expectOneCreatePerObject(t *testing.T, reqs []sandbox.Request, keys ...string) {
	t.Helper()
	a := expectCreatesSafe(t, reqs)
	want := map[string]bool{}
	for _, k := range keys {
		want[k] = true
		if a.applied[k] != 1 {
			t.Errorf("%s: %d successful creates, want exactly 1", k, a.applied[k])
		}
	}
	for k, n := range a.applied {
		if !want[k] {
			t.Errorf("%s: %d successful creates, want none", k, n)
		}
	}
}

func TestAuditCreates(t *testing.T) {
	post := func(path, body string, status int, applied bool) sandbox.Request {
		return sandbox.Request{Method: "POST", Service: "okta", Path: "/api/v1/apps/0oa1" + path, Body: []byte(body), Status: status, Applied: applied, ObjectID: "x"}
	}
	get := func(path, query string) sandbox.Request {
		return sandbox.Request{Method: "GET", Service: "okta", Path: "/api/v1/apps/0oa1" + path, RawQuery: query, Status: 200}
	}
	user := post("/users", `{"id":"00u1"}`, 200, true)
	lost := post("/users", `{"id":"00u1"}`, 502, true)
	limited := post("/users", `{"id":"00u1"}`, 429, false)
	mapping := post("/group-push/mappings", `{"sourceGroupId":"00g1","targetGroupId":"00g2"}`, 0, true)
	for _, c := range []struct {
		name     string
		reqs     []sandbox.Request
		problems int
	}{
		{"one create", []sandbox.Request{user}, 0},
		{"a 429, then the create", []sandbox.Request{limited, user}, 0},
		{"lost answer, look-up, no repeat", []sandbox.Request{lost, get("/users/00u1", "")}, 0},
		{"blind repeat after a 5xx (upserted twice)", []sandbox.Request{lost, user}, 2},
		{"repeat after a look-up in the list", []sandbox.Request{post("/users", `{"id":"00u1"}`, 500, false), get("/users", "limit=500"), user}, 0},
		{"look-up of another user does not count", []sandbox.Request{post("/users", `{"id":"00u1"}`, 500, false), get("/users/00u2", ""), user}, 1},
		{"mapping repeated blindly", []sandbox.Request{mapping, post("/group-push/mappings", `{"sourceGroupId":"00g1"}`, 400, false)}, 1},
		{"mapping looked up by source", []sandbox.Request{mapping, get("/group-push/mappings", "sourceGroupId=00g1"), post("/group-push/mappings", `{"sourceGroupId":"00g1"}`, 400, false)}, 0},
		{"mapping looked up by another source", []sandbox.Request{mapping, get("/group-push/mappings", "sourceGroupId=00g9"), post("/group-push/mappings", `{"sourceGroupId":"00g1"}`, 400, false)}, 1},
		{"look-up raced a slow attempt", []sandbox.Request{
			{Method: "POST", Service: "okta", Path: "/api/v1/apps/0oa1/users", Body: []byte(`{"id":"00u1"}`), Status: 200, Applied: true,
				Time: time.Unix(0, 0), Done: time.Unix(2, 0)},
			{Method: "GET", Service: "okta", Path: "/api/v1/apps/0oa1/users/00u1", Status: 404, Time: time.Unix(1, 0), Done: time.Unix(1, 0)},
			{Method: "POST", Service: "okta", Path: "/api/v1/apps/0oa1/users", Body: []byte(`{"id":"00u1"}`), Status: 200, Applied: true,
				Time: time.Unix(3, 0), Done: time.Unix(3, 0)},
		}, 1},
		{"delete, then create again", []sandbox.Request{user, {Method: "DELETE", Service: "okta", Path: "/api/v1/apps/0oa1/users/00u1", Status: 204, Applied: true, ObjectID: "00u1"}, user}, 0},
	} {
		if got := len(auditCreates(c.reqs).problems()); got != c.problems {
			t.Errorf("%s: %d problems, want %d: %v", c.name, got, c.problems, auditCreates(c.reqs).problems())
		}
	}
}
