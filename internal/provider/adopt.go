package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// Interrupted applies. When `terraform apply` is killed after Okta made an
// assignment or a push link but before Terraform saved it in state, the next
// apply plans to create it again and finds it already there. Neither Okta
// (no tags on app users, group assignments or mappings) nor Terraform (no
// state was saved) can say whose it is. The provider adopts it only when
// both of these hold, and otherwise refuses with the import command:
//
//   - it is exactly what the configuration asks for (a direct assignment
//     with the configured org_role; a group assignment with the configured
//     priority and org_role; a link of the same source to the same target
//     with the configured status), so adopting it changes nothing in Okta;
//   - Okta says it was created or last changed within adoptWindow, which an
//     interrupted run followed by a rerun is, and an assignment made by hand
//     long before the resource was written is not.
//
// An adoption is never silent, and never only an apply's: the plan of a
// create says adopted = true and warns "Will adopt", naming the object and
// how to undo it, and the apply adopts nothing the plan did not show
// (sincePlan).

// adoptedAttribute is the `adopted` attribute of the user and group
// assignments. A create's plan sets it (planExisting); keepAdopted keeps it
// on update.
func adoptedAttribute(what, unknownWhen string) schema.BoolAttribute {
	return adoptedAttributeOf(what, "assignment", "a \"Will adopt\" warning", unknownWhen, "Kept as it is on update")
}

// adoptedLinkAttribute is statsigokta_group_push's: a move makes a new
// mapping, so its plan says false (ModifyPlan).
func adoptedLinkAttribute() schema.BoolAttribute {
	return adoptedAttributeOf("a link (a group push mapping of the source group to the target)", "link",
		"an \"Existing link will be adopted\" warning", "a source or target not known until apply, and the first "+
			"of the two plans Terraform makes of a replacement", "Kept as it is on update, except a move to another "+
			"Statsig group, which makes a new mapping and plans `false`")
}

// targetedAdoption is said of every adoption a plan announces: a plan with
// -target cannot see the other declarations (Terraform does not read them).
const targetedAdoption = "A plan with -target sees only the targeted resources: if another resource in this " +
	"configuration declares the same object, this is a second declaration of it. Do not apply; remove one of the two."

func adoptedAttributeOf(what, noun, warning, unknownWhen, onUpdate string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Computed: true,
		MarkdownDescription: "Whether the apply took into state " + what + " that already existed in Okta, as an " +
			"interrupted apply leaves it (see the interrupted-runs guide), instead of making it. Known in the plan of a " +
			"create: `false` when the apply makes the " + noun + ", `true` when it adopts one that the plan announces with " +
			warning + "; unknown only where the plan cannot look (" + unknownWhen + "). A saved plan " +
			"is applied only as it was planned: if the " + noun + " was made in Okta after a plan that said `false`, or " +
			"removed after one that said `true`, the apply stops before any change (Terraform reports \"Provider " +
			"produced inconsistent final plan\" for `adopted`); plan again. " + onUpdate + "; null after import.",
		PlanModifiers: []planmodifier.Bool{keepAdopted{}},
	}
}

// keepAdopted plans an update's adopted as state has it, null after an
// import included: only a create decides it.
type keepAdopted struct{}

func (keepAdopted) Description(context.Context) string { return "Keeps the value in state on update." }

func (m keepAdopted) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keepAdopted) PlanModifyBool(_ context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if !req.State.Raw.IsNull() {
		resp.PlanValue = req.StateValue
	}
}

// adoptWindow is how recently an identical object must have been created or
// changed in Okta to be taken as left behind by an interrupted apply.
const adoptWindow = time.Hour

// lastChanged is the latest of the timestamps Okta reports for an object.
func lastChanged(times ...*time.Time) (time.Time, bool) {
	var latest time.Time
	for _, t := range times {
		if t != nil && t.After(latest) {
			latest = *t
		}
	}
	return latest, !latest.IsZero()
}

// adoptRefusal says why an object last changed at changed is too old to be
// adopted, or "" when it is recent enough.
func adoptRefusal(changed time.Time, ok bool) string {
	if !ok {
		return "Okta did not say when it was made, so it cannot be told apart from one made by hand"
	}
	age := time.Since(changed)
	if age < adoptWindow { // a negative age (clock skew) is recent too
		return ""
	}
	return fmt.Sprintf("it was last changed at %s (%s ago), too long ago to be left behind by an interrupted apply, "+
		"which the provider would adopt if it were created or changed within the last %s",
		changed.UTC().Format(time.RFC3339), roundAge(age), adoptWindow)
}

func roundAge(d time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d < time.Minute:
		return d.Round(time.Second)
	default:
		return d.Round(time.Minute)
	}
}

