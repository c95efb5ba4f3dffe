package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Spec file names under shared/openapi.
const (
	OktaSpec           = "okta-management-subset.yaml"
	StatsigSCIMSpec    = "statsig-scim.json"
	StatsigConsoleSpec = "statsig-console-subset.json"
)

// ErrUndocumentedStatus is wrapped by ValidateResponse when the operation does
// not document the response status (and no generic error schema applies).
var ErrUndocumentedStatus = errors.New("response status not documented for this operation")

// SpecPath locates a published contract: $STATSIGOKTA_OPENAPI_DIR/name if set,
// else the first shared/openapi/name found walking up from the working
// directory (the specs live beside the repository, e.g. /work/shared/openapi).
func SpecPath(name string) string {
	if dir := os.Getenv("STATSIGOKTA_OPENAPI_DIR"); dir != "" {
		return filepath.Join(dir, name)
	}
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join("shared", "openapi", name)
	}
	for {
		p := filepath.Join(dir, "shared", "openapi", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join("shared", "openapi", name)
		}
		dir = parent
	}
}

// ContractValidator validates requests and responses against one spec.
type ContractValidator struct {
	doc    *openapi3.T
	router routers.Router
	scim   bool
}

var (
	validatorsMu sync.Mutex
	validators   = map[string]*ContractValidator{}
)

// NewContractValidator loads (once per path; cached) and validates a spec.
func NewContractValidator(specPath string) (*ContractValidator, error) {
	validatorsMu.Lock()
	defer validatorsMu.Unlock()
	if v, ok := validators[specPath]; ok {
		return v, nil
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", specPath, err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("validate %s: %w", specPath, err)
	}
	applySpecCorrections(doc)
	// Match any host: the emulators run on 127.0.0.1 with random ports.
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("router %s: %w", specPath, err)
	}
	v := &ContractValidator{doc: doc, router: router, scim: strings.Contains(filepath.Base(specPath), "scim")}
	validators[specPath] = v
	return v, nil
}

// applySpecCorrections fixes places where a published spec contradicts its own
// examples (and the live API), so that valid traffic is not flagged:
//   - Okta JsonPatchOperation.value is typed "object", but the spec's example
//     (and every real app-group PATCH, e.g. /priority) sends scalars.
//   - Okta AppUserUpdateRequest is a oneOf of two schemas that both accept
//     {"profile":{…}} (neither has required fields), so no body could ever
//     match exactly one; treat it as anyOf.
//   - externalId is typed string, but real Okta sends "externalId": null on an
//     app user it has not provisioned (okta-api.md section 7,
//     TestAccResourceOktaAppUserAssignments_read/classic-00.yaml l.374).
func applySpecCorrections(doc *openapi3.T) {
	if doc.Components == nil {
		return
	}
	for _, s := range doc.Components.Schemas {
		if s.Value == nil {
			continue
		}
		if p := s.Value.Properties["externalId"]; p != nil && p.Value != nil {
			p.Value.Nullable = true
		}
	}
	if s := doc.Components.Schemas["JsonPatchOperation"]; s != nil && s.Value != nil {
		if p := s.Value.Properties["value"]; p != nil {
			s.Value.Properties["value"] = openapi3.NewSchemaRef("", &openapi3.Schema{Description: p.Value.Description})
		}
	}
	if s := doc.Components.Schemas["AppUserUpdateRequest"]; s != nil && s.Value != nil && len(s.Value.OneOf) > 0 {
		s.Value.AnyOf, s.Value.OneOf = s.Value.OneOf, nil
	}
}

// realTrafficOverride is one place where recorded Okta traffic (go-vcr
// cassettes of real orgs, shared/reference/okta-api.md section 7) answers with a
// status the spec does not document. Real traffic wins: such an answer is valid.
type realTrafficOverride struct {
	method, path string // path is the spec's template
	status       int    // what real Okta sends
	validateAs   int    // the documented status whose schema the body must match
	emptyBody    bool   // real Okta sends no body (Content-Length: 0) instead
	evidence     string
}

// realTrafficOverrides is the whole table; keep it small and cite the cassette.
// Schema-level facts of the same section are in applySpecCorrections
// (externalId null) or need no change (lastPush and errorSummary are optional,
// and a new mapping really has neither key).
var realTrafficOverrides = []realTrafficOverride{
	{method: http.MethodPost, path: "/api/v1/apps/{appId}/group-push/mappings", status: http.StatusOK, validateAs: http.StatusCreated,
		evidence: "create push mapping: 200, spec 201 (TestAccResourceOktaPushGroup_crud/classic-00.yaml ~l.248, 4 cassettes)"},
	{method: http.MethodDelete, path: "/api/v1/apps/{appId}/group-push/mappings/{mappingId}", status: http.StatusOK, emptyBody: true,
		evidence: "delete push mapping: 200 with Content-Length 0, spec 204 (TestAccResourceOktaPushGroup_crud/classic-00.yaml l.599-617)"},
}

