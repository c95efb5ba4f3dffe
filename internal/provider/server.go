package provider

import (
	"context"
	"os"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// providerAddress is the provider's registry address.
const providerAddress = "registry.terraform.io/statsigokta/statsigokta"

// Serve serves the provider over plugin protocol 6 until Terraform stops it;
// main.go calls it. It is providerserver.Serve with the framework's server
// wrapped in releaseContexts.
func Serve(_ context.Context, version string, debug bool) error {
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	// Started by Terraform: this process's declarations meet those of the
	// run's other provider processes (declarations_shared.go).
	var shared *sharedDeclarations
	var refused error // a shared directory not used, warned of in Configure
	if !debug {
		shared, refused = openSharedDeclarations()
		defer shared.close()
	}
	return tf6server.Serve(providerAddress, func() tfprotov6.ProviderServer {
		server, _ := newProtocol6Server(version, shared, refused)()
		return server
	}, opts...)
}

// NewProtocol6Server returns the provider's protocol 6 server, as
// providerserver.NewProtocol6WithError does, wrapped in releaseContexts and
// observeState.
func NewProtocol6Server(version string) func() (tfprotov6.ProviderServer, error) {
	return newProtocol6Server(version, nil, nil)
}

func newProtocol6Server(version string, shared *sharedDeclarations, sharedRefused error) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		quietFrameworkTrace()
		p := newProvider(version)
		p.shared, p.sharedRefused = shared, sharedRefused
		server, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		return observeState{releaseContexts{server}, p}, nil
	}
}

// quietFrameworkTrace turns off terraform-plugin-framework's own log lines
// unless Terraform's logging is on. The framework logs trace lines per value
// in its passes over a request, and the provider formats and sends every
// line, which Terraform then drops when TF_LOG is unset: a plan of a
// statsigokta_user_assignments of 2,000 users took 3.7-4.1 s with them and
// 3.1-3.3 s without (and 12.8 s against 4.8 s with users as a dynamic
// attribute, which it traces value by value). The framework reads
// TF_LOG_SDK_FRAMEWORK for every request; a level set by the user wins.
func quietFrameworkTrace() {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK"} {
		if os.Getenv(v) != "" {
			return
		}
	}
	_ = os.Setenv("TF_LOG_SDK_FRAMEWORK", "off")
}

// releaseContexts works around a leak in terraform-plugin-framework (1.19,
// internal/proto6server/serve.go): every call registers a cancel function
// for its context in a list that is emptied only by StopProvider, so the
// provider process keeps every request's context for its whole life, and
// with it the loggers terraform-plugin-go attaches to it: about 11 KB per
// call. A plan of 5,000 resources makes some 20,000 calls; the provider grew
// past 700 MB (internal/bench).
//
// The framework gets, instead of the request's context, a small one that
// forwards to it until the call returns and is then cut loose from it: the
// list keeps a few hundred bytes per call instead.
type releaseContexts struct {
	tfprotov6.ProviderServer
}

// releasableContext forwards to the context it holds, which release swaps
// for one that is canceled and carries no values.
type releasableContext struct {
	inner atomic.Pointer[context.Context]
}

var releasedContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

func (c *releasableContext) ctx() context.Context        { return *c.inner.Load() }
func (c *releasableContext) Deadline() (time.Time, bool) { return c.ctx().Deadline() }
func (c *releasableContext) Done() <-chan struct{}       { return c.ctx().Done() }
func (c *releasableContext) Err() error                  { return c.ctx().Err() }
func (c *releasableContext) Value(key any) any           { return c.ctx().Value(key) }
func (c *releasableContext) release()                    { c.inner.Store(&releasedContext) }
func (c *releasableContext) String() string              { return "provider.releasableContext" }
func newReleasableContext(ctx context.Context) *releasableContext {
	c := &releasableContext{}
	c.inner.Store(&ctx)
	return c
}

// call runs f with a releasable context, released when f returns.
func call[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newReleasableContext(ctx)
	defer rc.release()
	return f(rc, req)
}

func (s releaseContexts) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return call(ctx, req, s.ProviderServer.GetMetadata)
}

func (s releaseContexts) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return call(ctx, req, s.ProviderServer.GetProviderSchema)
}

func (s releaseContexts) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return call(ctx, req, s.ProviderServer.GetResourceIdentitySchemas)
}

func (s releaseContexts) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return call(ctx, req, s.ProviderServer.ValidateProviderConfig)
}

func (s releaseContexts) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return call(ctx, req, s.ProviderServer.ConfigureProvider)
}

func (s releaseContexts) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.ProviderServer.ValidateResourceConfig)
}

// observeState tells the provider which objects the instances in state
// hold. Terraform sends every instance it reads from state through
// UpgradeResourceState, even with -refresh=false and for a tainted instance,
// before it plans that instance; the framework answers it without calling
// the resource when the schema version is unchanged, so this is the one
// place that sees it (declarations.go: replacementOf).
type observeState struct {
	releaseContexts
	provider *statsigOktaProvider
}

func (s observeState) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	resp, err := s.releaseContexts.UpgradeResourceState(ctx, req)
	if err == nil && req.RawState != nil && !hasErrorDiagnostic(resp.Diagnostics) {
		s.provider.heldInState(req.TypeName, req.RawState.JSON)
	}
	return resp, err
}

func hasErrorDiagnostic(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func (s releaseContexts) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s releaseContexts) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.ProviderServer.ReadResource)
}

func (s releaseContexts) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s releaseContexts) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s releaseContexts) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.ProviderServer.ImportResourceState)
}

func (s releaseContexts) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return call(ctx, req, s.ProviderServer.MoveResourceState)
}

func (s releaseContexts) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return call(ctx, req, s.ProviderServer.UpgradeResourceIdentity)
}

func (s releaseContexts) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return call(ctx, req, s.ProviderServer.GenerateResourceConfig)
}

func (s releaseContexts) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s releaseContexts) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.ProviderServer.ReadDataSource)
}

func (s releaseContexts) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return call(ctx, req, s.ProviderServer.CallFunction)
}

func (s releaseContexts) GetFunctions(ctx context.Context, req *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return call(ctx, req, s.ProviderServer.GetFunctions)
}
