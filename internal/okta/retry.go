package okta

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
)

// request describes one logical API call; do may send it several times.
type request struct {
	method string
	path   string     // escaped API path, e.g. /api/v1/apps/0oa1/users
	query  url.Values // ignored when rawURL is set
	rawURL string     // absolute URL of a "next" page; overrides path+query
	body   any
	// retryable marks calls that may be repeated after a 5xx or connection
	// error: Okta may have processed the first attempt, so only idempotent
	// calls qualify. 429s are always retried (Okta did not process them).
	retryable bool
	// wrote is the escaped path of the object a write touches when it is not
	// the request's (a POST to a collection naming the object in its body);
	// OnWrite reports it instead.
	wrote string
}

// response is what callers need of an HTTP answer after the body is read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends r with retries and decodes a 2xx JSON body into out (if non-nil).
func (c *Client) do(ctx context.Context, r *request, out any) (*response, error) {
	target := r.rawURL
	if target == "" {
		target = c.endpoint(r.path, r.query)
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("okta: %s %s: invalid URL: %w", r.method, r.path, err)
	}
	logPath := u.EscapedPath()

	var body []byte
	if r.body != nil {
		if body, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("okta: %s %s: encoding request: %w", r.method, logPath, err)
		}
	}

	// A write that Okta applied, or may have applied, is reported once the
	// call returns, so caches drop what it touched.
	maybeApplied := false
	if c.onWrite != nil && r.method != http.MethodGet {
		defer func() {
			if maybeApplied {
				c.onWrite(r.method, cmp.Or(r.wrote, logPath))
			}
		}()
	}

	authRetries := 0
	for attempt := 1; ; attempt++ {
		resp, sent, err := c.attempt(ctx, r.method, u, body)
		if (err == nil && (resp.status < 300 || resp.status >= 500)) || (err != nil && sent) {
			maybeApplied = true
		}
		if err == nil && resp.status < 300 {
			c.logAttempt(ctx, r.method, logPath, resp, attempt, 0)
			if out != nil && len(bytes.TrimSpace(resp.body)) > 0 {
				if err := json.Unmarshal(resp.body, out); err != nil {
					return resp, fmt.Errorf("okta: %s %s: decoding response: %w", r.method, logPath, err)
				}
			}
			return resp, nil
		}

		var (
			lastErr error
			retry   bool
			wait    time.Duration
		)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, fmt.Errorf("okta: %s %s: %w", r.method, logPath, ctx.Err())
			}
			lastErr = err
			if apiErr, ok := AsAPIError(err); ok {
				// The token endpoint failed; the API call itself was never sent.
				switch {
				case apiErr.StatusCode == http.StatusTooManyRequests:
					retry, wait = true, apiErr.RetryAfter
				case apiErr.StatusCode >= 500:
					retry, wait = true, c.backoff(attempt)
				}
			} else {
				// A request that never left can always be retried.
				retry, wait = r.retryable || !sent, c.backoff(attempt)
				lastErr = fmt.Errorf("okta: %s %s: %w", r.method, logPath, err)
			}
		case resp.status == http.StatusUnauthorized && authRetries < 2 && c.auth.retryUnauthorized(resp.header):
			// A fresh DPoP nonce or a refreshed token: try again at once,
			// without spending a retry.
			c.logAttempt(ctx, r.method, logPath, resp, attempt, 0)
			authRetries++
			attempt--
			continue
		case resp.status == http.StatusUnauthorized && dpopProofRefused(resp.header):
			// Typically a replayed proof: when a reused connection breaks
			// after a GET was sent, Go's transport sends it again with the
			// same headers, and Okta refuses the proof's jti the second time.
			// Okta did not process the request, so it is safe to repeat; the
			// next attempt signs a new proof.
			lastErr, retry = newAPIError(r.method, logPath, resp.status, resp.header, resp.body), true
		case resp.status == http.StatusTooManyRequests:
			wait = c.rateLimitWait(resp.header, attempt)
			apiErr := newAPIError(r.method, logPath, resp.status, resp.header, resp.body)
			apiErr.RetryAfter = wait
			lastErr, retry = apiErr, true
		case resp.status >= 500:
			lastErr = newAPIError(r.method, logPath, resp.status, resp.header, resp.body)
			retry, wait = r.retryable, c.backoff(attempt)
		default:
			c.logAttempt(ctx, r.method, logPath, resp, attempt, 0)
			return resp, newAPIError(r.method, logPath, resp.status, resp.header, resp.body)
		}

		if !retry || attempt > c.maxRetries {
			c.logAttempt(ctx, r.method, logPath, resp, attempt, 0)
			return resp, lastErr
		}
		c.logAttempt(ctx, r.method, logPath, resp, attempt, wait)
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("okta: %s %s: %w while waiting to retry (last error: %w)", r.method, logPath, err, lastErr)
		}
	}
}

