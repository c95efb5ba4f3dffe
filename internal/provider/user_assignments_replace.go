package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// The set is never replaced (terraform apply -replace, terraform taint): a
// replacement is refused at plan time, with zero writes.
//
// Destroy first (Terraform's default), a replacement unassigns everyone,
// which deactivates them in Statsig and wipes their roles, and assigns them
// again. Created first (create_before_destroy), the new set's create is
// planned again during apply as an ordinary create over what Okta holds
// then, so a direct assignment made after the plan would be unassigned
// without the plan naming it; and when that apply-time plan stops instead,
// Terraform keeps the old set as a deposed object beside no current one, a
// state that every later plan reads as a rename. The provider cannot see
// which order applies, so it refuses both; what a replacement was for is
// done step by step, each step planned and guarded (see the message).
//
// Terraform does not say that a create plan replaces, and hands it no prior
// state; two traces tell:
//   - for -replace, Terraform plans the instance with its prior state first
//     and then again as a create, handing over that plan's private state,
//     where the first plan leaves setReplaceKey (it has also claimed the
//     users in the registry);
//   - for a tainted set, Terraform hands over no private state, but it
//     reads the tainted instance from state first in the same walk, with or
//     without -refresh: observeState records it under setInState.
//
// A set at another address destroyed in the same plan (a rename without a
// `moved` block) leaves the second trace too; its destroy plan marks the set
// destroying (planDestroy), and the create then fails as a second
// declaration of the set, with the advice for a rename.
const setReplaceKey = "user_assignments_replaced"

var setFromPlan = []byte(`"plan"`)

// setInState is the found key under which observeState records, per walk,
// that the app's set is in state.
const setInState = "user_assignments in state"

type privateKeys interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// replacement says how a create plan replaces the set in state: "" (a new
// set, or a set at another address whose destroy this plan has: a second
// declaration, which claimUsers refuses), "taint" or "replace".
func (r *userAssignmentsResource) replacement(ctx context.Context, private privateKeys) string {
	if v, _ := private.GetKey(ctx, setReplaceKey); string(v) == string(setFromPlan) {
		return "replace"
	}
	if _, ok := r.data.found.Load(setInState); ok && !r.data.declared.awaitDestroying(ctx, declaredUserSet, r.data.appID, groupPlanWait) {
		return "taint"
	}
	return ""
}

// refuseReplacement is the plan-time refusal of a replacement: how says
// which ("taint" or "replace"), directCount how many users Okta assigns
// directly now (-1 when not listed).
func refuseReplacement(how string, directCount int, diags *diag.Diagnostics) {
	undo := "Run the plan without -replace."
	if how == "taint" {
		undo = "Run `terraform untaint` on this resource."
	}
	who := "every user it holds"
	if directCount >= 0 {
		who = fmt.Sprintf("all %d users it holds", directCount)
	}
	diags.AddAttributeError(path.Root("users"), "The set of direct assignments is not replaced",
		fmt.Sprintf("This plan replaces the set (%s). Destroy first, Terraform's default, that unassigns %s, which "+
			"deactivates them in Statsig and removes their Statsig roles, and then assigns them again; with "+
			"create_before_destroy the new set's create would be planned again during apply over what Okta assigns "+
			"by then, which no plan shows. The provider cannot see which order applies, so it refuses both. %s Nothing "+
			"was changed.\n\nTo apply the users map as it is, a plain apply is enough. To have everyone unassigned and "+
			"assigned again on purpose, do it in two reviewed steps: raise max_unassignments and destroy the set "+
			"(terraform destroy -target), then apply.", how, who, undo))
}
