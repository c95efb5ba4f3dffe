//go:build unix

package provider

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

const canLockFiles = true

// lockFile waits for the run's file; the lock goes with the process.
func lockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }

func unlockFile(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// processAlive reports whether a process killed before writing its exit
// (SIGKILL) is still there.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// openNoFollow makes the open fail on a symlink planted in place of the file.
const openNoFollow = syscall.O_NOFOLLOW

// privateDir is base/statsigokta-<uid>, made 0700 when missing. The file in
// it lists the logins a run declares (never a credential), and another local
// user must not read it, plant it or point it elsewhere, so a directory that
// is a symlink, not this user's, or open to others is refused with an
// errNotPrivate saying which and why: the provider then checks each
// process's declarations on its own, and warns (warnSharedRefused).
func privateDir(base string) (string, error) {
	dir := filepath.Join(base, fmt.Sprintf("statsigokta-%d", os.Getuid()))
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return "", err
	}
	st, _ := info.Sys().(*syscall.Stat_t)
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return "", errNotPrivate{dir, "it is a symlink"}
	case !info.IsDir():
		return "", errNotPrivate{dir, "it is not a directory"}
	case st == nil || int(st.Uid) != os.Getuid():
		return "", errNotPrivate{dir, "it belongs to another user"}
	case !ownedPrivate(info):
		return "", errNotPrivate{dir, fmt.Sprintf("other users can open it (mode %v)", info.Mode().Perm())}
	}
	return dir, nil
}

// ownedPrivateFile reports whether f is a regular file of this user that
// others cannot read or write.
func ownedPrivateFile(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode().IsRegular() && ownedPrivate(info)
}

func ownedPrivate(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid() && info.Mode().Perm()&0o077 == 0
}
