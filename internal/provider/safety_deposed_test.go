package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// A create_before_destroy replacement whose create succeeded and whose
// destroy of the old object failed leaves in state a current object and a
// deposed one holding the same assignment. The later plans must work, the
// deposed object's destroy must not unassign what the current object holds,
// and destroy must still remove the assignment.
func TestAccSafety_deposedHoldsTheCurrentObject(t *testing.T) {
	for _, tc := range []struct {
		name    string // the admin's situation
		target  func(*testing.T) inPlaceTarget
		destroy bool // terraform destroy right after, instead of plan and apply
	}{
		{"a user assignment left deposed by a failed create_before_destroy, then plan and apply", userTarget, false},
		{"a group assignment left deposed by a failed create_before_destroy, then plan and apply", groupTarget, false},
		{"a user assignment left deposed by a failed create_before_destroy, then destroy", userTarget, true},
		{"a group assignment left deposed by a failed create_before_destroy, then destroy", groupTarget, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{})
			target := tc.target(t)
			cli.writeConfig(providerConfig(sb) + target.config(sb, "  lifecycle {\n    create_before_destroy = true\n  }\n"))
			cli.mustRun("apply", "-auto-approve", "-input=false")
			cli.deposeCopy(target.addr)
			mark := len(sb.Requests())
			if tc.destroy {
				cli.mustRun("destroy", "-auto-approve", "-input=false")
				if err := target.assigned(sb); err == nil {
					t.Error("the assignment is still in Okta after destroy")
				}
				if n := cli.stateResources(); n > 0 {
					t.Errorf("state holds %d objects after destroy, want none", n)
				}
				return
			}
			if out := cli.mustRun("plan", "-input=false"); !strings.Contains(out, "deposed") {
				t.Errorf("the plan does not destroy the deposed object:\n%s", out)
			}
			cli.mustRun("apply", "-auto-approve", "-input=false")
			if err := checkWritesSince(sb, mark); err != nil {
				t.Error(err)
			}
			target.expectSettled(t, cli, sb)
			cli.mustRun("destroy", "-auto-approve", "-input=false")
			if err := target.assigned(sb); err == nil {
				t.Error("the assignment is still in Okta after destroy")
			}
		})
	}
}

// deposeCopy adds to the resource's instance in the state file a deposed
// copy of it: what Terraform leaves when a create_before_destroy
// replacement's create of the same object succeeds and the old object's
// destroy fails (an interrupted apply, say).
func (c *cliRun) deposeCopy(addr string) {
	c.t.Helper()
	path := filepath.Join(c.dir, "terraform.tfstate")
	data, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	type object = map[string]json.RawMessage
	var st object
	var resources []object
	var serial int
	if err := json.Unmarshal(data, &st); err != nil {
		c.t.Fatal(err)
	}
	if err := json.Unmarshal(st["resources"], &resources); err != nil {
		c.t.Fatal(err)
	}
	if err := json.Unmarshal(st["serial"], &serial); err != nil {
		c.t.Fatal(err)
	}
	found := false
	for _, res := range resources {
		var typ, name string
		var instances []object
		_ = json.Unmarshal(res["type"], &typ)
		_ = json.Unmarshal(res["name"], &name)
		if typ+"."+name != addr || json.Unmarshal(res["instances"], &instances) != nil || len(instances) != 1 {
			continue
		}
		deposed := object{"deposed": json.RawMessage(`"0a1b2c3d"`)}
		for k, v := range instances[0] {
			deposed[k] = v
		}
		res["instances"] = c.marshal(append(instances, deposed))
		found = true
	}
	if !found {
		c.t.Fatalf("state has no single instance of %s", addr)
	}
	st["resources"], st["serial"] = c.marshal(resources), c.marshal(serial+1)
	if err := os.WriteFile(path, c.marshal(st), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

func (c *cliRun) marshal(v any) json.RawMessage {
	c.t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}
