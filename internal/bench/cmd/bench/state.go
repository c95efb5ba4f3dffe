package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

const providerAddr = "registry.terraform.io/statsigokta/statsigokta"

// resourceSchema is what the state needs of a resource type's schema.
type resourceSchema struct {
	Version int `json:"version"`
	Block   struct {
		Attributes map[string]json.RawMessage `json:"attributes"`
	} `json:"block"`
}

// providerSchemas asks Terraform for the provider's resource schemas, so the
// seeded state has exactly the attributes the provider declares.
func providerSchemas(o options, dir string, env []string) (map[string]resourceSchema, error) {
	cmd := exec.CommandContext(o.ctx, o.terraform, "providers", "schema", "-json")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = string(ee.Stderr)
		}
		return nil, fmt.Errorf("terraform providers schema: %w\n%s", err, stderr)
	}
	var doc struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas map[string]resourceSchema `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, err
	}
	for addr, p := range doc.ProviderSchemas {
		if strings.HasSuffix(addr, "/statsigokta") {
			return p.ResourceSchemas, nil
		}
	}
	return nil, fmt.Errorf("no statsigokta provider in the schema output")
}

// state is a Terraform state (format 4) that names every seeded object with
// its id and the arguments of the configuration; everything else is null
// until the refresh fills it in.
func (o *org) state(schemas map[string]resourceSchema, bySource map[string]sandbox.PushMapping) ([]byte, error) {
	type instance struct {
		IndexKey            int            `json:"index_key"`
		SchemaVersion       int            `json:"schema_version"`
		Attributes          map[string]any `json:"attributes"`
		SensitiveAttributes []any          `json:"sensitive_attributes"`
	}
	type resource struct {
		Mode      string     `json:"mode"`
		Type      string     `json:"type"`
		Name      string     `json:"name"`
		Provider  string     `json:"provider"`
		Instances []instance `json:"instances"`
	}
	var resources []resource
	add := func(typ, name string, keys []string, known func(key string) map[string]any) error {
		sch, ok := schemas[typ]
		if !ok {
			return fmt.Errorf("the provider has no resource %s", typ)
		}
		r := resource{Mode: "managed", Type: typ, Name: name, Provider: `provider["` + providerAddr + `"]`}
		for i, k := range keys {
			attrs := map[string]any{}
			for a := range sch.Block.Attributes {
				attrs[a] = nil
			}
			for a, v := range known(k) {
				if _, ok := attrs[a]; !ok {
					return fmt.Errorf("%s has no attribute %s", typ, a)
				}
				attrs[a] = v
			}
			r.Instances = append(r.Instances, instance{IndexKey: i, SchemaVersion: sch.Version, Attributes: attrs, SensitiveAttributes: []any{}})
		}
		resources = append(resources, r)
		return nil
	}
	if err := add("statsigokta_user_assignment", "u", o.userIDs, func(id string) map[string]any {
		return map[string]any{"id": id, "user_id": id, "wait_for_provisioning": true}
	}); err != nil {
		return nil, err
	}
	if err := add("statsigokta_group_assignment", "g", o.assignedGroups, func(id string) map[string]any {
		return map[string]any{"id": id, "group_id": id}
	}); err != nil {
		return nil, err
	}
	if err := add("statsigokta_group_push", "p", o.pushSources, func(src string) map[string]any {
		m := bySource[src]
		return map[string]any{"id": m.ID, "source_group_id": src, "target_group_id": m.TargetGroupID, "status": m.Status}
	}); err != nil {
		return nil, err
	}
	return json.MarshalIndent(map[string]any{
		"version":           4,
		"terraform_version": "1.5.7",
		"serial":            1,
		"lineage":           "00000000-0000-4000-8000-000000000b3c",
		"outputs":           map[string]any{},
		"resources":         resources,
		"check_results":     nil,
	}, "", " ")
}
