//go:build unix

package provider

import (
	"errors"
	"os"
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
