//go:build !unix

package provider

import "os"

// Without flock (Windows) each provider process checks only its own
// declarations.
const canLockFiles = false

func lockFile(*os.File) error { return os.ErrInvalid }

func unlockFile(*os.File) {}

func processAlive(int) bool { return false }

const openNoFollow = 0

func privateDir(string) (string, error) { return "", os.ErrInvalid }

func ownedPrivateFile(*os.File) bool { return false }
