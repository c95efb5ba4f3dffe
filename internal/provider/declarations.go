package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// One Okta object, one declaration.
//
// Terraform plans every resource instance of one provider configuration in
// one provider process, and Configure makes a new providerData for each walk
// (plan, then apply). The registry below, a field of providerData, records
// which Okta object each planned instance names, so that two instances naming
// the same user, group assignment or push source fail the plan instead of
// being merged at apply.
//
// The protocol does not tell a provider which resource address it is
// planning, so a conflict names the other declaration by what it configured
// (its label); Terraform adds the address of the instance that reports it.
//
// One instance may be planned twice in one walk: Terraform plans a
// replacement first with its prior state and then again as a create without
// one. The first plan therefore leaves a claim that exactly one later create
// of the same object may take over (replaceClaim); a second taker is a
// conflict.

// objectKind names a kind of Okta object that at most one instance may declare.
type objectKind string

const (
	declaredUser       objectKind = "user"             // a direct app user assignment, by Okta user id
	declaredGroup      objectKind = "group assignment" // an app group assignment, by Okta group id
	declaredPushSource objectKind = "push source"      // a push mapping, by source group id
	// declaredPushTarget is a Statsig group a link points at, by group id:
	// Okta links each to one Okta group. Its owner is the source group, which
	// itself has one declaration, so one instance planned twice (a
	// replacement) is not a second link.
	declaredPushTarget objectKind = "Statsig group"
	// declaredOwner is the Statsig organisation Owner (id "Owner"): Statsig
	// allows one, so at most one user assignment may set org_role = "Owner".
	declaredOwner objectKind = "organisation Owner"
)

type declarationKey struct {
	kind objectKind
	id   string
}

type declaration struct {
	label string // what the instance configured, for the message: `login = "alice"`
	// replacement: left by the prior-state plan of a replaced instance, to be
	// taken over by that instance's own create plan.
	replacement bool
	// destroying: the instance is being destroyed in this plan.
	destroying bool
	// owner, when set, identifies the declaring instance: another
	// declaration with the same owner is that instance again.
	owner string
}

// declarations is the per-walk registry; its zero value is ready to use.
type declarations struct {
	mu   sync.Mutex
	seen map[declarationKey]declaration
	// inState: objects held by the instances Terraform read from state in
	// this walk. A create plan for one of them is that instance's own
	// replacement when Terraform tainted it (see replacementOf). The count is
	// how many objects in state hold it: a current object and a deposed one
	// of a create_before_destroy replacement whose destroy failed hold one
	// object twice (declarations_deposed.go).
	inState map[declarationKey]int
	// made: objects a Create of this apply walk made or adopted, which the
	// Delete of a create_before_destroy replacement must not remove.
	made map[declarationKey]bool
	// keptDestroys: how many destroys this walk planned as kept by another
	// object in state; each lets one Delete skip. destroyPlans: how many of an object's
	// holders are planning a destroy that waits for another holder's plan
	// (declarations_deposed.go).
	keptDestroys map[declarationKey]int
	destroyPlans map[declarationKey]int
	// deleting: objects whose Delete started in this walk.
	deleting map[declarationKey]bool
	// shared: the declarations of the run's other provider processes
	// (declarations_shared.go), nil in a process not started by Terraform;
	// scope names this configuration's org and app there.
	shared *sharedDeclarations
	scope  string
}

// share makes this walk's declarations meet those of the run's other
// provider processes for the same org and app.
func (d *declarations) share(shared *sharedDeclarations, orgURL, appID string) {
	d.shared, d.scope = shared, sharedScope(orgURL, appID)
}

// heldInState records that an instance Terraform read from state holds the
// object; gone takes that back when Read finds the object gone from Okta,
// as Terraform then plans an ordinary create.
func (d *declarations) heldInState(kind objectKind, id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inState == nil {
		d.inState = make(map[declarationKey]int)
	}
	d.inState[declarationKey{kind, id}]++
}

func (d *declarations) gone(kind objectKind, id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.inState, declarationKey{kind, id})
}

// created records that a Create of this walk made or adopted the object.
func (d *declarations) created(kind objectKind, id string) { d.mark(&d.made, kind, id) }

func (d *declarations) mark(m *map[declarationKey]bool, kind objectKind, id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if *m == nil {
		*m = make(map[declarationKey]bool)
	}
	(*m)[declarationKey{kind, id}] = true
}

// wasInState reports whether an instance in state holds the object.
func (d *declarations) wasInState(kind objectKind, id string) bool {
	return d.holders(kind, id) > 0
}

// holders counts the objects in state that hold the object.
func (d *declarations) holders(kind objectKind, id string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inState[declarationKey{kind, id}]
}

// wasCreated reports whether a Create of this walk made or adopted the object.
func (d *declarations) wasCreated(kind objectKind, id string) bool { return d.has(&d.made, kind, id) }

