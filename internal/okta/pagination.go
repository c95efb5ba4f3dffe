package okta

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// listPages fetches r and every following page, calling fn with each page.
// Okta pages by an opaque cursor in `Link: <...>; rel="next"`.
func listPages[T any](ctx context.Context, c *Client, r *request, fn func([]T) error) error {
	seen := map[string]bool{}
	for {
		var page []T
		resp, err := c.do(ctx, r, &page)
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		next, err := c.nextPage(resp.header)
		if err != nil {
			return fmt.Errorf("okta: %s %s: %w", r.method, r.path, err)
		}
		if next == "" {
			return nil
		}
		// Okta has answered q= searches with a next link back to the same
		// page; stop rather than loop forever.
		if seen[next] {
			return fmt.Errorf("okta: %s %s: pagination loop: next page already fetched", r.method, r.path)
		}
		seen[next] = true
		r = &request{method: http.MethodGet, path: r.path, rawURL: next, retryable: true}
	}
}

// listAll collects every page of r.
func listAll[T any](ctx context.Context, c *Client, r *request) ([]T, error) {
	all := []T{}
	err := listPages(ctx, c, r, func(page []T) error {
		all = append(all, page...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

// nextPage returns the rel="next" URL, resolved against the org URL. It must
// point at the org itself: following it sends our credentials.
func (c *Client) nextPage(h http.Header) (string, error) {
	raw := ""
	for _, l := range parseLinkHeader(h.Values("Link")) {
		if l.hasRel("next") {
			raw = l.url
			break
		}
	}
	if raw == "" {
		return "", nil
	}
	u, err := c.baseURL.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("invalid next page link: %w", err)
	}
	if !strings.EqualFold(u.Scheme, c.baseURL.Scheme) || !strings.EqualFold(u.Host, c.baseURL.Host) {
		return "", fmt.Errorf("refusing next page link to %s://%s: not the org URL %s", u.Scheme, u.Host, c.baseURL.Host)
	}
	u.Fragment = ""
	return u.String(), nil
}

type link struct {
	url  string
	rels []string
}

func (l link) hasRel(rel string) bool {
	for _, r := range l.rels {
		if strings.EqualFold(r, rel) {
			return true
		}
	}
	return false
}

// parseLinkHeader parses RFC 8288 Link header values, each possibly holding
// several comma-separated links. Commas inside <...> or quotes are literal.
func parseLinkHeader(values []string) []link {
	var links []link
	for _, v := range values {
		s := v
		for {
			start := strings.IndexByte(s, '<')
			if start < 0 {
				break
			}
			end := strings.IndexByte(s[start:], '>')
			if end < 0 {
				break
			}
			l := link{url: strings.TrimSpace(s[start+1 : start+end])}
			s = s[start+end+1:]
			// Parameters run up to the next comma that is outside quotes.
			params, rest := splitLinkParams(s)
			s = rest
			for _, p := range params {
				k, val, ok := strings.Cut(p, "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				val = strings.Trim(strings.TrimSpace(val), `"`)
				l.rels = append(l.rels, strings.Fields(val)...)
			}
			links = append(links, l)
		}
	}
	return links
}

func splitLinkParams(s string) (params []string, rest string) {
	inQuote := false
	cur := strings.Builder{}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '"':
			inQuote = !inQuote
			cur.WriteByte(ch)
		case ch == ';' && !inQuote:
			params = append(params, cur.String())
			cur.Reset()
		case ch == ',' && !inQuote:
			params = append(params, cur.String())
			return params, s[i+1:]
		default:
			cur.WriteByte(ch)
		}
	}
	params = append(params, cur.String())
	return params, ""
}

func limitQuery(limit, def, lo, hi int) string {
	if limit <= 0 {
		limit = def
	}
	limit = max(lo, min(limit, hi))
	return fmt.Sprint(limit)
}

// SearchQuote quotes s for a `search` expression value, escaping `"` and `\`.
func SearchQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
