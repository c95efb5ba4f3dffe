//go:build tools

// Package tools pins goreleaser v2, built into bin/ by `make tool-release`.
package tools

import (
	_ "github.com/goreleaser/goreleaser/v2"
)