func (d *declarations) has(m *map[declarationKey]bool, kind objectKind, id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return (*m)[declarationKey{kind, id}]
}

// An instance replaced in place: the same Okta object destroyed and made
// again (terraform apply -replace, terraform taint).
//
// For -replace Terraform plans the instance first with its prior state, then
// again as a create with a null prior state and the private state the first
// plan returned. The first plan of every kept instance therefore marks its
// private state with the object it holds (markHeld): a create plan carrying
// the mark for its own object is that instance's replacement, whose claim the
// first plan made already. A tainted instance is planned as a create only,
// with no private state, but Terraform read it from state just before in the
// same walk (observeState, with or without -refresh): a create for an object
// an instance in state holds is that instance's replacement. Two real
// declarations of the object still fail, whichever is planned first, as both
// claim it.

const heldKey = "held"

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// markHeld records in the private state of a plan with a configuration (an
// object kept, changed or replaced) the object the instance holds. Such a
// plan is never a deposed object's, so it also drops a kept_by_another mark
// its Read left while a deposed copy was in state: a replacement's destroy
// half inherits this private state, and must unassign.
func markHeld(ctx context.Context, private privateSetter, id string) diag.Diagnostics {
	value, err := json.Marshal(id)
	if err != nil {
		return nil
	}
	diags := private.SetKey(ctx, keptByAnotherKey, nil)
	diags.Append(private.SetKey(ctx, heldKey, value)...)
	return diags
}

// replacement says how a create plan for the object replaces an instance's
// own object: notReplacing, replacingMarked (the -replace create plan, whose
// first plan claimed the object) or replacingTainted.
type replacement int

const (
	notReplacing replacement = iota
	replacingMarked
	replacingTainted
)

func (d *declarations) replacementOf(ctx context.Context, private privateGetter, kind objectKind, id string) replacement {
	if raw, _ := private.GetKey(ctx, heldKey); raw != nil {
		var held string
		if json.Unmarshal(raw, &held) == nil && held == id {
			return replacingMarked
		}
	}
	if d.wasInState(kind, id) {
		return replacingTainted
	}
	return notReplacing
}

// conflictError is a second declaration of one Okta object in a plan.
type conflictError struct {
	kind        objectKind
	id          string
	first, this string // labels
	destroying  bool   // the first declaration is being destroyed
	elsewhere   bool   // the first is planned through another provider block
}

func (e *conflictError) Error() string {
	first := e.first
	if e.elsewhere {
		first += " (planned through another provider block, an alias or a for_each instance, for the same Okta org and app)"
	}
	if e.kind == declaredOwner && !e.destroying {
		return fmt.Sprintf("Two user assignments in this configuration set org_role = \"Owner\": one with %s and this "+
			"one with %s. Statsig allows one Owner per organisation and refuses a second (\"Cannot set multiple "+
			"owners\"), which would leave that user's provisioning in error. Give Owner to one of them, and "+
			"\"Admin\" to the other.", first, e.this)
	}
	if e.destroying {
		return fmt.Sprintf("This resource declares the %s %s (%s), which another resource in this plan, that had %s, "+
			"is about to remove. Applied together, the create and the destroy of the same Okta object race: the "+
			"object could end up removed while this resource records it. If the resource was renamed or moved, add a "+
			"`moved` block from the old address to the new one instead (or use `terraform state mv`). If both are in "+
			"state holding this one object (a second declaration applied with -target, say), drop the one that goes "+
			"from state with `terraform state rm <its address>`, which leaves Okta as it is.",
			e.kind, e.id, e.this, first)
	}
	return fmt.Sprintf("The %s %s is declared by two resources in this configuration: one with %s and this one with %s. "+
		"Each Okta object may be managed by one resource only, or removing either declaration would remove the access "+
		"the other still declares. Remove one of them (for for_each or count, make sure the keys or lists do not "+
		"overlap).", e.kind, e.id, first, e.this)
}

// claim records that an instance to be created or kept declares the object.
func (d *declarations) claim(kind objectKind, id, label string) error {
	return d.record(kind, id, declaration{label: label})
}

// claimFor records a claim by the instance that owner identifies.
func (d *declarations) claimFor(kind objectKind, id, owner, label string) error {
	return d.record(kind, id, declaration{label: label, owner: owner})
}

// replaceClaim records the new object of an instance planned for
// replacement; that instance's own create plan takes it over.
func (d *declarations) replaceClaim(kind objectKind, id, label string) error {
	return d.record(kind, id, declaration{label: label, replacement: true})
}

// destroying records that an instance being destroyed held the object.
func (d *declarations) destroying(kind objectKind, id, label string) error {
	return d.record(kind, id, declaration{label: label, destroying: true})
}

