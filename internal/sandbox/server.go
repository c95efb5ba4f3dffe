// Package sandbox is an in-memory, in-process emulator of the Okta Management
// API (the subset the provider uses, plus the OAuth token endpoint) and of the
// Statsig SCIM and Console APIs. It follows the published contracts in
// shared/openapi and the fact sheets in shared/reference.
//
// Where recorded real Okta traffic (okta-api.md section 7) and the spec
// disagree, the sandbox answers as the recorded traffic shows, and the
// contract check (contract.go, realTrafficOverrides) accepts it.
//
// Choices made where the facts are UNCONFIRMED in the fact sheet (each also
// noted at the code):
//   - UNCONFIRMED: E0000046 (unassigning a user an assigned group still grants
//     access) is HTTP 403, for any app user with a group source, whatever its scope.
//   - UNCONFIRMED: POST of an existing assignment is an upsert; a GROUP-scoped
//     one becomes USER.
//   - UNCONFIRMED: what X-Rate-Limit-Limit/-Remaining report when a token may
//     use only its share (default 50 %) of an org bucket: Options.RateLimitReport
//     picks the org bucket (default) or the token's share. The per-token
//     window is the org bucket's window.
//   - UNCONFIRMED: a 429 for more than MaxInFlight (75) requests in flight
//     carries no X-Rate-Limit-* headers.
//   - UNCONFIRMED: /api/v1/groups/{id}/users counts against the groups bucket.
//   - UNCONFIRMED: the error code for DELETE of an ACTIVE mapping (400 E0000001
//     here); whether Okta allows only one mapping per source group (it does here).
//   - UNCONFIRMED, not emulated: app imports (no API triggers them; pending
//     import rows never appear in the app user list here).
//   - Group push: one mapping per source group and one per target group; only
//     members assigned and PROVISIONED are pushed; when two mappings give the
//     same user different roles in one project, the last push wins.
//   - Group push is asynchronous, as recorded traffic shows: a new (or
//     reactivated) mapping has no lastPush and no errorSummary keys; its
//     initial push happens Options.PushDelay later. Create answers 200 and
//     delete 200 with an empty body (the spec says 201 and 204).
//   - UNCONFIRMED: on an app whose features lack GROUP_PUSH, a mapping is
//     accepted (real Okta did, for features []) but never pushes.
//   - targetGroupName creates the APP_GROUP in Okta and asks Statsig (SCIM
//     POST /Groups) for it: only team groups can be created; otherwise the
//     mapping is created in status ERROR with an errorSummary.
//   - DELETE of a mapping: ACTIVE -> 400; ERROR may be deleted; with
//     deleteTargetGroup=true a team target deletes the Statsig team (and its
//     APP_GROUPs), a project target is refused with 400 E0000001 and the
//     mapping is left as it was. PATCH of an ERROR mapping -> 400.
//   - Deactivation in Statsig wipes all roles; re-provisioning reactivates the
//     same Statsig user id without roles; pushes then re-grant.
//   - Resource requests with a DPoP-bound token need a proof with ath but no nonce.
//   - Faults apply to Okta /api and Statsig APIs, never to /oauth2 or /_sandbox.
package sandbox

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a Sandbox.
type Options struct {
	Fixture                 *Fixture // nil => DefaultFixture()
	AppsRateLimitPerMinute  int      // shared bucket for all of /api/v1/apps/*; 0 => 100; <0 => unlimited
	OtherRateLimitPerMinute int      // buckets for /api/v1/groups*, /api/v1/users*, /oauth2; 0 => 600; <0 => unlimited
	// TokenSharePercent is the share of each org bucket one API token or
	// service app may use (Okta's default 50); 0 => 50, 100 => all of it.
	TokenSharePercent int
	// RateLimitReport is what X-Rate-Limit-Limit/-Remaining report under a
	// token share, UNCONFIRMED for real Okta: ReportOrgBucket ("" too) or ReportTokenShare.
	RateLimitReport   string
	MaxInFlight       int           // Okta requests in flight per org before 429s; 0 => 75; <0 => unlimited
	ProvisioningDelay time.Duration // assignment -> PROVISIONED (0 => immediate)
	GroupSearchLag    time.Duration // new groups appear in /api/v1/groups?search only after this
	MappingListLag    time.Duration // new push mappings appear in the LIST endpoint only after this
	// PushDelay is how long after a mapping is made (or set ACTIVE) Okta
	// pushes it: only then do members reach the Statsig group and is
	// lastPush set. 0 pushes at the next request, never in the answer.
	PushDelay time.Duration
	Latency   time.Duration // added to every request
	Faults    Faults
	Now       func() time.Time // clock; nil => time.Now
}

