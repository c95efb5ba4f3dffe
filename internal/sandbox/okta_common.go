package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// oktaError is Okta's Error JSON.
type oktaError struct {
	ErrorCode    string       `json:"errorCode"`
	ErrorSummary string       `json:"errorSummary"`
	ErrorLink    string       `json:"errorLink"`
	ErrorID      string       `json:"errorId"`
	ErrorCauses  []errorCause `json:"errorCauses"`
}

type errorCause struct {
	ErrorSummary string `json:"errorSummary"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v) // the status is sent; a write error only means the client went away
	}
}

func writeOktaError(w http.ResponseWriter, status int, code, summary string, causes ...string) {
	e := oktaError{ErrorCode: code, ErrorSummary: summary, ErrorLink: code,
		ErrorID: "oae" + randToken(22), ErrorCauses: []errorCause{}}
	for _, c := range causes {
		e.ErrorCauses = append(e.ErrorCauses, errorCause{ErrorSummary: c})
	}
	writeJSON(w, status, e)
}

// pathRecord is the record m holds under the request's path value param, or
// nil with Okta's not-found error answered (kind names the resource).
func pathRecord[T any](w http.ResponseWriter, r *http.Request, m map[string]*T, param, kind string) *T {
	rec := m[r.PathValue(param)]
	if rec == nil {
		oktaNotFound(w, r.PathValue(param), kind)
	}
	return rec
}

func oktaNotFound(w http.ResponseWriter, id, typ string) {
	writeOktaError(w, http.StatusNotFound, "E0000007", fmt.Sprintf("Not found: Resource not found: %s (%s)", id, typ))
}

func oktaValidation(w http.ResponseWriter, field string, causes ...string) {
	writeOktaError(w, http.StatusBadRequest, "E0000001", "Api validation failed: "+field, causes...)
}

func oktaMalformed(w http.ResponseWriter, err error) {
	writeOktaError(w, http.StatusBadRequest, "E0000003", "The request body was not well-formed.", err.Error())
}

// oktaTime formats times the way Okta does: 2014-06-24T15:27:59.000Z.
func oktaTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func href(u string) map[string]any { return map[string]any{"href": u} }

// parseLimit reads ?limit: absent => def, non-numeric or < 1 => error,
// below lo => lo, above hi => hi when hi > 0 (Okta clamps).
func parseLimit(r *http.Request, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("limit: The field must be a positive integer (got %q)", v)
	}
	if n < lo {
		n = lo
	}
	if hi > 0 && n > hi {
		n = hi
	}
	return n, nil
}

// paginate returns the page of ids (sorted ascending) that follow the opaque
// cursor after, and the cursor of the next page ("" when this is the last).
// The cursor is the id of the last item returned, as Okta does for most lists.
// ids is reordered. Only the page is sorted: sorting every id for each page
// made a listing of 50,000 app users (100 pages) the sandbox's bottleneck.
func paginate(ids []string, after string, limit int) (page []string, next string) {
	rest := ids[:0]
	for _, id := range ids {
		if id > after {
			rest = append(rest, id)
		}
	}
	if len(rest) <= limit {
		sort.Strings(rest)
		return rest, ""
	}
	page = smallest(rest, limit)
	return page, page[len(page)-1]
}

// smallest returns the k smallest of ids (k < len(ids)), sorted, in
// O(n log k): h is a max-heap of the k smallest seen so far.
func smallest(ids []string, k int) []string {
	h := slices.Clone(ids[:k])
	for i := k/2 - 1; i >= 0; i-- {
		siftDown(h, i)
	}
	for _, id := range ids[k:] {
		if id < h[0] {
			h[0] = id
			siftDown(h, 0)
		}
	}
	sort.Strings(h)
	return h
}

func siftDown(h []string, i int) {
	for {
		top := i
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < len(h) && h[c] > h[top] {
				top = c
			}
		}
		if top == i {
			return
		}
		h[i], h[top] = h[top], h[i]
		i = top
	}
}

// setLinks writes Okta's Link headers as recorded real traffic shows them
// (okta-api.md section 7): rel="self" normalised (the limit first, the
// default one when the request gave none; sourceGroupId dropped) and, when
// more results exist, rel="next" with the opaque after cursor and spaces
// encoded as "+" (search=profile.lastName+eq+%22Smith%22).
func (s *Sandbox) setLinks(w http.ResponseWriter, r *http.Request, next string) {
	w.Header().Add("Link", fmt.Sprintf("<%s%s?%s>; rel=\"self\"", s.oktaURL, r.URL.Path, selfQuery(r)))
	if next != "" {
		q := r.URL.Query()
		q.Set("after", next)
		w.Header().Add("Link", fmt.Sprintf("<%s%s?%s>; rel=\"next\"", s.oktaURL, r.URL.Path, q.Encode()))
	}
}

// selfQuery is the normalised query of a self link: limit first, then the
// other parameters in the order the request sent them, without sourceGroupId.
func selfQuery(r *http.Request) string {
	limit := r.URL.Query().Get("limit")
	if limit == "" {
		limit = strconv.Itoa(defaultListLimit(r.URL.Path))
	}
	parts := []string{"limit=" + url.QueryEscape(limit)}
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		key, _, _ := strings.Cut(kv, "=")
		if kv == "" || key == "limit" || key == "sourceGroupId" {
			continue
		}
		parts = append(parts, kv)
	}
	return strings.Join(parts, "&")
}

// Default page sizes of the lists (each handler passes its own to parseLimit).
const (
	defaultLimitAppUsers    = 50
	defaultLimitAppGroups   = 20
	defaultLimitMappings    = 100
	defaultLimitGroups      = 10000
	defaultLimitGroupPrefix = 300 // groups?q=
	defaultLimitGroupUsers  = 1000
	defaultLimitUsers       = 200
)

// defaultListLimit is the page size a list answers with when the request
// gives no limit, as its self link shows it.
func defaultListLimit(path string) int {
	rest, inApp := strings.CutPrefix(path, "/api/v1/apps/")
	switch {
	case inApp && strings.HasSuffix(rest, "/group-push/mappings"):
		return defaultLimitMappings
	case inApp && strings.HasSuffix(rest, "/users"):
		return defaultLimitAppUsers
	case inApp && strings.HasSuffix(rest, "/groups"):
		return defaultLimitAppGroups
	case path == "/api/v1/groups":
		return defaultLimitGroups
	case strings.HasPrefix(path, "/api/v1/groups/"):
		return defaultLimitGroupUsers
	}
	return defaultLimitUsers
}

func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	return dec.Decode(v)
}

// requireScopes enforces OAuth scopes. SSWS tokens carry the admin's full
// permissions. A *.read requirement is also met by the matching *.manage.
func requireScopes(w http.ResponseWriter, r *http.Request, needed ...string) bool {
	p := principalFrom(r)
	if p == nil || p.kind == "ssws" {
		return true
	}
	var missing []string
	for _, n := range needed {
		if !hasScope(p.scopes, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return true
	}
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(
		`Bearer realm="IdpMyAccountAPI", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", scope="%s"`,
		strings.Join(missing, " ")))
	writeOktaError(w, http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action")
	return false
}

func hasScope(granted []string, need string) bool {
	for _, g := range granted {
		if g == need {
			return true
		}
		if strings.HasSuffix(need, ".read") && g == strings.TrimSuffix(need, ".read")+".manage" {
			return true
		}
	}
	return false
}
