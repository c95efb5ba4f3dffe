//go:build unix

package provider

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeProcess is a live process whose pid a simulated provider process
// takes, so that the liveness check sees it alive until stop.
type fakeProcess struct{ cmd *exec.Cmd }

func startFakeProcess(t *testing.T) *fakeProcess {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &fakeProcess{cmd}
	t.Cleanup(p.stop)
	return p
}

func (p *fakeProcess) pid() int { return p.cmd.Process.Pid }

// stop kills the process and reaps it, as Terraform does a provider's.
func (p *fakeProcess) stop() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}

func joinAs(t *testing.T, path string, p *fakeProcess) *sharedDeclarations {
	t.Helper()
	s, err := joinShared(path, p.pid())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const testScope = "https://acme.okta.com 0oaapp "

func declareUser(s *sharedDeclarations, id, label string, destroying bool) error {
	return s.declare(testScope+string(declaredUser)+" "+id, declaredUser, id, declaration{label: label, destroying: destroying})
}

func wantConflict(t *testing.T, err error, destroying bool, labels ...string) {
	t.Helper()
	var c *conflictError
	if !errors.As(err, &c) || !c.elsewhere || c.destroying != destroying {
		t.Fatalf("want a conflict with another provider process (destroying %v), got %v", destroying, err)
	}
	for _, label := range labels {
		if !strings.Contains(err.Error(), label) {
			t.Errorf("the conflict does not name %s: %v", label, err)
		}
	}
}

// Two processes of one walk (two provider blocks): a second declaration of
// an object fails, whether the first process is still running or has
// exited; a create and a destroy of one object fail; two destroys do not.
func TestSharedDeclarations_twoProcessesOfOneWalk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run")
	a := joinAs(t, path, startFakeProcess(t))
	b := joinAs(t, path, startFakeProcess(t))

	if err := declareUser(a, "alice", `login = "alice"`, false); err != nil {
		t.Fatal(err)
	}
	if err := declareUser(a, "alice", `login = "alice"`, false); err != nil {
		t.Fatalf("a process's own declaration is the in-process registry's business: %v", err)
	}
	wantConflict(t, declareUser(b, "alice", `user_id = "alice"`, false), false, `login = "alice"`, `user_id = "alice"`)
	if err := declareUser(b, "bob", `login = "bob"`, false); err != nil {
		t.Fatal(err)
	}
	if err := declareUser(a, "carol", `login = "carol"`, true); err != nil {
		t.Fatal(err)
	}
	wantConflict(t, declareUser(b, "carol", `login = "carol"`, false), true, `login = "carol"`)
	if err := declareUser(a, "dave", `login = "dave"`, true); err != nil {
		t.Fatal(err)
	}
	if err := declareUser(b, "dave", `login = "dave"`, true); err != nil {
		t.Fatalf("two destroys of one object: %v", err)
	}
	// Another org or app is another object.
	if err := b.declare("https://other.okta.com 0oaapp user alice", declaredUser, "alice", declaration{label: "x"}); err != nil {
		t.Fatal(err)
	}

	// The first block's process declares and exits before a third block's
	// process of the walk, started meanwhile, declares.
	aProcess := startFakeProcess(t)
	a = joinAs(t, path, aProcess)
	c := joinAs(t, path, startFakeProcess(t))
	if err := declareUser(a, "erin", `login = "erin"`, false); err != nil {
		t.Fatal(err)
	}
	a.close()
	aProcess.stop()
	wantConflict(t, declareUser(c, "erin", `user_id = "erin"`, false), false, `login = "erin"`)
	wantConflict(t, declareUser(c, "bob", `login = "bob"`, false), false, `login = "bob"`)
}

// The next walk (plan, then apply) starts once the previous walk's processes
// are gone, gracefully or killed: it declares the same objects again without
// conflict, and the file goes with the last process.
func TestSharedDeclarations_nextWalk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run")
	planA, planB := startFakeProcess(t), startFakeProcess(t)
	a, b := joinAs(t, path, planA), joinAs(t, path, planB)
	if err := declareUser(a, "alice", `login = "alice"`, false); err != nil {
		t.Fatal(err)
	}
	if err := declareUser(b, "bob", `login = "bob"`, false); err != nil {
		t.Fatal(err)
	}
	a.close()    // exits gracefully
	planB.stop() // killed before it wrote its exit

	applyA, applyB := startFakeProcess(t), startFakeProcess(t)
	c, d := joinAs(t, path, applyA), joinAs(t, path, applyB)
	if err := declareUser(c, "alice", `login = "alice"`, false); err != nil {
		t.Fatalf("the apply walk met the plan walk: %v", err)
	}
	if err := declareUser(d, "bob", `login = "bob"`, false); err != nil {
		t.Fatal(err)
	}
	c.close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the file went while a process of the run still runs: %v", err)
	}
	d.close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the file outlived the run's processes: %v", err)
	}
}

// Three provider blocks of one walk, started one after another as OpenTofu
// does: the first has exited before the third starts, and the third's
// declaration of the first's object still fails, as the walk (the file)
// lives on in the second.
func TestSharedDeclarations_chainOfProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run")
	first := startFakeProcess(t)
	a := joinAs(t, path, first)
	if err := declareUser(a, "alice", `login = "alice"`, false); err != nil {
		t.Fatal(err)
	}
	b := joinAs(t, path, startFakeProcess(t))
	a.close()
	first.stop()
	c := joinAs(t, path, startFakeProcess(t))
	wantConflict(t, declareUser(c, "alice", `user_id = "00ualice"`, false), false, `login = "alice"`, `user_id = "00ualice"`)
	b.close()
	c.close()
}