// Faults injects failures per request, deterministically from Seed. Rates are 0..1.
type Faults struct {
	Seed                                  int64
	Rate429, Rate5xx, RateReset, RateSlow float64
	SlowLatency                           time.Duration
	// AppliedWrite5xx makes half of the 5xx answers to writes come after the
	// write was applied, as from a gateway that lost the backend's answer.
	// Without it, a 5xx answer never applies the write. (Resets always
	// apply half of the writes they cut.)
	AppliedWrite5xx bool
	// Methods limits the faults to requests of these methods ("POST": only
	// creates fail); empty means every method.
	Methods []string
}

// Sandbox is a running pair of emulated servers (Okta and Statsig).
type Sandbox struct {
	mu       sync.Mutex // guards w, settling, and the option fields below
	w        *world
	opts     Options
	settling bool // fixture load: provisioning is immediate

	creds credentials
	oauth *oauthState

	rl     *rateLimiter
	faults *faultInjector
	rec    recorder

	oktaSrv, statsigSrv *http.Server
	oktaLn, statsigLn   net.Listener
	oktaURL, statsigURL string

	// onChange is called (without locks) after a mutating request; the
	// standalone server uses it to persist state.
	onChange atomic.Pointer[func()]
}

// New starts both servers on 127.0.0.1 with random ports. It panics on error
// (as httptest.NewServer does).
func New(opts Options) *Sandbox {
	s, err := NewServer(opts, "127.0.0.1:0", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("sandbox: %v", err))
	}
	return s
}

// NewServer starts both servers on fixed addresses (for standalone use).
func NewServer(opts Options, oktaAddr, statsigAddr string) (*Sandbox, error) {
	s, err := newSandbox(opts)
	if err != nil {
		return nil, err
	}
	if err := s.listen(oktaAddr, statsigAddr); err != nil {
		return nil, err
	}
	return s, nil
}

func newSandbox(opts Options) (*Sandbox, error) {
	s := &Sandbox{opts: opts}
	if s.opts.Fixture == nil {
		s.opts.Fixture = DefaultFixture()
	}
	s.creds = newCredentials()
	s.oauth = newOAuthState()
	s.rl = newRateLimiter()
	s.faults = newFaultInjector(opts.Faults)
	s.w = newWorld()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.loadFixtureLocked(s.opts.Fixture); err != nil {
		return nil, err
	}
	return s, nil
}

func newWorld() *world {
	return &world{
		Seed:      1,
		Users:     map[string]*userRec{},
		Groups:    map[string]*groupRec{},
		AppUsers:  map[string]*appUserRec{},
		AppGroups: map[string]*appGroupRec{},
		Mappings:  map[string]*mappingRec{},
		SUsers:    map[string]*statsigUserRec{},
		SGroups:   map[string]*statsigGroupRec{},
		FailNext:  map[string]string{},
	}
}

func (s *Sandbox) listen(oktaAddr, statsigAddr string) error {
	var lc net.ListenConfig
	ol, err := lc.Listen(context.Background(), "tcp", oktaAddr)
	if err != nil {
		return fmt.Errorf("okta listener: %w", err)
	}
	sl, err := lc.Listen(context.Background(), "tcp", statsigAddr)
	if err != nil {
		ol.Close()
		return fmt.Errorf("statsig listener: %w", err)
	}
	s.oktaLn, s.statsigLn = ol, sl
	s.oktaURL = "http://" + ol.Addr().String()
	s.statsigURL = "http://" + sl.Addr().String()
	s.oktaSrv = &http.Server{Handler: s.oktaHandler(), ReadHeaderTimeout: 30 * time.Second}
	s.statsigSrv = &http.Server{Handler: s.statsigHandler(), ReadHeaderTimeout: 30 * time.Second}
	go serve(s.oktaSrv, ol)
	go serve(s.statsigSrv, sl)
	return nil
}

// serve runs srv on ln. Serve only returns once the listener fails or the
// server is closed (http.ErrServerClosed); there is no one to report that to.
func serve(srv *http.Server, ln net.Listener) {
	_ = srv.Serve(ln)
}