// addAdoptedWarning reports an adoption.
func addAdoptedWarning(diags *diag.Diagnostics, what, matches string, changed time.Time, undo string) {
	diags.AddWarning("Adopted an existing "+what,
		fmt.Sprintf("The %s already existed in Okta, exactly as configured (%s), made or changed at %s (%s ago). That is "+
			"what an apply interrupted after Okta made it, but before Terraform saved it in state, leaves behind, so "+
			"the provider manages it now instead of failing; nothing was changed in Okta.\n\nIf it was made by someone "+
			"else, it is now managed by this configuration all the same: %s",
			what, matches, changed.UTC().Format(time.RFC3339), roundAge(time.Since(changed)), undo))
}

// adoption is the decision about an object found where Create expected none.
type adoption struct {
	matches string    // what was compared, for the warning
	changed time.Time // when Okta says it was made or last changed
	refusal string    // why it is not adopted; "" when it is
}

// appUserAdoption decides about an existing direct assignment.
func appUserAdoption(existing *okta.AppUser, orgRole types.String) adoption {
	a := adoption{matches: "a direct assignment, scope USER"}
	have := profileOrgRole(existing.Profile)
	if known(orgRole) {
		if have != orgRole.ValueString() {
			a.refusal = fmt.Sprintf("its org_role is %q, and the configuration says %q", have, orgRole.ValueString())
			return a
		}
		a.matches += ", org_role " + have
	}
	var ok bool
	a.changed, ok = lastChanged(existing.Created, existing.LastUpdated)
	a.refusal = adoptRefusal(a.changed, ok)
	return a
}

// appGroupAdoption decides about an existing group assignment.
func appGroupAdoption(existing *okta.ApplicationGroupAssignment, priority types.Int64, orgRole types.String) adoption {
	a := adoption{matches: "a group assignment"}
	if !priority.IsNull() && !priority.IsUnknown() {
		if existing.Priority == nil || int64(*existing.Priority) != priority.ValueInt64() {
			have := "none"
			if existing.Priority != nil {
				have = fmt.Sprint(*existing.Priority)
			}
			a.refusal = fmt.Sprintf("its priority is %s, and the configuration says %d", have, priority.ValueInt64())
			return a
		}
		a.matches += fmt.Sprintf(", priority %d", priority.ValueInt64())
	}
	if known(orgRole) {
		if have := profileOrgRole(existing.Profile); have != orgRole.ValueString() {
			a.refusal = fmt.Sprintf("its org_role is %q, and the configuration says %q", have, orgRole.ValueString())
			return a
		}
		a.matches += ", org_role " + orgRole.ValueString()
	}
	var ok bool
	a.changed, ok = lastChanged(existing.LastUpdated)
	a.refusal = adoptRefusal(a.changed, ok)
	return a
}

// existingCheck is one object Create may find where it expected none: how to
// look for it, how to decide about it, and what to tell the admin. The
// user and group assignments share it, at plan time (planExisting) and at
// apply time (createOrAdopt).
type existingCheck[T any] struct {
	kind     objectKind
	id       string
	what     string // "assignment of user 00u...", for the messages
	summary  string // the refusal's summary
	failed   string // the summary of a create Okta refused
	exists   string // the refusal's first words: "Okta user 00u... is already directly assigned to the app"
	resource string // "statsigokta_user_assignment", for the import command
	// find returns the object, or nil when there is none to adopt.
	find   func(context.Context) (*T, error)
	decide func(*T) adoption
	undo   string // how to stop managing it, for the adoption warning
	link   bool   // a group push mapping, not an assignment (for the words)
}

// planned is what ModifyPlan found, kept for the Create of the same walk so
// that Create makes no second look-up.
type plannedExisting[T any] struct{ found *T }

func (c existingCheck[T]) key() declarationKey { return declarationKey{c.kind, c.id} }

