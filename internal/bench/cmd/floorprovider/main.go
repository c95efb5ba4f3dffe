// Command floorprovider is a Terraform provider that does no work: every
// resource call returns what Terraform sent. `make bench -floor-sizes` plans
// with it a resource shaped like statsigokta_user_assignments to measure what
// Terraform core alone spends on a large map, the floor under any provider.
//
// FLOOR_SHAPE picks the users attribute: "nested" (a map nested attribute of
// org_role, user_id, status and sync_state, the shipped schema) or
// "map-string" (a map of strings, the cheapest map Terraform has).
package main

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func main() {
	if err := tf6server.Serve("registry.terraform.io/hashicorp/floor", func() tfprotov6.ProviderServer { return server{} }); err != nil {
		os.Exit(1)
	}
}

// server implements the calls a plan makes; the embedded nil interface
// leaves the others unimplemented (they are never called here).
type server struct{ tfprotov6.ProviderServer }

func computed(name string, typ tftypes.Type) *tfprotov6.SchemaAttribute {
	return &tfprotov6.SchemaAttribute{Name: name, Type: typ, Computed: true}
}

func usersAttribute() *tfprotov6.SchemaAttribute {
	if os.Getenv("FLOOR_SHAPE") == "map-string" {
		return &tfprotov6.SchemaAttribute{Name: "users", Type: tftypes.Map{ElementType: tftypes.String}, Required: true}
	}
	return &tfprotov6.SchemaAttribute{Name: "users", Required: true, NestedType: &tfprotov6.SchemaObject{
		Nesting: tfprotov6.SchemaObjectNestingModeMap,
		Attributes: []*tfprotov6.SchemaAttribute{
			{Name: "org_role", Type: tftypes.String, Optional: true, Computed: true},
			computed("user_id", tftypes.String), computed("status", tftypes.String), computed("sync_state", tftypes.String),
		},
	}}
}

func (server) GetMetadata(context.Context, *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return &tfprotov6.GetMetadataResponse{Resources: []tfprotov6.ResourceMetadata{{TypeName: "floor_set"}}}, nil
}

func (server) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	set := &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
		computed("id", tftypes.String), usersAttribute(),
	}}}
	return &tfprotov6.GetProviderSchemaResponse{Provider: &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{}},
		ResourceSchemas: map[string]*tfprotov6.Schema{"floor_set": set}}, nil
}

func (server) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{}, nil
}

func (server) ValidateProviderConfig(_ context.Context, r *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return &tfprotov6.ValidateProviderConfigResponse{PreparedConfig: r.Config}, nil
}

func (server) ConfigureProvider(context.Context, *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (server) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

func (server) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

// UpgradeResourceState hands the stored JSON back unparsed: Terraform
// decodes JSON as well as msgpack.
func (server) UpgradeResourceState(_ context.Context, r *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &tfprotov6.DynamicValue{JSON: r.RawState.JSON}}, nil
}

func (server) ReadResource(_ context.Context, r *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: r.CurrentState, Private: r.Private}, nil
}

// PlanResourceChange plans what Terraform proposes: for a configuration that
// matches the state, no change.
func (server) PlanResourceChange(_ context.Context, r *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: r.ProposedNewState, PlannedPrivate: r.PriorPrivate}, nil
}