// Close stops both servers immediately.
func (s *Sandbox) Close() {
	for _, srv := range []*http.Server{s.oktaSrv, s.statsigSrv} {
		if srv != nil {
			srv.Close()
		}
	}
}

// Shutdown stops both servers gracefully.
func (s *Sandbox) Shutdown(ctx context.Context) error {
	var errs []error
	for _, srv := range []*http.Server{s.oktaSrv, s.statsigSrv} {
		if srv != nil {
			errs = append(errs, srv.Shutdown(ctx))
		}
	}
	return errors.Join(errs...)
}

// OktaURL is the org URL, e.g. http://127.0.0.1:38811 (no trailing slash).
func (s *Sandbox) OktaURL() string { return s.oktaURL }

// StatsigURL is the Statsig base URL; SCIM is under /scim, Console under /console/v1.
func (s *Sandbox) StatsigURL() string { return s.statsigURL }

// SCIMBaseURL is StatsigURL()+"/scim".
func (s *Sandbox) SCIMBaseURL() string { return s.statsigURL + "/scim" }

// ConsoleBaseURL is StatsigURL()+"/console/v1".
func (s *Sandbox) ConsoleBaseURL() string { return s.statsigURL + "/console/v1" }

// AppID is the id of the Statsig app in Okta.
func (s *Sandbox) AppID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.App.ID
}

func (s *Sandbox) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *Sandbox) provisioningDelay() time.Duration {
	if s.settling {
		return 0
	}
	return s.opts.ProvisioningDelay
}

// SetProvisioningDelay changes the delay for assignments made from now on.
func (s *Sandbox) SetProvisioningDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.ProvisioningDelay = d
}

// SetGroupSearchLag changes the search index lag for groups created from now on.
func (s *Sandbox) SetGroupSearchLag(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.GroupSearchLag = d
}

// SetMappingListLag changes the list lag for mappings created from now on.
func (s *Sandbox) SetMappingListLag(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.MappingListLag = d
}

// SetLatency changes the latency added to every request.
func (s *Sandbox) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Latency = d
}

// SetFaults replaces the fault configuration (and restarts its sequence).
func (s *Sandbox) SetFaults(f Faults) { s.faults.set(f) }

// SetAppsRateLimit changes the apps bucket limit (per minute; <0 unlimited).
func (s *Sandbox) SetAppsRateLimit(perMinute int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perMinute == 0 {
		perMinute = 100
	}
	s.opts.AppsRateLimitPerMinute = perMinute
}

// SetOtherRateLimit changes the groups/users/oauth bucket limits (per minute; <0 unlimited).
func (s *Sandbox) SetOtherRateLimit(perMinute int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perMinute == 0 {
		perMinute = 600
	}
	s.opts.OtherRateLimitPerMinute = perMinute
}

// SetTokenShare changes the per-token share of every bucket (0 => 50) and
// what the rate-limit headers report (ReportOrgBucket or ReportTokenShare).
func (s *Sandbox) SetTokenShare(percent int, report string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.TokenSharePercent, s.opts.RateLimitReport = percent, report
}

// SetMaxInFlight changes the org's limit on requests in flight (0 => 75; <0 unlimited).
func (s *Sandbox) SetMaxInFlight(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.MaxInFlight = n
}

func (s *Sandbox) maxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.MaxInFlight == 0 {
		return DefaultMaxInFlight
	}
	return s.opts.MaxInFlight
}

func (s *Sandbox) bucketPolicy(bucket string) bucketPolicy {
	p := bucketPolicy{limit: s.bucketLimit(bucket)}
	s.mu.Lock()
	defer s.mu.Unlock()
	p.sharePercent = s.opts.TokenSharePercent
	if p.sharePercent <= 0 {
		p.sharePercent = 50
	}
	p.sharePercent = min(p.sharePercent, 100)
	p.report = s.opts.RateLimitReport
	return p
}

func (s *Sandbox) bucketLimit(bucket string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch bucket {
	case "apps":
		if s.opts.AppsRateLimitPerMinute == 0 {
			return 100
		}
		return s.opts.AppsRateLimitPerMinute
	case "groups", "users", "oauth":
		if s.opts.OtherRateLimitPerMinute == 0 {
			return 600
		}
		return s.opts.OtherRateLimitPerMinute
	}
	return -1
}

func (s *Sandbox) latency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.Latency
}

// randToken returns n random alphanumerics.
func randToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(alnum[int(c)%len(alnum)])
	}
	return sb.String()
}
