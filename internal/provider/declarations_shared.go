package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// One Okta object, one declaration, across provider blocks.
//
// Terraform starts one provider process per provider configuration (an
// alias, an OpenTofu provider for_each instance) in each walk, so the
// in-process registry never sees two blocks of the same org and app that
// declare one object. The provider processes of one Terraform run are
// children of the one terraform process, so they share a file named after
// it: each appends what it declares and checks what the others declared.
//
// A walk's processes do not all live at once: one that has planned its
// resources may exit before another block's process of the same walk has
// declared anything, or (OpenTofu 1.12, which starts one block's process
// only once the previous one is configured) even started. And each walk
// (plan, then apply) starts new processes only once the previous walk's have
// exited (both measured with Terraform 1.5.7 and OpenTofu 1.12). So the file
// is the walk: the last process to leave removes it, and a process heeds the
// declarations of every process in it, exited or not; one that declared
// something lingers a moment at exit (sharedLinger), so that the walk's next
// process finds it running. The plan and apply walks of one `terraform apply`
// never meet. A block whose process starts more than sharedLinger after the
// walk's other processes have all finished (a block configured from a value a
// resource computes in the walk) is not compared.
//
// Only a process that Terraform started uses the file (Serve); a process
// hosting providers for tests leaves it alone, its instances are all in
// process. Windows has no flock here: per process only.

// sharedLinger is how long a process that declared something stays after
// Terraform stops it, so that the next block's process, which OpenTofu
// starts only once this one is configured, finds it running. Terraform waits
// for the exit (up to 2 s), so the next walk still starts after it.
const sharedLinger = 300 * time.Millisecond

// sharedLine is one line of the file: a process's start, a declaration, or
// its exit.
type sharedLine struct {
	PID        int    `json:"pid"`
	Op         string `json:"op"` // "start", "declare", "end"
	Key        string `json:"key,omitempty"`
	Label      string `json:"label,omitempty"`
	Destroying bool   `json:"destroying,omitempty"`
}

// sharedDeclarations is this process's view of the run's file.
type sharedDeclarations struct {
	mu   sync.Mutex
	path string
	pid  int
	file *os.File
	read int64 // how far this process has read the file

	walk   map[int]bool           // other processes of this walk
	others map[string]declaration // what they declared, by key
	mine   map[string]bool        // keys this process has written
}

// openSharedDeclarations joins the file of this run, or returns nil when it
// cannot (no flock, a read-only temp dir): then each process checks its own.
// refused is the errNotPrivate of a directory it would not use, which
// Configure reports (warnSharedRefused); other failures are not reported.
func openSharedDeclarations() (shared *sharedDeclarations, refused error) {
	if !canLockFiles {
		return nil, nil
	}
	dir, err := privateDir(os.TempDir())
	if err != nil {
		return nil, onlyNotPrivate(err)
	}
	parent := os.Getppid()
	name := fmt.Sprintf("statsigokta-declarations-%d%s", parent, startTimeSuffix(parent))
	if s, err := joinShared(filepath.Join(dir, name), os.Getpid()); err == nil {
		return s, nil
	}
	return nil, nil // a file in this user's own directory: nobody else's doing
}

// onlyNotPrivate keeps of privateDir's error the refusal of a directory.
func onlyNotPrivate(err error) error {
	if errors.As(err, &errNotPrivate{}) {
		return err
	}
	return nil
}

// errNotPrivate is privateDir's refusal of a directory another local user
// could read, plant or point elsewhere.
type errNotPrivate struct{ dir, why string }

func (e errNotPrivate) Error() string {
	return fmt.Sprintf("%s is not a private directory of this user: %s", e.dir, e.why)
}

// warnSharedRefused tells, at each Configure, that the declarations of
// this run's other provider processes are not checked, as another local user
// could have arranged that unseen.
func warnSharedRefused(ctx context.Context, refused error, diags *diag.Diagnostics) {
	if refused == nil {
		return
	}
	tflog.Warn(ctx, "shared declarations file not used", map[string]any{"error": refused.Error()})
	diags.AddWarning("Duplicate declarations checked per provider block only",
		fmt.Sprintf("The provider did not use its shared declarations file, because %s. Each provider block (alias, "+
			"or OpenTofu provider for_each) therefore checks only its own resources for two that name one Okta "+
			"object. Another local user may have created that path: remove it, or set TMPDIR to a directory of "+
			"your own.", refused))
}

func joinShared(path string, pid int) (*sharedDeclarations, error) {
	s := &sharedDeclarations{path: path, pid: pid, walk: map[int]bool{}, others: map[string]declaration{}, mine: map[string]bool{}}
	return s, s.join()
}

