//go:build unix

package provider

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// The declarations file lists the logins a run declares: its directory is
// this user's own (made 0700), and a directory open to others, or a file
// planted as a symlink, is refused (the provider then checks each process
// on its own and warns; the plan does not fail).
func TestSharedDeclarations_privateDirectory(t *testing.T) {
	base := t.TempDir()
	dir, err := privateDir(base)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("directory %s: mode %v, err %v; want 0700", dir, info.Mode().Perm(), err)
	}
	s := joinAs(t, filepath.Join(dir, "run"), startFakeProcess(t))
	if info, err := os.Stat(s.path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("file %s: mode %v, err %v; want 0600", s.path, info.Mode().Perm(), err)
	}
	s.close()

	open := t.TempDir()
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(open, filepath.Base(dir)), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(open, filepath.Base(dir)), 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := privateDir(open); !errors.As(err, &errNotPrivate{}) {
		t.Errorf("a directory open to others was not refused as not private: %v", err)
	}

	// Another local user points the path at a private directory of theirs
	// (here: of this user, which a symlink must not pass for either).
	linked, theirs := t.TempDir(), t.TempDir()
	if err := os.Chmod(theirs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(theirs, filepath.Join(linked, filepath.Base(dir))); err != nil {
		t.Fatal(err)
	}
	_, err = privateDir(linked)
	if !errors.As(err, &errNotPrivate{}) || !strings.Contains(err.Error(), "symlink") {
		t.Errorf("a directory that is a symlink was not refused as one: %v", err)
	}
	// The refusal reaches the user as a warning naming the directory and the fix.
	var diags diag.Diagnostics
	warnSharedRefused(context.Background(), err, &diags)
	if len(diags) != 1 || diags.WarningsCount() != 1 ||
		!strings.Contains(diags[0].Detail(), filepath.Join(linked, filepath.Base(dir))) ||
		!strings.Contains(diags[0].Detail(), "remove it, or set TMPDIR") {
		t.Errorf("the refused directory was not warned of with its path and the fix: %v", diags)
	}

	elsewhere := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.WriteFile(elsewhere, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(dir, "planted")
	if err := os.Symlink(elsewhere, planted); err != nil {
		t.Fatal(err)
	}
	if _, err := joinShared(planted, os.Getpid()); err == nil {
		t.Error("a file planted as a symlink was opened")
	}
	shared := filepath.Join(dir, "shared")
	if err := os.WriteFile(shared, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := joinShared(shared, os.Getpid()); err == nil {
		t.Error("a file others can read was used")
	}
}