func realTrafficOverrideFor(method, pathTemplate string, status int) *realTrafficOverride {
	for i, o := range realTrafficOverrides {
		if o.method == method && o.path == pathTemplate && o.status == status {
			return &realTrafficOverrides[i]
		}
	}
	return nil
}

func authFunc(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecurityScheme == nil {
		return nil
	}
	name := in.SecurityScheme.Name
	if in.SecurityScheme.Type == "oauth2" || name == "" {
		name = "Authorization"
	}
	if in.RequestValidationInput.Request.Header.Get(name) == "" {
		return fmt.Errorf("missing %s header", name)
	}
	return nil
}

func (v *ContractValidator) input(req *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	if r.URL.Host == "" && req.Host != "" {
		r.URL.Host = req.Host
	}
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return nil, fmt.Errorf("%s %s: no such operation in the spec: %w", req.Method, req.URL.Path, err)
	}
	return &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: authFunc, MultiError: true},
	}, nil
}

// ValidateRequest checks method, path, parameters, security presence and body.
func (v *ContractValidator) ValidateRequest(req *http.Request, body []byte) error {
	in, err := v.input(req, body)
	if err != nil {
		return err
	}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		return fmt.Errorf("%s %s request: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// ValidateResponse checks a response against the operation's documented
// response for that status. For statuses an Okta operation does not document,
// an error body must still match the spec's Error schema. SCIM responses (which
// the spec leaves undocumented) are checked against RFC 7643/7644 shapes.
func (v *ContractValidator) ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	in, err := v.input(req, nil)
	if err != nil {
		return err
	}
	if v.scim {
		return ValidateSCIMResponse(req.Method, req.URL.Path, status, body)
	}
	op := in.Route.Operation
	if o := realTrafficOverrideFor(req.Method, in.Route.Path, status); o != nil && op.Responses.Status(status) == nil {
		if o.emptyBody {
			if len(bytes.TrimSpace(body)) != 0 {
				return fmt.Errorf("%s %s %d: real Okta sends an empty body here, got %q", req.Method, req.URL.Path, status, body)
			}
			return nil
		}
		status = o.validateAs
	}
	if op.Responses.Status(status) == nil && op.Responses.Default() == nil {
		if status >= 400 && v.doc.Components != nil && v.doc.Components.Schemas["Error"] != nil {
			if err := validateJSONAgainst(v.doc.Components.Schemas["Error"].Value, body); err != nil {
				return fmt.Errorf("%s %s %d (undocumented status) error body: %w", req.Method, req.URL.Path, status, err)
			}
			return nil
		}
		return fmt.Errorf("%s %s %d: %w", req.Method, req.URL.Path, status, ErrUndocumentedStatus)
	}
	if header == nil {
		header = http.Header{}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		return fmt.Errorf("%s %s %d response: %w", req.Method, req.URL.Path, status, err)
	}
	return nil
}

func validateJSONAgainst(schema *openapi3.Schema, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse())
}