// join opens the file, notes the processes alive now and writes this
// process's start.
func (s *sharedDeclarations) join() error {
	for attempt := 0; s.file == nil; attempt++ {
		f, err := os.OpenFile(s.path, os.O_RDWR|os.O_CREATE|os.O_APPEND|openNoFollow, 0o600)
		if err != nil {
			return err
		}
		if !ownedPrivateFile(f) {
			_ = f.Close()
			return fmt.Errorf("%s is not a private file of this user", s.path)
		}
		if err := lockFile(f); err != nil {
			_ = f.Close()
			return err
		}
		// The last process of a walk removes the file; if that happened
		// while this one waited for the lock, open the new one.
		opened, err1 := f.Stat()
		named, err2 := os.Stat(s.path)
		if err1 == nil && err2 == nil && os.SameFile(opened, named) {
			s.file = f
			break
		}
		_ = f.Close()
		if attempt == 3 {
			return errors.Join(err1, err2, os.ErrExist)
		}
	}
	defer unlockFile(s.file)
	lines, err := s.readNew()
	if err != nil {
		return err
	}
	// The file lives as long as one process of the walk does: with one
	// alive, every process in it (exited since, too) is of this walk; with
	// none, it is what a killed walk left, and starts anew.
	walkAlive := false
	for pid := range running(lines) {
		walkAlive = walkAlive || (pid != s.pid && processAlive(pid))
	}
	if !walkAlive {
		if err := s.file.Truncate(0); err != nil {
			return err
		}
		s.read, lines = 0, nil
	}
	for _, l := range lines {
		if l.Op == "start" && l.PID != s.pid {
			s.walk[l.PID] = true
		}
	}
	s.note(lines, false)
	return s.write(sharedLine{PID: s.pid, Op: "start"})
}

// declare checks a declaration against those of the other processes of this
// walk and writes it for them.
func (s *sharedDeclarations) declare(key string, kind objectKind, id string, next declaration) error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := lockFile(s.file); err != nil {
		return nil // cannot share: the in-process check still holds
	}
	defer unlockFile(s.file)
	lines, err := s.readNew()
	if err != nil {
		return nil
	}
	s.note(lines, true)
	if prev, ok := s.others[key]; ok {
		if c := clash(kind, id, prev, next); c != nil {
			c.elsewhere = true
			return c
		}
	}
	if !s.mine[key] {
		s.mine[key] = true
		_ = s.write(sharedLine{PID: s.pid, Op: "declare", Key: key, Label: next.label, Destroying: next.destroying})
	}
	return nil
}

// close writes this process's exit and removes the file when no process of
// the run is left in it.
func (s *sharedDeclarations) close() {
	if s == nil {
		return
	}
	if len(s.mine) > 0 {
		time.Sleep(sharedLinger)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if lockFile(s.file) != nil {
		return
	}
	defer func() { _ = s.file.Close() }() // releases the lock
	_ = s.write(sharedLine{PID: s.pid, Op: "end"})
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return
	}
	lines, err := parseLines(s.file)
	if err != nil {
		return
	}
	for pid := range running(lines) {
		if processAlive(pid) {
			return
		}
	}
	_ = os.Remove(s.path)
}

// note takes in the declarations of the processes of this walk; with later,
// the lines are new since this process started, and a process starting there
// belongs to the walk too.
func (s *sharedDeclarations) note(lines []sharedLine, later bool) {
	for _, l := range lines {
		switch {
		case l.PID == s.pid:
		case l.Op == "start" && later:
			s.walk[l.PID] = true
		case l.Op == "declare" && s.walk[l.PID]:
			prev, seen := s.others[l.Key]
			if !seen || prev.destroying { // a kept declaration is the one to name
				s.others[l.Key] = declaration{label: l.Label, destroying: l.Destroying}
			}
		}
	}
}

func (s *sharedDeclarations) readNew() ([]sharedLine, error) {
	if _, err := s.file.Seek(s.read, io.SeekStart); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(s.file)
	if err != nil {
		return nil, err
	}
	s.read += int64(len(data))
	return parseLines(bytes.NewReader(data))
}

func (s *sharedDeclarations) write(l sharedLine) error {
	data, err := json.Marshal(l)
	if err != nil {
		return err
	}
	n, err := s.file.Write(append(data, '\n'))
	s.read += int64(n) // O_APPEND: this process's own line, read already
	return err
}

func parseLines(r io.Reader) ([]sharedLine, error) {
	var lines []sharedLine
	scan := bufio.NewScanner(r)
	scan.Buffer(nil, 1<<20)
	for scan.Scan() {
		var l sharedLine
		if json.Unmarshal(scan.Bytes(), &l) == nil {
			lines = append(lines, l)
		}
	}
	return lines, scan.Err()
}

// running lists the processes that started and have not written their exit.
func running(lines []sharedLine) map[int]bool {
	pids := map[int]bool{}
	for _, l := range lines {
		switch l.Op {
		case "start":
			pids[l.PID] = true
		case "end":
			delete(pids, l.PID)
		}
	}
	return pids
}

// sharedScope begins the keys of one org and app's objects in the file.
func sharedScope(orgURL, appID string) string {
	return strings.ToLower(strings.TrimRight(orgURL, "/")) + " " + appID + " "
}

// startTimeSuffix tells apart two terraform processes that had one pid
// (Linux; elsewhere the pid alone names the file).
func startTimeSuffix(pid int) string {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// Field 22 is the start time; the command name (field 2) may hold spaces.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 20 {
		return ""
	}
	return "-" + fields[19]
}