// planExisting announces in the plan what Create will find: an adoption (a
// warning) or a refusal (an error with the import command). It returns the
// plan's adopted: whether the apply takes an existing object into state.
func planExisting[T any](ctx context.Context, d *providerData, c existingCheck[T], diags *diag.Diagnostics) types.Bool {
	found, err := c.find(ctx)
	if err != nil {
		diags.AddError(describeAPIError("Could not check for an existing "+c.what, err))
		return types.BoolUnknown()
	}
	d.found.Store(c.key(), plannedExisting[T]{found})
	if found == nil {
		return types.BoolValue(false)
	}
	a := c.decide(found)
	if a.refusal != "" {
		diags.AddError(c.refusedSummary(), c.refusedDetail(a.refusal))
		return types.BoolUnknown()
	}
	diags.AddWarning("Will adopt an existing "+c.what,
		fmt.Sprintf("The %s already exists in Okta, exactly as configured (%s), made or changed at %s (%s ago). That is "+
			"what an apply interrupted after Okta made it, but before Terraform saved it in state, leaves behind, so apply "+
			"will take it into state without changing anything in Okta (adopted = true).\n\nIf someone else made it, it "+
			"becomes managed by this configuration all the same: %s\n\n"+targetedAdoption+"\n\nIf this appears while applying a saved plan that showed "+
			"adopted = false, the %s was made in Okta after that plan, and Terraform stops the apply before any change "+
			"(\"Provider produced inconsistent final plan\" for adopted): run terraform plan again, which shows this "+
			"adoption.", c.what, a.matches, a.changed.UTC().Format(time.RFC3339), roundAge(time.Since(a.changed)), c.undo, c.what))
	return types.BoolValue(true)
}

// createOrAdopt is Create's one path for an object that Okta may hold
// already: it uses what this walk's plan found (or looks, when the plan could
// not), adopts it under the rules above, refuses it with the import command,
// or creates it. planned is the plan's adopted, and a known one is obeyed
// (sincePlan); adopted reports what was done.
func createOrAdopt[T any](ctx context.Context, d *providerData, c existingCheck[T], planned types.Bool,
	create func(context.Context) (*T, error), diags *diag.Diagnostics) (obj *T, adopted bool) {
	var found *T
	if p, ok := d.found.LoadAndDelete(c.key()); ok {
		if cached, ok := p.(plannedExisting[T]); ok {
			found = cached.found
		}
	} else {
		var err error
		if found, err = c.find(ctx); err != nil {
			diags.AddError(describeAPIError("Could not check for an existing "+c.what, err))
			return nil, false
		}
	}
	if summary, detail := c.sincePlan(planned, found); summary != "" {
		diags.AddError(summary, detail)
		return nil, false
	}
	if found != nil {
		a := c.decide(found)
		if a.refusal != "" {
			diags.AddError(c.refusedSummary(), c.refusedDetail(a.refusal))
			return nil, false
		}
		addAdoptedWarning(diags, c.what, a.matches, a.changed, c.undo)
		return found, true
	}
	created, err := create(ctx)
	if err != nil {
		if !errors.Is(err, errReported) {
			diags.AddError(describeAPIError(c.failed, err))
		}
		return nil, false
	}
	return created, false
}

// errReported is a create's error that it has reported in diags already.
var errReported = errors.New("reported")

// sincePlan refuses what the plan did not show: an object that appeared
// after a plan that said adopted = false (adopting it would take over access
// nobody reviewed), or one gone after a plan that said true (making it would
// grant again access someone just removed, where the plan showed no change in
// Okta). Terraform's own check of the apply-time plan against a saved one
// stops both first; this holds when Create looks for itself. It returns ""
// when the apply may go on.
func (c existingCheck[T]) sincePlan(planned types.Bool, found *T) (summary, detail string) {
	switch {
	case planned.IsNull() || planned.IsUnknown():
	case !planned.ValueBool() && found != nil:
		when := ""
		if changed, ok := c.changedAt(found); ok {
			when = fmt.Sprintf(" (made or changed at %s)", changed.UTC().Format(time.RFC3339))
		}
		summary, noun := "Assigned in Okta after the plan", "an assignment"
		if c.link {
			summary, noun = "Linked in Okta after the plan", "a link"
		}
		return summary, fmt.Sprintf("The plan showed that the apply makes the %s (adopted = "+
			"false), but %s now%s: someone or something outside this run made it after the plan. Applying the plan "+
			"would take over %s the plan did not show, so nothing was changed. Run terraform plan again, "+
			"which announces the adoption (or refuses it), or import it:\n\n  terraform import %s.<name> %s",
			c.what, c.exists, when, noun, c.resource, c.id)
	case planned.ValueBool() && found == nil:
		return "Removed from Okta after the plan", fmt.Sprintf("The plan showed that the apply adopts the existing %s "+
			"without changing anything in Okta (adopted = true), but Okta no longer has it: someone or something outside "+
			"this run removed it after the plan. Making it again would grant access the plan did not show as a change, "+
			"so nothing was changed. Run terraform plan again, which shows the %s it makes.", c.what, c.noun())
	}
	return "", ""
}

func (c existingCheck[T]) noun() string {
	if c.link {
		return "link"
	}
	return "assignment"
}

func (c existingCheck[T]) changedAt(found *T) (time.Time, bool) {
	a := c.decide(found)
	return a.changed, !a.changed.IsZero()
}

