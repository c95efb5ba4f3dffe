package provider

import (
	"errors"
	"testing"
)

func TestDeclarations(t *testing.T) {
	t.Parallel()
	var conflict *conflictError
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