func (d *declarations) record(kind objectKind, id string, next declaration) error {
	if id == "" {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil {
		d.seen = make(map[declarationKey]declaration)
	}
	key := declarationKey{kind, id}
	prev, ok := d.seen[key]
	switch {
	case !ok:
		if err := d.shared.declare(d.scope+string(kind)+" "+id, kind, id, next); err != nil {
			return err
		}
		d.seen[key] = next
	case next.owner != "" && prev.owner == next.owner:
		// the same instance, planned again
	case prev.replacement && !next.replacement && !next.destroying:
		d.seen[key] = next // the replaced instance's own create plan
	default:
		if c := clash(kind, id, prev, next); c != nil {
			return c
		}
	}
	return nil
}

// clash is the conflict between two declarations of one object, if any: two
// destroys of it are none.
func clash(kind objectKind, id string, prev, next declaration) *conflictError {
	switch {
	case prev.destroying && next.destroying:
		return nil
	case prev.destroying || next.destroying:
		first, this := prev, next
		if next.destroying {
			first, this = next, prev
		}
		return &conflictError{kind: kind, id: id, first: first.label, this: this.label, destroying: true}
	default:
		return &conflictError{kind: kind, id: id, first: prev.label, this: next.label}
	}
}

// declaredBy reports whether an instance planned so far declares the object
// (to be created or kept), and with what label.
func (d *declarations) declaredBy(kind objectKind, id string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	decl, ok := d.seen[declarationKey{kind, id}]
	if !ok || decl.destroying {
		return "", false
	}
	return decl.label, true
}

// destroys reports whether an instance planned so far destroys the object.
func (d *declarations) destroys(kind objectKind, id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.seen[declarationKey{kind, id}].destroying
}

// undecided reports whether an instance in state holds the object and its
// plan has not declared it yet: Terraform may plan it a moment later.
func (d *declarations) undecided(kind objectKind, id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	key := declarationKey{kind, id}
	_, planned := d.seen[key]
	return d.inState[key] > 0 && !planned
}

// holdsAny reports whether an instance in state holds an object of the kind.
func (d *declarations) holdsAny(kind objectKind) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for key := range d.inState {
		if key.kind == kind {
			return true
		}
	}
	return false
}

// declaredIDs lists the objects of a kind that the instances planned so far
// declare to be created or kept.
func (d *declarations) declaredIDs(kind objectKind) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var ids []string
	for key, decl := range d.seen {
		if key.kind == kind && !decl.destroying {
			ids = append(ids, key.id)
		}
	}
	return ids
}

// awaitDestroying reports whether an instance of this plan destroys the
// object. Terraform plans instances in no set order, so when none has
// declared the object yet it waits up to wait for one to.
func (d *declarations) awaitDestroying(ctx context.Context, kind objectKind, id string, wait time.Duration) bool {
	decl, ok := d.await(ctx, kind, id, wait)
	return ok && decl.destroying
}

// awaitDeclared reports whether an instance of this plan declares the object
// in any way (to create, keep, replace or destroy it), waiting as
// awaitDestroying does.
func (d *declarations) awaitDeclared(ctx context.Context, kind objectKind, id string, wait time.Duration) bool {
	_, ok := d.await(ctx, kind, id, wait)
	return ok
}

func (d *declarations) await(ctx context.Context, kind objectKind, id string, wait time.Duration) (decl declaration, ok bool) {
	return d.awaitUnless(ctx, kind, id, wait, func() bool { return false })
}

// awaitUnless is await that also stops once pointless says so (called with
// d.mu held).
func (d *declarations) awaitUnless(ctx context.Context, kind objectKind, id string, wait time.Duration, pointless func() bool) (decl declaration, ok bool) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	_ = poll(ctx, pollBackoff{first: 100 * time.Millisecond, max: 100 * time.Millisecond}, func() (bool, error) {
		d.mu.Lock()
		defer d.mu.Unlock()
		decl, ok = d.seen[declarationKey{kind, id}]
		return ok || pointless(), nil
	})
	return decl, ok
}

// heldInState records in the walk's registry what an instance Terraform
// read from state holds (observeState); raw is its state as JSON.
func (p *statsigOktaProvider) heldInState(typeName string, raw []byte) {
	d := p.current.Load()
	if d == nil || len(raw) == 0 {
		return // not configured in this walk: nothing is planned
	}
	kind := declaredUser
	switch typeName {
	case "statsigokta_user_assignments":
		d.found.Store(setInState, true) // a create plan of the set in this walk replaces this one
		return
	case "statsigokta_user_assignment":
	case "statsigokta_group_assignment":
		kind = declaredGroup
	default:
		return
	}
	var held struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &held) == nil && held.ID != "" {
		d.declared.heldInState(kind, held.ID)
	}
}
