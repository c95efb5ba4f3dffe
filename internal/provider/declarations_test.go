package provider

import (
	"context"
	"errors"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestDeclarations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		steps    func(d *declarations) error
		conflict bool
	}{
		{"one declaration", func(d *declarations) error {
			return d.claim(declaredUser, "00u1", `login = "a"`)
		}, false},
		{"the same user twice", func(d *declarations) error {
			_ = d.claim(declaredUser, "00u1", `login = "a"`)
			return d.claim(declaredUser, "00u1", `user_id = "00u1"`)
		}, true},
		{"same id, other kind", func(d *declarations) error {
			_ = d.claim(declaredGroup, "00g1", "a")
			return d.claim(declaredPushSource, "00g1", "b")
		}, false},
		{"a replacement's own create plan", func(d *declarations) error {
			_ = d.replaceClaim(declaredUser, "00u2", "r")
			return d.claim(declaredUser, "00u2", "r")
		}, false},
		{"a replacement's object taken twice", func(d *declarations) error {
			_ = d.replaceClaim(declaredUser, "00u2", "r")
			_ = d.claim(declaredUser, "00u2", "r")
			return d.claim(declaredUser, "00u2", "other")
		}, true},
		{"destroyed while another declares it", func(d *declarations) error {
			_ = d.destroying(declaredUser, "00u3", "old")
			return d.claim(declaredUser, "00u3", "new")
		}, true},
		{"declared, then another destroys it", func(d *declarations) error {
			_ = d.claim(declaredUser, "00u3", "new")
			return d.destroying(declaredUser, "00u3", "old")
		}, true},
		{"terraform destroy of two", func(d *declarations) error {
			_ = d.destroying(declaredUser, "00u4", "a")
			return d.destroying(declaredUser, "00u4", "b")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.steps(&declarations{})
			var conflict *conflictError
			if got := errors.As(err, &conflict); got != tt.conflict {
				t.Fatalf("conflict = %v (%v), want %v", got, err, tt.conflict)
			}
		})
	}
}

func TestDeclarationsDeclaredBy(t *testing.T) {
	t.Parallel()
	var d declarations
	_ = d.claim(declaredGroup, "00g1", `group_id = "00g1"`)
	_ = d.destroying(declaredUser, "00u1", "gone")
	if label, ok := d.declaredBy(declaredGroup, "00g1"); !ok || label != `group_id = "00g1"` {
		t.Fatalf("declaredBy(group) = %q, %v", label, ok)
	}
	if _, ok := d.declaredBy(declaredUser, "00u1"); ok {
		t.Fatal("a user being destroyed is not declared")
	}
}

// fakePrivate is a plan's private state, as the framework hands it over.
type fakePrivate map[string][]byte

func (p fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

func (p fakePrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	p[key] = value
	return nil
}

func TestReplacementOf(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	marked := fakePrivate{}
	if diags := markHeld(ctx, marked, "00u1"); diags.HasError() {
		t.Fatal(diags)
	}
	var d declarations
	d.heldInState(declaredGroup, "00g1")
	d.heldInState(declaredUser, "00u2")
	d.gone(declaredUser, "00u2") // Read found it gone: an ordinary create
	for _, c := range []struct {
		name    string
		private fakePrivate
		kind    objectKind
		id      string
		want    replacement
	}{
		{"-replace: the create plan carries its first plan's mark", marked, declaredUser, "00u1", replacingMarked},
		{"a replacement with another user is no in-place replacement", marked, declaredUser, "00u2", notReplacing},
		{"taint: read from state in this walk", fakePrivate{}, declaredGroup, "00g1", replacingTainted},
		{"in state, but Read found it gone", fakePrivate{}, declaredUser, "00u2", notReplacing},
		{"same id, other kind", fakePrivate{}, declaredPushSource, "00g1", notReplacing},
		{"a plain create", nil, declaredUser, "00u3", notReplacing},
	} {
		if got := d.replacementOf(ctx, c.private, c.kind, c.id); got != c.want {
			t.Errorf("%s: replacementOf = %d, want %d", c.name, got, c.want)
		}
	}
	d.created(declaredUser, "00u1")
	if !d.wasCreated(declaredUser, "00u1") || d.wasCreated(declaredGroup, "00u1") {
		t.Error("wasCreated does not report what created recorded, by kind")
	}
}

// A destroy planned as kept lets exactly one Delete skip: when the current
// object's destroy was planned before its deposed copy was read, both carry
// the mark, and one of the two Deletes must still unassign (review finding).
func TestDeletesNothingOncePerKeptPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	marked := fakePrivate{keptByAnotherKey: []byte("true")}
	var d declarations
	d.heldInState(declaredUser, "00u1")
	if d.deletesNothing(ctx, marked, declaredUser, "00u1") {
		t.Fatal("a mark from an earlier walk alone skipped the unassign")
	}
	var diags diag.Diagnostics
	if !d.planDestroyKeptByAnother(ctx, marked, declaredUser, "00u1", &diags) || diags.HasError() {
		t.Fatalf("the apply walk's plan of the deposed destroy did not keep the object: %v", diags)
	}
	if !d.deletesNothing(ctx, marked, declaredUser, "00u1") {
		t.Error("the deposed copy's Delete unassigned what its plan kept")
	}
	if d.deletesNothing(ctx, marked, declaredUser, "00u1") {
		t.Error("two marked Deletes skipped on one kept plan: the assignment would stay in Okta")
	}
}