// attempt sends one HTTP request bounded by RequestTimeout and reads the
// whole body. sent is false when the request never left (e.g. token failure).
func (c *Client) attempt(ctx context.Context, method string, u *url.URL, body []byte) (_ *response, sent bool, _ error) {
	// Pacing comes first: its wait is not part of the request's time limit.
	bucket := bucketFor(u.Path)
	release, err := c.pace(ctx, bucket)
	if err != nil {
		return nil, false, err
	}
	defer release()

	actx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()

	var rdr io.Reader
	if body != nil {
		rdr = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, method, u.String(), rdr)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := c.auth.apply(actx, req); err != nil {
		return nil, false, err
	}

	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, true, apiclient.ScrubURLError(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, true, apiclient.ScrubURLError(err)
	}
	c.auth.observe(resp.Header)
	c.rateLimits.observe(bucket, resp.Header, c.now())
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, true, nil
}

// backoff is the wait before retry number attempt after a 5xx or connection
// error: exponential from minBackoff, capped at maxBackoff, plus jitter.
func (c *Client) backoff(attempt int) time.Duration {
	return apiclient.Backoff(attempt, c.minBackoff, c.maxBackoff, c.jitter)
}

// rateLimitWait computes the wait after a 429: until X-Rate-Limit-Reset as
// seen from the server's clock (Date header) so local clock skew does not
// matter, plus jitter so parallel workers do not stampede, capped.
func (c *Client) rateLimitWait(h http.Header, attempt int) time.Duration {
	reset, err := strconv.ParseInt(h.Get("X-Rate-Limit-Reset"), 10, 64)
	if err != nil || reset <= 0 {
		return min(c.backoff(attempt), c.maxRateLimitWait)
	}
	now := c.now()
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	wait := time.Unix(reset, 0).Sub(now)
	if wait < 0 {
		wait = 0
	}
	wait += 250*time.Millisecond + c.jitter(750*time.Millisecond)
	return min(wait, c.maxRateLimitWait)
}

func (c *Client) logAttempt(ctx context.Context, method, path string, resp *response, attempt int, wait time.Duration) {
	fields := map[string]any{
		"method":  method,
		"path":    path,
		"attempt": attempt,
		// Never the credential itself: tokens, proofs and keys stay out of logs.
		"authorization": c.auth.masked(),
	}
	if resp != nil {
		fields["status"] = resp.status
		if v := resp.header.Get("X-Rate-Limit-Remaining"); v != "" {
			fields["rate_limit_remaining"] = v
		}
	}
	if wait > 0 {
		fields["retry_wait"] = wait.String()
	}
	tflog.Debug(ctx, "Okta API request", fields)
}

// dpopProofRefused reports a 401 whose WWW-Authenticate challenge says the
// DPoP proof was refused (error="invalid_dpop_proof").
func dpopProofRefused(h http.Header) bool {
	return parseWWWAuthenticate(h.Values("WWW-Authenticate"))["error"] == "invalid_dpop_proof"
}
