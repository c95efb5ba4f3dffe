//go:build unix

package provider

import (
	"os"
	"path/filepath"
	"testing"
)

// The declarations file lists the logins a run declares: its directory is
// this user's own (made 0700), and a directory open to others, or a file
// planted as a symlink, is refused (the provider then checks each process
// on its own; the plan does not fail).
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
	if _, err := privateDir(open); err == nil {
		t.Error("a directory open to others was used")
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