// ValidateSCIMResponse checks a Statsig SCIM response against the required
// attributes of RFC 7643 (User, Group) and RFC 7644 (ListResponse, Error).
func ValidateSCIMResponse(method, path string, status int, body []byte) error {
	if status == http.StatusNoContent || (method == http.MethodDelete && status < 300 && len(bytes.TrimSpace(body)) == 0) {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("SCIM %s %s %d: body is not a JSON object: %w", method, path, status, err)
	}
	errf := func(format string, a ...any) error {
		return fmt.Errorf("SCIM %s %s %d: %s", method, path, status, fmt.Sprintf(format, a...))
	}
	hasSchema := func(obj map[string]any, urn string) bool {
		list, _ := obj["schemas"].([]any)
		for _, s := range list {
			if s == urn {
				return true
			}
		}
		return false
	}
	if status >= 400 {
		if !hasSchema(m, scimErrSchema) {
			return errf("error lacks schemas [%s]", scimErrSchema)
		}
		if _, ok := m["status"].(string); !ok {
			return errf("error status must be a string")
		}
		return nil
	}
	checkResource := func(obj map[string]any) error {
		id, _ := obj["id"].(string)
		if id == "" {
			return errf("resource lacks id")
		}
		switch {
		case hasSchema(obj, scimUserSchema):
			if u, _ := obj["userName"].(string); u == "" {
				return errf("User %s lacks userName", id)
			}
			if a, ok := obj["active"]; ok {
				if _, ok := a.(bool); !ok {
					return errf("User %s active must be boolean", id)
				}
			}
			if em, ok := obj["emails"]; ok {
				list, _ := em.([]any)
				for _, e := range list {
					if e, _ := e.(map[string]any); e == nil || e["value"] == nil {
						return errf("User %s email lacks value", id)
					}
				}
			}
		case hasSchema(obj, scimGroupSchema):
			if d, _ := obj["displayName"].(string); d == "" {
				return errf("Group %s lacks displayName", id)
			}
			if mem, ok := obj["members"]; ok {
				list, ok := mem.([]any)
				if !ok {
					return errf("Group %s members must be a list", id)
				}
				for _, x := range list {
					if x, _ := x.(map[string]any); x == nil || x["value"] == nil {
						return errf("Group %s member lacks value", id)
					}
				}
			}
		default:
			return errf("resource %s has no core User/Group schema", id)
		}
		return nil
	}
	switch {
	case hasSchema(m, scimListSchema):
		total, ok := m["totalResults"].(float64)
		if !ok {
			return errf("ListResponse lacks totalResults")
		}
		res, has := m["Resources"].([]any)
		if total > 0 && !has {
			return errf("ListResponse lacks Resources")
		}
		if !strings.HasSuffix(path, "/ResourceTypes") && !strings.HasSuffix(path, "/Schemas") {
			for _, r := range res {
				obj, _ := r.(map[string]any)
				if obj == nil {
					return errf("Resources item is not an object")
				}
				if err := checkResource(obj); err != nil {
					return err
				}
			}
		}
		return nil
	case strings.HasSuffix(path, "/ServiceProviderConfig"):
		return nil
	default:
		return checkResource(m)
	}
}

// ValidatingTransport validates every request and response passing through
// it against the contract Select picks (nil skips), collecting the errors.
// It never fails the round trip itself.
type ValidatingTransport struct {
	Base   http.RoundTripper
	Select func(*http.Request) *ContractValidator
	// SkipResponse, when set, exempts responses with these statuses from
	// validation: the sandbox's injected faults are deliberately off-spec.
	SkipResponse func(status int) bool

	mu   sync.Mutex
	errs []error
}

// RoundTrip implements http.RoundTripper.
func (t *ValidatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	var v *ContractValidator
	if t.Select != nil {
		v = t.Select(req)
	}
	if v == nil {
		return base.RoundTrip(req)
	}
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	if err := v.ValidateRequest(req, body); err != nil {
		t.add(err)
	}
	res, err := base.RoundTrip(req)
	if err != nil {
		return res, err
	}
	rb, rerr := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(rb))
	if rerr != nil {
		return res, rerr
	}
	if t.SkipResponse != nil && t.SkipResponse(res.StatusCode) {
		return res, nil
	}
	if err := v.ValidateResponse(req, res.StatusCode, res.Header, rb); err != nil {
		t.add(err)
	}
	return res, nil
}

func (t *ValidatingTransport) add(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs = append(t.errs, err)
}

// Errors returns the validation errors collected so far.
func (t *ValidatingTransport) Errors() []error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]error(nil), t.errs...)
}

// Reset forgets collected errors.
func (t *ValidatingTransport) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs = nil
}

// NewValidatingTransport returns a transport that validates traffic to s:
// Okta calls (except /oauth2, which the subset spec does not cover) against
// the Okta spec, /scim against the SCIM spec and /console against the Console spec.
func (s *Sandbox) NewValidatingTransport(base http.RoundTripper) (*ValidatingTransport, error) {
	okta, err := NewContractValidator(SpecPath(OktaSpec))
	if err != nil {
		return nil, err
	}
	scim, err := NewContractValidator(SpecPath(StatsigSCIMSpec))
	if err != nil {
		return nil, err
	}
	console, err := NewContractValidator(SpecPath(StatsigConsoleSpec))
	if err != nil {
		return nil, err
	}
	oktaHost := strings.TrimPrefix(s.OktaURL(), "http://")
	statsigHost := strings.TrimPrefix(s.StatsigURL(), "http://")
	return &ValidatingTransport{Base: base, Select: func(r *http.Request) *ContractValidator {
		switch {
		case r.URL.Host == oktaHost && strings.HasPrefix(r.URL.Path, "/api/"):
			return okta
		case r.URL.Host == statsigHost && strings.HasPrefix(r.URL.Path, "/scim/"):
			return scim
		case r.URL.Host == statsigHost && strings.HasPrefix(r.URL.Path, "/console/"):
			return console
		}
		return nil
	}}, nil
}