func (c existingCheck[T]) refusedSummary() string { return c.summary }

func (c existingCheck[T]) refusedDetail(refusal string) string {
	return fmt.Sprintf("%s, outside this Terraform configuration, and the provider does not take it over: %s. To manage it with Terraform, import it:\n\n  terraform import %s.<name> %s\n\nor add an import "+
		"block:\n\n  import {\n    to = %s.<name>\n    id = %q\n  }", c.exists, refusal, c.resource, c.id, c.resource, c.id)
}

// mappingAdoption decides about an existing mapping of the configured source
// group. A mapping in ERROR matches either status: its push failed after it
// was made, which says nothing about who made it.
func mappingAdoption(m *okta.GroupPushMapping, targetGroupID, status string) adoption {
	a := adoption{matches: fmt.Sprintf("a link of Okta group %s to %s, status %s", m.SourceGroupID, m.TargetGroupID, m.Status)}
	switch {
	case m.TargetGroupID != targetGroupID:
		a.refusal = fmt.Sprintf("it pushes to %s, and the configuration says %s", m.TargetGroupID, targetGroupID)
		return a
	case status != "" && m.Status != status && m.Status != okta.GroupPushStatusError:
		a.refusal = fmt.Sprintf("its status is %s, and the configuration says %s", m.Status, status)
		return a
	}
	var ok bool
	a.changed, ok = lastChanged(m.Created, m.LastUpdated)
	a.refusal = adoptRefusal(a.changed, ok)
	return a
}

// createOrAdoptMapping makes the configured link, or takes over the one an
// earlier attempt or an interrupted apply made. It is the one create path of
// statsigokta_group_push:
//
//   - The client does not repeat this POST after a server error or a
//     dropped connection, since the attempt may have been applied; this looks
//     for its mapping before trying again, so a second one is never made.
//   - A refusal after such an attempt can be Okta seeing that attempt's
//     mapping, which its list may not show yet: it is looked for longer.
//   - A refusal on the first attempt (the source is pushed already) adopts
//     the mapping found only when mappingAdoption allows it; adopted then
//     says so, for the warning.
func (r *groupPushResource) createOrAdoptMapping(ctx context.Context, request okta.CreateGroupPushMappingRequest) (mapping *okta.GroupPushMapping, adopted *adoption, err error) {
	uncertain := false // an earlier attempt may have made the mapping
	for attempt := 0; attempt <= r.data.okta.MaxRetries(); attempt++ {
		mapping, err = r.data.okta.CreateGroupPushMapping(ctx, r.data.appID, request)
		if err == nil {
			return mapping, nil, nil
		}
		mayHaveApplied := writeMayHaveApplied(ctx, err)
		if !mayHaveApplied && !okta.HasErrorCode(err, okta.ErrCodeValidation) {
			return nil, nil, err
		}
		wait := mappingListLagWait
		if !mayHaveApplied {
			wait = 2 * mappingListLagWait
		}
		found, findErr := r.findMapping(ctx, request, wait)
		switch {
		case findErr != nil || found == nil:
		case uncertain || mayHaveApplied:
			return found, nil, nil // this apply's own attempt
		default:
			if a := mappingAdoption(found, request.TargetGroupID, request.Status); a.refusal == "" {
				return found, &a, nil
			}
			return nil, nil, err
		}
		if !mayHaveApplied {
			return nil, nil, err
		}
		uncertain = true
	}
	return nil, nil, err
}

// findMapping polls the list of the source group's mappings, for up to wait,
// for one that links it to the requested target, and returns it as GET
// reads it (the list may be stale). It stops early when the source is
// pushed elsewhere: Okta keeps one mapping per source group.
func (r *groupPushResource) findMapping(ctx context.Context, request okta.CreateGroupPushMappingRequest, wait time.Duration) (*okta.GroupPushMapping, error) {
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var found *okta.GroupPushMapping
	err := poll(waitCtx, defaultPoll, func() (bool, error) {
		mappings, err := r.data.okta.ListGroupPushMappings(waitCtx, r.data.appID, okta.ListGroupPushMappingsOptions{SourceGroupID: request.SourceGroupID})
		if err != nil {
			if retryableReadError(err) {
				return false, nil
			}
			return false, err
		}
		switch {
		case len(mappings) == 0:
			return false, nil // the list may lag
		case mappings[0].TargetGroupID != request.TargetGroupID:
			return true, nil // pushed elsewhere: Okta keeps one mapping per source
		}
		found, err = r.data.readMapping(waitCtx, mappings[0].ID)
		return true, err
	})
	if err != nil && ctx.Err() == nil && waitCtx.Err() != nil {
		return nil, nil // waited long enough
	}
	return found, err
}
